/**
 * dario.cat/mergo v1.0.1's Merge / MergeWithOverwrite for maps, as sprig's merge and
 * mergeOverwrite call them (merge.go deepMerge, map case). Kept quirks:
 * - nested maps merge in place; a map or slice copied from src is shared, not copied;
 * - without overwrite, a destination value counts as unset when "empty" (0, "", false,
 *   nil, an empty map or slice) and is then replaced, even by an empty source value;
 * - with overwrite, a nil in src sets nil; a non-empty destination map is merged into, not replaced.
 */

import { ExpansionBudget } from "../../template/expansion-budget.js";
import { valueDepthLimit, valueTooDeep } from "../../template/stack-budget.js";
import { elemTypeOf, GoMap, type GoValue, sliceOf } from "../../template/value.js";
import { isEmpty } from "./reflect.js";

const isMap = (v: GoValue): v is GoMap => v instanceof GoMap;
const isSlice = (v: GoValue): boolean => Array.isArray(v) || v instanceof Uint8Array;
const isNil = (v: GoValue): boolean => v === null || v === undefined;

/** reflect.MakeSlice(src.Type(), 0, n). */
function emptyLike(v: GoValue): GoValue {
  return v instanceof Uint8Array ? new Uint8Array(0) : sliceOf([], elemTypeOf(v as GoValue[]));
}

/**
 * deepMerge(dst, src) for two maps; mutates dst. Like mergo, it merges a map shared twice in src
 * each time it meets it: the budget bounds that (expansion-budget.ts).
 */
export function mergeMaps(
  dst: GoMap,
  src: GoMap,
  overwrite: boolean,
  depth = 0,
  maxDepth = valueDepthLimit(),
  budget = new ExpansionBudget(overwrite ? "mergeOverwrite" : "merge"),
): void {
  if (depth > maxDepth) throw valueTooDeep();
  budget.charge();
  // forEach, not for-of with [key, srcElem]: unoptimized, that steps two iterators per entry.
  src.forEach((srcElem, key) => {
    const dstHas = dst.has(key);
    const dstElem = dst.get(key);
    if (isNil(srcElem)) {
      if (overwrite) dst.set(key, null);
      return;
    }
    if (isMap(srcElem)) {
      // deepMerge(dstElem, srcElem): only a destination map is merged into (in place).
      if (dstHas && isMap(dstElem)) mergeMaps(dstElem, srcElem, overwrite, depth + 1, maxDepth, budget);
    } else if (isSlice(srcElem)) {
      // The "is src empty / is dst empty" tests here are on the enclosing maps (upstream quirk):
      // src is non-empty since we iterate it, so with overwrite the slice is taken from src.
      if (overwrite || dst.size === 0) dst.set(key, srcElem);
      else if (!dstHas || isNil(dstElem)) dst.set(key, emptyLike(srcElem));
    }
    if (dstHas && !isEmpty(dstElem)) {
      if (isSlice(srcElem)) return;
      if (isMap(srcElem) && isMap(dstElem)) return;
    }
    if (overwrite || !dstHas || isEmpty(dstElem)) dst.set(key, srcElem);
  });
}

/** sprig merge/mergeOverwrite: a nil destination becomes a new map when a source is non-nil. */
export function mergeInto(dst: GoMap | null, srcs: Array<GoMap | null>, overwrite: boolean): GoMap {
  for (const src of srcs) {
    if (src === null) continue;
    if (dst === null) dst = new GoMap();
    mergeMaps(dst, src, overwrite);
  }
  // A nil map prints and ranges like an empty one.
  return dst ?? new GoMap();
}
