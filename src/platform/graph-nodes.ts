/**
 * The dependency graph's input from a Platform: every Flux Kustomization, every applied
 * HelmRelease and every Flux Operator ResourceSet of the selected clusters, with `dependsOn`
 * as written (namespaces defaulted by the analysis, as Flux does) and the applier of each (the
 * Flux Kustomization or ResourceSet whose output holds it) as an implicit dependency (nothing
 * starts before its parent has applied it). A ResourceSet may depend on any object: a
 * Kustomization, HelmRelease or ResourceSet is that node; any other object (a CRD, a
 * ConfigMap) stands for the node that applies it, and is left out when nothing rendered
 * applies it (see `resourceSetDependencies`). Ids are `kind/namespace/name`, prefixed with the
 * cluster when several clusters are analysed together.
 */
import type { DependencyRef, GraphNodeInput, GraphNodeKind } from "../graph/index.js";
import { groupOf, metaString } from "./flux-objects.js";
import { renderIdentityOf } from "./helmreleases.js";
import type {
  Cluster,
  FluxKustomization,
  HelmReleaseInfo,
  Platform,
  ResourceSetDependency,
} from "./model.js";

export function graphNodes(platform: Platform, clusters?: string[]): GraphNodeInput[] {
  const selected = platform.clusters.filter((c) => !clusters || clusters.includes(c.name));
  const prefix = selected.length > 1;
  const nodes: GraphNodeInput[] = [];
  for (const c of selected) {
    if (c.mode !== "flux") continue;
    const id = (kind: string, ns: string, name: string) =>
      `${prefix ? `${c.name}/` : ""}${kind}/${ns}/${name}`;
    const byApplierId = new Map(c.kustomizations.map((k) => [k.id, k]));
    const applierNode = (applierId: string) => {
      const k = byApplierId.get(applierId);
      return k
        ? id(k.kind ?? "Kustomization", k.namespace, k.name)
        : id("Kustomization", ...splitId(applierId));
    };
    const bootstrapped = bootstrappedWithRoot(c);
    for (const k of c.kustomizations) {
      const kind: GraphNodeKind = k.kind ?? "Kustomization";
      nodes.push({
        id: id(kind, k.namespace, k.name),
        kind,
        namespace: k.namespace,
        name: k.name,
        cluster: c.name,
        dependsOn:
          k.kind === "ResourceSet"
            ? resourceSetDependencies(c, k).flatMap((d) => (d.ref ? [d.ref] : []))
            : k.dependsOn.map((d) => ({ name: d.name, namespace: d.namespace })),
        ...(k.appliedBy && !bootstrapped(k) ? { appliedBy: applierNode(k.appliedBy) } : {}),
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
        appliedBy: applierNode(h.kustomization),
        ...(h.status === "rendered" ? withMade(h, inventoryOf(h)) : {}),
      });
    }
  }
  return nodes;
}

/**
 * A rendered release's objects as the graph lists them. A render the cache holds is listed from
 * the identities its summary keeps, without reading and decoding its objects (a warm `graph` of
 * bjw-s home-ops decoded 3 MB of release objects for them: ~60 ms of a 450 ms run), where those
 * identities spell out the objects' names (release-cache.ts plainNames: no name or namespace that
 * is not a string, which metaString writes out and an identity holds as ""). Else the objects.
 */
function inventoryOf(h: HelmReleaseInfo): { inventory?: GraphNodeInput["inventory"] } {
  const known = renderIdentityOf(h);
  if (known?.plainNames) {
    return {
      inventory: known.identities.map(([apiVersion, kind, namespace, name]) => ({
        apiVersion,
        kind,
        namespace,
        name,
      })),
    };
  }
  if (!h.resources) return {};
  return {
    inventory: h.resources.map((r) => ({
      apiVersion: String(r.object.apiVersion ?? ""),
      kind: String(r.object.kind ?? ""),
      namespace: metaString(r.object, "namespace"),
      name: metaString(r.object, "name"),
    })),
  };
}

