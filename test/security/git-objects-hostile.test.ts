/**
 * Hostile repositories for the in-process object reader (src/fs/git-objects.ts, used by
 * GitFileSystem.open for `slipway diff` revisions): damaged loose objects, zlib bombs, crafted
 * packs (delta chains that loop or run deep, missing bases, an index of another pack, offsets
 * past the end, huge sizes), symlinked object stores, replace refs. For each, a revision reads to
 * exactly what `git ls-tree` + `git cat-file` give, or, where git fails, to one SlipwayError
 * naming the repository: never a hang, a stack overflow, a raw crash or other bytes than git's.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { deflateSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { SlipwayError } from "../../src/errors.js";
import { clearBlobCache, GitFileSystem } from "../../src/fs/git.js";
import { CorruptGitObjects, GitObjectReader } from "../../src/fs/git-objects.js";

const root = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-git-hostile-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"] })
    .toString("utf8")
    .trim();

let repos = 0;
/** A repository with one commit of `files`; loose objects. */
function repo(files: Record<string, string> = { "a.yaml": "a: 1\n", "apps/b.yaml": "b: 2\n" }): string {
  const dir = path.join(root, `r${repos++}`);
  mkdirSync(dir);
  run(dir, "init", "-q", "-b", "main");
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  run(dir, "add", "-A");
  run(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "c");
  return dir;
}

const blobOf = (dir: string, file: string) => run(dir, "rev-parse", `HEAD:${file}`);
const loosePath = (dir: string, oid: string) =>
  path.join(dir, ".git", "objects", oid.slice(0, 2), oid.slice(2));

function snapshot(fs: GitFileSystem): Array<[string, string, string]> {
  return fs
    .paths()
    .sort()
    .map((p) => {
      try {
        return [p, fs.blobs.get(p) ?? "", fs.readFile(p).toString("base64")];
      } catch (e) {
        return [p, fs.blobs.get(p) ?? "", (e as Error).message];
      }
    });
}

/**
 * What `open` (in-process first) gives equals what git gives; where git fails, `open` fails
 * with one SlipwayError naming the repository. Returns how `open` read it.
 */
function expectGitsAnswer(dir: string, rev = "HEAD"): "objects" | "git" | "error" {
  const attempt = (f: () => GitFileSystem): GitFileSystem | Error => {
    clearBlobCache();
    try {
      return f();
    } catch (e) {
      return e as Error;
    }
  };
  const theirs = attempt(() => GitFileSystem.openWithGit(dir, rev));
  const ours = attempt(() => GitFileSystem.open(dir, rev));
  if (theirs instanceof Error) {
    expect(ours).toBeInstanceOf(SlipwayError);
    expect((ours as Error).message).toContain(dir);
    return "error";
  }
  expect(ours).toBeInstanceOf(GitFileSystem);
  const fs = ours as GitFileSystem;
  expect(snapshot(fs)).toEqual(snapshot(theirs));
  return fs.via;
}

function writeLoose(dir: string, raw: Buffer, oid = createHash("sha1").update(raw).digest("hex")): string {
  const file = loosePath(dir, oid);
  mkdirSync(path.dirname(file), { recursive: true });
  rmSync(file, { force: true });
  writeFileSync(file, deflateSync(raw));
  return oid;
}

// --- pack files written by hand (gitformat-pack.txt) ---

function entryHeader(type: number, size: number): Buffer {
  const out: number[] = [];
  let c = (type << 4) | (size % 16);
  size = Math.floor(size / 16);
  while (size > 0) {
    out.push(c | 0x80);
    c = size % 128;
    size = Math.floor(size / 128);
  }
  out.push(c);
  return Buffer.from(out);
}

function ofsBack(back: number): Buffer {
  const out = [back & 127];
  while ((back >>= 7)) {
    back--;
    out.unshift(128 | (back & 127));
  }
  return Buffer.from(out);
}

function varint(n: number): number[] {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return out;
}

