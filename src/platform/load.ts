/**
 * loadPlatform: discovers the clusters of a repository and follows each one's tree of Flux
 * Kustomizations as kustomize-controller would, without a cluster: build the root's path,
 * collect the Flux Kustomizations in its output, build each of their paths relative to its
 * source's root, and so on. A Kustomization whose `substituteFrom` names a ConfigMap/Secret
 * that another Kustomization of the cluster renders waits for it (as Flux retries until it
 * exists); what never appears is missing. One broken Kustomization never stops the others.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { ArtifactFileSystem, isArtifactGenerator } from "../artifacts/index.js";
import { defaultRenderCache, type RenderCache } from "../cache/index.js";
import { SlipwayError } from "../errors.js";
import { postBuildSettings, StrictSubstitutionError, type VariableSourceRef } from "../flux/postbuild.js";
import {
  type ControllerProfile,
  detectFlux,
  resolveProfile,
  strictSubstitutionReason,
} from "../flux/profile.js";
import { confinedView } from "../fs/confined.js";
import { DiskFileSystem, type FileSystem } from "../fs/filesystem.js";
import { InRepoLinksFileSystem } from "../fs/in-repo-links.js";
import { relativePath } from "../fs/posix-path.js";
import { type ArtifactKind, SourceArtifactFileSystem, type SpecIgnore } from "../fs/source-artifact.js";
import { CoveredFileSystem } from "../fs/tree-digest.js";
import { helmEngine } from "../helm/engine-access.js";
import { MIN_JOBS_FOR_WORKERS } from "../helm/pool/index.js";
import type { ChartProvider } from "../helmrelease/charts.js";
import { buildResources } from "../kustomize/build.js";
import { cloneValue, deepEqual } from "../kustomize/clone.js";
import { ChartNotVendoredError } from "../kustomize/generators/helm-chart.js";
import { RemoteResourceError } from "../kustomize/loader.js";
import type { Resource } from "../kustomize/resource.js";
import { BuildCache, type GeneratorPluginRunner } from "../kustomize/target.js";
import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";
import type { BuiltObject } from "../operator/build.js";
import { operatorFuncs } from "../operator/funcs.js";
import { isInputProvider, isResourceSet } from "../operator/resourceset.js";
import { SecretIdentityError, withoutIdentity } from "../secrets/kinds.js";
import { SecretPaths } from "../secrets/paths.js";
import { credentialMarks, redactUrl, redactUrlsIn } from "../url-credentials.js";
import { YamlNestingError } from "../yaml/limits.js";
import {
  type SubstitutionWebhook,
  substitutionWebhook,
  webhookNotice,
  webhookVariables,
} from "./admission-variables.js";
import { encryptedSecretRefusal } from "./apply-refusals.js";
import { ARTIFACT_ROOT, ClusterArtifacts } from "./artifacts.js";
import { buildFluxPath, type FluxBuild, secureJoin } from "./build.js";
import {
  type BuildReads,
  cachedFluxBuild,
  cachedPostBuild,
  type PostBuildLookup,
  type PostBuildMemo,
  postBuildInputs,
  RunAnswers,
  storePostBuild,
  storeUncacheablePostBuild,
} from "./build-cache.js";
import { type Checkout, readCheckout } from "./checkout.js";
import {
  type ClusterProducedSecret,
  clusterProducedSecret,
  declaredObjects,
  type ProducedSecret,
  placeholderSecret,
  placeholderValue,
  producedSecret,
} from "./cluster-objects.js";
import { confineConfig, readConfig, type SlipwayConfig, type SourceMapping } from "./config.js";
import { Convergence, seedNotice } from "./convergence.js";
import { type DiscoveredCluster, inClusterServiceSync, locationKey } from "./discover.js";
import { clusterReach, findClusters, type StackReads } from "./find-clusters.js";
import {
  dependsOnOf,
  groupOf,
  isFluxKustomization,
  isHelmRelease,
  KUSTOMIZE_GROUP,
  metaString,
  sourceKindOf,
  sourceRefOf,
  specOf,
  stringField,
} from "./flux-objects.js";
import {
  foundHelmReleases,
  type HelmReleaseContext,
  kubernetesOf,
  RENDER_EPOCH,
  ReleasesAhead,
  renderHelmReleases,
} from "./helmreleases.js";
import { contentAfterEmptyFirstDocument } from "./kustomization-file.js";
import { KEPT_READ_BYTES, rememberLoadedFiles } from "./loaded-files.js";
import { secretForms, withholdSecretMessages } from "./masking.js";
import {
  addNotice,
  type Cluster,
  type DiscoveryNote,
  type FluxKustomization,
  type FluxSource,
  type HelmReleaseInfo,
  isPartlyRendered,
  kustomizationId,
  type ObjectRef,
  type Platform,
  type PlatformError,
  type RenderedResource,
  type RenderNotice,
  type ResourceSetInfo,
  type SealedSubstitution,
  type SourceLocation,
  sameObjectRef,
} from "./model.js";
import { substitutedWith } from "./path-from-place.js";
import { KustomizationFieldError, postProcess } from "./postprocess.js";
import { ReadSets } from "./read-sets.js";
import { installsReflector, reflectorMirrors } from "./reflector.js";
import type { ReleaseKeyMemo, ReleaseMemo } from "./release-cache.js";
import {
  applyOperatorClusterData,
  ClusterInputProviders,
  newResourceSetNode,
  prepareResourceSet,
  renderedResourceSetObjects,
} from "./resourcesets.js";
import { checkoutRule } from "./same-repository.js";
import { type FluxDocument, MAX_SCAN_BYTES, type RepositoryScan, scanRepository, sourcesOf } from "./scan.js";
import { secretIdentitySpec } from "./secret-spec.js";
import { buildReadsSecretSpec, secretKustomizationStrings } from "./secret-text.js";
import { specIgnoreOf, specIgnoreOfObject } from "./source-ignore.js";
import { linksLeftOut } from "./source-links.js";

/**
 * The SOPS hook (decryption is a separate module). Called only for Flux Kustomizations with
 * `spec.decryption.provider: sops`.
 */
export interface DecryptionHooks {
  /** Before the build: serve decrypted generator/patch inputs below `dir` (SPEC §4). */
  files?: (fs: FileSystem, dir: string, kustomization: FluxKustomization) => FileSystem;
  /** After the build, per object (SPEC §4); returns the decrypted object and the fields it decrypted. */
  resource?: (
    object: KObject,
    kustomization: FluxKustomization,
  ) => { object: KObject | undefined; secrets?: SecretPaths };
  /**
   * Non-builtin generators (ksops) of plain kustomize stacks (slipway.yaml clusters without
   * Flux). Flux builds never get them: kustomize-controller runs builtin plugins only.
   */
  generatorPlugins?: GeneratorPluginRunner;
}

/**
 * What a Flux Kustomization's render depends on besides its object and the files below its
 * path: with equal inputs, equal objects and unchanged files, two renders are equal.
 */
export interface KustomizationInputs {
  /** Repository-relative directory of the cluster it belongs to. */
  clusterPath: string;
  /** Repository-relative root of its source's artifact. */
  sourceRoot: string;
  /** Digest of the substituteFrom objects it reads (and of a postBuild spec error), "" without postBuild. */
  variables: string;
  /** The controller profile settings a build depends on (strict substitution). */
  profile: string;
  /** The spec.ignore of its source (what the artifact leaves out); undefined when unset. */
  ignore?: string;
  /**
   * For a source composed by an ArtifactGenerator: digest of the artifact's files (paths and
   * content). It determines everything the build reads, so no file of the repository needs
   * checking besides it.
   */
  artifact?: string;
}

/**
 * Called for each Flux Kustomization just before it is built (a root probed for its own
 * spec is built already), when its variable sources are known. Returning a Kustomization of an earlier render whose inputs
 * are the same makes this one take its result (status, objects, errors) instead of building:
 * changed-only diffs render one revision in full and reuse it for what did not change.
 */
export type ReuseRender = (
  k: FluxKustomization,
  inputs: KustomizationInputs,
) => FluxKustomization | undefined;

export type PlatformProgress =
  | { type: "discovered"; clusters: string[] }
  | { type: "kustomization"; cluster: string; id: string; done: number; known: number }
  /** A cluster about to render (again, when its render converges): filled in as it renders. */
  | { type: "rendering"; cluster: Cluster }
  | { type: "cluster"; cluster: Cluster };

export interface LoadPlatformOptions {
  fs?: FileSystem;
  /**
   * Absolute directories outside the repository that slipway.yaml may name (`--allow-path`).
   * Nothing else outside the repository root is ever read.
   */
  allowedPaths?: string[];
  /** Only these clusters (by name). Unknown names are reported in `platform.errors`. */
  clusters?: string[];
  /**
   * StrictPostBuildSubstitutions; default slipway.yaml's `strict`, else the cluster's controller
   * profile (true from Flux 2.9, kustomize-controller 1.9).
   */
  strict?: boolean;
  decrypt?: DecryptionHooks;
  /** Share base builds with other work of the same run. */
  cache?: BuildCache;
  onProgress?: (event: PlatformProgress) => void;
  reuse?: ReuseRender;
  /**
   * Charts of HelmReleases that are not in the repository (the chart cache); without it such
   * HelmReleases are reported as not cached. `false` renders no HelmRelease at all.
   */
  charts?: ChartProvider | false;
  /**
   * Rendered HelmReleases and built Flux Kustomization paths (build-cache.ts) kept between
   * runs (src/cache); default: under the chart cache's
   * directory unless SLIPWAY_NO_CACHE is set. `false`: render everything.
   */
  renderCache?: RenderCache | false;
  /**
   * HelmRelease renders read from or written to the render cache in this run, by cache key: a
   * diff's two loads share one, so a release whose inputs are the same at both revisions is read
   * once and both platforms hold the same objects.
   */
  releaseMemo?: ReleaseMemo;
  /**
   * HelmRelease cache keys computed in this run, by HelmRelease object: a changed-only diff's two
   * loads share one, so a release the base takes with a reused Flux Kustomization (the head's
   * object) is not keyed again when what its values are composed from is the same.
   */
  releaseKeyMemo?: ReleaseKeyMemo;
  /**
   * Post-processed Flux builds read from the render cache in this run, by entry: a diff's two
   * loads share one, so an entry both revisions read is decoded once and both platforms hold its
   * objects (which loading never changes).
   */
  postBuildMemo?: PostBuildMemo;
  /**
   * The checkout's remotes and branch (checkout.ts), which tell the GitRepositories that are
   * this repository under another name; default: read from `<root>/.git`. A diff passes the one
   * checkout both its revisions belong to.
   */
  checkout?: Checkout;
}

