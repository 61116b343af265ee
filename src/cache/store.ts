/**
 * The render cache on disk, beside the chart cache (src/charts/cache.ts):
 *
 *     renders/<code>/<unit>/<name>.pack     entries of one unit a run wrote (pack.ts)
 *
 * `<code>` is the first 16 hex digits of the running code's identity (code-identity.ts), so
 * entries of other builds sit in other directories and `slipway cache prune` removes them
 * whole. An entry's id is the sha256 of everything the unit's output depends on (the identity
 * included in full); a pack's index finds it by that id. Each entry is a header line
 * `{"slipway-cache":2,"key":…,"bytes":…}` naming its format, it and its size, then the sealed body, whose
 * GCM tag authenticates every byte: an entry that is truncated, corrupted, or stored under
 * another name is treated as absent (and written again by the run that misses), never trusted;
 * so is a pack whose index does not read.
 *
 * Bodies are encrypted (AES-256-GCM) with a key derived from the unit's inputs by another hash
 * than the id: the cache directory alone says nothing about a rendered object — a chart's
 * generated Secret included — that its inputs did not already say, and a reader without the
 * inputs learns nothing. (Units whose inputs hold secret material are never cached at all;
 * see src/platform/release-cache.ts.)
 *
 * Packs are written atomically under names no other pack had (temp file + rename), and never
 * changed: two processes writing at once write two packs, and a reader sees a whole pack or
 * none. Pack writes, and how packs stay few, are pack-writes.ts's.
 */
import { createDecipheriv, hash, randomFillSync } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { codeIdentity } from "./code-identity.js";
import { closePack, listPacks, PACK_SUFFIX, type PackIndex, readPackEntry, readPackIndex } from "./pack.js";
import {
  flushWrites,
  noteRead,
  packsWritten,
  pendingEntry,
  pendingUnder,
  queueEntry,
  writePack,
} from "./pack-writes.js";
import { type SealInput, sealEntry } from "./seal.js";
import { asciiJson, entryText, JsonText, parseBody } from "./value-codec.js";

/**
 * The entries' format, in every key's derivation and in each entry's header: an entry of another
 * format is refused (a miss, written again). 2: a post-processed Flux build's entry holds its
 * read sets (src/platform/build-cache.ts), where a read manifest and the build's output entry
 * named it. 3: a tagged map may hold the texts its scalars were written with (value-codec.ts).
 */
const FORMAT = 3;
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
  /**
   * `body` is JSON.stringify'd (a JsonText is its text already); a disk cache writes the text
   * in ASCII (asciiJson).
   */
  put(key: CacheKey, body: unknown): void;
  /** A body stored as bytes by putBytes (a binary encoding of the caller's own); absent: not kept. */
  getBytes?(key: CacheKey): Uint8Array | undefined;
  /** The caller gives `bytes` up: they may be sealed later, in another thread. */
  putBytes?(key: CacheKey, bytes: Uint8Array): void;
  /** False when the cache certainly holds no entry of `unit` (a first run, a new build). */
  mayHold?(unit: string): boolean;
  /** Where another thread opens this cache (a DiskRenderCache there); none: it cannot. */
  shared?(): SharedCacheLocation;
  readonly stats: RenderCacheStats;
}

/** A disk cache as a render worker opens it: the directory and the code identity. */
export interface SharedCacheLocation {
  dir: string;
  code: string;
  /** Where its entries live when not under `<dir>/renders` (the chart cache's derived store). */
  root?: string;
}

