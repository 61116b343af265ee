/**
 * sprig v3.3.0's numeric conversions: atoi (strconv.Atoi, errors ignored — an overflowing
 * number clamps, anything else is 0), int/int64/float64 (spf13/cast), toDecimal (octal text
 * to int64).
 */

import { atoi, parseInt64 } from "../../go/strconv.js";
import { formatValue } from "../template/fmt.js";
import { GoInt, type GoValue } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { toFloat64, toInt, toInt64 } from "./go/cast.js";

export const conversionFuncs: FuncTable = {
  atoi: goFunc("func(a string) int", (a: string) => {
    const r = atoi(a);
    return new GoInt("int", r.error === "syntax" ? 0n : r.value);
  }),
  int: goFunc("func(v interface {}) int", (v: GoValue) => new GoInt("int", toInt(v))),
  int64: goFunc("func(v interface {}) int64", (v: GoValue) => new GoInt("int64", toInt64(v))),
  float64: goFunc("func(v interface {}) float64", (v: GoValue) => toFloat64(v)),
  toDecimal: goFunc("func(v interface {}) int64", (v: GoValue) => {
    const r = parseInt64(formatValue(v), 8);
    return new GoInt("int64", r.error ? 0n : r.value);
  }),
};
