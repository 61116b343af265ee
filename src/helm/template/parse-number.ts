/**
 * Number constants of text/template (parse/node.go newNumber, Go 1.25), with the parts of
 * strconv they rely on: ParseInt/ParseUint with base 0 (0x, 0o, 0b, leading-0 octal, `_`
 * between digits), ParseFloat (decimal and hex floats), UnquoteChar for 'x' constants.
 * A constant keeps every reading that fits (int64, uint64, float64), like Go's ideal
 * constants; exec picks one by the parameter type or by the literal's spelling.
 */
import { quote, unquoteChar } from "./quote.js";

export interface NumberValue {
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  complex: [number, number];
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv's underscoreOK: `_` only between digits, or between a base prefix and a digit. */
function underscoreOK(s: string): boolean {
  let saw = "^";
  let i = 0;
  if (s.length >= 1 && (s[0] === "-" || s[0] === "+")) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "bBoOxX".includes(s[1]!)) {
    i = 2;
    saw = "0";
    hex = s[1] === "x" || s[1] === "X";
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

/** strconv.ParseUint(s, 0, 64) without sign; undefined on any error. */
function parseUintBase0(s: string): bigint | undefined {
  if (s.length === 0) return undefined;
  let base = 10;
  let digits = s;
  if (s[0] === "0") {
    if (s.length >= 3 && (s[1] === "x" || s[1] === "X")) {
      base = 16;
      digits = s.slice(2);
    } else if (s.length >= 3 && (s[1] === "o" || s[1] === "O")) {
      base = 8;
      digits = s.slice(2);
    } else if (s.length >= 3 && (s[1] === "b" || s[1] === "B")) {
      base = 2;
      digits = s.slice(2);
    } else {
      base = 8;
      digits = s.slice(1);
      if (digits.length === 0) return 0n;
    }
  }
  let underscores = false;
  let n = 0n;
  const b = BigInt(base);
  for (const c of digits) {
    if (c === "_") {
      underscores = true;
      continue;
    }
    const d = Number.parseInt(c, 36);
    if (Number.isNaN(d) || d >= base) return undefined;
    n = n * b + BigInt(d);
    if (n > UINT64_MAX) return undefined;
  }
  if (digits.replaceAll("_", "").length === 0) return undefined;
  if (underscores && !underscoreOK(s)) return undefined;
  return n;
}

/** strconv.ParseInt(s, 0, 64); undefined on any error. */
function parseIntBase0(s: string): bigint | undefined {
  if (s.length === 0) return undefined;
  let neg = false;
  let body = s;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    body = s.slice(1);
  }
  const u = parseUintBase0(body);
  if (u === undefined) return undefined;
  const v = neg ? -u : u;
  if (v < INT64_MIN || v > INT64_MAX) return undefined;
  return v;
}

/** strconv.ParseFloat(s, 64); undefined on syntax errors and out-of-range values. */
export function parseFloat64(s: string): number | undefined {
  let body = s;
  let sign = 1;
  if (body[0] === "+" || body[0] === "-") {
    sign = body[0] === "-" ? -1 : 1;
    body = body.slice(1);
  }
  const lower = body.toLowerCase();
  if (lower === "inf" || lower === "infinity") return undefined; // ErrRange is not reported; syntax ok, but never lexed as a number
  if (lower === "nan") return Number.NaN;
  if (body.includes("_") && !underscoreOK(s)) return undefined;
  const clean = body.replaceAll("_", "");
  let v: number;
  if (/^0[xX]/.test(clean)) {
    const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(clean);
    if (!m || (m[1]!.length === 0 && (m[2] ?? "").length === 0)) return undefined;
    v = hexFloat(m[1]! + (m[2] ?? ""), (m[2] ?? "").length, Number(m[3]));
  } else {
    if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(clean)) return undefined;
    v = Number(clean);
  }
  if (!Number.isFinite(v)) return undefined;
  return sign * v;
}

/** Value of hex mantissa digits × 2^(exp − 4·fracDigits), correctly rounded to float64. */
function hexFloat(digits: string, fracDigits: number, exp: number): number {
  let m = digits.length ? BigInt(`0x${digits}`) : 0n;
  let e = exp - 4 * fracDigits;
  if (m === 0n) return 0;
  // Reduce the mantissa to 53 significant bits (or fewer for subnormals), rounding half to even.
  const bits = m.toString(2).length;
  let keep = 53;
  const minExp = -1074; // exponent of the smallest subnormal bit
  if (e + bits - keep < minExp) keep = Math.max(0, e + bits - minExp);
  if (bits > keep) {
    const drop = BigInt(bits - keep);
    const rest = m & ((1n << drop) - 1n);
    m >>= drop;
    const half = 1n << (drop - 1n);
    if (rest > half || (rest === half && (m & 1n) === 1n)) m++;
    e += Number(drop);
  }
  let v = Number(m);
  // Scale in steps so intermediate powers of two stay finite.
  while (e > 0) {
    const step = Math.min(e, 1000);
    v *= 2 ** step;
    e -= step;
  }
  while (e < 0) {
    const step = Math.max(e, -1000);
    v *= 2 ** step;
    e -= step;
  }
  return v;
}

