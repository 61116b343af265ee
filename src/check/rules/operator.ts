/**
 * Rules about today's Flux: API versions the cluster's Flux no longer serves (with what
 * `flux migrate` writes), ResourceSet dependencies on objects nothing renders, and everything
 * Slipway could not render or check offline (ResourceSets whose inputs live in the cluster,
 * ExternalArtifacts from elsewhere, data the operator copies at apply time).
 */
import { apiVersionStatus } from "../../flux/api-versions.js";
import { resourceSetDependencies } from "../../platform/graph-nodes.js";
import type { Cluster, FluxKustomization, RenderedResource } from "../../platform/model.js";
import type { Rule, RuleFinding } from "../types.js";

function metaOf(obj: Record<string, unknown>): { namespace: string; name: string } {
  const md = (obj.metadata ?? {}) as Record<string, unknown>;
  return {
    namespace: typeof md.namespace === "string" ? md.namespace : "",
    name: typeof md.name === "string" ? md.name : "",
  };
}

function display(kind: string, obj: Record<string, unknown>): string {
  const { namespace, name } = metaOf(obj);
  return `${kind} ${namespace ? `${namespace}/` : ""}${name}`;
}

export const apiVersionRule: Rule = {
  id: "flux-api-version",
  defaultSeverity: "warning",
  description:
    "A Flux object written with an API version the cluster's Flux no longer serves (an error when the Flux version is known) or has deprecated, with the version `flux migrate` writes.",
  help: "Run `flux migrate -f .` (or edit apiVersion) to move manifests to the versions the cluster's Flux serves. The Flux version comes from slipway.yaml `profile.flux`, else the cluster's FluxInstance or flux install manifests; without either Slipway assumes Flux 2.9 and reports removed versions as warnings.",
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      if (cluster.mode !== "flux") continue;
      const profile = cluster.profile;
      const minor = profile?.minor ?? "2.9";
      const known = profile !== undefined && profile.origin !== "default";
      const check = (obj: Record<string, unknown>, where: Partial<RuleFinding>) => {
        const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
        const kind = typeof obj.kind === "string" ? obj.kind : "";
        const status = apiVersionStatus(apiVersion, kind, minor);
        const group = apiVersion.split("/")[0];
        const target =
          "replacement" in status && status.replacement ? `${group}/${status.replacement}` : undefined;
        const migrate = target ? `; \`flux migrate\` writes ${target}` : "";
        const flux = `Flux ${minor}${known ? "" : " (assumed: set profile.flux in slipway.yaml)"}`;
        if (status.state === "removed") {
          ctx.report({
            ...where,
            path: ["apiVersion"],
            severity: known ? "error" : "warning",
            message: `${display(kind, obj)} uses ${apiVersion}, which ${flux} no longer serves${status.lastServed ? ` (last served in Flux ${status.lastServed})` : ""}: the API server rejects it${migrate}`,
          });
        } else if (status.state === "deprecated") {
          ctx.report({
            ...where,
            path: ["apiVersion"],
            severity: "info",
            message: `${display(kind, obj)} uses ${apiVersion}, deprecated in ${flux}${migrate}`,
          });
        } else if (status.state === "unknown-version") {
          ctx.report({
            ...where,
            path: ["apiVersion"],
            message: `${display(kind, obj)} uses ${apiVersion}, which is not a version of ${kind} that ${flux} serves${migrate}`,
          });
        }
      };
      const applied = new Set<string>();
      for (const k of cluster.kustomizations) {
        for (const r of k.resources) {
          applied.add(objectKey(r.object));
          check(r.object, { resource: r, cluster: cluster.name, kustomization: r.kustomization });
        }
      }
      // Roots nothing renders (the sync file's own Kustomization): check the object as written.
      for (const k of cluster.kustomizations) {
        if (k.appliedBy || k.synthetic || !k.definedAt || applied.has(objectKey(k.object))) continue;
        const status = apiVersionStatus(
          String(k.object.apiVersion ?? ""),
          String(k.object.kind ?? ""),
          minor,
        );
        if (status.state === "current" || status.state === "not-flux") continue;
        check(k.object, {
          file: k.definedAt.file,
          line: k.definedAt.line,
          cluster: cluster.name,
          kustomization: k.id,
        });
      }
    }
  },
};

function objectKey(obj: Record<string, unknown>): string {
  const { namespace, name } = metaOf(obj);
  return `${String(obj.apiVersion)}/${String(obj.kind)}/${namespace}/${name}`;
}

