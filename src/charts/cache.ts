/**
 * The chart cache: chart archives stored by content, and what each (source, chart, version)
 * points at. `render`, `check` and `diff` read it and never touch the network; `slipway charts
 * pull` and `charts add` fill it.
 *
 * Layout under the cache directory (the `charts/` prefix leaves room for other caches):
 *
 *     charts/blobs/sha256/<hex>              the archive bytes, named by their sha256
 *     charts/refs/<key>.json                 { source, name, version, digest, size }
 *     charts/versions/<key>.json             { source, name, versions, fetched }  (last index/tag list)
 *
 * `<key>` is the sha256 of the identifying strings, so URLs and versions with any characters
 * (`+` build metadata, ports, paths) map to safe file names. A source's credentials (a
 * `user:TOKEN@` userinfo, a `?token=` parameter) are neither stored nor hashed: a cache is read
 * by whoever reads the runner's disk or the CI cache it is saved to, and a hash would let them
 * confirm a guessed password. Both the key and the record take the source with each credential
 * shown as `***` (storedSource): the credentials pick who may read a location, not what it holds,
 * so the same chart fetched with another token is the same entry. Entries written before with
 * them are rewritten without (clear-sources.ts). A chart fetched through a slipway.yaml
 * `charts.mirrors` entry is keyed by the mirrors too (ChartRef.mirroredBy): the mirror list comes
 * with the repository, so a pull request's mirror must not fill the entry its base branch reads
 * from a cache CI shares. Every write is atomic (temp file in the same directory, then rename),
 * so a reader sees the old entry or the whole new one. Reads
 * verify the archive's digest: a corrupted or truncated entry is a CacheError naming the file
 * and the command that repairs it, never a crash or a silently wrong chart.
 *
 * Like Helm's own cache (helm pull --repository-cache) and Flux's source-controller storage,
 * identity is the chart's location and version; unlike them, the bytes are content-addressed, so
 * the same archive seeded under two mirrors is stored once.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultCacheDir } from "../cache/location.js";
import type { RenderCache } from "../cache/store.js";
import { sha256HexOf } from "../fs/bytes-digest.js";
import { readRegularFile } from "../fs/read-regular.js";
import { redactUrl } from "../url-credentials.js";
import {
  type CachedChart,
  CacheError,
  type ChartRef,
  decodeRecord,
  encodeRecord,
  encodeVersions,
  listEntries,
  REPAIR,
  readEntry,
  writeEntry,
} from "./cache-entries.js";
import { ClearSourcesSweep } from "./clear-sources.js";
import { chartDerivedStore } from "./derived.js";
import { canonicalSource, legacySource, storedSource } from "./source-url.js";

export { type CachedChart, CacheError, type ChartRef } from "./cache-entries.js";
export { canonicalSource, storedSource } from "./source-url.js";

/** $SLIPWAY_CACHE_DIR, else $XDG_CACHE_HOME/slipway, else ~/.cache/slipway (src/cache/location.ts). */
export { defaultCacheDir };

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export interface ChartCacheOptions {
  /** Keep what renders derive from the archives (derived.ts); off with the render cache (--no-cache). */
  derived?: boolean;
  /**
   * The code identity the derived store's entries are named by (src/cache/code-identity.ts);
   * default: the running code's. A benchmark that seeds a cache from dist/'s module tree for
   * the CLI bundle (the same sources) names the bundle's.
   */
  derivedCode?: string;
}

export class ChartCache {
  readonly dir: string;
  private derivedStore?: RenderCache;
  private readonly keepsDerived: boolean;
  private readonly derivedCode?: string;
  private readonly clearSources: ClearSourcesSweep;

  constructor(dir: string = defaultCacheDir(), opts: ChartCacheOptions = {}) {
    this.dir = path.resolve(dir);
    this.keepsDerived = opts.derived !== false;
    if (opts.derivedCode !== undefined) this.derivedCode = opts.derivedCode;
    this.clearSources = new ClearSourcesSweep(this.root, {
      refFile: (ref) => this.refFile(ref),
      versionsFile: (source, name) => this.versionsFile(source, name),
    });
  }

  private get root(): string {
    return path.join(this.dir, "charts");
  }

