import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { CoveredFileSystem, digestTrees } from "../../src/fs/tree-digest.js";
import { tempTree } from "../support/cli.js";

describe("digestTrees", () => {
  it("changes with a file's bytes, a new file or directory, a link's target; not with a modification time", () => {
    const root = tempTree({ "a/b.yaml": "x: 1\n", "c.txt": "c" });
    const digest = () => digestTrees([root]).digest;
    const seen = new Set([digest()]);
    const expectNew = () => {
      const d = digest();
      expect(seen.has(d)).toBe(false);
      seen.add(d);
    };
    utimesSync(path.join(root, "c.txt"), new Date(0), new Date(0));
    expect(seen.has(digest())).toBe(true);
    writeFileSync(path.join(root, "a/b.yaml"), "x: 2\n");
    expectNew();
    writeFileSync(path.join(root, "a/new.yaml"), "");
    expectNew();
    mkdirSync(path.join(root, "a/empty"));
    expectNew();
    symlinkSync("b.yaml", path.join(root, "a/l"));
    expectNew();
    rmSync(path.join(root, "a/l"));
    symlinkSync("new.yaml", path.join(root, "a/l"));
    expectNew();
    // A file and a directory of one name are different trees.
    rmSync(path.join(root, "a/empty"), { recursive: true });
    writeFileSync(path.join(root, "a/empty"), "");
    expectNew();
  });

  it("does not read .git or node_modules, or open a FIFO; a link out of the roots is reported", () => {
    const root = tempTree({ "k.yaml": "a: 1\n", ".git/HEAD": "ref: main\n", "node_modules/m/x.yaml": "x" });
    execFileSync("mkfifo", [path.join(root, "pipe")]);
    const before = digestTrees([root]);
    expect(before.leavesRoots).toBeUndefined();
    writeFileSync(path.join(root, ".git/HEAD"), "ref: other\n");
    writeFileSync(path.join(root, "node_modules/m/x.yaml"), "y");
    expect(digestTrees([root]).digest).toBe(before.digest);
    symlinkSync("/etc", path.join(root, "out"));
    expect(digestTrees([root]).leavesRoots).toBe(path.join(root, "out"));
    rmSync(path.join(root, "out"));
    symlinkSync("node_modules/m", path.join(root, "in-undigested"));
    expect(digestTrees([root]).leavesRoots).toBe(path.join(root, "in-undigested"));
  });

  it("CoveredFileSystem notes reads below an undigested directory and outside the roots only", () => {
    const mem = new MemoryFileSystem({ "/r/a.yaml": "", "/r/.git/HEAD": "", "/o/x": "" });
    const covered = new CoveredFileSystem(mem, ["/r"]);
    covered.readFile("/r/a.yaml");
    covered.exists("/r/.git");
    covered.isDirectory("/r/.git");
    expect(covered.uncovered).toBeUndefined();
    covered.readDir("/r/.git");
    expect(covered.uncovered).toBe("/r/.git");
    const outside = new CoveredFileSystem(mem, ["/r"]);
    outside.exists("/o/x");
    expect(outside.uncovered).toBe("/o/x");
  });
});
