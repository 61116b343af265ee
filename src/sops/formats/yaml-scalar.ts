import { SopsTime } from "../tree.js";
import { parseGoFloat } from "../values.js";

/**
 * What a plain YAML scalar *is* for sops: the resolution rules of go-yaml v3 (which sops uses),
 * neither YAML 1.1 nor the `yaml` package's core schema. `yes`/`no`/`on`/`off` stay strings,
 * `0777` is octal, `1_000` is an int, dates are timestamps.
 */
export type Resolved = string | bigint | number | boolean | SopsTime | null | { uint64: string };

const MAP: Record<string, Resolved> = {
  "": null,
  "~": null,
  null: null,
  Null: null,
  NULL: null,
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false,
  ".nan": Number.NaN,
  ".NaN": Number.NaN,
  ".NAN": Number.NaN,
  ".inf": Number.POSITIVE_INFINITY,
  ".Inf": Number.POSITIVE_INFINITY,
  ".INF": Number.POSITIVE_INFINITY,
  "+.inf": Number.POSITIVE_INFINITY,
  "+.Inf": Number.POSITIVE_INFINITY,
  "+.INF": Number.POSITIVE_INFINITY,
  "-.inf": Number.NEGATIVE_INFINITY,
  "-.Inf": Number.NEGATIVE_INFINITY,
  "-.INF": Number.NEGATIVE_INFINITY,
};

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const UINT64_MAX = 18446744073709551615n;

export function resolvePlain(s: string): Resolved {
  if (Object.hasOwn(MAP, s)) return MAP[s]!;
  const c = s[0]!;
  if (c === ".") {
    const f = parseGoFloat(s);
    return f === undefined ? s : f;
  }
  if (!/[0-9+-]/.test(c)) return s;
  const t = parseYamlTimestamp(s);
  if (t !== undefined) return new SopsTime(t);
  const plain = s.replace(/_/g, "");
  const i = parseGoInt(plain);
  if (i !== undefined) {
    if (i >= INT64_MIN && i <= INT64_MAX) return i;
    if (i > 0n && i <= UINT64_MAX) return { uint64: s };
  }
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = parseGoFloat(plain);
    if (f !== undefined) return f;
  }
  return s;
}

/** Go `strconv.ParseInt(s, 0, …)` without the range check (returned as bigint). */
function parseGoInt(s: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt(`0o${body.slice(2)}`);
  else if (/^0[0-7]+$/.test(body)) v = BigInt(`0o${body.slice(1)}`);
  else
    v = BigInt(
      body.toLowerCase().startsWith("0x") || body.toLowerCase().startsWith("0b") ? body.toLowerCase() : body,
    );
  return m[1] === "-" ? -v : v;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * go-yaml v3 timestamps (`2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00`, `2006-1-2 15:4:5.9`)
 * returned as Go's RFC 3339 (nano) text, which is what sops encrypts and writes back.
 */
export function parseYamlTimestamp(s: string): string | undefined {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])|( ))(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?)?$/.exec(
      s,
    );
  if (!m) return undefined;
  const [, y, mo, d, tSep, spaceSep, hh, mi, ss, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > DAYS[month - 1]!) return undefined;
  const year = Number(y);
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)))
    return undefined;
  const pad = (n: string | undefined) => String(Number(n ?? 0)).padStart(2, "0");
  const date = `${y}-${pad(mo)}-${pad(d)}`;
  if (hh === undefined) return `${date}T00:00:00Z`;
  if (tSep && !zone) return undefined; // the T forms require a zone
  if (spaceSep && zone) return undefined; // the space form has none
  if (Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 59) return undefined;
  let fraction = "";
  if (frac) {
    const trimmed = frac.slice(0, 9).replace(/0+$/, "");
    if (trimmed) fraction = `.${trimmed}`;
  }
  const offset = !zone || zone === "Z" || zone === "+00:00" ? "Z" : zone === "-00:00" ? "Z" : zone;
  return `${date}T${pad(hh)}:${pad(mi)}:${pad(ss)}${fraction}${offset}`;
}

/** YAML 1.1 booleans that go-yaml v3 still quotes on output for older readers. */
const OLD_BOOL = new Set(
  "y Y yes Yes YES n N no No NO on On ON off Off OFF true True TRUE false False FALSE".split(" "),
);
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/**
 * How go-yaml v3 writes a one-line string: plain when it reads back as the same string,
 * double quotes when it would read as another type, single quotes when only the syntax is
 * in the way, double quotes again when the text needs escapes.
 */
export function quoteSingleLine(s: string): string {
  if (s === "" || typeof resolvePlain(s) !== "string" || OLD_BOOL.has(s) || BASE60_FLOAT.test(s)) {
    return doubleQuoted(s);
  }
  if (plainAllowed(s)) return s;
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(s)) return doubleQuoted(s);
  return `'${s.replace(/'/g, "''")}'`;
}

const ESCAPES: Record<string, string> = {
  "\0": "\\0",
  "\x07": "\\a",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\v": "\\v",
  "\f": "\\f",
  "\r": "\\r",
  "\x1b": "\\e",
  '"': '\\"',
  "\\": "\\\\",
  "\u0085": "\\N",
  "\u2028": "\\L",
  "\u2029": "\\P",
};

export function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const esc = ESCAPES[ch];
    if (esc) out += esc;
    else {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0xfeff) {
        out +=
          cp <= 0xff
            ? `\\x${cp.toString(16).toUpperCase().padStart(2, "0")}`
            : `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`;
      } else out += ch;
    }
  }
  return `${out}"`;
}

/** Syntactic check of the YAML emitter: can `s` be written as a plain block scalar? */
function plainAllowed(s: string): boolean {
  if (/^[\s]|[\s]$/.test(s)) return false;
  if (/[\n\r\t\u0000-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s)) return false;
  if (/^[-?:](\s|$)/.test(s)) return false;
  if (/^[,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (s.startsWith("---") || s.startsWith("...")) return false;
  if (/: |:$| #/.test(s)) return false;
  return true;
}