/**
 * Kustomizations the bootstrap applies along with the cluster's root: defined in the folder
 * of the root's own file (`flux/config/{cluster,flux}.yaml`, applied with `kubectl apply -k
 * flux/config`), they exist before the root applies them again, so the root may depend on them
 * (`cluster` waits for `flux`) without waiting for itself.
 */
function bootstrappedWithRoot(c: Cluster): (k: FluxKustomization) => boolean {
  const root = c.kustomizations[0];
  const file = root && !root.appliedBy && !root.synthetic ? root.definedAt?.file : undefined;
  if (file === undefined) return () => false;
  const dir = file.slice(0, file.lastIndexOf("/") + 1);
  return (k) =>
    k.appliedBy === root!.id &&
    k.definedAt !== undefined &&
    k.definedAt.file.startsWith(dir) &&
    !k.definedAt.file.slice(dir.length).includes("/");
}

/**
 * The Kustomizations and HelmReleases a rendered release's chart makes (matheuscscp's spoke-cluster
 * chart makes the Kustomization another one depends on): Slipway renders them but does not apply
 * them, so they are no nodes; a dependency on one waits for the release. An object without a
 * namespace goes to the release's namespace, as helm-controller applies it.
 */
function withMade(
  h: HelmReleaseInfo,
  listed: { inventory?: GraphNodeInput["inventory"] },
): { inventory?: GraphNodeInput["inventory"]; makes?: GraphNodeInput["makes"] } {
  const makes: NonNullable<GraphNodeInput["makes"]> = [];
  for (const o of listed.inventory ?? []) {
    const group = o.apiVersion.includes("/") ? o.apiVersion.slice(0, o.apiVersion.indexOf("/")) : "";
    const kind = NODE_KINDS[`${group}/${o.kind}`];
    if (kind !== "Kustomization" && kind !== "HelmRelease") continue;
    makes.push({ kind, namespace: o.namespace || h.releaseNamespace || h.namespace, name: o.name });
  }
  return makes.length > 0 ? { ...listed, makes } : listed;
}

const NODE_KINDS: Record<string, GraphNodeKind> = {
  "kustomize.toolkit.fluxcd.io/Kustomization": "Kustomization",
  "helm.toolkit.fluxcd.io/HelmRelease": "HelmRelease",
  "fluxcd.controlplane.io/ResourceSet": "ResourceSet",
};

export interface ResolvedDependency {
  dependency: ResourceSetDependency;
  /** The graph edge: the node itself, or the node that applies the object. */
  ref?: DependencyRef;
  /** For other objects: the applier found (`Kind namespace/name`), or undefined when none renders it. */
  appliedBy?: FluxKustomization;
}

/** A ResourceSet's dependencies resolved against the cluster's rendered objects. */
export function resourceSetDependencies(cluster: Cluster, k: FluxKustomization): ResolvedDependency[] {
  const deps = k.resourceSet?.dependsOn ?? [];
  return deps.map((dep) => {
    const group = dep.apiVersion.includes("/") ? dep.apiVersion.slice(0, dep.apiVersion.indexOf("/")) : "";
    const nodeKind = NODE_KINDS[`${group}/${dep.kind}`];
    if (nodeKind) {
      return {
        dependency: dep,
        ref: { kind: nodeKind, name: dep.name, ...(dep.namespace ? { namespace: dep.namespace } : {}) },
      };
    }
    for (const applier of cluster.kustomizations) {
      const found = applier.resources.some(
        (r) =>
          r.object.kind === dep.kind &&
          groupOf(r.object) === group &&
          metaString(r.object, "name") === dep.name &&
          (dep.namespace === undefined || metaString(r.object, "namespace") === dep.namespace),
      );
      if (found) {
        return {
          dependency: dep,
          ref: { kind: applier.kind ?? "Kustomization", name: applier.name, namespace: applier.namespace },
          appliedBy: applier,
        };
      }
    }
    return { dependency: dep };
  });
}

function splitId(id: string): [string, string] {
  const i = id.indexOf("/");
  return [id.slice(0, i), id.slice(i + 1)];
}
