/** sprig v3.3.0's defaults.go: default, empty, coalesce, all, any, ternary. */
import type { GoValue } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { isEmpty } from "./go/reflect.js";

export const defaultFuncs: FuncTable = {
  default: goFunc(
    "func(d interface {}, given ...interface {}) interface {}",
    (d: GoValue, ...given: GoValue[]) => (given.length === 0 || isEmpty(given[0]!) ? d : given[0]!),
  ),
  empty: goFunc("func(given interface {}) bool", (given: GoValue) => isEmpty(given)),
  coalesce: goFunc(
    "func(v ...interface {}) interface {}",
    (...v: GoValue[]) => v.find((x) => !isEmpty(x)) ?? null,
  ),
  all: goFunc("func(v ...interface {}) bool", (...v: GoValue[]) => v.every((x) => !isEmpty(x))),
  any: goFunc("func(v ...interface {}) bool", (...v: GoValue[]) => v.some((x) => !isEmpty(x))),
  ternary: goFunc(
    "func(vt interface {}, vf interface {}, v bool) interface {}",
    (vt: GoValue, vf: GoValue, v: boolean) => (v ? vt : vf),
  ),
};
