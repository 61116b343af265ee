import * as nodeFs from "node:fs";
import * as path from "node:path";
import type { SecretPaths } from "../secrets/paths.js";
import { readRegularFile } from "./read-regular.js";

/**
 * What every stage reads through. Synchronous on purpose: builds are CPU-bound walks over
 * small files, and a sync interface keeps the recursive kustomize accumulation simple.
 * Paths are absolute and POSIX-style (`/`-separated).
 */
export interface FileSystem {
  readFile(p: string): Buffer;
  exists(p: string): boolean;
  isDirectory(p: string): boolean;
  /** Entry names (not paths) of a directory, sorted. */
  readDir(p: string): string[];
  /**
   * readDir's entries with what each is, symbolic links not followed (optional): a view that
   * asks about every entry (confined.ts) learns it from the listing instead of a call per entry.
   */
  readDirTyped?(p: string): DirEntry[];
  /** Size in bytes of an existing file, without reading it: scans skip huge files first. */
  size(p: string): number;
  /**
   * The path with every symbolic link resolved (Go's filepath.EvalSymlinks); the path itself
   * on file systems without links. Throws when the path does not exist.
   */
  realPath(p: string): string;
  /**
   * The target text of the symbolic link at `p`, not followed (lstat: `p` itself is the link);
   * undefined when `p` is not a link or does not exist (optional: a file system without it
   * has no links to tell). Links are resolved from it by src/fs/resolve-links.ts.
   */
  readLink?(p: string): string | undefined;
  /** True when no path passes through a symbolic link: realPath(p) is p for every existing p (a Git revision). */
  readonly linkless?: boolean;
  /**
   * Whether the file's content is secret: set by the file system that serves decrypted SOPS
   * files during a Flux build (undefined everywhere else).
   */
  secretFile?(p: string): SecretFile | undefined;
  /**
   * Entry names of a directory that this view leaves out because they are symbolic links (a
   * source artifact holds none): set by src/fs/confined.ts, so that a chart or path that loses
   * files to it can say so. Sorted; absent: the file system leaves nothing out.
   */
  linksIn?(p: string): string[];
  /**
   * Set by a view that follows the symbolic links resolving inside the repository
   * (src/fs/in-repo-links.ts): its `linksIn` are then the links that lead out of it.
   */
  readonly linksInside?: boolean;
  /**
   * Every file named `name` at any depth below the directory `dir` (absolute paths, sorted), as
   * walking every directory would find them, or undefined when this file system cannot say
   * without that walk (optional): a Git revision knows its paths.
   */
  filesNamed?(dir: string, name: string): string[] | undefined;
}

/** One entry of a listing, typed as lstat types it (a link is neither followed nor a dir nor a file). */
export interface DirEntry {
  name: string;
  dir: boolean;
  link: boolean;
  /** A regular file (not a FIFO, device or socket). */
  file: boolean;
}

/** A file holding decrypted values. */
export interface SecretFile {
  /** Per YAML/JSON document, the paths that were encrypted; absent: the whole content (dotenv, binary). */
  documents?: SecretPaths[];
}

/** Reads a file unless it is larger than `max` bytes (then undefined, without reading it). */
export function readFileWithin(fs: FileSystem, p: string, max: number): Buffer | undefined {
  if (fs.size(p) > max) return undefined;
  const bytes = fs.readFile(p);
  return bytes.length > max ? undefined : bytes;
}

export class DiskFileSystem implements FileSystem {
  readFile(p: string): Buffer {
    // Regular files only: a FIFO named like a manifest in a repository would block the read
    // (and the command) forever; a device would never end.
    return readRegularFile(p);
  }
  exists(p: string): boolean {
    return nodeFs.existsSync(p);
  }
  isDirectory(p: string): boolean {
    try {
      return nodeFs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  }
  readDir(p: string): string[] {
    return nodeFs.readdirSync(p).sort();
  }
  readDirTyped(p: string): DirEntry[] {
    // The listing's own types (node lstats the entries a file system leaves untyped); sorted as readDir.
    return nodeFs
      .readdirSync(p, { withFileTypes: true })
      .map((d) => ({ name: d.name, dir: d.isDirectory(), link: d.isSymbolicLink(), file: d.isFile() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  size(p: string): number {
    return nodeFs.statSync(p).size;
  }
  realPath(p: string): string {
    return nodeFs.realpathSync.native(p).split(path.sep).join("/");
  }
  readLink(p: string): string | undefined {
    try {
      return nodeFs.readlinkSync(p);
    } catch {
      return undefined; // EINVAL: not a link; ENOENT: not there
    }
  }
}

/** In-memory tree for tests: keys are absolute paths, directories are implied by file paths. */
export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, Buffer>();
  private readonly dirs = new Set<string>(["/"]);

  constructor(files: Record<string, string | Buffer> = {}) {
    for (const [p, content] of Object.entries(files)) this.write(p, content);
  }

  write(p: string, content: string | Buffer): void {
    const abs = path.posix.resolve("/", p);
    this.files.set(abs, typeof content === "string" ? Buffer.from(content) : content);
    for (let d = path.posix.dirname(abs); ; d = path.posix.dirname(d)) {
      this.dirs.add(d);
      if (d === "/") break;
    }
  }

  mkdir(p: string): void {
    const abs = path.posix.resolve("/", p);
    for (let d = abs; ; d = path.posix.dirname(d)) {
      this.dirs.add(d);
      if (d === "/") break;
    }
  }

  readFile(p: string): Buffer {
    const b = this.files.get(p);
    if (!b) {
      const err = new Error(`ENOENT: no such file or directory, open '${p}'`) as NodeJS.ErrnoException;
      err.code = this.dirs.has(p) ? "EISDIR" : "ENOENT";
      throw err;
    }
    return b;
  }
  exists(p: string): boolean {
    return this.files.has(p) || this.dirs.has(p);
  }
  isDirectory(p: string): boolean {
    return this.dirs.has(p);
  }
  size(p: string): number {
    return this.readFile(p).length;
  }
  realPath(p: string): string {
    if (!this.exists(p))
      throw Object.assign(new Error(`ENOENT: no such file or directory, realpath '${p}'`), {
        code: "ENOENT",
      });
    return p;
  }
  readDir(p: string): string[] {
    const prefix = p === "/" ? "/" : `${p}/`;
    const names = new Set<string>();
    for (const key of [...this.files.keys(), ...this.dirs]) {
      if (key.startsWith(prefix) && key !== p) names.add(key.slice(prefix.length).split("/")[0]!);
    }
    return [...names].sort();
  }
}
