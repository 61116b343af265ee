/**
 * A kustomization that names a file the repository holds as a symbolic link: Slipway reads
 * no links (Flux's source artifact holds none), so the build fails as Flux's does, but "no such
 * file or directory" alone was untrue of what the user sees on disk. The error now names the
 * link. Each row: what the kustomization names, and where the link is.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { GitFileSystem } from "../../src/fs/git.js";
import { loadPlatform } from "../../src/platform/index.js";
import { tempTree } from "../support/cli.js";
import { fluxKs, fluxSync } from "../support/flux.js";
import { scratchDirs } from "../support/scratch.js";

const temps = scratchDirs();

const SYNC = fluxSync("./clusters/prod", {
  url: "https://example.com/x.git",
  branch: "main",
  interval: { git: "1m", ks: "10m" },
  prune: true,
});
const APPS = fluxKs("apps", "./apps");
const CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: default\n";

/** A repository whose apps/ names a file in apps/linked, a link to ../common. */
function linkedDirectoryTree(): string {
  const root = tempTree({
    "clusters/prod/flux-system/gotk-sync.yaml": SYNC,
    "clusters/prod/apps.yaml": APPS,
    "apps/kustomization.yaml": "resources: [linked/b.yaml]\n",
    "common/b.yaml": CM,
  });
  temps.keep(root);
  symlinkSync("../common", path.join(root, "apps/linked"));
  return root;
}

describe("a build that needs a file behind a symbolic link names the link", () => {
  it.each([
    ["a resource", "resources: [b.yaml]\n", "b.yaml", "apps/b.yaml"],
    ["a resource in a linked directory", "resources: [linked/b.yaml]\n", "linked", "apps/linked"],
    ["a generator file", "configMapGenerator:\n  - name: g\n    files: [b.yaml]\n", "b.yaml", "apps/b.yaml"],
    ["a patch file", "resources: [a.yaml]\npatches:\n  - path: b.yaml\n", "b.yaml", "apps/b.yaml"],
  ])("%s", async (_, kustomization, linkName, shown) => {
    const root = tempTree({
      "clusters/prod/flux-system/gotk-sync.yaml": SYNC,
      "clusters/prod/apps.yaml": APPS,
      "apps/kustomization.yaml": kustomization,
      "apps/a.yaml": CM,
      "common/b.yaml": CM,
    });
    temps.keep(root);
    mkdirSync(path.join(root, "apps"), { recursive: true });
    if (linkName === "linked") symlinkSync("../common", path.join(root, "apps/linked"));
    else symlinkSync("../common/b.yaml", path.join(root, "apps/b.yaml"));
    const p = await loadPlatform(root, { renderCache: false });
    const k = p.clusters[0]!.kustomizations.find((x) => x.name === "apps")!;
    expect(k.status).toBe("failed");
    expect(k.errors.map((e) => e.message).join("\n")).toContain(
      `${path.join(root, shown)} is a symbolic link, and Slipway reads no links in a repository`,
    );
  });

  it("says the same with the render cache, on the first run as on the next", async () => {
    const root = linkedDirectoryTree();
    const cacheDir = temps.make();
    const errors = () =>
      loadPlatform(root, { renderCache: new DiskRenderCache(cacheDir) })
        .clusters[0]!.kustomizations.find((x) => x.name === "apps")!
        .errors.map((e) => e.message);
    const cold = errors();
    expect(cold.join("\n")).toContain(`${path.join(root, "apps/linked")} is a symbolic link`);
    expect(errors()).toEqual(cold);
  });

  it("says the same at a Git revision, whose links are tree entries (a diff's base)", async () => {
    const root = linkedDirectoryTree();
    const git = (...args: string[]) => execFileSync("git", args, { cwd: root, stdio: "ignore" });
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "links");
    const errors = (fs?: GitFileSystem) =>
      loadPlatform(root, { renderCache: false, ...(fs ? { fs } : {}) })
        .clusters[0]!.kustomizations.find((x) => x.name === "apps")!
        .errors.map((e) => e.message);
    const onDisk = errors();
    expect(onDisk.join("\n")).toContain(`${path.join(root, "apps/linked")} is a symbolic link`);
    expect(errors(GitFileSystem.open(root, "HEAD"))).toEqual(onDisk);
  });

  it("a file that is not there at all is reported as before, without a note", async () => {
    const root = tempTree({
      "clusters/prod/flux-system/gotk-sync.yaml": SYNC,
      "clusters/prod/apps.yaml": APPS,
      "apps/kustomization.yaml": "resources: [b.yaml]\n",
    });
    temps.keep(root);
    const p = await loadPlatform(root, { renderCache: false });
    const k = p.clusters[0]!.kustomizations.find((x) => x.name === "apps")!;
    expect(k.errors.map((e) => e.message).join("\n")).not.toContain("symbolic link");
  });
});
