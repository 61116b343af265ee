/**
 * The render cache on disk, beside the chart cache (src/charts/cache.ts):
 *
 *     renders/<code>/<unit>/<id>.json     one entry: a header line, then the sealed body
 *
 * `<code>` is the first 16 hex digits of the running code's identity (code-identity.ts), so
 * entries of other builds sit in other directories and `slipway cache prune` removes them
 * whole; `<id>` is the sha256 of everything the unit's output depends on (the identity
 * included in full). The header `{"slipway-cache":1,"key":…,"bytes":…}` names the entry and
 * its size, and the body's GCM tag authenticates every byte: an entry that is truncated,
 * corrupted, or stored under another name is treated as absent (and rewritten by the run that
 * misses), never trusted.
 *
 * Bodies are encrypted (AES-256-GCM) with a key derived from the unit's inputs by another hash
 * than the file name's: the cache directory alone says nothing about a rendered object — a
 * chart's generated Secret included — that its inputs did not already say, and a reader without
 * the inputs learns nothing. (Units whose inputs hold secret material are never cached at all;
 * see src/platform/release-cache.ts.)
 *
 * Writes are atomic (src/fs/atomic-write.ts): two processes writing one entry both rename a
 * complete file into place, and either file opens to the same body.
 */
import * as crypto from "node:crypto";
import { createDecipheriv, hash, randomFillSync } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { readRegularFile } from "../fs/read-regular.js";
import { awaitWrite, flushWrites, postedUnder, startWriter, writeInBackground } from "./background-writes.js";
import { codeIdentity } from "./code-identity.js";
import { type SealInput, sealEntry } from "./seal.js";
import { JsonText, parseBody } from "./value-codec.js";

const FORMAT = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface RenderCacheStats {
  hits: number;
  misses: number;
  writes: number;
  /** Entries found but not trusted (bad header, digest, size, seal or JSON). */
  rejected: number;
}

/** Where one unit's output lives and the key that seals it, both derived from its inputs. */
export interface CacheKey {
  unit: string;
  /** sha256 (hex) of the inputs with the code identity folded in: the file name. */
  id: string;
  /** AES-256 key, another hash of the same inputs: never written anywhere. */
  seal: Buffer;
}

/** What the platform loader reads and writes: JSON bodies (or bytes) under keys derived from inputs. */
export interface RenderCache {
  key(unit: string, inputs: string): CacheKey;
  /** A body of the caller's own (a new one each call: decoding reuses it in place). */
  get(key: CacheKey): unknown | undefined;
  /** `body` is JSON.stringify'd (a JsonText is its text already). */
  put(key: CacheKey, body: unknown): void;
  /** A body stored as bytes by putBytes (a binary encoding of the caller's own); absent: not kept. */
  getBytes?(key: CacheKey): Uint8Array | undefined;
  /** The caller gives `bytes` up: they may be sealed later, in another thread. */
  putBytes?(key: CacheKey, bytes: Uint8Array): void;
  /** False when the cache certainly holds no entry of `unit` (a first run, a new build). */
  mayHold?(unit: string): boolean;
  /**
   * A hint that the run will write many entries (a cold run of a large repository): a cache
   * that writes in a helper thread starts it now. Changes nothing a run reads or writes.
   */
  expectWrites?(): void;
  /** Where another thread opens this cache (a DiskRenderCache there); none: it cannot. */
  shared?(): SharedCacheLocation;
  readonly stats: RenderCacheStats;
}

/** A disk cache as a render worker opens it: the directory and the code identity. */
export interface SharedCacheLocation {
  dir: string;
  code: string;
}

export interface DiskRenderCacheOptions {
  /**
   * Entries written by a helper thread (background-writes.ts) instead of in the caller's
   * thread; reads, listings and the end of the process wait for them. The commands' cache
   * (defaultRenderCache) does; tests that look at entry files as soon as a run ends do not.
   */
  background?: boolean;
  /**
   * A unit directory found absent holds, for this cache, only what caches of this thread write
   * there afterwards (see absentUnitDirs): the commands' cache, whose run does not wait for other
   * processes' entries. Making such a cache forgets what the previous one found.
   */
  memoAbsentUnits?: boolean;
  /**
   * The directory holding the code identity directories: by default `<cacheDir>/renders`. The
   * chart cache keeps what it derives from archives under its own (src/charts/derived.ts), so
   * emptying the render cache leaves it.
   */
  root?: string;
}

