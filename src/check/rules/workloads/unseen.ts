/**
 * What may create objects in a namespace that Slipway cannot see: Helm charts (HelmReleases
 * are not rendered), operators (a custom resource such as a database cluster makes pods and
 * Services), and Flux Kustomizations whose output is unknown. A rule that finds "nothing
 * matches" lowers its severity when one of these could be the missing piece.
 */

import {
  applierName,
  type HelmReleaseInfo,
  outputUnknown,
  type RenderedResource,
  unknownOutputState,
} from "../../../platform/model.js";
import type { Severity } from "../../types.js";
import { installerJob } from "./installer-jobs.js";
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

/** What may make a missing object: its description, and the release it names, if it names one. */
export interface UnseenProducer {
  /** The producer, ending with why Slipway cannot tell (for the finding's parenthesis). */
  readonly text: string;
  /**
   * The unrendered HelmRelease named because a selector value or the missing object's name names
   * it: charts name their objects after the release, so it most likely makes the object.
   */
  readonly namedRelease?: HelmReleaseInfo;
}

/**
 * The first thing in `namespace` of a scope that could create objects Slipway does not render
 * (see UnseenProducer). `selector`: what a Service selects; a release or custom resource named by one of its values
 * (`cnpg.io/cluster=postgres` and a CloudNativePG Cluster `postgres`) is the likelier producer,
 * so it is named first, as is one whose kind and name `missingName` holds (customResourceNamedBy),
 * after a release whose name starts it. A rendered HelmRelease's objects are in the scope
 * already: it is named only when nothing else could be, and not as unrendered
 * (kube-prometheus-stack's Services select the pods its Alertmanager and Prometheus make, not
 * the release itself).
 */
export function unseenProducer(
  scope: ApplyScope,
  namespace: string,
  missingName = "",
  selector: Readonly<Record<string, string>> = {},
  appliedWith = "",
): UnseenProducer | undefined {
  const selected = Object.values(selector);
  const inNamespace = scope.helmReleases.filter(
    (hr) => (stringAt(hr.object, ["spec", "targetNamespace"]) || hr.namespace) === namespace,
  );
  const releases = inNamespace.filter((hr) => hr.status !== "rendered");
  // Charts name their objects after the release: prefer `forgejo-anubis` for a missing `forgejo-anubis-web`.
  releases.sort((a, b) => prefixLength(b.name, missingName) - prefixLength(a.name, missingName));
  const hr = releases[0];
  const namedRelease =
    releases.find((r) => selected.includes(r.name)) ??
    (hr && prefixLength(hr.name, missingName) > 0 ? hr : undefined);
  if (namedRelease) return { text: unrendered(namedRelease), namedRelease };
  const text = unseenOtherwise(scope, namespace, missingName, selector, appliedWith, hr, inNamespace);
  return text === undefined ? undefined : { text };
}

/** unseenProducer when no unrendered release is named: operators, installers, unknown outputs. */
function unseenOtherwise(
  scope: ApplyScope,
  namespace: string,
  missingName: string,
  selector: Readonly<Record<string, string>>,
  appliedWith: string,
  hr: HelmReleaseInfo | undefined,
  inNamespace: readonly HelmReleaseInfo[],
): string | undefined {
  const selected = Object.values(selector);
  const customResources = customResourcesIn(scope, namespace);
  const operatorMade = (r: RenderedResource) =>
    `${kindOf(r.object)} ${namespace}/${nameOf(r.object)}, whose operator makes objects Slipway does not render`;
  const namedResource =
    selectedCustomResource(scope, namespace, selector) ??
    customResources.find((r) => selected.includes(nameOf(r.object))) ??
    customResourceNamedBy(scope, namespace, missingName);
  if (namedResource) return operatorMade(namedResource);
  const installed = INSTALLED_WITH_CLUSTER[namespace];
  if (hr && !installed) {
    // Only a hint, no evidence: the severity stays that of an unnamed producer.
    const releases = inNamespace.filter((r) => r.status !== "rendered");
    const beside = onlyReleaseAppliedWith(releases, appliedWith);
    return beside ? unrendered(beside) : unrenderedAmong(releases);
  }
  if (installed) return `${installed}, which Slipway does not render`;
  const cr = customResources[0];
  if (cr) return operatorMade(cr);
  const installer = installerJob(scope, namespace);
  if (installer) {
    return `${kindOf(installer.object)} ${namespace}/${nameOf(installer.object)}, whose service account may create Deployments: what it installs when it runs, Slipway does not see`;
  }
  const blind = scope.cluster.kustomizations.find(outputUnknown);
  if (blind) return `${applierName(blind)} (${unknownOutputState(blind)}, its output is unknown)`;
  const rendered = inNamespace[0];
  if (rendered) {
    return `HelmRelease ${rendered.namespace}/${rendered.name}, rendered here without it (a chart can render differently against a live cluster)`;
  }
  return undefined;
}

/**
 * The one unrendered release that the same Flux Kustomization applies as the object that refers
 * to the missing one: an app's folder holds its release and the routes to what the chart makes
 * (an HTTPRoute to `alertmanager-operated` beside kube-prometheus-stack).
 */
