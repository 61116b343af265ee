/**
 * HelmReleases rendered as helm-controller (Flux 2.9) would install them, once a cluster's Flux
 * Kustomizations are rendered: the chart from the repository (GitRepository/Bucket sources
 * that are local, ExternalArtifacts of in-repo ArtifactGenerators) or from the chart cache,
 * values from the cluster's rendered ConfigMaps and Secrets, `.Capabilities` from slipway.yaml
 * plus every CRD of the cluster, a seeded random source per release, then post-renderers,
 * commonMetadata and origin labels. The objects become `HelmReleaseInfo.resources`; one broken
 * HelmRelease never stops the others.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import type { RenderCache } from "../cache/store.js";
import { fetchRoute } from "../charts/mirrors.js";
import { SlipwayError } from "../errors.js";
import type { FileSystem } from "../fs/filesystem.js";
import { SourceArtifactFileSystem } from "../fs/source-artifact.js";
import { apiVersionsReadChanges, DEFAULT_API_VERSIONS } from "../helm/capabilities.js";
import type { Chart } from "../helm/chart.js";
import { IgnoreRules } from "../helm/helmignore.js";
import { failureMayReadCluster } from "../helm/lookup-failure.js";
import type { CrdFile, Hook, Manifest } from "../helm/manifests.js";
import {
  type AheadRender,
  type ApiVersionsReadData,
  dropAhead,
  MIN_JOBS_FOR_WORKERS,
  manifestObjects,
  type PoolJob,
  type PoolOptions,
  prestartWorkers,
  type ReleaseJob,
  type ReleaseOutcome,
  renderAhead,
  renderReleases,
  runningWorkers,
  sentManifestObjects,
} from "../helm/pool/index.js";
import type { RenderedRelease } from "../helm/render.js";
import { GoMap } from "../helm/template/value.js";
import { mergeMaps, readValuesDocuments } from "../helm/yaml.js";
import {
  type ChartAnswer,
  type ChartLookup,
  type ChartProvider,
  type ChartRequest,
  defaultChartProvider,
  type LocatedChart,
  loadedChart,
  locateChartInFs,
} from "../helmrelease/charts.js";
import { originLabels, PostRenderError, postRender } from "../helmrelease/postrender.js";
import {
  type ChartSpec,
  crdViewNote,
  type PostRenderStrategy,
  type ReleaseSpec,
  readReleaseSpec,
} from "../helmrelease/spec.js";
import { composeReleaseValues, ValuesReferenceError } from "../helmrelease/values.js";
import { isBuiltinClusterScoped } from "../kubernetes-scopes.js";
import { isMap, type KObject, type YamlMap } from "../kustomize/types.js";
import { type SecretPaths, unionSecrets } from "../secrets/paths.js";
import { parseYamlDocuments } from "../yaml/parse.js";
import { secureJoin } from "./build.js";
import { declaredObjects } from "./cluster-objects.js";
import type { KubernetesConfig, SlipwayConfig } from "./config.js";
import {
  type CrdFileDocs,
  eachCrdFile,
  readCrdDocs,
  readCrdDocsByPlace,
  writeCrdDocs,
} from "./crd-docs-cache.js";
import { groupOf, HELM_GROUP, metaString } from "./flux-objects.js";
import { secretForms, secretFragments } from "./masking.js";
import type { Cluster, HelmReleaseInfo, ObjectRef, PlatformError, RenderedResource } from "./model.js";
import {
  type CachedRelease,
  type ChartFacts,
  fingerprint,
  type ObjectIdentity,
  objectIdentity,
  plainNames,
  RELEASE_UNIT,
  type ReleaseCacheKey,
  type ReleaseKeyMemo,
  type ReleaseMemo,
  type ReleaseRenderInputs,
  readCachedRelease,
  readChartFacts,
  releaseCacheKey,
  releaseKeyInputs,
  type StoredCrdsReader,
  writeCachedRelease,
  writeChartFacts,
} from "./release-cache.js";
import { secretIdentitySpec } from "./secret-spec.js";
import { secretSpecStrings, secretTextMarks } from "./secret-text.js";

/** The clock of every render: charts calling `now` get this instant, so renders repeat exactly. */
export const RENDER_EPOCH = Date.parse("2025-01-01T00:00:00Z");

/** What the cluster pass needs from the platform loader. */
export interface HelmReleaseContext {
  root: string;
  config?: SlipwayConfig;
  charts?: ChartProvider;
  /** Repository-relative root of a source's artifact when it is local (this repository or mapped). */
  localRoot(ref: ObjectRef): string | undefined;
  /**
   * The artifact view (ignore rules applied, confined) of a local source root as `ref`'s source
   * object shapes it, and a key naming that view (the root and the source's spec.ignore).
   */
  artifactView(root: string, ref: ObjectRef): { fs: FileSystem; key: string };
  /** Rendered releases kept between runs (src/cache); none: every release renders. */
  renderCache?: RenderCache;
  /** Renders of this run by cache key (LoadPlatformOptions.releaseMemo). */
  releaseMemo?: ReleaseMemo;
  /** Cache keys of this run's renders by HelmRelease object (LoadPlatformOptions.releaseKeyMemo). */
  releaseKeyMemo?: ReleaseKeyMemo;
  /** The secret fields of a rendered object (a HelmRelease's, substituted by its Kustomization). */
  secretsOf?: (object: KObject) => SecretPaths | undefined;
}

interface Located {
  /** The chart, or why there is none. */
  answer: ChartLookup | { external: string };
  valuesFiles?: {
    files: string[];
    ignoreMissing: boolean;
    base: "source" | "chart";
    fs?: FileSystem;
    dir?: string;
  };
}

/**
 * Called as a cluster's Flux builds find HelmReleases (`found` so far): once there are enough
 * to share out, and unless the render cache may hold their renders, the render workers start
 * loading while the builds go on instead of when the renders begin.
 */
export function foundHelmReleases(renderCache: RenderCache | undefined, found: number): void {
  if (found !== MIN_JOBS_FOR_WORKERS) return;
  if (renderCache?.mayHold?.(RELEASE_UNIT) ?? false) return;
  prestartWorkers(found);
}

/**
 * Called before a platform load with the bytes of the files it is about to read (a check's
 * digest of the repository, src/check/run.ts): starts the render workers as foundHelmReleases
 * would after the scan, but earlier — a worker takes a few hundred milliseconds to load its
 * modules, and until now it started only once this run had loaded its own, read its config and
 * scanned. The count is the scan's estimate made on bytes (a YAML file naming HelmRelease and
 * Helm's Flux group counts once); it decides when workers start, never what renders.
 */
export function foundHelmReleasesInFiles(
  renderCache: RenderCache | undefined,
  files: ReadonlyMap<string, Buffer>,
): void {
  if (renderCache?.mayHold?.(RELEASE_UNIT) ?? false) return;
  let found = 0;
  for (const [file, bytes] of files) {
    if (!file.endsWith(".yaml") && !file.endsWith(".yml")) continue;
    if (!bytes.includes("HelmRelease") || !bytes.includes(HELM_GROUP)) continue;
    if (++found === MIN_JOBS_FOR_WORKERS) {
      foundHelmReleases(renderCache, found);
      return;
    }
  }
}

/**
 * Renders every HelmRelease of a rendered Flux cluster in place. `ahead`: the renders started
 * while its Flux builds ran (ReleasesAhead); each is used where it is the render this pass
 * makes, and the rest are dropped.
 */
export function renderHelmReleases(hctx: HelmReleaseContext, cluster: Cluster, ahead?: ReleasesAhead): void {
  try {
    renderReleasesOf(hctx, cluster, ahead);
  } finally {
    ahead?.close();
  }
}

