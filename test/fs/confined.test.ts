import { symlinkSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { confinedView } from "../../src/fs/confined.js";
import type { FileSystem } from "../../src/fs/filesystem.js";
import { GitFileSystem } from "../../src/fs/git.js";
import { GitFixture } from "../diff/git-fixture.js";

/**
 * A confined view over a file system without links (a Git revision, another confined view)
 * takes an existing path as its own real path instead of asking: it answers as the view that
 * asks does, on every path of a revision (a committed symbolic link included) and on absent,
 * outside and non-normal ones.
 */
const repo = new GitFixture().write({
  "a/kustomization.yaml": "resources: [cm.yaml]\n",
  "a/cm.yaml": "kind: ConfigMap\n",
  "a/b/c.yaml": "x: 1\n",
  "d/e.yaml": "y: 2\n",
});
symlinkSync("../a", path.join(repo.dir, "d/link"));
symlinkSync("/etc", path.join(repo.dir, "out"));
const commit = repo.commit("tree");
afterAll(() => repo.cleanup());

/** `fs` without saying it has no links: every answer asked of it. */
function asking(fs: FileSystem): FileSystem {
  return {
    readFile: (p) => fs.readFile(p),
    exists: (p) => fs.exists(p),
    isDirectory: (p) => fs.isDirectory(p),
    readDir: (p) => fs.readDir(p),
    size: (p) => fs.size(p),
    realPath: (p) => fs.realPath(p),
  };
}

function answers(fs: FileSystem, p: string): unknown[] {
  const tryIt = (f: () => unknown) => {
    try {
      return f();
    } catch (e) {
      return `throws ${(e as NodeJS.ErrnoException).code ?? (e as Error).name}`;
    }
  };
  return [
    fs.exists(p),
    fs.isDirectory(p),
    tryIt(() => fs.readDir(p)),
    tryIt(() => fs.realPath(p)),
    tryIt(() => fs.readFile(p).toString("utf8")),
  ];
}

describe("confinedView over a file system without links", () => {
  it("answers as a view that asks for real paths", () => {
    const git = GitFileSystem.open(repo.dir, commit);
    expect(git.linkless).toBe(true);
    const root = repo.dir;
    const rels = ["", "a", "a/b", "a/b/c.yaml", "a/cm.yaml", "d", "d/e.yaml", "d/link", "d/link/cm.yaml"];
    const paths = [
      ...rels.map((r) => (r ? `${root}/${r}` : root)),
      `${root}/out`,
      `${root}/absent`,
      `${root}/a//cm.yaml`,
      `${root}/a/./cm.yaml`,
      `${root}/a/`,
      path.dirname(root),
      "/etc/passwd",
    ];
    const fast = confinedView(git, [root]);
    const slow = confinedView(asking(git), [root]);
    const nested = confinedView(confinedView(git, [root]), [`${root}/a`]);
    const nestedSlow = confinedView(asking(confinedView(asking(git), [root])), [`${root}/a`]);
    for (const p of paths) {
      expect(answers(fast, p), p).toEqual(answers(slow, p));
      expect(answers(nested, p), p).toEqual(answers(nestedSlow, p));
    }
    expect(fast.exists(`${root}/d/link`)).toBe(false);
    expect(fast.readDir(`${root}/d`)).toEqual(["e.yaml"]);
  });
});