export function loadPlatform(repoRoot: string, opts: LoadPlatformOptions = {}): Platform {
  const root = toPosixAbsolute(repoRoot);
  const allowed = (opts.allowedPaths ?? []).map(toPosixAbsolute);
  // Every read of the run stays in the repository (and the allowed directories), links included.
  const fs = confinedView(opts.fs ?? new DiskFileSystem(), [root, ...allowed]);
  const platform: Platform = { root, clusters: [], errors: [] };
  // What reads the repository after the load reads what the load read (loaded-files.ts): from
  // the disk (directly or through decryption's view of it), the view keeps the bytes; through
  // the result cache's snapshot of the disk (src/check/run.ts), the snapshot holds them already.
  if (fs.base instanceof DiskFileSystem) {
    fs.keepReads(KEPT_READ_BYTES);
    rememberLoadedFiles(platform, fs);
  } else if (fs.base instanceof CoveredFileSystem) {
    rememberLoadedFiles(platform, fs);
  }
  if (!fs.isDirectory(root)) {
    platform.errors.push({ message: `repository root ${root} is not a directory` });
    return platform;
  }
  let config: SlipwayConfig | undefined;
  try {
    config = readConfig(fs, root);
    if (config) {
      // The file system as it is, not the view: the config's paths are judged by where they lead
      // (a caller may give the view, a changed-only diff does: one per revision for its reads).
      const confined = confineConfig(config, root, fs.base, allowed);
      config = confined.config;
      for (const e of confined.errors) platform.errors.push(toPlatformError(e));
    }
    platform.config = config;
  } catch (err) {
    platform.errors.push(toPlatformError(err));
  }
  let stackFs: FileSystem | undefined;
  let stackCache: BuildCache | undefined;
  const ctx: RenderContext = {
    fs,
    root,
    stackFs: () => (stackFs ??= new InRepoLinksFileSystem(fs.base, fs.roots)),
    stackCache: () => (stackCache ??= new BuildCache()),
    cache: opts.cache ?? new BuildCache(),
    strict: opts.strict ?? config?.strict,
    ...(opts.strict !== undefined
      ? { strictFrom: "the strict option Slipway was run with" }
      : config?.strict !== undefined
        ? { strictFrom: `slipway.yaml sets strict: ${config.strict}` }
        : {}),
    config,
    sources: config?.sources ?? [],
    checkoutSources: [],
    isCheckoutSource: () => false,
    decrypt: opts.decrypt,
    onProgress: opts.onProgress,
    reuse: opts.reuse,
    artifacts: new Map(),
    sourceDocuments: [],
    mounts: new Map(),
    secretsOf: new WeakMap(),
    charts: opts.charts,
    renderCache: opts.renderCache === false ? undefined : (opts.renderCache ?? defaultRenderCache()),
    releaseMemo: opts.releaseMemo,
    releaseKeyMemo: opts.releaseKeyMemo,
    postBuildMemo: opts.postBuildMemo,
    answers: new RunAnswers(),
  };
  const scan = scanRepository(fs, root);
  const clone = opts.checkout ?? readCheckout(root);
  const checkout = checkoutRule(scan, clone);
  ctx.checkoutSources = checkout.sources.filter((r) => !ctx.sources.some((s) => sameObjectRef(s, r)));
  ctx.isCheckoutSource = checkout.isCheckout;
  ctx.sources = [...ctx.sources, ...ctx.checkoutSources.map((r) => ({ ...r, path: "." }))];
  scan.selfSources = [...ctx.checkoutSources];
  scan.otherSources = checkout.others;
  scan.checkoutRemotes = clone.remotes;
  ctx.sourceDocuments = scan.gitRepositories;
  for (const file of scan.tooLarge) {
    platform.errors.push({
      message: `not scanned for Flux objects: larger than ${MAX_SCAN_BYTES} bytes`,
      file,
    });
  }
  // A repository with HelmReleases to render starts the render workers now: they load while
  // the Flux builds run, and render the releases found meanwhile (ReleasesAhead).
  if (ctx.charts !== false)
    foundHelmReleases(ctx.renderCache, Math.min(scan.helmReleases, MIN_JOBS_FOR_WORKERS));
  const wanted = opts.clusters && opts.clusters.length > 0 ? new Set(opts.clusters) : undefined;

  const rendered = new Map<DiscoveredCluster, Cluster>();
  const render = (d: DiscoveredCluster) => {
    let c = rendered.get(d);
    if (!c) {
      c = renderCluster(ctx, d);
      rendered.set(d, c);
    }
    return c;
  };
  const reads = new ReadSets([fs], "precise");
  let stackReads: StackReads | undefined;
  const stackReadsOf = () =>
    (stackReads ??= { reads: new ReadSets([ctx.stackFs()], "precise"), fs: ctx.stackFs() });
  const found = findClusters({
    fs,
    root,
    scan,
    config,
    wanted,
    render,
    reads,
    stackReads: stackReadsOf,
  });
  const all = found.clusters;
  const selected = wanted ? all.filter((c) => wanted.has(c.name)) : all;
  if (wanted) {
    for (const n of wanted) {
      if (!all.some((c) => c.name === n)) {
        platform.errors.push({
          message: `no cluster named '${n}' (found: ${all.map((c) => c.name).join(", ") || "none"})`,
        });
      }
    }
  }
  opts.onProgress?.({ type: "discovered", clusters: selected.map((c) => c.name) });
  platform.clusters = selected.map((d) => {
    const c = render(d);
    opts.onProgress?.({ type: "cluster", cluster: c });
    return c;
  });
  markBootstrapSources(scan, fs, root, [...rendered.values()]);
  const notes = [
    ...found.notes,
    ...scan.unreadable.map((u) => ({
      kind: "unread" as const,
      message: `not scanned for Flux objects: ${u.why}`,
      file: u.file,
    })),
    ...scan.unreadValues.map((u) => ({
      kind: "unread" as const,
      message: u.why,
      file: u.file,
      line: u.line,
    })),
  ];
  if (!wanted)
    notes.push(...unappliedNotes(scan, platform.clusters, reads, root, stackReadsOf, found.explained));
  platform.discovery = { notes };
  withholdSecretMessages(platform);
  return platform;
}

/**
 * Flux Kustomization documents that no rendered cluster applies, and that no cluster's build
 * reads either (a patch file, say, or a document of a Kustomization that failed): one note per
 * file, naming each (kashalls' azeroth/ks.yaml, four apps' Kustomizations, had four notes). A file
 * whose documents a not-a-cluster note names already has its note (ChipWolf's template copy of
 * the root: "a copy of the one in …: not a cluster", then "applied by no rendered cluster").
 */
function unappliedNotes(
  scan: RepositoryScan,
  clusters: Cluster[],
  reads: ReadSets,
  root: string,
  stackReads: () => StackReads,
  noted: ReadonlySet<string>,
): DiscoveryNote[] {
  const applied = new Set<string>();
  const read = new Set<string>();
  for (const c of clusters) {
    for (const k of c.kustomizations) if (k.definedAt) applied.add(locationKey(k.definedAt));
    for (const f of clusterReach(reads, root, c, "files", stackReads)) read.add(f);
  }
  const byFile = new Map<string, { line: number; ids: string[] }>();
  for (const doc of scan.kustomizations) {
    if (applied.has(locationKey(doc.at)) || read.has(doc.at.file)) continue;
    if (noted.has(doc.at.file)) continue;
    const id = `${metaString(doc.object, "namespace") || "(no namespace)"}/${metaString(doc.object, "name")}`;
    const file = byFile.get(doc.at.file);
    if (file) file.ids.push(id);
    else byFile.set(doc.at.file, { line: doc.at.line, ids: [id] });
  }
  return [...byFile].map(([file, { line, ids }]) => ({
    kind: "unapplied",
    message:
      ids.length === 1
        ? `Flux Kustomization ${ids[0]} is applied by no rendered cluster`
        : `Flux Kustomizations ${ids.join(", ")} are applied by no rendered cluster`,
    file,
    line,
  }));
}

interface RenderContext {
  fs: FileSystem;
  root: string;
  /** slipway.yaml's `sources`, then the GitRepositories of the checkout's own repository (read at `.`). */
  sources: readonly SourceMapping[];
  /** The GitRepositories of the checkout's own repository (same-repository.ts checkoutSources). */
  checkoutSources: readonly ObjectRef[];
  /** Whether a GitRepository's spec, as a cluster renders it, is the checkout's (same-repository.ts checkoutRule). */
  isCheckoutSource: (spec: YamlMap) => boolean;
  /**
   * The repository as plain kustomize stacks read it: symbolic links that stay inside it
   * followed, as `kubectl kustomize` follows them (Flux builds read `fs`, which holds none).
   */
  stackFs: () => FileSystem;
  cache: BuildCache;
  /**
   * Plain stacks' bases and kustomization files, for this load only: they are read through
   * `stackFs`, which sees a linked file that Flux's view does not, and what a long-running
   * process drops from `cache` when files change is found without following links.
   */
  stackCache: () => BuildCache;
  /** Explicit StrictPostBuildSubstitutions (option or slipway.yaml); else the cluster's profile decides. */
  strict?: boolean;
  /** Where `strict` was set, for the strict-mode error. */
  strictFrom?: string;
  config?: SlipwayConfig;
  decrypt?: DecryptionHooks;
  onProgress?: (event: PlatformProgress) => void;
  reuse?: ReuseRender;
  /** Each local source's artifact view (ignore rules applied), by source root and spec.ignore (viewKey). */
  artifacts: Map<string, FileSystem>;
  /** The repository's GitRepository documents: a root's source before anything is rendered. */
  sourceDocuments: FluxDocument[];
  /** ExternalArtifacts composed by ArtifactGenerators, by absolute mount directory. */
  mounts: Map<string, ArtifactFileSystem>;
  /** The secret fields of every rendered object (variable sources and Flux Kustomizations read them). */
  secretsOf: WeakMap<KObject, SecretPaths>;
  charts?: ChartProvider | false;
  renderCache?: RenderCache;
  releaseMemo?: ReleaseMemo;
  releaseKeyMemo?: ReleaseKeyMemo;
  postBuildMemo?: PostBuildMemo;
  /** The file system's answers to the render cache's build lookups, for this run. */
  answers: RunAnswers;
}

/** What one cluster's render depends on besides the repository. */
interface ClusterState {
  profile: ControllerProfile;
  /** The spec.ignore of the source `ref` names, as the cluster holds it now (source-ignore.ts). */
  ignoreOf: (ref: ObjectRef) => SpecIgnore | undefined;
  /** The repository directory the source `ref` names is, when it is this repository (localSourceRoot). */
  localRoot: (ref: ObjectRef) => string | undefined;
  strict: boolean;
  artifacts: ClusterArtifacts;
  providers: ClusterInputProviders;
  /** Substitution sources that descendants make (convergence.ts). */
  converge: Convergence;
  /** Why substitution is strict, for its failures (strictSubstitutionReason). */
  strictBecause: string;
  /** The strictness is the assumed Flux version's (strictnessAssumed). */
  strictAssumed: boolean;
  /** Namespaces the cluster renders, with their labels (ClusterExternalSecrets select by them). */
  namespaces: Map<string, Record<string, string>>;
  /** ClusterExternalSecrets rendered so far, with the Kustomization applying each. */
  clusterSecrets: Array<{ made: ClusterProducedSecret; by: string; ancestors: string[] }>;
  /**
   * reflector's copies exist: assumed, as where the cluster runs it they exist from the start (a
   * render that made copies and saw nothing install reflector, nor a part of the cluster Slipway
   * does not render, which may, is done again without: Convergence.reflectorAbsent); without,
   * once reflector is seen (installsReflector) or may be.
   */
  reflectorRuns: boolean;
}

// --- one cluster -----------------------------------------------------------------------------

interface Pending {
  k: FluxKustomization;
  built?: Resource[];
  /** A ResourceSet node's generated objects. */
  generated?: { objects: BuiltObject[]; info: ResourceSetInfo };
  /** The read set of `built` in the render cache (build-cache.ts), and the directory it was built from. */
  reads?: BuildReads;
  builtAt?: { dir: string; generated: boolean };
  /** Source resolved by resolveSource() (the root: also built, or failed there: `failed`). */
  resolved?: boolean;
  failed?: boolean;
}

function renderCluster(ctx: RenderContext, d: DiscoveredCluster): Cluster {
  const started = performance.now();
  let cluster: Cluster;
  if (d.mode === "kustomize") {
    cluster = emptyCluster(d);
    renderKustomizeStack(ctx, d, cluster);
  } else {
    cluster = renderFluxClusterWithProfile(ctx, d);
    inClusterServiceSync(d, cluster);
  }
  cluster.renderMs = performance.now() - started;
  for (const k of cluster.kustomizations) {
    for (const e of k.errors) if (e.file) e.file = relative(ctx.root, originOf(ctx, e.file));
  }
  return cluster;
}

function emptyCluster(d: DiscoveredCluster): Cluster {
  return {
    name: d.name,
    path: d.path,
    sourceRoot: d.sourceRoot,
    mode: d.mode,
    discoveredBy: d.discoveredBy,
    ...(d.origin ? { origin: d.origin } : {}),
    reason: d.reason,
    ...(d.appOverlay ? { appOverlay: true } : {}),
    ...(d.contentUnconfirmed !== undefined ? { contentUnconfirmed: d.contentUnconfirmed } : {}),
    localSources: d.localSources,
    kustomizations: [],
    sources: [],
    helmReleases: [],
    errors: d.errors.map((e) => ({ ...e, cluster: d.name })),
    renderMs: 0,
  };
}

