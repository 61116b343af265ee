/**
 * `namespace-exists`: every namespaced object's namespace exists in its cluster: always
 * there, created by a rendered Namespace, or by a HelmRelease with `install.createNamespace`.
 */
import { ALWAYS_PRESENT_NAMESPACES } from "../../../kubernetes-made.js";
import { isBuiltinClusterScoped } from "../../../kubernetes-scopes.js";
import type { HelmReleaseInfo, RenderedResource } from "../../../platform/model.js";
import { applierName, outputUnknown, unknownOutputState } from "../../../platform/model.js";
import type { Rule, RuleContext } from "../../types.js";
import { bootstrapNamespaces } from "./bootstrap.js";
import {
  describe,
  getPath,
  groupOf,
  isKind,
  kindOf,
  nameOf,
  namespaceOf,
  rawNamespaceOf,
  stringAt,
} from "./objects.js";
import { type ApplyScope, applyScopes } from "./scopes.js";

/**
 * OpenShift (and OKD) makes its own namespaces (`openshift-config`, `openshift-operators`,
 * `openshift-marketplace`, …): a cluster that applies objects of its API groups runs it (angelnu's
 * OKD cluster configures APIServer, OAuth, IngressController and CatalogSources there).
 */
function runsOpenShift(scope: ApplyScope): boolean {
  return scope.resources.some((r) => {
    const group = groupOf(r.object);
    return group === "openshift.io" || group.endsWith(".openshift.io");
  });
}

function isOpenShiftNamespace(ns: string): boolean {
  return ns === "openshift" || ns.startsWith("openshift-");
}

/** `options.namespaces`: the namespaces every cluster has (default: Kubernetes' own and flux-system). */
export function alwaysPresent(options: Record<string, unknown>): string[] {
  const v = options.namespaces;
  if (v === undefined) return [...ALWAYS_PRESENT_NAMESPACES];
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string"))
    throw new Error("options.namespaces must be a list of namespace names");
  return v as string[];
}

/** `group/Kind` → scope, from the CRDs rendered anywhere in the platform. */
export function crdScopes(ctx: RuleContext): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of ctx.resources()) {
    if (!isKind(r.object, "apiextensions.k8s.io", "CustomResourceDefinition")) continue;
    const group = stringAt(r.object, ["spec", "group"]);
    const kind = stringAt(r.object, ["spec", "names", "kind"]);
    const scope = stringAt(r.object, ["spec", "scope"]);
    if (group !== undefined && kind !== undefined && scope !== undefined) out.set(`${group}/${kind}`, scope);
  }
  return out;
}

export function isClusterScoped(r: RenderedResource, scopes: Map<string, string>): boolean {
  const group = groupOf(r.object);
  const kind = kindOf(r.object);
  if (isBuiltinClusterScoped(group, kind)) return true;
  const scope = scopes.get(`${group}/${kind}`);
  if (scope !== undefined) return scope === "Cluster";
  // Custom kinds without a CRD here (installed by a chart): `ClusterIssuer`, `ClusterSecretStore`, … are cluster-scoped by convention.
  return group !== "" && !group.endsWith(".k8s.io") && /^Cluster[A-Z]/.test(kind);
}

/**
 * Groups whose kinds Slipway knows (Kubernetes' own): a kind there that is not cluster-scoped
 * is namespaced. Other kinds count only with a rendered CRD that says `scope: Namespaced`, so a
 * custom kind Slipway cannot place is never reported.
 */
const BUILTIN_GROUPS = new Set([
  "",
  "apps",
  "batch",
  "autoscaling",
  "policy",
  "networking.k8s.io",
  "rbac.authorization.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
]);

/** Namespaced for sure: objects without a namespace fail the apply (ssa DryRunErr). */
function knownNamespaced(r: RenderedResource, scopes: Map<string, string>): boolean {
  const group = groupOf(r.object);
  const kind = kindOf(r.object);
  if (isBuiltinClusterScoped(group, kind)) return false;
  const scope = scopes.get(`${group}/${kind}`);
  if (scope !== undefined) return scope === "Namespaced";
  return BUILTIN_GROUPS.has(group) && kind !== "";
}

