import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clearBlobCache, GitFileSystem } from "../../src/fs/git.js";
import { parseObjectId } from "../../src/fs/git-objects.js";
import { Rng } from "../support/random.js";

/**
 * The in-process object reader (src/fs/git-objects.ts) against git itself: every revision of a
 * generated history reads to the same files, ids and bytes as `git ls-tree` + `git cat-file`,
 * with the objects loose, packed with deltas (`git gc --aggressive`), and both at once.
 */
const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-git-objects-")));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const git = (...args: string[]) =>
  execFileSync("git", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] })
    .toString("utf8")
    .trim();

function snapshot(fs: GitFileSystem): Array<[string, string, string]> {
  return fs.paths().map((p) => {
    let text: string;
    try {
      text = fs.readFile(p).toString("base64");
    } catch (e) {
      text = (e as Error).message;
    }
    return [p, fs.blobs.get(p) ?? "", text];
  });
}

function expectSameAsGit(revs: string[], sub = ""): void {
  for (const rev of revs) {
    clearBlobCache();
    const ours = GitFileSystem.open(path.join(dir, sub), rev);
    clearBlobCache();
    const theirs = GitFileSystem.openWithGit(path.join(dir, sub), rev);
    expect(ours.via).toBe("objects");
    expect(theirs.via).toBe("git");
    expect(ours.commit).toBe(theirs.commit);
    expect(snapshot(ours)).toEqual(snapshot(theirs));
    for (const d of ["/", dir, path.join(dir, "apps")]) {
      if (theirs.isDirectory(d)) expect(ours.readDir(d)).toEqual(theirs.readDir(d));
    }
  }
}

describe("GitFileSystem reads revisions in-process exactly as git does", () => {
  const rng = new Rng(16);
  const revs: string[] = [];
  git("init", "-q", "-b", "main");
  const lines = Array.from({ length: 400 }, (_, i) => `  key${i}: value-${i}-${"x".repeat(rng.int(40))}`);
  for (let c = 0; c < 12; c++) {
    // Small edits of large files: what packs store as deltas, chains included.
    for (let e = 0; e < 3; e++) lines[rng.int(lines.length)] = `  edited${c}-${e}: ${rng.int(1e6)}`;
    mkdirSync(path.join(dir, "apps", `app-${c % 4}`, "deep", "er"), { recursive: true });
    writeFileSync(path.join(dir, "apps", `app-${c % 4}`, "values.yaml"), `values:\n${lines.join("\n")}\n`);
    writeFileSync(path.join(dir, "apps", `app-${c % 4}`, "deep", "er", "x.yaml"), `n: ${c}\n`);
    writeFileSync(
      path.join(dir, "binary.bin"),
      Buffer.from(Array.from({ length: 5000 }, () => rng.int(256))),
    );
    writeFileSync(path.join(dir, "empty.yaml"), "");
    // Sizes around zlib's smallest output chunk and its default one: a packed object is
    // inflated into one buffer of its size (and the byte that tells the stream ended).
    for (const size of [1, 63, 64, 65, 16_383, 16_384, 16_385])
      writeFileSync(
        path.join(dir, `size-${size}.bin`),
        Buffer.from(Array.from({ length: size }, (_, i) => (i < size - 8 ? i % 251 : rng.int(256)))),
      );
    // Larger than the pack reader's window (read on its own) and spanning windows when packed.
    if (c % 5 === 0) {
      writeFileSync(
        path.join(dir, `large-${c}.bin`),
        Buffer.from(Array.from({ length: 300_000 + c }, () => rng.int(256))),
      );
    }
    writeFileSync(path.join(dir, "ünïcode näme.yaml"), `c: ${c}\n`);
    if (c === 3) {
      symlinkSync("apps", path.join(dir, "link"));
      writeFileSync(path.join(dir, "run.sh"), "#!/bin/sh\n");
      execFileSync("chmod", ["+x", path.join(dir, "run.sh")]);
    }
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", `c${c}`);
    revs.push(git("rev-parse", "HEAD"));
  }

  it("with loose objects", () => {
    expectSameAsGit([revs[0]!, revs[5]!, "HEAD"]);
    expectSameAsGit(["HEAD~2"], "apps");
    expectSameAsGit(["HEAD"], "apps/app-1/deep");
  });

  it("packed with deltas, and packed plus loose objects", () => {
    git("gc", "-q", "--aggressive");
    expect(git("count-objects", "-v")).toMatch(/^in-pack: [1-9]/m);
    expectSameAsGit(revs);
    writeFileSync(path.join(dir, "apps", "app-0", "values.yaml"), "loose: again\n");
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "loose");
    expectSameAsGit(["HEAD", "HEAD~1", revs[2]!], "apps");
  });

  it("a revision git does not know is an error naming it", () => {
    expect(() => GitFileSystem.open(dir, "no-such-branch")).toThrow(/unknown git revision 'no-such-branch'/);
  });

  it("openBoth (one git process for a diff's two revisions) reads each as open does, trees shared", () => {
    for (const [base, head, sub] of [
      [revs[0]!, "HEAD", ""],
      ["HEAD~3", "HEAD~1", "apps"],
      ["HEAD", "HEAD", "apps/app-1"],
    ] as const) {
      clearBlobCache();
      const [b, h] = GitFileSystem.openBoth(path.join(dir, sub), base, head);
      clearBlobCache();
      const alone = [
        GitFileSystem.open(path.join(dir, sub), base),
        GitFileSystem.open(path.join(dir, sub), head),
      ];
      expect([b.via, h.via]).toEqual(["objects", "objects"]);
      expect([b.commit, h.commit]).toEqual(alone.map((fs) => fs.commit));
      expect(snapshot(b)).toEqual(snapshot(alone[0]!));
      expect(snapshot(h)).toEqual(snapshot(alone[1]!));
    }
    // A revision git does not know, on either side, or one that reads as an option: open's error.
    expect(() => GitFileSystem.openBoth(dir, "no-such-branch", "HEAD")).toThrow(
      /unknown git revision 'no-such-branch'/,
    );
    expect(() => GitFileSystem.openBoth(dir, "HEAD", "no-such-branch")).toThrow(
      /unknown git revision 'no-such-branch'/,
    );
    expect(() => GitFileSystem.openBoth(dir, "--all", "HEAD")).toThrow(/unknown git revision '--all'/);
  });
});

describe("parseObjectId", () => {
  it("gives the bytes Buffer.from(oid, 'hex') gives for 40 lowercase hex digits", () => {
    const rng = new Rng(23);
    const into = Buffer.alloc(20);
    for (let n = 0; n < 500; n++) {
      const oid = Array.from({ length: 40 }, () => "0123456789abcdef"[rng.int(16)]).join("");
      expect(parseObjectId(oid, into)).toBe(true);
      expect(into.equals(Buffer.from(oid, "hex"))).toBe(true);
    }
  });

  it("refuses anything else: uppercase, other lengths, characters past f, a path", () => {
    const into = Buffer.alloc(20);
    const id = "0123456789abcdef0123456789abcdef01234567";
    for (const bad of [
      id.toUpperCase(),
      id.slice(0, 39),
      `${id}0`,
      `${id.slice(0, 39)}g`,
      `${id.slice(0, 20)} ${id.slice(21)}`,
      `../../../../etc/passwd${"x".repeat(18)}`,
      "",
    ]) {
      expect(parseObjectId(bad, into), bad).toBe(false);
    }
  });
});
