import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { SlipwayError } from "../errors.js";
import type { DirEntry, FileSystem } from "./filesystem.js";
import { GUARDED_GIT_OPTIONS, worktreeGitEnv } from "./git-config-guard.js";
import { revParseInProcess } from "./git-discover.js";
import { CorruptGitObjects, GitObjectReader, parseTree, type TreeEntry } from "./git-objects.js";

/**
 * A FileSystem over one Git revision, read from the object database (in this process,
 * git-objects.ts; else `git ls-tree -r` for the tree and one `git cat-file --batch` process for
 * every blob), all held in memory. Nothing is
 * checked out, so the working tree (and the user's uncommitted edits) are never touched.
 *
 * Paths are served at the same absolute location as the working tree (`<toplevel>/<path>`),
 * so a platform loaded from a revision and one loaded from disk name their files alike.
 */
/**
 * Blobs larger than this are listed but not read (a revision may hold multi-gigabyte files;
 * reading one fails with EFBIG, naming its size).
 */
export const MAX_GIT_BLOB_BYTES = 64 * 1024 * 1024;

export class GitFileSystem implements FileSystem {
  private readonly files = new Map<string, Buffer>();
  private readonly tooLarge = new Map<string, number>();
  /** Blob id per absolute path: two revisions hold the same content exactly when these match. */
  readonly blobs = new Map<string, string>();
  private readonly dirs = new Map<string, Set<string>>();
  /**
   * Symbolic links (tree entries of mode 120000) by absolute path: their target text. They are
   * kept apart: no path this file system serves passes through one (realPath(p) is p, as in
   * source-controller's artifacts), and a view that follows links as the checkout would
   * (src/fs/in-repo-links.ts, plain kustomize stacks) reads them with readLink and linksIn.
   */
  private readonly links = new Map<string, string>();
  private readonly linkNames = new Map<string, Set<string>>();
  /** No path served passes through a symbolic link: realPath(p) is p. */
  readonly linkless = true;
  /** How the revision was read: its objects in this process, or git's ls-tree and cat-file. */
  via: "objects" | "git" = "git";

  private constructor(
    /** Absolute POSIX path of the repository's top level (where the tree is mounted). */
    readonly toplevel: string,
    /** The commit the revision resolved to. */
    readonly commit: string,
  ) {
    this.dirs.set("/", new Set());
    // The top level is a directory at every revision, an empty tree's included (a repository
    // whose first commit is `git commit --allow-empty`): else a diff from there said "repository
    // root ... is not a directory" and stopped with exit code 2.
    this.addDir(toplevel);
  }

  /**
   * Reads revision `rev` of the repository containing `dir`. Only the part of the tree below
   * `dir` is loaded (plus the directories leading to it).
   */
  static open(dir: string, rev: string): GitFileSystem {
    const cwd = path.resolve(dir);
    // A full commit id in a plain repository: no process; else one for the top level, the
    // object database and the commit (git >= 2.31).
    let found = revParseInProcess(cwd, [rev], process.env);
    if (!found) {
      try {
        found = revParse(cwd, ["--verify", "--quiet", `${rev}^{commit}`]);
      } catch {
        found = undefined;
      }
    }
    if (found?.length !== 3) return GitFileSystem.openWithGit(cwd, rev);
    const [toplevel, commonDir, commit] = found as [string, string, string];
    return GitFileSystem.openResolved(cwd, rev, toplevel, commonDir, commit);
  }

  /**
   * Two revisions of the repository containing `dir` (a diff's base and head), resolved by one
   * git process; each as `open` reads it.
   */
  static openBoth(dir: string, base: string, head: string): [GitFileSystem, GitFileSystem] {
    const cwd = path.resolve(dir);
    let found = revParseInProcess(cwd, [base, head], process.env);
    // Without --verify (one revision only), an argument starting with "-" would be taken as an
    // option: such revisions, and any answer but two commit ids, go through `open` one by one.
    if (!found && !base.startsWith("-") && !head.startsWith("-")) {
      try {
        found = revParse(cwd, [`${base}^{commit}`, `${head}^{commit}`]);
      } catch {
        found = undefined;
      }
    }
    const commitId = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
    if (found?.length !== 4 || !commitId.test(found[2]!) || !commitId.test(found[3]!))
      return [GitFileSystem.open(dir, base), GitFileSystem.open(dir, head)];
    const [toplevel, commonDir, baseCommit, headCommit] = found as [string, string, string, string];
    return [
      GitFileSystem.openResolved(cwd, base, toplevel, commonDir, baseCommit),
      GitFileSystem.openResolved(cwd, head, toplevel, commonDir, headCommit),
    ];
  }

