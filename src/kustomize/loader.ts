import * as path from "node:path";
import { SlipwayError } from "../errors.js";
import type { FileSystem } from "../fs/filesystem.js";

export type LoadRestrictor = "LoadRestrictionsRootOnly" | "LoadRestrictionsNone";

const remotePattern =
  /^(?:https?:\/\/|git::|git@|ssh:\/\/|file:\/\/|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/;

/** A resource or base entry that kustomize would fetch over the network. */
export function isRemoteReference(p: string): boolean {
  return remotePattern.test(p) || /^[\w.-]+\.(com|org|io|net)\/[^/]+\/[^/]+/.test(p);
}

/**
 * Resolves and reads files relative to one kustomization root, enforcing kustomize's load
 * restrictions (RootOnly: files must be in or below the root; bases may be anywhere), and
 * tracks the chain of roots so that a base that contains its referrer is reported as a cycle.
 */
export class Loader {
  constructor(
    readonly fs: FileSystem,
    readonly root: string,
    readonly restrictor: LoadRestrictor,
    readonly referrer?: Loader,
  ) {}

  resolve(p: string): string {
    return path.posix.resolve(this.root, p);
  }

  /** Throws unless `abs` may be read from this root under the restrictor. */
  checkFile(abs: string, shown: string): void {
    if (this.restrictor === "LoadRestrictionsNone") return;
    const rootPrefix = this.root.endsWith("/") ? this.root : `${this.root}/`;
    if (abs !== this.root && !abs.startsWith(rootPrefix)) {
      throw new SlipwayError(`security; file '${shown}' is not in or below '${this.root}'`);
    }
  }

  /** Reads a file relative to the root. */
  load(p: string): Buffer {
    if (isRemoteReference(p)) throw remoteError(p);
    const abs = this.resolve(p);
    this.checkFile(abs, abs);
    if (this.fs.isDirectory(abs)) {
      throw new SlipwayError(`'${abs}' must be a file, not a directory`, { file: abs });
    }
    try {
      return this.fs.readFile(abs);
    } catch {
      throw new SlipwayError(`open ${abs}: no such file or directory`, { file: abs });
    }
  }

  isFile(p: string): boolean {
    const abs = this.resolve(p);
    return this.fs.exists(abs) && !this.fs.isDirectory(abs);
  }

  /** A loader for a base or component directory, checking for cycles through the referrer chain. */
  child(p: string): Loader {
    if (isRemoteReference(p)) throw remoteError(p);
    const abs = this.resolve(p);
    if (!this.fs.isDirectory(abs)) {
      if (this.fs.exists(abs))
        throw new SlipwayError(`must build at directory: '${abs}': file is not directory`);
      throw new SlipwayError(`must build at directory: not a valid directory: '${abs}' does not exist`);
    }
    for (let l: Loader | undefined = this; l; l = l.referrer) {
      if (l.root === abs || l.root.startsWith(abs === "/" ? "/" : `${abs}/`)) {
        throw new SlipwayError(`cycle detected: candidate root '${abs}' contains visited root '${l.root}'`);
      }
    }
    return new Loader(this.fs, abs, this.restrictor, this);
  }
}

export function remoteError(p: string): SlipwayError {
  return new SlipwayError(
    `remote resource '${p}' is not supported: Slipway builds offline. Vendor the remote base into the repository (e.g. with 'git subtree' or by copying it) and refer to it by a local path`,
  );
}
