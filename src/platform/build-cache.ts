/**
 * Built Flux Kustomization paths in the persistent render cache (src/cache, issue 16): the
 * kustomize build of `spec.path`, before postBuild substitution and SOPS decryption (both
 * happen later, in postprocess.ts, with inputs from other objects and from keys).
 *
 * What a build reads is known only after building, so a unit is kept in two entries:
 *
 * - a read manifest, keyed by the source root and the whole Kustomization spec: every question
 *   the build asked of the source's file system and the answer (file content digests,
 *   existence, directory listings, sizes, resolved links; src/fs/recording.ts);
 * - the output, keyed by the same inputs plus the digest of those answers.
 *
 * A lookup asks every question of the manifest again; only when every answer is the same is the
 * output keyed and read. Anything else (an edited base, a file added to a listed directory, a
 * deleted component, another spec) is a miss: the path is built and both entries rewritten.
 *
 * The post-processed build (below) is a third entry, which holds the read sets it was kept for:
 * a warm run reads it alone.
 *
 * A build that saw decrypted input (a SOPS decryption hook served files) is never cached, nor
 * one whose output carries values marked secret, nor one that left remote resources out.
 */
import { createHash } from "node:crypto";
import type { CacheKey, RenderCache } from "../cache/store.js";
import { decoderOf, encodedJson, encodeNoting, encodeValue } from "../cache/value-codec.js";
import type { PostBuildSettings } from "../flux/postbuild.js";
import type { FileSystem } from "../fs/filesystem.js";
import { answerNow, ReadLogFileSystem, type ReadRecord } from "../fs/recording.js";
import { type PatchRecord, Resource } from "../kustomize/resource.js";
import { BuildCache } from "../kustomize/target.js";
import { isMap, type YamlMap, type YamlValue } from "../kustomize/types.js";
import { buildFluxPath, type FluxBuild } from "./build.js";

export const BUILD_READS_UNIT = "flux-build-reads";
export const BUILD_UNIT = "flux-build";

interface CachedResource {
  o: unknown;
  /** `o` holds no tagged value (encodeNoting): it is read as JSON.parse gives it. */
  j?: true;
  /** The source: its file (an index into the entry's `files`) and line. */
  s?: [number, number];
  /** touchedBy: indexes into the entry's `files`. */
  t?: number[];
  /** patches: indexes into the entry's `patches`. */
  p?: number[];
}

/**
 * A build or post-processed build as its entry holds it. The file names and patch records the
 * resources point at are kept once each, in tables: a patch of a parent kustomization applied to
 * every object it targets (a Flux Kustomization defaults patch, say) was written once per object,
 * 18% of bjw-s home-ops' post-processed builds, and decoded into that many copies every warm run.
 * Objects that shared a patch record share the decoded one, as they did when built.
 */
interface CachedBuild {
  dir: string;
  generated: boolean;
  files: string[];
  patches: unknown[];
  resources: CachedResource[];
}

/** The tables of one entry being written: each file name and patch record once, by first use. */
class EntryTables {
  readonly files: string[] = [];
  readonly patches: unknown[] = [];
  private readonly fileIndex = new Map<string, number>();
  private readonly patchIndex = new Map<PatchRecord, number>();

  file(name: string): number {
    let i = this.fileIndex.get(name);
    if (i === undefined) {
      i = this.files.push(name) - 1;
      this.fileIndex.set(name, i);
    }
    return i;
  }

  patch(record: PatchRecord): number {
    let i = this.patchIndex.get(record);
    if (i === undefined) {
      i = this.patches.push(encodeValue(definedFields(record) as YamlMap)) - 1;
      this.patchIndex.set(record, i);
    }
    return i;
  }
}

/**
 * The file system's answers during one run, by file system, shared by every lookup of the run:
 * Kustomizations that use one base or component ask the same questions of it, and a warm run
 * asks a few thousand of them. A run does not change the files it reads (builds never write),
 * so an answer holds until the run ends; a new run starts with none.
 */
export class RunAnswers {
  /** Per file system, per question kind: the answer by path (as answerNow gives it). */
  private readonly byFs = new WeakMap<FileSystem, Map<string, Map<string, unknown>>>();

  /** The answer to `r` now (JSON text), asked at most once per run and file system. */
  of(fs: FileSystem, r: ReadRecord): string {
    return JSON.stringify(this.now(fs, r));
  }