  private refFile(ref: ChartRef, source = storedSource(ref.source)): string {
    const key = sha256Hex(`${source}\n${ref.name}\n${ref.version}${mirroredKey(ref.mirroredBy)}`);
    return path.join(this.root, "refs", `${key}.json`);
  }

  private versionsFile(
    source: string,
    name: string,
    mirroredBy?: string,
    stored = storedSource(source),
  ): string {
    return path.join(
      this.root,
      "versions",
      `${sha256Hex(`${stored}\n${name}${mirroredKey(mirroredBy)}`)}.json`,
    );
  }

  /**
   * Rewrites or drops the entries holding a source's credentials in the clear (clear-sources.ts);
   * `slipway cache` runs it. Returns how many entries were rewritten or removed.
   */
  scrubClearSources(): number {
    return this.clearSources.sweep();
  }

  blobFile(digest: string): string {
    const hex = digest.replace(/^sha256:/, "");
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new CacheError(`malformed digest '${digest}'`, this.root);
    return path.join(this.root, "blobs", "sha256", hex);
  }

  /**
   * The cached record of `ref` (digest and size) without reading the archive, or undefined. A
   * chart the mirrors `ref` names did not serve is read as fetched from its source, when it was
   * (or `charts add` stored it so): a mirror serves the source's charts, and those are the
   * source's whoever runs.
   */
  lookup(ref: ChartRef): CachedChart | undefined {
    const own = this.lookupEntry(ref);
    if (own !== undefined || ref.mirroredBy === undefined) return own;
    return this.lookupEntry({ source: ref.source, name: ref.name, version: ref.version });
  }

  private lookupEntry(ref: ChartRef): CachedChart | undefined {
    this.clearSources.once();
    const file = this.refFile(ref);
    const legacy = ref.mirroredBy === undefined ? legacySource(ref.source) : undefined;
    const text = this.clearSources.readOrMigrate(file, legacy && this.refFile(ref, legacy), (old) =>
      encodeRecord({ ...decodeRecord(old, file), source: storedSource(ref.source) }),
    );
    if (text === undefined) return undefined;
    const record = decodeRecord(text, file);
    // The key holds the mirrors; a record that says otherwise (a version spelled with the key's
    // separators) is another entry's.
    return record.mirroredBy === ref.mirroredBy ? record : undefined;
  }

