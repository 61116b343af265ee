/**
 * ConfinedFileSystem learns what a listing holds from the entries' types (readDirTyped) when
 * its base can say them: every answer must be the one it gives asking about each entry.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfinedFileSystem } from "../../src/fs/confined.js";
import { DiskFileSystem, type FileSystem } from "../../src/fs/filesystem.js";
import { GitFileSystem } from "../../src/fs/git.js";

/** `fs` (the disk by default) without readDirTyped: the confined view asks about each entry. */
function untyped(disk: FileSystem = new DiskFileSystem()): FileSystem {
  return {
    readFile: (p) => disk.readFile(p),
    exists: (p) => disk.exists(p),
    isDirectory: (p) => disk.isDirectory(p),
    readDir: (p) => disk.readDir(p),
    size: (p) => disk.size(p),
    realPath: (p) => disk.realPath(p),
    ...(disk.linkless ? { linkless: true } : {}),
    ...(disk.linksIn ? { linksIn: (p: string) => disk.linksIn!(p) } : {}),
  };
}

function tree(): { root: string; outside: string } {
  const base = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-confined-")));
  const root = path.join(base, "repo");
  const outside = path.join(base, "outside");
  for (const d of ["a/b/c", "a/d", "e"]) mkdirSync(path.join(root, d), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, "x.yaml"), "x: 1\n");
  for (const f of ["a/one.yaml", "a/b/two.yaml", "a/b/c/three.yaml", "e/Kustomization", "top.yaml"])
    writeFileSync(path.join(root, f), `${f}\n`);
  symlinkSync(path.join(root, "a/one.yaml"), path.join(root, "e/link-in.yaml"));
  symlinkSync("../a/b", path.join(root, "e/link-dir"));
  symlinkSync(path.join(outside, "x.yaml"), path.join(root, "a/link-out.yaml"));
  symlinkSync(outside, path.join(root, "a/d/link-out-dir"));
  symlinkSync(path.join(root, "missing"), path.join(root, "a/dangling"));
  symlinkSync(".", path.join(root, "a/b/self"));
  return { root, outside };
}

/** Every answer of a view for every path below `root` (and a few outside), listing first. */
function answers(fs: ConfinedFileSystem, root: string, outside: string): unknown[] {
  const out: unknown[] = [];
  const ask = (p: string) => {
    const one = (f: () => unknown) => {
      try {
        return f();
      } catch (e) {
        return `throws ${(e as NodeJS.ErrnoException).code}`;
      }
    };
    out.push([
      p,
      one(() => fs.exists(p)),
      one(() => fs.isDirectory(p)),
      one(() => fs.readDir(p)),
      one(() => fs.readFile(p).toString()),
      one(() => fs.size(p)),
      one(() => fs.realPath(p)),
      one(() => fs.linksIn(p)),
      one(() => fs.typedEntries(p)),
    ]);
  };
  const walk = (dir: string) => {
    ask(dir);
    for (const name of new DiskFileSystem().readDir(dir)) {
      const p = `${dir}/${name}`;
      ask(p);
      if (new DiskFileSystem().isDirectory(p)) walk(p);
    }
  };
  walk(root);
  for (const p of [
    `${root}/missing`,
    `${root}/e/link-dir/two.yaml`,
    `${root}/a/d/link-out-dir/x.yaml`,
    outside,
    `${outside}/x.yaml`,
  ])
    ask(p);
  return out;
}

describe("ConfinedFileSystem listings from entry types", () => {
  it("answers as a view that asks about each entry (files, directories, links in and out, dangling, self)", () => {
    const { root, outside } = tree();
    // Listing first (types learnt) and asking first (each entry stat'ed) give the same answers.
    const typed = answers(new ConfinedFileSystem(new DiskFileSystem(), [root]), root, outside);
    const plain = answers(new ConfinedFileSystem(untyped(), [root]), root, outside);
    expect(typed).toEqual(plain);
    expect(typed.length).toBeGreaterThan(15);
    // A view that keeps its reads answers the same, asked twice (the second time from what it kept).
    const keeping = new ConfinedFileSystem(new DiskFileSystem(), [root]);
    keeping.keepReads(1024 * 1024);
    expect(answers(keeping, root, outside)).toEqual(typed);
    expect(answers(keeping, root, outside)).toEqual(typed);
    // Links are left out of listings, and are absent.
    const view = new ConfinedFileSystem(new DiskFileSystem(), [root]);
    expect(view.readDir(`${root}/e`)).toEqual(["Kustomization"]);
    expect(view.exists(`${root}/e/link-in.yaml`)).toBe(false);
    expect(view.isDirectory(`${root}/a/b`)).toBe(true);
    expect(view.linksIn(`${root}/a`)).toEqual(["dangling", "link-out.yaml"]);
  });

  it("answers for a Git revision as a view that asks about each entry", () => {
    const { root, outside } = tree();
    const git = (...args: string[]) => execFileSync("git", args, { cwd: root, stdio: "ignore" });
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "tree");
    const revision = GitFileSystem.open(root, "HEAD");
    const typed = answers(new ConfinedFileSystem(revision, [root]), root, outside);
    expect(typed).toEqual(answers(new ConfinedFileSystem(untyped(revision), [root]), root, outside));
    expect(revision.readDirTyped(`${root}/a/b`)).toEqual([
      { name: "c", dir: true, link: false, file: false },
      { name: "two.yaml", dir: false, link: false, file: true },
    ]);
  });

  it("DiskFileSystem.readDirTyped lists readDir's names in its order, typed as lstat types them", () => {
    const { root } = tree();
    const disk = new DiskFileSystem();
    for (const dir of [root, `${root}/a`, `${root}/a/b`, `${root}/e`]) {
      const typed = disk.readDirTyped(dir);
      expect(typed.map((e) => e.name)).toEqual(disk.readDir(dir));
      for (const e of typed) {
        const p = `${dir}/${e.name}`;
        const isLink = `${disk.realPath(dir)}/${e.name}` !== (disk.exists(p) ? disk.realPath(p) : "");
        expect(e.link).toBe(isLink);
        expect(e.dir).toBe(!isLink && disk.isDirectory(p));
      }
    }
  });
});

describe("ConfinedFileSystem.keepReads", () => {
  it("answers a file read again from the bytes it kept, within its budget only", () => {
    const { root } = tree();
    const view = new ConfinedFileSystem(new DiskFileSystem(), [root]);
    view.keepReads("a/one.yaml\n".length);
    expect(view.readFile(`${root}/a/one.yaml`).toString()).toBe("a/one.yaml\n");
    expect(view.readFile(`${root}/top.yaml`).toString()).toBe("top.yaml\n");
    writeFileSync(path.join(root, "a/one.yaml"), "changed\n");
    writeFileSync(path.join(root, "top.yaml"), "changed\n");
    // Kept: the file as the view read it; over the budget: read again.
    expect(view.readFile(`${root}/a/one.yaml`).toString()).toBe("a/one.yaml\n");
    expect(view.readFile(`${root}/top.yaml`).toString()).toBe("changed\n");
  });
});