  /**
   * Whether the answer to `r` now is the one it records: their JSON texts are equal (strings,
   * booleans and numbers compared as values, a listing item by item, without writing JSON).
   */
  holds(fs: FileSystem, r: ReadRecord): boolean {
    const now = this.now(fs, r);
    const was = r[2];
    if (typeof now === "string" || typeof now === "boolean") return now === was;
    if (typeof now === "number" && Number.isFinite(now)) return now === was;
    if (Array.isArray(now) && Array.isArray(was) && now.every((x) => typeof x === "string")) {
      return now.length === was.length && now.every((x, i) => x === was[i]);
    }
    return JSON.stringify(now) === JSON.stringify(was);
  }

  private now(fs: FileSystem, r: ReadRecord): unknown {
    let byOp = this.byFs.get(fs);
    if (byOp === undefined) {
      byOp = new Map();
      this.byFs.set(fs, byOp);
    }
    let answers = byOp.get(r[0]);
    if (answers === undefined) {
      answers = new Map();
      byOp.set(r[0], answers);
    }
    if (answers.has(r[1])) return answers.get(r[1]);
    const answer = answerNow(fs, r);
    answers.set(r[1], answer);
    return answer;
  }
}

/**
 * `buildFluxPath` through the render cache. A miss builds with a BuildCache of its own, so that
 * every read of the build (bases included) is recorded rather than served by another build.
 * `answers`: the run's (default: this lookup's own).
 */
export function cachedFluxBuild(
  cache: RenderCache,
  fs: FileSystem,
  sourceRoot: string,
  spec: YamlMap,
  shared: BuildCache,
  answers: RunAnswers = new RunAnswers(),
  /**
   * Set to the key of the output entry served or stored and the read set it goes with (none:
   * the build is not cached): a post-processed build is kept under that read set
   * (storePostBuild).
   */
  found: BuildFound = {},
): FluxBuild {
  found.output = undefined;
  found.reads = undefined;
  const inputs = buildInputs(sourceRoot, spec);
  if (inputs === undefined) return buildFluxPath(fs, sourceRoot, spec, shared);
  const manifestKey = cache.key(BUILD_READS_UNIT, inputs);
  const known = readSets(cache.get(manifestKey));
  const hit = lookup(cache, known, inputs, fs, answers);
  if (hit && "uncacheable" in hit) {
    found.reads = hit.uncacheable;
    return buildFluxPath(fs, sourceRoot, spec, shared);
  }
  if (hit) {
    found.output = hit.key;
    found.reads = hit.reads;
    return hit.build;
  }

  const log = new ReadLogFileSystem(fs);
  const remember = (set: ReadSet) =>
    cache.put(manifestKey, {
      sets: [set, ...known.filter((k) => JSON.stringify(k.records) !== JSON.stringify(set.records))].slice(
        0,
        MAX_READ_SETS,
      ),
    });
  let built: FluxBuild;
  try {
    built = buildFluxPath(log, sourceRoot, spec, new BuildCache());
  } catch (e) {
    // A build that fails or is not stored is remembered as such, so that the next run builds
    // it straight away (until an answer changes) instead of looking for an output.
    const records = log.records();
    remember({ records, uncacheable: true });
    found.reads = { records, digest: recordsDigest(records), uncacheable: true };
    throw e;
  }
  const records = log.records();
  const body = cacheableBody(built, log);
  if (body === undefined) {
    remember({ records, uncacheable: true });
    found.reads = { records, digest: recordsDigest(records), uncacheable: true };
    return built;
  }
  const digest = recordsDigest(records);
  found.output = outputKey(cache, inputs, digest);
  found.reads = { records, digest };
  cache.put(found.output, body);
  remember({ records, digest });
  return built;
}

/**
 * What cachedFluxBuild found or stored: the output entry's key and the read set that names it;
 * or, for a build that is never stored (it failed, or see cacheableBody), its read set alone.
 */
export interface BuildFound {
  output?: CacheKey;
  reads?: BuildReads;
}

/** A build's read set and its digest (recordsDigest), which together name its output entry. */
export interface BuildReads {
  records: ReadRecord[];
  digest: string;
  /** The build these answers give is never stored. */
  uncacheable?: true;
}

function buildInputs(sourceRoot: string, spec: YamlMap): string | undefined {
  try {
    return `[${JSON.stringify(sourceRoot)},${encodedJson(spec)}]`;
  } catch {
    return undefined;
  }
}

/**
 * Read sets a manifest keeps, newest first: a spec whose files go back and forth (the two
 * revisions of a diff, a reverted edit) finds each of its recent builds.
 */
