/**
 * Secret marks that survive kustomize's transformers. A mark inside a build is a path plus the
 * value it marked (a witness): strategic-merge patches reorder and merge lists, JSON patches
 * insert items, so a list index can go stale. When the value is no longer at its path, it is
 * looked for where the same keys lead through any list item, and every place holding that
 * exact value is marked instead; a value that is gone (overwritten by something not secret)
 * drops its mark.
 */
import { isMap, type YamlValue } from "../kustomize/types.js";
import { SecretPaths, type ValuePath, valueAt } from "./paths.js";

export interface SecretWitness {
  path: ValuePath;
  value: YamlValue;
}

export function witnessAt(obj: YamlValue, path: ValuePath): SecretWitness | undefined {
  const value = valueAt(obj, path);
  return value === undefined ? undefined : { path, value: structuredClone(value) };
}

/** Where the witnessed values are now; the witnesses updated to those places. */
export function locateWitnesses(
  obj: YamlValue,
  witnesses: readonly SecretWitness[],
): { paths: SecretPaths; witnesses: SecretWitness[] } {
  const paths = new SecretPaths();
  const out: SecretWitness[] = [];
  const seen = new Set<string>();
  const keep = (path: ValuePath, value: YamlValue) => {
    const key = JSON.stringify(path);
    if (seen.has(key)) return;
    seen.add(key);
    paths.add(path);
    out.push({ path, value });
  };
  for (const w of witnesses) {
    const here = valueAt(obj, w.path);
    if (here !== undefined && deepEqual(here, w.value)) {
      keep(w.path, w.value);
      continue;
    }
    for (const p of wildcardMatches(obj, w.path, w.value)) keep(p, w.value);
  }
  return { paths, witnesses: out };
}

/** Paths that follow `path`'s map keys through any list items and hold `value`. */
function wildcardMatches(obj: YamlValue, path: ValuePath, value: YamlValue): ValuePath[] {
  const out: ValuePath[] = [];
  const walk = (cur: YamlValue | undefined, i: number, at: Array<string | number>) => {
    if (cur === undefined) return;
    if (i === path.length) {
      if (deepEqual(cur, value)) out.push([...at]);
      return;
    }
    const seg = path[i]!;
    if (typeof seg === "number") {
      if (!Array.isArray(cur)) return;
      for (const [j, item] of cur.entries()) walk(item, i + 1, [...at, j]);
    } else if (isMap(cur) && Object.hasOwn(cur, seg)) {
      walk(cur[seg], i + 1, [...at, seg]);
    }
  };
  walk(obj, 0, []);
  return out;
}

export function deepEqual(a: YamlValue, b: YamlValue): boolean {
  if (a === b) return true;
  if (typeof a === "bigint" || typeof b === "bigint") return typeof a === typeof b && a === b;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k]!, b[k]!))
    );
  }
  return false;
}

/** The path of a container inside `root`, found by identity (undefined when it is not there). */
export function pathOfContainer(root: YamlValue, container: object): ValuePath | undefined {
  const stack: Array<{ v: YamlValue; at: Array<string | number> }> = [{ v: root, at: [] }];
  while (stack.length > 0) {
    const { v, at } = stack.pop()!;
    if (v === container) return at;
    const entries: Array<[string | number, YamlValue]> = Array.isArray(v)
      ? [...v.entries()]
      : isMap(v)
        ? Object.entries(v)
        : [];
    for (const [k, x] of entries)
      if (x !== null && typeof x === "object") stack.push({ v: x, at: [...at, k] });
  }
  return undefined;
}