export interface DiskRenderCacheOptions {
  /**
   * Entries kept in memory and written as one pack per unit when the process exits or
   * flushWrites is called (pack-writes.ts), instead of a pack per entry at once. The commands'
   * cache (defaultRenderCache) and the render workers' do; tests that look at packs as soon as
   * an entry is put do not.
   */
  deferWrites?: boolean;
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

/** A unit directory's packs as this cache last listed them. */
interface UnitPacks {
  /** Every pack file listed, trusted or not. */
  listed: Set<string>;
  /** The trusted ones, newest name first. */
  packs: PackIndex[];
  /** Packs listed that are not packs (see pack.ts's readPackIndex). */
  untrusted: number;
  /** packsWritten() when listed. */
  written: number;
}

export class DiskRenderCache implements RenderCache {
  readonly stats: RenderCacheStats = { hits: 0, misses: 0, writes: 0, rejected: 0 };
  private known?: string;
  private readonly deferWrites: boolean;
  private readonly memoAbsentUnits: boolean;
  private readonly root: string;
  /** `<dir>/<unit>` by unit: a warm run names a few hundred entries of a handful of units. */
  private readonly unitDirs = new Map<string, string>();
  /** Units mayHold found a directory of. */
  private readonly heldUnits = new Set<string>();
  /** Unit directories' packs, by directory. */
  private readonly unitPacks = new Map<string, UnitPacks>();

  /** `code`: the code identity; by default the running code's, hashed on first use only (a run without HelmReleases never pays for it). */
  constructor(
    private readonly cacheDir: string,
    code?: string,
    opts: DiskRenderCacheOptions = {},
  ) {
    this.known = code;
    this.deferWrites = opts.deferWrites === true;
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
    const code = this.code;
    const digest = (purpose: string, text: string, encoding: "hex" | "buffer") =>
      hash("sha256", `slipway-cache ${FORMAT} ${purpose}\0${code}\0${unit}\0${text}`, encoding);
    // The seal is derived when an entry is opened or sealed: a warm load names most of its keys
    // for their id alone (a build's output key names its post-processed entry; bjw-s home-ops'
    // head load derived ~100 seals it never used, each a digest of a whole Kustomization spec).
    // The inputs are let go once it is derived: a key kept for later does not keep them.
    let seal: Buffer | undefined;
    let pending: string | undefined = inputs;
    return {
      unit,
      id: digest("name", inputs, "hex") as string,
      get seal(): Buffer {
        if (seal === undefined) {
          seal = digest("seal", pending!, "buffer") as unknown as Buffer;
          pending = undefined;
        }
        return seal;
      },
    };
  }

  shared(): SharedCacheLocation {
    const root = this.root === rendersDir(this.cacheDir) ? undefined : this.root;
    return { dir: this.cacheDir, code: this.code, ...(root ? { root } : {}) };
  }

  mayHold(unit: string): boolean {
    // Asked once per Flux Kustomization: a unit directory seen once is remembered (true is
    // always a safe answer; a unit directory is only removed by `slipway cache`).
    if (this.heldUnits.has(unit)) return true;
    const dir = this.unitDir(unit);
    const held = pendingUnder(dir) || fs.existsSync(dir);
    if (held) this.heldUnits.add(unit);
    // Found absent as a read finds it (absentUnitDirs): a caller that skips its lookup on this
    // answer and then writes (check-source-lines' first file) would otherwise leave the unit
    // unknown, and every later miss there cost a stat (~120 in a cold check of bjw-s home-ops).
    else if (this.memoAbsentUnits && !absentUnitDirs.has(dir)) absentUnitDirs.set(dir, new Set());
    return held;
  }

  /** `<dir>/<unit>`: the unit's packs (exported for tests that damage them). */
  unitDir(unit: string): string {
    let dir = this.unitDirs.get(unit);
    if (dir === undefined) {
      dir = path.join(this.dir, unit);
      this.unitDirs.set(unit, dir);
    }
    return dir;
  }

  get(key: CacheKey): unknown | undefined {
    return this.read(key, (plain) => parseBody(entryText(plain)));
  }

  getBytes(key: CacheKey): Uint8Array | undefined {
    return this.read(key, (plain) => plain);
  }

