/**
 * The Platform: one in-memory model of a GitOps repository, built once per run and shared by
 * every command. Clusters → Flux Kustomizations (as kustomize-controller reconciles them) →
 * the objects each applies, plus the sources and HelmReleases found in that output.
 * Every rendered object remembers the file and line it came from and which Flux
 * Kustomization and cluster apply it. File paths are relative to the repository root.
 */

import type { ControllerProfile } from "../flux/profile.js";
import type { FileSystem } from "../fs/filesystem.js";
import type { GoMap } from "../helm/template/value.js";
import type { KObject } from "../kustomize/types.js";
import type { SecretPaths } from "../secrets/paths.js";
import type { SlipwayConfig } from "./config.js";
import type { DiscoveredBy, DiscoveryNote } from "./discovery-types.js";

export type { DiscoveredBy, DiscoveryNote } from "./discovery-types.js";

export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

/** Whether two references name the same object (kind, namespace and name; nothing else). */
export function sameObjectRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
}

export interface SourceLocation {
  /** Repository-relative path (POSIX). */
  file: string;
  /** 1-based line of the document (or field) in that file; 0 when unknown. */
  line: number;
}

/**
 * What kind of problem a PlatformError is, for consumers that treat some differently.
 * - SUBSTITUTE_SOURCE_NOT_FOUND: a `postBuild.substituteFrom` ConfigMap/Secret that no rendered
 *   object provides; it may exist only in the cluster (made by the bootstrap or Terraform).
 */
export type PlatformErrorCode =
  | "SUBSTITUTE_SOURCE_NOT_FOUND"
  /** A non-optional HelmRelease `valuesFrom` ConfigMap/Secret (or key) that nothing renders. */
  | "VALUES_SOURCE_NOT_FOUND"
  /** A HelmRelease `valuesFrom` value left SOPS-encrypted: no age identity here decrypts it. */
  | "VALUES_SOURCE_ENCRYPTED"
  /** A HelmRelease `valuesFrom` ConfigMap Kubernetes makes (kube-root-ca.crt): there, its content unknown here. */
  | "VALUES_SOURCE_CLUSTER_MADE"
  /** A remote base or resource: Slipway builds offline and does not fetch it (Flux and kubectl do). */
  | "REMOTE_RESOURCE"
  /** A kustomize helmCharts chart not in chartHome: `kustomize build --enable-helm` pulls it, Slipway does not. */
  | "CHART_NOT_VENDORED"
  /**
   * A remote `resources:` entry left out of a build that is otherwise rendered (`file`/`line`: the
   * entry): what it adds is unknown, the rest of the Kustomization is rendered and checked.
   */
  | "REMOTE_RESOURCE_OMITTED"
  /**
   * An object not rendered because a secret reached its identity (SecretIdentityError); on a
   * rendered Kustomization, the rest of it is rendered.
   */
  | "SECRET_IDENTITY"
  /** A SOPS-encrypted Secret in a Flux Kustomization without `spec.decryption`: Flux applies none of it. */
  | "SOPS_DECRYPTION_MISSING"
  /** A strict-substitution failure under the Flux version Slipway assumes (the repository names none). */
  | "STRICT_ASSUMED"
  /** A chart render failing in a template that calls `lookup`, empty offline (helm/lookup-failure.ts). */
  | "CHART_READS_CLUSTER"
  /** YAML nested deeper than Slipway reads (yaml/limits.ts), which kubectl and Flux read. */
  | "SLIPWAY_LIMIT";

export interface PlatformError {
  message: string;
  code?: PlatformErrorCode;
  file?: string;
  line?: number;
  cluster?: string;
  /** `namespace/name` of the Flux Kustomization it belongs to. */
  kustomization?: string;
  /** `namespace/name` of the HelmRelease it belongs to (then `field` is a field of the HelmRelease). */
  helmRelease?: string;
  /**
   * A field of that Flux Kustomization's object the error is about (`spec.postBuild.substituteFrom[0]`),
   * when the fix is there rather than in `file`.
   */
  field?: Array<string | number>;
  /**
   * For REMOTE_RESOURCE_OMITTED: the remote entry left out, as printed (credentials marked), and
   * the generated object it fed, if any; a finding groups the entries of one file by these.
   */
  omitted?: { resource: string; generated?: string };
}

