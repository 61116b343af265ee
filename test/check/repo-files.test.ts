/**
 * The files check rules read from disk (src/check/repo-files.ts), listed and read once per
 * platform: the rules answer as when each walked with lstat and read on its own (the
 * implementations they replaced are kept below as the oracle).
 */

import { execFileSync } from "node:child_process";
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { repoFiles } from "../../src/check/repo-files.js";
import { bootstrapNamespaces, helmfileNamespaces } from "../../src/check/rules/workloads/bootstrap.js";
import { platformFiles } from "../../src/check/rules/workloads/imagepolicy-marker.js";
import { ConfinedFileSystem } from "../../src/fs/confined.js";
import { DiskFileSystem, MemoryFileSystem } from "../../src/fs/filesystem.js";
import { CoveredFileSystem, digestTrees, SnapshotFileSystem } from "../../src/fs/tree-digest.js";
import { loadPlatform } from "../../src/platform/index.js";
import { loadedFiles, rememberLoadedFiles } from "../../src/platform/loaded-files.js";
import { maskPlatform } from "../../src/platform/masking.js";
import type { Platform } from "../../src/platform/model.js";
import { createSecretMasker } from "../../src/sops/index.js";

const HELMFILE = (ns: string) => `releases:\n  - name: r\n    namespace: ${ns}\n    chart: c/c\n`;

function tree(): string {
  const base = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-repo-files-")));
  const root = path.join(base, "repo");
  const outside = path.join(base, "outside");
  const files: Record<string, string> = {
    "bootstrap/helmfile.yaml": HELMFILE("from-bootstrap"),
    "bootstrap/b.yml": HELMFILE("second"),
    ".hidden/helmfile.yaml": HELMFILE("hidden"),
    ".git/helmfile.yaml": HELMFILE("git"),
    "node_modules/x/helmfile.yaml": HELMFILE("node-modules"),
    "apps/a/kustomization.yaml": "resources: [cm.yaml]\n",
    "apps/a/cm.yaml": "kind: ConfigMap\n",
    "apps/a/sub/Kustomization": "resources: []\n",
    "apps/a/sub/notes.txt": "text\n",
    "apps/b/kustomization.yml": "resources: []\n",
    "apps/a/node_modules/n.yaml": "x: 1\n",
  };
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), t);
  }
  mkdirSync(outside, { recursive: true });
  writeFileSync(path.join(outside, "helmfile.yaml"), HELMFILE("outside-dir"));
  writeFileSync(path.join(base, "linked.yaml"), HELMFILE("linked-file"));
  symlinkSync(path.join(base, "linked.yaml"), path.join(root, "bootstrap/link.yaml"));
  symlinkSync(outside, path.join(root, "bootstrap/outside-dir"));
  symlinkSync(path.join(root, "apps/a"), path.join(root, "apps/link-to-a"));
  symlinkSync(path.join(root, "apps/a/cm.yaml"), path.join(root, "apps/b/kustomization.yaml"));
  symlinkSync(path.join(root, "gone.yaml"), path.join(root, "apps/dangling.yaml"));
  return root;
}

// --- the rules' walks as they were (lstat per entry, a read per file) ----------------------------

function oldBootstrap(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const files: string[] = [];
  const walk = (rel: string) => {
    let names: string[];
    try {
      names = readdirSync(path.join(root, rel)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const child = rel === "" ? name : `${rel}/${name}`;
      let stat: ReturnType<typeof lstatSync>;
      try {
        stat = lstatSync(path.join(root, child));
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (name !== ".git" && name !== "node_modules") walk(child);
        // Not a link (it may lead out of the repository), nor a FIFO (it would block).
      } else if (stat.isFile() && /\.ya?ml$/.test(name)) files.push(child);
    }
  };
  walk("");
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(path.join(root, file), "utf8");
    } catch {
      continue;
    }
    if (!/^releases\s*:/m.test(text)) continue;
    for (const ns of helmfileNamespaces(text)) if (!out.has(ns)) out.set(ns, file);
  }
  return out;
}

