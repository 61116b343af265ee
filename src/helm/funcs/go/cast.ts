/**
 * spf13/cast v1.7.0's ToInt64 / ToInt / ToFloat64 (what sprig's arithmetic uses, errors
 * ignored so a failed cast is 0) and sprig's `strval` (toString). Conversions follow Go:
 * float64 → int64 truncates toward zero and, out of range or NaN, gives amd64's "integer
 * indefinite" 0x8000000000000000; uint64 → int64 wraps; strings parse with strconv after
 * cast's trimZeroDecimal ("10.00" → "10"); bool is 0/1; nil is 0.
 */

import { parseFloat64, parseInt64 } from "../../../go/strconv.js";
import { formatValue } from "../../template/fmt.js";
import { utf8Decode } from "../../template/gostring.js";
import { GoInt, type GoValue, isGoObject } from "../../template/value.js";

const INT64_MIN = -(1n << 63n);

/** Go's int64(f) on amd64. */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 2 ** 63 || f < -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(f));
}

/** cast's trimZeroDecimal: drops a fractional part made only of zeros ("1.00" → "1"). */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === ".") {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === "0") {
      foundZero = true;
    } else {
      return s;
    }
  }
  return s;
}

/** cast.ToInt64 (and ToInt, the same on 64-bit Go), 0 where cast fails. */
export function toInt64(v: GoValue): bigint {
  if (v === null || v === undefined) return 0n;
  switch (typeof v) {
    case "boolean":
      return v ? 1n : 0n;
    case "number":
      return floatToInt64(v);
    case "string": {
      const r = parseInt64(trimZeroDecimal(v), 0);
      return r.error ? 0n : r.value;
    }
  }
  if (v instanceof GoInt) return BigInt.asIntN(64, v.value);
  return 0n;
}

export const toInt = toInt64;

/** cast.ToFloat64, 0 where cast fails (an out-of-range string is a failure, not ±Inf). */
export function toFloat64(v: GoValue): number {
  if (v === null || v === undefined) return 0;
  switch (typeof v) {
    case "boolean":
      return v ? 1 : 0;
    case "number":
      return v;
    case "string": {
      const r = parseFloat64(v);
      return r.error ? 0 : r.value;
    }
  }
  if (v instanceof GoInt) return Number(v.value);
  return 0;
}

/** sprig's strval: strings as they are, []byte decoded, errors and Stringers by their text, else %v. */
export function strval(v: GoValue): string {
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return utf8Decode(v);
  if (isGoObject(v) && v.goString) return v.goString();
  return formatValue(v);
}

/** A JavaScript number for a Go int argument known to be small (counts, widths, indices). */
export function intArg(v: GoValue): number {
  return v instanceof GoInt ? Number(v.value) : typeof v === "number" ? Math.trunc(v) : 0;
}
