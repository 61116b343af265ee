/**
 * Which null map values were written with no text at all (`key:` or `key: !!null`), as
 * opposed to an explicit `null`/`~`. The value model has one null, but kyaml tells the two
 * apart: a strategic merge walk keeps a target's explicit null the patch does not mention
 * (merge2.go VisitMap, "preserve explicitly set null in Dest") and drops an empty one,
 * because its node's Value is "". kubectl therefore prints `key: null` for an empty value
 * without a patch and drops the key when any strategic merge patch touches the object.
 *
 * The mark is a non-enumerable symbol property on the map holding the key, so it is
 * invisible to every consumer that does not ask (Object.keys, JSON, spreads, the emitter).
 * A copy that does not carry it makes the null explicit, which is what kustomize's own JSON
 * round trips do (JSON 6902 patches, for one).
 */
import type { YamlMap } from "../kustomize/types.js";

const EMPTY_NULL_KEYS: unique symbol = Symbol("slipway.emptyNullKeys");

type Marked = YamlMap & { [EMPTY_NULL_KEYS]?: Set<string> };

export function markEmptyNull(map: YamlMap, key: string): void {
  const m = map as Marked;
  let keys = m[EMPTY_NULL_KEYS];
  if (!keys) {
    keys = new Set();
    Object.defineProperty(m, EMPTY_NULL_KEYS, { value: keys, enumerable: false, writable: true });
  }
  keys.add(key);
}

/** True when `map[key]` is a null written with no text. */
export function isEmptyNull(map: YamlMap, key: string): boolean {
  return map[key] === null && (map as Marked)[EMPTY_NULL_KEYS]?.has(key) === true;
}

/** Whether any own enumerable key of `map` is a null written with no text (isEmptyNull of some key). */
export function hasEmptyNull(map: YamlMap): boolean {
  const keys = (map as Marked)[EMPTY_NULL_KEYS];
  if (!keys) return false;
  for (const k of keys)
    if (map[k] === null && Object.prototype.propertyIsEnumerable.call(map, k)) return true;
  return false;
}

/** Whether `key` of `map` carries the mark, whatever its value is now. */
export function hasEmptyNullMark(map: YamlMap, key: string): boolean {
  return (map as Marked)[EMPTY_NULL_KEYS]?.has(key) === true;
}

/** Whether any key of `map` carries the mark, whatever its value is now. */
export function hasEmptyNullMarks(map: YamlMap): boolean {
  return ((map as Marked)[EMPTY_NULL_KEYS]?.size ?? 0) > 0;
}

export function unmarkEmptyNull(map: YamlMap, key: string): void {
  (map as Marked)[EMPTY_NULL_KEYS]?.delete(key);
}

/** Copies `from`'s marks onto `to` (a copy of it). */
export function copyEmptyNullMarks(from: YamlMap, to: YamlMap): void {
  const keys = (from as Marked)[EMPTY_NULL_KEYS];
  if (keys) for (const k of keys) markEmptyNull(to, k);
}
