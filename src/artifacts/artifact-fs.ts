/**
 * What a Kustomization or HelmRelease reads from an ExternalArtifact: the staged tree mounted
 * at a virtual absolute directory, minus what source-watcher's archive leaves out (fluxcd/pkg
 * artifact/storage `SourceIgnoreFilter(nil, nil)`: VCS metadata and the default exclusions;
 * `.sourceignore` files inside the artifact are not read). Nothing outside the mount exists,
 * as nothing outside the untarred artifact exists for the controller.
 *
 * `originOf` maps a virtual path back to the repository file it was copied from, so findings
 * and provenance point at the file a person edits.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import type { FileSystem } from "../fs/filesystem.js";
import { artifactPatterns, decidingPattern } from "../fs/sourceignore.js";
import type { ArtifactFile, ArtifactTree } from "./tree.js";

/** VCS and default exclusions, matched as source-controller does (case-sensitive, go-git's rules). */
const EXCLUDED = artifactPatterns([]);

export class ArtifactFileSystem implements FileSystem {
  private contentDigest: string | undefined;

  constructor(
    readonly tree: ArtifactTree,
    /** Absolute virtual directory the artifact is mounted at. */
    readonly mount: string,
  ) {}

  /** Artifact-relative path of `abs`, or undefined outside the mount or when archived away. */
  private rel(abs: string): string | undefined {
    if (abs === this.mount) return "";
    if (!abs.startsWith(`${this.mount}/`)) return undefined;
    const rel = abs.slice(this.mount.length + 1).replace(/\/$/, "");
    if (this.excluded(rel)) return undefined;
    return rel;
  }

  /**
   * Without a re-including pattern, a path below an excluded directory is excluded too (each
   * exclusion matching a directory matches what is below it), so checking the path is enough.
   */
  private excluded(rel: string): boolean {
    if (rel === "") return false;
    const parts = rel.split("/");
    return decidingPattern(EXCLUDED, parts, this.tree.dirs.has(rel)) !== undefined;
  }

  file(abs: string): ArtifactFile | undefined {
    const rel = this.rel(abs);
    return rel === undefined ? undefined : this.tree.files.get(rel);
  }

  readFile(p: string): Buffer {
    const f = this.file(p);
    if (!f) {
      const err = new Error(`ENOENT: no such file or directory, open '${p}'`) as NodeJS.ErrnoException;
      err.code = this.isDirectory(p) ? "EISDIR" : "ENOENT";
      throw err;
    }
    if (f.content) return f.content;
    if (f.origin.kind === "copy") return f.origin.fs.readFile(f.origin.file);
    return Buffer.alloc(0);
  }

  exists(p: string): boolean {
    const rel = this.rel(p);
    return rel !== undefined && (this.tree.files.has(rel) || this.tree.dirs.has(rel));
  }

  isDirectory(p: string): boolean {
    const rel = this.rel(p);
    return rel !== undefined && this.tree.dirs.has(rel);
  }

  readDir(p: string): string[] {
    const rel = this.rel(p);
    if (rel === undefined || !this.tree.dirs.has(rel)) {
      const err = new Error(`ENOENT: no such file or directory, scandir '${p}'`) as NodeJS.ErrnoException;
      err.code = "ENOENT";
      throw err;
    }
    return this.tree.list(rel).filter((n) => this.rel(path.posix.join(p, n)) !== undefined);
  }

  /** sha256 over every directory and file (path and bytes), in path order: equal digests, equal artifacts. */
  digest(): string {
    if (this.contentDigest === undefined) {
      const h = createHash("sha256");
      for (const d of [...this.tree.dirs].sort()) h.update(`d\0${d}\0`);
      for (const [name, f] of [...this.tree.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        h.update(`f\0${name}\0`);
        h.update(
          f.content ?? (f.origin.kind === "copy" ? f.origin.fs.readFile(f.origin.file) : Buffer.alloc(0)),
        );
        h.update("\0");
      }
      this.contentDigest = h.digest("hex");
    }
    return this.contentDigest;
  }

  size(p: string): number {
    return this.readFile(p).length;
  }

  /** No links inside an artifact: the path itself, when it exists. */
  realPath(p: string): string {
    if (!this.exists(p)) {
      const err = new Error(`ENOENT: no such file or directory, realpath '${p}'`) as NodeJS.ErrnoException;
      err.code = "ENOENT";
      throw err;
    }
    return p;
  }

  /**
   * The repository file `abs` was copied from (following copies of copies), or `abs` itself
   * for merged/extracted files and directories. Directories map when every file below was
   * copied from one real directory with the same layout.
   */
  originOf(abs: string): string {
    const f = this.file(abs);
    if (f) {
      if (f.origin.kind !== "copy") return abs;
      const fs = f.origin.fs;
      return fs instanceof ArtifactFileSystem ? fs.originOf(f.origin.file) : f.origin.file;
    }
    const rel = this.rel(abs);
    if (rel === undefined || !this.tree.dirs.has(rel)) return abs;
    return this.realDir(rel) ?? abs;
  }

  private realDir(rel: string): string | undefined {
    const prefix = rel === "" ? "" : `${rel}/`;
    let found: string | undefined;
    for (const [p, f] of this.tree.files) {
      if (!p.startsWith(prefix)) continue;
      if (f.origin.kind !== "copy") return undefined;
      const origin =
        f.origin.fs instanceof ArtifactFileSystem ? f.origin.fs.originOf(f.origin.file) : f.origin.file;
      const tail = p.slice(prefix.length);
      if (!origin.endsWith(`/${tail}`)) return undefined;
      const dir = origin.slice(0, origin.length - tail.length - 1);
      if (found === undefined) found = dir;
      else if (found !== dir) return undefined;
    }
    return found;
  }
}