/** Go's simplifyComplex: the real readings of a complex constant with no imaginary part. */
function simplifyComplex(n: NumberValue): void {
  n.isFloat = n.complex[1] === 0;
  if (n.isFloat) {
    n.float64 = n.complex[0];
    n.isInt = Number.isInteger(n.float64) && n.float64 >= -(2 ** 63) && n.float64 < 2 ** 63;
    if (n.isInt) n.int64 = BigInt(n.float64);
    n.isUint = Number.isInteger(n.float64) && n.float64 >= 0 && n.float64 < 2 ** 64;
    if (n.isUint) n.uint64 = BigInt(n.float64);
  }
}

/** newNumber: the readings of a number, char or complex constant, or Go's error text. */
export function readNumber(text: string, kind: "number" | "char" | "complex"): NumberValue | string {
  const n: NumberValue = {
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int64: 0n,
    uint64: 0n,
    float64: 0,
    complex: [0, 0],
  };
  if (kind === "char") {
    const r = readCharConstant(text);
    if (typeof r === "string") return r;
    n.int64 = BigInt(r);
    n.uint64 = BigInt(r);
    n.float64 = r;
    n.isInt = n.isUint = n.isFloat = true;
    return n;
  }
  if (kind === "complex") {
    const m = /^([+-]?[^+-]+(?:[eE][+-]?\d+)?)([+-].*)i$/.exec(text);
    const re = m ? parseFloat64(m[1]!) : undefined;
    const im = m ? parseFloat64(m[2]!) : undefined;
    if (re === undefined || im === undefined) return `expected integer`;
    n.complex = [re, im];
    n.isComplex = true;
    simplifyComplex(n);
    return n;
  }
  // Fast path: a plain decimal integer that fits a double exactly.
  if (
    text.length < 16 &&
    /^-?[0-9]+$/.test(text) &&
    (text[0] !== "0" || text.length === 1) &&
    (text[0] !== "-" || text[1] !== "0" || text.length === 2)
  ) {
    const i = BigInt(text);
    n.isInt = true;
    n.int64 = i;
    if (i >= 0n) {
      n.isUint = true;
      n.uint64 = i;
    }
    n.isFloat = true;
    n.float64 = Number(text);
    return n;
  }
  // Imaginary constants can only be complex unless they are zero.
  if (text.endsWith("i")) {
    const f = parseFloat64(text.slice(0, -1));
    if (f !== undefined) {
      n.isComplex = true;
      n.complex = [0, f];
      simplifyComplex(n);
      return n;
    }
  }
  const u = text[0] === "+" || text[0] === "-" ? undefined : parseUintBase0(text);
  if (u !== undefined) {
    n.isUint = true;
    n.uint64 = u;
  }
  const i = parseIntBase0(text);
  if (i !== undefined) {
    n.isInt = true;
    n.int64 = i;
    if (i === 0n) {
      n.isUint = true; // in case of -0
      n.uint64 = u ?? 0n;
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    const f = parseFloat64(text);
    if (f !== undefined) {
      // Parsed as a float but spelled like an integer: an integer too large for int64/uint64.
      if (!/[.eEpP]/.test(text)) return `integer overflow: ${quote(text)}`;
      n.isFloat = true;
      n.float64 = f;
      if (Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) {
        n.isInt = true;
        n.int64 = BigInt(f);
      }
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
        n.isUint = true;
        n.uint64 = BigInt(f);
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) return `illegal number syntax: ${quote(text)}`;
  return n;
}

/** strconv.UnquoteChar(text[1:], '\'') plus the check that only the closing quote follows. */
function readCharConstant(text: string): number | string {
  const body = text.slice(1);
  let r: number;
  let tail: string;
  if (body[0] === "\\") {
    const esc = unquoteChar(body, 1, "'");
    if (!esc) return "invalid syntax";
    r = esc.value;
    tail = body.slice(esc.next);
  } else {
    if (body[0] === "'") return "invalid syntax";
    r = body.codePointAt(0)!;
    tail = body.slice(r > 0xffff ? 2 : 1);
  }
  if (tail !== "'") return `malformed character constant: ${text}`;
  return r;
}
