import * as path from "node:path";
import { SlipwayError } from "../errors.js";
import type { FileSystem } from "../fs/filesystem.js";
import { hiddenLinkNote } from "../fs/hidden-link.js";
import { resolvePath } from "../fs/posix-path.js";

export type LoadRestrictor = "LoadRestrictionsRootOnly" | "LoadRestrictionsNone";

const remotePattern =
  /^(?:https?:\/\/|git::|git@|ssh:\/\/|file:\/\/|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/;

/** A resource or base entry that kustomize would fetch over the network. */
export function isRemoteReference(p: string): boolean {
  return remotePattern.test(p) || /^[\w.-]+\.(com|org|io|net)\/[^/]+\/[^/]+/.test(p);
}

/**
 * Resolves and reads files relative to one kustomization root, enforcing kustomize's load
 * restrictions (RootOnly: files must be in or below the root, symbolic links resolved; bases
 * may be anywhere but not absolute), and tracks the chain of roots so that a base that
 * contains its referrer is reported as a cycle (api/internal/loader/fileloader.go and
 * loadrestrictions.go). Roots are kept with their links resolved, as kustomize's ConfirmDir.
 */
export class Loader {
  constructor(
    readonly fs: FileSystem,
    readonly root: string,
    readonly restrictor: LoadRestrictor,
    readonly referrer?: Loader,
    /**
     * Flux builds: the source artifact's root. kustomize-controller's secure file system
     * refuses every path outside it (absolute paths always: the artifact lives in a fresh
     * temporary directory), whatever the load restrictor says.
     */
    readonly confine?: string,
  ) {}

  /** Throws when a Flux build would step outside its source artifact. */
  private checkConfined(p: string, abs: string): void {
    if (this.confine === undefined) return;
    if (path.posix.isAbsolute(p) || !within(abs, this.confine)) {
      throw new LocalInputError(
        `security; path '${p}' is not in or below the source root '${this.confine}' (Flux reads only the source artifact)`,
      );
    }
  }

  /**
   * path.posix.resolve's answer, its fast path taken for the plain relative entries builds
   * name (a build resolves each entry several times: ~10 ms of node's re-normalising a cold
   * check of a large repository).
   */
  resolve(p: string): string {
    return resolvePath(this.root, p);
  }

  /**
   * Throws unless `abs` may be read from this root under the restrictor. RootOnly follows
   * RestrictionRootOnly: the file's directory, links resolved, must be the root or below it.
   */
  checkFile(abs: string, shown: string): void {
    if (this.confine !== undefined && !within(abs, this.confine)) this.checkConfined(shown, abs);
    if (this.restrictor === "LoadRestrictionsNone") return;
    let real = abs;
    try {
      real = this.fs.realPath(abs);
    } catch {
      // A missing file fails when it is read.
    }
    const dir = this.fs.isDirectory(real) ? real : path.posix.dirname(real);
    if (!within(dir, this.realRoot())) {
      throw new LocalInputError(`security; file '${shown}' is not in or below '${this.root}'`);
    }
  }

  /** Whether checkFile lets `abs` be read. */
  mayRead(abs: string): boolean {
    try {
      this.checkFile(abs, abs);
      return true;
    } catch {
      return false;
    }
  }

  private realRootCache?: string;
  private realRoot(): string {
    if (this.realRootCache === undefined) {
      try {
        this.realRootCache = this.fs.realPath(this.root);
      } catch {
        this.realRootCache = this.root;
      }
    }
    return this.realRootCache;
  }

  /** Reads a file relative to the root. */
  load(p: string): Buffer {
    if (isRemoteReference(p)) throw remoteError(p);
    const abs = this.resolve(p);
    this.checkConfined(p, abs);
    this.checkFile(abs, abs);
    if (this.fs.isDirectory(abs)) {
      throw new LocalInputError(`'${abs}' must be a file, not a directory`, { file: abs });
    }
    try {
      return this.fs.readFile(abs);
    } catch (e) {
      // A FIFO or a device is never read (it could block or never end): said as such, not as missing.
      if ((e as NodeJS.ErrnoException).code === "EINVAL")
        throw new LocalInputError(`open ${abs}: not a regular file`, { file: abs });
      // Too large to read: said with its size and the limit, not as missing.
      if ((e as NodeJS.ErrnoException).code === "EFBIG")
        throw asLocalInput(
          e instanceof SlipwayError ? e : new SlipwayError((e as Error).message, { file: abs }),
        );
      throw new LocalInputError(`open ${abs}: no such file or directory${hiddenLinkNote(this.fs, abs)}`, {
        file: abs,
      });
    }
  }

  isFile(p: string): boolean {
    const abs = this.resolve(p);
    if (!isRemoteReference(p)) this.checkConfined(p, abs);
    return this.fs.exists(abs) && !this.fs.isDirectory(abs);
  }

  /** A loader for a base or component directory, checking for cycles through the referrer chain. */
  child(p: string): Loader {
    if (isRemoteReference(p)) throw remoteError(p);
    if (path.posix.isAbsolute(p)) throw new LocalInputError(`new root '${p}' cannot be absolute`);
    let abs = this.resolve(p);
    this.checkConfined(p, abs);
    if (!this.fs.isDirectory(abs)) {
      if (this.fs.exists(abs))
        throw new LocalInputError(`must build at directory: '${abs}': file is not directory`);
      throw new LocalInputError(`must build at directory: not a valid directory: '${abs}' does not exist`);
    }
    abs = this.fs.realPath(abs);
    for (let l: Loader | undefined = this; l; l = l.referrer) {
      if (l.root === abs || l.root.startsWith(abs === "/" ? "/" : `${abs}/`)) {
        throw new LocalInputError(
          `cycle detected: candidate root '${abs}' contains visited root '${l.root}'`,
        );
      }
    }
    return new Loader(this.fs, abs, this.restrictor, this, this.confine);
  }
}

/**
 * A remote base or resource, which Slipway does not fetch: a limit of building offline, not an
 * error of the repository (kubectl and Flux fetch it), which consumers may tell apart.
 */
export class RemoteResourceError extends SlipwayError {
  constructor(message: string, where?: { file?: string }) {
    super(message, where);
    this.name = "RemoteResourceError";
  }
}

/**
 * The build's own input is at fault: a path it names is missing, outside what may be read, or
 * not the kind of file it must be, or a local file's text cannot be read. Such a failure does
 * not depend on anything a partial build leaves out (remote parts), so it is reported as the
 * error it is, not put down to them.
 */
export class LocalInputError extends SlipwayError {
  constructor(message: string, where?: { file?: string; line?: number; column?: number; cause?: unknown }) {
    super(message, where);
    this.name = "LocalInputError";
  }
}

/** `e` as a LocalInputError (same message and place), when it is a plain Slipway error. */
export function asLocalInput(e: unknown): unknown {
  if (!(e instanceof SlipwayError) || e instanceof LocalInputError || e instanceof RemoteResourceError)
    return e;
  return new LocalInputError(e.message, { file: e.file, line: e.line, column: e.column, cause: e });
}

export function remoteError(p: string): SlipwayError {
  return new RemoteResourceError(
    `remote resource '${p}' is not supported: Slipway builds offline. Vendor the remote base into the repository (e.g. with 'git subtree' or by copying it) and refer to it by a local path`,
  );
}

function within(p: string, root: string): boolean {
  return p === root || p.startsWith(root === "/" ? "/" : `${root}/`);
}
