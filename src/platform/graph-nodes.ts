/**
 * The dependency graph's input from a Platform: every Flux Kustomization and every applied
 * HelmRelease of the selected clusters, with `dependsOn` as written (namespaces defaulted by
 * the analysis, as Flux does) and the Flux Kustomization that applies each as an implicit
 * dependency (nothing starts before its parent has applied it). Ids are `kind/namespace/name`, prefixed with the cluster when
 * several clusters are analysed together.
 */
import type { GraphNodeInput } from "../graph/index.js";
import type { Platform } from "./model.js";

export function graphNodes(platform: Platform, clusters?: string[]): GraphNodeInput[] {
  const selected = platform.clusters.filter((c) => !clusters || clusters.includes(c.name));
  const prefix = selected.length > 1;
  const nodes: GraphNodeInput[] = [];
  for (const c of selected) {
    if (c.mode !== "flux") continue;
    const id = (kind: string, ns: string, name: string) =>
      `${prefix ? `${c.name}/` : ""}${kind}/${ns}/${name}`;
    for (const k of c.kustomizations) {
      nodes.push({
        id: id("Kustomization", k.namespace, k.name),
        kind: "Kustomization",
        namespace: k.namespace,
        name: k.name,
        cluster: c.name,
        dependsOn: k.dependsOn.map((d) => ({ name: d.name, namespace: d.namespace })),
        ...(k.appliedBy ? { appliedBy: id("Kustomization", ...splitId(k.appliedBy)) } : {}),
      });
    }
    for (const h of c.helmReleases) {
      nodes.push({
        id: id("HelmRelease", h.namespace, h.name),
        kind: "HelmRelease",
        namespace: h.namespace,
        name: h.name,
        cluster: c.name,
        dependsOn: h.dependsOn.map((d) => ({ name: d.name, namespace: d.namespace })),
        appliedBy: id("Kustomization", ...splitId(h.kustomization)),
      });
    }
  }
  return nodes;
}

function splitId(id: string): [string, string] {
  const i = id.indexOf("/");
  return [id.slice(0, i), id.slice(i + 1)];
}