const MAX_READ_SETS = 4;

interface ReadSet {
  records: ReadRecord[];
  uncacheable?: true;
  /**
   * recordsDigest(records), kept with them: a lookup keys the output without writing the
   * records as JSON and hashing them again (the manifest is sealed like every entry).
   */
  digest?: string;
}

/** The `sets` an entry's body holds, each a map whose records are [path, digest] pairs (the others are left out). */
function storedReadSets(body: unknown): Array<YamlMap & { records: ReadRecord[] }> {
  const sets = (body as { sets?: unknown } | undefined)?.sets;
  if (!Array.isArray(sets)) return [];
  return sets.filter(
    (s): s is YamlMap & { records: ReadRecord[] } =>
      isMap(s) &&
      Array.isArray(s.records) &&
      s.records.every((r) => Array.isArray(r) && typeof r[0] === "string" && typeof r[1] === "string"),
  );
}

const isRecordsDigest = (d: unknown): d is string => typeof d === "string" && /^[0-9a-f]{64}$/.test(d);

function readSets(manifest: unknown): ReadSet[] {
  return storedReadSets(manifest).filter(
    (s): s is typeof s & ReadSet => s.digest === undefined || isRecordsDigest(s.digest),
  );
}

/**
 * The entry of a build, or undefined when it saw decrypted input, marks a value secret, holds a
 * value the codec cannot write or left remote resources out (rare: rebuilt each run, so that the
 * entry need not say what was left out).
 */
function cacheableBody(built: FluxBuild, log: ReadLogFileSystem): unknown {
  if (log.sawSecret || built.resources.some((r) => r.secretWitnesses.length > 0)) return undefined;
  if (built.omitted !== undefined) return undefined;
  try {
    return encodeBuild(built, built.resources);
  } catch {
    return undefined;
  }
}

function encodeBuild(build: { dir: string; generated: boolean }, resources: Resource[]): CachedBuild {
  const tables = new EntryTables();
  const encoded = resources.map((r) => encodeResource(r, tables));
  return {
    dir: build.dir,
    generated: build.generated,
    files: tables.files,
    patches: tables.patches,
    resources: encoded,
  };
}

function recordsDigest(records: ReadRecord[]): string {
  return createHash("sha256").update(JSON.stringify(records)).digest("hex");
}

function outputKey(cache: RenderCache, inputs: string, digest: string): CacheKey {
  return cache.key(BUILD_UNIT, `${inputs}\0${digest}`);
}

/**
 * The cached build of the first read set whose every answer still holds ("uncacheable" when
 * the build these answers give is one that is never stored); else undefined.
 */
function lookup(
  cache: RenderCache,
  sets: ReadSet[],
  inputs: string,
  fs: FileSystem,
  answers: RunAnswers,
): { build: FluxBuild; key: CacheKey; reads: BuildReads } | { uncacheable: BuildReads } | undefined {
  const holds = (r: ReadRecord) => answers.holds(fs, r);
  const set = sets.find((s) => s.records.every(holds));
  if (!set) return undefined;
  const digest = set.digest ?? recordsDigest(set.records);
  if (set.uncacheable === true) return { uncacheable: { records: set.records, digest, uncacheable: true } };
  const key = outputKey(cache, inputs, digest);
  const build = readBuildEntry(cache.get(key));
  return build && { build, key, reads: { records: set.records, digest } };
}

/**
 * A build (or post-processed build) entry's body, or undefined when it is not one. `decode`: the
 * decoder of the parsed body that holds it (decoderOf), by default `entry`'s own.
 */
function readBuildEntry(
  entry: unknown,
  decode: (e: unknown) => YamlValue = decoderOf(entry),
): FluxBuild | undefined {
  const body = entry as Partial<Record<keyof CachedBuild, unknown>> | undefined;
  if (!body || typeof body.dir !== "string" || typeof body.generated !== "boolean") return undefined;
  if (!Array.isArray(body.resources) || !Array.isArray(body.files) || !Array.isArray(body.patches))
    return undefined;
  try {
    const files = body.files.map((f) => {
      if (typeof f !== "string") throw new TypeError("not a file name");
      return f;
    });
    const patches = body.patches.map((e) => {
      const p = decode(e);
      if (!isMap(p) || typeof p.file !== "string") throw new TypeError("not a patch record");
      return p as unknown as PatchRecord;
    });
    return {
      dir: body.dir,
      generated: body.generated,
      resources: (body.resources as CachedResource[]).map((c) => decodeResource(c, decode, files, patches)),
    };
  } catch {
    return undefined;
  }
}