  /** The entry's body through `decode`; a miss when absent, and a rejected miss when untrusted. */
  private read<T>(key: CacheKey, decode: (plain: Buffer) => T): T | undefined {
    const dir = this.unitDir(key.unit);
    const queued = pendingEntry(dir, key.id);
    if (queued !== undefined) {
      this.stats.hits++;
      return decode(plainBytes(queued.plain));
    }
    // An absent unit is a miss without a listing: a cold check of bjw-s home-ops looks for
    // ~470 entries that are not there. (Packs written after this are only a miss, as they
    // would be a moment earlier.)
    if (this.memoAbsentUnits && surelyAbsent(dir, key.id)) {
      this.stats.misses++;
      return undefined;
    }
    let found = this.unitPacks.get(dir);
    if (found !== undefined && found.written !== packsWritten()) found = this.list(dir, found);
    let rejected = false;
    // Listed again when the entry is not in the packs listed before: another process (a render
    // worker) may have written it since.
    for (const fresh of found === undefined ? [true] : [false, true]) {
      if (fresh) found = this.list(dir, found);
      const unit = found!;
      for (const pack of unit.packs) {
        const slot = pack.entries.get(key.id);
        if (slot === undefined) continue;
        // Gone since it was listed (another run's eviction, a prune): a miss.
        const bytes = readPackEntry(pack, slot);
        if (bytes === undefined) continue;
        let body: T | undefined;
        try {
          const plain = openEntry(bytes, key);
          body = plain === undefined ? undefined : decode(plain);
        } catch {
          body = undefined;
        }
        if (body === undefined) {
          rejected = true;
          continue;
        }
        touchPack(pack);
        if (this.deferWrites) noteRead(dir, key.id, pack, slot);
        this.stats.hits++;
        return body;
      }
      if (unit.untrusted > 0) rejected = true;
    }
    if (rejected) this.stats.rejected++;
    this.stats.misses++;
    return undefined;
  }

  /** `dir`'s packs: those of `known` and the new ones the directory lists now. */
  private list(dir: string, known: UnitPacks | undefined): UnitPacks {
    const unit: UnitPacks = known ?? { listed: new Set(), packs: [], untrusted: 0, written: 0 };
    unit.written = packsWritten();
    const added: PackIndex[] = [];
    const files = listPacks(dir);
    if (files === undefined) unit.untrusted++;
    for (const file of files ?? []) {
      if (unit.listed.has(file)) continue;
      unit.listed.add(file);
      const pack = readPackIndex(file);
      if (pack === "untrusted") unit.untrusted++;
      else if (pack !== "absent") added.push(pack);
    }
    if (added.length > 0) {
      unit.packs.push(...added);
      // Newest first: the pack a run wrote last holds what it used (pack-writes.ts).
      unit.packs.sort((a, b) => (a.file < b.file ? 1 : -1));
    }
    this.unitPacks.set(dir, unit);
    return unit;
  }

  put(key: CacheKey, body: unknown): void {
    this.write(key, body instanceof JsonText ? body.parts.map(asciiJson) : asciiJson(JSON.stringify(body)));
  }

  putBytes(key: CacheKey, bytes: Uint8Array): void {
    this.write(key, bytes);
  }

