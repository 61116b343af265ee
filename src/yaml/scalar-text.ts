/**
 * The text a scalar was written with, where kustomize reads that text rather than the value.
 * kyaml's GetAnnotations and GetLabels hand out each value node's `Value` (the scalar as written,
 * never resolved), and kustomize sets every annotation again from that text as a string when it
 * strips its build annotations at the end of a build (resource.go RemoveBuildAnnotations →
 * SetAnnotations). So `a: 0x10` is printed `a: "0x10"`, `~` as "~", `2001-12-14` as written, a
 * folded block with the spec's folding, and `.inf` builds although JSON cannot hold it; a label
 * `l: 0x10` is printed 16 but matches a selector `l=0x10`.
 *
 * The value model keeps the resolved value (what kustomize's JSON round trips see: a JSON patch
 * of the object turns `0x10` into 16 before that final rewrite, and `~` into "null"), and the
 * text beside it as a non-enumerable symbol property on the map holding the key, as
 * empty-null.ts does: invisible to every consumer that does not ask. The text is only valid
 * while the key still holds the value it was read with (a transformer that sets the key has set
 * a value of its own); a copy that does not carry the marks (a JSON round trip) drops them.
 */
import type { YamlMap, YamlValue } from "../kustomize/types.js";

const SCALAR_TEXTS: unique symbol = Symbol("slipway.scalarTexts");

interface WrittenScalar {
  readonly value: YamlValue;
  readonly text: string;
}

type Marked = YamlMap & { [SCALAR_TEXTS]?: Map<string, WrittenScalar> };

/** Records that `map[key]`, now `value`, was written as `text`. */
export function markScalarText(map: YamlMap, key: string, value: YamlValue, text: string): void {
  const m = map as Marked;
  let texts = m[SCALAR_TEXTS];
  if (!texts) {
    texts = new Map();
    Object.defineProperty(m, SCALAR_TEXTS, { value: texts, enumerable: false, writable: true });
  }
  texts.set(key, { value, text });
}

/** The text `map[key]` was written with, while it still holds the value read from it. */
export function writtenText(map: YamlMap, key: string): string | undefined {
  const w = (map as Marked)[SCALAR_TEXTS]?.get(key);
  if (w === undefined || !Object.hasOwn(map, key) || !Object.is(map[key], w.value)) return undefined;
  return w.text;
}

/** Whether any key of `map` carries a text still valid (writtenText of some key). */
export function hasWrittenTexts(map: YamlMap): boolean {
  const texts = (map as Marked)[SCALAR_TEXTS];
  if (!texts) return false;
  for (const k of texts.keys()) if (writtenText(map, k) !== undefined) return true;
  return false;
}

/** The keys of `map` with a valid text and that text, in no particular order. */
export function writtenTexts(map: YamlMap): Array<[string, string]> {
  const texts = (map as Marked)[SCALAR_TEXTS];
  const out: Array<[string, string]> = [];
  if (!texts) return out;
  for (const k of texts.keys()) {
    const t = writtenText(map, k);
    if (t !== undefined) out.push([k, t]);
  }
  return out;
}

/** Sets `to[key]`'s text to `from[key]`'s (or none): a merge that took `from`'s value. */
export function takeScalarText(from: YamlMap, to: YamlMap, key: string): void {
  const text = writtenText(from, key);
  if (text !== undefined) markScalarText(to, key, to[key] as YamlValue, text);
  else (to as Marked)[SCALAR_TEXTS]?.delete(key);
}

/** Copies `from`'s valid texts onto `to` (a copy of it, holding equal values). */
export function copyScalarTexts(from: YamlMap, to: YamlMap): void {
  const texts = (from as Marked)[SCALAR_TEXTS];
  if (!texts) return;
  for (const [k, w] of texts) {
    if (Object.hasOwn(to, k) && Object.is(from[k], w.value))
      markScalarText(to, k, to[k] as YamlValue, w.text);
  }
}

/**
 * copyScalarTexts for what a reader marks (metadata's name and namespace, metadata.annotations
 * and metadata.labels) of an object and its copy: for copies made by means that drop the marks (structuredClone).
 */
export function copyMetadataTexts(from: YamlMap, to: YamlMap): void {
  const fm = from.metadata;
  const tm = to.metadata;
  if (!isPlainMap(fm) || !isPlainMap(tm)) return;
  for (const key of ["name", "namespace"]) takeScalarText(fm, tm, key);
  for (const field of ["annotations", "labels"]) {
    const f = fm[field];
    const t = tm[field];
    if (isPlainMap(f) && isPlainMap(t)) copyScalarTexts(f, t);
  }
}

function isPlainMap(v: YamlValue | undefined): v is YamlMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