/** A delta that copies all `n` bytes of its base (n < 65536). */
function copyAll(n: number): Buffer {
  return Buffer.from([...varint(n), ...varint(n), 0x80 | 0x01 | 0x02 | 0x10 | 0x20, 0, 0, n & 255, n >> 8]);
}

interface PackEntry {
  oid: Buffer;
  /** Bytes of the entry; a function receives the entry's own offset and the others'. */
  bytes: Buffer | ((offset: number, offsets: number[]) => Buffer);
}

/** Writes pack + index v2 into `dir`'s object store; `tamper` may change the index before it is written. */
function writePack(
  dir: string,
  entries: PackEntry[],
  tamper?: (idx: Buffer, offsets: number[]) => Buffer,
): void {
  const chunks: Buffer[] = [Buffer.from("PACK"), u32(2), u32(entries.length)];
  const offsets: number[] = [];
  let at = 12;
  for (const e of entries) {
    offsets.push(at);
    const b = typeof e.bytes === "function" ? e.bytes(at, offsets) : e.bytes;
    chunks.push(b);
    at += b.length;
  }
  const body = Buffer.concat(chunks);
  const packSum = createHash("sha1").update(body).digest();
  const order = entries
    .map((e, i) => ({ oid: e.oid, off: offsets[i]! }))
    .sort((a, b) => a.oid.compare(b.oid));
  const fanout = Buffer.alloc(1024);
  for (let b = 0; b < 256; b++) fanout.writeUInt32BE(order.filter((o) => o.oid[0]! <= b).length, b * 4);
  let idx: Buffer = Buffer.concat([
    Buffer.from([0xff, 0x74, 0x4f, 0x63]),
    u32(2),
    fanout,
    ...order.map((o) => o.oid),
    Buffer.alloc(order.length * 4),
    ...order.map((o) => u32(o.off)),
    packSum,
  ]);
  if (tamper) idx = tamper(idx, offsets);
  idx = Buffer.concat([idx, createHash("sha1").update(idx).digest()]);
  const packDir = path.join(dir, ".git", "objects", "pack");
  mkdirSync(packDir, { recursive: true });
  const name = `pack-${packSum.toString("hex")}`;
  writeFileSync(path.join(packDir, `${name}.pack`), Buffer.concat([body, packSum]));
  writeFileSync(path.join(packDir, `${name}.idx`), idx);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** A repository whose blob `a.yaml` is not loose: the pack written by the test must give it. */
function repoWithPackedBlob(): { dir: string; blob: Buffer; content: Buffer } {
  const dir = repo();
  const oid = blobOf(dir, "a.yaml");
  unlinkSync(loosePath(dir, oid));
  return { dir, blob: Buffer.from(oid, "hex"), content: Buffer.from("a: 1\n") };
}

const whole = (type: number, content: Buffer) =>
  Buffer.concat([entryHeader(type, content.length), deflateSync(content)]);

describe("damaged loose objects read as git reads them, or fail naming the repository", () => {
  it("corrupt, truncated, empty and trailing-garbage blobs", () => {
    for (const damage of [
      (b: Buffer) => Buffer.concat([b.subarray(0, 4), Buffer.from("garbage"), b.subarray(11)]),
      (b: Buffer) => b.subarray(0, b.length - 3),
      () => Buffer.alloc(0),
      (b: Buffer) => Buffer.concat([b, Buffer.from("trailing bytes")]),
    ]) {
      const dir = repo();
      const file = loosePath(dir, blobOf(dir, "a.yaml"));
      const bytes = readFileSync(file);
      rmSync(file);
      writeFileSync(file, damage(bytes));
      expect(expectGitsAnswer(dir)).not.toBe("objects");
    }
  });

  it("a header that lies about the size, and a zlib bomb, are never inflated whole", () => {
    const dir = repo();
    const oid = blobOf(dir, "a.yaml");
    // Declares 5 bytes, inflates to 80 MB (more than the 64 MB limit).
    writeLoose(dir, Buffer.concat([Buffer.from("blob 5\0"), Buffer.alloc(80 * 1024 * 1024)]), oid);
    const reader = new GitObjectReader(path.join(dir, ".git", "objects"), 64 * 1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    expect(reader.read(oid)).toBeUndefined();
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
    expect(expectGitsAnswer(dir)).not.toBe("objects");
    // Declares 1 TB.
    writeLoose(dir, Buffer.from("blob 1099511627776\0a: 1\n"), oid);
    expect(reader.read(oid)).toBeUndefined();
    expect(expectGitsAnswer(dir)).not.toBe("objects");
  });

  it("a malformed tree falls back to git instead of throwing a raw error", () => {
    const dir = repo();
    const tree = run(dir, "rev-parse", "HEAD^{tree}");
    writeLoose(dir, Buffer.from("tree 9\x00100644 a.y"), tree);
    expect(expectGitsAnswer(dir)).toBe("error");
  });

  it("a loose object that is a device or a directory is not read", () => {
    const dir = repo();
    const file = loosePath(dir, blobOf(dir, "a.yaml"));
    rmSync(file);
    symlinkSync("/dev/zero", file);
    expect(expectGitsAnswer(dir)).not.toBe("objects");
    rmSync(file);
    mkdirSync(file);
    expect(expectGitsAnswer(dir)).not.toBe("objects");
    // git blocks forever opening a FIFO: no fallback to it, one error naming the repository.
    rmSync(file, { recursive: true });
    execFileSync("mkfifo", [file]);
    expect(() => GitFileSystem.open(dir, "HEAD")).toThrow(`damaged git object database in ${dir}`);
  });

  it("a pack that is a FIFO is one error, not a wait for a writer", () => {
    const r = repoWithPackedBlob();
    writePack(r.dir, [{ oid: r.blob, bytes: whole(3, r.content) }]);
    const packDir = path.join(r.dir, ".git", "objects", "pack");
    const pack = path.join(packDir, readdirSync(packDir).find((n) => n.endsWith(".pack"))!);
    rmSync(pack);
    execFileSync("mkfifo", [pack]);
    expect(() => GitFileSystem.open(r.dir, "HEAD")).toThrow(`damaged git object database in ${r.dir}`);
  });
});

describe("crafted packs: no loop, no stack overflow, no bytes git would not give", () => {
  it("a whole blob in a hand-written pack reads as git reads it (the writer is right)", () => {
    const { dir, blob, content } = repoWithPackedBlob();
    writePack(dir, [{ oid: blob, bytes: whole(3, content) }]);
    expect(expectGitsAnswer(dir)).toBe("objects");
  });

  it("an OFS_DELTA whose base is itself, or lies after it", () => {
    for (const back of [0, -40]) {
      const { dir, blob, content } = repoWithPackedBlob();
      const delta = copyAll(content.length);
      writePack(dir, [
        { oid: randomBytes(20), bytes: whole(3, content) },
        {
          oid: blob,
          bytes: Buffer.concat([
            entryHeader(6, delta.length),
            back < 0 ? Buffer.from([0]) : ofsBack(back),
            deflateSync(delta),
          ]),
        },
      ]);
      expect(expectGitsAnswer(dir)).toBe("error");
    }
  });

  it("REF_DELTA bases that refer to each other, and to a missing object", () => {
    const { dir, blob, content } = repoWithPackedBlob();
    const other = randomBytes(20);
    const delta = deflateSync(copyAll(content.length));
    const ref = (base: Buffer) =>
      Buffer.concat([entryHeader(7, copyAll(content.length).length), base, delta]);
    writePack(dir, [
      { oid: blob, bytes: ref(other) },
      { oid: other, bytes: ref(blob) },
    ]);
    // git itself never returns here (it follows the bases round and round): one clear error.
    const reader = new GitObjectReader(path.join(dir, ".git", "objects"), 1 << 20);
    expect(() => reader.read(blob.toString("hex"))).toThrow(CorruptGitObjects);
    reader.close();
    expect(() => GitFileSystem.open(dir, "HEAD")).toThrow(SlipwayError);
    expect(() => GitFileSystem.open(dir, "HEAD")).toThrow(
      `damaged git object database in ${dir}: delta chain loops`,
    );

    const missing = repoWithPackedBlob();
    writePack(missing.dir, [{ oid: missing.blob, bytes: ref(randomBytes(20)) }]);
    expect(expectGitsAnswer(missing.dir)).toBe("error");
  });

  it("delta chains thousands deep read without recursion; deeper than the limit, git reads them", () => {
    for (const depth of [3000, 12_000]) {
      const { dir, blob, content } = repoWithPackedBlob();
      const delta = copyAll(content.length);
      const link = Buffer.concat([entryHeader(6, delta.length)]);
      const entries: PackEntry[] = [{ oid: randomBytes(20), bytes: whole(3, content) }];
      for (let i = 1; i <= depth; i++) {
        entries.push({
          oid: i === depth ? blob : randomBytes(20),
          bytes: (at, offsets) => Buffer.concat([link, ofsBack(at - offsets[i - 1]!), deflateSync(delta)]),
        });
      }
      writePack(dir, entries);
      expect(expectGitsAnswer(dir)).toBe(depth > 10_000 ? "git" : "objects");
    }
  });

  it("an index of another pack, a count that differs, offsets past the end, a huge size", () => {
    const cases: Array<(r: ReturnType<typeof repoWithPackedBlob>) => void> = [
      // The index's copy of the pack checksum is not the pack's.
      (r) =>
        writePack(r.dir, [{ oid: r.blob, bytes: whole(3, r.content) }], (idx) => {
          randomBytes(20).copy(idx, idx.length - 20);
          return idx;
        }),
      // An offset past the end of the pack, and one into the trailer.
      (r) =>
        writePack(r.dir, [{ oid: r.blob, bytes: whole(3, r.content) }], (idx) => {
          idx.writeUInt32BE(1 << 20, idx.length - 24);
          return idx;
        }),
      (r) =>
        writePack(r.dir, [{ oid: r.blob, bytes: whole(3, r.content) }], (idx) => {
          idx.writeUInt32BE(12 + whole(3, r.content).length + 5, idx.length - 24);
          return idx;
        }),
      // An 8-byte offset entry that is not there.
      (r) =>
        writePack(r.dir, [{ oid: r.blob, bytes: whole(3, r.content) }], (idx) => {
          idx.writeUInt32BE(0x80000005, idx.length - 24);
          return idx;
        }),
      // A blob declaring 2^40 bytes.
      (r) =>
        writePack(r.dir, [
          { oid: r.blob, bytes: Buffer.concat([entryHeader(3, 2 ** 40), deflateSync(r.content)]) },
        ]),
    ];
    for (const damage of cases) {
      const r = repoWithPackedBlob();
      damage(r);
      // git fails on all but the huge size (listed, then EFBIG on read): never read in-process.
      expect(expectGitsAnswer(r.dir)).not.toBe("objects");
    }
  });

  it("a pack whose object count differs from its index", () => {
    const r = repoWithPackedBlob();
    writePack(r.dir, [{ oid: r.blob, bytes: whole(3, r.content) }]);
    const packDir = path.join(r.dir, ".git", "objects", "pack");
    const pack = path.join(packDir, readdirSync(packDir).find((n) => n.endsWith(".pack"))!);
    const bytes = readFileSync(pack);
    bytes.writeUInt32BE(2, 8);
    writeFileSync(pack, bytes);
    const reader = new GitObjectReader(path.join(r.dir, ".git", "objects"), 1 << 20);
    expect(reader.read(r.blob.toString("hex"))).toBeUndefined();
    reader.close();
  });
});

describe("trees naming paths outside the repository", () => {
  it("a tree entry '..' is one error naming the repository on both paths, not a file beside it", () => {
    const dir = repo();
    const blob = blobOf(dir, "a.yaml");
    const mktree = (input: string) =>
      execFileSync("git", ["mktree"], { cwd: dir, input }).toString("utf8").trim();
    const inner = mktree(`100644 blob ${blob}\tx.yaml\n`);
    for (const name of ["..", "."]) {
      const tree = mktree(`040000 tree ${inner}\t${name}\n100644 blob ${blob}\ta.yaml\n`);
      const commit = run(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit-tree", tree, "-m", "evil");
      expect(expectGitsAnswer(dir, commit)).toBe("error");
      expect(() => GitFileSystem.open(dir, commit)).toThrow(
        `revision ${commit} of ${dir} holds a path git would not check out`,
      );
    }
  });
});

describe("object stores elsewhere are read where git reads them", () => {
  it("objects/ and a pack symlinked outside the repository, a .git file pointing elsewhere", () => {
    const dir = repo();
    run(dir, "gc", "-q");
    const outside = path.join(root, `outside-${repos}`);
    renameSync(path.join(dir, ".git", "objects"), outside);
    symlinkSync(outside, path.join(dir, ".git", "objects"));
    expect(expectGitsAnswer(dir)).toBe("objects");

    const packDir = path.join(outside, "pack");
    const pack = readdirSync(packDir).find((n) => n.endsWith(".pack"))!;
    renameSync(path.join(packDir, pack), path.join(root, pack));
    symlinkSync(path.join(root, pack), path.join(packDir, pack));
    expect(expectGitsAnswer(dir)).toBe("objects");

    const work = path.join(root, `separate-${repos}`);
    const gitDir = path.join(root, `separate-${repos}.git`);
    mkdirSync(work);
    run(work, "init", "-q", "-b", "main", `--separate-git-dir=${gitDir}`);
    writeFileSync(path.join(work, "x.yaml"), "x: 1\n");
    run(work, "add", "-A");
    run(work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "c");
    expect(readFileSync(path.join(work, ".git"), "utf8")).toContain("gitdir:");
    expect(expectGitsAnswer(work)).toBe("objects");
  });

  it("replace refs: git reads the replacement, so the reader steps aside", () => {
    const dir = repo();
    const replacement = run(dir, "hash-object", "-w", "--stdin");
    run(dir, "replace", blobOf(dir, "a.yaml"), replacement);
    expect(expectGitsAnswer(dir)).toBe("git");
    run(dir, "pack-refs", "--all");
    expect(readdirSync(path.join(dir, ".git", "refs", "replace"))).toEqual([]);
    expect(expectGitsAnswer(dir)).toBe("git");
  });
});

describe("blobs read from one repository are never served for another", () => {
  it("a repository that holds other bytes under a known blob id does not change what another repository reads", () => {
    const honest = repo({ "app.yaml": "replicas: 2\n" });
    const oid = blobOf(honest, "app.yaml");
    const hostile = repo({ "app.yaml": "replicas: 2\n" });
    // The same id, other bytes (neither git nor the reader re-hashes a loose object on read).
    writeLoose(hostile, Buffer.concat([Buffer.from("blob 18\0"), Buffer.from("replicas: 999999\n\n")]), oid);
    const appOf = (dir: string) =>
      GitFileSystem.open(dir, "HEAD").readFile(path.join(dir, "app.yaml")).toString();
    const gitAppOf = (dir: string) =>
      GitFileSystem.openWithGit(dir, "HEAD").readFile(path.join(dir, "app.yaml")).toString();
    for (const [read, label] of [
      [appOf, "in-process"],
      [gitAppOf, "git"],
    ] as const) {
      clearBlobCache();
      expect(read(hostile), label).toBe("replicas: 999999\n\n");
      expect(read(honest), label).toBe("replicas: 2\n");
    }
  });
});
