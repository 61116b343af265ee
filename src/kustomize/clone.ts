import { copyEmptyNullMarks } from "../yaml/empty-null.js";
import { copyScalarTexts } from "../yaml/scalar-text.js";
import type { YamlMap, YamlValue } from "./types.js";

/**
 * Deep copy of a JSON-like value; faster than structuredClone for plain YAML data. Keeps which
 * nulls were written empty (see yaml/empty-null.ts), the texts scalars were written with
 * (yaml/scalar-text.ts) and `__proto__` keys as data.
 */
export function cloneValue<T extends YamlValue>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => cloneValue(x)) as T;
  const out: YamlMap = {};
  for (const k of Object.keys(v)) {
    const value = cloneValue((v as YamlMap)[k]!);
    if (k === "__proto__")
      Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  copyEmptyNullMarks(v as YamlMap, out);
  copyScalarTexts(v as YamlMap, out);
  return out as T;
}

export function deepEqual(a: YamlValue | undefined, b: YamlValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    return typeof a === "bigint" || typeof b === "bigint" ? String(a) === String(b) : false;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as YamlValue[];
    if (a.length !== bb.length) return false;
    return a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ak = Object.keys(a);
  const bm = b as Record<string, YamlValue>;
  if (ak.length !== Object.keys(bm).length) return false;
  return ak.every((k) => Object.hasOwn(bm, k) && deepEqual((a as Record<string, YamlValue>)[k], bm[k]));
}
