/**
 * The staging directory of one ExternalArtifact, in memory. Every file remembers where it
 * came from: a copied file points at the source file (read lazily, so a composed artifact
 * costs no copying) and findings about it point at the file a person edits; a merged or
 * extracted file holds its bytes and names the files it was made from.
 */
import * as path from "node:path";
import type { FileSystem } from "../fs/filesystem.js";

export type ArtifactFileOrigin =
  /** A byte-for-byte copy of `file`, an absolute path in the source's filesystem `fs`. */
  | { kind: "copy"; file: string; fs: FileSystem }
  /** YAML merged from several files (Merge strategy), in merge order. */
  | { kind: "merge"; files: string[] }
  /** An entry of the tarball `file` (Extract strategy). */
  | { kind: "extract"; file: string; entry: string };

export interface ArtifactFile {
  origin: ArtifactFileOrigin;
  /** Content for merged and extracted files; copies read `origin.file`. */
  content?: Buffer;
}

export class ArtifactTreeError extends Error {}

export class ArtifactTree {
  /** Artifact-relative path (no leading `/`) → file. */
  readonly files = new Map<string, ArtifactFile>();
  /** Artifact-relative directories ("" is the root). */
  readonly dirs = new Set<string>([""]);

  isDir(rel: string): boolean {
    return this.dirs.has(clean(rel));
  }

  isFile(rel: string): boolean {
    return this.files.has(clean(rel));
  }

  /** os.MkdirAll: an existing file on the way fails as Go's Create would later. */
  mkdirAll(rel: string): void {
    const p = clean(rel);
    if (p === "") return;
    const parts = p.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const d = parts.slice(0, i).join("/");
      if (this.files.has(d)) throw new ArtifactTreeError(`mkdir ${d}: not a directory`);
      this.dirs.add(d);
    }
  }

  /** Creates or truncates a file (os.Root.Create), making its parent directories. */
  write(rel: string, file: ArtifactFile): void {
    const p = clean(rel);
    if (p === "") throw new ArtifactTreeError("open .: is a directory");
    if (this.dirs.has(p)) throw new ArtifactTreeError(`open ${p}: is a directory`);
    this.mkdirAll(path.posix.dirname(p) === "." ? "" : path.posix.dirname(p));
    this.files.set(p, file);
  }

  /** Entry names directly below `rel`, sorted. */
  list(rel: string): string[] {
    const dir = clean(rel);
    const prefix = dir === "" ? "" : `${dir}/`;
    const names = new Set<string>();
    for (const key of [...this.files.keys(), ...this.dirs]) {
      if (key === dir || !key.startsWith(prefix) || key === "") continue;
      names.add(key.slice(prefix.length).split("/")[0]!);
    }
    return [...names].sort();
  }
}

/** filepath.Clean relative to the artifact root, without a leading `./` (root is ""). */
export function clean(rel: string): string {
  const n = path.posix.normalize(`/${rel}`).slice(1).replace(/\/$/, "");
  return n;
}
