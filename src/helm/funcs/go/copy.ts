/**
 * mitchellh/copystructure v1.2.0's Copy, as sprig's deepCopy uses it: maps and slices are
 * copied with their Go types, time.Time is copied whole (a registered Copier), and structs
 * are rebuilt field by field — only exported fields can be set, so a *semver.Version (all
 * unexported) comes back as the zero version 0.0.0 (quirk kept).
 */

import { ExpansionBudget } from "../../template/expansion-budget.js";
import { valueDepthLimit, valueTooDeep } from "../../template/stack-budget.js";
import { elemTypeOf, GoMap, type GoValue, isGoObject, sliceOf } from "../../template/value.js";
import { zeroSemverObject } from "../semver-object.js";
import { GoFuncError } from "../types.js";

export function deepCopy(v: GoValue): GoValue {
  if (v === null || v === undefined) {
    // Copy(nil) ends in reflect.ValueOf(nil).Type().
    throw new GoFuncError("reflect: call of reflect.Value.Type on zero Value");
  }
  // A shared list or map is copied each time it is met (the copy is a tree): expansion-budget.ts.
  return copyValue(v, 0, valueDepthLimit(), new ExpansionBudget("deepCopy"));
}

function copyValue(v: GoValue, depth: number, maxDepth: number, budget: ExpansionBudget): GoValue {
  if (v instanceof GoMap || Array.isArray(v)) budget.charge();
  if (v instanceof GoMap) {
    if (depth > maxDepth) throw valueTooDeep();
    const m = new GoMap(null, v.goType);
    // forEach, not for-of: most copies run before V8 optimizes this, and an unoptimized for-of
    // over a Map with [k, x] destructuring steps two iterators per entry.
    v.forEach((x, k) => {
      m.set(k, x === null || x === undefined ? x : copyValue(x, depth + 1, maxDepth, budget));
    });
    return m;
  }
  if (Array.isArray(v)) {
    if (depth > maxDepth) throw valueTooDeep();
    return sliceOf(
      v.map((x) => (x === null || x === undefined ? x : copyValue(x, depth + 1, maxDepth, budget))),
      elemTypeOf(v),
    );
  }
  if (v instanceof Uint8Array) return v.slice();
  if (isGoObject(v) && v.goType === "*semver.Version") return zeroSemverObject();
  return v;
}
