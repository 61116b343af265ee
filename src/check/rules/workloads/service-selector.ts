/** `service-selector-matches`: a Service's selector picks the pods of some workload beside it. */
import type { RenderedResource } from "../../../platform/model.js";
import type { Rule, RuleContext } from "../../types.js";
import {
  describe,
  formatLabels,
  getPath,
  isKind,
  nameOf,
  namespaceOf,
  stringAt,
  stringMap,
} from "./objects.js";
import { type PodLabels, podLabelsOf, podSelectorMismatches, scaledTargets } from "./pod-labels.js";
import { applyScopes } from "./scopes.js";
import { selectedCustomResource, severityGiven, unseenProducer } from "./unseen.js";

interface Workload {
  resource: RenderedResource;
  pods: PodLabels;
}

function run(ctx: RuleContext): void {
  for (const scope of ctx.clusters().flatMap(applyScopes)) {
    const resources = scope.resources;
    const workloads = new Map<string, Workload[]>();
    const scaled = scaledTargets(resources);
    for (const r of resources) {
      const pods = podLabelsOf(r.object, scaled);
      if (pods === undefined) continue;
      const ns = namespaceOf(r.object);
      const list = workloads.get(ns) ?? [];
      list.push({ resource: r, pods });
      workloads.set(ns, list);
    }
    for (const service of resources) {
      if (!isKind(service.object, "", "Service")) continue;
      if (stringAt(service.object, ["spec", "type"]) === "ExternalName") continue;
      const selector = stringMap(getPath(service.object, ["spec", "selector"]));
      // No selector: endpoints are managed by hand (or by a controller); nothing to match.
      if (selector === undefined || Object.keys(selector).length === 0) continue;
      const ns = namespaceOf(service.object);
      const candidates = workloads.get(ns) ?? [];
      if (candidates.some((w) => podSelectorMismatches(selector, w.pods).length === 0)) continue;
      const near = nearest(selector, candidates);
      const hint = near
        ? `; closest is ${describe(near.resource)} with pod labels ${formatLabels(near.pods.template)} (${podSelectorMismatches(
            selector,
            near.pods,
          )
            .map((m) => m.reason)
            .join(", ")})`
        : `; namespace ${ns} has no workloads`;
      const producer = unseenProducer(scope, ns, nameOf(service.object), selector, service.kustomization);
      const maybe = producer ? ` (pods may come from ${producer.text})` : "";
      // A custom resource the selector names by name and kind makes these pods (an operator's
      // Alertmanager, Prometheus, database Cluster): said, but no problem, --strict or not.
      const severity = selectedCustomResource(scope, ns, selector)
        ? "info"
        : severityGiven(producer, ctx.strict);
      ctx.report({
        message: `Service ${ns}/${nameOf(service.object)} selects ${formatLabels(selector)} but no workload in namespace ${ns} of ${scope.label} has those pod labels${hint}${maybe}`,
        resource: service,
        path: ["spec", "selector"],
        ...(severity ? { severity } : {}),
      });
    }
  }
}

/** The workload sharing most selector terms with the Service: likely the one it was meant for. */
function nearest(selector: Record<string, string>, candidates: Workload[]): Workload | undefined {
  let best: Workload | undefined;
  let bestScore = 0;
  for (const w of candidates) {
    const score = Object.keys(selector).length - podSelectorMismatches(selector, w.pods).length;
    const sharedKeys = Object.keys(selector).filter(
      (k) => w.pods.template[k] !== undefined || w.pods.controller.has(k),
    ).length;
    const total = score * 2 + sharedKeys;
    if (total > bestScore) {
      best = w;
      bestScore = total;
    }
  }
  return best;
}

export const serviceSelectorMatches: Rule = {
  id: "service-selector-matches",
  defaultSeverity: "error",
  description: "A Service's selector matches the pod labels of some workload in its namespace",
  help: "A Service whose spec.selector matches no pod template in the same cluster and namespace (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, Argo Rollout) gets no endpoints, so traffic to it fails. Make the selector a subset of the workload's spec.template.metadata.labels. Services without a selector (ExternalName, or endpoints managed by hand) are not checked. Labels the controller adds (a StatefulSet pod's name and index, a Job's name, hashes) count as pod labels; a selector term on a label the application sets on its own pod at run time (Vault's vault-active, vault-sealed, …) is not judged. When a HelmRelease, an operator's custom resource or an unrendered Flux Kustomization could create the pods, the finding is a warning (an error with --strict); when the selector names a custom resource by its name and kind (kube-prometheus-stack's Alertmanager and Prometheus, a CloudNativePG Cluster), its operator makes the pods and the finding is an info. When the pods' likeliest maker is a HelmRelease named by the selector or the Service, unrendered only because its chart is not in the chart cache, the finding is information until `slipway charts pull`.",
  run,
};
