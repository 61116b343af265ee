/**
 * Number constants of text/template (parse/node.go newNumber, Go 1.25), with the parts of
 * strconv they rely on: ParseInt/ParseUint with base 0 (0x, 0o, 0b, leading-0 octal, `_`
 * between digits), ParseFloat (decimal and hex floats), UnquoteChar for 'x' constants.
 * A constant keeps every reading that fits (int64, uint64, float64), like Go's ideal
 * constants; exec picks one by the parameter type or by the literal's spelling.
 */
import { parseInt64, parseUint, parseFloat64 as strconvParseFloat } from "../../go/strconv.js";
import { escapedByte } from "./gostring.js";
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

/** strconv.ParseUint(s, 0, 64) without sign; undefined on any error. */
function parseUintBase0(s: string): bigint | undefined {
  const r = parseUint(s, 0);
  return r.error === undefined ? r.value : undefined;
}

/** strconv.ParseInt(s, 0, 64); undefined on any error. */
function parseIntBase0(s: string): bigint | undefined {
  const r = parseInt64(s, 0);
  return r.error === undefined ? r.value : undefined;
}

/**
 * strconv.ParseFloat(s, 64); undefined on syntax errors and out-of-range values. "inf" and
 * "infinity" are never lexed as numbers, so they are not numbers here either.
 */
function parseFloat64(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return undefined;
  const r = strconvParseFloat(s);
  return r.error === undefined ? r.value : undefined;
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
    // A byte that is not UTF-8 (gostring.ts) is utf8.RuneError to UnquoteChar.
    if (escapedByte(r) >= 0) r = 0xfffd;
  }
  if (tail !== "'") return `malformed character constant: ${text}`;
  return r;
}