export class DiskRenderCache implements RenderCache {
  readonly stats: RenderCacheStats = { hits: 0, misses: 0, writes: 0, rejected: 0 };
  private known?: string;
  private readonly background: boolean;
  private readonly memoAbsentUnits: boolean;
  private readonly root: string;
  /** `<dir>/<unit>` by unit: a warm run names a few hundred entries of a handful of units. */
  private readonly unitDirs = new Map<string, string>();
  /** Units mayHold found a directory of. */
  private readonly heldUnits = new Set<string>();

  /** `code`: the code identity; by default the running code's, hashed on first use only (a run without HelmReleases never pays for it). */
  constructor(
    private readonly cacheDir: string,
    code?: string,
    opts: DiskRenderCacheOptions = {},
  ) {
    this.known = code;
    this.background = opts.background === true;
    this.memoAbsentUnits = opts.memoAbsentUnits === true;
    this.root = opts.root ?? rendersDir(cacheDir);
    if (this.memoAbsentUnits) absentUnitDirs.clear();
  }

  private get code(): string {
    this.known ??= codeIdentity(this.cacheDir);
    return this.known;
  }

  /** `<root>/<code prefix>` (root: `<cacheDir>/renders` unless given). */
  get dir(): string {
    return path.join(this.root, this.code.slice(0, 16));
  }

  key(unit: string, inputs: string): CacheKey {
    // One-shot digests (crypto.hash): most inputs are short, and a Hash object costs more than
    // hashing them; the bytes hashed are those of the prefix followed by the inputs.
    const digest = (purpose: string, encoding: "hex" | "buffer") =>
      hash("sha256", `slipway-cache ${FORMAT} ${purpose}\0${this.code}\0${unit}\0${inputs}`, encoding);
    return { unit, id: digest("name", "hex") as string, seal: digest("seal", "buffer") as unknown as Buffer };
  }

  expectWrites(): void {
    if (this.background) startWriter();
  }

  shared(): SharedCacheLocation {
    return { dir: this.cacheDir, code: this.code };
  }

  mayHold(unit: string): boolean {
    // Asked once per Flux Kustomization: a unit directory seen once is remembered (true is
    // always a safe answer; entries are only removed by `slipway cache`, never during a run).
    if (this.heldUnits.has(unit)) return true;
    const dir = path.join(this.dir, unit);
    const held = postedUnder(dir) || fs.existsSync(dir);
    if (held) this.heldUnits.add(unit);
    // Found absent as a read finds it (absentUnitDirs): a caller that skips its lookup on this
    // answer and then writes (check-source-lines' first file) would otherwise leave the unit
    // unknown, and every later miss there cost a stat (~120 in a cold check of bjw-s home-ops).
    else if (this.memoAbsentUnits && !absentUnitDirs.has(dir)) absentUnitDirs.set(dir, new Set());
    return held;
  }

  /** The entry's file (exported for tests that damage entries). */
  file(key: CacheKey): string {
    // No fan-out below the unit (git's <kk>/ directories): a cold check of bjw-s home-ops made
    // ~430 of them for ~600 entries, ~100 ms of system time creating directories, and a unit's
    // directory holds far fewer entries than ext4's, APFS's or NTFS's indexed directories serve well.
    let unitDir = this.unitDirs.get(key.unit);
    if (unitDir === undefined) {
      unitDir = path.join(this.dir, key.unit);
      this.unitDirs.set(key.unit, unitDir);
    }
    // path.join's answer: the id is hex, so it needs no normalising.
    return /^[0-9a-f]{2,}$/.test(key.id)
      ? `${unitDir}${path.sep}${key.id}.json`
      : path.join(unitDir, `${key.id}.json`);
  }

  get(key: CacheKey): unknown | undefined {
    return this.read(key, (plain) => parseBody(plain.toString("utf8")));
  }

  getBytes(key: CacheKey): Uint8Array | undefined {
    return this.read(key, (plain) => plain);
  }

