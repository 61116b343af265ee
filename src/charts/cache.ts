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
 * so the same chart fetched with another token is the same entry. Entries written before, under
 * the key of the clear URL (by Slipway before 0b7c5b6, or by such a version sharing the cache
 * since), are rewritten without their credentials or dropped by a sweep of refs/ and versions/
 * the first time a process uses the cache after either folder changed (scrubClearSources), and
 * one met by its key before that is moved when read or written (migrated). Every write is atomic (temp file in
 * the same directory, then rename), so a reader sees the old entry or the whole new one. Reads
 * verify the archive's digest: a corrupted or truncated entry is a CacheError naming the file
 * and the command that repairs it, never a crash or a silently wrong chart.
 *
 * Like Helm's own cache (helm pull --repository-cache) and Flux's source-controller storage,
 * identity is the chart's location and version; unlike them, the bytes are content-addressed, so
 * the same archive seeded under two mirrors is stored once.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultCacheDir } from "../cache/location.js";
import type { RenderCache } from "../cache/store.js";
import { SlipwayError } from "../errors.js";
import { sha256HexOf } from "../fs/bytes-digest.js";
import { readRegularFile } from "../fs/read-regular.js";
import { redactUrl, redactUrlsIn } from "../url-credentials.js";
import { chartDerivedStore } from "./derived.js";

export interface ChartRef {
  /**
   * Canonical location: "https://charts.example.com/stable" (HelmRepository, no trailing "/"),
   * "oci://ghcr.io/org/charts" (HelmRepository of type oci; the chart is source + "/" + name),
   * "oci://ghcr.io/org/charts/podinfo" (OCIRepository url; name is its last path segment).
   */
  source: string;
  name: string;
  /** The exact resolved version. */
  version: string;
}

export interface CachedChart extends ChartRef {
  digest: string;
  size: number;
}

/** A cache entry that cannot be trusted (digest mismatch, unreadable or malformed record). */
export class CacheError extends SlipwayError {
  constructor(message: string, file: string) {
    super(message, { file });
    this.name = "CacheError";
  }
}

/** $SLIPWAY_CACHE_DIR, else $XDG_CACHE_HOME/slipway, else ~/.cache/slipway (src/cache/location.ts). */
export { defaultCacheDir };

/**
 * The canonical form of a source URL: trailing slashes dropped, scheme and host lowercased
 * (they are case-insensitive; paths are not). Both sides of the cache use it so that
 * `https://Charts.example.com/stable/` and `https://charts.example.com/stable` are one source.
 */
export function canonicalSource(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, "");
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/]*)(.*)$/.exec(trimmed);
  if (!m) return trimmed;
  return `${m[1]!.toLowerCase()}://${m[2]!.toLowerCase()}${m[3]}`;
}

/** The source as keys and records hold it: canonical, its credentials shown as `***`. */
export function storedSource(url: string): string {
  return redactUrl(canonicalSource(url));
}

/**
 * The source as keys held it before credentials were left out, when it held any (else undefined:
 * the key has not changed).
 */