function onlyReleaseAppliedWith(
  releases: readonly HelmReleaseInfo[],
  kustomization: string,
): HelmReleaseInfo | undefined {
  if (kustomization === "") return undefined;
  const applied = releases.filter((r) => r.kustomization === kustomization);
  return applied.length === 1 ? applied[0] : undefined;
}

function unrendered(r: HelmReleaseInfo): string {
  return `HelmRelease ${r.namespace}/${r.name}, which Slipway does not render`;
}

/**
 * Several unrendered releases of the namespace and nothing naming one: naming the first alone
 * sent readers to a release that had nothing to do with it (an `alertmanager-operated` Service
 * "from" an unrelated app), so all are counted and the first few named.
 */
function unrenderedAmong(releases: readonly HelmReleaseInfo[]): string {
  if (releases.length === 1) return unrendered(releases[0]!);
  const shown = releases.slice(0, 3).map((r) => r.name);
  const more = releases.length > shown.length ? ", …" : "";
  return `one of the ${releases.length} HelmReleases of that namespace that Slipway does not render (${shown.join(", ")}${more})`;
}

/**
 * The custom resources of `namespace` in a scope, in the scope's order. Indexed once per list of
 * resources: a Service or backend that nothing matches asks up to four times, each of them a
 * pass over every object of the scope (bjw-s home-ops: ~3,000 objects, ~7 ms of a warm check).
 * Scopes are built whole by applyScopes and only read afterwards.
 */
function customResourcesIn(scope: ApplyScope, namespace: string): readonly RenderedResource[] {
  let byNamespace = customResourceIndex.get(scope.resources);
  if (byNamespace === undefined) {
    byNamespace = new Map();
    for (const r of scope.resources) {
      const group = groupOf(r.object);
      if (BUILTIN_GROUPS.has(group) || isFluxGroup(group)) continue;
      const ns = namespaceOf(r.object);
      const list = byNamespace.get(ns);
      if (list === undefined) byNamespace.set(ns, [r]);
      else list.push(r);
    }
    customResourceIndex.set(scope.resources, byNamespace);
  }
  return byNamespace.get(namespace) ?? [];
}

const customResourceIndex = new WeakMap<readonly RenderedResource[], Map<string, RenderedResource[]>>();

/**
 * The custom resource of `namespace` a selector names twice, by name in a value and by kind in a
 * key or value: `app.kubernetes.io/name=alertmanager,alertmanager=kps` and the Alertmanager
 * `kps` (not an AlertmanagerConfig `alertmanager`), `cnpg.io/cluster=postgres` and the
 * CloudNativePG Cluster `postgres`. Its operator makes the pods: nothing is missing.
 */
export function selectedCustomResource(
  scope: ApplyScope,
  namespace: string,
  selector: Readonly<Record<string, string>>,
): RenderedResource | undefined {
  const values = Object.values(selector);
  const words = new Set(
    [...values, ...Object.keys(selector).map((k) => k.slice(k.lastIndexOf("/") + 1))].map((w) =>
      w.toLowerCase(),
    ),
  );
  return customResourcesIn(scope, namespace).find(
    (r) => values.includes(nameOf(r.object)) && words.has(kindOf(r.object).toLowerCase()),
  );
}

/**
 * The custom resource of `namespace` that the missing Service's name names twice, by its kind
 * and by its name, each as whole dash-separated words: operators name what they make after
 * their resource (grafana-operator's Grafana `grafana` → `grafana-service`, VictoriaMetrics'
 * VMSingle `vm` → `vmsingle-vm`, EMQX `emqx` → `emqx-dashboard`). The name alone is no
 * evidence: a GrafanaDashboard, a ReplicationSource or a network policy is often named after
 * the app whose Service a chart makes.
 */
function customResourceNamedBy(
  scope: ApplyScope,
  namespace: string,
  missingName: string,
): RenderedResource | undefined {
  if (missingName === "") return undefined;
  const padded = `-${missingName}-`;
  return customResourcesIn(scope, namespace).find(
    (r) =>
      nameOf(r.object) !== "" &&
      padded.includes(`-${nameOf(r.object)}-`) &&
      padded.includes(`-${kindOf(r.object).toLowerCase()}-`),
  );
}

function prefixLength(release: string, missingName: string): number {
  return missingName.startsWith(release) ? release.length : 0;
}

/** Namespaces whose workloads usually come with the cluster or Flux's installation, not from this repository. */
const INSTALLED_WITH_CLUSTER: Record<string, string> = {
  "kube-system": "the cluster's own control plane and add-ons",
  "flux-system": "Flux's installation",
};

/**
 * The severity of a "nothing in the platform provides it" finding: lenient when something unseen
 * might, and only information when the producer is a release named after the object that is
 * unrendered only because its chart is not in the chart cache: the object is likely there,
 * unknown until `slipway charts pull` (which helmrelease-chart-not-cached asks for).
 */
export function severityGiven(
  producer: UnseenProducer | undefined,
  strict: boolean | undefined,
): Severity | undefined {
  if (producer === undefined || strict) return undefined;
  return producer.namedRelease?.chartMissing !== undefined ? "info" : "warning";
}
