import { symlinkSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FileSystem, MemoryFileSystem } from "../../src/fs/filesystem.js";
import { GitFileSystem } from "../../src/fs/git.js";
import { SourceArtifactFileSystem } from "../../src/fs/source-artifact.js";
import { loadPlatform } from "../../src/platform/index.js";
import { GitFixture } from "../diff/git-fixture.js";

const sync = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 1m, url: "https://example.com/r.git", ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec:
  interval: 10m
  path: ./clusters/dev
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
`;
const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: b\n";

describe("source artifact: what Flux can read of a Git source", () => {
  it("without .sourceignore, Flux's default exclusions apply (.sops.yaml, CI files, images, VCS)", () => {
    const mem = new MemoryFileSystem({
      "/r/clusters/dev/.sops.yaml": "creation_rules: []\n",
      "/r/clusters/dev/app.yaml": cm,
      "/r/.gitlab-ci.yml": "stages: []\n",
      "/r/logo.png": "x",
      "/r/.git/HEAD": "ref",
    });
    const fs = new SourceArtifactFileSystem(mem, "/r");
    expect(fs.readDir("/r/clusters/dev")).toEqual(["app.yaml"]);
    expect(fs.readDir("/r")).toEqual(["clusters"]);
    expect(fs.exists("/r/logo.png")).toBe(false);
    expect(() => fs.readFile("/r/clusters/dev/.sops.yaml")).toThrow(/excluded from the source artifact/);
  });

  it("leaves out the folders a build of Slipway's names, the default exclusions kept, names matched literally", () => {
    const mem = new MemoryFileSystem({
      "/r/c/.sops.yaml": "creation_rules: []\n",
      "/r/c/app.yaml": cm,
      "/r/c/dev/app.yaml": cm,
      "/r/c/a[1]/app.yaml": cm,
      "/r/c/a1/app.yaml": cm,
      "/r/c/base/app.yaml": cm,
    });
    const by = "the made-up root";
    const fs = new SourceArtifactFileSystem(mem, "/r", { leftOut: { dirs: ["c/dev", "c/a[1]"], by } });
    // .sops.yaml still left out: not a replacement of the defaults, as spec.ignore's patterns are.
    expect(fs.readDir("/r/c")).toEqual(["a1", "app.yaml", "base"]);
    expect(fs.excludedBy("/r/c/dev")).toContain(by);
  });

  it("gives source-controller's verdicts on look-alike names: case-sensitive, segment by segment", () => {
    // The oracle restates fluxcd/pkg's default patterns on their own: a name or directory
    // pattern matches any segment (a directory one not the last segment of a file), `*.ext` any
    // segment ending with it, byte for byte (Go's path.Match knows no case folding).
    const names = [
      "app.yaml",
      "logo.PNG",
      "logo.png",
      "x.jpg",
      "x.jpgx",
      "a.Jpeg",
      "a.jpeg",
      "movie.wMv",
      "b.tar.GZ",
      "b.tar.gz",
      "c.tar",
      "d.zip",
      ".GitHub",
      ".github",
      ".gitx",
      "git",
      ".git",
      ".Git",
      ".gitignore",
      ".CircleCI",
      ".circleci",
      ".travis.yml",
      ".TRAVIS.YML",
      ".gitlab-ci.yml",
      "AppVeyor.yml",
      "appveyor.yml",
      ".drone.yml",
      "cloudbuild.yaml",
      "codeship-steps.yml",
      "codeship-services.yml",
      ".goreleaser.yml",
      ".sops.yaml",
      ".SOPS.yaml",
      ".sops.yml",
      ".flux.yaml",
      "\u0130.png",
      "\u212Aey.zip",
      ".\u017Fops.yaml",
      "sops.yaml",
      "x.flv",
      "y.gif",
    ];
    const dirNames = new Set([".git", ".github", ".circleci"]);
    const anyNames = new Set([
      ".gitignore",
      ".gitmodules",
      ".gitattributes",
      ".travis.yml",
      ".gitlab-ci.yml",
      "appveyor.yml",
      ".drone.yml",
      "cloudbuild.yaml",
      "codeship-services.yml",
      "codeship-steps.yml",
      ".goreleaser.yml",
      ".sops.yaml",
      ".flux.yaml",
    ]);
    const endings = [".jpg", ".jpeg", ".gif", ".png", ".wmv", ".flv", ".tar.gz", ".zip"];
    const oracle = (rel: string, dir: boolean): boolean =>
      rel.split("/").some((seg, i, all) => {
        const last = i === all.length - 1;
        return (
          (dirNames.has(seg) && (dir || !last)) || anyNames.has(seg) || endings.some((e) => seg.endsWith(e))
        );
      });
    const files: Record<string, string> = {};
    const paths: Array<{ rel: string; dir: boolean }> = [];
    let i = 0;
    for (const a of names)
      for (const b of names) {
        if (i++ % 3 !== 0) continue;
        files[`/look/${a}/${b}`] = "x";
        paths.push({ rel: a, dir: true }, { rel: `${a}/${b}`, dir: false });
      }
    const fs = new SourceArtifactFileSystem(new MemoryFileSystem(files), "/look");
    let excluded = 0;
    for (const { rel, dir } of paths) {
      const expected = oracle(rel, dir);
      expect([rel, fs.isIgnored(`/look/${rel}`, dir)]).toEqual([rel, expected]);
      if (expected) excluded++;
    }
    expect(excluded).toBeGreaterThan(100);
    expect(excluded).toBeLessThan(paths.length - 100);
    // What `ignore` (Git's rules, case-insensitive here) excluded and Flux keeps.
    expect(fs.isIgnored("/look/logo.PNG/app.yaml", false)).toBe(false);
    expect(fs.isIgnored("/look/.GitHub/app.yaml", false)).toBe(false);
  });

  it("a .sourceignore replaces the defaults and is scoped to its directory", () => {
    const mem = new MemoryFileSystem({
      "/r/apps/.sourceignore": "drafts/\n*.txt\n",
      "/r/apps/drafts/x.yaml": cm,
      "/r/apps/notes.txt": "x",
      "/r/apps/ok.yaml": cm,
      "/r/notes.txt": "x",
      "/r/.sops.yaml": "creation_rules: []\n",
    });
    const fs = new SourceArtifactFileSystem(mem, "/r");
    expect(fs.readDir("/r/apps")).toEqual([".sourceignore", "ok.yaml"]);
    expect(fs.exists("/r/notes.txt")).toBe(true);
    expect(fs.exists("/r/.sops.yaml")).toBe(true);
  });

  it("views with the same rules share verdicts, views with other rules or roots never do", () => {
    const tree = (sourceignore: string | undefined) =>
      new MemoryFileSystem({
        ...(sourceignore === undefined ? {} : { "/r/apps/.sourceignore": sourceignore }),
        "/r/apps/drafts/x.yaml": cm,
        "/r/apps/notes.txt": "x",
        "/r/apps/ok.yaml": cm,
        "/r/.sops.yaml": "creation_rules: []\n",
        "/r/logo.png": "x",
      });
    // Asked in turn, with the first view's verdicts in memory: each answers as a view alone does.
    const cases: Array<[string | undefined, string[]]> = [
      ["drafts/\n*.txt\n", ["/r/.sops.yaml", "/r/apps/.sourceignore", "/r/apps/ok.yaml", "/r/logo.png"]],
      [
        "*.txt\n",
        ["/r/.sops.yaml", "/r/apps/.sourceignore", "/r/apps/drafts", "/r/apps/ok.yaml", "/r/logo.png"],
      ],
      [undefined, ["/r/apps/drafts", "/r/apps/notes.txt", "/r/apps/ok.yaml"]],
      ["drafts/\n*.txt\n", ["/r/.sops.yaml", "/r/apps/.sourceignore", "/r/apps/ok.yaml", "/r/logo.png"]],
    ];
    const visible = (fs: SourceArtifactFileSystem) =>
      ["/r", "/r/apps"].flatMap((d) => fs.readDir(d).map((n) => `${d}/${n}`)).filter((p) => p !== "/r/apps");
    for (const [sourceignore, expected] of cases) {
      expect(visible(new SourceArtifactFileSystem(tree(sourceignore), "/r")).sort()).toEqual(expected);
    }
    // One spec.ignore line anchored at the root: what it leaves out depends on the root.
    const atRoot = new SourceArtifactFileSystem(tree(undefined), "/r", { text: "/drafts/" });
    expect(atRoot.readDir("/r/apps")).toContain("drafts");
    const atApps = new SourceArtifactFileSystem(tree(undefined), "/r/apps", { text: "/drafts/" });
    expect(atApps.readDir("/r/apps")).not.toContain("drafts");
    expect(
      new SourceArtifactFileSystem(tree(undefined), "/r", { text: "/apps/" }).readDir("/r"),
    ).not.toContain("apps");
    expect(
      new SourceArtifactFileSystem(tree(undefined), "/r", { text: "/logo.png" }).readDir("/r"),
    ).toContain("apps");
    expect(
      new SourceArtifactFileSystem(tree(undefined), "/r", { text: "/drafts/" }).readDir("/r/apps"),
    ).toContain("drafts");
  });

  it("a Flux path without kustomization.yaml renders although it holds a .sops.yaml", () => {
    const mem = new MemoryFileSystem({
      "/r/clusters/dev/flux-system/gotk-sync.yaml": sync,
      "/r/clusters/dev/.sops.yaml": "creation_rules:\n  - age: age1xyz\n",
      "/r/clusters/dev/app.yaml": cm,
    });
    const p = loadPlatform("/r", { fs: mem });
    const root = p.clusters[0]!.kustomizations[0]!;
    expect(root.errors).toEqual([]);
    expect(root.resources.map((r) => r.object.kind).sort()).toEqual([
      "ConfigMap",
      "GitRepository",
      "Kustomization",
    ]);
  });

  describe("a Git revision finds its .sourceignore files without walking", () => {
    const repo = new GitFixture().write({
      "apps/.sourceignore": "drafts/\n",
      "apps/drafts/x.yaml": cm,
      "apps/ok.yaml": cm,
      "a-b/.sourceignore": "*.txt\n",
      "a-b/n.txt": "x",
      "a/.sourceignore": "/keep/\n",
      "a/keep/y.yaml": cm,
      "a/z.yaml": cm,
      "node_modules/pkg/.sourceignore": "*\n",
      "node_modules/pkg/a.yaml": cm,
      "deep/er/.sourceignore": "*.yaml\n",
      "deep/er/w.yaml": cm,
      "deep/v.yaml": cm,
    });
    symlinkSync("../apps", path.join(repo.dir, "a/link"));
    const commit = repo.commit("tree");
    afterAll(() => repo.cleanup());
    /** The revision without its path list: the artifact walks it. */
    const walking = (fs: FileSystem): FileSystem => ({
      readFile: (p) => fs.readFile(p),
      exists: (p) => fs.exists(p),
      isDirectory: (p) => fs.isDirectory(p),
      readDir: (p) => fs.readDir(p),
      size: (p) => fs.size(p),
      realPath: (p) => fs.realPath(p),
      linkless: true,
    });
    const listing = (fs: FileSystem, dir: string): string[] => {
      const out: string[] = [];
      for (const name of fs.readDir(dir)) {
        const p = `${dir}/${name}`;
        out.push(p);
        if (fs.isDirectory(p)) out.push(...listing(fs, p));
      }
      return out;
    };

    it("sees what a walk sees, from the root and from a directory below it", () => {
      const git = GitFileSystem.open(repo.dir, commit);
      expect(git.filesNamed(repo.dir, ".sourceignore")).toHaveLength(5);
      for (const root of [repo.dir, `${repo.dir}/deep`, `${repo.dir}/apps`]) {
        const fast = new SourceArtifactFileSystem(git, root);
        const walked = new SourceArtifactFileSystem(walking(git), `${root}`, { text: "# walked" });
        const plain = listing(fast, root);
        expect(plain).toEqual(listing(walked, root));
        expect(plain).not.toContain(`${repo.dir}/apps/drafts`);
        expect(plain).not.toContain(`${repo.dir}/deep/er/w.yaml`);
      }
      const top = listing(new SourceArtifactFileSystem(git, repo.dir), repo.dir);
      expect(top).not.toContain(`${repo.dir}/a-b/n.txt`);
      expect(top).not.toContain(`${repo.dir}/a/keep`);
      // Not read from below node_modules.
      expect(top).toContain(`${repo.dir}/node_modules/pkg/a.yaml`);
    });
  });
});
