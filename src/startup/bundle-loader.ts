/**
 * Loads the CLI bundle (dist/bundle, CommonJS chunks written by scripts/build-bundle.js) with
 * V8's code cache, so a fresh `slipway` process does not parse and compile again the code the
 * previous one compiled (issues 11 and 16: ~25 ms for `helm template`, ~100 ms for `check`).
 * Node 20 has no module.enableCompileCache (22.1) and keeps no compiled code for ES modules; a
 * chunk compiled as a vm.Script accepts `cachedData` and hands back `createCachedData()`. What
 * v8-compile-cache did for every CommonJS module, done here for our own chunks (and, through
 * loadPackageModule, the package files a caller names: kubernetes-models' schema modules): a
 * chunk is wrapped like Node's CommonJS loader wraps a file and gets a `require` that resolves
 * `./chunk.js` through this loader and everything else (node:*, packages) through Node's.
 *
 * Layout under the cache directory (src/cache/location.ts):
 *
 *     code/<runtime>/<command>/<source sha256>.v8     32-byte sha256 of the payload, then V8's data
 *
 * `<runtime>` digests the Node version, platform, architecture and V8 flags (V8 rejects data made
 * under other flags); `<command>` keeps `helm`'s compiled functions apart from `check`'s, since
 * the data of a chunk holds the functions that ran before it was made. A file whose digest does
 * not match (truncated, damaged) or that V8 rejects is ignored and rewritten; files are written
 * once, at exit, atomically; nothing is read or written when the caches are off
 * (--no-cache / SLIPWAY_NO_CACHE, both in the environment by the time a command loads its chunks),
 * and an unwritable directory only means no cache.
 */
import type * as Crypto from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as vm from "node:vm";
import { makeDirectories } from "../fs/make-dirs.js";

export interface CodeCacheStats {
  /** Chunks compiled from cached data V8 accepted. */
  hits: number;
  /** Chunks compiled without cached data (none on disk, or caching off). */
  misses: number;
  /** Cached data found but not used: damaged, or refused by V8. */
  rejected: number;
  /** Cache files written. */
  writes: number;
}

interface LoadedChunk {
  exports: Record<string, unknown>;
}

interface PendingWrite {
  script: vm.Script;
  file: string;
  /** sha256 of the chunk's source: the seal binds the data to it. */
  sourceDigest: Buffer;
}

const DIGEST_BYTES = 32;

// node:crypto costs ~3 ms to load: `slipway --version`, which reads no cache, never loads it.
let crypto: typeof Crypto | undefined;
function sha256(data: string | Uint8Array): Buffer {
  crypto ??= createRequire(import.meta.url)("node:crypto") as typeof Crypto;
  return crypto.createHash("sha256").update(data).digest();
}

/** What V8's cached data depends on besides the source: runtime and flags. */
export function runtimeKey(): string {
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join("\0");
  const id = `${process.version}\0${process.platform}\0${process.arch}\0${flags}`;
  return sha256(id).toString("hex").slice(0, 16);
}

export function codeCacheRoot(cacheDir: string): string {
  return path.join(cacheDir, "code");
}

/** Where one runtime keeps one command's cached data. */
export function codeCacheDir(cacheDir: string, runtime: string, command: string): string {
  return path.join(codeCacheRoot(cacheDir), runtime, command);
}

export class BundleLoader {
  readonly stats: CodeCacheStats = { hits: 0, misses: 0, rejected: 0, writes: 0 };
  private readonly chunks = new Map<string, LoadedChunk>();
  private readonly pending: PendingWrite[] = [];
  private readonly resolved = new Map<string, string | undefined>();
  private readonly nodeRequires = new Map<string, NodeJS.Require>();
  /** Traced: the ms spent loading chunks inside the chunk being evaluated, one entry per level. */
  private readonly nestedMs: number[] = [];

  /**
   * `cacheDir` is asked at each chunk's load: the directory for this run's code cache, or
   * undefined for none (caching off, or a chunk loaded before the command line was read).
   */
  constructor(
    private readonly bundleDir: string,
    private readonly cacheDir: () => string | undefined,
    private readonly trace?: (line: string) => void,
  ) {}

  /** The exports of `file` (relative to the bundle directory), loading it and its chunks once. */
  load(file: string): Record<string, unknown> {
    return this.loadWith(path.resolve(this.bundleDir, file), (abs) => {
      const nodeRequire = createRequire(abs);
      return Object.assign(
        (id: string) => (id.startsWith("./") ? this.load(path.join(path.dirname(abs), id)) : nodeRequire(id)),
        { resolve: nodeRequire.resolve, cache: nodeRequire.cache },
      );
    });
  }

  /**
   * The exports of a package's CommonJS file (`file`: absolute and normalized), compiled with the
   * code cache like a chunk: what Node 20's own loader cannot do for the ~70 schema modules of
   * kubernetes-models a check loads (issue 16: ~20 ms of compiling in every fresh process). The
   * file's requires that resolve to a file `within` accepts load the same way; any other (node:*,
   * a module Node has already, such as a stand-in put in its module cache) through Node.
   */
  loadPackageModule(file: string, within: (resolved: string) => boolean): Record<string, unknown> {
    return this.loadWith(file, (abs) => {
      // Node's require for this file's directory (what a require resolves to depends on that
      // alone), made on first use: making one per file costs about as much as compiling the
      // file from cached data.
      const dir = path.dirname(abs);
      const nodeRequire = () => {
        let made = this.nodeRequires.get(dir);
        if (made === undefined) {
          made = createRequire(abs);
          this.nodeRequires.set(dir, made);
        }
        return made;
      };
      const require = (id: string) => {
        // `./Name.js` names its file: no resolving, which costs Node's loader more again.
        const resolved =
          id.startsWith("./") && !id.includes("/", 2) && id !== "./"
            ? `${dir}${path.sep}${id.slice(2)}`
            : this.resolveIn(nodeRequire, dir, id);
        return resolved !== undefined && within(resolved)
          ? this.loadPackageModule(resolved, within)
          : nodeRequire()(id);
      };
      return Object.defineProperties(require, {
        resolve: { get: () => nodeRequire().resolve },
        cache: { get: () => nodeRequire().cache },
      });
    });
  }

