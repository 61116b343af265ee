import type { YamlValue } from "./types.js";

/** Deep copy of a JSON-like value; faster than structuredClone for plain YAML data. */
export function cloneValue<T extends YamlValue>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => cloneValue(x)) as T;
  const out: Record<string, YamlValue> = {};
  for (const k of Object.keys(v)) out[k] = cloneValue((v as Record<string, YamlValue>)[k]!);
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
