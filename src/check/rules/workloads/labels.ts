/** Label selectors as the API server evaluates them: equality maps and LabelSelector objects. */
import { isMap, type YamlValue } from "../../../kustomize/types.js";
import type { FieldPath } from "../../types.js";
import { stringMap } from "./objects.js";

export interface SelectorMismatch {
  /** Path inside the selector of the term that failed. */
  path: FieldPath;
  reason: string;
}

/** Every term of a plain `key: value` selector (Services, ReplicationControllers) that `labels` fails. */
export function equalityMismatches(
  selector: Record<string, string>,
  labels: Record<string, string>,
): SelectorMismatch[] {
  const out: SelectorMismatch[] = [];
  for (const [k, v] of Object.entries(selector)) {
    if (labels[k] === undefined) out.push({ path: [k], reason: `label ${k} is missing` });
    else if (labels[k] !== v) out.push({ path: [k], reason: `${k}=${v} but the label is ${k}=${labels[k]}` });
  }
  return out;
}

/** Every term of a LabelSelector (`matchLabels`, `matchExpressions`) that `labels` fails. */
export function labelSelectorMismatches(
  selector: YamlValue,
  labels: Record<string, string>,
): SelectorMismatch[] {
  if (!isMap(selector)) return [];
  const out: SelectorMismatch[] = [];
  const matchLabels = stringMap(selector.matchLabels) ?? {};
  for (const m of equalityMismatches(matchLabels, labels))
    out.push({ ...m, path: ["matchLabels", ...m.path] });
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  exprs.forEach((e, i) => {
    if (!isMap(e) || typeof e.key !== "string" || typeof e.operator !== "string") return;
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const has = labels[e.key] !== undefined;
    const value = labels[e.key];
    let ok: boolean;
    switch (e.operator) {
      case "In":
        ok = has && values.includes(value as string);
        break;
      case "NotIn":
        ok = !has || !values.includes(value as string);
        break;
      case "Exists":
        ok = has;
        break;
      case "DoesNotExist":
        ok = !has;
        break;
      default:
        return;
    }
    if (!ok) {
      const now = has ? `the label is ${e.key}=${value}` : `label ${e.key} is missing`;
      out.push({
        path: ["matchExpressions", i],
        reason: `${e.key} ${e.operator} [${values.join(",")}] but ${now}`,
      });
    }
  });
  return out;
}

/** A LabelSelector with no terms at all (selects everything; apps/v1 rejects it). */
export function isEmptyLabelSelector(selector: YamlValue | undefined): boolean {
  if (!isMap(selector)) return false;
  const ml = isMap(selector.matchLabels) ? Object.keys(selector.matchLabels).length : 0;
  const me = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.length : 0;
  return ml === 0 && me === 0;
}