/**
 * Renders a Flux cluster with its controller profile. Without a Flux version in slipway.yaml,
 * the profile is what the cluster installs (a FluxInstance, flux install manifests), which is
 * only known once rendered: the cluster is rendered with the default profile first and again
 * when the detected one renders differently (another StrictPostBuildSubstitutions or
 * ExternalArtifact setting).
 */
function renderFluxClusterWithProfile(ctx: RenderContext, d: DiscoveredCluster): Cluster {
  const configured = ctx.config?.profile;
  const provisional = resolveProfile(configured, undefined);
  const { cluster: first, converge } = renderFluxWith(ctx, d, provisional, Convergence.probe());
  // The rendered resources themselves (each has its object and source): no copy of each.
  const rendered = detectFlux(first.kustomizations.flatMap((k) => k.resources));
  // A FluxInstance that names no version is still what the strict reason must name (deedee-ops:
  // "no FluxInstance" was said of a cluster found by one).
  const detected =
    rendered?.version || d.instanceFlux === undefined ? rendered : { ...rendered, ...d.instanceFlux };
  const profile = resolveProfile(configured, detected);
  const strictOf = (p: ControllerProfile) => ctx.strict ?? p.featureGates.StrictPostBuildSubstitutions!;
  const externalOf = (p: ControllerProfile) =>
    p.explicitGates.includes("ExternalArtifact") ? p.featureGates.ExternalArtifact : undefined;
  if (strictOf(profile) === strictOf(provisional) && externalOf(profile) === externalOf(provisional)) {
    first.profile = profile;
    restateStrictReason(ctx, first, provisional, profile);
    return first;
  }
  return renderFluxWith(
    ctx,
    d,
    profile,
    converge.probing ? Convergence.probe(converge.reflector) : converge.again(),
  ).cluster;
}

/**
 * Whether strict substitution under `profile` comes from the Flux version Slipway assumes, as
 * nothing in the repository names one: a cluster on an older Flux substitutes the same variable
 * empty and applies the object, so a strict failure is not provably the repository's (a
 * StrictSubstitutionError with `assumed`, code STRICT_ASSUMED: a warning in check).
 */
function strictnessAssumed(ctx: RenderContext, profile: ControllerProfile): boolean {
  return (
    ctx.strictFrom === undefined &&
    profile.origin === "default" &&
    !profile.explicitGates.includes("StrictPostBuildSubstitutions")
  );
}

/**
 * Renders a Flux cluster with `profile`. A probe (convergence.ts) that stood in for a missing
 * substitution source is followed by the real render, with what the probe saw made.
 */
/**
 * The strict-mode failures of a render kept under the detected profile (it renders alike) named
 * the provisional profile's reason: they now name the detected one (the FluxInstance's version),
 * which, named by the repository, is no longer assumed (only a default profile is assumed, so the
 * provisional one was whenever the detected one is).
 */
function restateStrictReason(
  ctx: RenderContext,
  cluster: Cluster,
  provisional: ControllerProfile,
  profile: ControllerProfile,
): void {
  if (ctx.strictFrom !== undefined) return;
  const assumed = strictnessAssumed(ctx, profile);
  const was = `(strict: ${strictSubstitutionReason(provisional, ctx.config?.profile)})`;
  const now = `(strict: ${strictSubstitutionReason(profile, ctx.config?.profile)})`;
  for (const k of cluster.kustomizations)
    for (const e of k.errors) {
      if (e.code === "STRICT_ASSUMED" && !assumed) delete e.code;
      if (was !== now && e.message.includes(was)) e.message = e.message.replace(was, now);
    }
}

function renderFluxWith(
  ctx: RenderContext,
  d: DiscoveredCluster,
  profile: ControllerProfile,
  converge: Convergence,
): { cluster: Cluster; converge: Convergence } {
  const cluster = emptyCluster(d);
  cluster.profile = profile;
  ctx.onProgress?.({ type: "rendering", cluster });
  // The checkout's own GitRepositories are this repository, whichever cluster reads them.
  cluster.localSources = [
    ...d.localSources,
    ...ctx.checkoutSources.filter((s) => !d.localSources.some((l) => sameObjectRef(l, s))),
  ];
  const state: ClusterState = {
    profile,
    strict: ctx.strict ?? profile.featureGates.StrictPostBuildSubstitutions!,
    ignoreOf: (ref) => {
      const ignore = specIgnoreOf(ref, cluster.sources, ctx.sourceDocuments, {
        file: d.root?.at.file,
        clusterDir: d.path,
      });
      // A source not rendered yet is read as the repository writes it; where the root's path took
      // its variables from its place, the bootstrap substitutes the same ones into its source
      // (kid: `!/clusters/${CLUSTER_NAME}` in the GitRepository beside the root).
      if (
        ignore?.text === undefined ||
        !d.placedVariables ||
        cluster.sources.some((s) => sameObjectRef(s, ref))
      )
        return ignore;
      return { ...ignore, text: substitutedWith(ignore.text, d.placedVariables) ?? ignore.text };
    },
    localRoot: (ref) => localSourceRoot(ctx, d, ref, cluster.sources),
    artifacts: new ClusterArtifacts(ctx.root, d.name, (ref) => {
      const root = state.localRoot(ref);
      return root === undefined || root.startsWith(`${ARTIFACT_ROOT}/`)
        ? undefined
        : { fs: artifactFs(ctx, root, state.ignoreOf(ref), ref.kind), root: toAbsolute(ctx.root, root) };
    }),
    providers: new ClusterInputProviders(ctx.fs, ctx.root, ctx.config?.inputProviders ?? []),
    converge,
    strictBecause: ctx.strictFrom ?? strictSubstitutionReason(profile, ctx.config?.profile),
    strictAssumed: strictnessAssumed(ctx, profile),
    namespaces: new Map(),
    clusterSecrets: [],
    reflectorRuns: converge.reflector === "assumed",
  };
  const hctx: HelmReleaseContext = {
    root: ctx.root,
    config: ctx.config,
    ...(ctx.charts ? { charts: ctx.charts } : {}),
    localRoot: (ref) => {
      const root = state.localRoot(ref);
      return root === undefined || root.startsWith(`${ARTIFACT_ROOT}/`) ? undefined : root;
    },
    artifactView: (root, ref) => {
      const ignore = state.ignoreOf(ref);
      const kind = ref.kind === "Bucket" ? "bucket" : "archive";
      return { fs: artifactFs(ctx, root, ignore, ref.kind), key: viewKey(root, ignore, kind) };
    },
    ...(ctx.renderCache ? { renderCache: ctx.renderCache } : {}),
    ...(ctx.releaseMemo ? { releaseMemo: ctx.releaseMemo } : {}),
    ...(ctx.releaseKeyMemo ? { releaseKeyMemo: ctx.releaseKeyMemo } : {}),
    secretsOf: (o) => ctx.secretsOf.get(o),
  };
  // HelmReleases whose chart and values are known start rendering while the builds go on.
  const ahead = ctx.charts !== false ? ReleasesAhead.of(hctx, cluster) : undefined;
  try {
    renderFluxCluster(ctx, d, cluster, state, ahead);
  } catch (e) {
    ahead?.close();
    throw e;
  }
  if (converge.probing) {
    const webhook = substitutionWebhook(cluster);
    if (webhook) converge.webhook = webhook;
  }
  if (converge.reflectorAbsent()) {
    // No reflector where the copies were assumed: the cluster as it is, without them.
    ahead?.close();
    return renderFluxWith(ctx, d, profile, Convergence.probe("absent"));
  }
  const converged = converge.probing ? Convergence.after(converge) : undefined;
  if (converged) {
    ahead?.close();
    return renderFluxWith(ctx, d, profile, converged);
  }
  const webhook = converge.webhook;
  const installer = webhook && cluster.kustomizations.find((k) => k.id === webhook.kustomization);
  if (webhook && installer)
    addNotice(installer, {
      code: "CLUSTER_ONLY",
      message: webhookNotice(webhook),
      ...definedAtOf(installer),
    });
  if (ctx.charts !== false) renderHelmReleases(hctx, cluster, ahead);
  return { cluster, converge };
}

/** A plain kustomize stack declared in slipway.yaml: `kustomize build PATH`, nothing more. */
function renderKustomizeStack(ctx: RenderContext, d: DiscoveredCluster, cluster: Cluster): void {
  const k = newKustomization(cluster.name, syntheticRoot(d, cluster.name, ""), undefined, undefined, true);
  k.dir = d.path;
  k.sourceRoot = d.sourceRoot;
  cluster.kustomizations.push(k);
  try {
    const dir = secureJoin(path.posix.join(ctx.root, d.sourceRoot), d.path);
    // Plain stacks are built as `kustomize build --enable-helm` (the seeds' mise tasks); charts
    // must be in chartHome, with the cluster's Kubernetes from slipway.yaml as the default.
    const kube = kubernetesOf(ctx.config, cluster.name);
    const built = buildResources(dir, {
      fs: ctx.stackFs(),
      cache: ctx.stackCache(),
      generatorPlugins: ctx.decrypt?.generatorPlugins,
      helm: {
        enabled: true,
        render: (chartDir, fs, render) => helmEngine().renderChartDir(chartDir, fs, render),
        ...(kube.version ? { kubeVersion: kube.version } : {}),
        apiVersions: kube.apiVersions,
        now: RENDER_EPOCH,
      },
    });
    k.resources = built.map((r) =>
      rendered(ctx, r, r.obj, k, r.secretPaths(), r.markedSecretPaths() ?? new SecretPaths()),
    );
    k.status = "rendered";
    collectObjects(ctx, cluster, k);
  } catch (err) {
    fail(k, err);
  }
}

function syntheticRoot(d: DiscoveredCluster, name: string, namespace: string): KObject {
  const spec: YamlMap = {
    interval: "10m0s",
    path: `./${d.path === "." ? "" : d.path}`,
    prune: true,
    sourceRef: { kind: "GitRepository", name: "flux-system" },
  };
  const metadata: YamlMap = { name };
  if (namespace) metadata.namespace = namespace;
  return { apiVersion: `${KUSTOMIZE_GROUP}/v1`, kind: "Kustomization", metadata, spec };
}

/**
 * The root Kustomization of a cluster whose bootstrap is outside the repository (no sync
 * objects here). What it decrypts the repository does not say; a SOPS Secret in its folder says
 * that it does (xunholy's FluxInstance patches `decryption` into flux-system from chart values):
 * made up without it, the root failed on its own Secrets, an error about a spec nobody wrote.
 */
function bootstrapRoot(d: DiscoveredCluster): KObject {
  const root = syntheticRoot(d, "flux-system", "flux-system");
  (root.spec as YamlMap).decryption = { provider: "sops" };
  return root;
}

