/**
 * Numbers as they come out of kustomize: a go-yaml v3 int/float goes through `json.Marshal`
 * and is read back by go-yaml v2, which makes every integral value that fits int64/uint64
 * an integer again and prints everything else with `strconv.FormatFloat(f, 'g', -1, 64)`.
 */

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Go's `strconv.FormatFloat(f, 'g', -1, 64)` for finite f. */
export function formatGoFloatG(f: number): string {
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  // JS and Go both pick the shortest digit string that reads back as the same float.
  const [mant, expText] = f.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith("-");
  const digits = mant.replace("-", "").replace(".", "");
  const sign = neg ? "-" : "";
  // With the shortest precision Go's 'g' picks the exponent form when exp < -4 or exp >= 6.
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const e = Math.abs(exp);
    return `${sign}${digits[0]}${frac}e${exp < 0 ? "-" : "+"}${e < 10 ? `0${e}` : e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  if (exp + 1 >= digits.length) return `${sign}${digits}${"0".repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * The text kustomize prints for a number. Integral values whose JSON text fits int64/uint64
 * print as integers (the JSON round trip turns 1.0 into 1); others use Go's shortest 'g' form.
 */
export function formatNumber(n: number | bigint): string {
  if (typeof n === "bigint") {
    if (n >= INT64_MIN && n <= UINT64_MAX) return n.toString();
    return formatGoFloatG(Number(n));
  }
  if (!Number.isFinite(n)) throw new RangeError(`json: unsupported value: ${goFloatName(n)}`);
  // Nearly every number printed (ports, replicas, sizes): a safe integer is within int64, so the
  // range check below needs no BigInt.
  if (Number.isSafeInteger(n)) return Object.is(n, -0) ? "0" : String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) {
    // encoding/json writes the shortest digits padded with zeros (as JS does below 1e21);
    // go-yaml v2 reads that text back as an integer only if it fits int64 or uint64.
    const text = Object.is(n, -0) ? "0" : String(n);
    const big = BigInt(text);
    if (big >= INT64_MIN && big <= UINT64_MAX) return text;
  }
  return formatGoFloatG(n);
}

export function goFloatName(n: number): string {
  return Number.isNaN(n) ? "NaN" : n > 0 ? "+Inf" : "-Inf";
}

/** Keeps integers exact: a JS number while it is safe, a bigint beyond 2^53. */
export function intValue(b: bigint): number | bigint {
  return b >= -MAX_SAFE && b <= MAX_SAFE ? Number(b) : b;
}

/** Decimal integers of at most 15 digits (below 2^53): goParseInt's answer is a safe integer. */
const SMALL_DECIMAL = /^[+-]?[1-9][0-9]{0,14}$/;

/**
 * intValue(goParseInt(s)) for `0` and decimal integers below 2^53 (undefined for any other
 * text, which goParseInt reads): most numbers of values files and rendered manifests, read
 * without goParseInt's capturing match and a bigint (~6 ms of a cold check's YAML reading).
 */
export function smallDecimal(s: string): number | undefined {
  if (s === "0") return 0;
  return SMALL_DECIMAL.test(s) ? Number(s) : undefined;
}

/** Go's `strconv.ParseInt(s, 0, 64)` (s already without underscores). */
export function goParseInt(s: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2] as string;
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt(`0o${body.slice(2)}`);
  else if (/^0[0-7]+$/.test(body)) v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body.toLowerCase());
  if (m[1] === "-") v = -v;
  if (v < INT64_MIN || v > 2n ** 63n - 1n) return undefined;
  return v;
}

/** Go's `strconv.ParseUint(s, 0, 64)`: no sign allowed. */
export function goParseUint(s: string): bigint | undefined {
  if (s.startsWith("+") || s.startsWith("-")) return undefined;
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[1] as string;
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt(`0o${body.slice(2)}`);
  else if (/^0[0-7]+$/.test(body)) v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body.toLowerCase());
  return v <= UINT64_MAX ? v : undefined;
}

/** Go's strconv.ParseFloat for decimal text: an overflow to ±Inf is an error. */
export function goParseDecimalFloat(s: string): number | undefined {
  const f = Number(s.replace(/_/g, ""));
  if (Number.isNaN(f) || !Number.isFinite(f)) return undefined;
  return f;
}
