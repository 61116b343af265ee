import { SlipwayError } from "../../errors.js";
import { isMap, type YamlValue } from "../types.js";
import { sortedGoKeys } from "./go-order.js";

/**
 * The bytes Go's encoding/json (Go ≥ 1.22, as in kubectl 1.32) writes for a value that went
 * through `map[string]interface{}`: map keys sorted bytewise, every number a float64,
 * `<`, `>`, `&`, U+2028 and U+2029 escaped, `\b` and `\f` as short escapes.
 */
export function goJson(v: YamlValue): string {
  if (v === null) return "null";
  if (typeof v === "string") return goJsonString(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number" || typeof v === "bigint") return goJsonNumber(Number(v));
  if (Array.isArray(v)) return `[${v.map(goJson).join(",")}]`;
  if (isMap(v)) {
    const parts = sortedGoKeys(v).map((k) => `${goJsonString(k)}:${goJson(v[k] as YamlValue)}`);
    return `{${parts.join(",")}}`;
  }
  throw new SlipwayError(`cannot encode ${String(v)} as JSON`);
}

function goJsonNumber(n: number): string {
  if (!Number.isFinite(n)) throw new SlipwayError(`json: unsupported value: ${n}`);
  // JS and Go agree on the shortest round-trip digits and on when to use exponents (<1e-6, >=1e21).
  return JSON.stringify(n);
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) {
      out += short;
      continue;
    }
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x20 || ch === "<" || ch === ">" || ch === "&" || cp === 0x2028 || cp === 0x2029) {
      out += `\\u${cp.toString(16).padStart(4, "0")}`;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate is invalid UTF-8 on Go's side, which writes U+FFFD.
      out += "\ufffd";
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}