  private static openResolved(
    cwd: string,
    rev: string,
    toplevel: string,
    commonDir: string,
    commit: string,
  ): GitFileSystem {
    if (!process.env.GIT_OBJECT_DIRECTORY && !process.env.GIT_REPLACE_REF_BASE) {
      const fs = new GitFileSystem(toPosix(toplevel), commit);
      const prefix = path.posix.relative(fs.toplevel, toPosix(cwd));
      if (!mayReplaceObjects(commonDir) && fs.readInProcess(path.join(commonDir, "objects"), prefix)) {
        fs.via = "objects";
        return fs;
      }
    }
    return GitFileSystem.openWithGit(cwd, rev);
  }

  /**
   * The tree below `prefix` and its blobs read from the object database in this process
   * (git-objects.ts); false when something needs git itself (then nothing was added).
   */
  private readInProcess(objectsDir: string, prefix: string): boolean {
    const reader = new GitObjectReader(objectsDir, MAX_GIT_BLOB_BYTES);
    try {
      const store = `objects:${objectsDir}`;
      return this.readTree(reader, prefix, blobsOf(store), treesOf(store));
    } catch (e) {
      if (e instanceof CorruptGitObjects) {
        throw new SlipwayError(`damaged git object database in ${this.toplevel}: ${e.message}`);
      }
      return false; // a malformed tree: git says what is wrong with it
    } finally {
      reader.close();
    }
  }

  private readTree(
    reader: GitObjectReader,
    prefix: string,
    blobCache: Map<string, Buffer>,
    trees: Map<string, TreeEntry[]>,
  ): boolean {
    const commit = reader.read(this.commit);
    const tree =
      commit?.type === "commit" ? /^tree ([0-9a-f]{40})\n/.exec(commit.content.toString("latin1")) : null;
    if (!tree) return false;
    let oid = tree[1]!;
    for (const name of prefix === "" ? [] : prefix.split("/")) {
      const t = reader.read(oid);
      if (t?.type !== "tree") return false;
      const entry = parseTree(t.content).find((e) => e.name === name);
      if (!entry) return true; // nothing below the prefix: `git ls-tree` lists nothing either
      if (entry.mode !== "40000") return false;
      oid = entry.oid;
    }
    const files: Array<{ dir: string; name: string; oid: string; content: Buffer }> = [];
    const links: Array<{ abs: string; oid: string; content: Buffer }> = [];
    // A diff opens two revisions that share most trees: each is inflated and parsed once.
    const entriesOf = (treeOid: string): TreeEntry[] | undefined => {
      let entries = trees.get(treeOid);
      if (!entries) {
        const t = reader.read(treeOid);
        if (t?.type !== "tree") return undefined;
        entries = parseTree(t.content);
        trees.set(treeOid, entries);
      }
      return entries;
    };
    const walk = (treeOid: string, dir: string): boolean => {
      const entries = entriesOf(treeOid);
      if (!entries) return false;
      for (const e of entries) {
        // `..`, `.` or a slash would name a path outside the tree (git refuses to check these out).
        if (!isPlainName(e.name)) return false;
        const abs = `${dir}/${e.name}`;
        if (e.mode === "40000") {
          if (!walk(e.oid, abs)) return false;
          continue;
        }
        // Submodules are not followed (as with `git ls-tree`, below); a link's blob is its target.
        if (e.mode === "160000") continue;
        let content = blobCache.get(e.oid);
        if (!content) {
          const b = reader.read(e.oid);
          if (b?.type !== "blob") return false; // a large, missing or unreadable blob: git says what it is
          content = b.content;
          blobCache.set(e.oid, content);
        }
        if (e.mode === "120000") links.push({ abs, oid: e.oid, content });
        else files.push({ dir, name: e.name, oid: e.oid, content });
      }
      return true;
    };
    if (cachedBlobCount() > maxCachedBlobs) evictBlobs();
    if (!walk(oid, prefix === "" ? this.toplevel : path.posix.join(this.toplevel, prefix))) return false;
    for (const f of files) this.addIn(f.dir, f.name, f.oid, f.content);
    for (const l of links) this.addLink(l.abs, l.oid, l.content);
    return true;
  }

