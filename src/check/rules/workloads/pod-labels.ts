/**
 * The labels a workload's pods really carry: the template's own, plus the ones its controller adds
 * (kubernetes pkg/controller: statefulset/stateful_set_utils.go `initIdentity`, deployment's
 * `pod-template-hash`, daemonset's `controller-revision-hash` and `pod-template-generation`,
 * job's `job-name` / `controller-uid` / `job-completion-index`). A Service selecting
 * `statefulset.kubernetes.io/pod-name: db-0` selects one pod of StatefulSet `db`.
 *
 * Controller labels whose value only exists in the cluster (hashes, uids) match any value: a
 * selector on them cannot be judged offline, so it is never reported.
 */
import type { KObject } from "../../../kustomize/types.js";
import type { RenderedResource } from "../../../platform/model.js";
import { getPath, groupOf, isKind, kindOf, nameOf, namespaceOf, stringMap } from "./objects.js";
import { podTemplateOf } from "./pods.js";

/** Whether a pod of the workload can carry `key=value` (undefined: the controller sets no such label). */
type ControllerLabel = (value: string) => boolean;

export interface PodLabels {
  /** The pod template's labels. */
  template: Record<string, string>;
  /** Labels the controller adds to every pod, by key. */
  controller: Map<string, ControllerLabel>;
}

const ANY: ControllerLabel = () => true;

function count(v: unknown, fallback: number): number {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === "bigint" && v >= 0n) return Number(v);
  return fallback;
}

/**
 * Objects that may change a workload's replica count outside Git: an HPA or a KEDA ScaledObject
 * targeting it. Then every ordinal from the start is a pod the StatefulSet may run.
 */
export function scaledTargets(resources: readonly RenderedResource[]): Set<string> {
  const out = new Set<string>();
  for (const r of resources) {
    const o = r.object;
    const isHpa = isKind(o, "autoscaling", "HorizontalPodAutoscaler");
    const isKeda = groupOf(o) === "keda.sh" && kindOf(o) === "ScaledObject";
    if (!isHpa && !isKeda) continue;
    const ref = getPath(o, ["spec", "scaleTargetRef"]);
    const kind = stringMap(ref)?.kind ?? (isKeda ? "Deployment" : "");
    const name = stringMap(ref)?.name ?? "";
    out.add(`${namespaceOf(o)}/${kind}/${name}`);
  }
  return out;
}

function statefulSetOrdinals(obj: KObject, scaled: boolean): ControllerLabel {
  const start = count(getPath(obj, ["spec", "ordinals", "start"]), 0);
  const replicas = count(getPath(obj, ["spec", "replicas"]), 1);
  const end = scaled ? Number.POSITIVE_INFINITY : start + replicas;
  return (value) => {
    if (!/^(0|[1-9]\d*)$/.test(value)) return false;
    const n = Number(value);
    return n >= start && n < end;
  };
}

/** The labels of the pods of a workload, or undefined when the object makes no pods Slipway can see. */
export function podLabelsOf(obj: KObject, scaled: ReadonlySet<string> = new Set()): PodLabels | undefined {
  const template = podTemplateOf(obj);
  if (template === undefined) return undefined;
  const labels = stringMap(template.labels) ?? {};
  const controller = new Map<string, ControllerLabel>();
  const name = nameOf(obj);
  const kind = kindOf(obj);
  const group = groupOf(obj);
  if (group === "apps" && kind === "StatefulSet") {
    const ordinal = statefulSetOrdinals(obj, scaled.has(`${namespaceOf(obj)}/StatefulSet/${name}`));
    controller.set("statefulset.kubernetes.io/pod-name", (v) => {
      const dash = v.lastIndexOf("-");
      return dash >= 0 && v.slice(0, dash) === name && ordinal(v.slice(dash + 1));
    });
    controller.set("apps.kubernetes.io/pod-index", ordinal);
    controller.set("controller-revision-hash", ANY);
  } else if ((group === "apps" || group === "extensions") && kind === "Deployment") {
    controller.set("pod-template-hash", ANY);
  } else if ((group === "apps" || group === "extensions") && kind === "DaemonSet") {
    controller.set("controller-revision-hash", ANY);
    controller.set("pod-template-generation", ANY);
  } else if (group === "argoproj.io" && kind === "Rollout") {
    controller.set("rollouts-pod-template-hash", ANY);
  } else if (group === "batch" && (kind === "Job" || kind === "CronJob")) {
    // A CronJob's Jobs are named `<cronjob>-<scheduled time>`.
    const jobName: ControllerLabel = kind === "Job" ? (v) => v === name : (v) => v.startsWith(`${name}-`);
    for (const key of ["job-name", "batch.kubernetes.io/job-name"]) controller.set(key, jobName);
    for (const key of ["controller-uid", "batch.kubernetes.io/controller-uid"]) controller.set(key, ANY);
    controller.set("batch.kubernetes.io/job-completion-index", ANY);
  }
  return { template: labels, controller };
}

/**
 * Labels an application sets on its own pod at run time, through the API, when the template does
 * not: HashiCorp Vault's Kubernetes service registration (vault-helm's `vault-active` and
 * `vault-standby` Services select `vault-active`; mthorley/k8s-gitops). Whether a pod carries
 * one is known only in the cluster, so a selector term on it is not judged offline.
 */
const SET_BY_THE_APPLICATION = new Set([
  "vault-active",
  "vault-initialized",
  "vault-perf-standby",
  "vault-sealed",
  "vault-version",
]);

/** The selector terms the pods fail, as `[key, reason]` (empty: the selector picks these pods). */
export function podSelectorMismatches(
  selector: Record<string, string>,
  pods: PodLabels,
): Array<{ key: string; reason: string }> {
  const out: Array<{ key: string; reason: string }> = [];
  for (const [key, value] of Object.entries(selector)) {
    // The controller's labels replace the template's (a pod's identity wins).
    const byController = pods.controller.get(key);
    if (byController !== undefined) {
      if (!byController(value)) out.push({ key, reason: `no pod has ${key}=${value}` });
      continue;
    }
    const own = pods.template[key];
    if (own === undefined) {
      if (!SET_BY_THE_APPLICATION.has(key)) out.push({ key, reason: `label ${key} is missing` });
    } else if (own !== value) out.push({ key, reason: `${key}=${value} but the label is ${key}=${own}` });
  }
  return out;
}
