import type { DirEntry, FileSystem } from "./filesystem.js";
import { isNormalAbsolute, joinName } from "./posix-path.js";

/**
 * A read outside the allowed roots: refused as kustomize-controller's secure file system
 * refuses it (fluxcd/pkg kustomize/filesys fs_secure.go, `path '…' is not in or below '…'`).
 */
export class ConfinementError extends Error {
  readonly code = "EACCES";
  constructor(
    readonly path: string,
    readonly root: string,
  ) {
    super(`path '${path}' is not in or below '${root}'`);
    this.name = "ConfinementError";
  }
}

/** `fs` confined to `roots` (itself when it already is exactly that). */
export function confinedView(fs: FileSystem, roots: readonly string[]): ConfinedFileSystem {
  if (fs instanceof ConfinedFileSystem && fs.roots.join("\0") === roots.join("\0")) return fs;
  return new ConfinedFileSystem(fs, roots);
}

/**
 * A view of a file system in which only paths in or below `roots` exist, and no path passes
 * through a symbolic link: source-controller archives regular files and directories only, so
 * a link inside a repository is not part of what Flux builds, and cannot lead out of it.
 * Reading outside the roots throws ConfinementError; everything else outside is absent.
 * A view keeps what it learnt of paths and directories, so it stands for the tree as it was
 * while one load read it: make a new one for each load (confinedView does, given a plain one).
 */
export class ConfinedFileSystem implements FileSystem {
  private readonly realRoots: string[];
  /** `<root>/` per root: what a path below it starts with. */
  private readonly prefixes: string[];
  /** Per path in or below a root: whether it exists with no symbolic link on the way. */
  private readonly linkFree = new Map<string, boolean>();
  /**
   * Directory answers, kept like `linkFree` for the life of the view (one platform load): a load
   * asks whether a path is a directory, and what a directory holds, many times over (discovery's
   * scan, read sets, every build and every render cache lookup), and each asking was a system call.
   */
  private readonly dirs = new Map<string, boolean>();
  private readonly listings = new Map<string, string[]>();
  /** The typed entries of each listing read with types (links left out): typedEntries(). */
  private readonly typed = new Map<string, DirEntry[]>();
  /** Bytes of the files read, when keepReads() asked for them, and how many bytes they hold. */
  private kept?: { files: Map<string, Buffer>; bytes: number; max: number };
  /** A path present in this view is its own real path. */
  readonly linkless = true;

  constructor(
    readonly base: FileSystem,
    readonly roots: readonly string[],
  ) {
    this.realRoots = roots.map((r) => (base.isDirectory(r) ? base.realPath(r) : r));
    this.prefixes = roots.map((r) => (r === "/" ? "/" : `${r}/`));
  }

  /** The root `p` is in or below, if any. */
  private rootOf(p: string): number {
    for (let i = 0; i < this.roots.length; i++) {
      if (p === this.roots[i] || p.startsWith(this.prefixes[i]!)) return i;
    }
    return -1;
  }

  contains(p: string): boolean {
    return this.rootOf(p) >= 0;
  }

  /** Exists below a root, with no symbolic link on the way. */
  private present(p: string): boolean {
    // Only paths below a root are remembered (the roots never change).
    let v = this.linkFree.get(p);
    if (v !== undefined) return v;
    const i = this.rootOf(p);
    if (i < 0) return false;
    try {
      // Without links (a Git revision), a path that exists is its own real path.
      v =
        this.base.exists(p) &&
        (this.base.linkless === true ||
          this.base.realPath(p) === this.realRoots[i] + p.slice(this.roots[i]!.length));
    } catch {
      v = false;
    }
    this.linkFree.set(p, v);
    return v;
  }

  private refuse(p: string): never {
    if (!this.contains(p)) throw new ConfinementError(p, this.roots[0] ?? "/");
    const link = this.base.exists(p)
      ? " (reached through a symbolic link, which is not part of the source)"
      : "";
    const err = new Error(`ENOENT: no such file or directory, open '${p}'${link}`) as NodeJS.ErrnoException;
    err.code = "ENOENT";
    throw err;
  }