  /** `git ls-tree` and `git cat-file --batch`: every repository git can read. */
  static openWithGit(cwd: string, rev: string): GitFileSystem {
    const toplevel = toPosix(git(cwd, ["rev-parse", "--show-toplevel"]).toString("utf8").trim());
    let commit: string;
    try {
      commit = git(cwd, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`])
        .toString("utf8")
        .trim();
    } catch {
      throw new SlipwayError(`unknown git revision '${rev}' in ${toplevel}`);
    }
    const fs = new GitFileSystem(toplevel, commit);
    const prefix = path.posix.relative(toplevel, toPosix(cwd));
    let listing: Buffer;
    try {
      listing = git(cwd, ["ls-tree", "-r", "-l", "-z", "--full-tree", commit, "--", prefix || "."]);
    } catch (err) {
      throw missingTree(cwd, toplevel, commit, err);
    }
    const wanted: Array<{ abs: string; oid: string; link: boolean }> = [];
    for (const entry of listing.toString("utf8").split("\0")) {
      if (entry === "") continue;
      // `<mode> SP <type> SP <oid> SP+ <size> TAB <path>`
      const tab = entry.indexOf("\t");
      const [mode, type, oid, size] = entry.slice(0, tab).split(/ +/) as [string, string, string, string];
      if (type !== "blob") continue; // submodules are not followed
      const rel = entry.slice(tab + 1);
      if (!rel.split("/").every(isPlainName)) {
        throw new SlipwayError(
          `revision ${commit} of ${toplevel} holds a path git would not check out: '${rel}'`,
        );
      }
      const abs = path.posix.join(toplevel, rel);
      const link = mode === "120000";
      if (!link && Number(size) > MAX_GIT_BLOB_BYTES) fs.addTooLarge(abs, oid, Number(size));
      else wanted.push({ abs, oid, link });
    }
    const contents = catBlobs(cwd, toplevel, [...new Set(wanted.map((w) => w.oid))]);
    for (const w of wanted) {
      if (w.link) fs.addLink(w.abs, w.oid, contents.get(w.oid)!);
      else fs.add(w.abs, w.oid, contents.get(w.oid)!);
    }
    return fs;
  }

  private addTooLarge(abs: string, oid: string, size: number): void {
    this.add(abs, oid, Buffer.alloc(0));
    this.files.delete(abs);
    this.tooLarge.set(abs, size);
  }

  /**
   * A symbolic link: its target (the blob, as git checks it out) and its directory, which a
   * checkout creates even when the link is all it holds. Its id is a blob id like a file's,
   * so a changed target is a changed path between two revisions.
   */
  private addLink(abs: string, oid: string, target: Buffer): void {
    this.links.set(abs, target.toString("utf8"));
    this.blobs.set(abs, oid);
    const dir = path.posix.dirname(abs);
    let names = this.linkNames.get(dir);
    if (!names) this.linkNames.set(dir, (names = new Set()));
    names.add(path.posix.basename(abs));
    if (!this.dirs.has(dir)) this.addDir(dir);
  }

  /** The directory `dir` and those leading to it. */
  private addDir(dir: string): void {
    for (let d = dir; d !== "/"; d = path.posix.dirname(d)) {
      if (!this.dirs.has(d)) this.dirs.set(d, new Set());
      const parent = path.posix.dirname(d);
      if (!this.dirs.has(parent)) this.dirs.set(parent, new Set());
      this.dirs.get(parent)!.add(path.posix.basename(d));
    }
  }

  /** The target text of the symbolic link at `p` (not followed); undefined when `p` is not one. */
  readLink(p: string): string | undefined {
    return this.links.get(clean(p));
  }

  /** Names of the symbolic links in the directory `p`, which readDir leaves out (sorted). */
  linksIn(p: string): string[] {
    const names = this.linkNames.get(clean(p));
    return names ? [...names].sort() : [];
  }

  /** `add` of `<dir>/<name>`, `dir` normal and absolute: most files go into a directory already listed. */
  private addIn(dir: string, name: string, oid: string, content: Buffer): void {
    const names = this.dirs.get(dir);
    if (names === undefined) {
      this.add(`${dir}/${name}`, oid, content);
      return;
    }
    const abs = `${dir}/${name}`;
    this.files.set(abs, content);
    this.blobs.set(abs, oid);
    names.add(name);
  }

  private add(abs: string, oid: string, content: Buffer): void {
    this.files.set(abs, content);
    this.blobs.set(abs, oid);
    let child = abs;
    for (let d = path.posix.dirname(abs); ; d = path.posix.dirname(d)) {
      let names = this.dirs.get(d);
      const fresh = !names;
      if (!names) this.dirs.set(d, (names = new Set()));
      names.add(path.posix.basename(child));
      if (d === "/" || !fresh) break;
      child = d;
    }
  }

  readFile(p: string): Buffer {
    p = clean(p);
    const b = this.files.get(p);
    if (b) return b;
    const large = this.tooLarge.get(p);
    if (large !== undefined) {
      throw Object.assign(new Error(`EFBIG: file too large (${large} bytes), open '${p}'`), {
        code: "EFBIG",
      });
    }
    const err = new Error(`ENOENT: no such file or directory, open '${p}'`) as NodeJS.ErrnoException;
    err.code = this.dirs.has(p) ? "EISDIR" : "ENOENT";
    throw err;
  }
  exists(p: string): boolean {
    p = clean(p);
    return this.files.has(p) || this.dirs.has(p) || this.tooLarge.has(p);
  }
  isDirectory(p: string): boolean {
    return this.dirs.has(clean(p));
  }
  size(p: string): number {
    return this.tooLarge.get(p) ?? this.readFile(p).length;
  }
  /** Symbolic links are not part of the tree read (like source-controller's artifacts). */
  realPath(p: string): string {
    if (!this.exists(p)) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, realpath '${p}'`), {
        code: "ENOENT",
      });
    }
    return p;
  }
  filesNamed(dir: string, name: string): string[] {
    const prefix = clean(dir) === "/" ? "/" : `${clean(dir)}/`;
    const suffix = `/${name}`;
    const out: string[] = [];
    for (const p of this.files.keys()) if (p.endsWith(suffix) && p.startsWith(prefix)) out.push(p);
    return out.sort();
  }
  readDir(p: string): string[] {
    p = clean(p);
    const names = this.dirs.get(p);
    if (!names) {
      const err = new Error(`ENOENT: no such file or directory, scandir '${p}'`) as NodeJS.ErrnoException;
      err.code = this.files.has(p) ? "ENOTDIR" : "ENOENT";
      throw err;
    }
    return [...names].sort();
  }
  /**
   * readDir with each entry's type, which the tree says: a confined view (confined.ts) takes
   * a listing's answers from it instead of asking whether each entry exists (a warm
   * changed-only diff of bjw-s home-ops asked ~2,000 times per revision). Links are not
   * entries here, as in readDir (linksIn names them).
   */
  readDirTyped(p: string): DirEntry[] {
    const dir = clean(p);
    return this.readDir(dir).map((name) => {
      const isDir = this.dirs.has(dir === "/" ? `/${name}` : `${dir}/${name}`);
      return { name, dir: isDir, link: false, file: !isDir };
    });
  }
  /** Every file path held (absolute). */
  paths(): string[] {
    return [...this.files.keys(), ...this.tooLarge.keys()];
  }
}

