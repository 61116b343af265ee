import { ByteString, Comment, type Scalar, SopsTime } from "./tree.js";

/**
 * The plaintext bytes sops encrypts and hashes for each value type, and back. These are
 * Go's encodings (`strconv`, Python-heritage `True`/`False`), pinned by the vectors.
 */

export type SopsType = "str" | "int" | "float" | "bool" | "time" | "comment" | "bytes";

export function sopsTypeOf(v: Scalar | Comment): SopsType {
  if (v instanceof Comment) return "comment";
  if (v instanceof SopsTime) return "time";
  if (v instanceof ByteString) return "str";
  switch (typeof v) {
    case "string":
      return "str";
    case "bigint":
      return "int";
    case "number":
      return "float";
    default:
      return "bool";
  }
}

/** `ToBytes` of sops: what goes into AES-GCM and into the MAC. */
export function valueBytes(v: Scalar | Comment): Buffer {
  if (v instanceof Comment) return Buffer.from(v.text, "utf8");
  if (v instanceof SopsTime) return Buffer.from(v.text, "utf8");
  if (v instanceof ByteString) return v.bytes;
  switch (typeof v) {
    case "string":
      return Buffer.from(v, "utf8");
    case "bigint":
      return Buffer.from(v.toString(), "utf8");
    case "number":
      return Buffer.from(formatGoFloat(v), "utf8");
    default:
      return Buffer.from(v ? "True" : "False", "utf8");
  }
}

/** Inverse of valueBytes for a `type:` tag; throws a message without the value on failure. */
export function parseValueBytes(bytes: Buffer, type: string): Scalar | Comment {
  const text = bytes.toString("utf8");
  switch (type) {
    case "str":
      return Buffer.from(text, "utf8").equals(bytes) ? text : new ByteString(bytes);
    case "bytes":
      return new ByteString(bytes);
    case "comment":
      return new Comment(text);
    case "time":
      return new SopsTime(text);
    case "int": {
      if (!/^[+-]?\d+$/.test(text)) throw new Error("value of type int does not parse as an integer");
      const n = BigInt(text);
      if (n > 9223372036854775807n || n < -9223372036854775808n)
        throw new Error("int value out of int64 range");
      return n;
    }
    case "float": {
      const f = parseGoFloat(text);
      if (f === undefined) throw new Error("value of type float does not parse as a number");
      return f;
    }
    case "bool": {
      if (/^(1|t|T|TRUE|true|True)$/.test(text)) return true;
      if (/^(0|f|F|FALSE|false|False)$/.test(text)) return false;
      throw new Error("value of type bool does not parse as a boolean");
    }
    default:
      throw new Error(`unknown sops value type "${type}"`);
  }
}

/** Go `strconv.FormatFloat(f, 'f', -1, 64)`: shortest round-trip digits, never an exponent. */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Number.POSITIVE_INFINITY) return "+Inf";
  if (f === Number.NEGATIVE_INFINITY) return "-Inf";
  if (Object.is(f, -0)) return "-0";
  const s = String(f);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, lead, frac = "", expText] = m;
  const digits = lead! + frac;
  const exp = Number(expText);
  // The decimal point sits after `1 + exp` digits of `digits`.
  const point = 1 + exp;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Go `strconv.ParseFloat(s, 64)` for the decimal and special forms sops can meet. */
export function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return Number.NaN;
  const clean = s.includes("_") ? s.replace(/_/g, "") : s;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(clean)) return Number(clean);
  if (/^[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+$/.test(clean)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(clean)!;
    const mant = Number.parseInt(`${m[2] || "0"}${m[3]}`, 16) / 16 ** m[3]!.length;
    const v = mant * 2 ** Number(m[4]);
    return m[1] === "-" ? -v : v;
  }
  return undefined;
}
