/**
 * The repository as `kubectl kustomize` reads it, for plain kustomize stacks (slipway.yaml
 * clusters with `flux: false`, discovered stacks): symbolic links are followed, as kustomize's
 * fsOnDisk follows them (api/filesys/fsondisk.go: CleanedAbs and ConfirmDir resolve every path
 * with filepath.EvalSymlinks, and the loader's restrictions apply to the resolved path), as
 * long as they resolve inside the roots (the repository and the --allow-path directories).
 *
 * differs because reads stay inside the repository: a link that leads out of every root is
 * absent here (kubectl would follow it), and `linksIn` names it, so the error that follows says
 * which link (src/fs/hidden-link.ts). Flux builds never see links at all (src/fs/confined.ts:
 * source-controller's artifact holds none).
 *
 * A path is served at its resolved place below the roots as given (a root that is itself
 * reached through a link keeps its own name), so what a build names is where the user sees it.
 * Resolutions are kept for the life of the view (one platform load), as ConfinedFileSystem
 * keeps its answers.
 */
import { ConfinementError } from "./confined.js";
import type { FileSystem, SecretFile } from "./filesystem.js";
import { joinName } from "./posix-path.js";
import { type LinkReader, type Resolved, resolveLinks } from "./resolve-links.js";

export class InRepoLinksFileSystem implements FileSystem {
  /** Links that resolve inside the roots are followed; `linksIn` lists those that do not. */
  readonly linksInside = true;
  private readonly prefixes: string[];
  private readonly realRoots: string[];
  private readonly resolved = new Map<string, Resolved>();
  /** What each path component led to (resolveLinks' memo), and which resolved paths are directories. */
  private readonly components = new Map<string, string>();
  private readonly dirs = new Map<string, boolean>();
  private readonly reader: LinkReader;

  constructor(
    readonly base: FileSystem,
    readonly roots: readonly string[],
  ) {
    this.prefixes = roots.map((r) => (r === "/" ? "/" : `${r}/`));
    this.realRoots = roots.map((r) => {
      try {
        return base.realPath(r);
      } catch {
        return r;
      }
    });
    this.reader = {
      readLink: (q) => {
        const t = base.readLink?.(q);
        return t?.startsWith("/") ? this.asGiven(t) : t;
      },
      exists: (q) => base.exists(q),
      isDirectory: (q) => this.isResolvedDirectory(q),
    };
  }

  /** Whether the resolved path `q` (no link on the way) is a directory, asked once per view. */
  private isResolvedDirectory(q: string): boolean {
    let v = this.dirs.get(q);
    if (v === undefined) {
      v = this.base.isDirectory(q);
      this.dirs.set(q, v);
    }
    return v;
  }

  private inside(p: string): boolean {
    return this.roots.some((r, i) => p === r || p.startsWith(this.prefixes[i]!));
  }

  /** An absolute link target named by a root's real path, as the same place below the root as given. */
  private asGiven(target: string): string {
    for (let i = 0; i < this.roots.length; i++) {
      const real = this.realRoots[i]!;
      if (real === this.roots[i]) continue;
      if (target === real) return this.roots[i]!;
      if (target.startsWith(`${real}/`)) return this.roots[i]! + target.slice(real.length);
    }
    return target;
  }

  private resolve(p: string): Resolved {
    let r = this.resolved.get(p);
    if (r === undefined) {
      r = resolveLinks(this.reader, p, (q) => this.inside(q), this.components);
      this.resolved.set(p, r);
    }
    return r;
  }

  /** The resolved path of `p`, or the error reading it gives (ENOENT; outside the roots: EACCES). */
  private found(p: string): string {
    const r = this.resolve(p);
    if (r.kind === "found") return r.path;
    if (!this.inside(p)) throw new ConfinementError(p, this.roots[0] ?? "/");
    const why =
      r.kind === "outside"
        ? ` (a symbolic link on the way leads to ${r.path}, outside the repository)`
        : r.kind === "loop"
          ? " (too many levels of symbolic links)"
          : "";
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'${why}`), {
      code: "ENOENT",
    });
  }

  readFile(p: string): Buffer {
    return this.base.readFile(this.found(p));
  }
  exists(p: string): boolean {
    return this.resolve(p).kind === "found";
  }
  isDirectory(p: string): boolean {
    const r = this.resolve(p);
    return r.kind === "found" && this.isResolvedDirectory(r.path);
  }
  readDir(p: string): string[] {
    const dir = this.found(p);
    return this.entriesOf(dir)
      .filter((name) => this.exists(joinName(p, name)))
      .sort();
  }
  size(p: string): number {
    return this.base.size(this.found(p));
  }
  realPath(p: string): string {
    return this.found(p);
  }
  secretFile(p: string): SecretFile | undefined {
    const r = this.resolve(p);
    return r.kind === "found" ? this.base.secretFile?.(r.path) : undefined;
  }
  /** Entries of `p` that are symbolic links leading out of the roots (what readDir leaves out for that). */
  linksIn(p: string): string[] {
    const r = this.resolve(p);
    if (r.kind !== "found" || !this.isResolvedDirectory(r.path)) return [];
    return this.entriesOf(r.path)
      .filter((name) => this.resolve(joinName(p, name)).kind === "outside")
      .sort();
  }

  /** Every entry of the resolved directory `dir`, links included (a Git revision lists them apart). */
  private entriesOf(dir: string): string[] {
    const names = this.base.readDir(dir);
    const links = this.base.linksIn?.(dir) ?? [];
    return links.length === 0 ? names : [...new Set([...names, ...links])];
  }
}