function renderFluxCluster(
  ctx: RenderContext,
  d: DiscoveredCluster,
  cluster: Cluster,
  state: ClusterState,
  ahead: ReleasesAhead | undefined,
): void {
  let rootObj = d.root ? cloneValue(d.root.object) : bootstrapRoot(d);
  if (Object.keys(d.variables).length > 0) rootObj = withVariables(rootObj, d.variables);
  const madeUp = d.root === undefined || d.rootFromInstance === true;
  const rootK = newKustomization(cluster.name, rootObj, d.root?.at, undefined, madeUp);
  if (d.root === undefined && d.leftOutOfRoot !== undefined)
    leftOutOfRoot.set(rootK, {
      dirs: d.leftOutOfRoot.map((dir) => path.posix.relative(d.sourceRoot, dir)),
      by: `Slipway's made-up root, which leaves out what the cluster's own Kustomizations build (${d.leftOutOfRoot.join(", ")})`,
    });
  // A root read from the repository may be patched by its own path; an operator's is not.
  const first = madeUp ? undefined : adoptSelfAppliedRoot(ctx, d, rootK, state);
  cluster.kustomizations.push(rootK);
  const byId = new Map<string, FluxKustomization>([[rootK.id, rootK]]);
  const pool = new Map<string, KObject>();
  for (const obj of declaredObjects(ctx.config?.clusterObjects, cluster.name)) {
    pool.set(poolKey(String(obj.kind), metaString(obj, "namespace"), metaString(obj, "name")), obj);
    declaredInConfig.add(obj);
  }
  for (const [key, made] of state.converge.seeds) if (!pool.has(key)) pool.set(key, made.object);
  const queue: Pending[] = [first ?? { k: rootK }];
  const deferred: Pending[] = [];
  let done = 0;

  const finish = (p: Pending) => {
    const enqueue = (child: FluxKustomization) => queue.push({ k: child });
    if (p.k.kind === "ResourceSet") finishResourceSet(ctx, cluster, p, pool, byId, state, enqueue);
    else finishKustomization(ctx, cluster, d, p, pool, byId, state, enqueue);
    ahead?.advance();
    done++;
    ctx.onProgress?.({ type: "kustomization", cluster: cluster.name, id: p.k.id, done, known: byId.size });
  };

  const process = (p: Pending, force: boolean) => {
    processOne(p, force);
    // What Slipway does not see of the cluster may install reflector (equestria's comes from
    // another repository): its copies are not provably absent.
    if (p.k.status === "external" || isPartlyRendered(p.k)) reflectorRunning(pool, state, byId);
  };

  const processOne = (p: Pending, force: boolean) => {
    if (p.failed) {
      done++;
      return;
    }
    if (!p.resolved) {
      const r =
        p.k.kind === "ResourceSet"
          ? prepareResourceSetNode(ctx, p, state, !force)
          : resolveSource(ctx, p, state, !force);
      if (r === "wait") {
        deferred.push(p);
        return;
      }
      if (r === "done") {
        done++;
        return;
      }
    }
    if (!force && !variableSourcesReady(p.k, pool)) {
      deferred.push(p);
      return;
    }
    if (force && state.converge.probing) standInForMissing(p.k, pool, state.converge);
    finish(p);
  };

  while (queue.length > 0 || deferred.length > 0) {
    const next = queue.shift();
    if (next) {
      process(next, false);
      continue;
    }
    // Nothing else can make progress: finish one waiting Kustomization, preferring one whose
    // variable sources or ExternalArtifact have appeared, then one waiting for variables (its
    // output may hold what the others wait for); the others keep waiting for what it renders.
    const rank = (p: Pending) =>
      p.k.kind === "ResourceSet"
        ? 3
        : (p.resolved || !("unknown" in state.artifacts.lookup(p.k.sourceRef, false))) &&
            variableSourcesReady(p.k, pool)
          ? 0
          : p.resolved
            ? 1
            : 2;
    let best = 0;
    for (let i = 1; i < deferred.length; i++) if (rank(deferred[i]!) < rank(deferred[best]!)) best = i;
    const p = deferred.splice(best, 1)[0]!;
    process(p, rank(p) !== 0);
  }
  reportArtifacts(cluster, state, byId);
  const lookup = (kind: "ConfigMap" | "Secret", namespace: string, name: string) =>
    pool.get(poolKey(kind, namespace, name));
  for (const k of cluster.kustomizations) {
    if (k.kind === "ResourceSet" && k.status === "rendered") applyOperatorClusterData(k, lookup);
  }
}

/**
 * The ArtifactGenerators' problems, each once on the Flux Kustomization that applies the
 * generator (errors for a broken generator, warnings for what Slipway cannot read), and the
 * ExternalArtifacts they produce as sources of the cluster.
 */
function reportArtifacts(cluster: Cluster, state: ClusterState, byId: Map<string, FluxKustomization>): void {
  if (state.artifacts.size === 0) return;
  for (const p of state.artifacts.problems()) {
    const k = byId.get(p.kustomization);
    if (!k) continue;
    if (p.severity === "warning") {
      addNotice(k, {
        code: "UNAVAILABLE",
        message: p.message,
        ...(p.file ? { file: p.file } : {}),
        ...(p.line !== undefined ? { line: p.line } : {}),
      });
    } else {
      k.errors.push({
        message: p.message,
        ...(p.file ? { file: p.file } : {}),
        ...(p.line !== undefined ? { line: p.line } : {}),
        cluster: cluster.name,
        kustomization: k.id,
      });
    }
  }
  cluster.externalArtifacts = state.artifacts.artifacts().map((a) => ({
    namespace: a.namespace,
    name: a.name,
    generator: a.generator,
    kustomization: a.kustomization,
    ...(a.at ? { definedAt: a.at } : {}),
    labels: a.labels,
    root: state.artifacts.rootOf(a.namespace, a.name),
    ...(a.fs ? { fs: a.fs } : {}),
    ...(a.problem ? { problem: a.problem } : {}),
  }));
  for (const a of cluster.externalArtifacts) {
    if (!a.fs) continue;
    const object: KObject = {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "ExternalArtifact",
      metadata: { name: a.name, namespace: a.namespace, labels: { ...a.labels } },
      spec: {
        sourceRef: {
          apiVersion: "source.extensions.fluxcd.io/v1beta1",
          kind: "ArtifactGenerator",
          name: a.generator.split("/")[1]!,
          namespace: a.namespace,
        },
      },
    };
    cluster.sources.push({
      cluster: cluster.name,
      kind: "ExternalArtifact",
      namespace: a.namespace,
      name: a.name,
      object,
      kustomization: a.kustomization,
      ...(a.definedAt ? { definedAt: a.definedAt } : {}),
      localRoot: a.root,
      generator: a.generator,
    });
  }
}

/**
 * Flux reconciles the root Kustomization as its own path renders it, not as the sync file
 * says: `flux-system/kustomization.yaml` commonly patches it (decryption, postBuild). Build
 * the path once with the file's spec and, if the rendered self differs, adopt it.
 */
function adoptSelfAppliedRoot(
  ctx: RenderContext,
  d: DiscoveredCluster,
  rootK: FluxKustomization,
  state: ClusterState,
): Pending | undefined {
  const probe: Pending = { k: rootK };
  if (resolveSource(ctx, probe, state, false) !== "ok" || !build(ctx, probe)) {
    return { k: rootK, resolved: true, failed: true };
  }
  const found = (probe.built ?? []).find(
    (r) =>
      isFluxKustomization(r.obj) &&
      r.name === rootK.name &&
      (r.namespace || rootK.namespace) === rootK.namespace,
  );
  // Its path as discovery read it from where it sits: what its own variables make of it once
  // the cluster has them (the probe builds before any substitution).
  const self = found && d.placedVariables ? { obj: withPlacedPath(found.obj, d.placedVariables) } : found;
  const sameSpec = !self || deepEqual(specOf(self.obj), specOf(rootK.object));
  if (!sameSpec) {
    let adopted = cloneValue(self!.obj);
    if (Object.keys(d.variables).length > 0) adopted = withVariables(adopted, d.variables);
    Object.assign(rootK, newKustomization(rootK.cluster, adopted, rootK.definedAt, undefined, false));
  }
  // The source as the root applies it decides what the root's artifact holds.
  const ref = rootK.sourceRef;
  const source = (probe.built ?? []).find(
    (r) =>
      r.obj.kind === ref.kind && r.name === ref.name && (r.namespace || rootK.namespace) === ref.namespace,
  );
  const used = ignoreOf.get(rootK);
  const written = source ? specIgnoreOfObject(source.obj, ref) : used;
  const applied =
    source && written?.text !== undefined && d.placedVariables
      ? { ...written, text: substitutedWith(written.text, d.placedVariables) ?? written.text }
      : written;
  const sameIgnore = applied?.text === used?.text;
  if (!sameIgnore) rootIgnore.set(rootK, applied);
  // Unchanged: the probe is the root's real build, so keep it (marked prepared).
  if (sameSpec && sameIgnore) return { ...probe, resolved: true };
  if (sameSpec) {
    // Built again with its source's ignore: the probe's findings are not the root's.
    Object.assign(
      rootK,
      newKustomization(rootK.cluster, rootK.object, rootK.definedAt, undefined, rootK.synthetic),
    );
  }
  return undefined;
}

/** `obj` (a Flux Kustomization) with `vars` substituted into its spec.path, when they fill it. */
function withPlacedPath(obj: KObject, vars: Record<string, string>): KObject {
  const specPath = stringField(specOf(obj), "path");
  const placed = specPath.includes("${") ? substitutedWith(specPath, vars) : undefined;
  if (placed === undefined) return obj;
  const out = cloneValue(obj);
  (out.spec as YamlMap).path = placed;
  return out;
}

function withVariables(obj: KObject, vars: Record<string, string>): KObject {
  const out = cloneValue(obj);
  const spec = (isMap(out.spec) ? out.spec : (out.spec = {})) as YamlMap;
  const postBuild = (isMap(spec.postBuild) ? spec.postBuild : (spec.postBuild = {})) as YamlMap;
  const substitute = (isMap(postBuild.substitute) ? postBuild.substitute : {}) as YamlMap;
  postBuild.substitute = { ...vars, ...substitute };
  return out;
}

function newKustomization(
  cluster: string,
  obj: KObject,
  definedAt: SourceLocation | undefined,
  appliedBy: string | undefined,
  synthetic: boolean,
): FluxKustomization {
  const namespace = metaString(obj, "namespace");
  const name = metaString(obj, "name");
  const spec = specOf(obj);
  const warnings: string[] = [];
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  if (apiVersion !== "" && apiVersion !== `${KUSTOMIZE_GROUP}/v1`) {
    warnings.push(
      `${apiVersion} is not served by kustomize-controller ≥ v1.8 (only ${KUSTOMIZE_GROUP}/v1); v1beta2-only fields (patchesStrategicMerge, patchesJson6902) are ignored`,
    );
  }
  return {
    cluster,
    namespace,
    name,
    id: kustomizationId(namespace, name),
    object: obj,
    path: stringField(spec, "path"),
    sourceRef: sourceRefOf(obj),
    status: "rendered",
    suspended: spec.suspend === true,
    dependsOn: dependsOnOf(obj),
    resources: [],
    errors: [],
    warnings,
    appliedBy,
    children: [],
    definedAt,
    generatedKustomization: false,
    synthetic,
  };
}

/**
 * Resolves the source. "done": nothing to build (suspended, external, failed); "wait": its
 * ExternalArtifact may still be produced by a generator not rendered yet.
 */
function resolveSource(
  ctx: RenderContext,
  p: Pending,
  state: ClusterState,
  canWait: boolean,
): "ok" | "done" | "wait" {
  const k = p.k;
  if (k.suspended) {
    k.status = "suspended";
    return "done";
  }
  const ref = k.sourceRef;
  let sourceRoot: string | undefined;
  if (ref.kind === "ExternalArtifact") {
    const resolved = resolveExternalArtifact(ctx, k, state, canWait);
    if (resolved === "wait" || resolved === "done") return resolved;
    sourceRoot = resolved;
  } else {
    sourceRoot = state.localRoot(ref);
  }
  if (sourceRoot === undefined) {
    k.status = "external";
    k.warnings.push(
      `source ${ref.kind} ${ref.namespace}/${ref.name} is not this repository: not rendered (map it to a local directory in slipway.yaml 'sources' to render it)`,
    );
    return "done";
  }
  k.sourceRoot = sourceRoot;
  if (ref.kind !== "ExternalArtifact") {
    const read = rootIgnore.has(k) ? rootIgnore.get(k) : state.ignoreOf(ref);
    const leftOut = leftOutOfRoot.get(k);
    const ignore = leftOut ? { ...read, leftOut } : read;
    if (ignore) ignoreOf.set(k, ignore);
    else ignoreOf.delete(k);
  }
  p.resolved = true;
  return "ok";
}

/**
 * The source root of a Kustomization whose sourceRef is an ExternalArtifact: one composed by
 * an ArtifactGenerator of the cluster (mounted virtually), one mapped in slipway.yaml, or why
 * not. kustomize-controller refuses the kind unless its ExternalArtifact feature gate is on
 * (flux bootstrap and the Flux Operator turn it on with source-watcher).
 */
