/** `workload-selector-matches-template`: a workload's selector selects its own pod template. */
import type { Rule, RuleContext } from "../../types.js";
import { equalityMismatches, isEmptyLabelSelector, labelSelectorMismatches } from "./labels.js";
import { describe, getPath, groupOf, kindOf, stringMap } from "./objects.js";
import { podTemplateOf } from "./pods.js";

function run(ctx: RuleContext): void {
  for (const r of ctx.resources()) {
    const template = podTemplateOf(r.object);
    if (template === undefined || template.path.length === 0) continue;
    // The selector sits beside the template: spec.selector, or a CronJob's jobTemplate.spec.selector.
    const selectorPath = [...template.path.slice(0, -1), "selector"];
    const selector = getPath(r.object, selectorPath);
    // Absent: Jobs and ReplicationControllers default it from the template; apps/v1 kinds fail schema validation.
    if (selector === undefined || selector === null) continue;
    const labels = stringMap(template.labels) ?? {};
    const rc = kindOf(r.object) === "ReplicationController" && groupOf(r.object) === "";
    if (!rc && isEmptyLabelSelector(selector)) {
      ctx.report({
        message: `${describe(r)} has an empty selector, which selects every pod in the namespace (apps/v1 rejects it)`,
        resource: r,
        path: selectorPath,
      });
      continue;
    }
    const mismatches = rc
      ? equalityMismatches(stringMap(selector) ?? {}, labels)
      : labelSelectorMismatches(selector, labels);
    for (const m of mismatches) {
      ctx.report({
        message: `${describe(r)}: selector does not match its pod template labels: ${m.reason}`,
        resource: r,
        path: [...selectorPath, ...m.path],
      });
    }
  }
}

export const workloadSelectorMatchesTemplate: Rule = {
  id: "workload-selector-matches-template",
  defaultSeverity: "error",
  description: "A workload's selector (matchLabels and matchExpressions) selects its own pod template labels",
  help: "The API server rejects a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or Argo Rollout whose spec.selector does not match spec.template.metadata.labels (`selector does not match template labels`), so the Flux Kustomization fails to apply. Keep the selector's labels a subset of the template's labels; remember that selectors are immutable once created.",
  run,
};
