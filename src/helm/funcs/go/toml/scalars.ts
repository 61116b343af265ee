/**
 * How BurntSushi/toml v1.6.0's parser turns scalar items into Go values (parse.go value,
 * valueInteger, valueFloat, valueDatetime, replaceEscapes): int64 through strconv.ParseInt
 * (base from the prefix), float64 through strconv.ParseFloat, date-times by trying Go time
 * layouts in order (TOML 1.1: seconds optional). A failure calls `fail` with the message.
 */
import { quote } from "../../../template/quote.js";
import { GoInt } from "../../../template/value.js";
import { type GoTime, parseTime, TimeParseError } from "../time.js";
import type { Location } from "../zone.js";
import { TomlInternalError } from "./errors.js";
import { isDigit, isHex } from "./lexer.js";

export type Fail = (message: string) => never;

/** The zones BurntSushi gives date-times: time.Local, and its three local-kind zones. */
export interface TomlZones {
  local: Location;
  localDatetime: Location;
  localDate: Location;
  localTime: Location;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

export function decodeInteger(val: string, fail: Fail): GoInt {
  if (!underscoresOK(val)) fail(`Invalid integer ${quote(val)}: underscores must be surrounded by digits`);
  if (hasLeadingZero(val)) fail(`Invalid integer ${quote(val)}: cannot have leading zeroes`);
  let digits = val.replaceAll("_", "");
  let negative = false;
  if (digits[0] === "+" || digits[0] === "-") {
    negative = digits[0] === "-";
    digits = digits.slice(1);
  }
  const magnitude = BigInt(digits); // "0x", "0o" and "0b" prefixes read as in Go
  const n = negative ? -magnitude : magnitude;
  if (n > INT64_MAX || n < INT64_MIN) fail(`${val} is out of range for int64`);
  return new GoInt("int64", n);
}

const GO_DECIMAL_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

export function decodeFloat(val: string, fail: Fail): number {
  const parts = val.split(/[.eE]/).filter((p) => p !== "");
  for (const part of parts) {
    if (!underscoresOK(part)) fail(`Invalid float ${quote(val)}: underscores must be surrounded by digits`);
  }
  if (parts.length > 0 && hasLeadingZero(parts[0]!)) {
    fail(`Invalid float ${quote(val)}: cannot have leading zeroes`);
  }
  if (!periodsOK(val)) fail(`Invalid float ${quote(val)}: '.' must be followed by one or more digits`);
  let s = val.replaceAll("_", "");
  let negativeNaN = false;
  if (s === "+nan" || s === "-nan") {
    negativeNaN = s === "-nan";
    s = "nan";
  }
  const num = parseGoFloat(s);
  if (num === undefined) fail(`Invalid float value: ${quote(val)}`);
  if (!Number.isFinite(num) && !Number.isNaN(num) && !/inf/.test(s)) {
    fail(`${val} is out of range for float64`);
  }
  // NaN's sign is not observable through templates; kept for fidelity of the value only.
  return negativeNaN ? -num : num;
}

/** strconv.ParseFloat for what the lexer can produce (decimal forms, inf, nan); undefined = syntax error. */
function parseGoFloat(s: string): number | undefined {
  if (s === "nan") return Number.NaN;
  if (s === "inf" || s === "+inf") return Number.POSITIVE_INFINITY;
  if (s === "-inf") return Number.NEGATIVE_INFINITY;
  if (!GO_DECIMAL_FLOAT.test(s)) return undefined;
  return Number(s);
}

/** numUnderscoresOK: every "_" sits between two hex-digit characters. */
function underscoresOK(s: string): boolean {
  switch (s) {
    case "nan":
    case "+nan":
    case "-nan":
    case "inf":
    case "-inf":
    case "+inf":
      return true;
  }
  let accept = false;
  for (const ch of s) {
    if (ch === "_" && !accept) return false;
    accept = isHex(ch.codePointAt(0)!);
  }
  return accept;
}

/** numHasLeadingZero: "0" then more, except base prefixes; or a sign, "0" and more. */
function hasLeadingZero(s: string): boolean {
  if (s.length > 1 && s[0] === "0" && !(s[1] === "b" || s[1] === "o" || s[1] === "x")) return true;
  return s.length > 2 && (s[0] === "-" || s[0] === "+") && s[1] === "0";
}

/** numPeriodsOK: each "." is followed by a digit. */
function periodsOK(s: string): boolean {
  let period = false;
  for (const ch of s) {
    if (period && !isDigit(ch.codePointAt(0)!)) return false;
    period = ch === ".";
  }
  return !period;
}

type ZoneKind = keyof TomlZones;

const DATETIME_LAYOUTS: ReadonlyArray<readonly [string, ZoneKind]> = [
  ["2006-01-02T15:04:05.999999999Z07:00", "local"],
  ["2006-01-02T15:04:05.999999999", "localDatetime"],
  ["2006-01-02", "localDate"],
  ["15:04:05.999999999", "localTime"],
  ["2006-01-02T15:04Z07:00", "local"],
  ["2006-01-02T15:04", "localDatetime"],
  ["15:04", "localTime"],
];

export function decodeDatetime(raw: string, zones: TomlZones, fail: Fail): GoTime {
  const val = raw.replace(/[zt ]/g, (m) => (m === "z" ? "Z" : "T"));
  for (const [layout, zone] of DATETIME_LAYOUTS) {
    let t: GoTime;
    try {
      t = parseTime(layout, val, zones[zone]);
    } catch (e) {
      if (e instanceof TimeParseError) continue;
      throw e;
    }
    if (missingLeadingZero(val, layout)) break;
    return t;
  }
  return fail(`invalid datetime: ${quote(val)}`);
}

/**
 * Go's time.Parse takes a one-digit hour; TOML does not. Separators sit at fixed offsets in
 * a well-formed value, so one out of place means a digit is missing.
 */
function missingLeadingZero(value: string, layout: string): boolean {
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i]!;
    if (c === "." || c === "Z") return false;
    if ((c < "0" || c > "9") && value[i] !== c) return true;
  }
  return false;
}