/** A patch that changed a rendered object (see the kustomize engine's PatchRecord). */
export interface PatchSource {
  /** Repository-relative file of the patch, or of the kustomization holding it inline. */
  file: string;
  /** 1-based line of the patch document (of the kustomization for inline patches). */
  line: number;
  inline: boolean;
  smp?: KObject;
  ops?: Array<{ op: string; path?: string }>;
}

export interface RenderedResource {
  /** The object as Flux applies it: after build, decryption, substitution, owner labels, commonMetadata. */
  object: KObject;
  /** Where the object was read from (the file a person edits). Absent for generated objects. */
  source?: SourceLocation;
  /** Repository-relative kustomization directories whose transformers changed it (outermost last). */
  touchedBy: string[];
  /** Patches applied to it, in order. */
  patches?: PatchSource[];
  /** `namespace/name` of the Flux Kustomization that applies it (`ResourceSet/ns/name` for a ResourceSet; for chart output: that applies its HelmRelease). */
  kustomization: string;
  cluster: string;
  /**
   * The fields of `object` that hold secret values (src/secrets): decrypted SOPS values, a
   * Secret's data, fields substituted from a secret variable, decrypted Helm values… Every
   * output masks them (`maskPlatform`) unless the user asked for plaintext.
   */
  secrets?: SecretPaths;
  /**
   * The part of `secrets` whose value is secret to whoever reads the repository: decrypted,
   * substituted from a Secret's variable, made by a chart, copied from a secret field. A Secret's
   * data written in clear in Git is not (it is masked all the same). Undefined: not known, so
   * all of `secrets` is; only the objects a Flux Kustomization or a kustomize stack builds say.
   * Decides which values withhold a message that quotes them (masking.ts, secretQuoter).
   */
  secretOrigin?: SecretPaths;
  /**
   * Made by a Flux Operator ResourceSet: which one, from which template field
   * (`resources[0]`, `resourcesTemplate`, `steps[1].resources[0]`) and input set. `source` then
   * points at that template in the ResourceSet's file.
   */
  generatedBy?: { kind: "ResourceSet"; namespace: string; name: string; template: string; input?: number };
  /** Chart output: `namespace/name` of the HelmRelease whose release it is (`source` is the HelmRelease's). */
  helmRelease?: string;
  /** Chart output: a Helm hook (applied around install/upgrade, not part of the release inventory). */
  hook?: string[];
  /** Chart output: from the chart's `crds/` directory (applied by helm-controller's CRD policy). */
  crd?: boolean;
}

/**
 * - rendered: built and post-processed; `resources` is what Flux applies.
 * - failed: Flux would apply nothing (see `errors`).
 * - suspended: `spec.suspend: true`, reconciliation skipped.
 * - external: its source is not this repository nor mapped in slipway.yaml.
 */
export type KustomizationStatus = "rendered" | "failed" | "suspended" | "external";

/** A ResourceSet's dependency (spec.dependsOn): any object, optionally ready or matching a CEL expression. */
export interface ResourceSetDependency {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  ready: boolean;
  readyExpr?: string;
}

/** What a ResourceSet node resolved (see FluxKustomization.kind). */
export interface ResourceSetInfo {
  /** Input sets after combining (0 when its providers export none). */
  inputs: number;
  strategy: "Flatten" | "Permute";
  /** `namespace/name` of the ResourceSetInputProviders it took inputs from. */
  providers: string[];
  dependsOn: ResourceSetDependency[];
  /** Step names, for a ResourceSet with steps. */
  steps?: string[];
}

/**
 * Something Slipway could not render or check fully offline, with why — not an error in the
 * repository. NOT_RENDERED: a whole applier (its inputs, artifact or template functions are
 * only known in the cluster); CLUSTER_ONLY: part of an object is filled in at apply time from
 * the cluster (copyFrom, checksums, kubeconfigs); UNAVAILABLE: an input Slipway cannot read
 * (another repository, a chart registry).
 */
export interface RenderNotice {
  code: "NOT_RENDERED" | "CLUSTER_ONLY" | "UNAVAILABLE";
  message: string;
  file?: string;
  line?: number;
}

/** A Secret still in its SOPS envelope that a Flux Kustomization substitutes variables from. */
export interface SealedSubstitution {
  /** `namespace/name`. */
  secret: string;
  variables: string[];
}