function resolveExternalArtifact(
  ctx: RenderContext,
  k: FluxKustomization,
  state: ClusterState,
  canWait: boolean,
): string | undefined | "wait" | "done" {
  const ref = k.sourceRef;
  const gates = state.profile;
  // Off unless set: but a repository that sources from ExternalArtifacts runs source-watcher,
  // which turns it on, so only an explicit `false` is held against it.
  if (gates.explicitGates.includes("ExternalArtifact") && !gates.featureGates.ExternalArtifact) {
    fail(
      k,
      new SlipwayError(
        `source kind ExternalArtifact is not allowed: kustomize-controller's ExternalArtifact feature gate is off in the controller profile (Flux ${gates.minor}; enable it with source-watcher, or set profile.featureGates.ExternalArtifact in slipway.yaml)`,
      ),
    );
    return "done";
  }
  const mapped = state.localRoot(ref);
  if (mapped !== undefined) return mapped;
  const found = state.artifacts.lookup(ref, !canWait);
  if ("unknown" in found) {
    if (canWait) return "wait";
    k.status = "external";
    k.statusReason = `source ExternalArtifact ${ref.namespace}/${ref.name} is produced by no ArtifactGenerator this cluster renders (it may come from a generator outside this repository; map it in slipway.yaml 'sources' to render it)`;
    addNotice(k, {
      code: "NOT_RENDERED",
      message: `Kustomization ${k.id} is not rendered: ${k.statusReason}`,
      ...definedAtOf(k),
    });
    return "done";
  }
  if ("unavailable" in found) {
    k.status = "external";
    k.statusReason = `source ExternalArtifact ${ref.namespace}/${ref.name} is not available: ${found.unavailable}`;
    addNotice(k, {
      code: "NOT_RENDERED",
      message: `Kustomization ${k.id} is not rendered: ${k.statusReason}`,
      ...definedAtOf(k),
    });
    return "done";
  }
  const fs = found.artifact.fs!;
  const root = state.artifacts.rootOf(ref.namespace, ref.name);
  ctx.artifacts.set(root, fs);
  ctx.mounts.set(fs.mount, fs);
  return root;
}

function definedAtOf(k: FluxKustomization): { file?: string; line?: number } {
  return k.definedAt ? { file: k.definedAt.file, line: k.definedAt.line } : {};
}

/** The repository file a path of a composed ExternalArtifact was copied from (else the path itself). */
function originOf(ctx: RenderContext, abs: string): string {
  if (ctx.mounts.size === 0 || !abs.startsWith(`${ctx.root}/${ARTIFACT_ROOT}/`)) return abs;
  for (const [mount, fs] of ctx.mounts) {
    if (abs === mount || abs.startsWith(`${mount}/`)) return fs.originOf(abs);
  }
  return abs;
}

/**
 * A spec.path the checkout has and the artifact leaves out: kustomize-controller fails it as a
 * path not found. Naming the pattern that excludes it says why a directory that is right there
 * cannot be built.
 */
function refuseExcludedPath(ctx: RenderContext, k: FluxKustomization): void {
  const fs = kustomizationFs(ctx, k);
  const specPath = specOf(k.object).path;
  if (!(fs instanceof SourceArtifactFileSystem) || typeof specPath !== "string" || specPath.includes("${"))
    return;
  const dir = secureJoin(toAbsolute(ctx.root, k.sourceRoot!), specPath);
  const why = fs.excludedBy(dir);
  if (why === undefined) return;
  k.pathExcludedBy = why;
  throw new SlipwayError(
    `kustomization path not found: '${specPath}' (${dir}) is not in the source artifact: excluded by ${why}`,
  );
}

/** Builds the path (source resolved). Returns false when it failed (recorded on the Kustomization). */
function build(ctx: RenderContext, p: Pending): boolean {
  const k = p.k;
  const sourceRoot = k.sourceRoot!;
  const view = kustomizationFs(ctx, k);
  const excluded = view instanceof SourceArtifactFileSystem ? view.recordExclusions() : undefined;
  const found: { reads?: BuildReads } = {};
  try {
    refuseExcludedPath(ctx, k);
    const sopsHook = isSops(k) ? ctx.decrypt?.files : undefined;
    // A build served decrypted files is never cached (and decryption reports its problems as it
    // runs), nor one whose Kustomization's spec holds a decrypted value (its patches write it).
    const result =
      ctx.renderCache && !sopsHook && !buildReadsSecretSpec(ctx.secretsOf.get(k.object))
        ? cachedFluxBuild(
            ctx.renderCache,
            kustomizationFs(ctx, k),
            toAbsolute(ctx.root, sourceRoot),
            specOf(k.object),
            ctx.cache,
            ctx.answers,
            found,
          )
        : buildFluxPath(
            kustomizationFs(ctx, k),
            toAbsolute(ctx.root, sourceRoot),
            specOf(k.object),
            ctx.cache,
            sopsHook ? (fs, dir) => sopsHook(fs, dir, k) : undefined,
          );
    k.dir = relative(ctx.root, originOf(ctx, result.dir));
    k.generatedKustomization = result.generated;
    noteLinksLeftOut(ctx, k, result.dir, result.generated);
    noteUnreadKustomization(ctx, k, result.dir, result.generated);
    noteOmitted(ctx, k, result.omitted);
    p.built = result.resources;
    p.reads = found.reads;
    if (found.reads && !found.reads.uncacheable) {
      p.builtAt = { dir: result.dir, generated: result.generated };
    }
    excluded?.();
    return true;
  } catch (err) {
    p.reads = found.reads;
    fail(k, err);
    const missed = excluded?.() ?? [];
    const e = k.errors[k.errors.length - 1]!;
    pointPastGenerated(ctx, view, k, e);
    if (missed.length > 0) e.message += exclusionsText(ctx, missed);
    const file = e.file !== undefined ? toAbsolute(ctx.root, e.file) : undefined;
    const lifted =
      file !== undefined && view instanceof SourceArtifactFileSystem
        ? view.defaultExclusionLifted(file)
        : undefined;
    if (lifted)
      e.message += `; ${relative(ctx.root, file!)} is in the artifact because the patterns of ${lifted.replacedBy} replace source-controller's default exclusions (${lifted.pattern} would leave it out)`;
    return false;
  }
}

/**
 * Flux writes a kustomization.yaml where a Kustomization's path has none; a build error there
 * names a file the repository does not have (a SARIF or GitHub annotation on it shows nowhere).
 * The error points instead at the resource file its message names in that folder
 * (`'./infrastructure.yaml': may not add resource with an already registered id`), or else at
 * the Flux Kustomization that builds the folder.
 */
function pointPastGenerated(
  ctx: RenderContext,
  view: FileSystem,
  k: FluxKustomization,
  e: PlatformError,
): void {
  if (e.file === undefined || !/(^|\/)kustomization\.yaml$/.test(e.file)) return;
  const file = toAbsolute(ctx.root, e.file);
  if (view.exists(file)) return;
  const dir = path.posix.dirname(file);
  const named = /'\.\/([^']+\.ya?ml)'/.exec(e.message)?.[1];
  const resource = named === undefined ? undefined : path.posix.join(dir, named);
  if (resource?.startsWith(`${dir}/`) && view.exists(resource) && !view.isDirectory(resource)) {
    e.file = relative(ctx.root, resource);
    delete e.line;
  } else if (k.definedAt) {
    e.file = k.definedAt.file;
    e.line = k.definedAt.line;
  }
}

/** What a failed build asked for that its source's artifact leaves out, for its error. */
function exclusionsText(ctx: RenderContext, missed: Array<{ path: string; by: string }>): string {
  const shown = missed.slice(0, 3).map((m) => `${relative(ctx.root, m.path)} (excluded by ${m.by})`);
  const more = missed.length > 3 ? ` and ${missed.length - 3} more` : "";
  return `; the source artifact leaves out ${shown.join(", ")}${more}`;
}

/**
 * What Flux can read of a source: the files source-controller puts in its artifact, which
 * depend on the source object's spec.ignore (one view per root and spec.ignore).
 */
function artifactFs(
  ctx: RenderContext,
  sourceRoot: string,
  ignore?: SpecIgnore,
  sourceKind?: string,
): FileSystem {
  const kind = sourceKind === "Bucket" ? "bucket" : "archive";
  const key = viewKey(sourceRoot, ignore, kind);
  let fs = ctx.artifacts.get(key);
  if (!fs) {
    fs = new SourceArtifactFileSystem(ctx.fs, toAbsolute(ctx.root, sourceRoot), ignore, kind);
    ctx.artifacts.set(key, fs);
  }
  return fs;
}

function viewKey(sourceRoot: string, ignore: SpecIgnore | undefined, kind: ArtifactKind = "archive"): string {
  const base = kind === "bucket" ? `${sourceRoot}\0bucket` : sourceRoot;
  const withText = ignore?.text === undefined ? base : `${base}\0${ignore.text}`;
  return ignore?.leftOut === undefined ? withText : `${withText}\0leftOut\0${ignore.leftOut.dirs.join("\0")}`;
}

/** The artifact a Kustomization's source gives it (its root resolved). */
function kustomizationFs(ctx: RenderContext, k: FluxKustomization): FileSystem {
  return artifactFs(ctx, k.sourceRoot!, ignoreOf.get(k), k.sourceRef.kind);
}

/**
 * The folders a made-up root leaves out, relative to its source's root: those of its cluster's
 * folder that the cluster's own Kustomizations build (DiscoveredCluster.leftOutOfRoot).
 */
const leftOutOfRoot = new WeakMap<FluxKustomization, NonNullable<SpecIgnore["leftOut"]>>();

/** The spec.ignore of each Kustomization's source, as resolveSource found it. */
const ignoreOf = new WeakMap<FluxKustomization, SpecIgnore>();
/**
 * A root's spec.ignore as its own output applies its source (adoptSelfAppliedRoot), which
 * replaces the repository document's; undefined: that output leaves spec.ignore unset.
 */
const rootIgnore = new WeakMap<FluxKustomization, SpecIgnore | undefined>();

function isSops(k: FluxKustomization): boolean {
  const dec = specOf(k.object).decryption;
  return isMap(dec) && dec.provider === "sops";
}

/**
 * The sources a top-level cluster's outside applier may apply (Cluster.bootstrapSources): those
 * the repository defines that no rendered cluster applies.
 */
function markBootstrapSources(
  scan: RepositoryScan,
  fs: FileSystem,
  root: string,
  clusters: readonly Cluster[],
): void {
  const topLevel = clusters.filter((c) => c.mode === "flux" && c.discoveredBy === "top-level");
  if (topLevel.length === 0) return;
  const applied = new Set<string>();
  for (const c of clusters)
    for (const s of c.sources) if (s.definedAt) applied.add(`${s.definedAt.file}:${s.definedAt.line}`);
  const unapplied = sourcesOf(scan, fs, root).filter((s) => !applied.has(`${s.at.file}:${s.at.line}`));
  if (unapplied.length === 0) return;
  for (const c of topLevel) c.bootstrapSources = unapplied;
}

/**
 * The directory of this repository that source `ref` is: the cluster's own sources, those
 * slipway.yaml maps, and a GitRepository the cluster renders that is the checkout (whose name
 * or URL only substitution spells out, so the repository's documents do not say it).
 */
function localSourceRoot(
  ctx: RenderContext,
  d: DiscoveredCluster,
  ref: ObjectRef,
  rendered: readonly FluxSource[],
): string | undefined {
  const same = (a: ObjectRef) => a.kind === ref.kind && a.name === ref.name && a.namespace === ref.namespace;
  if (d.localSources.some(same)) return d.sourceRoot;
  const mapped = ctx.sources.find(same)?.path;
  if (mapped !== undefined || ref.kind !== "GitRepository") return mapped;
  const source = rendered.find(same);
  return source && ctx.isCheckoutSource(specOf(source.object)) ? "." : undefined;
}

function variableRefs(k: FluxKustomization): VariableSourceRef[] {
  const postBuild = specOf(k.object).postBuild;
  if (!isMap(postBuild) || !Array.isArray(postBuild.substituteFrom)) return [];
  return postBuild.substituteFrom
    .filter(isMap)
    .filter((r) => r.kind === "ConfigMap" || r.kind === "Secret")
    .map((r) => ({
      kind: r.kind as "ConfigMap" | "Secret",
      name: stringField(r, "name"),
      namespace: k.namespace,
    }));
}

