import { writtenText } from "../../yaml/scalar-text.js";
import { isMap, type YamlMap, type YamlValue } from "../types.js";
import { type GeneratedObject, rejectUnrenderableText } from "./generate.js";
import { sortedGoKeys } from "./go-order.js";
import { setOwn } from "./own.js";

/** kustomize keeps the existing resource's origin annotation when merging (buildMetadata). */
const ORIGIN_ANNOTATION = "config.kubernetes.io/origin";

/**
 * What kustomize does when a generator with `behavior: merge|replace` meets an existing
 * resource with the same id (resmap appendReplaceOrMerge). The result is the incoming
 * object with:
 * - labels and annotations: existing ∪ incoming, incoming wins per key (both behaviors);
 * - name and namespace: the existing resource's (it may already carry a prefix/suffix);
 * - merge only: `data` and `binaryData` are existing ∪ incoming, incoming wins per key, every
 *   value turned into a string (`5` → "5", null → ""), keys sorted; the existing origin
 *   annotation is kept.
 * Everything else comes from the incoming object alone: the existing `immutable`, a Secret's
 * `type` (the generator's default `Opaque` wins over a base's `kubernetes.io/tls`) and any
 * other field are dropped. For the hash flag of the result use `mergedNeedsHash`.
 * Neither input is modified.
 */
export function mergeGenerated(existing: YamlMap, incoming: GeneratedObject): YamlMap {
  const result = structuredClone(incoming.object);
  const oldMeta = asMap(existing.metadata);
  const meta = asMap(result.metadata);
  result.metadata = meta;

  setStringMap(meta, "labels", { ...stringMap(oldMeta.labels), ...stringMap(meta.labels) });
  const annotations = { ...stringMap(oldMeta.annotations), ...stringMap(meta.annotations) };
  const oldAnnotations = stringMap(oldMeta.annotations);
  if (incoming.behavior === "merge" && Object.hasOwn(oldAnnotations, ORIGIN_ANNOTATION)) {
    annotations[ORIGIN_ANNOTATION] = oldAnnotations[ORIGIN_ANNOTATION] as string;
  }
  setStringMap(meta, "annotations", annotations);

  meta.name = typeof oldMeta.name === "string" ? oldMeta.name : scalarText(oldMeta.name ?? null);
  const ns = oldMeta.namespace;
  if (ns === undefined || ns === null || ns === "") delete meta.namespace;
  else meta.namespace = scalarText(ns);

  if (incoming.behavior === "merge") {
    const data = { ...stringMap(existing.data), ...stringMap(result.data) };
    const binaryData = { ...stringMap(existing.binaryData), ...stringMap(result.binaryData) };
    // kustomize clears and re-adds both fields, so they move to the end, data first.
    for (const [k, v] of Object.entries(data)) rejectUnrenderableText(String(meta.name), k, v);
    setStringMap(result, "data", data);
    setStringMap(result, "binaryData", binaryData);
  }
  return result;
}

/**
 * The merged or replaced resource gets a hash suffix only if both the existing resource and
 * the generator ask for one (verified against kubectl for all four combinations; a plain
 * resource from `resources:` never asks).
 */
export function mergedNeedsHash(existingNeedsHash: boolean, incoming: GeneratedObject): boolean {
  return existingNeedsHash && incoming.needsHash;
}

function asMap(v: YamlValue | undefined): YamlMap {
  return v !== undefined && isMap(v) ? { ...v } : {};
}

/** kyaml's GetDataMap/GetLabels view of a map: every value as its scalar text. */
function stringMap(v: YamlValue | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (v === undefined || !isMap(v)) return out;
  for (const [k, val] of Object.entries(v)) out[k] = writtenText(v, k) ?? scalarText(val);
  return out;
}

function scalarText(v: YamlValue): string {
  if (v === null || typeof v === "object") return "";
  return String(v);
}

/** Removes the field, then re-adds it at the end with sorted keys unless it would be empty. */
function setStringMap(target: YamlMap, field: string, m: Record<string, string>): void {
  delete target[field];
  const keys = sortedGoKeys(m);
  if (keys.length === 0) return;
  const out: YamlMap = {};
  for (const k of keys) setOwn(out, k, m[k] as string);
  target[field] = out;
}
