/**
 * Where pod-bearing objects keep their pod template, and the containers inside it. Only the
 * built-in workload kinds and Argo Rollouts count: a HelmRelease or an operator's custom
 * resource also makes pods, but Slipway cannot see their templates.
 */
import { isMap, type KObject, type YamlMap } from "../../../kustomize/types.js";
import type { FieldPath } from "../../types.js";
import { getPath, groupOf, kindOf, mapAt, stringAt } from "./objects.js";

const TEMPLATE_KINDS: Record<string, string[]> = {
  apps: ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"],
  extensions: ["Deployment", "DaemonSet", "ReplicaSet"],
  batch: ["Job"],
  "": ["ReplicationController"],
  "argoproj.io": ["Rollout"],
};

/** Kinds whose pods are meant to run until replaced; Jobs and CronJobs run to completion. */
const LONG_RUNNING = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Rollout",
]);

export interface PodTemplate {
  /** Path of the template (an object with `metadata` and `spec`) inside the workload; [] for a Pod. */
  path: FieldPath;
  labels: YamlMap | undefined;
  spec: YamlMap;
  /** Its pods are expected to keep running (readiness and liveness matter). */
  longRunning: boolean;
}

/** The pod template of a workload, a CronJob's job template, or a Pod itself; undefined for anything else. */
export function podTemplateOf(obj: KObject): PodTemplate | undefined {
  const group = groupOf(obj);
  const kind = kindOf(obj);
  let path: FieldPath | undefined;
  if (TEMPLATE_KINDS[group]?.includes(kind)) path = ["spec", "template"];
  else if (group === "batch" && kind === "CronJob") path = ["spec", "jobTemplate", "spec", "template"];
  else if (group === "" && kind === "Pod") path = [];
  if (path === undefined) return undefined;
  const spec = mapAt(obj, [...path, "spec"]);
  if (spec === undefined) return undefined;
  const labels = mapAt(obj, [...path, "metadata", "labels"]);
  let longRunning = LONG_RUNNING.has(kind);
  if (kind === "Pod") longRunning = (stringAt(spec, ["restartPolicy"]) ?? "Always") === "Always";
  return { path, labels, spec, longRunning };
}

export type ContainerList = "containers" | "initContainers" | "ephemeralContainers";

export interface ContainerAt {
  container: YamlMap;
  name: string;
  list: ContainerList;
  index: number;
  /** Path of the container inside the workload. */
  path: FieldPath;
  /** A regular container or a sidecar (an init container with `restartPolicy: Always`). */
  runsAlongside: boolean;
}

export function containersOf(template: PodTemplate, lists: readonly ContainerList[]): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const list of lists) {
    const items = getPath(template.spec, [list]);
    if (!Array.isArray(items)) continue;
    items.forEach((c, index) => {
      if (!isMap(c)) return;
      const sidecar = list === "initContainers" && c.restartPolicy === "Always";
      out.push({
        container: c,
        name: typeof c.name === "string" ? c.name : `#${index}`,
        list,
        index,
        path: [...template.path, "spec", list, index],
        runsAlongside: list === "containers" || sidecar,
      });
    });
  }
  return out;
}
