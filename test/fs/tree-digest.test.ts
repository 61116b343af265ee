import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DiskFileSystem, MemoryFileSystem } from "../../src/fs/filesystem.js";
import { CoveredFileSystem, digestTrees, SnapshotFileSystem } from "../../src/fs/tree-digest.js";
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

  // The snapshot answers listings, existence and directory-ness from the digest's walk: every
  // answer must be the disk's (links followed as the disk follows them), and after the disk
  // changes, the digested state's, never a mixture of the two.
  it("SnapshotFileSystem answers as the disk did when the tree was digested", () => {
    // One level below a private directory: the parent is asked about too, and the shared
    // temporary directory changes while other test files run.
    const root = path.join(
      tempTree({
        "repo/a/b.yaml": "x: 1\n",
        "repo/a/c/d.yaml": "d",
        "repo/e.txt": "e",
        "repo/.git/HEAD": "ref: main\n",
        "repo/node_modules/m/x.yaml": "x",
      }),
      "repo",
    );
    execFileSync("mkfifo", [path.join(root, "pipe")]);
    symlinkSync("a", path.join(root, "to-dir"));
    symlinkSync("e.txt", path.join(root, "to-file"));
    symlinkSync("nowhere", path.join(root, "dangling"));
    const disk = new DiskFileSystem();
    const tree = digestTrees([root]);
    const snap = new SnapshotFileSystem(disk, tree.contents, tree.listings);
    const paths = [
      root,
      ...[
        "a",
        "a/b.yaml",
        "a/c",
        "a/c/d.yaml",
        "a/missing",
        "a/c/missing/x",
        "e.txt",
        "e.txt/x",
        ".git",
        ".git/HEAD",
        "node_modules",
        "node_modules/m",
        "node_modules/m/x.yaml",
        "pipe",
        "to-dir",
        "to-dir/b.yaml",
        "to-dir/c",
        "to-file",
        "dangling",
        "missing",
        "a/.",
        "a/..",
        "a/c/../b.yaml",
      ].map((p) => `${root}/${p}`),
      `${root}/a/`,
      path.dirname(root),
    ];
    const answers = (fs: DiskFileSystem | SnapshotFileSystem) =>
      paths.map((p) => {
        const tryOr = <T>(f: () => T) => {
          try {
            return f();
          } catch (e) {
            return `throws ${(e as NodeJS.ErrnoException).code}`;
          }
        };
        return [
          p,
          fs.exists(p),
          fs.isDirectory(p),
          tryOr(() => fs.readDir(p)),
          tryOr(() => fs.readDirTyped!(p)),
        ];
      });
    expect(answers(snap)).toStrictEqual(answers(disk));
    // The disk moves on; the snapshot keeps the digested listings (one state of the tree).
    const before = answers(snap).filter(
      ([p]) => !String(p).includes("node_modules") && !String(p).includes(".git"),
    );
    writeFileSync(path.join(root, "a/new.yaml"), "n");
    rmSync(path.join(root, "a/c"), { recursive: true });
    const after = answers(snap).filter(
      ([p]) => !String(p).includes("node_modules") && !String(p).includes(".git"),
    );
    // (Paths not in the form the loader asks, `a/`, `a/.`, go to the disk as before.)
    const listed = (rows: unknown[][]) =>
      rows.filter(
        ([p]) => /^\/a(\/[\w.-]+)*$/.test(String(p).slice(root.length)) && !/\/\.\.?(\/|$)/.test(String(p)),
      );
    // (A listing of what is no directory still throws, with the disk's code of the moment.)
    const shape = (rows: unknown[][]) =>
      listed(rows).map((r) => r.slice(0, 4).map((x) => (String(x).startsWith("throws") ? "throws" : x)));
    expect(shape(after)).toStrictEqual(shape(before));
    expect(snap.readDir(`${root}/a`)).toStrictEqual(["b.yaml", "c"]);
    expect(snap.exists(`${root}/a/new.yaml`)).toBe(false);
    expect(snap.isDirectory(`${root}/a/c`)).toBe(true);
    // An answer's listing is the caller's own to change.
    snap.readDirTyped!(root)[0]!.name = "changed";
    expect(snap.readDirTyped!(root)[0]!.name).not.toBe("changed");
  });
});