  /**
   * The recorded sha256 of `ref`'s archive when its blob is present at the recorded size, without
   * reading the blob: the chart's identity for a render cache, which then never loads a chart
   * whose renders it holds. Undefined when not cached or the blob is missing or of another size
   * (getArchive then says what is wrong); the bytes are verified whenever they are read.
   */
  archiveDigest(ref: ChartRef): string | undefined {
    const record = this.lookup(ref);
    if (!record) return undefined;
    try {
      return fs.statSync(this.blobFile(record.digest)).size === record.size ? record.digest : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The archive of `ref`, or undefined when it is not cached. Verified against its sha256 on
   * every read; a mismatch, a missing blob or a malformed record throws CacheError.
   */
  getArchive(ref: ChartRef): Uint8Array | undefined {
    const record = this.lookup(ref);
    if (!record) return undefined;
    const blob = this.blobFile(record.digest);
    let bytes: Buffer;
    try {
      bytes = readRegularFile(blob);
    } catch (e) {
      throw new CacheError(
        `cached archive of ${describeRef(ref)} is missing (${(e as NodeJS.ErrnoException).code ?? e}); ${REPAIR}`,
        blob,
      );
    }
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Remembered by the array handed over (bytes-digest.ts): the chart loader keys the archive by
    // the same digest, and these bytes are never written to.
    const actual = `sha256:${sha256HexOf(view)}`;
    if (actual !== record.digest) {
      throw new CacheError(
        `cached archive of ${describeRef(ref)} is corrupted: digest ${actual}, expected ${record.digest}; ${REPAIR}`,
        blob,
      );
    }
    return view;
  }

  /** Stores the archive and points `ref` at it. Returns its digest ("sha256:<hex>"). */
  putArchive(ref: ChartRef, bytes: Uint8Array): string {
    this.clearSources.once();
    const digest = `sha256:${sha256Hex(bytes)}`;
    const blob = this.blobFile(digest);
    if (!blobIntact(blob, digest)) writeEntry(blob, bytes);
    const record: CachedChart = {
      source: storedSource(ref.source),
      name: ref.name,
      version: ref.version,
      digest,
      size: bytes.byteLength,
      ...(ref.mirroredBy !== undefined ? { mirroredBy: ref.mirroredBy } : {}),
    };
    writeEntry(this.refFile(ref), encodeRecord(record));
    const legacy = ref.mirroredBy === undefined ? legacySource(ref.source) : undefined;
    if (legacy !== undefined) fs.rmSync(this.refFile(ref, legacy), { force: true });
    this.clearSources.keepMark();
    return digest;
  }

  /**
   * What renders derive from the cached archives (their facts, their parsed crds/), keyed by an
   * archive's digest and the running code (derived.ts): one store per chart cache; none when
   * the cache was made without (ChartCacheOptions.derived).
   */
  derived(): RenderCache | undefined {
    if (!this.keepsDerived) return undefined;
    this.derivedStore ??= chartDerivedStore(this.dir, this.derivedCode);
    return this.derivedStore;
  }

  /**
   * The versions seen in the last index.yaml / tag list of this chart fetched through the mirrors
   * `mirroredBy` names (mirrors.ts mirroredBy), else from its source; undefined when none was.
   */
  knownVersions(source: string, name: string, mirroredBy?: string): string[] | undefined {
    const own = this.versionsEntry(source, name, mirroredBy);
    return own !== undefined || mirroredBy === undefined ? own : this.versionsEntry(source, name);
  }

  private versionsEntry(source: string, name: string, mirroredBy?: string): string[] | undefined {
    this.clearSources.once();
    const file = this.versionsFile(source, name, mirroredBy);
    const legacy = mirroredBy === undefined ? legacySource(source) : undefined;
    const text = this.clearSources.readOrMigrate(
      file,
      legacy && this.versionsFile(source, name, undefined, legacy),
      (old) => encodeVersions(source, name, (JSON.parse(old) as { versions?: unknown }).versions),
    );
    if (text === undefined) return undefined;
    try {
      const v = JSON.parse(text) as { versions?: unknown };
      if (Array.isArray(v.versions) && v.versions.every((x) => typeof x === "string")) return v.versions;
    } catch {
      // reported below
    }
    throw new CacheError(`malformed version list; ${REPAIR}`, file);
  }

  putVersions(source: string, name: string, versions: string[], mirroredBy?: string): void {
    this.clearSources.once();
    writeEntry(
      this.versionsFile(source, name, mirroredBy),
      encodeVersions(source, name, versions, mirroredBy),
    );
    const legacy = mirroredBy === undefined ? legacySource(source) : undefined;
    if (legacy !== undefined) fs.rmSync(this.versionsFile(source, name, undefined, legacy), { force: true });
    this.clearSources.keepMark();
  }

  /**
   * Every cached (source, chart, version), sorted. Digests are not re-verified here; an entry
   * that is no record is a CacheError naming it.
   */
  list(): CachedChart[] {
    this.clearSources.once();
    const dir = path.join(this.root, "refs");
    const out = listEntries(dir).map((n) => {
      const file = path.join(dir, n);
      return decodeRecord(readEntry(file) ?? "", file);
    });
    return out.sort(
      (a, b) =>
        cmp(a.source, b.source) ||
        cmp(a.name, b.name) ||
        cmp(a.version, b.version) ||
        cmp(a.mirroredBy ?? "", b.mirroredBy ?? "") ||
        cmp(a.digest, b.digest),
    );
  }
}

export function describeRef(ref: ChartRef): string {
  const src = redactUrl(canonicalSource(ref.source));
  const loc = src.startsWith("oci://") && src.endsWith(`/${ref.name}`) ? src : `${src} ${ref.name}`;
  return `${loc}@${ref.version}`;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The part of an entry's key naming the mirrors that served it; empty for a chart fetched from
 * its source, so the keys of such entries are those Slipway always wrote.
 */
function mirroredKey(mirroredBy: string | undefined): string {
  return mirroredBy === undefined ? "" : `\nmirrored by\n${mirroredBy}`;
}

function blobIntact(file: string, digest: string): boolean {
  try {
    return `sha256:${sha256Hex(readRegularFile(file))}` === digest;
  } catch {
    return false;
  }
}