function oldPlatformFiles(platform: Platform): string[] {
  const files = new Set<string>();
  const seen = new Set<string>();
  const walk = (rel: string) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    let names: string[];
    try {
      names = readdirSync(path.join(platform.root, rel));
    } catch {
      return;
    }
    for (const name of names) {
      const child = rel === "." || rel === "" ? name : path.posix.join(rel, name);
      let stat: ReturnType<typeof lstatSync>;
      try {
        stat = lstatSync(path.join(platform.root, child));
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (name !== ".git" && name !== "node_modules") walk(child);
      } else if (stat.isFile() && (/\.ya?ml$/.test(name) || name === "Kustomization")) files.add(child);
    }
  };
  const isFile = (rel: string) => {
    try {
      return lstatSync(path.join(platform.root, rel)).isFile();
    } catch {
      return false;
    }
  };
  for (const c of platform.clusters)
    for (const k of c.kustomizations) {
      if (k.dir !== undefined && k.status !== "external") walk(path.posix.normalize(k.dir));
      for (const r of k.resources) {
        if (r.source) files.add(path.posix.normalize(r.source.file));
        for (const dir of r.touchedBy)
          for (const name of ["kustomization.yaml", "kustomization.yml", "Kustomization"]) {
            const f = path.posix.join(dir, name);
            if (isFile(f)) files.add(f);
          }
      }
    }
  return [...files].sort();
}

/** A platform of Kustomizations at `dirs`, whose objects were touched by `touched`. */
function platformAt(root: string, dirs: string[], touched: string[]): Platform {
  return {
    root,
    errors: [],
    clusters: [
      {
        name: "c",
        kustomizations: dirs.map((dir) => ({
          dir,
          status: "rendered",
          resources: [{ source: { file: `${dir}/x.yaml`, line: 1 }, touchedBy: touched }],
        })),
      },
    ],
  } as unknown as Platform;
}

describe("check rules' repository files", () => {
  it("bootstrap helmfiles: the same namespaces from the same files (links neither read nor walked, a FIFO not read)", () => {
    const root = tree();
    // A FIFO named like a helmfile would block a read until a writer comes: never opened.
    execFileSync("mkfifo", [path.join(root, "bootstrap/fifo.yaml")]);
    const platform = { root, clusters: [], errors: [] } as unknown as Platform;
    const got = bootstrapNamespaces(platform);
    expect([...got]).toEqual([...oldBootstrap(root)]);
    expect(got.get("from-bootstrap")).toBe("bootstrap/helmfile.yaml");
    // bootstrap/link.yaml leads out of the repository: reads stay inside.
    expect(
      got.has("linked-file") || got.has("outside-dir") || got.has("git") || got.has("node-modules"),
    ).toBe(false);
    expect(repoFiles(platform).text(path.join(root, "bootstrap/fifo.yaml"))).toBeUndefined();
  });

  it.each([
    [["apps/a"], ["apps/a/sub", "apps/b", "apps/link-to-a", "missing"]],
    [
      ["apps", "."],
      ["apps/a", "apps/b/../a"],
    ],
    [["apps/link-to-a", "../outside"], ["bootstrap"]],
  ])("imagepolicy-marker's files below %j touched by %j", (dirs, touched) => {
    const root = tree();
    const platform = platformAt(root, dirs, touched);
    expect(platformFiles(platform)).toEqual(oldPlatformFiles(platformAt(root, dirs, touched)));
  });

  it("lists and reads each path once per platform, and not beyond it", () => {
    const root = tree();
    const platform = { root, clusters: [], errors: [] } as unknown as Platform;
    const files = repoFiles(platform);
    expect(repoFiles(platform)).toBe(files);
    const file = path.join(root, "apps/a/cm.yaml");
    expect(files.text(file)).toBe("kind: ConfigMap\n");
    writeFileSync(file, "changed\n");
    expect(files.text(file)).toBe("kind: ConfigMap\n");
    expect(files.list(path.join(root, "apps"))?.map((e) => e.name)).toEqual([
      "a",
      "b",
      "dangling.yaml",
      "link-to-a",
    ]);
    expect(files.text(path.join(root, "apps/dangling.yaml"))).toBeUndefined();
    // Another platform (a later run) reads the disk as it is then.
    expect(repoFiles({ ...platform }).text(file)).toBe("changed\n");
  });
});

