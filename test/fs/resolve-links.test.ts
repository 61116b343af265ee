import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskFileSystem } from "../../src/fs/filesystem.js";
import { GitFileSystem } from "../../src/fs/git.js";
import { type LinkReader, resolveLinks } from "../../src/fs/resolve-links.js";

/**
 * resolveLinks (src/fs/resolve-links.ts) against the disk's own answer: every path of a tree
 * with file, directory, chained, absolute, dangling, looping and escaping links resolves as
 * realpath(3) resolves it, read from the disk and from the Git revision holding the same tree.
 */
const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-links-")));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const root = path.join(scratch, "repo");
const outside = path.join(scratch, "outside");

const files = ["a/f.yaml", "a/b/g.yaml", "c/h.yaml", "q.yaml", "a/q.yaml"];
const links: Record<string, string> = {
  "l-file": "a/f.yaml",
  "l-dir": "a/b",
  "l-chain": "l-file",
  "l-abs": `${root}/c`,
  "l-dotdot": "l-dir/../q.yaml", // physical: a/q.yaml
  "l-dangling": "nowhere",
  "l-loop1": "l-loop2",
  "l-loop2": "l-loop1",
  "l-out": outside,
  "a/b/up": "../../c",
};
const paths = [
  "l-file",
  "l-dir/g.yaml",
  "l-chain",
  "l-abs/h.yaml",
  "l-dotdot",
  "l-dangling",
  "l-loop1",
  "l-out/o.yaml",
  "l-dir/up/h.yaml",
  "a/f.yaml/x",
  "missing/x",
  "a/b/up/../q.yaml",
];

for (const f of files) {
  mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
  writeFileSync(path.join(root, f), f);
}
mkdirSync(outside, { recursive: true });
writeFileSync(path.join(outside, "o.yaml"), "o");
for (const [p, t] of Object.entries(links)) symlinkSync(t, path.join(root, p));
execFileSync("git", ["init", "-q", "-b", "main"], { cwd: root });
execFileSync("git", ["add", "-A"], { cwd: root });
execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "t"], { cwd: root });

const inside = (p: string) => p === root || p.startsWith(`${root}/`);

/** realpath(3)'s answer in resolveLinks' terms. */
function oracle(p: string): string {
  try {
    const real = realpathSync.native(p);
    return inside(real) ? `found ${real}` : "outside";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") return "loop";
    return "missing";
  }
}

function shown(r: ReturnType<typeof resolveLinks>): string {
  return r.kind === "found" ? `found ${r.path}` : r.kind;
}

describe("resolveLinks resolves as realpath(3)", () => {
  const disk = new DiskFileSystem() as LinkReader;
  it.each(paths)("%s, on disk", (p) => {
    expect(shown(resolveLinks(disk, path.join(root, p), inside))).toBe(oracle(path.join(root, p)));
  });
  it.each(paths)("%s, at the Git revision", (p) => {
    const git = GitFileSystem.open(root, "HEAD");
    expect(shown(resolveLinks(git, path.join(root, p), inside))).toBe(oracle(path.join(root, p)));
  });
  it("the revision holds its links apart: not served, but listed and readable", () => {
    for (const git of [GitFileSystem.open(root, "HEAD"), GitFileSystem.openWithGit(root, "HEAD")]) {
      expect(git.exists(path.join(root, "l-file"))).toBe(false);
      expect(git.readDir(root)).not.toContain("l-file");
      expect(git.linksIn(root)).toEqual(
        Object.keys(links)
          .filter((l) => !l.includes("/"))
          .sort(),
      );
      expect(git.readLink(path.join(root, "l-dir"))).toBe("a/b");
      expect(git.readLink(path.join(root, "a/f.yaml"))).toBeUndefined();
    }
  });
});