function variableSourcesReady(k: FluxKustomization, pool: Map<string, KObject>): boolean {
  return variableRefs(k).every((r) => pool.has(poolKey(r.kind, r.namespace, r.name)));
}

/** The `substituteFrom` sources of `k` marked `optional: true`, as `Kind/name`. */
function optionalSources(k: FluxKustomization): Set<string> {
  const postBuild = specOf(k.object).postBuild;
  return new Set(
    isMap(postBuild) && Array.isArray(postBuild.substituteFrom)
      ? postBuild.substituteFrom
          .filter((r) => isMap(r) && r.optional === true)
          .map((r) => `${(r as YamlMap).kind}/${(r as YamlMap).name}`)
      : [],
  );
}

/** The probe's stand-ins for the sources `k` requires that nothing has made (convergence.ts). */
function standInForMissing(k: FluxKustomization, pool: Map<string, KObject>, converge: Convergence): void {
  const optional = optionalSources(k);
  for (const r of variableRefs(k)) {
    const key = poolKey(r.kind, r.namespace, r.name);
    if (pool.has(key)) continue;
    // An optional source is skipped when missing, as Flux does: nothing to stand in for. Once
    // applied it is there from the start for the converged cluster, as a required one is.
    if (optional.has(`${r.kind}/${r.name}`)) {
      converge.skip(key, k.id);
      continue;
    }
    const obj = converge.standIn(key, r.kind, r.namespace, r.name, k.id);
    pool.set(key, obj);
    openSecrets.set(obj, `the keys of ${r.kind} ${r.namespace}/${r.name}, which nothing has made yet`);
  }
}

/**
 * Sources whose keys cannot all be known offline (a produced Secret's `dataFrom`), each with
 * what to call it: a variable missing from a Kustomization reading one is not provably unset,
 * so it is substituted non-strictly.
 */
const openSecrets = new WeakMap<KObject, string>();

/** Objects slipway.yaml declares (`clusterObjects`): one the repository renders replaces them. */
const declaredInConfig = new WeakSet<KObject>();

/** How messages name an open produced Secret's variables. */
function openSecretName(produced: ProducedSecret): string {
  const s = produced.secret;
  return `the keys of Secret ${metaString(s, "namespace")}/${metaString(s, "name")}, which ${produced.producer} makes from data only its provider knows`;
}

/** What `k` reads of the open sources (see openSecrets). */
function openSourcesRead(k: FluxKustomization, pool: Map<string, KObject>): string[] {
  const out: string[] = [];
  for (const r of variableRefs(k)) {
    const o = pool.get(poolKey(r.kind, r.namespace, r.name));
    const what = o === undefined ? undefined : openSecrets.get(o);
    if (what !== undefined) out.push(what);
  }
  return out;
}

function poolKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

function finishKustomization(
  ctx: RenderContext,
  cluster: Cluster,
  d: DiscoveredCluster,
  p: Pending,
  pool: Map<string, KObject>,
  byId: Map<string, FluxKustomization>,
  state: ClusterState,
  enqueue: (k: FluxKustomization) => void,
): void {
  const k = p.k;
  const secretIdentity = secretIdentitySpec("Kustomization", ctx.secretsOf.get(k.object));
  if (secretIdentity) {
    const at = k.definedAt ? { file: k.definedAt.file, line: k.definedAt.line } : undefined;
    fail(k, new SecretIdentityError(`Kustomization ${k.id}: ${secretIdentity}`, at));
    return;
  }
  const read: Array<KObject | null> = [];
  let settings: ReturnType<typeof postBuildSettings>;
  let settingsError: unknown;
  try {
    settings = postBuildSettings(
      k.object,
      (ref) => {
        const o = pool.get(poolKey(ref.kind, ref.namespace, ref.name));
        read.push(o ?? null);
        return o;
      },
      postBuildOptions(ctx, k, pool, state),
    );
  } catch (err) {
    settingsError = err;
  }
  // The webhook gives a Kustomization without postBuild one (admission-variables.ts).
  if (settings === undefined && settingsError === undefined && state.converge.webhook)
    settings = {
      vars: {},
      secretVars: new Set(),
      strict: false,
      always: false,
      open: [webhookVariables(state.converge.webhook)],
      openValue: placeholderValue,
    };
  noteSeedsRead(k, read, state.converge);
  if (ctx.reuse && !p.built) {
    const ignore = ignoreOf.get(k);
    const artifact =
      k.sourceRoot !== undefined ? ctx.artifacts.get(viewKey(k.sourceRoot, ignore)) : undefined;
    const prior = ctx.reuse(k, {
      clusterPath: d.path,
      sourceRoot: k.sourceRoot ?? "",
      ...(ignore?.text !== undefined ? { ignore: ignore.text } : {}),
      variables: variablesDigest(k, read, settingsError, (o) => ctx.secretsOf.get(o), state.converge.webhook),
      profile: `strict=${state.strict}`,
      ...(artifact instanceof ArtifactFileSystem ? { artifact: artifact.digest() } : {}),
    });
    if (prior) {
      adoptRender(k, prior);
      if (k.status === "rendered") adoptOutput(ctx, cluster, k, pool, byId, state, enqueue);
      return;
    }
  }
  // Post-processed builds are kept only where post-processing is a function of the build, the
  // object and the variables, none of them secret (no decryption, no secret variables, no
  // field of the object substituted from a secret): see build-cache.ts.
  const post =
    ctx.renderCache && settingsError === undefined && !isSops(k) && !ctx.secretsOf.get(k.object)
      ? postBuildInputs(k.object, settings)
      : undefined;
  // The post-processed build entry looked up: a miss keeps its read sets beside the new one.
  const lookup: { entry?: PostBuildLookup } = {};
  let hit: ReturnType<typeof cachedPostBuild>;
  if (post !== undefined) {
    // The root was built already (to read its own spec): its entry holds that build's read set too.
    hit = cachedPostBuild(
      ctx.renderCache!,
      kustomizationFs(ctx, k),
      toAbsolute(ctx.root, k.sourceRoot!),
      ctx.answers,
      post,
      lookup,
      ctx.postBuildMemo,
    );
    if (hit && hit !== "uncacheable") {
      k.dir = relative(ctx.root, originOf(ctx, hit.dir));
      k.generatedKustomization = hit.generated;
      noteLinksLeftOut(ctx, k, hit.dir, hit.generated);
      noteUnreadKustomization(ctx, k, hit.dir, hit.generated);
      k.resources = hit.objects.map((o) => rendered(ctx, o.from, o.object, k, undefined));
      if (refusedAtApply(k)) return;
      adoptOutput(ctx, cluster, k, pool, byId, state, enqueue);
      return;
    }
  }
  // A build that is never stored is said so in the entry looked up, once (see PostBuildSet).
  const keepUncacheable = () => {
    if (lookup.entry && hit === undefined && p.reads?.uncacheable)
      storeUncacheablePostBuild(ctx.renderCache!, lookup.entry, p.reads);
  };
  if (!p.built && !build(ctx, p)) {
    keepUncacheable();
    return;
  }
  // A required source not found, or an optional one skipped as absent: either may be one that
  // only `k` applies, which the cluster has once `k` applied it (davralin: `core` applies the
  // Secret `global-settings` it reads, `optional: true`; skipped, strict mode failed `core`).
  const missing = settings?.loadErrorNotFound || (settings?.loadError === undefined && read.includes(null));
  const own = missing ? settingsFromOwnOutput(ctx, k, p.built ?? [], pool, state) : undefined;
  if (own) {
    settings = own.settings;
    for (const notice of own.notices) addNotice(k, notice);
  }
  let processed: ReturnType<typeof postProcess>;
  try {
    if (settingsError !== undefined) throw settingsError;
    const hook = isSops(k) ? ctx.decrypt?.resource : undefined;
    processed = postProcess(
      p.built ?? [],
      k.object,
      settings,
      hook ? (o) => hook(o, k) : undefined,
      secretForms(secretKustomizationStrings(k.object, ctx.secretsOf.get(k.object))),
    );
  } catch (err) {
    fail(k, err);
    return;
  }
  // A probe that stood in for a source is followed by the real render: what it needs is what
  // the objects that did render apply, whatever variables the others lacked.
  // An object whose identity a secret reached is left out, not the Kustomization: Flux applies
  // it; only Slipway will not print it. Any other error fails the Kustomization, as in Flux.
  const withheld = processed.errors.filter((e) => e instanceof SecretIdentityError);
  if (processed.errors.length > withheld.length && !state.converge.provisional()) {
    for (const e of processed.errors) fail(k, e);
    return;
  }
  for (const e of withheld) {
    const said = toPlatformError(e);
    // Flux does not fail here: say what is left out, not "post build failed".
    said.message = said.message
      .replace(/^post build failed for ('[^']*'): (?:not rendered: )?/, "$1 is not rendered: ")
      .replace(/ fail the same way\)$/, " are not rendered either)");
    k.errors.push({ ...said, cluster: k.cluster, kustomization: k.id });
  }
  if (p.reads?.uncacheable) keepUncacheable();
  else if (lookup.entry && !own && p.reads && p.builtAt && withheld.length === 0) {
    storePostBuild(ctx.renderCache!, lookup.entry, p.reads, p.builtAt, processed.objects);
  }
  if (processed.sealed && settings?.sealed)
    k.sealedSubstitutions = sealedSubstitutions(
      processed.sealed,
      settings.sealed,
      // Its substituteFrom names were substituted from a secret: never printed.
      ctx.secretsOf.get(k.object)?.touches(["spec", "postBuild", "substituteFrom"]) === true,
    );
  k.resources = processed.objects.map((o) => rendered(ctx, o.from, o.object, k, o.secrets, o.secretOrigin));
  if (refusedAtApply(k)) return;
  adoptOutput(ctx, cluster, k, pool, byId, state, enqueue);
}

/** The variables used of `sealed` (variable → Secret), by Secret, both sorted. */
function sealedSubstitutions(
  used: ReadonlySet<string>,
  sealed: ReadonlyMap<string, string>,
  namesSecret: boolean,
): SealedSubstitution[] {
  const bySecret = new Map<string, string[]>();
  for (const v of [...used].sort()) {
    const secret = namesSecret ? "(a Secret whose name is secret)" : sealed.get(v)!;
    bySecret.set(secret, [...(bySecret.get(secret) ?? []), v]);
  }
  return [...bySecret]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([secret, variables]) => ({ secret, variables }));
}

/** A note for each source `k` read that was present from the start (convergence.ts). */
function noteSeedsRead(k: FluxKustomization, read: Array<KObject | null>, converge: Convergence): void {
  const optional = optionalSources(k);
  for (const o of read) {
    const made = o === null ? undefined : converge.seedOf(o);
    // An optional source a new cluster lacks is skipped, not a failure: nothing to say.
    if (made === undefined || optional.has(`${o!.kind}/${metaString(o!, "name")}`)) continue;
    const note = {
      kind: o!.kind as "ConfigMap" | "Secret",
      namespace: metaString(o!, "namespace"),
      name: metaString(o!, "name"),
      made,
    };
    addNotice(k, { code: "CLUSTER_ONLY", message: seedNotice(k.id, note), ...definedAtOf(k) });
  }
}

/** What postBuild substitution of `k` reads besides its sources: strictness and secret marks. */
function postBuildOptions(
  ctx: RenderContext,
  k: FluxKustomization,
  pool: Map<string, KObject>,
  state: ClusterState,
): Parameters<typeof postBuildSettings>[2] {
  const open = openSourcesRead(k, pool);
  if (state.converge.webhook) open.push(webhookVariables(state.converge.webhook));
  return {
    strict: state.strict && open.length === 0,
    strictBecause: state.strictBecause,
    strictAssumed: state.strictAssumed,
    ...(open.length > 0 ? { open, openValue: placeholderValue } : {}),
    sourceSecrets: (source) => ctx.secretsOf.get(source),
    ownSecrets: ctx.secretsOf.get(k.object),
  };
}

/**
 * A `substituteFrom` source that nothing else renders but the Kustomization applies itself
 * (`cluster-settings` in the folder the cluster's root builds, or in a component of the
 * namespaces it applies): Flux reads it from the cluster, where it is once the bootstrap (or a
 * first apply) put it there, so its variables are read from the Kustomization's own output. A
 * ConfigMap as it is applied; a Secret (or one an ExternalSecret or SealedSecret there makes)
 * with a placeholder for each of its keys: its values are encrypted or secret, and a value read
 * this way would not be masked.
 */
