/**
 * What may create objects in a namespace that Slipway cannot see: Helm charts (HelmReleases
 * are not rendered), operators (a custom resource such as a database cluster makes pods and
 * Services), and Flux Kustomizations whose output is unknown. A rule that finds "nothing
 * matches" lowers its severity when one of these could be the missing piece.
 */

import { applierName } from "../../../platform/model.js";
import type { Severity } from "../../types.js";
import { groupOf, kindOf, nameOf, namespaceOf, stringAt } from "./objects.js";
import type { ApplyScope } from "./scopes.js";

const BUILTIN_GROUPS = new Set([
  "",
  "apps",
  "batch",
  "extensions",
  "policy",
  "autoscaling",
  "networking.k8s.io",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "scheduling.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "node.k8s.io",
  "certificates.k8s.io",
  "events.k8s.io",
  "flowcontrol.apiserver.k8s.io",
  "resource.k8s.io",
  // Routes and policies reference Services; they never create them.
  "gateway.networking.k8s.io",
]);

function isFluxGroup(group: string): boolean {
  return group.endsWith(".toolkit.fluxcd.io");
}

/**
 * The first thing in `namespace` of a scope that could create objects Slipway does not render,
 * as text. `selected`: the label values a selector asks for; a release or custom resource named
 * by one (`cnpg.io/cluster=postgres` and a CloudNativePG Cluster `postgres`) is the likelier
 * producer, so it is named first.
 */
export function unseenProducer(
  scope: ApplyScope,
  namespace: string,
  missingName = "",
  selected: readonly string[] = [],
): string | undefined {
  const releases = scope.helmReleases.filter(
    (hr) => (stringAt(hr.object, ["spec", "targetNamespace"]) || hr.namespace) === namespace,
  );
  // Charts name their objects after the release: prefer `forgejo-anubis` for a missing `forgejo-anubis-web`.
  releases.sort((a, b) => prefixLength(b.name, missingName) - prefixLength(a.name, missingName));
  const hr = releases[0];
  const namedRelease = releases.find((r) => selected.includes(r.name));
  if (namedRelease) return `HelmRelease ${namedRelease.namespace}/${namedRelease.name}`;
  if (hr && prefixLength(hr.name, missingName) > 0) return `HelmRelease ${hr.namespace}/${hr.name}`;
  const customResources = scope.resources.filter((r) => {
    const group = groupOf(r.object);
    return !BUILTIN_GROUPS.has(group) && !isFluxGroup(group) && namespaceOf(r.object) === namespace;
  });
  const namedResource = customResources.find((r) => selected.includes(nameOf(r.object)));
  if (namedResource) return `${kindOf(namedResource.object)} ${namespace}/${nameOf(namedResource.object)}`;
  const installed = INSTALLED_WITH_CLUSTER[namespace];
  if (hr && !installed) return `HelmRelease ${hr.namespace}/${hr.name}`;
  if (installed) return installed;
  const cr = customResources[0];
  if (cr) return `${kindOf(cr.object)} ${namespace}/${nameOf(cr.object)}`;
  const blind = scope.cluster.kustomizations.find((k) => k.status === "failed" || k.status === "external");
  if (blind) return `${applierName(blind)} (${blind.status}, its output is unknown)`;
  return undefined;
}

function prefixLength(release: string, missingName: string): number {
  return missingName.startsWith(release) ? release.length : 0;
}

/** Namespaces whose workloads usually come with the cluster or Flux's installation, not from this repository. */
const INSTALLED_WITH_CLUSTER: Record<string, string> = {
  "kube-system": "the cluster's own control plane and add-ons",
  "flux-system": "Flux's installation",
};

/** The severity of a "nothing in the platform provides it" finding: lenient when something unseen might. */
export function severityGiven(
  producer: string | undefined,
  strict: boolean | undefined,
): Severity | undefined {
  return producer !== undefined && !strict ? "warning" : undefined;
}
