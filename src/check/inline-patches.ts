/**
 * The line of a field inside an inline patch: a patch written as text in a kustomization
 * (`patches[].patch`, `patchesJson6902[].patch`, `patchesStrategicMerge[]`) or in a Flux
 * Kustomization (`spec.patches[].patch`). The engine records only "inline, in this kustomization";
 * the entry is found again by comparing its parsed text with the applied patch, and inside a
 * literal block scalar (`|`, `|-`, `|+`) the patch's own lines map one to one onto the file's.
 */
import { isMap, type YamlValue } from "../kustomize/types.js";
import type { PatchSource } from "../platform/model.js";
import { type PositionedDocument, parseYamlDocumentsWithPositions } from "../yaml/index.js";
import type { FieldPath } from "./types.js";

/** Where patch entries live in a kustomization file, and in a Flux Kustomization. */
export const KUSTOMIZATION_PATCH_LISTS: FieldPath[] = [
  ["patches"],
  ["patchesJson6902"],
  ["patchesStrategicMerge"],
];
export const FLUX_PATCH_LISTS: FieldPath[] = [["spec", "patches"]];

const LITERAL_BLOCK = /:?\s*\|[1-9]?[+-]?[1-9]?\s*(#.*)?$/;

/**
 * The 1-based line in `doc` (a document of a file whose text lines are `lines`) that sets
 * `inPatch` of `patch`, or undefined when no entry of `lists` holds that patch.
 */
export function inlinePatchLine(
  doc: PositionedDocument,
  lines: readonly string[],
  lists: readonly FieldPath[],
  patch: PatchSource,
  inPatch: FieldPath,
): number | undefined {
  for (const list of lists) {
    const entries = valueAt(doc.value, list);
    if (!Array.isArray(entries)) continue;
    for (const [i, entry] of entries.entries()) {
      const textPath: FieldPath = typeof entry === "string" ? [...list, i] : [...list, i, "patch"];
      const text = typeof entry === "string" ? entry : isMap(entry) ? entry.patch : undefined;
      if (typeof text !== "string") continue;
      const inner = lineInPatchText(text, patch, inPatch);
      if (inner === undefined) continue;
      const keyLine = safeLineOf(doc, textPath) ?? safeLineOf(doc, [...list, i]);
      if (keyLine === undefined) return undefined;
      // The block's first content line follows the line holding the `|` indicator.
      const literal = LITERAL_BLOCK.test(lines[keyLine - 1] ?? "");
      return literal && inner > 0 ? keyLine + inner : keyLine;
    }
  }
  return undefined;
}

/**
 * When `text` is the applied patch: the 1-based line inside it that sets `inPatch` (0 when the
 * patch matches but the line is unknown); undefined when `text` is another patch.
 */
function lineInPatchText(text: string, patch: PatchSource, inPatch: FieldPath): number | undefined {
  let docs: PositionedDocument[];
  try {
    docs = parseYamlDocumentsWithPositions(text, "<inline patch>");
  } catch {
    return undefined;
  }
  if (patch.ops) {
    const ops = docs[0]?.value;
    if (!Array.isArray(ops) || !sameOps(ops, patch.ops)) return undefined;
    return safeLineOf(docs[0]!, inPatch) ?? 0;
  }
  if (patch.smp) {
    const doc = docs.find((d) => sameValue(d.value, patch.smp as YamlValue));
    if (doc === undefined) return undefined;
    for (let n = inPatch.length; n > 0; n--) {
      const line = safeLineOf(doc, inPatch.slice(0, n));
      if (line !== undefined) return line;
    }
    return doc.line;
  }
  return undefined;
}

function sameOps(written: YamlValue[], applied: NonNullable<PatchSource["ops"]>): boolean {
  return (
    written.length === applied.length &&
    written.every((w, i) => isMap(w) && w.op === applied[i]?.op && (w.path ?? undefined) === applied[i]?.path)
  );
}

function sameValue(a: YamlValue, b: YamlValue): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: YamlValue): unknown {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(canonical);
  if (isMap(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical(v[k] as YamlValue)]),
    );
  return v;
}

function valueAt(v: YamlValue, p: FieldPath): YamlValue | undefined {
  let cur: YamlValue | undefined = v;
  for (const seg of p) {
    if (typeof seg === "number") cur = Array.isArray(cur) ? cur[seg] : undefined;
    else cur = isMap(cur) ? cur[seg] : undefined;
  }
  return cur;
}

function safeLineOf(doc: PositionedDocument, p: FieldPath): number | undefined {
  try {
    return doc.lineOf(p);
  } catch {
    return undefined;
  }
}