/**
 * Whether git may read other objects than the ids name: replace refs (`git replace`, honoured by
 * ls-tree and cat-file) or a ref store this reader cannot look into (reftable).
 */
function mayReplaceObjects(commonDir: string): boolean {
  if (process.env.GIT_NO_REPLACE_OBJECTS) return false;
  try {
    if (existsSync(path.join(commonDir, "reftable"))) return true;
    const replace = path.join(commonDir, "refs", "replace");
    if (existsSync(replace) && readdirSync(replace).length > 0) return true;
    const packed = path.join(commonDir, "packed-refs");
    return existsSync(packed) && readFileSync(packed, "latin1").includes(" refs/replace/");
  } catch {
    return true;
  }
}

/** A tree entry name that stays in its directory: not empty, `.`, `..`, nor with a slash or NUL. */
function isPlainName(name: string): boolean {
  return name !== "" && name !== "." && name !== ".." && !/[/\0]/.test(name);
}

/**
 * Blobs already read in this process, by object store and object id. Ids name content, so
 * entries never go stale, and two revisions of one repository share most blobs, so a diff
 * reads each once. Neither git nor our reader re-hashes what it reads, so a damaged or hostile
 * repository could hold other bytes under a known id: each store keeps its own blobs.
 */
const blobCaches = new Map<string, Map<string, Buffer>>();
/** Parsed trees by id, per object store (as blobs are). */
const treeCaches = new Map<string, Map<string, TreeEntry[]>>();

function treesOf(store: string): Map<string, TreeEntry[]> {
  let trees = treeCaches.get(store);
  if (!trees) treeCaches.set(store, (trees = new Map()));
  return trees;
}
const maxCachedBlobs = 200_000;