export const resourceSetDependency: Rule = {
  id: "resourceset-dependency",
  defaultSeverity: "warning",
  description:
    "A ResourceSet depends on an object (a CRD, a ConfigMap, ...) that nothing in the repository renders: the operator waits until it exists in the cluster.",
  help: "The Flux Operator reconciles a ResourceSet only once every spec.dependsOn object exists (and is ready when `ready: true`). If the object comes from a HelmRelease or outside Flux this is expected; otherwise fix apiVersion/kind/name/namespace or add the object.",
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      for (const k of cluster.kustomizations) {
        if (k.kind !== "ResourceSet" || !k.resourceSet) continue;
        resourceSetDependencies(cluster, k).forEach((d, i) => {
          if (d.ref) return;
          const dep = d.dependency;
          if (installedByFlux(cluster, dep)) return;
          ctx.report({
            ...where(cluster, k, ["spec", "dependsOn", i]),
            message: `ResourceSet ${k.namespace}/${k.name} depends on ${dep.kind} ${dep.namespace ? `${dep.namespace}/` : ""}${dep.name} (${dep.apiVersion}), which nothing this repository renders applies: the operator waits until it exists in the cluster (a HelmRelease or the cluster's bootstrap may create it)`,
          });
        });
      }
    }
  },
};

export const offlineLimits: Rule = {
  id: "not-rendered-offline",
  defaultSeverity: "info",
  description:
    "Something Slipway could not render or check offline: a ResourceSet whose inputs or template functions live in the cluster, a Kustomization whose ExternalArtifact comes from elsewhere, data the Flux Operator copies at apply time.",
  help: "These parts are not checked. Give a dynamic ResourceSetInputProvider's inputs in slipway.yaml `inputProviders`, map external sources in slipway.yaml `sources`; data copied from the cluster (copyFrom, checksums) is shown without it.",
  run(ctx) {
    for (const cluster of ctx.clusters()) {
      for (const k of cluster.kustomizations) {
        for (const n of k.notices ?? []) {
          ctx.report({
            message: n.message,
            cluster: cluster.name,
            kustomization: k.id,
            ...(n.file !== undefined ? { file: n.file, line: n.line ?? 0 } : {}),
          });
        }
      }
    }
  },
};

/**
 * The controller that brings each Flux CRD (by CRD name, else by API group): a Flux install
 * installs the CRDs of the controllers it runs.
 */
const FLUX_CRD_CONTROLLERS: Record<string, string> = {
  "source.toolkit.fluxcd.io": "source-controller",
  "kustomize.toolkit.fluxcd.io": "kustomize-controller",
  "helm.toolkit.fluxcd.io": "helm-controller",
  "notification.toolkit.fluxcd.io": "notification-controller",
  "imagerepositories.image.toolkit.fluxcd.io": "image-reflector-controller",
  "imagepolicies.image.toolkit.fluxcd.io": "image-reflector-controller",
  "imageupdateautomations.image.toolkit.fluxcd.io": "image-automation-controller",
  "source.extensions.fluxcd.io": "source-watcher",
};

/**
 * Whether a ResourceSet's dependency is a CRD the cluster's own Flux installs: one of a
 * controller its FluxInstance (or Flux install manifests) names in its components (d1-fleet's
 * flux-operator ResourceSet waits for helmreleases.helm.toolkit.fluxcd.io, which the cluster's
 * FluxInstance installs with helm-controller).
 */
function installedByFlux(cluster: Cluster, dep: { apiVersion: string; kind: string; name: string }): boolean {
  if (dep.kind !== "CustomResourceDefinition" || !dep.apiVersion.startsWith("apiextensions.k8s.io/"))
    return false;
  const components = cluster.profile?.components;
  if (!components) return false;
  const group = dep.name.slice(dep.name.indexOf(".") + 1);
  const controller = FLUX_CRD_CONTROLLERS[dep.name] ?? FLUX_CRD_CONTROLLERS[group];
  return controller !== undefined && components.includes(controller);
}

/** A finding at a field of an applier's own object (its definition). */
function where(cluster: Cluster, k: FluxKustomization, path: Array<string | number>): Partial<RuleFinding> {
  const self = findApplied(cluster, k);
  if (self) return { resource: self, path, cluster: cluster.name, kustomization: k.id };
  return {
    cluster: cluster.name,
    kustomization: k.id,
    ...(k.definedAt ? { file: k.definedAt.file, line: k.definedAt.line } : {}),
  };
}

/** The rendered object of an applier (as its parent applies it). */
function findApplied(cluster: Cluster, k: FluxKustomization): RenderedResource | undefined {
  const parent = cluster.kustomizations.find((p) => p.id === k.appliedBy);
  return parent?.resources.find(
    (r) =>
      r.object.kind === (k.kind ?? "Kustomization") &&
      metaOf(r.object).name === k.name &&
      (metaOf(r.object).namespace || k.namespace) === k.namespace,
  );
}

export const rules: Rule[] = [apiVersionRule, resourceSetDependency, offlineLimits];