function settingsFromOwnOutput(
  ctx: RenderContext,
  k: FluxKustomization,
  built: readonly Resource[],
  pool: Map<string, KObject>,
  state: ClusterState,
): { settings: ReturnType<typeof postBuildSettings>; notices: RenderNotice[] } | undefined {
  const own = new Map<string, KObject>();
  /** Own Secrets whose keys cannot be known offline (an ExternalSecret's dataFrom), as named. */
  const open = new Map<KObject, string>();
  const add = (kind: "ConfigMap" | "Secret", obj: KObject) => {
    const key = poolKey(kind, metaString(obj, "namespace"), metaString(obj, "name"));
    if (!own.has(key)) own.set(key, obj);
  };
  for (const r of built) {
    if (groupOf(r.obj) === "" && r.obj.kind === "ConfigMap") add("ConfigMap", r.obj);
    else if (groupOf(r.obj) === "" && r.obj.kind === "Secret") add("Secret", placeholderSecret(r.obj));
    else {
      const produced = producedSecret(r.obj);
      if (!produced) continue;
      add("Secret", produced.secret);
      if (produced.open) open.set(produced.secret, openSecretName(produced));
    }
  }
  if (own.size === 0) return undefined;
  const taken: Array<{ kind: string; namespace: string; name: string }> = [];
  const optional = optionalSources(k);
  const options = postBuildOptions(ctx, k, pool, state);
  // A variable an open one may hold gets a placeholder, and an object named by one is not
  // rendered (truxnell/home-cluster's Certificate "${EXTERNAL_DOMAIN/./-}"): never a false error.
  const openRead = variableRefs(k).flatMap((r) => {
    const key = poolKey(r.kind, r.namespace, r.name);
    const o = pool.has(key) ? undefined : own.get(key);
    const what = o === undefined ? undefined : open.get(o);
    return what === undefined ? [] : [what];
  });
  if (openRead.length > 0) {
    options.strict = false;
    options.open = [...(options.open ?? []), ...openRead];
    options.openValue = placeholderValue;
  }
  const settings = postBuildSettings(
    k.object,
    (ref) => {
      const key = poolKey(ref.kind, ref.namespace, ref.name);
      const o = pool.get(key);
      if (o !== undefined) return o;
      const mine = own.get(key);
      if (mine !== undefined) taken.push(ref);
      return mine;
    },
    options,
  );
  if (taken.length === 0 || settings?.loadError !== undefined) return undefined;
  // An optional source a new cluster lacks is skipped, not a failure: no note for it.
  const noted = taken
    .filter((ref) => !optional.has(`${ref.kind}/${ref.name}`))
    .map((ref) => `${ref.kind} ${ref.namespace}/${ref.name}`);
  const where = k.definedAt ? { file: k.definedAt.file, line: k.definedAt.line } : {};
  return {
    settings,
    notices: noted.map((what) => ({
      code: "CLUSTER_ONLY" as const,
      message: `Kustomization ${k.id} substitutes variables from ${what}, which only it applies: read from its own output${what.startsWith("Secret") ? " with a placeholder for each key's value" : ""}, as the cluster has it once applied (a new cluster needs it created first, by the bootstrap, or Flux fails this Kustomization until it exists)`,
      ...where,
    })),
  };
}

/**
 * Fails `k` as kustomize-controller's apply does when it would apply a SOPS-encrypted Secret
 * without decrypting it (apply-refusals.ts). Where `k` decrypts, a Secret left encrypted means
 * this machine lacks the key, which decryption reports: the cluster has it.
 */
function refusedAtApply(k: FluxKustomization): boolean {
  if (isSops(k)) return false;
  const refusal = encryptedSecretRefusal(k.resources);
  if (refusal === undefined) return false;
  k.status = "failed";
  k.resources = [];
  k.errors.push({ ...refusal, cluster: k.cluster, kustomization: k.id });
  return true;
}

/** Digest of what postBuild substitution reads besides the object: see KustomizationInputs. */
function variablesDigest(
  k: FluxKustomization,
  read: Array<KObject | null>,
  error: unknown,
  secretsOfObject: (o: KObject) => SecretPaths | undefined,
  webhook: SubstitutionWebhook | undefined,
): string {
  // A substitution webhook in the cluster gives every Kustomization open variables, those
  // without postBuild included: whether it is there (and which) is an input of each render.
  const admission = webhook === undefined ? "" : webhookVariables(webhook);
  if (specOf(k.object).postBuild === undefined) return admission;
  const h = createHash("sha256").update(admission).update("\0");
  // What is secret in a source decides what its variables mark: part of the inputs too.
  for (const o of read)
    h.update(
      o === null ? "-" : `${stableJson(o)}${JSON.stringify(secretsOfObject(o)?.paths() ?? [])}`,
    ).update("\0");
  if (error !== undefined) h.update(`error:${error instanceof Error ? error.message : String(error)}`);
  return h.digest("hex");
}

function stableJson(v: YamlValue): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson(v[key]!)}`).join(",")}}`;
  }
  return typeof v === "bigint" ? `${v}n` : JSON.stringify(v);
}

/**
 * Names the links of a generated kustomization's directory, which Flux does not apply. Only for
 * a source of this repository: an ExternalArtifact's tree is composed from an artifact that
 * holds no links already.
 */
function noteLinksLeftOut(ctx: RenderContext, k: FluxKustomization, dir: string, generated: boolean): void {
  if (!generated || k.sourceRef.kind === "ExternalArtifact" || k.sourceRoot === undefined) return;
  const links = linksLeftOut(kustomizationFs(ctx, k), dir);
  if (links.length > 0) k.linksLeftOut = links.map((l) => relative(ctx.root, l));
}

/** Names the content of a kustomization file that Flux does not read (contentAfterEmptyFirstDocument). */
function noteUnreadKustomization(
  ctx: RenderContext,
  k: FluxKustomization,
  dir: string,
  generated: boolean,
): void {
  if (generated || k.sourceRef.kind === "ExternalArtifact" || k.sourceRoot === undefined) return;
  const unread = contentAfterEmptyFirstDocument(kustomizationFs(ctx, k), dir);
  if (unread) k.unreadKustomization = { file: relative(ctx.root, unread.file), line: unread.line };
}

/** Takes an earlier render's result for a Kustomization whose inputs are the same. */
function adoptRender(k: FluxKustomization, prior: FluxKustomization): void {
  k.status = prior.status;
  k.dir = prior.dir;
  k.generatedKustomization = prior.generatedKustomization;
  if (prior.linksLeftOut) k.linksLeftOut = [...prior.linksLeftOut];
  if (prior.unreadKustomization) k.unreadKustomization = { ...prior.unreadKustomization };
  k.resources = prior.resources.map((r) => ({ ...r, cluster: k.cluster, kustomization: k.id }));
  k.errors = prior.errors.map((e) => ({ ...e, cluster: k.cluster, kustomization: k.id }));
  k.warnings = [...prior.warnings];
  if (prior.sealedSubstitutions) k.sealedSubstitutions = prior.sealedSubstitutions;
}

/**
 * What an applier's output starts: ConfigMaps/Secrets for substituteFrom and copyFrom, Flux
 * Kustomizations and ResourceSets to follow, ArtifactGenerators and ResourceSetInputProviders
 * for what waits on them, and the sources and HelmReleases of the cluster.
 */
function adoptOutput(
  ctx: RenderContext,
  cluster: Cluster,
  k: FluxKustomization,
  pool: Map<string, KObject>,
  byId: Map<string, FluxKustomization>,
  state: ClusterState,
  enqueue: (k: FluxKustomization) => void,
): void {
  for (const r of k.resources) {
    const obj = r.object;
    if (r.secrets) ctx.secretsOf.set(obj, r.secrets);
    if ((obj.kind === "ConfigMap" || obj.kind === "Secret") && groupOf(obj) === "") {
      const key = poolKey(String(obj.kind), metaString(obj, "namespace"), metaString(obj, "name"));
      const had = pool.get(key);
      // Flux applies it over the bootstrap's (or what stood in for it, convergence.ts).
      if (had === undefined || declaredInConfig.has(had) || state.converge.replaceable(had)) {
        pool.set(key, obj);
        state.converge.applied(key, obj, k.id, ancestorsOf(k, byId));
      }
    }
    const produced = producedSecret(obj);
    if (produced) offerProduced(pool, state, produced, k.id, ancestorsOf(k, byId));
    if (obj.kind === "Namespace" && groupOf(obj) === "") {
      const name = metaString(obj, "name");
      state.namespaces.set(name, stringLabels(obj));
      madeInNamespace(pool, state, name);
    }
    const perNamespace =
      clusterProducedSecret(obj) ??
      markedMirrors(ctx, onlyWhenRunning(state, reflectorMirrors(obj)), r.secrets);
    if (perNamespace) {
      state.clusterSecrets.push({ made: perNamespace, by: k.id, ancestors: ancestorsOf(k, byId) });
      for (const ns of knownNamespaces(state, byId)) madeInNamespace(pool, state, ns);
    }
    if (installsReflector(obj)) reflectorRunning(pool, state, byId);
    if (isArtifactGenerator(obj)) state.artifacts.add(obj, k.id, r.source);
    if (isInputProvider(obj)) {
      const invalid = state.providers.add(obj, "default");
      if (invalid) {
        k.errors.push({
          message: invalid,
          file: r.source?.file,
          line: r.source?.line,
          cluster: cluster.name,
          kustomization: k.id,
        });
      }
    }
    let child: FluxKustomization;
    if (isFluxKustomization(obj)) child = newKustomization(cluster.name, obj, r.source, k.id, false);
    else if (isResourceSet(obj)) child = newResourceSetNode(cluster.name, obj, r.source, k.id, "default");
    else continue;
    if (child.id === k.id || byId.get(child.id) === cluster.kustomizations[0]) continue; // applies itself
    const other = byId.get(child.id);
    // Applied by another rendered Kustomization too, the object is in both outputs, and
    // duplicate-object reports it, naming both appliers (bornav: the same double apply was an
    // error twice); only a copy the bootstrap applies is in no output, so said here.
    if (other && other.appliedBy !== undefined && other.appliedBy !== k.id) continue;
    if (other) {
      const what =
        child.kind === "ResourceSet"
          ? `ResourceSet ${child.namespace}/${child.name}`
          : `Flux Kustomization ${child.id}`;
      k.errors.push({
        message: `${what} is also applied by ${other.appliedBy ?? "the cluster root"}; ${child.kind === "ResourceSet" ? "they" : "Flux"} would fight over it (rendered once)`,
        file: r.source?.file,
        line: r.source?.line,
        cluster: cluster.name,
        kustomization: k.id,
      });
      continue;
    }
    byId.set(child.id, child);
    madeInNamespace(pool, state, child.namespace);
    k.children.push(child.id);
    cluster.kustomizations.push(child);
    enqueue(child);
  }
  collectObjects(ctx, cluster, k);
}

/** The namespaces the cluster has so far: of its Namespace objects and its Flux Kustomizations. */
function knownNamespaces(state: ClusterState, byId: Map<string, FluxKustomization>): Set<string> {
  return new Set([...state.namespaces.keys(), ...[...byId.values()].map((x) => x.namespace)]);
}

/** reflector's copies, made while the cluster runs reflector (ClusterState.reflectorRuns), and noted as made. */
function onlyWhenRunning(
  state: ClusterState,
  mirrors: ClusterProducedSecret | undefined,
): ClusterProducedSecret | undefined {
  if (mirrors === undefined) return undefined;
  return {
    selects: (namespace, labels) => state.reflectorRuns && mirrors.selects(namespace, labels),
    secretIn: (namespace) => {
      state.converge.reflectorCopied = true;
      return mirrors.secretIn(namespace);
    },
  };
}