  /** What `id` resolves to from `dir` (remembered), undefined when nothing. */
  private resolveIn(nodeRequire: () => NodeJS.Require, dir: string, id: string): string | undefined {
    const key = `${dir}\0${id}`;
    if (!this.resolved.has(key)) {
      let found: string | undefined;
      try {
        found = nodeRequire().resolve(id);
      } catch {
        // unresolvable: Node's require throws its own error
      }
      this.resolved.set(key, found !== undefined && path.isAbsolute(found) ? found : undefined);
    }
    return this.resolved.get(key);
  }

  private loadWith(
    abs: string,
    requireOf: (abs: string) => (id: string) => unknown,
  ): Record<string, unknown> {
    const known = this.chunks.get(abs);
    if (known) return known.exports;
    const source = fs.readFileSync(abs);
    const dir = this.cacheDir();
    const sourceDigest = dir === undefined ? undefined : sha256(source);
    const cacheFile =
      sourceDigest === undefined ? undefined : path.join(dir!, `${sourceDigest.toString("hex")}.v8`);
    const cachedData = cacheFile === undefined ? undefined : readCacheFile(cacheFile, sourceDigest!);
    const compileStart = this.trace ? performance.now() : 0;
    // The wrapper of Node's CommonJS loader, so the chunk sees the names it expects.
    const script = new vm.Script(
      `(function (exports, require, module, __filename, __dirname) {${source.toString("utf8")}\n})`,
      { filename: abs, cachedData: cachedData ?? undefined },
    );
    if (cachedData && !script.cachedDataRejected) this.stats.hits++;
    else {
      if (cachedData === undefined) this.stats.misses++;
      else this.stats.rejected++;
      if (cacheFile !== undefined)
        this.pending.push({ script, file: cacheFile, sourceDigest: sourceDigest! });
    }
    const compiled = this.trace ? performance.now() : 0;
    const chunk: LoadedChunk = { exports: {} };
    this.chunks.set(abs, chunk);
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    this.nestedMs.push(0);
    try {
      wrapper.call(chunk.exports, chunk.exports, requireOf(abs), chunk, abs, path.dirname(abs));
    } finally {
      const nested = this.nestedMs.pop()!;
      if (this.trace) {
        const end = performance.now();
        if (this.nestedMs.length > 0) this.nestedMs[this.nestedMs.length - 1]! += end - compileStart;
        const cache = cachedData && !script.cachedDataRejected ? "hit" : cachedData ? "rejected" : "miss";
        // Printed when evaluated: the chunks a chunk requires come before it; "own" leaves them out.
        this.trace(
          `${path.relative(this.bundleDir, abs)} ${source.length} bytes, compile ${(compiled - compileStart).toFixed(1)} ms (code cache ${cache}), evaluate ${(end - compiled).toFixed(1)} ms (own ${(end - compiled - nested).toFixed(1)} ms)`,
        );
      }
    }
    return chunk.exports;
  }

  /**
   * Writes cached data for the chunks compiled without it. Made at exit, the data holds every
   * function the run compiled, not only the chunks' top levels. Failures to write are ignored.
   */
  saveCaches(): void {
    for (const { script, file, sourceDigest } of this.pending.splice(0)) {
      try {
        const data = script.createCachedData();
        writeAtomically(file, Buffer.concat([seal(sourceDigest, data), data]));
        this.stats.writes++;
      } catch {
        // A read-only or full cache directory: the next run compiles again.
      }
    }
  }
}

/**
 * The digest a cache file starts with: of the chunk's source digest and the data. V8 checks
 * cached data against the source's length only, and runs the code of another chunk of the same
 * length as if it were this one's: data copied or renamed from another chunk must not pass.
 */
function seal(sourceDigest: Buffer, data: Buffer): Buffer {
  crypto ??= createRequire(import.meta.url)("node:crypto") as typeof Crypto;
  return crypto.createHash("sha256").update(sourceDigest).update(data).digest();
}

/** The cached data in `file`, undefined when absent, null when present but damaged or foreign. */
function readCacheFile(file: string, sourceDigest: Buffer): Buffer | null | undefined {
  let bytes: Buffer;
  try {
    // Non-blocking, and regular files only: a FIFO or a device at the cache's name would block the
    // start (or never end); it is read as damaged, and the write at exit replaces it if it can.
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      if (!fs.fstatSync(fd).isFile()) return null;
      bytes = fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const data = bytes.subarray(DIGEST_BYTES);
  if (bytes.length <= DIGEST_BYTES || !seal(sourceDigest, data).equals(bytes.subarray(0, DIGEST_BYTES)))
    return null;
  return data;
}

/**
 * src/fs/atomic-write.ts's protocol (an exclusive temp file beside the target, then a rename) without
 * its random names, which would load node:crypto into every process: readers see a whole file or none.
 */
function writeAtomically(file: string, data: Buffer): void {
  makeDirectories(path.dirname(file));
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.writeFileSync(tmp, data, { flag: "wx" });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