/** A multi-line string's content starts after a newline right after the opening quotes. */
export function stripFirstNewline(s: string): string {
  if (s.startsWith("\n")) return s.slice(1);
  if (s.startsWith("\r\n")) return s.slice(2);
  return s;
}

const ESCAPE_WHITESPACE = new Set([" ", "\t", "\r", "\n"]);

/** Removes each line-ending backslash with the whitespace (newlines included) after it. */
export function stripEscapedNewlines(s: string): string {
  let out = "";
  let from = 0; // start of the text not yet copied
  let i = 0;
  for (;;) {
    const at = s.indexOf("\\", i);
    if (at < 0) return out + s.slice(from);
    if (s[at + 1] === "\\") {
      i = at + 2;
      continue;
    }
    let j = at + 1;
    while (j < s.length && ESCAPE_WHITESPACE.has(s[j]!)) j++;
    if (j === at + 1 || !s.slice(at, j).includes("\n")) {
      // Not a line ending; a bad escape is reported by replaceEscapes.
      i = at + 1;
      continue;
    }
    out += s.slice(from, at);
    from = j;
    i = j;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  b: "\b",
  t: "\t",
  n: "\n",
  f: "\f",
  r: "\r",
  e: "\x1b",
  '"': '"',
  "\\": "\\",
};

const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Resolves the escapes the lexer accepted; "\ " and "\<tab>" are errors here. */
export function replaceEscapes(s: string, fail: Fail): string {
  let out = "";
  let i = 0;
  for (;;) {
    const at = s.indexOf("\\", i);
    if (at < 0) return out + s.slice(i);
    out += s.slice(i, at);
    const e = s[at + 1]!;
    if (e === " " || e === "\t") fail(`invalid escape: '\\${e}'`);
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i = at + 2;
      continue;
    }
    const n = HEX_LENGTH[e];
    if (n === undefined)
      throw new TomlInternalError(`BUG: Expected valid escape code after \\, but got ${quote(e)}.`);
    const hex = s.slice(at + 2, at + 2 + n);
    const r = Number.parseInt(hex, 16);
    if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) {
      fail(`Escaped character '\\u${hex}' is not valid UTF-8.`);
    }
    out += String.fromCodePoint(r);
    i = at + 2 + n;
  }
}
