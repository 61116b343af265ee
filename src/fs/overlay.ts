import * as path from "node:path";
import type { FileSystem, SecretFile } from "./filesystem.js";

/**
 * A FileSystem that serves a few files from memory on top of another one, without touching
 * it. Flux rewrites (or generates) the `kustomization.yaml` of the directory it builds; doing
 * that in an overlay keeps the user's tree read-only and lets one run build the same
 * directory with several Flux specs.
 */
export class OverlayFileSystem implements FileSystem {
  /** A function is content made when first read (Flux's kustomization file, often never read). */
  private readonly files = new Map<string, Buffer | (() => string)>();
  private readonly secrets = new Map<string, SecretFile>();
  /** Directories that hold an overlay file, mapped to the overlay entry names they add. */
  private readonly entries = new Map<string, Set<string>>();

  constructor(
    readonly base: FileSystem,
    files: Record<string, string | Buffer | (() => string)> = {},
  ) {
    for (const [p, content] of Object.entries(files)) this.set(p, content);
  }

  /** Serves `content` at `p`; `secret` says which of it is decrypted (see FileSystem.secretFile). */
  set(p: string, content: string | Buffer | (() => string), secret?: SecretFile): void {
    const abs = path.posix.resolve("/", p);
    this.files.set(abs, typeof content === "string" ? Buffer.from(content) : content);
    if (secret) this.secrets.set(abs, secret);
    else this.secrets.delete(abs);
    // Every directory up to the root lists the next one down, so that a file in a new
    // directory tree is found by walking (cluster discovery reads directories).
    for (
      let child = abs, dir = path.posix.dirname(abs);
      child !== dir;
      child = dir, dir = path.posix.dirname(dir)
    ) {
      let names = this.entries.get(dir);
      if (!names) this.entries.set(dir, (names = new Set()));
      names.add(path.posix.basename(child));
    }
  }

  readFile(p: string): Buffer {
    return this.own(p) ?? this.base.readFile(p);
  }

  private own(p: string): Buffer | undefined {
    const content = this.files.get(p);
    if (typeof content !== "function") return content;
    const made = Buffer.from(content());
    this.files.set(p, made);
    return made;
  }

  secretFile(p: string): SecretFile | undefined {
    return this.files.has(p) ? this.secrets.get(p) : this.base.secretFile?.(p);
  }

  exists(p: string): boolean {
    return this.files.has(p) || this.entries.has(p) || this.base.exists(p);
  }

  isDirectory(p: string): boolean {
    if (this.files.has(p)) return false;
    return this.entries.has(p) || this.base.isDirectory(p);
  }

  size(p: string): number {
    return this.own(p)?.length ?? this.base.size(p);
  }

  realPath(p: string): string {
    if (this.files.has(p))
      return path.posix.join(this.realDir(path.posix.dirname(p)), path.posix.basename(p));
    if (this.entries.has(p) && !this.base.exists(p)) return p;
    return this.base.realPath(p);
  }

  private realDir(dir: string): string {
    return this.base.exists(dir) ? this.base.realPath(dir) : dir;
  }

  /** The base's hidden links, less the names this overlay serves. */
  linksIn(p: string): string[] {
    const added = this.entries.get(p);
    const links = this.base.linksIn?.(p) ?? [];
    return added ? links.filter((name) => !added.has(name)) : links;
  }

  readDir(p: string): string[] {
    const added = this.entries.get(p);
    const own = this.base.isDirectory(p) ? this.base.readDir(p) : [];
    if (!added) return own;
    return [...new Set([...own, ...added])].sort();
  }
}