function blobsOf(store: string): Map<string, Buffer> {
  let blobs = blobCaches.get(store);
  if (!blobs) blobCaches.set(store, (blobs = new Map()));
  return blobs;
}

function cachedBlobCount(): number {
  let n = 0;
  for (const blobs of blobCaches.values()) n += blobs.size;
  for (const trees of treeCaches.values()) n += trees.size;
  return n;
}

/** Empties every store's blobs (the maps stay: callers may hold one). */
function evictBlobs(): void {
  for (const blobs of blobCaches.values()) blobs.clear();
  for (const trees of treeCaches.values()) trees.clear();
}

/** Forgets every cached blob (benchmarks measure cold runs with it). */
export function clearBlobCache(): void {
  blobCaches.clear();
  treeCaches.clear();
}

/** Blob contents by id through one `git cat-file --batch` process (for those not read yet). */
function catBlobs(cwd: string, toplevel: string, wanted: string[]): Map<string, Buffer> {
  const blobCache = blobsOf(`git:${toplevel}`);
  const out = new Map<string, Buffer>();
  const oids: string[] = [];
  for (const oid of wanted) {
    const hit = blobCache.get(oid);
    if (hit) out.set(oid, hit);
    else oids.push(oid);
  }
  if (oids.length === 0) return out;
  if (cachedBlobCount() + oids.length > maxCachedBlobs) evictBlobs();
  const timeout = gitTimeoutMs();
  const r = spawnSync("git", [...GUARDED_GIT_OPTIONS, "cat-file", "--batch"], {
    cwd,
    input: `${oids.join("\n")}\n`,
    maxBuffer: 2 ** 31,
    timeout,
  });
  if (r.error) {
    if (timedOut(r.error)) throw gitTimeout(cwd, "cat-file", timeout);
    throw new SlipwayError(`git cat-file failed in ${cwd}: ${r.error.message}`);
  }
  if (r.status !== 0)
    throw new SlipwayError(`git cat-file failed in ${cwd}: ${r.stderr.toString("utf8").trim()}`);
  const buf = r.stdout;
  let at = 0;
  for (const oid of oids) {
    // `<oid> SP <type> SP <size> LF <contents> LF`
    const nl = buf.indexOf(10, at);
    const header = buf.subarray(at, nl).toString("utf8").split(" ");
    if (header[1] === "missing" || header.length < 3)
      throw new SlipwayError(`git object ${oid} is missing in ${cwd}`);
    const size = Number(header[2]);
    const content = buf.subarray(nl + 1, nl + 1 + size);
    out.set(oid, content);
    blobCache.set(oid, content);
    at = nl + 1 + size + 1;
  }
  return out;
}

/**
 * How long one read-only git command may run: git can block for good on a damaged repository
 * (a FIFO where an object should be, a delta cycle), and a diff must fail, not hang a CI job.
 * `SLIPWAY_GIT_TIMEOUT` (seconds) changes it for very large repositories.
 */
export function gitTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.SLIPWAY_GIT_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 300_000;
}

function timedOut(err: unknown): boolean {
  return (err as { code?: string } | undefined)?.code === "ETIMEDOUT";
}

function gitTimeout(cwd: string, command: string, ms: number): SlipwayError {
  return new SlipwayError(
    `git ${command} did not finish within ${ms / 1000} s in ${cwd} and was stopped; the repository may be damaged (set SLIPWAY_GIT_TIMEOUT=SECONDS to wait longer)`,
  );
}

/** The top level, the object database's directory and then `revisions`' answers, one per line (git >= 2.31). */
function revParse(cwd: string, revisions: string[]): string[] {
  return git(cwd, [
    "rev-parse",
    "--path-format=absolute",
    "--show-toplevel",
    "--git-common-dir",
    ...revisions,
  ])
    .toString("utf8")
    .trim()
    .split("\n");
}

/**
 * Runs a git command that reads, after GUARDED_GIT_OPTIONS and in `env` (worktreeGitEnv for one
 * that reads the working tree), so the repository's configuration runs no program
 * (git-config-guard.ts).
 */
/**
 * A tree `git ls-tree` could not read, named as a missing blob is (`git object … is missing`):
 * git says `Could not read <oid>` for a folder's tree and `not a tree object` (naming none) for
 * the revision's own. Any other failure is passed on as it is.
 */