function legacySource(url: string): string | undefined {
  const canonical = canonicalSource(url);
  return canonical === redactUrl(canonical) ? undefined : canonical;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const REPAIR = "run `slipway charts pull` to fetch it again (or delete the file)";

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
  private swept = false;
  /** The sweep's marker describes refs/ and versions/ as this process found them clean. */
  private sweptClean = false;

  constructor(dir: string = defaultCacheDir(), opts: ChartCacheOptions = {}) {
    this.dir = path.resolve(dir);
    this.keepsDerived = opts.derived !== false;
    if (opts.derivedCode !== undefined) this.derivedCode = opts.derivedCode;
  }

  private get root(): string {
    return path.join(this.dir, "charts");
  }

  private refFile(ref: ChartRef, source = storedSource(ref.source)): string {
    const key = sha256Hex(`${source}\n${ref.name}\n${ref.version}`);
    return path.join(this.root, "refs", `${key}.json`);
  }

  private versionsFile(source: string, name: string, stored = storedSource(source)): string {
    return path.join(this.root, "versions", `${sha256Hex(`${stored}\n${name}`)}.json`);
  }

  /**
   * The text of `file`, else of the entry written before under the key of the clear source
   * (`legacy` names its file), which is then rewritten without the credentials and removed. A
   * legacy entry that does not decode is removed as well: `charts pull` fetches it again.
   */
  private readOrMigrate(
    file: string,
    legacy: string | undefined,
    redact: (text: string) => string,
  ): string | undefined {
    const text = readIfExists(file);
    if (text !== undefined || legacy === undefined) return text;
    const old = readIfExists(legacy);
    if (old === undefined) return undefined;
    let migrated: string | undefined;
    try {
      migrated = redact(old);
    } catch {
      migrated = undefined;
    }
    // Best effort: a cache this process may not write (a read-only CI cache) still answers.
    if (migrated !== undefined) tryWrite(() => writeAtomic(file, migrated));
    tryWrite(() => fs.rmSync(legacy, { force: true }));
    return migrated;
  }

  /** Runs the sweep of entries holding credentials before this instance's first use of the cache. */
  private sweepOnce(): void {
    if (this.swept) return;
    this.swept = true;
    this.scrubClearSources();
  }

  /**
   * Rewrites every refs/ and versions/ entry whose source holds credentials in the clear (written
   * before they were left out) under the key of its source without them, and removes it; an entry
   * that does not decode and quotes a URL with credentials is removed (`charts pull` fetches it
   * again). Skipped while neither folder has changed since the last complete sweep, which
   * `charts/.clear-sources-swept` records, so a run reads no entry for it but once after a change.
   * Never throws: what cannot be read or written is left for a later sweep (a read-only cache is
   * still read, by the migration of lookup). Returns how many entries were rewritten or removed.
   */
  scrubClearSources(): number {
    const folders = this.sweptFolders();
    const before = foldersStamp(folders);
    if (before === undefined || before === "- -") return 0;
    if (readIfPresent(this.sweptMarker()) === before) {
      this.sweptClean = true;
      return 0;
    }
    let changed = 0;
    let complete = true;
    for (const [i, folder] of folders.entries()) {
      for (const name of listEntries(folder)) {
        const outcome = this.scrubEntry(path.join(folder, name), i === 0 ? "ref" : "versions");
        if (outcome === "failed") complete = false;
        else if (outcome === "changed") changed++;
      }
    }
    const after = foldersStamp(folders);
    if (complete && after !== undefined)
      this.sweptClean = tryWrite(() => writeAtomic(this.sweptMarker(), after));
    return changed;
  }

  /**
   * After this process wrote an entry without credentials into a folder it found clean, the marker
   * takes the folder's new time, so the next process does not sweep for this write.
   */
  private keepSweptMark(): void {
    if (!this.sweptClean) return;
    const stamp = foldersStamp(this.sweptFolders());
    this.sweptClean = stamp !== undefined && tryWrite(() => writeAtomic(this.sweptMarker(), stamp));
  }

  private sweptFolders(): string[] {
    return [path.join(this.root, "refs"), path.join(this.root, "versions")];
  }

  /** Holds the folders' times (foldersStamp) at the end of the last complete sweep. */
  private sweptMarker(): string {
    return path.join(this.root, ".clear-sources-swept");
  }

  private scrubEntry(file: string, kind: "ref" | "versions"): "clean" | "changed" | "failed" {
    let text: string;
    try {
      if (fs.statSync(file).size > MAX_ENTRY_BYTES) return "clean"; // not ours; lookup reports it
      text = readRegularFile(file).toString("utf8");
    } catch {
      return "clean"; // gone, or not a regular file: lookup reports it by name
    }
    let entry: { source?: unknown; name?: unknown; versions?: unknown } | undefined;
    try {
      entry = JSON.parse(text) as typeof entry;
    } catch {
      entry = undefined;
    }
    const source = typeof entry?.source === "string" ? entry.source : undefined;
    if (source !== undefined && source === storedSource(source)) return "clean";
    if (source === undefined && redactUrlsIn(text) === text) return "clean";
    let rewritten: { file: string; text: string } | undefined;
    try {
      if (source === undefined) rewritten = undefined;
      else if (kind === "ref") {
        const record = decodeRecord(text, file);
        rewritten = {
          file: this.refFile(record),
          text: encodeRecord({ ...record, source: storedSource(source) }),
        };
      } else if (
        typeof entry?.name === "string" &&
        Array.isArray(entry.versions) &&
        entry.versions.every((v) => typeof v === "string")
      ) {
        rewritten = {
          file: this.versionsFile(source, entry.name),
          text: encodeVersions(source, entry.name, entry.versions),
        };
      }
    } catch {
      rewritten = undefined; // does not decode: removed, charts pull fetches it again
    }
    const done = tryWrite(() => {
      // An entry already under the new key was written since, by a run that fetched it: it stays.
      if (rewritten !== undefined && !fs.existsSync(rewritten.file))
        writeAtomic(rewritten.file, rewritten.text);
      fs.rmSync(file, { force: true });
    });
    return done ? "changed" : "failed";
  }

  blobFile(digest: string): string {
    const hex = digest.replace(/^sha256:/, "");
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new CacheError(`malformed digest '${digest}'`, this.root);
    return path.join(this.root, "blobs", "sha256", hex);
  }

  /** The cached record of `ref` (digest and size) without reading the archive, or undefined. */
  lookup(ref: ChartRef): CachedChart | undefined {
    this.sweepOnce();
    const file = this.refFile(ref);
    const legacy = legacySource(ref.source);
    const text = this.readOrMigrate(file, legacy && this.refFile(ref, legacy), (old) =>
      encodeRecord({ ...decodeRecord(old, file), source: storedSource(ref.source) }),
    );
    if (text === undefined) return undefined;
    return decodeRecord(text, file);
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
    this.sweepOnce();
    const digest = `sha256:${sha256Hex(bytes)}`;
    const blob = this.blobFile(digest);
    if (!blobIntact(blob, digest)) writeAtomic(blob, bytes);
    const record: CachedChart = {
      source: storedSource(ref.source),
      name: ref.name,
      version: ref.version,
      digest,
      size: bytes.byteLength,
    };
    writeAtomic(this.refFile(ref), encodeRecord(record));
    const legacy = legacySource(ref.source);
    if (legacy !== undefined) fs.rmSync(this.refFile(ref, legacy), { force: true });
    this.keepSweptMark();
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

  /** The versions seen in the last fetched index.yaml / tag list of this chart, or undefined. */
  knownVersions(source: string, name: string): string[] | undefined {
    this.sweepOnce();
    const file = this.versionsFile(source, name);
    const legacy = legacySource(source);
    const text = this.readOrMigrate(file, legacy && this.versionsFile(source, name, legacy), (old) =>
      encodeVersions(source, name, (JSON.parse(old) as { versions?: unknown }).versions),
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

  putVersions(source: string, name: string, versions: string[]): void {
    this.sweepOnce();
    writeAtomic(this.versionsFile(source, name), encodeVersions(source, name, versions));
    const legacy = legacySource(source);
    if (legacy !== undefined) fs.rmSync(this.versionsFile(source, name, legacy), { force: true });
    this.keepSweptMark();
  }

  /**
   * Every cached (source, chart, version), sorted. Digests are not re-verified here; an entry
   * that is no record is a CacheError naming it.
   */
  list(): CachedChart[] {
    this.sweepOnce();
    const dir = path.join(this.root, "refs");
    const out = listEntries(dir).map((n) => {
      const file = path.join(dir, n);
      return decodeRecord(readIfExists(file) ?? "", file);
    });
    return out.sort(
      (a, b) =>
        cmp(a.source, b.source) ||
        cmp(a.name, b.name) ||
        cmp(a.version, b.version) ||
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

function readIfExists(file: string): string | undefined {
  try {
    return readRegularFile(file).toString("utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CacheError(`cannot read cache entry: ${(e as Error).message}`, file);
  }
}

/** A refs/ or versions/ entry is a few hundred bytes; a version list of a large index, some MB. */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

/** The folders' modification times ("-" for one that is absent); undefined when one cannot be read. */
function foldersStamp(folders: string[]): string | undefined {
  try {
    return folders
      .map((d) => (fs.existsSync(d) ? String(fs.statSync(d, { bigint: true }).mtimeNs) : "-"))
      .join(" ");
  } catch {
    return undefined;
  }
}

/** The `.json` entries of a folder, none when it cannot be listed. */
function listEntries(folder: string): string[] {
  try {
    return fs.readdirSync(folder).filter((n) => n.endsWith(".json") && !n.startsWith("."));
  } catch {
    return [];
  }
}

function readIfPresent(file: string): string | undefined {
  try {
    return readRegularFile(file).toString("utf8");
  } catch {
    return undefined;
  }
}

/** Runs `write`; false when the cache cannot be written (read-only, full, raced away). */
function tryWrite(write: () => void): boolean {
  try {
    write();
    return true;
  } catch {
    return false;
  }
}

function encodeRecord(record: CachedChart): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

function encodeVersions(source: string, name: string, versions: unknown): string {
  return `${JSON.stringify({ source: storedSource(source), name, versions }, null, 2)}\n`;
}

function decodeRecord(text: string, file: string): CachedChart {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new CacheError(`malformed cache entry (not JSON); ${REPAIR}`, file);
  }
  const r = v as Partial<CachedChart>;
  if (
    typeof r.source !== "string" ||
    typeof r.name !== "string" ||
    typeof r.version !== "string" ||
    typeof r.digest !== "string" ||
    !/^sha256:[0-9a-f]{64}$/.test(r.digest) ||
    typeof r.size !== "number"
  ) {
    throw new CacheError(`malformed cache entry; ${REPAIR}`, file);
  }
  return { source: r.source, name: r.name, version: r.version, digest: r.digest, size: r.size };
}

function blobIntact(file: string, digest: string): boolean {
  try {
    return `sha256:${sha256Hex(readRegularFile(file))}` === digest;
  } catch {
    return false;
  }
}

/**
 * Temp file in the target's directory, then rename: readers never see a partial entry. Mode 0644.
 * The temp name is random and created exclusively: a link planted there in a shared cache
 * directory is never written through.
 */
function writeAtomic(file: string, content: Uint8Array | string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    fs.writeFileSync(tmp, content, { flag: "wx", mode: 0o644 });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