/** `platform` as loadPlatform leaves it: registered with a view of its root that keeps its reads. */
function loadedFrom(platform: Platform): ConfinedFileSystem {
  const view = new ConfinedFileSystem(new DiskFileSystem(), [platform.root]);
  view.keepReads(1024 * 1024);
  rememberLoadedFiles(platform, view);
  return view;
}

describe("check rules' repository files, through the view a platform was loaded through", () => {
  it("bootstrap helmfiles: the same namespaces from the same files (links, FIFOs, .git left out)", () => {
    const root = tree();
    execFileSync("mkfifo", [path.join(root, "bootstrap/fifo.yaml")]);
    const platform = { root, clusters: [], errors: [] } as unknown as Platform;
    loadedFrom(platform);
    expect([...bootstrapNamespaces(platform)]).toEqual([...oldBootstrap(root)]);
    expect(repoFiles(platform).text(path.join(root, "bootstrap/fifo.yaml"))).toBeUndefined();
  });

  // A loaded platform names no directory through a symbolic link (the load read through the
  // same view, which has none): the rules' answers for the directories it can name.
  it.each([
    [["apps/a"], ["apps/a/sub", "apps/b", "missing"]],
    [
      ["apps", "."],
      ["apps/a", "apps/b/../a"],
    ],
    [["apps/b"], ["bootstrap"]],
  ])("imagepolicy-marker's files below %j touched by %j", (dirs, touched) => {
    const root = tree();
    const platform = platformAt(root, dirs, touched);
    loadedFrom(platform);
    expect(platformFiles(platform)).toEqual(oldPlatformFiles(platformAt(root, dirs, touched)));
  });

  it("reads the bytes the load read, and nothing outside the view", () => {
    const root = tree();
    const platform = { root, clusters: [], errors: [] } as unknown as Platform;
    const view = loadedFrom(platform);
    const file = path.join(root, "apps/a/cm.yaml");
    expect(view.readFile(file).toString()).toBe("kind: ConfigMap\n");
    writeFileSync(file, "changed\n");
    expect(repoFiles(platform).text(file)).toBe("kind: ConfigMap\n");
    // A link's target is not in the view, wherever it leads.
    expect(repoFiles(platform).list(path.join(root, "apps/link-to-a"))).toBeUndefined();
    expect(repoFiles(platform).text(path.join(root, "bootstrap/link.yaml"))).toBeUndefined();
    expect(repoFiles(platform).list(path.join(root, "../outside"))).toBeUndefined();
    expect(repoFiles(platform).text(path.join(root, "../outside/helmfile.yaml"))).toBeUndefined();
  });

  it("a platform loaded from disk lends its view, and so does its masked copy", () => {
    const root = tree();
    const platform = loadPlatform(root, { charts: false, renderCache: false });
    const view = loadedFiles(platform);
    expect(view).toBeDefined();
    const masked = maskPlatform(platform, createSecretMasker());
    expect(loadedFiles(masked)).toBe(view);
    expect([...bootstrapNamespaces(masked)]).toEqual([...oldBootstrap(root)]);
  });

  it("a platform loaded through the result cache's snapshot lends its view (reads noted), a Git-like one none", () => {
    const root = tree();
    const covered = new CoveredFileSystem(
      new SnapshotFileSystem(new DiskFileSystem(), digestTrees([root]).contents),
      [root],
    );
    const platform = loadPlatform(root, { fs: covered, charts: false, renderCache: false });
    expect(loadedFiles(platform)).toBeDefined();
    expect([...bootstrapNamespaces(platform)]).toEqual([...oldBootstrap(root)]);
    // The rules walk no undigested directory: the run stays cacheable.
    expect(covered.uncovered).toBeUndefined();
    const revision = new MemoryFileSystem({ [`${root}/bootstrap/helmfile.yaml`]: HELMFILE("rev") });
    expect(
      loadedFiles(loadPlatform(root, { fs: revision, charts: false, renderCache: false })),
    ).toBeUndefined();
  });
});