export interface FluxKustomization {
  /**
   * Absent for a Flux Kustomization. "ResourceSet" for a Flux Operator ResourceSet: the
   * operator applies its generated objects (`resources`) as kustomize-controller applies a
   * path; `id` is then `ResourceSet/<namespace>/<name>`, `path`/`sourceRef` are empty,
   * `dependsOn` is [] (its dependencies are any objects: `resourceSet.dependsOn`).
   */
  kind?: "ResourceSet";
  /** For a ResourceSet node: inputs, providers and dependencies. */
  resourceSet?: ResourceSetInfo;
  cluster: string;
  namespace: string;
  name: string;
  /** `namespace/name`, unique within a cluster. */
  id: string;
  /** The object as its parent applies it (after the parent's substitution). */
  object: KObject;
  /** `spec.path` as written (after the parent's substitution). */
  path: string;
  sourceRef: ObjectRef;
  /** Repository-relative root of the source's artifact, when it is local. */
  sourceRoot?: string;
  /** Repository-relative directory that was built. */
  dir?: string;
  status: KustomizationStatus;
  suspended: boolean;
  /** dependsOn with namespaces defaulted to this Kustomization's. */
  dependsOn: Array<{ namespace: string; name: string }>;
  resources: RenderedResource[];
  errors: PlatformError[];
  warnings: string[];
  /** Why `status` is not "rendered" when that is not its source or spec.suspend (a ResourceSet's inputs, an ExternalArtifact). */
  statusReason?: string;
  /** What could not be rendered or checked offline (also in `warnings`, as text). */
  notices?: RenderNotice[];
  /**
   * The Secrets its postBuild substituted from that no key here decrypted (`namespace/name`),
   * each with the variables its objects use (sorted): Slipway wrote their ciphertext where Flux
   * writes the plaintext, so those values are unknown. Absent when none.
   */
  sealedSubstitutions?: SealedSubstitution[];
  /** `namespace/name` of the Flux Kustomization whose output contains this one; undefined for the root. */
  appliedBy?: string;
  /** Flux Kustomizations this one applies (ids). */
  children: string[];
  /** Where the object is defined. */
  definedAt?: SourceLocation;
  /** The directory had no kustomization file: Flux generated one. */
  generatedKustomization: boolean;
  /**
   * Repository-relative symbolic links below a generated kustomization's directory: not in
   * Flux's source artifact, so not applied (src/platform/source-links.ts).
   */
  linksLeftOut?: string[];
  /**
   * The directory's kustomization file has an empty first document and content after it, which
   * Flux never reads (repository-relative file, line of the marker that starts it).
   */
  unreadKustomization?: { file: string; line: number };
  /**
   * spec.path is in the checkout but its source's artifact leaves it out: the pattern that
   * excludes it (a `.sourceignore` line, the source's spec.ignore or a built-in exclusion), described.
   */
  pathExcludedBy?: string;
  /**
   * Made up by Slipway for a cluster without Flux sync objects in the repository (the
   * bootstrap object lives elsewhere) or for a plain kustomize stack.
   */
  synthetic: boolean;
}

export type SourceKind =
  | "GitRepository"
  | "OCIRepository"
  | "HelmRepository"
  | "Bucket"
  | "ExternalArtifact"
  | "HelmChart";

export interface FluxSource {
  cluster: string;
  kind: SourceKind;
  namespace: string;
  name: string;
  object: KObject;
  /** Flux Kustomization (id) that applies it. */
  kustomization: string;
  definedAt?: SourceLocation;
  /** Repository-relative directory its artifact maps to, when Slipway can read it. */
  localRoot?: string;
  /** For an ExternalArtifact: the ArtifactGenerator (`namespace/name`) that produces it. */
  generator?: string;
}

/**
 * An ExternalArtifact an in-repository ArtifactGenerator produces (source-watcher), with its
 * content when Slipway could compose it. `root` is a virtual repository-relative directory
 * (`@ExternalArtifact/<cluster>/<ns>/<name>`): read it through `fs`, never from disk.
 */
