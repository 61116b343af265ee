/**
 * What chart each HelmRelease of a Platform asks for, read as helm-controller and
 * source-controller (Flux 2.9) read it:
 *
 *   spec.chart.spec + HelmRepository (type default)  → index.yaml at spec.url, chart, version range
 *   spec.chart.spec + HelmRepository (type oci)      → tags of <spec.url>/<chart>, version range
 *   spec.chartRef → OCIRepository                    → spec.url at ref.digest > ref.semver > ref.tag > "latest"
 *   spec.chartRef → HelmChart                        → the HelmChart's chart/version/sourceRef, as above
 *   GitRepository / Bucket / ExternalArtifact        → a path in a source, not a cached archive
 *
 * Pure: reads the model only. The network is pull.ts's job; offline resolution against the cache
 * is `resolveOffline`.
 */
import { isMap, type KObject, type YamlMap } from "../kustomize/types.js";
import { metaString, specOf, stringField } from "../platform/flux-objects.js";
import type { Cluster, FluxSource, HelmReleaseInfo, Platform, SourceLocation } from "../platform/model.js";
import { GoRegexp } from "../re2.js";
import { redactUrl } from "../url-credentials.js";
import { type ChartCache, type ChartRef, canonicalSource } from "./cache.js";
import { CHART_LAYER_MEDIA_TYPE } from "./oci.js";
import { isExactVersion, resolveVersion } from "./resolve.js";

export type ChartSourceKind = "helm" | "oci" | "oci-artifact";

export interface ReleaseId {
  cluster: string;
  namespace: string;
  name: string;
  definedAt?: SourceLocation;
}

/** One chart location a HelmRelease needs from the cache. */
export interface ChartRequest {
  release: ReleaseId;
  /** helm: HelmRepository default; oci: HelmRepository type oci; oci-artifact: OCIRepository. */
  kind: ChartSourceKind;
  /** ChartRef.source (canonical). */
  source: string;
  name: string;
  /** Version range (helm, oci, OCIRepository ref.semver); undefined means the latest stable. */
  range?: string;
  /** OCIRepository ref.digest or ref.tag: used as is, never listed. */
  fixed?: string;
  /**
   * Tags spell "+" as "_" (Helm's convention): always for HelmRepository type oci; for an
   * OCIRepository when its layerSelector.mediaType is the Helm chart layer (source-controller's
   * convertOCIToSemVerTag).
   */
  helmTags: boolean;
  /** OCIRepository ref.semverFilter: a Go regexp tags must match before semver selection. */
  semverFilter?: string;
  /** spec.insecure: plain HTTP for OCI. */
  insecure: boolean;
  passCredentials: boolean;
  /** spec.secretRef of the source, namespace defaulted, with the Secret when the cluster renders it. */
  secretRef?: { namespace: string; name: string; secret?: KObject };
  /** The source object, for messages. */
  via: string;
}

/** A HelmRelease whose chart does not come from the cache, or whose source cannot be used. */
export interface ChartNotCached {
  release: ReleaseId;
  /** "not-cached": chart from a Git/Bucket/ExternalArtifact path; "error": a broken reference. */
  kind: "not-cached" | "error";
  message: string;
}

export type ReleaseChart = ChartRequest | ChartNotCached;

export const isRequest = (r: ReleaseChart): r is ChartRequest => "source" in r;

export function chartRequests(platform: Platform, clusters?: string[]): ReleaseChart[] {
  const out: ReleaseChart[] = [];
  for (const cluster of platform.clusters) {
    if (clusters && !clusters.includes(cluster.name)) continue;
    for (const hr of cluster.helmReleases) out.push(requestOf(cluster, hr));
  }
  return out;
}