/**
 * What the platform uses of a built resource: the object, where it was read from, the
 * kustomizations that transformed it and the patches applied to it (postprocess.ts, load.ts).
 */
function encodeResource(r: Resource, tables: EntryTables): CachedResource {
  const { encoded, plain } = encodeNoting(r.obj);
  const out: CachedResource = plain ? { o: encoded, j: true } : { o: encoded };
  if (r.source) out.s = [tables.file(r.source.file), r.source.line];
  if (r.touchedBy.length > 0) out.t = r.touchedBy.map((f) => tables.file(f));
  if (r.patches.length > 0) out.p = r.patches.map((p) => tables.patch(p));
  return out;
}

function decodeResource(
  c: CachedResource,
  decode: (e: unknown) => YamlValue,
  files: readonly string[],
  patches: readonly PatchRecord[],
): Resource {
  const obj = c.j === true ? (c.o as YamlValue) : decode(c.o);
  if (!isMap(obj)) throw new TypeError("not an object");
  const r = new Resource(obj, c.s ? { file: entryAt(files, c.s[0]), line: Number(c.s[1]) } : undefined);
  if (Array.isArray(c.t)) r.touchedBy = c.t.map((i) => entryAt(files, i));
  if (Array.isArray(c.p)) r.patches = c.p.map((i) => entryAt(patches, i));
  return r;
}

/** The table entry an index names; a damaged index is a damaged entry (a miss). */
function entryAt<T>(table: readonly T[], i: unknown): T {
  if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= table.length)
    throw new TypeError("not an index of the entry's table");
  return table[i]!;
}

/** The record without keys whose value is undefined (which JSON has no spelling for). */
function definedFields(p: PatchRecord): Record<string, YamlValue> {
  const out: Record<string, YamlValue> = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = v as YamlValue;
  if (p.ops) out.ops = p.ops.map((op) => definedFields(op as unknown as PatchRecord)) as YamlValue;
  return out;
}

// --- post-processed builds ---------------------------------------------------------------------

/**
 * A built path after kustomize-controller's post-processing (postprocess.ts: substitution, List
 * expansion, owner labels, commonMetadata), keyed by the source root and everything
 * post-processing reads besides the build: the whole Flux Kustomization object (its spec decides
 * the build) and the variables. The entry holds the read sets of the builds it was kept for,
 * each with its post-processed objects, so a warm run reads one entry per Kustomization: the
 * first read set whose every answer still holds gives the objects, without the build's read
 * manifest, its output entry or substituting again. Never kept for a Kustomization with SOPS
 * decryption, secret variables or variables that failed to load, nor when post-processing
 * failed or marked a field secret (a Secret's data included).
 */
export const POSTBUILD_UNIT = "flux-postbuild";

/**
 * One read set of a post-processed build entry and the objects post-processing gave for it; or
 * `uncacheable` when the build these answers give is never stored (it fails, say): then the
 * Kustomization is built again, and this entry, found, is not written again each run.
 */
interface PostBuildSet {
  records: ReadRecord[];
  /** recordsDigest(records): a run's memo names the objects by it. */
  digest: string;
  build?: CachedBuild;
  uncacheable?: true;
}

/** What post-processing reads besides the build: the key text, or undefined when not cacheable. */
export function postBuildInputs(
  kustomization: YamlMap,
  settings: PostBuildSettings | undefined,
): string | undefined {
  // Open sources decide more than the variables (substituteResource refuses some names).
  if (
    settings !== undefined &&
    (settings.loadError !== undefined || (settings.secretVars?.size ?? 0) > 0 || settings.open !== undefined)
  )
    return undefined;
  try {
    const vars = settings ? [Object.entries(settings.vars), settings.strict, settings.always] : null;
    return `[${encodedJson(kustomization)},${JSON.stringify(vars)}]`;
  } catch {
    return undefined;
  }
}

/** A post-processed build entry as a lookup read it: kept beside a new read set when one is stored. */
export interface PostBuildLookup {
  key: CacheKey;
  /** The entry's read sets, newest first, as read (none: absent or not trusted). */
  sets: PostBuildSet[];
}

/**
 * The post-processed build of the Kustomization whose object and variables `post` gives
 * (postBuildInputs), built from `sourceRoot` on `fs`, when the entry kept for them holds a read
 * set whose every answer still holds; undefined otherwise (then build and post-process as
 * usual, and keep the result with storePostBuild and `lookup`). The objects are the caller's
 * own; each `from` carries the source, transformers and patches. Given a memo, a build it holds
 * is taken from there and one decoded is kept there.
 */
