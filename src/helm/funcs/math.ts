/**
 * sprig v3.3.0's integer arithmetic (functions.go, numeric.go): every operand goes through
 * cast.ToInt64 (strings parse, floats truncate, nil and failures are 0), results are int64
 * and wrap as Go's do; division by zero panics as Go does.
 */
import { GoInt, type GoValue } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { toInt64 } from "./go/cast.js";
import { runtimeError } from "./go/panic.js";
import { GoFuncError } from "./types.js";

const i64 = (v: bigint): GoInt => new GoInt("int64", v);

function divide(a: bigint, b: bigint, op: "div" | "mod"): bigint {
  if (b === 0n) throw runtimeError("integer divide by zero");
  return op === "div" ? a / b : a % b;
}

export const mathFuncs: FuncTable = {
  add1: goFunc("func(i interface {}) int64", (i: GoValue) => i64(toInt64(i) + 1n)),
  add: goFunc("func(i ...interface {}) int64", (...i: GoValue[]) =>
    i64(i.reduce<bigint>((a, b) => a + toInt64(b), 0n)),
  ),
  sub: goFunc("func(a, b interface {}) int64", (a: GoValue, b: GoValue) => i64(toInt64(a) - toInt64(b))),
  div: goFunc("func(a, b interface {}) int64", (a: GoValue, b: GoValue) =>
    i64(divide(toInt64(a), toInt64(b), "div")),
  ),
  mod: goFunc("func(a, b interface {}) int64", (a: GoValue, b: GoValue) =>
    i64(divide(toInt64(a), toInt64(b), "mod")),
  ),
  mul: goFunc("func(a interface {}, v ...interface {}) int64", (a: GoValue, ...v: GoValue[]) =>
    i64(v.reduce<bigint>((acc, b) => BigInt.asIntN(64, acc * toInt64(b)), toInt64(a))),
  ),
  max: goFunc("func(a interface {}, i ...interface {}) int64", (a: GoValue, ...i: GoValue[]) =>
    i64(i.reduce<bigint>((m, b) => (toInt64(b) > m ? toInt64(b) : m), toInt64(a))),
  ),
  biggest: goFunc("func(a interface {}, i ...interface {}) int64", (a: GoValue, ...i: GoValue[]) =>
    i64(i.reduce<bigint>((m, b) => (toInt64(b) > m ? toInt64(b) : m), toInt64(a))),
  ),
  min: goFunc("func(a interface {}, i ...interface {}) int64", (a: GoValue, ...i: GoValue[]) =>
    i64(i.reduce<bigint>((m, b) => (toInt64(b) < m ? toInt64(b) : m), toInt64(a))),
  ),
  randInt: goFunc(
    "func(min, max int) int",
    function (min: GoInt, max: GoInt) {
      const n = BigInt.asIntN(64, max.value - min.value);
      if (n <= 0n) throw new GoFuncError("invalid argument to Intn");
      const r = BigInt(Math.floor(this.random() * Number(n)));
      return new GoInt("int", (r < n ? r : n - 1n) + min.value);
    },
    { hermetic: false },
  ),
};
