/** Go's time.Duration: ParseDuration and String (time/format.go, time/time.go). */
import { utf8Encode } from "../../template/gostring.js";

export class DurationError extends Error {}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n, // U+00B5
  μs: 1000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX = (1n << 63n) - 1n;
/** time's own quote(): non-ASCII and control bytes as \xNN. */
export function timeQuote(s: string | Uint8Array): string {
  let out = '"';
  for (const b of typeof s === "string" ? utf8Encode(s) : s) {
    if (b >= 0x80 || b < 0x20) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else {
      const c = String.fromCharCode(b);
      out += c === '"' || c === "\\" ? `\\${c}` : c;
    }
  }
  return `${out}"`;
}

const quote = timeQuote;

/** time.ParseDuration: "1h2m3.5s", "-300ms", "0". Throws DurationError with Go's text. */
export function parseDuration(s: string): bigint {
  const orig = s;
  let neg = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw new DurationError(`time: invalid duration ${quote(orig)}`);
  let d = 0n;
  while (s !== "") {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    const intPart = m[1]!;
    const frac = m[2];
    if (intPart === "" && (frac === undefined || frac === ""))
      throw new DurationError(`time: invalid duration ${quote(orig)}`);
    s = s.slice(m[0].length);
    let i = 0;
    while (i < s.length && s[i] !== "." && !(s[i]! >= "0" && s[i]! <= "9")) i++;
    const unitName = s.slice(0, i);
    s = s.slice(i);
    if (unitName === "") throw new DurationError(`time: missing unit in duration ${quote(orig)}`);
    const unit = UNITS[unitName];
    if (unit === undefined)
      throw new DurationError(`time: unknown unit ${quote(unitName)} in duration ${quote(orig)}`);
    const v = BigInt(intPart === "" ? "0" : intPart);
    if (v > MAX / unit) throw new DurationError(`time: invalid duration ${quote(orig)}`);
    let part = v * unit;
    if (frac) {
      // Go scales the fraction with float64 arithmetic, truncated.
      const f = Number(`0.${frac}`) * Number(unit);
      part += BigInt(Math.floor(f));
    }
    d += part;
    if (d > MAX + (neg ? 1n : 0n)) throw new DurationError(`time: invalid duration ${quote(orig)}`);
  }
  return neg ? -d : d;
}

function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let s = "";
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) s = digit.toString() + s;
    v /= 10n;
  }
  return [print ? `.${s}` : "", v];
}

/** Duration.String(): "1h2m3.5s", "1.5ms", "0s". */
export function formatDuration(d: bigint): string {
  if (d === 0n) return "0s";
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1_000_000_000n) {
    let prec: number;
    let unit: string;
    if (u < 1000n) return `${neg ? "-" : ""}${u}ns`;
    if (u < 1_000_000n) {
      prec = 3;
      unit = "µs";
    } else {
      prec = 6;
      unit = "ms";
    }
    const [frac, rest] = fmtFrac(u, prec);
    out = `${rest}${frac}${unit}`;
  } else {
    const [frac, secs] = fmtFrac(u, 9);
    u = secs;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return (neg ? "-" : "") + out;
}

/** Duration.Round(m) for m > 0 (halves away from zero), saturating like Go. */
export function roundDuration(d: bigint, m: bigint): bigint {
  let r = d % m;
  if (d < 0n) {
    r = -r;
    if (r + r < m) return d + r;
    const d1 = d - m + r;
    return d1 < d ? d1 : -(1n << 63n);
  }
  if (r + r < m) return d - r;
  const d1 = d + m - r;
  return d1 > d && d1 <= MAX ? d1 : MAX;
}