  /**
   * Seals `plain` (a string is its UTF-8 bytes) into an entry: kept for the run's pack, or
   * written at once as a pack of its own.
   */
  private write(key: CacheKey, plain: SealInput["plain"]): void {
    const seal = { id: key.id, key: key.seal, iv: nextIv(), plain };
    const dir = this.unitDir(key.unit);
    absentUnitDirs.get(dir)?.add(key.id);
    this.stats.writes++;
    if (this.deferWrites) queueEntry(dir, FORMAT, seal);
    else writePack(dir, [{ id: key.id, bytes: sealEntry(FORMAT, seal) }]);
  }
}

/** A pending entry's plaintext as bytes (a copy: the caller may reuse what it is given). */
function plainBytes(plain: SealInput["plain"]): Buffer {
  if (typeof plain === "string") return Buffer.from(plain, "utf8");
  if (plain instanceof Uint8Array) return Buffer.from(plain);
  return Buffer.from(plain.join(""), "utf8");
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
 * Unit directories found absent by a read, each with the ids of the entries written there
 * since through a cache of this thread: only those can be there, so a read of another entry
 * misses without a listing. A cold check of bjw-s home-ops looks for ~470 entries that are not
 * there, in a handful of units. What another thread or process writes meanwhile is missed, as
 * an entry written a moment after its read would be: a miss costs a render, never a different
 * output. Only caches made with `memoAbsentUnits` use it; making one starts afresh.
 */
const absentUnitDirs = new Map<string, Set<string>>();

/** True when entry `id` cannot be in unit directory `dir`: see absentUnitDirs. */
function surelyAbsent(dir: string, id: string): boolean {
  const written = absentUnitDirs.get(dir);
  if (written !== undefined) return !written.has(id);
  if (pendingUnder(dir) || !absent(dir)) return false;
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

/** A day: packs read within it are not touched again (one write per pack per day at most). */
const TOUCH_AFTER_MS = 24 * 3600 * 1000;

/**
 * Makes the pack's modification time "now" when it is older than a day, so that `slipway
 * cache prune --older-than DAYS` and the eviction of packs (pack-writes.ts) remove what no run
 * has used lately.
 */
function touchPack(pack: PackIndex): void {
  const now = Date.now();
  if (now - pack.mtimeMs <= TOUCH_AFTER_MS) return;
  pack.mtimeMs = now;
  try {
    fs.utimesSync(pack.file, new Date(now), new Date(now));
  } catch {
    // a read-only cache still serves; a pack removed since was read already
  }
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
      for (const unit of unitFiles(path.join(root, code))) {
        entries += entriesIn(unit.files).size;
        for (const f of unit.files) bytes += fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0;
      }
      return { code, entries, bytes, current: code === current };
    });
}

/**
 * Removes the entries of every other build and this build's packs no run has read for
 * `olderThanDays` (`prune`), or every entry (`clear`). Returns the number of entries removed
 * (entries still held by a pack that stays are not counted).
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
  for (const code of fs.readdirSync(root)) {
    const dir = path.join(root, code);
    const prune = which === "prune" && code === current;
    for (const unit of unitFiles(dir)) {
      const stale = prune
        ? unit.files.filter((f) => (fs.statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0) < cutoff)
        : unit.files;
      const kept = entriesIn(unit.files.filter((f) => !stale.includes(f)));
      for (const id of entriesIn(stale)) if (!kept.has(id)) removed++;
      for (const f of stale) {
        closePack(f);
        fs.rmSync(f, { recursive: true, force: true });
      }
    }
    if (!prune) fs.rmSync(dir, { recursive: true, force: true });
  }
  return removed;
}

/** A code directory's unit directories, each with its files (packs, and whatever else is there). */
function unitFiles(codeDir: string): Array<{ dir: string; files: string[] }> {
  const out: Array<{ dir: string; files: string[] }> = [];
  const walk = (dir: string) => {
    const files: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory() && !e.name.endsWith(PACK_SUFFIX)) walk(abs);
      else files.push(abs);
    }
    if (files.length > 0) out.push({ dir, files });
  };
  if (fs.existsSync(codeDir)) walk(codeDir);
  return out;
}

/**
 * The entries `files` hold: each pack's ids, and anything else (an entry file of the layout
 * before packs, a stray file) as one entry of its own.
 */
function entriesIn(files: readonly string[]): Set<string> {
  const ids = new Set<string>();
  for (const f of files) {
    const pack = f.endsWith(PACK_SUFFIX) ? readPackIndex(f) : "untrusted";
    if (pack === "absent") continue;
    if (pack === "untrusted") ids.add(`file:${f}`);
    else for (const id of pack.entries.keys()) ids.add(id);
  }
  return ids;
}