/** Not skipped by kustomize-controller (`reconcile: disabled`, `ssa: Ignore`, label or annotation). */
function applied(r: RenderedResource): boolean {
  for (const field of ["labels", "annotations"]) {
    const m = getPath(r.object, ["metadata", field]);
    if (typeof m !== "object" || m === null) continue;
    const v = m as Record<string, unknown>;
    const reconcile = v["kustomize.toolkit.fluxcd.io/reconcile"];
    const ssa = v["kustomize.toolkit.fluxcd.io/ssa"];
    if (typeof reconcile === "string" && reconcile.toLowerCase() === "disabled") return false;
    if (typeof ssa === "string" && ssa.toLowerCase() === "ignore") return false;
  }
  return true;
}

function createdNamespaces(scope: ApplyScope, base: string[]): Set<string> {
  const out = new Set(base);
  for (const r of scope.resources) {
    if (isKind(r.object, "", "Namespace")) out.add(nameOf(r.object));
    // Giant Swarm's organization-operator makes `org-<name>` for each Organization.
    if (isKind(r.object, "security.giantswarm.io", "Organization")) out.add(`org-${nameOf(r.object)}`);
  }
  for (const hr of scope.helmReleases) {
    const target = stringAt(hr.object, ["spec", "targetNamespace"]);
    if (target && getPath(hr.object, ["spec", "install", "createNamespace"]) === true) out.add(target);
  }
  return out;
}

function run(ctx: RuleContext): void {
  const base = alwaysPresent(ctx.options);
  const scopes = crdScopes(ctx);
  // What the bootstrap creates is looked up only for a namespace nothing else creates: finding
  // it walks the repository and parses its helmfiles (~14 ms of a cold check of bjw-s home-ops).
  let bootstrapped: ReadonlyMap<string, string> | undefined;
  const bootstrap = () => (bootstrapped ??= bootstrapNamespaces(ctx.platform, ctx.cache));
  for (const scope of ctx.clusters().flatMap(applyScopes)) {
    const created = createdNamespaces(scope, base);
    const openShift = runsOpenShift(scope);
    // The bootstrap runs on the cluster itself, not on remote (kubeConfig) targets.
    const local = scope.remote === "";
    const existing = {
      has: (ns: string) =>
        created.has(ns) || (openShift && isOpenShiftNamespace(ns)) || (local && bootstrap().has(ns)),
    };
    const blind = scope.cluster.kustomizations.find(outputUnknown);
    const lenient = blind !== undefined && !ctx.strict;
    const maybe = blind ? ` (${applierName(blind)} is ${unknownOutputState(blind)}; it may create it)` : "";
    const severity = lenient ? { severity: "warning" as const } : {};
    // A stack built with kustomize and no Flux is applied by `kubectl apply -k` or an Argo CD
    // Application, which put an object without a namespace into their own (the context's, the
    // destination's): only Flux's dry-run refuses it.
    const byFlux = scope.cluster.mode === "flux";
    for (const r of scope.resources) {
      const ns = rawNamespaceOf(r.object);
      // Helm puts a release's namespaced objects into the release namespace; Flux and the
      // operator apply objects as built.
      if (ns === "" && byFlux && r.helmRelease === undefined && knownNamespaced(r, scopes) && applied(r)) {
        ctx.report({
          message: `${describe(r)}: a namespaced object without a namespace: Flux's dry-run fails the whole ${r.generatedBy ? "ResourceSet" : "Flux Kustomization"} with "${kindOf(r.object)}/${nameOf(r.object)} namespace not specified" (set metadata.namespace, the kustomization's namespace or the Flux Kustomization's spec.targetNamespace)`,
          resource: r,
          path: ["metadata"],
        });
        continue;
      }
      if (ns === "" || existing.has(ns) || isClusterScoped(r, scopes)) continue;
      // One app's overlay is not its whole cluster: something else may make the namespace.
      if (scope.cluster.appOverlay) continue;
      const release = blind ? undefined : unrenderedReleaseNaming(scope, ns);
      ctx.report({
        message: `${describe(r)}: namespace ${ns} does not exist in ${scope.label}: no Namespace object of the platform creates it${release ? ` (HelmRelease ${release.namespace}/${release.name} is not rendered, and its chart may create it)` : maybe}`,
        resource: r,
        path: ["metadata", "namespace"],
        ...(release && !ctx.strict ? { severity: "warning" as const } : severity),
      });
    }
    // A HelmRelease's own namespace is checked above; its release lands in targetNamespace of its scope.
    for (const hr of scope.helmReleases) {
      const target = stringAt(hr.object, ["spec", "targetNamespace"]);
      if (!target || existing.has(target) || scope.cluster.appOverlay) continue;
      const resource = helmReleaseResource(scope, hr);
      const at = resource
        ? { resource, path: ["spec", "targetNamespace"] }
        : hr.definedAt
          ? { file: hr.definedAt.file, line: hr.definedAt.line }
          : {};
      ctx.report({
        message: `HelmRelease ${hr.namespace}/${hr.name}: targetNamespace ${target} does not exist in ${scope.label}; create a Namespace or set spec.install.createNamespace: true${maybe}`,
        cluster: scope.cluster.name,
        kustomization: hr.kustomization,
        ...at,
        ...severity,
      });
    }
  }
}

