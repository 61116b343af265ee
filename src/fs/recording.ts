/**
 * A FileSystem that keeps the bytes of every file read through it. The dashboard shows source
 * files as the render read them: consistent with the rendered model even while the disk has
 * already moved on, and without reading anything a second time.
 */
import { sha256HexOf } from "./bytes-digest.js";
import type { DirEntry, FileSystem, SecretFile } from "./filesystem.js";

export class RecordingFileSystem implements FileSystem {
  private readonly read = new Map<string, Buffer>();
  // What `inner` tells of symbolic links, passed on as it is: a view built on this one (a plain
  // stack's in-repo-links view, a Flux source's confined view) decides by them what it reads, and
  // without them the disk followed a link out of the repository into the dashboard.
  readonly readLink?: (p: string) => string | undefined;
  readonly readDirTyped?: (p: string) => DirEntry[];
  readonly linksIn?: (p: string) => string[];
  readonly linkless?: boolean;
  readonly linksInside?: boolean;
  readonly secretFile?: (p: string) => SecretFile | undefined;
  readonly filesNamed?: (dir: string, name: string) => string[] | undefined;

  constructor(private readonly inner: FileSystem) {
    if (inner.readLink) this.readLink = (p) => inner.readLink!(p);
    if (inner.readDirTyped) this.readDirTyped = (p) => inner.readDirTyped!(p);
    if (inner.linksIn) this.linksIn = (p) => inner.linksIn!(p);
    if (inner.linkless !== undefined) this.linkless = inner.linkless;
    if (inner.linksInside !== undefined) this.linksInside = inner.linksInside;
    if (inner.secretFile) this.secretFile = (p) => inner.secretFile!(p);
    if (inner.filesNamed) this.filesNamed = (dir, name) => inner.filesNamed!(dir, name);
  }

  readFile(p: string): Buffer {
    const known = this.read.get(p);
    if (known) return known;
    const bytes = this.inner.readFile(p);
    this.read.set(p, bytes);
    return bytes;
  }
  exists(p: string): boolean {
    return this.inner.exists(p);
  }
  isDirectory(p: string): boolean {
    return this.inner.isDirectory(p);
  }
  readDir(p: string): string[] {
    return this.inner.readDir(p);
  }
  size(p: string): number {
    return this.read.get(p)?.length ?? this.inner.size(p);
  }
  realPath(p: string): string {
    return this.inner.realPath(p);
  }

  /** The bytes read for `p` (absolute), if it was read. */
  recorded(p: string): Buffer | undefined {
    return this.read.get(p);
  }
}

/**
 * One observation a build made of its file system, as the persistent build cache re-checks it
 * (src/platform/build-cache.ts): `f` a file's content (sha256 hex), `e` existence, `d` whether
 * a directory, `l` a directory's entry names, `s` a file's size, `r` the resolved path, `k` the
 * symbolic links the view leaves out of a directory (FileSystem.linksIn). A null value: the
 * call threw.
 */
export type ReadRecord = [op: "f" | "e" | "d" | "l" | "s" | "r" | "k", path: string, value: unknown];

/**
 * A FileSystem that notes every question asked of it and the answer, so that a build's output
 * can later be reused exactly when every answer is still the same. It keeps digests, not
 * content.
 */
export class ReadLogFileSystem implements FileSystem {
  private readonly log = new Map<string, ReadRecord>();
  /** Whether a file read through it was reported secret (decrypted). */
  sawSecret = false;
  /**
   * The links `inner` leaves out, asked (and noted) through this view: an error names the link
   * that hid a file, on the first run as on later ones (errors are not kept, builds are).
   */
  readonly linksIn?: (p: string) => string[];
  readonly linksInside?: boolean;

  constructor(private readonly inner: FileSystem) {
    if (inner.linksIn)
      this.linksIn = (p) =>
        this.note(
          "k",
          p,
          () => inner.linksIn!(p),
          (names) => [...names],
        );
    if (inner.linksInside !== undefined) this.linksInside = inner.linksInside;
  }

  private note<T>(op: ReadRecord[0], p: string, answer: () => T, value: (t: T) => unknown = (t) => t): T {
    try {
      const t = answer();
      this.log.set(`${op}\0${p}`, [op, p, value(t)]);
      return t;
    } catch (e) {
      this.log.set(`${op}\0${p}`, [op, p, null]);
      throw e;
    }
  }

  readFile(p: string): Buffer {
    return this.note("f", p, () => this.inner.readFile(p), sha256Hex);
  }
  exists(p: string): boolean {
    return this.note("e", p, () => this.inner.exists(p));
  }
  isDirectory(p: string): boolean {
    return this.note("d", p, () => this.inner.isDirectory(p));
  }
  readDir(p: string): string[] {
    return this.note(
      "l",
      p,
      () => this.inner.readDir(p),
      (names) => [...names],
    );
  }
  size(p: string): number {
    return this.note("s", p, () => this.inner.size(p));
  }
  realPath(p: string): string {
    return this.note("r", p, () => this.inner.realPath(p));
  }
  secretFile(p: string): SecretFile | undefined {
    const s = this.inner.secretFile?.(p);
    if (s !== undefined) this.sawSecret = true;
    return s;
  }
  /**
   * Every observation, in the order of first asking: asking again in that order repeats the
   * build's side effects on the file system exactly (an artifact's ignore-rule cache, which the
   * model shows, fills in the order of the questions).
   */
  records(): ReadRecord[] {
    return [...this.log.values()];
  }
}

/** The answer `fs` gives now to the question of `r` (null when it throws), in ReadRecord form. */
export function answerNow(fs: FileSystem, r: ReadRecord): unknown {
  const p = r[1];
  try {
    switch (r[0]) {
      case "f":
        return sha256Hex(fs.readFile(p));
      case "e":
        return fs.exists(p);
      case "d":
        return fs.isDirectory(p);
      case "l":
        return fs.readDir(p);
      case "s":
        return fs.size(p);
      case "r":
        return fs.realPath(p);
      case "k":
        return fs.linksIn?.(p) ?? [];
    }
  } catch {
    return null;
  }
}

/**
 * Digests by buffer (bytes-digest.ts): a Git revision serves one Buffer per blob to every read
 * (and both revisions of a diff share their unchanged blobs), so a file many builds read is
 * hashed once. Read buffers are never written to.
 */
const sha256Hex = (b: Buffer): string => sha256HexOf(b);
