/**
 * The digest of everything a run may read below a set of roots (the repository and the
 * `--allow-path` directories): every directory's listing with each entry's type, every regular
 * file's bytes, every symbolic link's target text. Contents, never stat data: a modification
 * time does not say whether a file changed (it is racy within a second and tools preserve it).
 *
 * Two kinds of entry are not read, and a run that then depends on them must not be cached:
 * - directories named `.git` or `node_modules` (a repository's history can be gigabytes, and
 *   no stage walks into them): only their name and type are in the digest, and
 *   `CoveredFileSystem` notes any read below them;
 * - symbolic links that lead outside the roots (or into such a directory): the loader never
 *   follows a link (src/fs/confined.ts), but a few check rules read the disk directly and
 *   would; the digest says `leavesRoots` and the caller does not cache.
 *
 * The bytes of the files read are kept (up to a budget), and every directory's listing, so that
 * the run that follows reads exactly what was digested, without a second read or listing
 * (`SnapshotFileSystem`).
 */
import { createHash } from "node:crypto";
import * as nodeFs from "node:fs";
import * as path from "node:path";
import type { DirEntry, FileSystem, SecretFile } from "./filesystem.js";
import { readRegularFile } from "./read-regular.js";

/** Directories whose content is not digested (see the module comment). */
export const UNDIGESTED_DIRS: ReadonlySet<string> = new Set([".git", "node_modules"]);
const UNDIGESTED_NAMES: readonly string[] = [...UNDIGESTED_DIRS];

/** Kept file bytes beyond this are hashed and dropped: the snapshot is an optimisation. */
const KEEP_BYTES = 64 * 1024 * 1024;

export interface TreeDigest {
  /** sha256 hex of the roots (in order) and everything below them. */
  digest: string;
  files: number;
  bytes: number;
  /** A symbolic link below a root resolves outside every root (or into an undigested directory). */
  leavesRoots?: string;
  /** Regular files' bytes by absolute POSIX path (those within the budget). */
  contents: Map<string, Buffer>;
  /**
   * Each directory walked (undigested ones aside) by absolute POSIX path: its entries, sorted by
   * name and typed as lstat types them, as DiskFileSystem.readDirTyped lists them.
   */
  listings: Map<string, DirEntry[]>;
}