/**
 * An unrendered HelmRelease of the scope that the namespace is named after, by its release or
 * chart name (`cilium` and `cilium-secrets`): charts name what they make after the release or
 * the chart, Namespaces too (Cilium's chart creates `cilium-secrets`), so the namespace may well
 * be the chart's. Only a name names it: any unrendered chart could create any namespace, and
 * taking that as a doubt would make every true finding of a repository without its charts cached
 * a warning.
 */
function unrenderedReleaseNaming(scope: ApplyScope, ns: string): HelmReleaseInfo | undefined {
  const names = (ns: string, name: string | undefined) =>
    name !== undefined && name !== "" && (ns === name || ns.startsWith(`${name}-`));
  return scope.helmReleases.find(
    (hr) => hr.status !== "rendered" && (names(ns, hr.name) || names(ns, hr.chart)),
  );
}

/** The rendered object of a HelmRelease, from the Flux Kustomization that applies it. */
function helmReleaseResource(scope: ApplyScope, hr: HelmReleaseInfo): RenderedResource | undefined {
  const owner = scope.cluster.kustomizations.find((k) => k.id === hr.kustomization);
  return owner?.resources.find(
    (r) =>
      isKind(r.object, "helm.toolkit.fluxcd.io", "HelmRelease") &&
      nameOf(r.object) === hr.name &&
      namespaceOf(r.object) === hr.namespace,
  );
}

export const namespaceExists: Rule = {
  id: "namespace-exists",
  defaultSeverity: "error",
  description: "A namespaced object's namespace exists in its cluster or is created by the same platform",
  help: "Applying an object into a namespace that does not exist fails the whole Flux Kustomization (`namespaces \"x\" not found`). A namespace exists when it is always there (default, kube-system, kube-public, kube-node-lease, flux-system), when some Flux Kustomization of the same cluster applies a Namespace object for it (or a Giant Swarm Organization, which makes org-<name>), or when a HelmRelease installs into it with spec.install.createNamespace: true, or when a helmfile of the repository (the bootstrap: helmfile.yaml, helmfile.d/) installs a release into it (helmfile creates namespaces unless createNamespace: false), or when the repository's bootstrap makes it outside Flux (a Namespace manifest embedded in another file, such as Talos machine configuration's inlineManifests or a Terraform heredoc; a Terraform kubernetes_namespace; `kubectl create namespace` in a script, Makefile, justfile or task file), or when it is one OpenShift makes (openshift, openshift-*) on a cluster that applies objects of the OpenShift API groups (*.openshift.io). A HelmRelease's spec.targetNamespace is checked the same way. A namespace named after a HelmRelease, or its chart, that Slipway did not render (its chart not cached, or failed) is a warning: charts create namespaces named after them (Cilium's cilium-secrets). Not checked in a plain stack found as an overlays/<env> folder that nothing includes (often one app's overlay, not its whole cluster); a namespaced object without a namespace is reported there too. Option: `namespaces`, the list of namespaces every cluster has (replaces the default list).",
  run,
};