  /** The entry's body through `decode`; a miss when absent, and a rejected miss when untrusted. */
  private read<T>(key: CacheKey, decode: (plain: Buffer) => T): T | undefined {
    let bytes: Buffer;
    const file = this.file(key);
    awaitWrite(file);
    // An absent entry is a miss without a failed open: Node builds an error and its stack for
    // each one, and a cold check of bjw-s home-ops looks for ~300 entries that are not there.
    // (An entry written between this and the open is only a miss, as it would be a moment earlier.)
    if ((this.memoAbsentUnits && surelyAbsent(this.unitDirs.get(key.unit)!, file)) || absent(file)) {
      this.stats.misses++;
      return undefined;
    }
    try {
      bytes = readAndTouch(file);
    } catch (e) {
      // Absent is a miss; anything else at the name (a FIFO, a directory) is an untrusted entry.
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") this.stats.rejected++;
      this.stats.misses++;
      return undefined;
    }
    let body: T | undefined;
    try {
      const plain = openEntry(bytes, key);
      body = plain === undefined ? undefined : decode(plain);
    } catch {
      body = undefined;
    }
    if (body === undefined) {
      this.stats.rejected++;
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    return body;
  }

  put(key: CacheKey, body: unknown): void {
    this.write(key, body instanceof JsonText ? body.parts : JSON.stringify(body));
  }

  putBytes(key: CacheKey, bytes: Uint8Array): void {
    this.write(key, bytes);
  }

  /**
   * Seals `plain` (a string is its UTF-8 bytes) into an entry and writes it; in the background,
   * the writer thread seals it (the caller gives bytes up).
   */
  private write(key: CacheKey, plain: SealInput["plain"]): void {
    const seal = { id: key.id, key: key.seal, iv: nextIv(), plain };
    const file = this.file(key);
    absentUnitDirs.get(this.unitDirs.get(key.unit)!)?.add(file);
    if (this.background && writeInBackground(file, FORMAT, seal, 0o600)) {
      this.stats.writes++;
      return;
    }
    const entry = sealEntry(crypto, FORMAT, seal);
    try {
      // A queued write of the same entry lands first, so this one is the last word.
      awaitWrite(file);
      writeFileAtomic(file, entry, { mode: 0o600 });
      this.stats.writes++;
    } catch {
      // A cache that cannot be written (read-only home, full disk) only costs speed.
    }
  }
}

/**
 * GCM's IVs: a random 96-bit value drawn once per process, its low 32 bits XORed with a count of
 * the entries sealed (NIST SP 800-38D's fixed field and invocation field, the fixed field random).
 * No IV repeats within a process, and two processes share one only by a 2^-64 chance, as with an
 * IV drawn per entry; drawing one per entry cost a cold check ~600 calls into the random source.
 */
let ivBase: Buffer | undefined;
let ivCount = 0;

function nextIv(): Buffer {
  ivBase ??= randomFillSync(Buffer.alloc(IV_BYTES));
  if (ivCount === 0xffffffff) {
    ivBase = randomFillSync(Buffer.alloc(IV_BYTES));
    ivCount = 0;
  }
  const iv = Buffer.from(ivBase);
  iv.writeUInt32BE((iv.readUInt32BE(IV_BYTES - 4) ^ ++ivCount) >>> 0, IV_BYTES - 4);
  return iv;
}

/**
 * Unit directories found absent by a read, each with the entries written there since through a
 * cache of this thread: only those can be there, so a read of another entry misses without a
 * stat. A cold check of bjw-s home-ops looks for ~470 entries that are not there, in a handful
 * of units, and a stat cost ~45 µs on a busy machine (~20 ms in all). What another thread or
 * process writes meanwhile is missed, as an entry written a moment after its read would be: a
 * miss costs a render, never a different output. Only caches made with `memoAbsentUnits` use
 * it; making one starts afresh.
 */
const absentUnitDirs = new Map<string, Set<string>>();

/** True when `file` (in unit directory `dir`) cannot be there: see absentUnitDirs. */
function surelyAbsent(dir: string, file: string): boolean {
  const written = absentUnitDirs.get(dir);
  if (written !== undefined) return !written.has(file);
  if (postedUnder(dir) || !absent(dir)) return false;
  absentUnitDirs.set(dir, new Set());
  return true;
}

/** True when nothing is at `file` (ENOENT); any other answer is the read's to judge. */
function absent(file: string): boolean {
  try {
    return fs.statSync(file, { throwIfNoEntry: false }) === undefined;
  } catch {
    return false;
  }
}

/** A day: entries read within it are not touched again (one write per entry per day at most). */
const TOUCH_AFTER_MS = 24 * 3600 * 1000;

/**
 * The file's bytes; its modification time becomes "now" when it is older than a day, so that
 * `slipway cache prune --older-than DAYS` removes what no run has used lately.
 */
function readAndTouch(file: string): Buffer {
  return readRegularFile(file, (fd, st) => {
    if (Date.now() - st.mtimeMs > TOUCH_AFTER_MS) {
      try {
        const now = new Date();
        fs.futimesSync(fd, now, now);
      } catch {
        // a read-only cache still serves
      }
    }
  });
}

/**
 * The plaintext body of an entry whose header names `key` and its size and which opens with the
 * key's seal (GCM's tag authenticates every byte); else undefined.
 */
function openEntry(bytes: Buffer, key: CacheKey): Buffer | undefined {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) return undefined;
  try {
    const header = JSON.parse(bytes.subarray(0, nl).toString("utf8")) as Record<string, unknown>;
    const sealed = bytes.subarray(nl + 1);
    if (header["slipway-cache"] !== FORMAT || header.key !== key.id || header.bytes !== sealed.length)
      return undefined;
    if (sealed.length < IV_BYTES + TAG_BYTES) return undefined;
    const decipher = createDecipheriv("aes-256-gcm", key.seal, sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plain = decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES));
    // final() checks the tag (it throws on a forged entry) and, GCM being a stream mode, adds no
    // bytes: the plain text is used as it is, not copied once more (kube-prometheus-stack's parse
    // entry is 2.8 MB: ~0.5 ms of each helm template).
    const rest = decipher.final();
    return rest.length === 0 ? plain : Buffer.concat([plain, rest]);
  } catch {
    return undefined;
  }
}