function requestOf(cluster: Cluster, hr: HelmReleaseInfo): ReleaseChart {
  const release: ReleaseId = {
    cluster: cluster.name,
    namespace: hr.namespace,
    name: hr.name,
    definedAt: hr.definedAt,
  };
  const fail = (message: string): ChartNotCached => ({ release, kind: "error", message });
  const ref = hr.chartSource;
  if (!ref?.name) return fail("has neither spec.chart.spec.sourceRef nor spec.chartRef");
  const src = findSource(cluster, ref.kind, ref.namespace, ref.name);
  const spec = specOf(hr.object);
  if (isMap(spec.chart)) {
    if (!hr.chart) return fail("spec.chart.spec.chart is empty");
    if (ref.kind !== "HelmRepository") return fromPath(release, ref.kind, ref.namespace, ref.name, hr);
    if (!src)
      return fail(
        `its HelmRepository ${ref.namespace}/${ref.name} is not rendered in cluster ${cluster.name}`,
      );
    return fromHelmRepository(cluster, release, src, hr.chart, hr.version);
  }
  if (ref.kind === "OCIRepository") {
    if (!src)
      return fail(
        `its OCIRepository ${ref.namespace}/${ref.name} is not rendered in cluster ${cluster.name}`,
      );
    return fromOciRepository(cluster, release, src);
  }
  if (ref.kind === "HelmChart") {
    if (!src)
      return fail(`its HelmChart ${ref.namespace}/${ref.name} is not rendered in cluster ${cluster.name}`);
    const hc = specOf(src.object);
    const chart = stringField(hc, "chart");
    const sref = isMap(hc.sourceRef) ? hc.sourceRef : {};
    const kind = stringField(sref, "kind");
    const name = stringField(sref, "name");
    if (kind !== "HelmRepository") return fromPath(release, kind || "source", src.namespace, name);
    const repo = findSource(cluster, "HelmRepository", src.namespace, name);
    if (!repo)
      return fail(
        `HelmChart ${src.namespace}/${src.name}: HelmRepository ${src.namespace}/${name} is not rendered`,
      );
    return fromHelmRepository(cluster, release, repo, chart, stringField(hc, "version") || undefined);
  }
  return fromPath(release, ref.kind, ref.namespace, ref.name);
}

function fromPath(
  release: ReleaseId,
  kind: string,
  namespace: string,
  name: string,
  hr?: HelmReleaseInfo,
): ChartNotCached {
  // A Git source that is not this repository is read by nobody here: say so, as render does,
  // not that the chart is read from the source (SaschaJohn's charts from app repositories).
  const external =
    hr?.status === "external" ? hr.warnings?.find((w) => w.startsWith(`chart source ${kind} `)) : undefined;
  return {
    release,
    kind: "not-cached",
    message:
      external ?? `chart from ${kind} ${namespace}/${name} (read from the source, not the chart cache)`,
  };
}

function fromHelmRepository(
  cluster: Cluster,
  release: ReleaseId,
  src: FluxSource,
  chart: string,
  version: string | undefined,
): ChartRequest | ChartNotCached {
  const spec = specOf(src.object);
  const url = stringField(spec, "url");
  const oci = stringField(spec, "type") === "oci";
  const via = `HelmRepository ${src.namespace}/${src.name}`;
  if (!url) return { release, kind: "error", message: `${via} has no spec.url` };
  if (oci !== url.toLowerCase().startsWith("oci://")) {
    return {
      release,
      kind: "error",
      message: `${via}: spec.url '${redactUrl(url)}' does not match type ${oci ? "oci" : "default"}`,
    };
  }
  return {
    release,
    kind: oci ? "oci" : "helm",
    source: canonicalSource(url),
    name: chart,
    range: version,
    helmTags: oci,
    insecure: spec.insecure === true,
    passCredentials: spec.passCredentials === true,
    secretRef: secretRefOf(cluster, src.object, spec),
    via,
  };
}

