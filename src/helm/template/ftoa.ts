/**
 * Go's strconv.FormatFloat for float64 (strconv/ftoa.go, Go 1.25): formats 'e' 'E' 'f' 'g'
 * 'G' 'b' 'x' 'X' with a precision, or -1 for the shortest digits that round-trip.
 *
 * Shortest digits come from JavaScript's own shortest round-trip algorithm
 * (`toExponential()` without an argument), which picks the same digits as Go's Ryu: the
 * fewest digits that read back as the same float64, the closest of those to the exact
 * value. Fixed precisions are rounded from the exact binary value (BigInt arithmetic),
 * half to even on exact ties, as Go does (`%.0f` of 2.5 is "2"; JavaScript's toFixed
 * would say "3").
 */

/** Decimal digits `d` (no leading zeros) with the decimal point at `dp`: value = 0.d × 10^dp. */
interface Decimal {
  d: string;
  dp: number;
}

const view = new DataView(new ArrayBuffer(8));

/** Sign, 53-bit mantissa and binary exponent: |x| = mant × 2^exp. */
function decompose(x: number): { neg: boolean; mant: bigint; exp: number; biased: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const neg = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = 1 - 1023 - 52;
  else {
    mant |= 1n << 52n;
    exp = biased - 1023 - 52;
  }
  return { neg, mant, exp, biased };
}

/** The exact decimal expansion of |x| (finite). */
function exactDecimal(mant: bigint, exp: number): Decimal {
  if (mant === 0n) return { d: "", dp: 0 };
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return { d: trimZeros(digits), dp };
}

function trimZeros(d: string): string {
  let n = d.length;
  while (n > 0 && d.charCodeAt(n - 1) === 48) n--;
  return n === d.length ? d : d.slice(0, n);
}

/** Shortest round-trip digits of |x| (finite). */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: "", dp: 0 };
  const s = Math.abs(x).toExponential();
  const e = s.indexOf("e");
  const mantissa = s.slice(0, e).replace(".", "");
  return { d: trimZeros(mantissa), dp: Number(s.slice(e + 1)) + 1 };
}

/** Go's decimal.Round(nd) on exact digits: half to even, and a no-op for nd < 0. */
function roundDecimal(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) return a;
  const c = a.d.charCodeAt(nd);
  let up: boolean;
  if (c === 53 && nd + 1 === a.d.length) {
    up = nd > 0 && (a.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else up = c >= 53;
  if (!up) {
    const d = trimZeros(a.d.slice(0, nd));
    return { d, dp: d.length === 0 ? 0 : a.dp };
  }
  // Round up: drop trailing 9s and increment.
  let i = nd - 1;
  while (i >= 0 && a.d.charCodeAt(i) === 57) i--;
  if (i < 0) return { d: "1", dp: a.dp + 1 };
  return { d: a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1), dp: a.dp };
}

function fmtE(neg: boolean, d: Decimal, prec: number, fmt: string): string {
  let out = neg ? "-" : "";
  out += d.d.length ? d.d[0] : "0";
  if (prec > 0) {
    out += ".";
    const m = Math.min(d.d.length, prec + 1);
    out += d.d.slice(1, m);
    out += "0".repeat(Math.max(0, prec + 1 - Math.max(m, 1)));
  }
  let exp = d.d.length === 0 ? 0 : d.dp - 1;
  let sign = "+";
  if (exp < 0) {
    sign = "-";
    exp = -exp;
  }
  return `${out}${fmt}${sign}${exp < 10 ? `0${exp}` : exp}`;
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let out = neg ? "-" : "";
  if (d.dp > 0) {
    const m = Math.min(d.d.length, d.dp);
    out += d.d.slice(0, m) + "0".repeat(d.dp - m);
  } else out += "0";
  if (prec > 0) {
    out += ".";
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      out += j >= 0 && j < d.d.length ? d.d[j] : "0";
    }
  }
  return out;
}

function fmtB(neg: boolean, mant: bigint, exp: number): string {
  return `${neg ? "-" : ""}${mant}p${exp >= 0 ? "+" : ""}${exp}`;
}

function fmtX(neg: boolean, mant: bigint, exp: number, prec: number, fmt: "x" | "X"): string {
  // Normalise so the leading 1 (if any) sits at bit 60; exp is then the exponent of that bit.
  exp += 52;
  if (mant === 0n) exp = 0;
  mant <<= 8n;
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & ((1n << 60n) - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const digits = fmt === "X" ? "0123456789ABCDEF" : "0123456789abcdef";
  let out = `${neg ? "-" : ""}0${fmt}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  if (prec < 0 && mant !== 0n) {
    out += ".";
    while (mant !== 0n) {
      out += digits[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    out += ".";
    for (let i = 0; i < prec; i++) {
      out += digits[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  out += fmt === "X" ? "P" : "p";
  let sign = "+";
  if (exp < 0) {
    sign = "-";
    exp = -exp;
  }
  return `${out}${sign}${exp < 10 ? `0${exp}` : exp}`;
}

export type FloatFormat = "e" | "E" | "f" | "g" | "G" | "b" | "x" | "X";

/** strconv.FormatFloat(x, fmt, prec, 64). */
export function formatFloat(x: number, fmt: FloatFormat, prec: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "+Inf";
  if (x === Number.NEGATIVE_INFINITY) return "-Inf";
  // Fast path for the most common case: %v of a small integral float.
  if (prec < 0 && (fmt === "g" || fmt === "G") && Number.isInteger(x) && Math.abs(x) < 1e6) {
    return Object.is(x, -0) ? "-0" : String(x);
  }
  const { neg, mant, exp } = decompose(x);
  if (fmt === "b") return fmtB(neg, mant, exp);
  if (fmt === "x" || fmt === "X") return fmtX(neg, mant, exp, prec, fmt);

  const shortest = prec < 0;
  let digs: Decimal;
  if (shortest) {
    digs = shortestDecimal(x);
    if (fmt === "e" || fmt === "E") prec = Math.max(digs.d.length - 1, 0);
    else if (fmt === "f") prec = Math.max(digs.d.length - digs.dp, 0);
    else prec = digs.d.length;
  } else {
    const exact = exactDecimal(mant, exp);
    if (fmt === "e" || fmt === "E") digs = roundDecimal(exact, prec + 1);
    else if (fmt === "f") digs = roundDecimal(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      digs = roundDecimal(exact, prec);
    }
  }
  switch (fmt) {
    case "e":
    case "E":
      return fmtE(neg, digs, prec, fmt);
    case "f":
      return fmtF(neg, digs, prec);
  }
  // %g: %e for large or small exponents, %f otherwise; trailing zeros are not printed.
  let eprec = prec;
  if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
  if (shortest) eprec = 6;
  const e = digs.dp - 1;
  if (e < -4 || e >= eprec) {
    if (prec > digs.d.length) prec = digs.d.length;
    return fmtE(neg, digs, prec - 1, fmt === "g" ? "e" : "E");
  }
  if (prec > digs.dp) prec = digs.d.length;
  return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
}
