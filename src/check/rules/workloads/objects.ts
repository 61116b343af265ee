/**
 * Small readers over rendered objects shared by the workload rules: API group, metadata,
 * nested fields, and the cluster/namespace an object lands in.
 */
import { isMap, type KObject, type YamlMap, type YamlValue } from "../../../kustomize/types.js";
import type { Cluster, RenderedResource } from "../../../platform/model.js";
import type { FieldPath } from "../../types.js";

export function groupOf(obj: KObject): string {
  const v = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const slash = v.indexOf("/");
  return slash < 0 ? "" : v.slice(0, slash);
}

export function kindOf(obj: KObject): string {
  return typeof obj.kind === "string" ? obj.kind : "";
}

export function nameOf(obj: KObject): string {
  const md = obj.metadata;
  return isMap(md) && typeof md.name === "string" ? md.name : "";
}

/** `metadata.namespace` as written; "" when absent. */
export function rawNamespaceOf(obj: KObject): string {
  const md = obj.metadata;
  return isMap(md) && typeof md.namespace === "string" ? md.namespace : "";
}

/** The namespace a namespaced object is applied to: objects without one land in `default`. */
export function namespaceOf(obj: KObject): string {
  return rawNamespaceOf(obj) || "default";
}

/** `true` for `group` and `kind` of an object (group "" is the core group). */
export function isKind(obj: KObject, group: string, kind: string): boolean {
  return kindOf(obj) === kind && groupOf(obj) === group;
}

export function getPath(value: YamlValue | undefined, path: FieldPath): YamlValue | undefined {
  let v: YamlValue | undefined = value;
  for (const key of path) {
    if (typeof key === "number") {
      if (!Array.isArray(v)) return undefined;
      v = v[key];
    } else {
      if (!isMap(v)) return undefined;
      v = v[key];
    }
  }
  return v;
}

export function mapAt(value: YamlValue | undefined, path: FieldPath): YamlMap | undefined {
  const v = getPath(value, path);
  return isMap(v) ? v : undefined;
}

export function stringAt(value: YamlValue | undefined, path: FieldPath): string | undefined {
  const v = getPath(value, path);
  return typeof v === "string" ? v : undefined;
}

/** Only string values: a label map as Kubernetes reads it. */
export function stringMap(v: YamlValue | undefined): Record<string, string> | undefined {
  if (!isMap(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === "string") out[k] = val;
    else if (typeof val === "number" || typeof val === "boolean" || typeof val === "bigint")
      out[k] = String(val);
  }
  return out;
}

export function clusterResources(cluster: Cluster): RenderedResource[] {
  return cluster.kustomizations.flatMap((k) => k.resources);
}

export function describe(r: RenderedResource): string {
  const ns = rawNamespaceOf(r.object);
  return `${kindOf(r.object)} ${ns ? `${ns}/` : ""}${nameOf(r.object)}`;
}

export function formatLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? "{}" : parts.join(",");
}