export function cachedPostBuild(
  cache: RenderCache,
  fs: FileSystem,
  sourceRoot: string,
  answers: RunAnswers,
  post: string,
  lookup: { entry?: PostBuildLookup },
  memo?: PostBuildMemo,
): PostBuild | "uncacheable" | undefined {
  const key = cache.key(POSTBUILD_UNIT, `${JSON.stringify(sourceRoot)}\0${post}`);
  lookup.entry = { key, sets: [] };
  if (cache.mayHold?.(POSTBUILD_UNIT) === false) return undefined;
  const body = cache.get(key);
  const sets = postBuildSets(body);
  lookup.entry.sets = sets;
  const holds = (r: ReadRecord) => answers.holds(fs, r);
  const set = sets.find((s) => s.records.every(holds));
  if (set === undefined) return undefined;
  if (set.build === undefined) return "uncacheable";
  const memoKey = `${key.id}\0${set.digest}`;
  const known = memo?.get(memoKey);
  if (known !== undefined) return known;
  const entry = readBuildEntry(set.build, decoderOf(body));
  if (!entry) return undefined;
  const build: PostBuild = {
    dir: entry.dir,
    generated: entry.generated,
    objects: entry.resources.map((r) => ({ object: r.obj, from: r })),
  };
  memo?.set(memoKey, build);
  return build;
}

/** The read sets of a post-processed build entry that have the expected shape (the others are left out). */
function postBuildSets(body: unknown): PostBuildSet[] {
  return storedReadSets(body).filter(
    (s): s is typeof s & PostBuildSet =>
      isRecordsDigest(s.digest) && (s.uncacheable === true ? s.build === undefined : isMap(s.build)),
  );
}

export interface PostBuild {
  /** Absolute directory that was built. */
  dir: string;
  generated: boolean;
  /**
   * The objects, each with the built resource it came from: the caller's own, or, read through a
   * PostBuildMemo, shared with every load of that memo (which then never changes them).
   */
  objects: Array<{ object: YamlMap; from: Resource }>;
}

/**
 * Post-processed builds read in this run, by entry id and read set digest
 * (LoadPlatformOptions.postBuildMemo): a changed-only diff's base rebuilds the Flux
 * Kustomizations whose build may read a changed file, and where one finds the read set the head
 * found (the parent of an edited app, whose build lists the app's directory but reads none of
 * its changed files), both platforms hold the same objects: decoded once, and equal to the
 * comparison without a walk.
 */
export type PostBuildMemo = Map<string, PostBuild>;

/**
 * Keeps a post-processed build under the entry `lookup` read (cachedPostBuild) with the read set
 * of its build (`reads`, from cachedFluxBuild), before the entry's other read sets, unless an
 * object has a secret field.
 */
export function storePostBuild(
  cache: RenderCache,
  lookup: PostBuildLookup,
  reads: BuildReads,
  build: { dir: string; generated: boolean },
  objects: Array<{ object: YamlMap; from: Resource; secrets?: unknown }>,
): void {
  if (objects.some((o) => o.secrets !== undefined || o.from.secretWitnesses.length > 0)) return;
  let encoded: CachedBuild;
  try {
    encoded = encodeBuild(
      build,
      objects.map((o) => {
        const r = new Resource(o.object, o.from.source);
        r.touchedBy = o.from.touchedBy;
        r.patches = o.from.patches;
        return r;
      }),
    );
  } catch {
    return;
  }
  keepPostBuildSet(cache, lookup, { records: reads.records, digest: reads.digest, build: encoded });
}

/**
 * Keeps, under the entry `lookup` read (cachedPostBuild), that the build of read set `reads` is
 * never stored (reads.uncacheable): a later run finds that in the one entry it reads.
 */
export function storeUncacheablePostBuild(
  cache: RenderCache,
  lookup: PostBuildLookup,
  reads: BuildReads,
): void {
  keepPostBuildSet(cache, lookup, { records: reads.records, digest: reads.digest, uncacheable: true });
}

function keepPostBuildSet(cache: RenderCache, lookup: PostBuildLookup, set: PostBuildSet): void {
  cache.put(lookup.key, {
    sets: [set, ...lookup.sets.filter((s) => s.digest !== set.digest)].slice(0, MAX_READ_SETS),
  });
}