  readFile(p: string): Buffer {
    const kept = this.kept?.files.get(p);
    if (kept !== undefined) return kept;
    if (!this.present(p)) this.refuse(p);
    const bytes = this.base.readFile(p);
    if (this.kept && this.kept.bytes + bytes.length <= this.kept.max) {
      this.kept.files.set(p, bytes);
      this.kept.bytes += bytes.length;
    }
    return bytes;
  }

  /**
   * Keep the bytes of every file read from now on, up to `maxBytes` in all, and answer later
   * reads of it from them: the view then stands for the files as this load read them, and what
   * reads the repository again after the load (the check rules, src/check/repo-files.ts) reads
   * no file twice. A view that keeps its reads must not outlive the load's platform.
   */
  keepReads(maxBytes: number): void {
    this.kept ??= { files: new Map(), bytes: 0, max: maxBytes };
  }

  /**
   * The entries of the directory `p` in this view (symbolic links are not in it), typed by the
   * listing: `file` is a regular file's. A base without typed listings types an entry that is
   * not a directory as a file (such a base, a Git revision or a test's tree, holds no FIFOs).
   */
  typedEntries(p: string): DirEntry[] {
    const names = this.readDir(p);
    const typed = this.typed.get(p);
    if (typed !== undefined) return [...typed];
    return names.map((name) => {
      const dir = this.isDirectory(joinName(p, name));
      return { name, dir, link: false, file: !dir };
    });
  }
  exists(p: string): boolean {
    return this.present(p);
  }
  isDirectory(p: string): boolean {
    let v = this.dirs.get(p);
    if (v === undefined) {
      v = this.present(p) && this.base.isDirectory(p);
      this.dirs.set(p, v);
    }
    return v;
  }
  readDir(p: string): string[] {
    let names = this.listings.get(p);
    if (names === undefined) {
      if (!this.present(p)) this.refuse(p);
      names = this.base.readDirTyped && isNormalAbsolute(p) ? this.typedListing(p) : this.listing(p);
      this.listings.set(p, names);
    }
    return [...names];
  }
  size(p: string): number {
    if (!this.present(p)) this.refuse(p);
    return this.base.size(p);
  }
  private listing(p: string): string[] {
    return this.base.readDir(p).filter((name) => this.present(joinName(p, name)));
  }
  /**
   * The listing of `p` (present, normal) from the entries' types: below a directory that exists
   * with no link on the way, an entry that is not a link is present too (its real path is its
   * parent's plus its name), and a link never is (its real path is another path). Each answer is
   * kept as present() and isDirectory() would have found it, a system call or two per entry.
   */
  private typedListing(p: string): string[] {
    const names: string[] = [];
    const typed: DirEntry[] = [];
    for (const e of this.base.readDirTyped!(p)) {
      const child = joinName(p, e.name);
      this.linkFree.set(child, !e.link);
      if (e.link) {
        this.dirs.set(child, false);
        continue;
      }
      this.dirs.set(child, e.dir);
      names.push(e.name);
      typed.push(e);
    }
    this.typed.set(p, typed);
    return names;
  }
  /** The entries of `p` on disk that readDir leaves out: symbolic links (followed nowhere). */
  linksIn(p: string): string[] {
    if (!this.present(p) || !this.base.isDirectory(p)) return [];
    const kept = new Set(this.readDir(p));
    const names = this.base.readDir(p).filter((name) => !kept.has(name));
    // A base that lists its links apart (a Git revision) names them itself: the same as on disk.
    for (const name of this.base.linksIn?.(p) ?? []) if (!names.includes(name)) names.push(name);
    return names.sort();
  }
  realPath(p: string): string {
    if (!this.present(p)) this.refuse(p);
    return p;
  }
  /** The base's answer below a root, where no path passes through a link (every file is present). */
  filesNamed(dir: string, name: string): string[] | undefined {
    if (this.base.linkless !== true || !this.present(dir)) return undefined;
    return this.base.filesNamed?.(dir, name);
  }
}