export function rendersDir(cacheDir: string): string {
  return path.join(cacheDir, "renders");
}

/** What `slipway cache` reports: entries and bytes per code identity directory. */
export function cacheUsage(
  cacheDir: string,
  root: string = rendersDir(cacheDir),
): Array<{ code: string; entries: number; bytes: number; current: boolean }> {
  flushWrites();
  if (!fs.existsSync(root)) return [];
  const current = codeIdentity(cacheDir).slice(0, 16);
  return fs
    .readdirSync(root)
    .sort()
    .map((code) => {
      let entries = 0;
      let bytes = 0;
      const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const abs = path.join(dir, e.name);
          if (e.isDirectory()) walk(abs);
          else if (e.isFile()) {
            entries++;
            bytes += fs.statSync(abs).size;
          }
        }
      };
      walk(path.join(root, code));
      return { code, entries, bytes, current: code === current };
    });
}

/**
 * Removes the entries of every other build and this build's entries no run has read for
 * `olderThanDays` (`prune`), or every entry (`clear`). Returns the number of entries removed.
 * `root`: another store's root (DiskRenderCacheOptions.root), by default the render cache's.
 */
export function removeRenders(
  cacheDir: string,
  which: "prune" | "clear",
  olderThanDays = 30,
  now: number = Date.now(),
  root: string = rendersDir(cacheDir),
): number {
  flushWrites();
  if (!fs.existsSync(root)) return 0;
  const current = codeIdentity(cacheDir).slice(0, 16);
  const cutoff = now - olderThanDays * 24 * 3600 * 1000;
  let removed = 0;
  const walk = (dir: string, stale: (f: string) => boolean) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs, stale);
      else if (stale(abs)) {
        fs.rmSync(abs, { force: true });
        removed++;
      }
    }
  };
  for (const code of fs.readdirSync(root)) {
    const dir = path.join(root, code);
    if (which === "prune" && code === current) {
      walk(dir, (f) => fs.statSync(f).mtimeMs < cutoff);
      continue;
    }
    walk(dir, () => true);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return removed;
}