function renderReleasesOf(
  hctx: HelmReleaseContext,
  cluster: Cluster,
  ahead: ReleasesAhead | undefined,
): void {
  if (cluster.helmReleases.length === 0) return;
  const pool = objectPool(cluster, hctx.config);
  const kubernetes = kubernetesOf(hctx.config, cluster.name);
  const builtin = new Set(DEFAULT_API_VERSIONS);
  const baseApis = new Set([
    ...kubernetes.apiVersions,
    ...crdApiVersions(poolCrds(cluster)).filter((v) => !builtin.has(v)),
  ]);
  const charts = ahead?.charts ?? new ChartsOfPass(hctx.renderCache);
  const prepared = cluster.helmReleases.map((h) => prepare(hctx, cluster, h, charts));
  // CRDs in charts' crds/ directories are known before any render.
  for (const p of prepared)
    if (p.facts && p.spec.crds !== "Skip") for (const v of p.facts.crdApiVersions) baseApis.add(v);
  const renderAll = (apis: Set<string>, only?: (p: Prepared) => boolean) => {
    const batch: Array<{ p: Prepared; job: ReleaseJob }> = [];
    for (const p of prepared) {
      if (!p.facts || (only && !only(p))) continue;
      const job = releaseJob(p, cluster, pool, kubernetes.version, [...apis], hctx);
      if (job) batch.push({ p, job });
    }
    // Each release is finished as its render arrives (finishing one touches no other).
    renderReleases(
      batch.map(({ p, job }): PoolJob => {
        const started =
          ahead && p.valuesFilesKey === undefined ? ahead.take(p.located!.identity, job) : undefined;
        return {
          chart: p.chart!,
          job,
          ...(started
            ? { ahead: { render: started, accepts: (o) => rendersAlike(o, started.job, job) } }
            : {}),
        };
      }),
      poolOptions(hctx.renderCache),
      (i, outcome) => finishRelease(batch[i]!.p, cluster, outcome, hctx, charts),
    );
  };
  renderAll(baseApis);
  // CRDs templated by charts (cert-manager's, operators') change what other charts see.
  const all = new Set(baseApis);
  for (const p of prepared) for (const v of p.outputCrdApiVersions ?? []) all.add(v);
  if (all.size === baseApis.size) return;
  // Only a release whose templates would see the new versions renders again: one that asked
  // `Has` about other versions only (most of app-template's) renders the same bytes.
  const added = new Set([...all].filter((v) => !baseApis.has(v)));
  const again = (p: Prepared) =>
    p.facts!.readsApiVersions && (!p.apiVersionsRead || apiVersionsReadChanges(p.apiVersionsRead, added));
  for (const p of prepared)
    if (p.facts?.readsApiVersions && !again(p) && p.info.renderInputs)
      p.info.renderInputs = { ...p.info.renderInputs, apiVersions: [...all] };
  renderAll(all, again);
}

/**
 * A HelmRelease ready to render: its chart found and known by identity. The chart is loaded
 * only when a render needs it (ensureChart), so a release whose render the cache holds never
 * reads or parses its chart.
 */
interface Prepared {
  info: HelmReleaseInfo;
  spec: ReleaseSpec;
  /** Set while the release can render: what its chart is (none: not rendered). */
  located?: LocatedChart;
  facts?: ChartFacts;
  /** valuesFiles read from the source (they replace the chart's values.yaml), merged. */
  sourceValues?: GoMap;
  /** valuesFiles as part of the render cache key (none without valuesFiles). */
  valuesFilesKey?: string;
  /** The loaded chart, valuesFiles applied, once needed. */
  chart?: Chart;
  /** The render cache entry of the current render (none when its inputs hold secrets). */
  cacheKey?: ReleaseCacheKey;
  /** The warnings of finding the chart: each render's own warnings are added to these. */
  preparedWarnings?: string[];
  /** How the current render looked at the API versions (none: not rendered, or unknown). */
  apiVersionsRead?: ApiVersionsReadData;
  /** `group/version[/Kind]` of the CRDs the current render outputs (known without its objects). */
  outputCrdApiVersions?: string[];
}

/**
 * A release's render as the render cache knows it: the key of its output (equal keys, equal
 * objects: the key covers every input) and the identity of each object. Kept beside the model
 * (not in it, so outputs do not change) for changed-only diffs, which skip releases whose
 * output is the same at both revisions without reading it (src/diff/shared-renders.ts).
 */
export interface RenderIdentity {
  key: string;
  identities: ObjectIdentity[];
  /** release-cache.ts plainNames of the objects: the identities spell out their names. */
  plainNames: boolean;
}

const renderIdentities = new WeakMap<HelmReleaseInfo, RenderIdentity>();

/** The render cache's identity of a rendered release's objects; none when not cached (or not rendered). */
export function renderIdentityOf(info: HelmReleaseInfo): RenderIdentity | undefined {
  return info.status === "rendered" ? renderIdentities.get(info) : undefined;
}

/**
 * `info.resources` made by `make` when first read: a cached render's objects are decoded only
 * when something looks at them. Assigning replaces it with a plain value.
 */
function setLazyResources(info: HelmReleaseInfo, make: () => RenderedResource[]): void {
  let made: RenderedResource[] | undefined;
  Object.defineProperty(info, "resources", {
    configurable: true,
    enumerable: true,
    get: () => (made ??= make()),
    set: (value: RenderedResource[]) =>
      Object.defineProperty(info, "resources", {
        value,
        writable: true,
        configurable: true,
        enumerable: true,
      }),
  });
}

function fail(info: HelmReleaseInfo, message: string, extra: Partial<PlatformError> = {}): void {
  info.status = "failed";
  info.resources = [];
  info.errors = [
    ...(info.errors ?? []),
    {
      message: `HelmRelease ${info.namespace}/${info.name}: ${message}`,
      ...(info.definedAt ? { file: info.definedAt.file, line: info.definedAt.line } : {}),
      cluster: info.cluster,
      kustomization: info.kustomization,
      helmRelease: `${info.namespace}/${info.name}`,
      ...extra,
    },
  ];
}

/**
 * The charts of one pass over a cluster's HelmReleases: each located, loaded and its facts read
 * at most once however many releases use it (most releases of a repository share a few charts),
 * and nothing kept beyond the pass, so a later pass sees charts that changed.
 */
class ChartsOfPass {
  private readonly lookups = new Map<string, ChartLookup>();
  private readonly facts = new Map<string, ChartFacts>();
  /**
   * crds/ documents parsed for a chart's facts, by the file's bytes (the chart's own array, which
   * the render's crds/ files carry): the first release that applies them takes them instead of
   * parsing the text again (kube-prometheus-stack's are megabytes). Keyed by the bytes rather
   * than the text, the release's file is not decoded and its megabytes are not hashed as a key.
   */
  private readonly crdDocs = new WeakMap<Uint8Array, KObject[]>();
  /** Charts whose facts a store gave, with that store: it may hold their crds/ documents too. */
  private readonly storedCrdDocs = new Map<string, RenderCache>();
  /**
   * crds/ files whose documents were read from the chart's entry beside it (primeCrdDocs), by
   * the file's bytes: their place in that entry (StoredCrds). Only an entry read is named by a
   * release's entry, not one this run writes: a chart cache that cannot be written (read-only,
   * shared) would otherwise have every later run miss the CRDs and render the release again.
   */
  private readonly storedCrdPlaces = new WeakMap<Uint8Array, string>();
  constructor(private readonly cache: RenderCache | undefined) {}

  /**
   * Where what is derived from `lc` is kept: beside the chart when its provider keeps such a
   * store (the chart cache), else the render cache; nowhere when the run keeps no cache.
   */
  private storeOf(lc: LocatedChart): RenderCache | undefined {
    return this.cache === undefined ? undefined : (lc.derived ?? this.cache);
  }

  /** The documents of a crds/ text parsed for facts, once: a later taker parses its own. */
  takeCrdDocs(data: Uint8Array | undefined): KObject[] | undefined {
    const docs = data === undefined ? undefined : this.crdDocs.get(data);
    if (docs !== undefined) this.crdDocs.delete(data!);
    return docs;
  }

  /**
   * Before the first release of a chart whose facts a store gave applies its CRDs: the crds/
   * documents that store keeps, for takeCrdDocs (the chart was not parsed for its facts).
   */
  primeCrdDocs(lc: LocatedChart | undefined, chart: Chart | undefined): void {
    const store = lc && this.storedCrdDocs.get(lc.identity);
    if (store === undefined || chart === undefined) return;
    this.storedCrdDocs.delete(lc!.identity);
    for (const { at, data, docs } of readCrdDocs(store, lc!.identity, chart)) {
      this.crdDocs.set(data, docs);
      this.storedCrdPlaces.set(data, at);
    }
  }

  /** The places of `crds` in their chart's entry (StoredCrds), when it holds every one. */
  storedCrdsOf(crds: readonly CrdFile[]): string[] | undefined {
    const at: string[] = [];
    for (const f of crds) {
      const place = f.data && this.storedCrdPlaces.get(f.data);
      if (place === undefined) return undefined;
      at.push(place);
    }
    return at;
  }