export interface ExternalArtifactInfo {
  namespace: string;
  name: string;
  /** `namespace/name` of the ArtifactGenerator. */
  generator: string;
  /** Flux Kustomization (id) that applies the generator. */
  kustomization: string;
  definedAt?: SourceLocation;
  labels: Record<string, string>;
  root: string;
  /** The artifact's files (absolute paths below `<repo>/<root>`); absent when it was not built. */
  fs?: FileSystem;
  /** Why it was not built. */
  problem?: { severity: "error" | "warning"; message: string };
}

export interface HelmReleaseInfo {
  cluster: string;
  namespace: string;
  name: string;
  object: KObject;
  kustomization: string;
  definedAt?: SourceLocation;
  dependsOn: Array<{ namespace: string; name: string }>;
  /** spec.chart.spec.sourceRef or spec.chartRef, namespace defaulted. */
  chartSource?: ObjectRef;
  chart?: string;
  version?: string;
  /**
   * - rendered: the chart was rendered; `resources` is what helm-controller applies.
   * - failed: helm-controller would fail (see `errors`).
   * - suspended: `spec.suspend: true`.
   * - external: its chart is not in this repository nor in the chart cache, or its source is
   *   not in the cluster (see `warnings`/`errors`).
   * Absent when HelmReleases were not rendered.
   */
  status?: KustomizationStatus;
  /** The chart's objects after helm-controller's post-rendering, hooks and CRDs included. */
  resources?: RenderedResource[];
  errors?: PlatformError[];
  warnings?: string[];
  /** The Helm release name (shortened as helm-controller does) and namespace. */
  releaseName?: string;
  releaseNamespace?: string;
  /** The chart version rendered (a range in `version` resolved). */
  resolvedVersion?: string;
  /** Where the chart came from: a repository directory, or `source@version` of the chart cache. */
  chartLocation?: string;
  /**
   * The chart is neither in the repository nor in the chart cache: why, naming the command that
   * fetches it (`status` is then "external").
   */
  chartMissing?: string;
  /** `chartMissing` without the release: the same text for every release asking for that chart. */
  chartMissingWhy?: string;
  /**
   * What the chart was rendered with (plaintext values: never print them): for differential
   * tests against `helm template` and for explaining a render.
   */
  renderInputs?: { chartDir?: string; values: GoMap; apiVersions: string[]; kubeVersion?: string };
  /** Plaintext strings that entered the values from Secrets (masked in every output). */
  secretInputs?: string[];
}

export type ClusterMode = "flux" | "kustomize";

export interface Cluster {
  name: string;
  /** Repository-relative directory the cluster's root Kustomization builds. */
  path: string;
  sourceRoot: string;
  mode: ClusterMode;
  discoveredBy: DiscoveredBy;
  /** Where it is defined (the sync file, the FluxInstance, slipway.yaml), when a file says so. */
  origin?: SourceLocation;
  /** How it was found, in words, for people ("FluxInstance flux-system/flux in …"). */
  reason?: string;
  /**
   * A plain stack found as an `overlays/<env>` folder that nothing includes: often one app's
   * overlay for an environment (Argo CD applications, `kubectl apply -k`), not everything its
   * cluster runs. Rules that conclude from what a cluster lacks (a namespace no object creates,
   * a chart source no object defines) do not conclude from such a stack alone.
   */
  appOverlay?: boolean;
  /**
   * Sources that are this repository: the sync GitRepository, a FluxInstance's source, the
   * bootstrap source of top-level Kustomizations. They exist in the cluster even when no
   * rendered object defines them.
   */
  localSources?: ObjectRef[];
  /**
   * A cluster applied from outside the repository (top-level Kustomizations): the Flux sources
   * the repository defines that no cluster of it applies. Whatever applies this cluster may
   * apply them too (brunovlucena's Pulumi program applies `flux/infrastructure/flux`, its
   * HelmRepositories, beside `flux/clusters/<env>`): a source missing from the cluster that is
   * one of these may well exist.
   */
  bootstrapSources?: Array<ObjectRef & { at: SourceLocation }>;
  /**
   * Why the content the cluster's source reads may not be this repository, after "its" (a sync
   * reading a git server inside the cluster): check says the cluster's errors as warnings, with this reason.
   */
  contentUnconfirmed?: string;
  /** In discovery order: the root first, then breadth first. */
  kustomizations: FluxKustomization[];
  sources: FluxSource[];
  helmReleases: HelmReleaseInfo[];
  errors: PlatformError[];
  /** Milliseconds spent rendering this cluster. */
  renderMs: number;
  /** The Flux version and controller settings the cluster was rendered with. */
  profile?: ControllerProfile;
  /** ExternalArtifacts produced by the cluster's ArtifactGenerators. */
  externalArtifacts?: ExternalArtifactInfo[];
}

