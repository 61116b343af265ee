/** Recognising Flux objects and reading the fields Slipway needs, tolerating malformed input. */
import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";
import type { ObjectRef, SourceKind } from "./model.js";

export const KUSTOMIZE_GROUP = "kustomize.toolkit.fluxcd.io";
export const HELM_GROUP = "helm.toolkit.fluxcd.io";
export const SOURCE_GROUP = "source.toolkit.fluxcd.io";
const SOURCE_KINDS = new Set<string>([
  "GitRepository",
  "OCIRepository",
  "HelmRepository",
  "Bucket",
  "ExternalArtifact",
  "HelmChart",
]);

export function groupOf(obj: KObject): string {
  const v = obj.apiVersion;
  if (typeof v !== "string") return "";
  const slash = v.indexOf("/");
  return slash < 0 ? "" : v.slice(0, slash);
}

export function isFluxKustomization(obj: KObject): boolean {
  return obj.kind === "Kustomization" && groupOf(obj) === KUSTOMIZE_GROUP;
}

export function isHelmRelease(obj: KObject): boolean {
  return obj.kind === "HelmRelease" && groupOf(obj) === HELM_GROUP;
}

export function sourceKindOf(obj: KObject): SourceKind | undefined {
  const kind = obj.kind;
  if (typeof kind !== "string" || !SOURCE_KINDS.has(kind)) return undefined;
  const group = groupOf(obj);
  return group === SOURCE_GROUP || group.endsWith(".toolkit.fluxcd.io") ? (kind as SourceKind) : undefined;
}

export function metaString(obj: KObject, field: "name" | "namespace"): string {
  const m = obj.metadata;
  const v = isMap(m) ? m[field] : undefined;
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}

export function specOf(obj: KObject): YamlMap {
  return isMap(obj.spec) ? obj.spec : {};
}

export function stringField(m: YamlMap, field: string): string {
  const v = m[field];
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}

/** `spec.sourceRef` with its namespace defaulted to the Kustomization's. */
export function sourceRefOf(obj: KObject): ObjectRef {
  const ref = specOf(obj).sourceRef;
  const m: YamlMap = isMap(ref) ? ref : {};
  return {
    kind: stringField(m, "kind") || "GitRepository",
    name: stringField(m, "name"),
    namespace: stringField(m, "namespace") || metaString(obj, "namespace"),
  };
}

/** `spec.dependsOn`, namespaces defaulted to the dependent's own (Flux's rule). */
export function dependsOnOf(obj: KObject): Array<{ namespace: string; name: string }> {
  const list = specOf(obj).dependsOn;
  if (!Array.isArray(list)) return [];
  const ns = metaString(obj, "namespace");
  return list
    .filter(isMap)
    .map((d) => ({ name: stringField(d, "name"), namespace: stringField(d, "namespace") || ns }));
}

export function isTrue(v: YamlValue | undefined): boolean {
  return v === true;
}