  lookup(key: string, find: () => ChartLookup): ChartLookup {
    let found = this.lookups.get(key);
    if (found === undefined) {
      found = find();
      if ("located" in found) {
        const lc = found.located;
        let answer: ChartAnswer | undefined;
        found = { located: { ...lc, load: () => (answer ??= lc.load()) } };
      }
      this.lookups.set(key, found);
    }
    return found;
  }

  /** The chart's facts: from this pass, else the store, else the loaded chart (then kept). */
  factsOf(lc: LocatedChart): ChartFacts | Exclude<ChartAnswer, { chart: Chart }> {
    let facts = this.facts.get(lc.identity);
    if (facts === undefined) {
      const store = this.storeOf(lc);
      facts = store ? readChartFacts(store, lc.identity) : undefined;
      if (facts !== undefined && lc.derived !== undefined) {
        // Facts kept beside the chart cache stand for an archive that must still be there and
        // intact: a damaged one fails the release here, as its load would, so other releases'
        // Capabilities never count the CRDs of a chart that did not load.
        const bad = lc.verify?.();
        if (bad !== undefined) return bad;
        this.storedCrdDocs.set(lc.identity, lc.derived);
      } else if (facts === undefined) {
        const a = lc.load();
        if (!("chart" in a)) return a;
        const parsed: CrdFileDocs[] = [];
        facts = chartFacts(a.chart, (file) => {
          this.crdDocs.set(file.data, file.docs);
          parsed.push(file);
        });
        if (store) writeChartFacts(store, lc.identity, facts);
        // Only beside a chart: a repository's chart changes with its edits, and its renders are
        // what the render cache keeps.
        if (store && lc.derived !== undefined) writeCrdDocs(lc.derived, lc.identity, parsed);
      }
    }
    this.facts.set(lc.identity, facts);
    return facts;
  }
}

function prepare(
  hctx: HelmReleaseContext,
  cluster: Cluster,
  info: HelmReleaseInfo,
  charts: ChartsOfPass,
): Prepared {
  const spec = readReleaseSpec(info.object);
  info.releaseName = spec.releaseName;
  info.releaseNamespace = spec.releaseNamespace;
  info.errors = [];
  info.warnings = [];
  info.resources = [];
  const out: Prepared = { info, spec };
  if (spec.suspended) {
    info.status = "suspended";
    return out;
  }
  if (!spec.chart) {
    fail(info, "neither spec.chart nor spec.chartRef is set", { field: ["spec"] });
    return out;
  }
  const secretIdentity = secretIdentitySpec("HelmRelease", hctx.secretsOf?.(info.object));
  if (secretIdentity) {
    // No field: a finding at a secret field is one no output may show.
    fail(info, secretIdentity, { code: "SECRET_IDENTITY" });
    return out;
  }
  const located = locateChart(hctx, cluster, spec.chart, charts);
  const answer = located.answer;
  if ("external" in answer) {
    info.status = "external";
    info.warnings.push(answer.external);
    return out;
  }
  if (!("located" in answer)) {
    unavailable(info, answer);
    return out;
  }
  const lc = answer.located;
  if (lc.warnings) info.warnings.push(...lc.warnings);
  const vf = located.valuesFiles && located.valuesFiles.files.length > 0 ? located.valuesFiles : undefined;
  // Unknown facts load the chart here (so does a chart's own valuesFiles, which none of the
  // realworld repositories uses); known ones leave it unloaded until a render needs it.
  const facts = charts.factsOf(lc);
  if (!("version" in facts)) {
    unavailable(info, facts);
    return out;
  }
  let loaded: Extract<ChartAnswer, { chart: Chart }> | undefined;
  if (vf?.base === "chart") {
    const a = lc.load();
    if (!("chart" in a)) {
      unavailable(info, a);
      return out;
    }
    loaded = a;
  }
  info.resolvedVersion = facts.version || lc.version;
  info.chartLocation = lc.location;
  let chart = loaded?.chart;
  if (vf) {
    try {
      if (vf.base === "source") {
        const texts = sourceValuesTexts(vf);
        out.sourceValues = mergeValuesTexts(vf.files, texts);
        out.valuesFilesKey = JSON.stringify([
          "source",
          vf.files,
          vf.ignoreMissing,
          texts.map((t) => (t === undefined ? null : createHash("sha256").update(t).digest("hex"))),
        ]);
        if (chart) chart = withValues(chart, out.sourceValues);
      } else {
        chart = withValues(chart!, chartValuesFiles(chart!, vf));
        out.valuesFilesKey = JSON.stringify(["chart", vf.files, vf.ignoreMissing]);
      }
    } catch (e) {
      fail(info, (e as Error).message, { field: ["spec", "chart", "spec", "valuesFiles"] });
      return out;
    }
  }
  out.located = lc;
  out.facts = facts;
  const crdNote = facts.crdApiVersions.length > 0 ? crdViewNote(spec) : undefined;
  if (crdNote) info.warnings.push(crdNote);
  out.preparedWarnings = [...info.warnings];
  if (chart) out.chart = chart;
  return out;
}

/** A chart that is not there (said once, not a failure of the repository) or does not load. */
function unavailable(info: HelmReleaseInfo, answer: { missing: string } | { error: string }): void {
  if ("missing" in answer) {
    // Like a source outside the repository: not rendered, said once, not a failure of the repository.
    info.status = "external";
    info.chartMissingWhy = `${answer.missing}; run 'slipway charts pull' to fetch it`;
    info.chartMissing = `HelmRelease ${info.namespace}/${info.name}: ${info.chartMissingWhy} (not rendered)`;
    (info.warnings ??= []).push(info.chartMissing);
  } else fail(info, answer.error);
}

/** The loaded chart of a release about to render; false (the release failed) when it does not load. */
function ensureChart(p: Prepared): boolean {
  if (p.chart) return true;
  if (!p.located) return false;
  const a = p.located.load();
  if (!("chart" in a)) {
    unavailable(p.info, a);
    p.located = undefined;
    p.facts = undefined;
    return false;
  }
  p.chart = p.sourceValues ? withValues(a.chart, p.sourceValues) : a.chart;
  return true;
}

/** What the platform reads of a chart without rendering it (kept by archive: src/charts/derived.ts). */
export function chartFacts(chart: Chart, keepCrds?: (file: CrdFileDocs) => void): ChartFacts {
  return {
    version: chart.metadata.version,
    crdApiVersions: chartCrdApiVersions(chart, keepCrds),
    readsApiVersions: readsApiVersions(chart),
  };
}

type ValuesFiles = NonNullable<Located["valuesFiles"]>;

/** source-controller's valuesFiles: the files merged in order replace the chart's values.yaml. */
function withValues(chart: Chart, values: GoMap): Chart {
  return { ...chart, values, digest: `${chart.digest}+values` };
}

/** The valuesFiles of a source (base "source"), read in order; undefined for an absent file that may be. */
function sourceValuesTexts(vf: ValuesFiles): Array<string | undefined> {
  return vf.files.map((file) => {
    // source-controller's mergeFileValues SecureJoins: `..` stops at the source's root.
    const abs = secureJoin(vf.dir!, file);
    const text =
      vf.fs!.exists(abs) && !vf.fs!.isDirectory(abs) ? vf.fs!.readFile(abs).toString("utf8") : undefined;
    if (text === undefined && !vf.ignoreMissing)
      throw new SlipwayError(`values file ${file} does not exist in the chart's source`);
    return text;
  });
}

function mergeValuesTexts(files: string[], texts: Array<string | undefined>): GoMap {
  let merged = new GoMap();
  for (const [i, text] of texts.entries())
    if (text !== undefined) merged = mergeMaps(merged, readValuesDocuments(text, files[i]!));
  return merged;
}