export interface Platform {
  /** Absolute POSIX path of the repository root. */
  root: string;
  config?: SlipwayConfig;
  clusters: Cluster[];
  /** Problems not tied to one cluster (slipway.yaml, discovery). */
  errors: PlatformError[];
  /** What discovery did not use (absent on platforms made by hand). */
  discovery?: { notes: DiscoveryNote[] };
}

export function kustomizationId(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** How an applier is named in messages: "Flux Kustomization ns/name" or "ResourceSet ns/name". */
export function applierName(k: Pick<FluxKustomization, "id">): string {
  return applierNameOf(k.id);
}

/** The same from an applier id (`RenderedResource.kustomization`). */
export function applierNameOf(id: string): string {
  return id.startsWith("ResourceSet/")
    ? `ResourceSet ${id.slice("ResourceSet/".length)}`
    : `Flux Kustomization ${id}`;
}

/** Records a notice on an applier (structured, for check) and as a warning line (for text output). */
export function addNotice(k: FluxKustomization, notice: RenderNotice): void {
  (k.notices ??= []).push(notice);
  k.warnings.push(notice.message);
}

/** Every error of the platform: its own, each cluster's and each Flux Kustomization's. */
export function platformErrors(p: Platform): PlatformError[] {
  const out = [...p.errors];
  for (const c of p.clusters) {
    out.push(...c.errors);
    for (const k of c.kustomizations) out.push(...k.errors);
    for (const h of c.helmReleases) out.push(...(h.errors ?? []));
  }
  return out;
}

/**
 * The errors of a rendered Kustomization: what its render leaves out (remote resources, objects
 * whose identity is secret), while the rest is rendered. Empty unless `k` is rendered.
 */
export function leftOut(k: FluxKustomization): PlatformError[] {
  if (k.status !== "rendered") return [];
  return k.errors.filter((e) => e.code === "REMOTE_RESOURCE_OMITTED" || e.code === "SECRET_IDENTITY");
}

/** Whether `k` was rendered without some of what Flux applies (see leftOut). */
export function isPartlyRendered(k: FluxKustomization): boolean {
  return leftOut(k).length > 0;
}

/**
 * Whether `k` may apply objects Slipway does not see: it was not rendered (failed, external
 * source) or only in part. A rule that finds something missing must not be sure of it then.
 */
export function outputUnknown(k: FluxKustomization): boolean {
  return k.status === "failed" || k.status === "external" || isPartlyRendered(k);
}

/** `k`'s state for a sentence about what it may apply: "failed", "external" or "partly rendered". */
export function unknownOutputState(k: FluxKustomization): string {
  return isPartlyRendered(k) ? "partly rendered" : k.status;
}

/** Every object applied anywhere, in cluster then Kustomization order, then each cluster's chart output. */
export function allResources(p: Platform): RenderedResource[] {
  return p.clusters.flatMap((c) => [
    ...c.kustomizations.flatMap((k) => k.resources),
    ...c.helmReleases.flatMap((h) => h.resources ?? []),
  ]);
}

/**
 * Why a HelmRelease's chart was not rendered, in a few words for a list that names the release
 * already (the chart-cache message's own "HelmRelease ns/name: " taken off).
 */
export function notRenderedReason(h: HelmReleaseInfo): string {
  return withoutOwnName(
    h,
    h.chartMissing ?? h.errors?.[0]?.message ?? h.warnings?.[0] ?? "its chart was not rendered",
  );
}

/** A message about `h` for a list that names it already: its leading "HelmRelease ns/name: " taken off. */
export function withoutOwnName(h: HelmReleaseInfo, message: string): string {
  const own = `HelmRelease ${h.namespace}/${h.name}: `;
  return message.startsWith(own) ? message.slice(own.length) : message;
}

/** `namespace/name` of a HelmRelease. */
export function helmReleaseId(h: { namespace: string; name: string }): string {
  return `${h.namespace}/${h.name}`;
}
