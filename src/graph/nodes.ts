import { isMap, type KObject } from "../kustomize/types.js";
import type { DependencyRef, GraphNodeInput, GraphNodeKind } from "./model.js";

const FLUX_KINDS: Record<string, GraphNodeKind> = {
  "kustomize.toolkit.fluxcd.io/Kustomization": "Kustomization",
  "helm.toolkit.fluxcd.io/HelmRelease": "HelmRelease",
};

/**
 * The graph node of a rendered Flux Kustomization or HelmRelease (any API version), or
 * undefined for other objects. `defaultNamespace` stands in for a missing
 * `metadata.namespace` (the namespace the object is applied to).
 */
export function graphNodeOf(
  obj: KObject,
  cluster: string,
  defaultNamespace = "default",
): GraphNodeInput | undefined {
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  const kind = FLUX_KINDS[`${group}/${String(obj.kind)}`];
  if (kind === undefined) return undefined;
  const metadata = isMap(obj.metadata) ? obj.metadata : {};
  const name = typeof metadata.name === "string" ? metadata.name : "";
  const namespace =
    typeof metadata.namespace === "string" && metadata.namespace ? metadata.namespace : defaultNamespace;
  const spec = isMap(obj.spec) ? obj.spec : {};
  const dependsOn: DependencyRef[] = [];
  for (const entry of Array.isArray(spec.dependsOn) ? spec.dependsOn : []) {
    if (!isMap(entry) || typeof entry.name !== "string") continue;
    dependsOn.push(
      typeof entry.namespace === "string" && entry.namespace
        ? { name: entry.name, namespace: entry.namespace }
        : { name: entry.name },
    );
  }
  return { id: `${kind}/${namespace}/${name}`, kind, namespace, name, cluster, dependsOn };
}