/** The digest of `roots` (absolute POSIX paths) as they are on disk now. */
export function digestTrees(roots: readonly string[]): TreeDigest {
  const h = createHash("sha256");
  const out: TreeDigest = { digest: "", files: 0, bytes: 0, contents: new Map(), listings: new Map() };
  const realRoots = roots.map((r) => realOrSelf(r));
  let kept = 0;
  const inside = (real: string) =>
    realRoots.some((r) => {
      if (real !== r && !real.startsWith(r === "/" ? "/" : `${r}/`)) return false;
      return !real
        .slice(r.length)
        .split("/")
        .some((seg) => UNDIGESTED_DIRS.has(seg));
    });
  const walk = (dir: string) => {
    let entries: nodeFs.Dirent[];
    try {
      entries = nodeFs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      h.update(`!${dir}\0${(e as NodeJS.ErrnoException).code ?? "error"}\0`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    out.listings.set(
      dir,
      entries.map((e) => ({
        name: e.name,
        dir: e.isDirectory(),
        link: e.isSymbolicLink(),
        file: e.isFile(),
      })),
    );
    h.update(`D${dir}\0${entries.length}\0`);
    for (const e of entries) {
      const abs = dir === "/" ? `/${e.name}` : `${dir}/${e.name}`;
      if (e.isDirectory()) {
        h.update(`d${e.name}\0`);
        if (!UNDIGESTED_DIRS.has(e.name)) walk(abs);
      } else if (e.isFile()) {
        let bytes: Buffer;
        try {
          // Regular files under the size limit only: one too large fails every render that reads
          // it whatever it holds, so its code stands for its content (and it is never read whole).
          bytes = readRegularFile(abs);
        } catch (err) {
          h.update(`f${e.name}\0!${(err as NodeJS.ErrnoException).code ?? "error"}\0`);
          continue;
        }
        h.update(`f${e.name}\0${bytes.length}\0`);
        h.update(bytes);
        out.files++;
        out.bytes += bytes.length;
        if (kept + bytes.length <= KEEP_BYTES) {
          out.contents.set(abs, bytes);
          kept += bytes.length;
        }
      } else if (e.isSymbolicLink()) {
        let target = "";
        try {
          target = nodeFs.readlinkSync(abs);
        } catch {
          // vanished: the digest below says so
        }
        h.update(`l${e.name}\0${target}\0`);
        const resolved = realOrSelf(path.posix.resolve(dir, target));
        if (out.leavesRoots === undefined && !inside(resolved)) out.leavesRoots = abs;
      } else {
        // A FIFO, socket or device: never opened (opening a FIFO blocks), known by type.
        h.update(`o${e.name}\0`);
      }
    }
  };
  for (const root of roots) {
    h.update(`R${root}\0`);
    walk(root);
  }
  out.digest = h.digest("hex");
  return out;
}

/** The entry named `name` of a listing sorted by name. */
function binarySearch(listing: readonly DirEntry[], name: string): DirEntry | undefined {
  let lo = 0;
  let hi = listing.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const e = listing[mid]!;
    if (e.name === name) return e;
    if (e.name < name) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

function realOrSelf(p: string): string {
  try {
    return nodeFs.realpathSync.native(p).split(path.sep).join("/");
  } catch {
    return p;
  }
}

/**
 * `inner` (the disk), with the bytes of regular files and the listings of directories served
 * from a digest's snapshot: the run reads and lists what was digested, once. Whether a path
 * exists or is a directory is answered from its directory's listing when the digest listed it,
 * unless the entry is a symbolic link (which the disk follows and the listing does not). Every
 * other question goes to `inner`.
 */
export class SnapshotFileSystem implements FileSystem {
  readonly readDirTyped?: (p: string) => DirEntry[];
  private readonly listings: ReadonlyMap<string, DirEntry[]>;
  constructor(
    private readonly inner: FileSystem,
    private readonly contents: ReadonlyMap<string, Buffer>,
    listings?: ReadonlyMap<string, DirEntry[]>,
  ) {
    this.listings = listings ?? new Map();
    if (inner.readDirTyped)
      this.readDirTyped = (p) => this.listings.get(p)?.map((e) => ({ ...e })) ?? inner.readDirTyped!(p);
  }

  /** The listed entry at `p`; null when its directory was listed without it; undefined: not known. */
  private entry(p: string): DirEntry | null | undefined {
    const slash = p.lastIndexOf("/");
    if (slash < 0) return undefined;
    const name = p.slice(slash + 1);
    // Only a plain name in a listed directory: "", "." and ".." are not entries of a listing.
    if (name === "" || name === "." || name === "..") return undefined;
    const listing = this.listings.get(slash === 0 ? "/" : p.slice(0, slash));
    if (listing === undefined) return undefined;
    return binarySearch(listing, name) ?? null;
  }

  readFile(p: string): Buffer {
    return this.contents.get(p) ?? this.inner.readFile(p);
  }
  exists(p: string): boolean {
    if (this.contents.has(p) || this.listings.has(p)) return true;
    const e = this.entry(p);
    if (e === null) return false;
    return e !== undefined && !e.link ? true : this.inner.exists(p);
  }
  isDirectory(p: string): boolean {
    if (this.contents.has(p)) return false;
    if (this.listings.has(p)) return true;
    const e = this.entry(p);
    if (e === null) return false;
    return e !== undefined && !e.link ? e.dir : this.inner.isDirectory(p);
  }
  readDir(p: string): string[] {
    return this.listings.get(p)?.map((e) => e.name) ?? this.inner.readDir(p);
  }
  size(p: string): number {
    return this.contents.get(p)?.length ?? this.inner.size(p);
  }
  realPath(p: string): string {
    return this.inner.realPath(p);
  }
  readLink(p: string): string | undefined {
    const e = this.entry(p);
    return e === null || (e !== undefined && !e.link) ? undefined : this.inner.readLink?.(p);
  }
  secretFile(p: string): SecretFile | undefined {
    return this.inner.secretFile?.(p);
  }
}

/**
 * A FileSystem that notes the first path asked about that a digest of `roots` does not
 * cover: outside every root, or below an undigested directory (`.git/config`; the directory's
 * own existence and type are in its parent's listing, so asking whether it exists is covered).
 */
export class CoveredFileSystem implements FileSystem {
  /** The first uncovered path asked about, if any. */
  uncovered?: string;
  private readonly prefixes: string[];

  readonly readDirTyped?: (p: string) => DirEntry[];

  constructor(
    private readonly inner: FileSystem,
    private readonly roots: readonly string[],
  ) {
    this.prefixes = roots.map((r) => (r === "/" ? "/" : `${r}/`));
    if (inner.readDirTyped) {
      // An entry's type is in its directory's listing: only the directory is asked about.
      this.readDirTyped = (p) => {
        this.note(p, true);
        return inner.readDirTyped!(p);
      };
    }
  }

  private note(p: string, listing: boolean): void {
    if (this.uncovered !== undefined) return;
    const i = this.roots.findIndex((r, j) => p === r || p.startsWith(this.prefixes[j]!));
    if (i < 0) {
      this.uncovered = p;
      return;
    }
    // Asked for every read of a run (~11 ms of a cold check of bjw-s home-ops splitting each path):
    // a path that names no undigested directory anywhere is covered.
    if (!UNDIGESTED_NAMES.some((name) => p.includes(name))) return;
    const segs = p.slice(this.roots[i]!.length).split("/").filter(Boolean);
    // Below an undigested directory; or the directory itself read (listed or opened).
    const last = segs.length - 1;
    if (segs.some((s, k) => UNDIGESTED_DIRS.has(s) && (k < last || listing))) this.uncovered = p;
  }

  readFile(p: string): Buffer {
    this.note(p, true);
    return this.inner.readFile(p);
  }
  exists(p: string): boolean {
    this.note(p, false);
    return this.inner.exists(p);
  }
  isDirectory(p: string): boolean {
    this.note(p, false);
    return this.inner.isDirectory(p);
  }
  readDir(p: string): string[] {
    this.note(p, true);
    return this.inner.readDir(p);
  }
  size(p: string): number {
    this.note(p, true);
    return this.inner.size(p);
  }
  realPath(p: string): string {
    this.note(p, false);
    return this.inner.realPath(p);
  }
  readLink(p: string): string | undefined {
    this.note(p, false);
    return this.inner.readLink?.(p);
  }
  secretFile(p: string): SecretFile | undefined {
    return this.inner.secretFile?.(p);
  }
}
