/**
 * Which API server an object reaches. A Flux Kustomization or HelmRelease with
 * `spec.kubeConfig` applies to another cluster (hub-and-spoke layouts), and so does everything
 * a remote Kustomization's output reconciles in turn; rules comparing objects "in the same
 * cluster" compare within one scope.
 */
import { isMap } from "../../../kustomize/types.js";
import type {
  Cluster,
  FluxKustomization,
  HelmReleaseInfo,
  RenderedResource,
} from "../../../platform/model.js";
import { getPath } from "./objects.js";

export interface ApplyScope {
  cluster: Cluster;
  /** `""` for the cluster itself, else `namespace/name` of the kubeConfig Secret or ConfigMap. */
  remote: string;
  /** For messages: `cluster prod` or `cluster prod (kubeConfig production/cluster-kubeconfig)`. */
  label: string;
  kustomizations: FluxKustomization[];
  resources: RenderedResource[];
  helmReleases: HelmReleaseInfo[];
}

/** flux-operator's annotation on a kubeConfig ConfigMap made from a kubeconfig Secret (`namespace/name`). */
const CONVERTED_FROM = "fluxcd.controlplane.io/convertKubeConfigFrom";

/**
 * `namespace/name` of the kubeConfig reference in `spec.kubeConfig`, if any. A ConfigMap that
 * flux-operator converts from a kubeconfig Secret reaches that Secret's cluster: it is named as the
 * Secret (matheuscscp's tenants reach the spoke through `<tenant>/spoke-cluster-kubeconfig`,
 * converted from `spoke-cluster/spoke-kubeconfig`, which the spoke's other releases use).
 */
function kubeConfigOf(
  object: RenderedResource["object"],
  namespace: string,
  converted: ReadonlyMap<string, string>,
): string | undefined {
  const kc = getPath(object, ["spec", "kubeConfig"]);
  if (!isMap(kc)) return undefined;
  const ref = isMap(kc.secretRef) ? kc.secretRef : isMap(kc.configMapRef) ? kc.configMapRef : undefined;
  const name = ref && typeof ref.name === "string" ? ref.name : "";
  const key = `${namespace}/${name}`;
  return ref === kc.configMapRef ? (converted.get(key) ?? key) : key;
}

/** kubeConfig ConfigMaps the cluster renders that flux-operator converts from a Secret: `ns/name` → the Secret's. */
function convertedKubeConfigs(cluster: Cluster): Map<string, string> {
  const out = new Map<string, string>();
  for (const k of cluster.kustomizations) {
    for (const r of k.resources) {
      if (r.object.kind !== "ConfigMap" || r.object.apiVersion !== "v1") continue;
      const from = getPath(r.object, ["metadata", "annotations", CONVERTED_FROM]);
      const namespace = getPath(r.object, ["metadata", "namespace"]);
      const name = getPath(r.object, ["metadata", "name"]);
      if (typeof from !== "string" || typeof namespace !== "string" || typeof name !== "string") continue;
      out.set(`${namespace}/${name}`, from.includes("/") ? from : `${namespace}/${from}`);
    }
  }
  return out;
}

export function applyScopes(cluster: Cluster): ApplyScope[] {
  const byId = new Map(cluster.kustomizations.map((k) => [k.id, k]));
  const converted = convertedKubeConfigs(cluster);
  const targets = new Map<string, string>();
  const targetOf = (k: FluxKustomization, depth = 0): string => {
    const known = targets.get(k.id);
    if (known !== undefined) return known;
    const own = kubeConfigOf(k.object, k.namespace, converted);
    const parent = k.appliedBy !== undefined ? byId.get(k.appliedBy) : undefined;
    const target = own ?? (parent && depth < 100 ? targetOf(parent, depth + 1) : "");
    targets.set(k.id, target);
    return target;
  };
  const scopes = new Map<string, ApplyScope>();
  const scope = (remote: string): ApplyScope => {
    let s = scopes.get(remote);
    if (!s) {
      const label =
        remote === "" ? `cluster ${cluster.name}` : `cluster ${cluster.name} (kubeConfig ${remote})`;
      s = { cluster, remote, label, kustomizations: [], resources: [], helmReleases: [] };
      scopes.set(remote, s);
    }
    return s;
  };
  scope("");
  for (const k of cluster.kustomizations) {
    const s = scope(targetOf(k));
    s.kustomizations.push(k);
    s.resources.push(...k.resources);
  }
  for (const hr of cluster.helmReleases) {
    const owner = byId.get(hr.kustomization);
    const remote = kubeConfigOf(hr.object, hr.namespace, converted) ?? (owner ? targetOf(owner) : "");
    scope(remote).helmReleases.push(hr);
    scope(remote).resources.push(...(hr.resources ?? []));
  }
  return [...scopes.values()];
}
