/**
 * shopspring/decimal v1.4.0, the part sprig's float functions use (addf, subf, mulf, divf,
 * add1f): NewFromFloat (the shortest decimal that round-trips), exact Add/Sub/Mul, Div
 * rounded half away from zero to DivisionPrecision = 16 places, and Float64 (nearest double).
 */
import { GoFuncError } from "../types.js";

export interface Decimal {
  value: bigint;
  exp: number;
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** decimal.NewFromFloat; panics on NaN and infinities as upstream. */
export function fromFloat(f: number): Decimal {
  if (Number.isNaN(f) || !Number.isFinite(f)) {
    throw new GoFuncError(
      `Cannot create a Decimal from ${Number.isNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf"}`,
    );
  }
  if (f === 0) return { value: 0n, exp: 0 };
  // JavaScript's shortest round-trip digits are Go's (strconv 'g', -1).
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(f))!;
  const frac = m[3] ?? "";
  const value = BigInt(`${m[1]}${m[2]}${frac}`);
  return { value, exp: Number(m[4] ?? 0) - frac.length };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  if (a.exp === b.exp) return [a.value, b.value, a.exp];
  if (a.exp < b.exp) return [a.value, b.value * pow10(b.exp - a.exp), a.exp];
  return [a.value * pow10(a.exp - b.exp), b.value, b.exp];
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, exp] = align(a, b);
  return { value: x + y, exp };
}

export function sub(a: Decimal, b: Decimal): Decimal {
  const [x, y, exp] = align(a, b);
  return { value: x - y, exp };
}

export function mul(a: Decimal, b: Decimal): Decimal {
  return { value: a.value * b.value, exp: a.exp + b.exp };
}

function cmp(a: Decimal, b: Decimal): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const abs = (d: Decimal): Decimal => ({ value: d.value < 0n ? -d.value : d.value, exp: d.exp });
const sign = (d: Decimal): number => (d.value < 0n ? -1 : d.value > 0n ? 1 : 0);

/** QuoRem(d, d2, precision): truncated quotient at 10^-precision and its remainder. */
function quoRem(d: Decimal, d2: Decimal, precision: number): [Decimal, Decimal] {
  if (d2.value === 0n) throw new GoFuncError("decimal division by 0");
  const scale = -precision;
  const e = d.exp - d2.exp - scale;
  let aa: bigint;
  let bb: bigint;
  let scaleRest: number;
  if (e < 0) {
    aa = d.value;
    bb = d2.value * pow10(-e);
    scaleRest = d.exp;
  } else {
    aa = d.value * pow10(e);
    bb = d2.value;
    scaleRest = scale + d2.exp;
  }
  return [
    { value: aa / bb, exp: scale },
    { value: aa % bb, exp: scaleRest },
  ];
}

/** Div: DivRound(d2, 16), rounding half away from zero. */
export function div(d: Decimal, d2: Decimal): Decimal {
  const precision = 16;
  const [q, r] = quoRem(d, d2, precision);
  const r2: Decimal = { value: (r.value < 0n ? -r.value : r.value) * 2n, exp: r.exp + precision };
  if (cmp(r2, abs(d2)) < 0) return q;
  const unit: Decimal = { value: 1n, exp: -precision };
  return sign(d) * sign(d2) < 0 ? sub(q, unit) : add(q, unit);
}

/** Float64: the double nearest to the exact value. */
export function toFloat(d: Decimal): number {
  return Number(`${d.value}e${d.exp}`);
}
