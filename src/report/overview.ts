/**
 * The overview and graph part of the dashboard model: per cluster, every Flux Kustomization and
 * HelmRelease with its render status, finding counts and place in the dependency analysis
 * (src/graph). Pure: Platform + findings in, views out.
 */
import { createHash } from "node:crypto";
import type { Finding } from "../check/types.js";
import { analyzeGraph, type GraphAnalysis } from "../graph/index.js";
import { isMap } from "../kustomize/types.js";
import { graphNodes } from "../platform/index.js";
import {
  type Cluster,
  type FluxKustomization,
  type HelmReleaseInfo,
  isPartlyRendered,
  type PlatformError,
  type RenderedResource,
} from "../platform/model.js";
import { missingMayExist } from "../platform/unseen-output.js";
import type { ClusterView, ErrorView, FindingView, NodeView, SeverityCounts } from "./model.js";
import type { Redactor } from "./redact.js";

/**
 * What the dashboard reads of a HelmRelease beyond today's HelmReleaseInfo. HelmRelease
 * rendering (issue 12) adds these to the model; until then a release is "declared".
 */
export type HelmReleaseRender = HelmReleaseInfo & {
  resources?: RenderedResource[];
  status?: "rendered" | "failed" | "suspended" | string;
  errors?: PlatformError[];
  /** The chart version resolved from `version` (a range) when rendered. */
  resolvedVersion?: string;
};

/** Graph id of an applier: `Kustomization/ns/name`, or `ResourceSet/ns/name` for a ResourceSet node. */
export function kustomizationNodeId(k: { kind?: "ResourceSet"; namespace: string; name: string }): string {
  return `${k.kind ?? "Kustomization"}/${k.namespace}/${k.name}`;
}

/** Graph id of an applier from its model id (`ns/name`, or `ResourceSet/ns/name`). */
export function applierNodeId(id: string): string {
  return id.startsWith("ResourceSet/") ? id : `Kustomization/${id}`;
}

export function helmReleaseNodeId(h: { namespace: string; name: string }): string {
  return `HelmRelease/${h.namespace}/${h.name}`;
}

export function emptyCounts(): SeverityCounts {
  return { error: 0, warning: 0, info: 0 };
}

export function errorView(e: PlatformError, redact: Redactor): ErrorView {
  const v: ErrorView = { message: redact.text(e.message) };
  if (e.file) v.file = e.file;
  if (e.line) v.line = e.line;
  if (e.cluster) v.cluster = e.cluster;
  if (e.kustomization) v.kustomization = e.kustomization;
  return v;
}