/** The cluster runs reflector: the copies of the sources seen so far appear in every namespace known. */
function reflectorRunning(
  pool: Map<string, KObject>,
  state: ClusterState,
  byId: Map<string, FluxKustomization>,
): void {
  state.converge.reflectorSeen = true;
  if (state.reflectorRuns) return;
  state.reflectorRuns = true;
  for (const ns of knownNamespaces(state, byId)) madeInNamespace(pool, state, ns);
}

/**
 * reflector's copies of a source whose fields are marked secret (a SOPS-encrypted ConfigMap):
 * each copy carries the marks, so that variables read from it are masked as the source's are.
 */
function markedMirrors(
  ctx: RenderContext,
  mirrors: ClusterProducedSecret | undefined,
  marks: SecretPaths | undefined,
): ClusterProducedSecret | undefined {
  if (mirrors === undefined || marks === undefined) return mirrors;
  return {
    selects: mirrors.selects,
    secretIn: (namespace) => {
      const made = mirrors.secretIn(namespace);
      if (made) ctx.secretsOf.set(made.secret, marks);
      return made;
    },
  };
}

/**
 * Puts a Secret a controller makes from an object of `by`'s output (or a ConfigMap reflector
 * copies) in the pool, unless one is there.
 */
function offerProduced(
  pool: Map<string, KObject>,
  state: ClusterState,
  produced: ProducedSecret,
  by: string,
  ancestors: string[],
): void {
  const key = poolKey(
    String(produced.secret.kind),
    metaString(produced.secret, "namespace"),
    metaString(produced.secret, "name"),
  );
  const had = pool.get(key);
  if (had !== undefined && !state.converge.replaceable(had)) return;
  pool.set(key, produced.secret);
  if (produced.open) openSecrets.set(produced.secret, openSecretName(produced));
  state.converge.applied(key, produced.secret, by, ancestors, produced.producer);
}

/**
 * The Secrets ClusterExternalSecrets make in `namespace` (a namespace of a Namespace object or of
 * a Flux Kustomization: what the cluster has), as its labels select.
 */
function madeInNamespace(pool: Map<string, KObject>, state: ClusterState, namespace: string): void {
  if (namespace === "" || state.clusterSecrets.length === 0) return;
  const labels = state.namespaces.get(namespace) ?? {};
  for (const c of state.clusterSecrets) {
    if (!c.made.selects(namespace, labels)) continue;
    const produced = c.made.secretIn(namespace);
    if (produced) offerProduced(pool, state, produced, c.by, c.ancestors);
  }
}

function stringLabels(obj: KObject): Record<string, string> {
  const md = isMap(obj.metadata) ? obj.metadata : {};
  const out: Record<string, string> = {};
  if (isMap(md.labels)) for (const [k, v] of Object.entries(md.labels)) if (typeof v === "string") out[k] = v;
  return out;
}

/** The Kustomizations that apply `k`, nearest first. */
function ancestorsOf(k: FluxKustomization, byId: Map<string, FluxKustomization>): string[] {
  const out: string[] = [];
  for (let id = k.appliedBy; id !== undefined && !out.includes(id); id = byId.get(id)?.appliedBy)
    out.push(id);
  return out;
}

function prepareResourceSetNode(
  ctx: RenderContext,
  p: Pending,
  state: ClusterState,
  canWait: boolean,
): "ok" | "done" | "wait" {
  const r = prepareResourceSet(
    p.k,
    state.providers,
    operatorFuncs,
    (file) => readRepoFile(ctx, file),
    canWait,
  );
  if (r.state !== "ready") return r.state === "wait" ? "wait" : "done";
  p.generated = { objects: r.objects, info: r.info };
  return "ok";
}

function finishResourceSet(
  ctx: RenderContext,
  cluster: Cluster,
  p: Pending,
  pool: Map<string, KObject>,
  byId: Map<string, FluxKustomization>,
  state: ClusterState,
  enqueue: (k: FluxKustomization) => void,
): void {
  const k = p.k;
  const generated = p.generated!;
  k.resourceSet = generated.info;
  const spec = specOf(k.object);
  const cm = isMap(spec.commonMetadata) ? spec.commonMetadata : {};
  const strings = (v: unknown): Record<string, string> =>
    isMap(v) ? Object.fromEntries(Object.entries(v).map(([a, b]) => [a, String(b ?? "")])) : {};
  k.resources = renderedResourceSetObjects(
    k,
    { commonMetadata: { labels: strings(cm.labels), annotations: strings(cm.annotations) } },
    generated.objects,
    (file) => readRepoFile(ctx, file),
  );
  adoptOutput(ctx, cluster, k, pool, byId, state, enqueue);
}

/** A repository file's text (for line numbers of fields), or undefined. */
function readRepoFile(ctx: RenderContext, file: string): string | undefined {
  try {
    return ctx.fs.readFile(path.posix.join(ctx.root, file)).toString("utf8");
  } catch {
    return undefined;
  }
}

/** Sources and HelmReleases in a Kustomization's output. */
function collectObjects(ctx: RenderContext, cluster: Cluster, k: FluxKustomization): void {
  for (const r of k.resources) {
    const obj = r.object;
    const namespace = metaString(obj, "namespace");
    const name = metaString(obj, "name");
    const sourceKind = sourceKindOf(obj);
    if (sourceKind) {
      const mapped = ctx.sources.find(
        (s) => s.kind === sourceKind && s.name === name && s.namespace === namespace,
      );
      cluster.sources.push({
        cluster: cluster.name,
        kind: sourceKind,
        namespace,
        name,
        object: obj,
        kustomization: k.id,
        definedAt: r.source,
        localRoot: mapped?.path,
      });
    } else if (isHelmRelease(obj)) {
      cluster.helmReleases.push(helmReleaseInfo(cluster.name, obj, k.id, r.source));
      if (ctx.charts !== false) foundHelmReleases(ctx.renderCache, cluster.helmReleases.length);
    }
  }
}

function helmReleaseInfo(
  cluster: string,
  obj: KObject,
  kustomization: string,
  at?: SourceLocation,
): HelmReleaseInfo {
  const namespace = metaString(obj, "namespace");
  const spec = specOf(obj);
  const info: HelmReleaseInfo = {
    cluster,
    namespace,
    name: metaString(obj, "name"),
    object: obj,
    kustomization,
    definedAt: at,
    dependsOn: dependsOnOf(obj),
  };
  const chart = isMap(spec.chart) && isMap(spec.chart.spec) ? spec.chart.spec : undefined;
  if (chart) {
    info.chart = stringField(chart, "chart") || undefined;
    info.version = stringField(chart, "version") || undefined;
    if (isMap(chart.sourceRef)) {
      info.chartSource = {
        kind: stringField(chart.sourceRef, "kind"),
        name: stringField(chart.sourceRef, "name"),
        namespace: stringField(chart.sourceRef, "namespace") || namespace,
      };
    }
  } else if (isMap(spec.chartRef)) {
    info.chartSource = {
      kind: stringField(spec.chartRef, "kind"),
      name: stringField(spec.chartRef, "name"),
      namespace: stringField(spec.chartRef, "namespace") || namespace,
    };
  }
  return info;
}

/**
 * `origin`: the part of `marked` whose value is secret to a reader of the repository; undefined
 * when not known, and then every secret field is (RenderedResource.secretOrigin).
 */
function rendered(
  ctx: RenderContext,
  from: Resource,
  object: KObject,
  k: FluxKustomization,
  marked: SecretPaths | undefined,
  origin?: SecretPaths,
): RenderedResource {
  const secrets = withoutIdentity(marked);
  const rel = (abs: string) => relative(ctx.root, originOf(ctx, abs));
  const out: RenderedResource = {
    object,
    touchedBy: from.touchedBy.map(rel),
    kustomization: k.id,
    cluster: k.cluster,
  };
  if (secrets && !secrets.isEmpty()) {
    out.secrets = secrets;
    ctx.secretsOf.set(object, secrets);
    // A Flux Kustomization with a secret field (decrypted by its parent) may patch a secret
    // into what it builds, unmarked: nothing it builds is known to be clear.
    if (origin && !ctx.secretsOf.has(k.object))
      out.secretOrigin = withoutIdentity(origin) ?? new SecretPaths();
  }
  if (from.source) out.source = { file: rel(from.source.file), line: from.source.line };
  if (from.patches.length > 0) {
    out.patches = from.patches.map((p) => ({ ...p, file: rel(p.file) }));
  }
  return out;
}

function fail(k: FluxKustomization, err: unknown): void {
  k.status = "failed";
  k.resources = [];
  const e = toPlatformError(err);
  // The failure is why nothing is applied: it comes before what a partial build left out.
  const omitted = k.errors.filter((x) => x.code === "REMOTE_RESOURCE_OMITTED");
  k.errors = [
    ...k.errors.filter((x) => x.code !== "REMOTE_RESOURCE_OMITTED"),
    { ...e, cluster: k.cluster, kustomization: k.id },
    ...omitted,
  ];
}

/**
 * How a left-out remote entry's credentials are printed: a diff tells an entry that changed by
 * its message (diff/coverage.ts), so a rotated token must change the text without showing it.
 */
const REMOTE_CREDENTIALS = credentialMarks();

/**
 * Remote resources the build left out (Slipway never fetches; kustomize-controller does): the
 * Kustomization is rendered without them, and each is an error of the model, so that every
 * output and exit code says the render is incomplete.
 */
function noteOmitted(ctx: RenderContext, k: FluxKustomization, omitted: FluxBuild["omitted"]): void {
  for (const o of omitted ?? []) {
    const resource = redactUrl(o.resource, REMOTE_CREDENTIALS);
    k.errors.push({
      message:
        o.generated === undefined
          ? `remote resource '${resource}' is not rendered or checked: Slipway builds offline (Flux fetches it). Vendor it into the repository and refer to it by a local path to check it`
          : `${o.generated} is not rendered or checked: its generator reads the remote file '${resource}', and Slipway builds offline (Flux fetches it). Vendor the file into the repository and refer to it by a local path to check it`,
      code: "REMOTE_RESOURCE_OMITTED",
      omitted: o.generated === undefined ? { resource } : { resource, generated: o.generated },
      file: relative(ctx.root, originOf(ctx, o.file)),
      ...(o.line !== undefined ? { line: o.line } : {}),
      cluster: k.cluster,
      kustomization: k.id,
    });
  }
}

/**
 * The model's record of a failure. Its message may quote a remote entry as written: credentials
 * in a URL become marks here, before any output (as for a left-out entry, so that a diff still
 * sees a rotated token).
 */
function toPlatformError(err: unknown): PlatformError {
  if (err instanceof SlipwayError) {
    const e: PlatformError = { message: redactUrlsIn(err.message, REMOTE_CREDENTIALS) };
    if (err.file) e.file = err.file;
    if (err.line !== undefined) e.line = err.line;
    if (err instanceof KustomizationFieldError) {
      e.field = err.field;
      if (err.code) e.code = err.code;
    }
    if (err instanceof RemoteResourceError) e.code = "REMOTE_RESOURCE";
    if (err instanceof ChartNotVendoredError) e.code = "CHART_NOT_VENDORED";
    if (err instanceof SecretIdentityError) e.code = "SECRET_IDENTITY";
    if (err instanceof StrictSubstitutionError && err.assumed) e.code = "STRICT_ASSUMED";
    if (causedBy(err, YamlNestingError)) e.code = "SLIPWAY_LIMIT";
    return e;
  }
  if (err instanceof Error) return { message: redactUrlsIn(err.message, REMOTE_CREDENTIALS) };
  return { message: redactUrlsIn(String(err), REMOTE_CREDENTIALS) };
}

/** Whether `err` or an error in its `cause` chain is a `kind` (a build wraps what a file's parse threw). */
function causedBy(err: unknown, kind: abstract new (...args: never[]) => Error): boolean {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 32; depth++) {
    if (e instanceof kind) return true;
    e = (e as Error).cause;
  }
  return false;
}

function toPosixAbsolute(dir: string): string {
  return path.resolve(dir).split(path.sep).join("/");
}

function toAbsolute(root: string, rel: string): string {
  return path.posix.resolve(root, rel);
}

function relative(root: string, abs: string): string {
  if (!abs.startsWith("/")) return abs;
  return relativePath(root, abs) || ".";
}