/** valuesFiles of the chart itself (a HelmRepository chart's files; `values.yaml` is its values). */
function chartValuesFiles(chart: Chart, vf: ValuesFiles): GoMap {
  let merged = new GoMap();
  for (const file of vf.files) {
    const name = path.posix.normalize(file).replace(/^\.\//, "");
    if (name === "values.yaml") {
      merged = mergeMaps(merged, chart.values);
      continue;
    }
    const f = chart.files.find((x) => x.name === name);
    if (f === undefined) {
      if (vf.ignoreMissing) continue;
      throw new SlipwayError(`values file ${file} does not exist in the chart's source`);
    }
    merged = mergeMaps(merged, readValuesDocuments(Buffer.from(f.data).toString("utf8"), file));
  }
  return merged;
}

function findSource(cluster: Cluster, kind: string, namespace: string, name: string): KObject | undefined {
  return cluster.sources.find((s) => s.kind === kind && s.namespace === namespace && s.name === name)?.object;
}

function locateChart(
  hctx: HelmReleaseContext,
  cluster: Cluster,
  chart: ChartSpec,
  charts: ChartsOfPass,
): Located {
  const provider = hctx.charts ?? defaultChartProvider();
  const lookup = (req: ChartRequest, plainHttp: boolean) => {
    // This tree's slipway.yaml and source fetch it so: a chart a mirror it does not name served,
    // or plain HTTP brought (a pull request's, in a cache CI shares), is not its chart.
    const through = fetchRoute(req.source, req.name, hctx.config?.charts?.mirrors ?? [], plainHttp);
    if (through !== undefined) req.mirroredBy = through;
    return charts.lookup(`provider\0${JSON.stringify(req)}`, () => locate(provider, req));
  };
  if (chart.type === "ref") {
    if (chart.kind === "OCIRepository") {
      const obj = findSource(cluster, "OCIRepository", chart.namespace, chart.name);
      if (!obj)
        return {
          answer: {
            external: `chartRef OCIRepository ${chart.namespace}/${chart.name} is not rendered in this cluster: not rendered`,
          },
        };
      return { answer: lookup(ociRequest(obj), isMap(obj.spec) && obj.spec.insecure === true) };
    }
    if (chart.kind === "ExternalArtifact") {
      const a = cluster.externalArtifacts?.find(
        (x) => x.namespace === chart.namespace && x.name === chart.name,
      );
      if (!a?.fs)
        return {
          answer: {
            external: `chartRef ExternalArtifact ${chart.namespace}/${chart.name} is not produced by an ArtifactGenerator of this repository: not rendered`,
          },
        };
      const root = path.posix.join(hctx.root, a.root);
      const inside = chartFolderOfArtifact(a.fs, root);
      const dir = inside === undefined ? root : path.posix.join(root, inside);
      const rel = inside === undefined ? a.root : `${a.root}/${inside}`;
      return {
        answer: charts.lookup(`artifact\0${a.namespace}/${a.name}\0${dir}`, () =>
          locateLocal(a.fs!, dir, rel),
        ),
      };
    }
    if (chart.kind === "HelmChart") {
      const obj = findSource(cluster, "HelmChart", chart.namespace, chart.name);
      if (!obj || !isMap(obj.spec))
        return {
          answer: {
            external: `chartRef HelmChart ${chart.namespace}/${chart.name} is not rendered in this cluster: not rendered`,
          },
        };
      const s = obj.spec;
      const ref = isMap(s.sourceRef) ? s.sourceRef : {};
      return locateChart(
        hctx,
        cluster,
        {
          type: "template",
          chart: String(s.chart ?? ""),
          version: typeof s.version === "string" && s.version !== "" ? s.version : "*",
          sourceRef: {
            kind: String(ref.kind ?? ""),
            name: String(ref.name ?? ""),
            namespace: chart.namespace,
          },
          valuesFiles: Array.isArray(s.valuesFiles)
            ? s.valuesFiles.filter((x): x is string => typeof x === "string")
            : [],
          ignoreMissingValuesFiles: s.ignoreMissingValuesFiles === true,
        },
        charts,
      );
    }
    return {
      answer: {
        error: `chartRef kind ${chart.kind || "(empty)"} is not supported (OCIRepository, HelmChart or ExternalArtifact)`,
      },
    };
  }
  const ref = chart.sourceRef;
  const valuesFiles = { files: chart.valuesFiles, ignoreMissing: chart.ignoreMissingValuesFiles };
  if (ref.kind === "GitRepository" || ref.kind === "Bucket") {
    const root = hctx.localRoot({ kind: ref.kind, namespace: ref.namespace, name: ref.name });
    if (root === undefined)
      return {
        answer: {
          external: `chart source ${ref.kind} ${ref.namespace}/${ref.name} is not this repository: not rendered (map it to a local directory in slipway.yaml 'sources' to render it)`,
        },
      };
    const view = hctx.artifactView(root, { kind: ref.kind, namespace: ref.namespace, name: ref.name });
    const fs = view.fs;
    const sourceDir = path.posix.join(hctx.root, root);
    // source-controller's local chart builder SecureJoins spec.chart to the artifact: `..`
    // stops at its root (`../charts/app` is `charts/app`), never leaves it.
    const dir = secureJoin(sourceDir, chart.chart);
    return {
      // Keyed by the view: two sources of one root may leave out different files.
      answer: charts.lookup(`source\0${view.key}\0${dir}`, () =>
        locateLocal(fs, dir, path.posix.relative(hctx.root, dir) || "."),
      ),
      valuesFiles: { ...valuesFiles, base: "source", fs, dir: sourceDir },
    };
  }
  if (ref.kind === "HelmRepository") {
    const obj = findSource(cluster, "HelmRepository", ref.namespace, ref.name);
    if (!obj || !isMap(obj.spec))
      return {
        answer: {
          external: `chart source HelmRepository ${ref.namespace}/${ref.name} is not rendered in this cluster: not rendered`,
        },
      };
    const url = String(obj.spec.url ?? "").replace(/\/+$/, "");
    return {
      answer: lookup(
        { source: url, name: chart.chart, version: chart.version },
        obj.spec.type === "oci" && obj.spec.insecure === true,
      ),
      valuesFiles: { ...valuesFiles, base: "chart" },
    };
  }
  return {
    answer: {
      error: `chart sourceRef kind ${ref.kind || "(empty)"} is not supported (HelmRepository, GitRepository or Bucket)`,
    },
  };
}

function ociRequest(obj: KObject): ChartRequest {
  const spec = isMap(obj.spec) ? obj.spec : {};
  const url = String(spec.url ?? "").replace(/\/+$/, "");
  const ref = isMap(spec.ref) ? spec.ref : {};
  const name = url.slice(url.lastIndexOf("/") + 1);
  const req: ChartRequest = {
    source: url,
    name,
    version: typeof ref.semver === "string" ? ref.semver : typeof ref.tag === "string" ? ref.tag : "latest",
  };
  if (typeof ref.digest === "string") req.digest = ref.digest;
  return req;
}

/** A provider's chart by identity; a provider that cannot say without loading loads it. */
function locate(charts: ChartProvider, req: ChartRequest): ChartLookup {
  if (charts.locate) return charts.locate(req);
  const a = charts.load(req);
  return "chart" in a ? { located: loadedChart(a) } : a;
}

/** A chart directory of the repository, known by the digest of its files (read, not parsed). */
/**
 * helm-controller loads a chartRef's artifact as a chart archive (Helm's LoadArchive), which
 * drops the first path segment: a generator copying `@repo/charts/spoke-cluster` to
 * `@artifact/` gives `spoke-cluster/Chart.yaml`, the chart (matheuscscp's cluster-api example).
 * The one folder at the artifact's top when no Chart.yaml is there; undefined otherwise.
 */
function chartFolderOfArtifact(fs: FileSystem, root: string): string | undefined {
  if (!fs.isDirectory(root) || fs.exists(path.posix.join(root, "Chart.yaml"))) return undefined;
  const entries = fs.readDir(root);
  const only = entries.length === 1 ? entries[0]! : undefined;
  return only !== undefined && fs.isDirectory(path.posix.join(root, only)) ? only : undefined;
}

function locateLocal(fs: FileSystem, dir: string, rel: string): ChartLookup {
  if (!fs.isDirectory(dir)) {
    const excluded = fs instanceof SourceArtifactFileSystem ? fs.excludedBy(dir) : undefined;
    if (excluded !== undefined)
      return { error: `chart directory ${rel} is not in the source artifact: excluded by ${excluded}` };
    return { error: `chart directory ${rel} does not exist in the repository` };
  }
  const doesNotLoad = (e: unknown) => ({ error: `chart ${rel} does not load: ${(e as Error).message}` });
  let lc: LocatedChart;
  try {
    lc = locateChartInFs(fs, dir, rel);
  } catch (e) {
    return doesNotLoad(e);
  }
  const links = chartLinks(fs, dir);
  return {
    located: {
      ...lc,
      load: () => {
        try {
          return lc.load();
        } catch (e) {
          return doesNotLoad(e);
        }
      },
      ...(links.length > 0 ? { warnings: [chartLinksWarning(rel, links)] } : {}),
    },
  };
}

/**
 * The symbolic links of a repository's chart directory (paths relative to it, those .helmignore
 * does not ignore): source-controller's artifact holds no links, so Flux renders the chart
 * without them, and so does Slipway (src/fs/confined.ts). A link that led out of the repository
 * was left out silently; a chart that loses a template to a link now says so.
 */
function chartLinks(fs: FileSystem, dir: string): string[] {
  if (!fs.linksIn) return [];
  let rules: IgnoreRules;
  try {
    const ignoreFile = path.posix.join(dir, ".helmignore");
    rules = IgnoreRules.parse(fs.exists(ignoreFile) ? fs.readFile(ignoreFile).toString("utf8") : "");
  } catch {
    return []; // the chart's load reports a broken .helmignore
  }
  const out: string[] = [];
  const walk = (abs: string, rel: string) => {
    for (const name of fs.linksIn!(abs)) {
      const r = rel === "" ? name : `${rel}/${name}`;
      if (!rules.ignores(r, false)) out.push(r);
    }
    for (const name of fs.readDir(abs)) {
      const childAbs = path.posix.join(abs, name);
      const r = rel === "" ? name : `${rel}/${name}`;
      if (fs.isDirectory(childAbs) && !rules.ignores(r, true)) walk(childAbs, r);
    }
  };
  walk(dir, "");
  return out.sort();
}

function chartLinksWarning(rel: string, links: string[]): string {
  const shown =
    links.length > 5 ? `${links.slice(0, 5).join(", ")} and ${links.length - 5} more` : links.join(", ");
  const one = links.length === 1;
  return `chart ${rel}: ${shown} ${one ? "is a symbolic link" : "are symbolic links"}, which Flux's source artifact does not hold (source-controller archives regular files and directories only): the chart renders without ${one ? "it" : "them"}, as in the cluster`;
}

// --- rendering one release -------------------------------------------------------------------

/**
 * The render of one release as a job for the render pool; undefined when its values fail or
 * the render cache already holds its output (then applied here).
 */
function releaseJob(
  p: Prepared,
  cluster: Cluster,
  pool: Map<string, KObject>,
  kubeVersion: string | undefined,
  apis: string[],
  hctx: Pick<HelmReleaseContext, "renderCache" | "releaseMemo" | "releaseKeyMemo">,
): ReleaseJob | undefined {
  const cache = hctx.renderCache;
  const { info, spec } = p;
  info.errors = [];
  p.cacheKey = undefined;
  p.apiVersionsRead = undefined;
  p.outputCrdApiVersions = undefined;
  renderIdentities.delete(info);
  let composed: ReturnType<typeof composeReleaseValues> | undefined;
  let valuesError: ValuesReferenceError | undefined;
  // What the values are composed from: with the object, they decide the values (releaseKeyMemo).
  const sources: Array<readonly [string, KObject | undefined]> = [];
  try {
    composed = composeReleaseValues(info.namespace, spec.valuesFrom, spec.values, (kind, ns, name) => {
      const key = `${kind}/${ns}/${name}`;
      const o = pool.get(key);
      sources.push([key, o]);
      return o;
    });
  } catch (e) {
    if (!(e instanceof ValuesReferenceError)) throw e;
    valuesError = e;
  }
  const seed = seedOf(cluster, spec);
  const secretInputs = composed ? [...composed.secretStrings, ...ownSecretValues(cluster, info)] : [];
  let hit: CachedRelease | undefined;
  // Secret material in the inputs: neither looked up nor stored (no key is derived from secrets).
  if (composed && cache && secretInputs.length === 0) {
    p.cacheKey = releaseKeyOf(
      cache,
      {
        chartIdentity: p.located!.identity,
        ...(p.valuesFilesKey !== undefined ? { valuesFiles: p.valuesFilesKey } : {}),
        values: composed.values,
        releaseName: spec.releaseName,
        releaseNamespace: spec.releaseNamespace,
        ...(kubeVersion ? { kubeVersion } : {}),
        apiVersions: apis,
        seed,
        now: RENDER_EPOCH,
        postRenderStrategy: postRenderStrategyOf(p, cluster),
        object: info.object,
      },
      sources,
      hctx.releaseKeyMemo,
    );
    if (p.cacheKey) {
      const id = p.cacheKey.id;
      hit = hctx.releaseMemo?.get(id) ?? readCachedRelease(cache, p.cacheKey, storedCrdsReader(p.located!));
      if (hit) hctx.releaseMemo?.set(id, hit);
    }
  }
  // Anything but a hit needs the chart first: a chart that does not load fails the release
  // before its values are looked at, as when it was loaded up front.
  if (!hit && !ensureChart(p)) {
    p.cacheKey = undefined;
    return undefined;
  }
  if (valuesError || !composed) {
    const problem = valuesError!.problem;
    fail(info, problem.message, {
      field: ["spec", "valuesFrom", problem.index],
      ...(problem.notFound ? { code: "VALUES_SOURCE_NOT_FOUND" as const } : {}),
      ...(problem.encrypted ? { code: "VALUES_SOURCE_ENCRYPTED" as const } : {}),
      ...(problem.clusterMade ? { code: "VALUES_SOURCE_CLUSTER_MADE" as const } : {}),
    });
    return undefined;
  }
  info.secretInputs = secretInputs;
  // A second pass replaces the first pass's warnings (skipped optional values, an unvalidated
  // schema) instead of adding the same ones again.
  info.warnings = [...(p.preparedWarnings ?? []), ...composed.skipped];
  info.renderInputs = {
    values: composed.values,
    apiVersions: apis,
    ...(kubeVersion ? { kubeVersion } : {}),
    ...(info.chartLocation ? { chartDir: info.chartLocation } : {}),
  };
  const job = jobOf(spec, seed, composed.values, kubeVersion, apis);
  if (hit) {
    applyHit(p, cluster, hit, job, hctx);
    return undefined;
  }
  return job;
}

/**
 * releaseCacheKey, or the key `memo` holds for the same object rendered from the same inputs
 * (the values composed from the same objects: composition is a function of those and the
 * object, which loading never changes).
 */
function releaseKeyOf(
  cache: RenderCache,
  inputs: ReleaseRenderInputs,
  sources: ReadonlyArray<readonly [string, KObject | undefined]>,
  memo: ReleaseKeyMemo | undefined,
): ReleaseCacheKey | undefined {
  const fields = releaseKeyInputs(inputs);
  const known = memo?.get(inputs.object);
  if (
    known !== undefined &&
    known.inputs === fields &&
    known.sources.length === sources.length &&
    known.sources.every(([key, o], i) => sources[i]![0] === key && sources[i]![1] === o)
  )
    return known.key;
  const key = releaseCacheKey(cache, inputs, fields);
  if (key !== undefined) memo?.set(inputs.object, { inputs: fields, sources, key });
  return key;
}

function jobOf(
  spec: ReleaseSpec,
  seed: string,
  values: GoMap,
  kubeVersion: string | undefined,
  apis: string[],
): ReleaseJob {
  return {
    releaseName: spec.releaseName,
    namespace: spec.releaseNamespace,
    values,
    ...(kubeVersion ? { kubeVersion } : {}),
    apiVersions: apis,
    skipSchemaValidation: spec.disableSchemaValidation,
    seed,
    now: RENDER_EPOCH,
  };
}

function seedOf(cluster: Cluster, spec: ReleaseSpec): string {
  return `${cluster.name}/${spec.releaseNamespace}/${spec.releaseName}`;
}

/**
 * A render job as a text, API versions aside (a render that ran ahead may have seen fewer):
 * equal texts, equal jobs of equal charts. Undefined when the values have no stable text.
 */
function aheadKey(chartIdentity: string, job: ReleaseJob): string | undefined {
  const values = fingerprint(job.values);
  if (values === undefined) return undefined;
  const { releaseName, namespace, kubeVersion, skipSchemaValidation, seed, now } = job;
  return JSON.stringify([
    chartIdentity,
    values,
    releaseName,
    namespace,
    kubeVersion ?? null,
    skipSchemaValidation,
    seed,
    now,
  ]);
}

/**
 * Whether `outcome`, the render of `ran` (a job equal to `job` but for its API versions), is
 * the render of `job`: with the same list, always; otherwise when the render looked only at
 * `Has` answers (not the whole list) and each of them is the same with `job`'s list. A render
 * that failed tells nothing of what it read: only with the same list.
 */
export function rendersAlike(outcome: ReleaseOutcome, ran: ReleaseJob, job: ReleaseJob): boolean {
  const a = ran.apiVersions;
  const b = job.apiVersions;
  if (a.length === b.length && a.every((v, i) => v === b[i])) return true;
  if (!outcome.ok || outcome.apiVersionsRead.whole) return false;
  const builtin = new Set(DEFAULT_API_VERSIONS);
  const inA = new Set([...builtin, ...a]);
  const inB = new Set([...builtin, ...b]);
  return outcome.apiVersionsRead.has.every((v) => inA.has(v) === inB.has(v));
}

/**
 * HelmReleases rendered while a cluster's Flux builds still run, so the render workers do not
 * wait for the builds: after each build, every HelmRelease found whose chart is found and
 * whose values compose from what is rendered so far starts rendering on a worker (the chart
 * loaded here, its facts kept for the render pass, which shares `charts`). What the builds
 * render later can change a release's values, its chart source or the API versions: the render
 * pass uses a render started here only for the same job (aheadKey) and API-version answers
 * (rendersAlike), so the output is what rendering after the builds gives. Only for a cold run:
 * when the render cache may hold releases, their renders are likely read from it instead.
 */
export class ReleasesAhead {
  readonly charts: ChartsOfPass;
  private seen = 0;
  private pending: HelmReleaseInfo[] = [];
  private readonly started = new Map<string, AheadRender>();
  /** API versions of the crds/ of the charts located so far (releases that install them). */
  private readonly chartCrds = new Set<string>();
  /** What each build adds to the inputs of the renders started here (poolInputsOfBuilds). */
  private readonly inputsOfBuild: BuildInputsMemo = new WeakMap();

  private constructor(
    private readonly hctx: HelmReleaseContext,
    private readonly cluster: Cluster,
  ) {
    this.charts = new ChartsOfPass(hctx.renderCache);
  }

  /** None when renders would not run ahead (a render cache that may hold them). */
  static of(hctx: HelmReleaseContext, cluster: Cluster): ReleasesAhead | undefined {
    if (hctx.renderCache?.mayHold?.(RELEASE_UNIT) ?? false) return undefined;
    return new ReleasesAhead(hctx, cluster);
  }

  /** Starts what the cluster's builds so far make known; called after each build. */
  advance(): void {
    const found = this.cluster.helmReleases;
    for (; this.seen < found.length; this.seen++) this.pending.push(found[this.seen]!);
    // Workers start once enough releases are found (foundHelmReleases); none are started here.
    if (this.pending.length === 0 || runningWorkers() === 0) return;
    let inputs: { pool: Map<string, KObject>; apis: string[] } | undefined;
    const inputsNow = () => {
      if (!inputs) {
        const kube = kubernetesOf(this.hctx.config, this.cluster.name);
        const builtin = new Set(DEFAULT_API_VERSIONS);
        const known = poolInputsOfBuilds(this.cluster, this.hctx.config, this.inputsOfBuild);
        const apis = new Set([
          ...kube.apiVersions,
          ...known.crdApis.filter((v) => !builtin.has(v)),
          ...this.chartCrds,
        ]);
        inputs = { pool: known.pool, apis: [...apis] };
      }
      return inputs;
    };
    this.pending = this.pending.filter((info) => {
      try {
        return this.start(info, inputsNow) === "later";
      } catch {
        return false; // the render pass meets the same problem and reports it
      }
    });
  }

  /** The render started for this job of this chart (API versions aside), taken once. */
  take(chartIdentity: string, job: ReleaseJob): AheadRender | undefined {
    const key = aheadKey(chartIdentity, job);
    const render = key === undefined ? undefined : this.started.get(key);
    if (render) this.started.delete(key!);
    return render;
  }

  /** Drops the renders no pass took (not rendered if no worker started them). */
  close(): void {
    for (const r of this.started.values()) dropAhead(r);
    this.started.clear();
    this.pending = [];
  }

  /** "later": what it needs may be rendered by a later build. */
  private start(
    info: HelmReleaseInfo,
    inputsNow: () => { pool: Map<string, KObject>; apis: string[] },
  ): "later" | "done" {
    const spec = readReleaseSpec(info.object);
    if (spec.suspended || !spec.chart) return "done";
    // Not rendered (prepare): its identity is secret.
    if (secretIdentitySpec("HelmRelease", this.hctx.secretsOf?.(info.object))) return "done";
    const located = locateChart(this.hctx, this.cluster, spec.chart, this.charts);
    const answer = located.answer;
    if ("external" in answer) return "later";
    if (!("located" in answer) || (located.valuesFiles?.files.length ?? 0) > 0) return "done";
    const lc = answer.located;
    const facts = this.charts.factsOf(lc);
    if (!("version" in facts)) return "done";
    if (spec.crds !== "Skip") for (const v of facts.crdApiVersions) this.chartCrds.add(v);
    const { pool, apis } = inputsNow();
    let values: GoMap;
    try {
      values = composeReleaseValues(info.namespace, spec.valuesFrom, spec.values, (kind, ns, name) =>
        pool.get(`${kind}/${ns}/${name}`),
      ).values;
    } catch (e) {
      if (e instanceof ValuesReferenceError) return "later";
      throw e;
    }
    const loaded = lc.load();
    if (!("chart" in loaded)) return "done";
    const kube = kubernetesOf(this.hctx.config, this.cluster.name);
    const job = jobOf(spec, seedOf(this.cluster, spec), values, kube.version, apis);
    const key = aheadKey(lc.identity, job);
    if (key === undefined || this.started.has(key)) return "done";
    const render = renderAhead(loaded.chart, job, poolOptions(this.hctx.renderCache));
    if (render) this.started.set(key, render);
    return "done";
  }
}

/**
 * A release whose render the cache holds: rendered, with the warnings and CRDs its summary
 * records; its objects are read when first looked at. Should they be unreadable then (the
 * entry damaged or removed since its summary was written), the release is rendered as a miss
 * would have been, so a damaged entry costs time, never objects.
 */
function applyHit(
  p: Prepared,
  cluster: Cluster,
  hit: CachedRelease,
  job: ReleaseJob,
  hctx: Pick<HelmReleaseContext, "renderCache" | "releaseMemo">,
): void {
  const info = p.info;
  const warnings = [...(info.warnings ?? [])];
  const base = releaseBase(info);
  setLazyResources(info, () => {
    const objects = hit.resources();
    if (objects)
      return objects.map((r) =>
        r.crd
          ? { ...base, object: r.object, crd: true }
          : r.hook
            ? { ...base, object: r.object, hook: r.hook }
            : { ...base, object: r.object },
      );
    info.warnings = warnings;
    renderIdentities.delete(info);
    if (ensureChart(p)) {
      const outcome = renderReleases([{ chart: p.chart!, job }], poolOptions(hctx.renderCache))[0]!;
      finishRelease(p, cluster, outcome, hctx);
    }
    // Assigned by finishRelease, fail or unavailable (a plain value from then on).
    return Object.getOwnPropertyDescriptor(info, "resources")?.value ?? [];
  });
  info.warnings = [...warnings, ...hit.warnings];
  info.status = "rendered";
  if (hit.apiVersionsRead) p.apiVersionsRead = hit.apiVersionsRead;
  p.outputCrdApiVersions = hit.crdApiVersions;
  renderIdentities.set(info, {
    key: p.cacheKey!.id,
    identities: hit.identities,
    plainNames: hit.plainNames === true,
  });
}

/**
 * A release entry's CRD objects from the entry its chart keeps beside it (StoredCrds), labelled
 * as releaseObjects labels them.
 */
function storedCrdsReader(lc: LocatedChart): StoredCrdsReader {
  return ({ at, labels }) => {
    const byPlace = lc.derived && readCrdDocsByPlace(lc.derived, lc.identity);
    if (!byPlace) return undefined;
    const out: KObject[] = [];
    for (const place of at) {
      const docs = byPlace.get(place);
      if (docs === undefined) return undefined;
      for (const obj of docs) {
        addLabels(obj, labels);
        out.push(obj);
      }
    }
    return out;
  };
}

function postRenderStrategyOf(p: Prepared, cluster: Cluster): PostRenderStrategy {
  return p.spec.postRenderStrategy ?? cluster.profile?.postRenderStrategy ?? "combined";
}

/** A rendered (or failed) release becomes the HelmRelease's objects, post-rendered. */
function finishRelease(
  p: Prepared,
  cluster: Cluster,
  outcome: ReleaseOutcome,
  hctx: Pick<HelmReleaseContext, "renderCache" | "releaseMemo">,
  charts?: ChartsOfPass,
): void {
  const cache = hctx.renderCache;
  const { info, spec } = p;
  const warningsBefore = info.warnings?.length ?? 0;
  if (!outcome.ok) {
    const offline = failureMayReadCluster(p.chart!, outcome.error);
    fail(
      info,
      `chart ${p.chart!.metadata.name} does not render: ${outcome.error}${offline ? `; the failing template calls lookup, which reads the live cluster: empty offline (as in helm template), where helm-controller's install reads the cluster's objects` : ""}`,
      offline ? { code: "CHART_READS_CLUSTER" } : {},
    );
    return;
  }
  if (outcome.unvalidatedSchemaRef)
    (info.warnings ??= []).push(
      `HelmRelease ${info.namespace}/${info.name}: values not validated against chart ${p.chart!.metadata.name}'s values.schema.json: it refers to ${outcome.unvalidatedSchemaRef}, which Slipway does not fetch`,
    );
  try {
    if (spec.crds !== "Skip" && outcome.release.crds.length > 0) charts?.primeCrdDocs(p.located, p.chart);
    const resources = releaseObjects(outcome.release, spec, info, postRenderStrategyOf(p, cluster), charts);
    info.resources = resources;
    markSecretFields(resources, info.secretInputs ?? []);
    info.status = "rendered";
    p.apiVersionsRead = outcome.apiVersionsRead;
    p.outputCrdApiVersions = crdApiVersions(
      resources.filter((r) => r.object.kind === "CustomResourceDefinition").map((r) => r.object),
    );
    const crdPlaces =
      spec.crds !== "Skip" && outcome.release.crds.length > 0
        ? charts?.storedCrdsOf(outcome.release.crds)
        : undefined;
    if (
      cache &&
      p.cacheKey &&
      writeCachedRelease(
        cache,
        p.cacheKey,
        resources,
        (info.warnings ?? []).slice(warningsBefore),
        outcome.apiVersionsRead,
        p.outputCrdApiVersions,
        hctx.releaseMemo,
        crdPlaces ? { at: crdPlaces, labels: originLabels(spec.namespace, spec.name) } : undefined,
      )
    )
      renderIdentities.set(info, {
        key: p.cacheKey.id,
        identities: resources.map((r) => objectIdentity(r.object)),
        plainNames: plainNames(resources.map((r) => r.object)),
      });
  } catch (e) {
    if (e instanceof PostRenderError)
      fail(info, e.message, e.inPostRenderers ? { field: ["spec", "postRenderers"] } : {});
    else fail(info, `chart output: ${e instanceof SlipwayError ? e.format() : (e as Error).message}`);
  }
}

/** Manifests, hooks (as helm-controller installs them) and crds/ as applied objects. */
function releaseObjects(
  release: RenderedRelease,
  spec: ReleaseSpec,
  info: HelmReleaseInfo,
  strategy: PostRenderStrategy,
  charts?: ChartsOfPass,
): RenderedResource[] {
  // The objects a render worker parsed and sent, else parsed here (from the sort's scans where
  // the render kept them: manifest-scans.ts).
  const parse = (m: Manifest, text: string) => sentManifestObjects(m, text) ?? manifestObjects(m, text);
  // Post-renderers read `---\n# Source: …\n<document>\n`: a block scalar ending a document
  // keeps its line break. Hooks that skip them are applied from the trimmed document itself.
  const manifests = release.manifests.flatMap((m) => parse(m, `${m.content}\n`));
  const hookText = (h: Hook) => (strategy === "nohooks" ? h.content : `${h.content}\n`);
  const hooks: Array<{ hook: Hook; obj: KObject }> = [];
  if (!spec.disableHooks) {
    for (const h of release.hooks) {
      if (h.events.includes("test") && !spec.testEnabled) continue;
      for (const obj of parse(h, hookText(h))) hooks.push({ hook: h, obj });
    }
  }
  const hookObjects = hooks.map((h) => h.obj);
  let renderedManifests: KObject[];
  let renderedHooks: KObject[];
  if (strategy === "separate") {
    // Helm 4.2 renderResources: hooks, then manifests, each through its own post-renderer run
    // (a group with no documents is skipped), so one object in both no longer collides.
    renderedHooks = hookObjects.length > 0 ? postRender(hookObjects, spec, true) : [];
    renderedManifests = manifests.length > 0 ? postRender(manifests, spec, true) : [];
  } else if (strategy === "combined") {
    const all = postRender([...manifests, ...hookObjects], spec, true);
    renderedManifests = all.slice(0, all.length - hookObjects.length);
    renderedHooks = all.slice(all.length - hookObjects.length);
    if (all.length !== manifests.length + hookObjects.length) {
      // A post-renderer that adds or removes objects: hooks are told apart by their annotation.
      renderedManifests = all.filter((o) => !hookAnnotation(o));
      renderedHooks = all.filter((o) => hookAnnotation(o));
    }
  } else {
    renderedManifests = postRender(manifests, spec, true);
    renderedHooks = hookObjects;
    const origin = originLabels(spec.namespace, spec.name);
    for (const o of renderedHooks) addLabels(o, origin);
  }
  const crds: KObject[] = [];
  if (spec.crds !== "Skip") {
    for (const f of release.crds)
      for (const obj of charts?.takeCrdDocs(f.data) ?? parseCrdDocuments(f.content, f.path)) {
        addLabels(obj, originLabels(spec.namespace, spec.name));
        crds.push(obj);
      }
  }
  const base = releaseBase(info);
  const withNamespace = (o: KObject) => {
    // Helm installs namespaced objects without a namespace into the release namespace.
    if (isMap(o.metadata) && !o.metadata.namespace && !helmLeavesUnnamespaced(o))
      o.metadata.namespace = spec.releaseNamespace;
    return o;
  };
  return [
    ...crds.map((object) => ({ ...base, object, crd: true })),
    ...renderedManifests.map((object) => ({ ...base, object: withNamespace(object) })),
    ...renderedHooks.map((object) => ({ ...base, object: withNamespace(object), hook: hookEvents(object) })),
  ];
}

/**
 * The pool's options for a repository's releases: a chart's parse is stored on its second use
 * (persisted-parse.ts), since a later run parses only charts of releases whose inputs changed.
 */
function poolOptions(cache: RenderCache | undefined): PoolOptions {
  return cache ? { cache, parses: "second-use" } : {};
}

/** What every object of a release shares (one object, as the fields of a cold render do). */
function releaseBase(info: HelmReleaseInfo) {
  return {
    touchedBy: [] as string[],
    kustomization: info.kustomization,
    cluster: info.cluster,
    helmRelease: `${info.namespace}/${info.name}`,
    ...(info.definedAt ? { source: info.definedAt } : {}),
  };
}

function hookAnnotation(o: KObject): string | undefined {
  const a =
    isMap(o.metadata) && isMap(o.metadata.annotations) ? o.metadata.annotations["helm.sh/hook"] : undefined;
  return typeof a === "string" ? a : undefined;
}

function hookEvents(o: KObject): string[] {
  return (hookAnnotation(o) ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function addLabels(o: KObject, labels: Record<string, string>): void {
  if (!isMap(o.metadata)) o.metadata = {};
  const m = o.metadata as YamlMap;
  m.labels = { ...(isMap(m.labels) ? m.labels : {}), ...labels };
}

/**
 * Whether Helm leaves an object without a namespace as it is: its kind is cluster-scoped. Helm
 * asks the cluster; offline, the built-in kinds and cert-manager's ClusterIssuer (the custom
 * cluster-scoped kind charts render most) stand for it.
 */
function helmLeavesUnnamespaced(o: KObject): boolean {
  const kind = String(o.kind);
  return isBuiltinClusterScoped(groupOf(o), kind) || kind === "ClusterIssuer";
}

// --- secrets -----------------------------------------------------------------------------------

/** Shorter secret strings are not searched for in chart output (they would mark unrelated fields). */

/**
 * Marks every field of chart output whose text holds a value that came from a secret (a
 * valuesFrom Secret, a SOPS-decrypted `spec.values` field): templates lose where a value came
 * from, so the output is searched for the values themselves — and for the forms templates
 * commonly print them in (secretForms): a chart that writes `toJson .Values` or `toYaml .Values`
 * into a ConfigMap printed a password with a quote or an ampersand JSON-escaped, a multi-line
 * key line by line, `b64enc`/`urlquery`/`upper` forms, none of them equal to the value — and
 * for parts of them (secretFragments: `trunc`, `substr`).
 */
function markSecretFields(resources: RenderedResource[], secretStrings: string[]): void {
  const wanted = [...secretForms(secretStrings), ...secretFragments(secretStrings)];
  if (wanted.length === 0) return;
  for (const r of resources) {
    const found = secretTextMarks(r.object, wanted);
    if (found) r.secrets = unionSecrets(r.secrets, found);
  }
}

/** The strings of the HelmRelease's own fields that are secret (SOPS-decrypted, substituted from a Secret). */
function ownSecretValues(cluster: Cluster, info: HelmReleaseInfo): string[] {
  const applied = cluster.kustomizations
    .find((k) => k.id === info.kustomization)
    ?.resources.find((r) => r.object === info.object);
  return secretSpecStrings(info.object, applied?.secrets);
}

// --- cluster inputs ----------------------------------------------------------------------------

/** A ConfigMap or Secret of the core group as valuesFrom names it (kind/namespace/name), and the object. */
type PoolEntry = [string, KObject];

/** What one build adds to the inputs of a render started ahead: pool entries, CRD API versions. */
interface BuildPoolInputs {
  pool: PoolEntry[];
  apis: string[];
}

/** BuildPoolInputs by the build's resources array (load.ts assigns one whole when the build is done). */
export type BuildInputsMemo = WeakMap<readonly RenderedResource[], BuildPoolInputs>;

/**
 * objectPool and crdApiVersions(poolCrds) of the cluster's builds so far, each build's part
 * taken from `memo` once made. ReleasesAhead asks after every build, and going through every
 * object of the builds so far each time made its questions quadratic: ~37 ms of a cold check of
 * bjw-s home-ops (94 builds). Only renders started ahead use it: whatever it gives, such a
 * render is used for the very job the render pass makes from inputs it computes afresh.
 */
export function poolInputsOfBuilds(
  cluster: Cluster,
  config: SlipwayConfig | undefined,
  memo: BuildInputsMemo,
): { pool: Map<string, KObject>; crdApis: string[] } {
  const ofBuild = (resources: readonly RenderedResource[]): BuildPoolInputs => {
    let known = memo.get(resources);
    if (known === undefined) {
      known = { pool: poolEntries(resources), apis: crdApiVersions(crdsOf(resources)) };
      memo.set(resources, known);
    }
    return known;
  };
  const crdApis: string[] = [];
  for (const k of cluster.kustomizations) for (const v of ofBuild(k.resources).apis) crdApis.push(v);
  return { pool: objectPool(cluster, config, (resources) => ofBuild(resources).pool), crdApis };
}

/** The objects of one build that valuesFrom may read, in order (objectPool's entries). */
function poolEntries(resources: readonly RenderedResource[]): PoolEntry[] {
  const out: PoolEntry[] = [];
  for (const r of resources) {
    const o = r.object;
    if ((o.kind === "ConfigMap" || o.kind === "Secret") && groupOf(o) === "")
      out.push([`${o.kind}/${metaString(o, "namespace")}/${metaString(o, "name")}`, o]);
  }
  return out;
}

/**
 * ConfigMaps and Secrets the cluster's Flux Kustomizations render (first one wins), then those
 * slipway.yaml declares under `clusterObjects` (made by the bootstrap or Terraform).
 */
function objectPool(
  cluster: Cluster,
  config: SlipwayConfig | undefined,
  entriesOf: (resources: readonly RenderedResource[]) => PoolEntry[] = poolEntries,
): Map<string, KObject> {
  const pool = new Map<string, KObject>();
  for (const k of cluster.kustomizations) {
    for (const [key, o] of entriesOf(k.resources)) if (!pool.has(key)) pool.set(key, o);
  }
  for (const o of declaredObjects(config?.clusterObjects, cluster.name)) {
    const key = `${o.kind}/${metaString(o, "namespace")}/${metaString(o, "name")}`;
    if (!pool.has(key)) pool.set(key, o);
  }
  return pool;
}

/**
 * The CRDs of each build's objects, by the build's resources array (load.ts assigns one whole
 * when the build is done and never changes it in place): ReleasesAhead asks after every build,
 * and going through every build's objects each time cost a cold check of bjw-s home-ops ~5 ms.
 */
const crdsOfBuild = new WeakMap<readonly RenderedResource[], KObject[]>();

/** The CRDs of the cluster's builds, in build order (exported for tests). */
export function poolCrds(cluster: Cluster): KObject[] {
  const out: KObject[] = [];
  for (const k of cluster.kustomizations) for (const crd of crdsOf(k.resources)) out.push(crd);
  return out;
}

/** The CRDs of one build's objects, in order. */
function crdsOf(resources: readonly RenderedResource[]): KObject[] {
  let crds = crdsOfBuild.get(resources);
  if (crds === undefined) {
    crds = [];
    for (const r of resources) if (r.object.kind === "CustomResourceDefinition") crds.push(r.object);
    crdsOfBuild.set(resources, crds);
  }
  return crds;
}

/** `group/version` and `group/version/Kind` of each served version of some CRDs. */
export function crdApiVersions(crds: KObject[]): string[] {
  const out: string[] = [];
  for (const crd of crds) {
    const spec = isMap(crd.spec) ? crd.spec : undefined;
    if (!spec || typeof spec.group !== "string") continue;
    const kind = isMap(spec.names) && typeof spec.names.kind === "string" ? spec.names.kind : "";
    const versions = Array.isArray(spec.versions)
      ? spec.versions.filter(isMap).map((v) => String(v.name ?? ""))
      : typeof spec.version === "string"
        ? [spec.version]
        : [];
    for (const v of versions) {
      if (!v) continue;
      out.push(`${spec.group}/${v}`);
      if (kind) out.push(`${spec.group}/${v}/${kind}`);
    }
  }
  return out;
}

/**
 * `keep`: given each crds/ file that parsed (its place, its bytes, its documents: read here,
 * never changed), unless the file starts with a byte order mark: the text is Buffer's decoding,
 * which keeps the mark, and releaseObjects' text (TextDecoder's) drops it, so such a file is
 * parsed there again as before.
 */
function chartCrdApiVersions(chart: Chart, keep?: (file: CrdFileDocs) => void): string[] {
  const out: string[] = [];
  eachCrdFile(chart, (at, data, name) => {
    if (!/^crds\/.*\.(ya?ml|json)$/.test(name)) return;
    try {
      // A view of the bytes, not a copy (kube-prometheus-stack's crds/ are megabytes).
      const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8");
      const docs = parseCrdDocuments(text, name);
      out.push(...crdApiVersions(docs));
      if (text.charCodeAt(0) !== 0xfeff) keep?.({ at, data, docs });
    } catch {
      // a broken crds/ file fails the render itself, with its message
    }
  });
  return out;
}

/** The objects of a crds/ file as releaseObjects applies them (documents that are maps). */
function parseCrdDocuments(text: string, file: string): KObject[] {
  return parseYamlDocuments(text, file).flatMap((d) => (isMap(d.value) ? [d.value as KObject] : []));
}

function readsApiVersions(chart: Chart): boolean {
  const visit = (c: Chart): boolean =>
    c.templates.some((t) => Buffer.from(t.data).includes("APIVersions")) || c.dependencies.some(visit);
  return visit(chart);
}

/** The cluster's `.Capabilities` from slipway.yaml (per cluster, over the top level). */
export function kubernetesOf(
  config: SlipwayConfig | undefined,
  cluster: string,
): { version?: string; apiVersions: string[] } {
  const own: KubernetesConfig | undefined = config?.clusters?.find((c) => c.name === cluster)?.kubernetes;
  const all = config?.kubernetes;
  const version = own?.version ?? all?.version;
  const builtin = new Set(DEFAULT_API_VERSIONS);
  const extra = [...(all?.apiVersions ?? []), ...(own?.apiVersions ?? [])].filter((v) => !builtin.has(v));
  return { ...(version ? { version } : {}), apiVersions: extra };
}