function missingTree(cwd: string, toplevel: string, commit: string, err: unknown): unknown {
  const message = err instanceof Error ? err.message : "";
  const read = /Could not read ([0-9a-f]{40,64})\b/.exec(message);
  if (read)
    return new SlipwayError(`git object ${read[1]} is missing in ${toplevel} (a tree of revision ${commit})`);
  if (!/not a tree object/.test(message)) return err;
  try {
    // The commit's own text names its tree (show and rev-parse would read the tree too).
    const tree = /^tree ([0-9a-f]+)$/m.exec(git(cwd, ["cat-file", "commit", commit]).toString("utf8"))?.[1];
    if (tree === undefined) return err;
    return new SlipwayError(`git object ${tree} is missing in ${toplevel} (the tree of revision ${commit})`);
  } catch {
    return err;
  }
}

function git(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Buffer {
  const timeout = gitTimeoutMs();
  try {
    return execFileSync("git", [...GUARDED_GIT_OPTIONS, ...args], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 2 ** 30,
      timeout,
    });
  } catch (err) {
    if (timedOut(err)) throw gitTimeout(cwd, args[0]!, timeout);
    const stderr = (err as { stderr?: Buffer }).stderr?.toString("utf8").trim();
    throw new SlipwayError(`git ${args[0]} failed in ${cwd}${stderr ? `: ${stderr}` : ""}`);
  }
}

/** `/a/b/`, `/a//b`, `/a/./b`, `/a/c/../b` → `/a/b`, as the disk resolves them (the checkout never sees these forms). */
function clean(p: string): string {
  if (p.length > 1 && (p.endsWith("/") || p.endsWith("/.") || /\/\/|\/\.\.?(\/|$)/.test(p))) {
    const n = path.posix.normalize(p);
    return n.length > 1 ? n.replace(/\/+$/, "") : n;
  }
  return p;
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

/**
 * Repository-relative paths (to `dir`'s git top level) whose bytes differ between revision
 * `base` and `head`, or the working tree when `head` is undefined. A path ending in `/` is a
 * directory of which everything below counts as changed.
 *
 * The working tree is read byte for byte (DiskFileSystem) while `git diff` compares what Git
 * would commit, so two kinds of difference it does not report are added: untracked files that
 * .gitignore hides (the working tree's renders read them: a `.env` a secretGenerator names, a
 * decrypted file beside its SOPS original), listed as collapsed directories where Git collapses
 * them; and tracked files whose line endings differ from the index's (`* text=auto eol=lf` with
 * a CRLF working copy: Git normalises before comparing, a configMapGenerator's `files:` does not).
 */
export function changedPaths(dir: string, base: string, head?: string): string[] {
  const cwd = path.resolve(dir);
  const range = head === undefined ? [base] : [base, head];
  // Between two revisions git reads no working tree, so no filter of the repository's can run.
  const worktree = head === undefined ? worktreeGitEnv(cwd) : undefined;
  const diff = git(
    cwd,
    ["diff", "--no-renames", "--no-ext-diff", "--no-textconv", "--name-only", "-z", ...range, "--"],
    worktree,
  );
  const names = diff.toString("utf8").split("\0").filter(Boolean);
  if (head === undefined) {
    const others = (...flags: string[]) =>
      git(
        cwd,
        ["ls-files", "-z", "--others", ...flags, "--exclude-standard", "--full-name", "--", ":/"],
        worktree,
      )
        .toString("utf8")
        .split("\0")
        .filter(Boolean);
    names.push(...others(), ...others("--ignored", "--directory"));
    names.push(...lineEndingChanges(cwd, worktree));
  }
  return [...new Set(names)].sort();
}

/**
 * Tracked files whose working copy has other line endings than the index (`git ls-files --eol`:
 * `i/lf w/crlf`), which `git diff` reports as unchanged when an eol attribute applies. A file
 * whose index differs from the base is compared by `git diff` already; one equal to it differs
 * from it byte for byte exactly when its line endings do.
 */
function lineEndingChanges(cwd: string, env: NodeJS.ProcessEnv | undefined): string[] {
  const out: string[] = [];
  const rows = git(cwd, ["ls-files", "-z", "--eol", "--full-name", "--", ":/"], env)
    .toString("utf8")
    .split("\0");
  for (const row of rows) {
    const m = /^i\/(\S*)\s+w\/(\S*)\s+attr\/[^\t]*\t(.+)$/s.exec(row);
    if (m && m[1] !== "" && m[2] !== "" && m[1] !== m[2]) out.push(m[3]!);
  }
  return out;
}
