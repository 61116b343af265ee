/**
 * sprig v3.3.0's dictionary functions (dict.go). Maps are shared, never copied: `set`,
 * `unset` and `merge` change the map they are given, as in Helm (merge mutates its
 * destination, a map taken from .Values included). `keys` and `values` follow Go's map
 * iteration, which is random; we use sorted key order so a render is reproducible.
 */
import { sortGoStrings } from "../../go/compare.js";
import { GoMap, type GoValue, sliceOf } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { strval } from "./go/cast.js";
import { deepCopy } from "./go/copy.js";
import { mergeInto } from "./go/mergo.js";
import { typeAssertionError } from "./go/panic.js";
import { GoFuncError } from "./types.js";

/** A `map[string]interface {}` parameter: nil arrives as null (a nil map). */
type Dict = GoMap | null;
const MAP = "map[string]interface {}";

function dict(v: GoValue[]): GoMap {
  const d = new GoMap();
  for (let i = 0; i < v.length; i += 2) {
    const key = strval(v[i]!);
    d.set(key, i + 1 >= v.length ? "" : v[i + 1]!);
  }
  return d;
}

function dig(ps: GoValue[]): GoValue {
  if (ps.length < 3) throw new GoFuncError("dig needs at least three arguments");
  const last = ps[ps.length - 1]!;
  if (!(last instanceof GoMap) || last.goType !== MAP) throw typeAssertionError(last, MAP);
  const def = ps[ps.length - 2]!;
  const keys = ps.slice(0, -2).map((k) => {
    if (typeof k !== "string") throw typeAssertionError(k, "string");
    return k;
  });
  let d: GoMap = last;
  for (let i = 0; ; i++) {
    if (!d.has(keys[i]!)) return def;
    const step = d.get(keys[i]!)!;
    if (i === keys.length - 1) return step;
    if (!(step instanceof GoMap) || step.goType !== MAP) throw typeAssertionError(step, MAP);
    d = step;
  }
}

function sortedKeys(d: Dict): string[] {
  return d ? sortGoStrings([...d.keys()]) : [];
}

function pick(d: Dict, keys: string[]): GoMap {
  const res = new GoMap();
  for (const k of keys) if (d?.has(k)) res.set(k, d.get(k)!);
  return res;
}

function omit(d: Dict, keys: string[]): GoMap {
  const res = new GoMap();
  const drop = new Set(keys);
  d?.forEach((v, k) => {
    if (!drop.has(k)) res.set(k, v);
  });
  return res;
}

function set(d: Dict, key: string, value: GoValue): GoMap {
  if (d === null) throw new GoFuncError("assignment to entry in nil map");
  d.set(key, value);
  return d;
}

export const dictFuncs: FuncTable = {
  dict: goFunc("func(v ...interface {}) map[string]interface {}", (...v: GoValue[]) => dict(v)),
  get: goFunc("func(d map[string]interface {}, key string) interface {}", (d: Dict, key: string) =>
    d?.has(key) ? d.get(key)! : "",
  ),
  set: goFunc(
    "func(d map[string]interface {}, key string, value interface {}) map[string]interface {}",
    (d: Dict, key: string, value: GoValue) => set(d, key, value),
  ),
  unset: goFunc(
    "func(d map[string]interface {}, key string) map[string]interface {}",
    (d: Dict, key: string) => {
      d?.delete(key);
      return d ?? new GoMap();
    },
  ),
  hasKey: goFunc(
    "func(d map[string]interface {}, key string) bool",
    (d: Dict, key: string) => d?.has(key) ?? false,
  ),
  pluck: goFunc(
    "func(key string, d ...map[string]interface {}) []interface {}",
    (key: string, ...ds: Dict[]) => ds.filter((d) => d?.has(key)).map((d) => d!.get(key)!),
  ),
  keys: goFunc("func(dicts ...map[string]interface {}) []string", (...ds: Dict[]) =>
    sliceOf(ds.flatMap(sortedKeys), "string"),
  ),
  pick: goFunc(
    "func(dict map[string]interface {}, keys ...string) map[string]interface {}",
    (d: Dict, ...keys: string[]) => pick(d, keys),
  ),
  omit: goFunc(
    "func(dict map[string]interface {}, keys ...string) map[string]interface {}",
    (d: Dict, ...keys: string[]) => omit(d, keys),
  ),
  merge: goFunc(
    "func(dst map[string]interface {}, srcs ...map[string]interface {}) interface {}",
    (dst: Dict, ...srcs: Dict[]) => mergeInto(dst, srcs, false),
  ),
  mustMerge: goFunc(
    "func(dst map[string]interface {}, srcs ...map[string]interface {}) (interface {}, error)",
    (dst: Dict, ...srcs: Dict[]) => mergeInto(dst, srcs, false),
  ),
  mergeOverwrite: goFunc(
    "func(dst map[string]interface {}, srcs ...map[string]interface {}) interface {}",
    (dst: Dict, ...srcs: Dict[]) => mergeInto(dst, srcs, true),
  ),
  mustMergeOverwrite: goFunc(
    "func(dst map[string]interface {}, srcs ...map[string]interface {}) (interface {}, error)",
    (dst: Dict, ...srcs: Dict[]) => mergeInto(dst, srcs, true),
  ),
  values: goFunc("func(dict map[string]interface {}) []interface {}", (d: Dict) =>
    sortedKeys(d).map((k) => d!.get(k)!),
  ),
  deepCopy: goFunc("func(i interface {}) interface {}", (v: GoValue) => deepCopy(v)),
  mustDeepCopy: goFunc("func(i interface {}) (interface {}, error)", (v: GoValue) => deepCopy(v)),
  dig: goFunc("func(ps ...interface {}) (interface {}, error)", (...ps: GoValue[]) => dig(ps)),
};