function fromOciRepository(
  cluster: Cluster,
  release: ReleaseId,
  src: FluxSource,
): ChartRequest | ChartNotCached {
  const spec = specOf(src.object);
  const url = stringField(spec, "url");
  const via = `OCIRepository ${src.namespace}/${src.name}`;
  if (!url.toLowerCase().startsWith("oci://"))
    return { release, kind: "error", message: `${via}: spec.url must be oci://…` };
  const source = canonicalSource(url);
  const ref: YamlMap = isMap(spec.ref) ? spec.ref : {};
  const digest = stringField(ref, "digest");
  const semver = stringField(ref, "semver");
  const tag = stringField(ref, "tag");
  const layer = isMap(spec.layerSelector) ? stringField(spec.layerSelector, "mediaType") : "";
  const semverFilter = stringField(ref, "semverFilter");
  return {
    release,
    kind: "oci-artifact",
    source,
    name: source.slice(source.lastIndexOf("/") + 1),
    ...(digest ? { fixed: digest } : semver ? { range: semver } : { fixed: tag || "latest" }),
    helmTags: layer === CHART_LAYER_MEDIA_TYPE,
    ...(semver && semverFilter ? { semverFilter } : {}),
    insecure: spec.insecure === true,
    passCredentials: false,
    secretRef: secretRefOf(cluster, src.object, spec),
    via,
  };
}

function secretRefOf(cluster: Cluster, obj: KObject, spec: YamlMap): ChartRequest["secretRef"] {
  if (!isMap(spec.secretRef)) return undefined;
  const name = stringField(spec.secretRef, "name");
  if (!name) return undefined;
  const namespace = metaString(obj, "namespace");
  let secret: KObject | undefined;
  for (const k of cluster.kustomizations) {
    for (const r of k.resources) {
      const o = r.object;
      if (
        o.kind === "Secret" &&
        metaString(o, "name") === name &&
        (metaString(o, "namespace") || namespace) === namespace
      )
        secret = o;
    }
  }
  return { namespace, name, secret };
}

function findSource(cluster: Cluster, kind: string, namespace: string, name: string): FluxSource | undefined {
  return cluster.sources.find((s) => s.kind === kind && s.namespace === namespace && s.name === name);
}

/** The ChartRef spellings of one OCI artifact: `oci` requests use source + name, OCIRepository the full URL. */
export function refOf(req: ChartRequest, version: string): ChartRef {
  return { source: req.source, name: req.name, version };
}

/**
 * What `req` resolves to without the network: fixed tags/digests and exact versions as they
 * are, ranges against the versions the last pull saw (ChartCache.knownVersions).
 */
export function resolveOffline(
  req: ChartRequest,
  cache: ChartCache,
  mirroredBy?: string,
): { version?: string; why?: string } {
  if (req.fixed) return { version: req.fixed };
  const known = cache.knownVersions(req.source, req.name, mirroredBy);
  if (known) {
    try {
      const v = resolveVersion(req.range, req.kind === "oci-artifact" ? versionsOfTags(req, known) : known);
      if (v) return { version: req.kind === "oci-artifact" ? tagOfVersion(req, v) : v };
      return {
        why: `no version matching '${req.range ?? "*"}' in the last fetched list (${known.length} versions)`,
      };
    } catch (e) {
      return { why: `invalid version range '${req.range}': ${(e as Error).message}` };
    }
  }
  if (req.range !== undefined && isExactVersion(req.range)) return { version: req.range.trim() };
  return { why: `version range '${req.range ?? "*"}' not resolved yet` };
}

/**
 * The versions a tag list offers for selection: filtered by `semverFilter` (on the tag, as
 * source-controller's filterTags), "_" read as "+" for Helm chart tags.
 */
export function versionsOfTags(req: ChartRequest, tags: string[]): string[] {
  let list = tags;
  if (req.semverFilter) {
    const re = GoRegexp.compile(req.semverFilter);
    list = list.filter((t) => re.test(t));
  }
  return req.helmTags ? list.map((t) => t.replace(/_/g, "+")) : list;
}

export function tagOfVersion(req: ChartRequest, version: string): string {
  return req.helmTags ? version.replace(/\+/g, "_") : version;
}
