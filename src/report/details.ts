/**
 * What the page shows when a graph node is clicked: the spec as its parent applies it, the
 * objects it renders (masked YAML, each with the file and line it came from and the patches
 * that changed it), its findings and errors, and its neighbours in the graph.
 */
import type { Finding } from "../check/types.js";
import type { GraphAnalysis } from "../graph/index.js";
import type { KObject } from "../kustomize/types.js";
import { metaString } from "../platform/flux-objects.js";
import type { Cluster, RenderedResource } from "../platform/model.js";
import { emitYaml } from "../yaml/index.js";
import type { NodeDetails, ObjectView } from "./model.js";
import {
  applierNodeId,
  errorView,
  findingsOfNode,
  findingView,
  type HelmReleaseRender,
  helmReleaseNodeId,
  kustomizationNodeId,
  where,
} from "./overview.js";
import type { Redactor } from "./redact.js";

export function nodeDetails(
  cluster: Cluster,
  analysis: GraphAnalysis,
  findings: readonly Finding[],
  id: string,
  redact: Redactor,
): NodeDetails | undefined {
  const dependents = analysis.edges.filter((e) => e.dependsOn === id).map((e) => e.dependent);
  const dependsOn = analysis.edges.filter((e) => e.dependent === id).map((e) => e.dependsOn);
  const k = cluster.kustomizations.find((x) => kustomizationNodeId(x) === id);
  if (k) {
    const details: NodeDetails = {
      cluster: cluster.name,
      id,
      spec: yaml(redact.object(k.object)),
      objects: k.resources.map((r) => objectView(r, redact)),
      findings: findingsOfNode(findings, cluster.name, { ...k, kind: k.kind ?? "Kustomization" }).map((f) =>
        findingView(f, redact),
      ),
      errors: k.errors.map((e) => errorView(e, redact)),
      warnings: k.warnings.map((w) => redact.text(w)),
      dependsOn,
      dependents,
      children: [
        ...k.children.map(applierNodeId),
        ...cluster.helmReleases.filter((h) => h.kustomization === k.id).map(helmReleaseNodeId),
      ],
    };
    if (k.definedAt) details.definedAt = where(k.definedAt);
    return details;
  }
  const h = (cluster.helmReleases as HelmReleaseRender[]).find((x) => helmReleaseNodeId(x) === id);
  if (!h) return undefined;
  const details: NodeDetails = {
    cluster: cluster.name,
    id,
    spec: yaml(redact.object(h.object)),
    objects: (h.resources ?? []).map((r) => objectView(r, redact)),
    findings: findingsOfNode(findings, cluster.name, { kind: "HelmRelease", ...h }).map((f) =>
      findingView(f, redact),
    ),
    errors: (h.errors ?? []).map((e) => errorView(e, redact)),
    warnings: [],
    dependsOn,
    dependents,
    children: [],
  };
  if (h.definedAt) details.definedAt = where(h.definedAt);
  return details;
}

function objectView(r: RenderedResource, redact: Redactor): ObjectView {
  const obj = redact.resource(r);
  const v: ObjectView = {
    apiVersion: typeof obj.apiVersion === "string" ? obj.apiVersion : "",
    kind: typeof obj.kind === "string" ? obj.kind : "",
    namespace: metaString(obj, "namespace"),
    name: metaString(obj, "name"),
    patches: (r.patches ?? []).map((p) => where(p)),
    yaml: yaml(obj),
  };
  if (r.source) v.source = where(r.source);
  return v;
}

function yaml(obj: KObject): string {
  return emitYaml(obj);
}
