/**
 * sprig v3.3.0's float functions: addf/subf/mulf/divf/add1f compute in shopspring/decimal
 * from each operand's shortest decimal form (so `addf 0.1 0.2` is 0.3), maxf/minf use Go's
 * math.Max/Min, and floor/ceil/round work on cast.ToFloat64 values.
 */
import type { GoValue } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { toFloat64 } from "./go/cast.js";
import { add, type Decimal, div, fromFloat, mul, sub, toFloat } from "./go/decimal.js";
import { goPow } from "./go/gomath.js";

function decimalOp(a: GoValue, rest: GoValue[], f: (x: Decimal, y: Decimal) => Decimal): number {
  let acc = fromFloat(toFloat64(a));
  for (const x of rest) acc = f(acc, fromFloat(toFloat64(x)));
  return toFloat(acc);
}

/** math.Max: NaN wins, +0 beats -0. */
function goMax(x: number, y: number): number {
  if (x === Infinity || y === Infinity) return Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x === 0 && x === y) return Object.is(x, -0) ? y : x;
  return x > y ? x : y;
}

/** math.Min: NaN wins, -0 beats +0. */
function goMin(x: number, y: number): number {
  if (x === -Infinity || y === -Infinity) return -Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x === 0 && x === y) return Object.is(x, -0) ? x : y;
  return x < y ? x : y;
}

/** math.Modf's fractional part (sign of x). */
function fracPart(x: number): number {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? x : Number.NaN;
  return x - Math.trunc(x);
}

/** sprig's round: scale by 10^places, round up when the fraction reaches roundOn, scale back. */
function round(a: GoValue, places: bigint, rOpt: number[]): number {
  const roundOn = rOpt.length > 0 ? rOpt[0]! : 0.5;
  const val = toFloat64(a);
  const pow = goPow(10, Number(places));
  const digit = pow * val;
  const r = fracPart(digit) >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

export const floatFuncs: FuncTable = {
  add1f: goFunc("func(i interface {}) float64", (i: GoValue) => decimalOp(i, [1], add)),
  addf: goFunc("func(i ...interface {}) float64", (...i: GoValue[]) => decimalOp(0, i, add)),
  subf: goFunc("func(a interface {}, v ...interface {}) float64", (a: GoValue, ...v: GoValue[]) =>
    decimalOp(a, v, sub),
  ),
  mulf: goFunc("func(a interface {}, v ...interface {}) float64", (a: GoValue, ...v: GoValue[]) =>
    decimalOp(a, v, mul),
  ),
  divf: goFunc("func(a interface {}, v ...interface {}) float64", (a: GoValue, ...v: GoValue[]) =>
    decimalOp(a, v, div),
  ),
  maxf: goFunc("func(a interface {}, i ...interface {}) float64", (a: GoValue, ...i: GoValue[]) =>
    i.reduce<number>((m, b) => goMax(m, toFloat64(b)), toFloat64(a)),
  ),
  minf: goFunc("func(a interface {}, i ...interface {}) float64", (a: GoValue, ...i: GoValue[]) =>
    i.reduce<number>((m, b) => goMin(m, toFloat64(b)), toFloat64(a)),
  ),
  floor: goFunc("func(a interface {}) float64", (a: GoValue) => Math.floor(toFloat64(a))),
  ceil: goFunc("func(a interface {}) float64", (a: GoValue) => Math.ceil(toFloat64(a))),
  round: goFunc(
    "func(a interface {}, p int, rOpt ...float64) float64",
    (a: GoValue, p: { value: bigint }, ...r: number[]) => round(a, p.value, r),
  ),
};