export function findingView(f: Finding, redact: Redactor): FindingView {
  const v: FindingView = { rule: f.rule, severity: f.severity, message: redact.text(f.message) };
  if (f.cluster !== undefined) v.cluster = f.cluster;
  if (f.kustomization !== undefined) v.kustomization = f.kustomization;
  if (f.resource) {
    const r = f.resource;
    v.resource = `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;
  }
  if (f.file !== undefined) v.file = f.file;
  if (f.line) v.line = f.line;
  return v;
}

/** Findings that belong to a node: a Kustomization's own and its objects'; a HelmRelease's. */
export function findingsOfNode(
  findings: readonly Finding[],
  cluster: string,
  node: { kind: string; namespace: string; name: string },
): Finding[] {
  if (node.kind === "Kustomization" || node.kind === "ResourceSet") {
    const id =
      node.kind === "ResourceSet"
        ? `ResourceSet/${node.namespace}/${node.name}`
        : `${node.namespace}/${node.name}`;
    return findings.filter((f) => f.cluster === cluster && f.kustomization === id);
  }
  return findings.filter(
    (f) =>
      f.cluster === cluster &&
      f.resource?.kind === "HelmRelease" &&
      f.resource.namespace === node.namespace &&
      f.resource.name === node.name,
  );
}

function countSeverities(findings: readonly Finding[]): SeverityCounts {
  const c = emptyCounts();
  for (const f of findings) c[f.severity]++;
  return c;
}

export function analyzeCluster(cluster: Cluster): GraphAnalysis {
  return analyzeGraph(graphNodes({ root: "", clusters: [cluster], errors: [] }));
}

export function clusterView(
  cluster: Cluster,
  analysis: GraphAnalysis,
  findings: readonly Finding[],
  redact: Redactor,
): ClusterView {
  const byId = new Map(analysis.nodes.map((n) => [n.id, n]));
  const nodes: NodeView[] = [];
  const place = (id: string) => {
    const n = byId.get(id);
    return {
      layer: n?.layer ?? null,
      start: n?.start ?? null,
      finish: n?.finish ?? null,
      duration: n?.duration ?? 1,
      blocked: n?.blocked ?? null,
      critical: n?.critical ?? false,
    };
  };
  for (const k of cluster.kustomizations) {
    nodes.push(kustomizationNode(cluster, k, place, findings, redact));
  }
  for (const h of cluster.helmReleases as HelmReleaseRender[]) {
    nodes.push(helmReleaseNode(cluster, h, place, findings, redact));
  }
  const clusterFindings = findings.filter((f) => f.cluster === cluster.name);
  const helmObjects = (cluster.helmReleases as HelmReleaseRender[]).reduce(
    (n, h) => n + (h.resources?.length ?? 0),
    0,
  );
  return {
    name: cluster.name,
    path: cluster.path,
    mode: cluster.mode,
    discoveredBy: cluster.discoveredBy,
    renderMs: Math.round(cluster.renderMs),
    counts: {
      kustomizations: cluster.kustomizations.length,
      helmReleases: cluster.helmReleases.length,
      objects: cluster.kustomizations.reduce((n, k) => n + k.resources.length, 0) + helmObjects,
      failed: nodes.filter((n) => n.status === "failed").length,
      partial: nodes.filter((n) => n.partial).length,
      suspended: nodes.filter((n) => n.status === "suspended").length,
      external: nodes.filter((n) => n.status === "external").length,
      errors: cluster.errors.length + cluster.kustomizations.reduce((n, k) => n + k.errors.length, 0),
    },
    findings: countSeverities(clusterFindings),
    nodes,
    graph: {
      edges: analysis.edges.map((e) => ({ ...e })),
      layers: analysis.layers,
      criticalPath: analysis.criticalPath,
      cycles: analysis.cycles,
      missing: analysis.missing.map((m) => {
        const mayExist = missingMayExist(cluster, m);
        return {
          dependent: m.dependent,
          kind: m.kind,
          namespace: m.namespace,
          name: m.name,
          ...(mayExist !== undefined ? { mayExist } : {}),
        };
      }),
      timing: analysis.timing,
    },
    errors: cluster.errors.map((e) => errorView(e, redact)),
  };
}

type Place = (
  id: string,
) => Pick<NodeView, "layer" | "start" | "finish" | "duration" | "blocked" | "critical">;

function kustomizationNode(
  cluster: Cluster,
  k: FluxKustomization,
  place: Place,
  findings: readonly Finding[],
  redact: Redactor,
): NodeView {
  const id = kustomizationNodeId(k);
  const node: NodeView = {
    id,
    kind: k.kind ?? "Kustomization",
    namespace: k.namespace,
    name: k.name,
    status: k.status,
    path: k.path,
    objects: k.resources.length,
    errors: k.errors.map((e) => errorView(e, redact)),
    warnings: k.warnings.map((w) => redact.text(w)),
    findings: countSeverities(findingsOfNode(findings, cluster.name, node0(k, k.kind ?? "Kustomization"))),
    ...place(id),
    fingerprint: fingerprint(redact, k.object, k.status, k.errors, k.resources),
  };
  if (isPartlyRendered(k)) node.partial = true;
  if (k.dir !== undefined) node.dir = k.dir;
  if (k.definedAt) node.definedAt = where(k.definedAt);
  if (k.appliedBy) node.appliedBy = applierNodeId(k.appliedBy);
  return node;
}

function helmReleaseNode(
  cluster: Cluster,
  h: HelmReleaseRender,
  place: Place,
  findings: readonly Finding[],
  redact: Redactor,
): NodeView {
  const id = helmReleaseNodeId(h);
  const spec = isMap(h.object.spec) ? h.object.spec : {};
  const suspended = spec.suspend === true;
  const status: NodeView["status"] = suspended
    ? "suspended"
    : h.status === "failed"
      ? "failed"
      : h.resources !== undefined
        ? "rendered"
        : "declared";
  const errors = h.errors ?? [];
  const node: NodeView = {
    id,
    kind: "HelmRelease",
    namespace: h.namespace,
    name: h.name,
    status,
    objects: h.resources?.length ?? 0,
    errors: errors.map((e) => errorView(e, redact)),
    warnings: [],
    findings: countSeverities(findingsOfNode(findings, cluster.name, node0(h, "HelmRelease"))),
    ...place(id),
    appliedBy: applierNodeId(h.kustomization),
    helm: {
      rendered: h.resources !== undefined,
      ...(h.chart ? { chart: h.chart } : {}),
      ...(h.version ? { version: h.version } : {}),
      ...(h.resolvedVersion ? { resolvedVersion: h.resolvedVersion } : {}),
      ...(h.chartSource
        ? { source: `${h.chartSource.kind} ${h.chartSource.namespace}/${h.chartSource.name}` }
        : {}),
    },
    fingerprint: fingerprint(redact, h.object, status, errors, h.resources ?? []),
  };
  if (h.chart) node.path = h.chart;
  if (h.definedAt) node.definedAt = where(h.definedAt);
  return node;
}

function node0(x: { namespace: string; name: string }, kind: string) {
  return { kind, namespace: x.namespace, name: x.name };
}

export function where(at: { file: string; line: number }): { file: string; line?: number } {
  return at.line > 0 ? { file: at.file, line: at.line } : { file: at.file };
}

/** A hash of the masked spec and output: equal renders give equal fingerprints. */
function fingerprint(
  redact: Redactor,
  spec: RenderedResource["object"],
  status: string,
  errors: readonly PlatformError[],
  resources: readonly RenderedResource[],
): string {
  const h = createHash("sha256");
  h.update(status);
  h.update(JSON.stringify(redact.object(spec), bigints));
  for (const e of errors) h.update(redact.text(e.message));
  for (const r of resources) h.update(JSON.stringify(redact.resource(r), bigints));
  return h.digest("hex").slice(0, 12);
}

function bigints(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}
