/**
 * Go's strconv parsers (Go 1.25 strconv/atoi.go, atof.go) as Slipway's Go ports need them:
 * `ParseInt`/`ParseUint(s, 0|10, 64)` with base prefixes and underscores, `Atoi`,
 * `ParseFloat(s, 64)` (decimal and correctly rounded hex floats). Shared by sprig's conversions
 * and text/template's number constants. Results carry Go's value on error too (ParseInt clamps
 * on overflow; Atoi returns it).
 */

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

export interface IntResult {
  value: bigint;
  error?: "syntax" | "range";
}

/** strconv.ParseUint(s, base, 64) for base 0 (prefixes, underscores) or 2..36. */
export function parseUint(s: string, base: number): IntResult {
  if (s === "") return { value: 0n, error: "syntax" };
  const base0 = base === 0;
  const s0 = s;
  if (base0) {
    base = 10;
    if (s[0] === "0") {
      const p = s.length >= 3 ? s[1]!.toLowerCase() : "";
      if (p === "b" || p === "o" || p === "x") {
        base = p === "b" ? 2 : p === "o" ? 8 : 16;
        s = s.slice(2);
      } else {
        base = 8;
        s = s.slice(1);
      }
    }
  }
  let n = 0n;
  let underscores = false;
  let overflow = false;
  const b = BigInt(base);
  for (const c of s) {
    if (c === "_" && base0) {
      underscores = true;
      continue;
    }
    const d = digitValue(c);
    if (d < 0 || d >= base) return { value: 0n, error: "syntax" };
    if (!overflow) {
      n = n * b + BigInt(d);
      if (n > UINT64_MAX) overflow = true;
    }
  }
  if (underscores && !underscoreOK(s0)) return { value: 0n, error: "syntax" };
  if (overflow) return { value: UINT64_MAX, error: "range" };
  return { value: n };
}

/** strconv.ParseInt(s, base, 64): a sign, then ParseUint; clamps to int64 with a range error. */
export function parseInt64(s: string, base: number): IntResult {
  if (s === "") return { value: 0n, error: "syntax" };
  let neg = false;
  let body = s;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    body = s.slice(1);
  }
  const u = parseUint(body, base);
  if (u.error === "syntax") return { value: 0n, error: "syntax" };
  if (u.error === "range" || (!neg && u.value > INT64_MAX) || (neg && u.value > -INT64_MIN)) {
    return { value: neg ? INT64_MIN : INT64_MAX, error: "range" };
  }
  return { value: neg ? -u.value : u.value };
}

/** strconv.Atoi on a 64-bit platform (base 10, no prefixes or underscores). */
export function atoi(s: string): IntResult {
  if (/^[+-]?[0-9]+$/.test(s)) return parseInt64(s, 10);
  return { value: 0n, error: "syntax" };
}

function digitValue(c: string): number {
  const x = c.charCodeAt(0);
  if (x >= 48 && x <= 57) return x - 48;
  const l = x | 0x20;
  if (l >= 97 && l <= 122) return l - 97 + 10;
  return -1;
}

/** strconv's underscoreOK: underscores only between digits (or after a base prefix). */
export function underscoreOK(s: string): boolean {
  let saw = "^";
  let i = 0;
  if (s.length >= 1 && (s[0] === "-" || s[0] === "+")) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "box".includes(s[1]!.toLowerCase())) {
    i = 2;
    saw = "0";
    hex = s[1]!.toLowerCase() === "x";
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= "0" && c <= "9") || (hex && /[a-fA-F]/.test(c))) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

export interface FloatResult {
  value: number;
  error?: "syntax" | "range";
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9_]+)$/;

/** strconv.ParseFloat(s, 64): decimal and hex floats, inf/infinity/nan, underscores between digits. */
export function parseFloat64(s: string): FloatResult {
  const special = /^([+-]?)(inf|infinity)$/i.exec(s);
  if (special) return { value: special[1] === "-" ? -Infinity : Infinity };
  if (/^nan$/i.test(s)) return { value: Number.NaN };
  let value: number;
  const hex = HEX_FLOAT.exec(s);
  if (hex) {
    const intPart = hex[2]!.replace(/_/g, "");
    const frac = (hex[3] ?? "").replace(/_/g, "");
    if (intPart + frac === "" || !underscoreOK(s.replace(/[pP].*$/, "")))
      return { value: 0, error: "syntax" };
    const mant = BigInt(`0x${intPart + frac}`);
    const exp = Number(hex[4]!.replace(/_/g, "")) - 4 * frac.length;
    value = scaleByPowerOfTwo(mant, exp);
    if (hex[1] === "-") value = -value;
  } else {
    if (!DECIMAL_FLOAT.test(s) || !/[0-9]/.test(s.replace(/[eE].*$/, "")))
      return { value: 0, error: "syntax" };
    if (s.includes("_") && !underscoreOK(s)) return { value: 0, error: "syntax" };
    const exp = /[eE]([+-]?[0-9_]*)$/.exec(s);
    if (exp && !/[0-9]/.test(exp[1]!)) return { value: 0, error: "syntax" };
    value = Number(s.replace(/_/g, ""));
  }
  if (!Number.isFinite(value)) return { value, error: "range" };
  return { value };
}

/** mant × 2^exp correctly rounded to float64 (half to even), subnormals included. */
function scaleByPowerOfTwo(mant: bigint, exp: number): number {
  if (mant === 0n) return 0;
  // Reduce the mantissa to 53 significant bits (fewer for subnormals) with one rounding, so
  // the scaling below is exact.
  const bits = mant.toString(2).length;
  let keep = 53;
  const minExp = -1074; // exponent of the smallest subnormal bit
  if (exp + bits - keep < minExp) keep = Math.max(0, exp + bits - minExp);
  if (bits > keep) {
    const drop = BigInt(bits - keep);
    const rest = mant & ((1n << drop) - 1n);
    mant >>= drop;
    const half = 1n << (drop - 1n);
    if (rest > half || (rest === half && (mant & 1n) === 1n)) mant++;
    exp += Number(drop);
  }
  let v = Number(mant);
  // Scale in steps so intermediate powers of two stay finite.
  while (exp > 0) {
    const step = Math.min(exp, 1000);
    v *= 2 ** step;
    exp -= step;
  }
  while (exp < 0) {
    const step = Math.max(exp, -1000);
    v *= 2 ** step;
    exp -= step;
  }
  return v;
}
