/**
 * Go's time.Time for templates (time/format.go, time/time.go, Go 1.25): formatting with
 * reference-time layouts ("2006-01-02T15:04:05Z07:00"), parsing with the same layouts and
 * Go's ParseError texts, time.Date normalisation, and the value as a template object
 * (`time.Time`, printed by String(), JSON as RFC 3339 with nanoseconds).
 */
import { utf8Encode } from "../../template/gostring.js";
import { GoInt, type GoMethod, type GoObject, type GoValue, NO_FIELD } from "../../template/value.js";
import { timeQuote } from "./duration.js";
import { MarshalJSONError } from "./json-encode.js";
import { daysFromCivil, fixedZone, type Location, UTC } from "./zone.js";

const LONG_MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const SHORT_MONTHS = LONG_MONTHS.map((m) => m.slice(0, 3));
const SHORT_DAYS = LONG_DAYS.map((d) => d.slice(0, 3));

/** The Unix second of Go's zero Time, January 1, year 1, 00:00:00 UTC. */
export const ZERO_UNIX = -62135596800;

export interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  yday: number;
  weekday: number;
}

/** Proleptic Gregorian civil date from days since 1970-01-01. */
export function civilFromDays(z: number): { year: number; month: number; day: number } {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: month <= 2 ? y + 1 : y, month, day };
}

export const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** An instant (Unix seconds + nanoseconds) in a location. */
export class GoTime implements GoObject {
  readonly goType = "time.Time";
  readonly goKind = "struct";

  constructor(
    readonly unix: number,
    readonly nsec: number,
    readonly loc: Location,
  ) {}

  isZero(): boolean {
    return this.unix === ZERO_UNIX && this.nsec === 0;
  }

  zone(): { offset: number; abbr: string } {
    return this.loc.lookup(this.unix);
  }

  civil(): Civil {
    const local = this.unix + this.zone().offset;
    const days = Math.floor(local / 86400);
    const secs = local - days * 86400;
    const { year, month, day } = civilFromDays(days);
    return {
      year,
      month,
      day,
      hour: Math.floor(secs / 3600),
      min: Math.floor((secs % 3600) / 60),
      sec: secs % 60,
      yday: days - daysFromCivil(year, 1, 1) + 1,
      weekday: (((days + 4) % 7) + 7) % 7,
    };
  }

  in(loc: Location): GoTime {
    return new GoTime(this.unix, this.nsec, loc);
  }

  /** Time.Add(d) for a duration in nanoseconds. */
  add(d: bigint): GoTime {
    const total = BigInt(this.unix) * 1_000_000_000n + BigInt(this.nsec) + d;
    const sec = total / 1_000_000_000n - (total % 1_000_000_000n < 0n ? 1n : 0n);
    const ns = Number(total - sec * 1_000_000_000n);
    return new GoTime(Number(sec), ns, this.loc);
  }

  /** Nanoseconds since the Unix epoch (bigint; Sub/Since use it). */
  unixNano(): bigint {
    return BigInt(this.unix) * 1_000_000_000n + BigInt(this.nsec);
  }

  format(layout: string): string {
    return formatTime(this, layout);
  }

  toString(): string {
    return this.format("2006-01-02 15:04:05.999999999 -0700 MST");
  }

  goString(): string {
    return this.toString();
  }

  field(): GoValue | typeof NO_FIELD {
    return NO_FIELD;
  }

  method(name: string): GoMethod | undefined {
    return timeMethods(this)[name];
  }

  /**
   * MarshalJSON: RFC 3339 with nanoseconds; a year beyond four digits or a zone offset of 24
   * hours or more is Go's error (time.appendStrictRFC3339).
   */
  marshalJSON(): string {
    const text = this.format("2006-01-02T15:04:05.999999999Z07:00");
    if (text[4] !== "-") throw new MarshalJSONError("Time.MarshalJSON: year outside of range [0,9999]");
    if (!text.endsWith("Z")) {
      const c = text[text.length - 6]!;
      if ((c >= "0" && c <= "9") || Number(text.slice(-5, -3)) >= 24) {
        throw new MarshalJSONError("Time.MarshalJSON: timezone hour outside of range [0,23]");
      }
    }
    return JSON.stringify(text);
  }
}

function timeMethods(t: GoTime): Record<string, GoMethod> {
  const c = () => t.civil();
  const int = (n: number) => new GoInt("int", n);
  return {
    Year: { params: [], call: () => int(c().year) },
    Day: { params: [], call: () => int(c().day) },
    Hour: { params: [], call: () => int(c().hour) },
    Minute: { params: [], call: () => int(c().min) },
    Second: { params: [], call: () => int(c().sec) },
    Nanosecond: { params: [], call: () => int(t.nsec) },
    YearDay: { params: [], call: () => int(c().yday) },
    Unix: { params: [], call: () => new GoInt("int64", t.unix) },
    UnixNano: { params: [], call: () => new GoInt("int64", t.unixNano()) },
    UnixMilli: {
      params: [],
      call: () => new GoInt("int64", BigInt(t.unix) * 1000n + BigInt(Math.floor(t.nsec / 1e6))),
    },
    Format: { params: ["string"], call: ([l]) => t.format(l as string) },
    String: { params: [], call: () => t.toString() },
    IsZero: { params: [], call: () => t.isZero() },
    UTC: { params: [], call: () => t.in(UTC) },
    Add: { params: ["time.Duration"], call: ([d]) => t.add((d as GoInt).value) },
  };
}

/** time.Date: normalises overflowing fields and resolves the local time in `loc`. */
export function goDate(
  year: number,
  month: number,
  day: number,
  hour: number,
  min: number,
  sec: number,
  nsec: number,
  loc: Location,
): GoTime {
  // Normalise nsec into sec, then months into years; the rest overflows through day counts.
  sec += Math.floor(nsec / 1e9);
  nsec = ((nsec % 1e9) + 1e9) % 1e9;
  const m0 = month - 1;
  year += Math.floor(m0 / 12);
  month = (((m0 % 12) + 12) % 12) + 1;
  const local = (daysFromCivil(year, month, 1) + day - 1) * 86400 + hour * 3600 + min * 60 + sec;
  // Go: look up the offset at local - offset, and adjust once if the zone changes there.
  let unix = local - loc.lookup(local).offset;
  const { offset } = loc.lookup(unix);
  const guess = local - offset;
  if (loc.lookup(guess).offset === offset) unix = guess;
  return new GoTime(unix, nsec, loc);
}

/** Go's zero Time (what a failed toDate returns). */
export const zeroTime = (): GoTime => new GoTime(ZERO_UNIX, 0, UTC);

// ---------------------------------------------------------------------------------------
// Layouts (format.go nextStdChunk).

type Std =
  | "January"
  | "Jan"
  | "1"
  | "01"
  | "Monday"
  | "Mon"
  | "2"
  | "_2"
  | "02"
  | "__2"
  | "002"
  | "15"
  | "3"
  | "03"
  | "4"
  | "04"
  | "5"
  | "05"
  | "2006"
  | "06"
  | "PM"
  | "pm"
  | "MST"
  | "Z0700"
  | "Z070000"
  | "Z07"
  | "Z07:00"
  | "Z07:00:00"
  | "-0700"
  | "-070000"
  | "-07"
  | "-07:00"
  | "-07:00:00"
  | "frac0"
  | "frac9";

interface Chunk {
  prefix: string;
  std: Std | null;
  /** Fractional seconds: digit count and separator. */
  digits: number;
  sep: string;
  suffix: string;
}

const isLowerAt = (s: string, i: number) => i < s.length && s[i]! >= "a" && s[i]! <= "z";
const isDigitAt = (s: string, i: number) => i < s.length && s[i]! >= "0" && s[i]! <= "9";

function nextStdChunk(layout: string): Chunk {
  const at = (i: number, std: Std, len: number, digits = 0, sep = ""): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    digits,
    sep,
    suffix: layout.slice(i + len),
  });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i]!;
    const has = (s: string) => layout.startsWith(s, i);
    switch (c) {
      case "J":
        if (has("Jan")) {
          if (has("January")) return at(i, "January", 7);
          if (!isLowerAt(layout, i + 3)) return at(i, "Jan", 3);
        }
        break;
      case "M":
        if (has("Mon")) {
          if (has("Monday")) return at(i, "Monday", 6);
          if (!isLowerAt(layout, i + 3)) return at(i, "Mon", 3);
        }
        if (has("MST")) return at(i, "MST", 3);
        break;
      case "0": {
        const n = layout[i + 1];
        if (n !== undefined && n >= "1" && n <= "6")
          return at(i, (["01", "02", "03", "04", "05", "06"] as const)[Number(n) - 1]!, 2);
        if (has("002")) return at(i, "002", 3);
        break;
      }
      case "1":
        if (has("15")) return at(i, "15", 2);
        return at(i, "1", 1);
      case "2":
        if (has("2006")) return at(i, "2006", 4);
        return at(i, "2", 1);
      case "_":
        if (layout[i + 1] === "2") {
          // "_2006" is a literal "_" followed by the long year.
          if (layout.startsWith("2006", i + 1))
            return {
              prefix: layout.slice(0, i + 1),
              std: "2006",
              digits: 0,
              sep: "",
              suffix: layout.slice(i + 5),
            };
          return at(i, "_2", 2);
        }
        if (has("__2")) return at(i, "__2", 3);
        break;
      case "3":
        return at(i, "3", 1);
      case "4":
        return at(i, "4", 1);
      case "5":
        return at(i, "5", 1);
      case "P":
        if (has("PM")) return at(i, "PM", 2);
        break;
      case "p":
        if (has("pm")) return at(i, "pm", 2);
        break;
      case "-":
        for (const s of ["-070000", "-07:00:00", "-0700", "-07:00", "-07"] as const)
          if (has(s)) return at(i, s, s.length);
        break;
      case "Z":
        for (const s of ["Z070000", "Z07:00:00", "Z0700", "Z07:00", "Z07"] as const)
          if (has(s)) return at(i, s, s.length);
        break;
      case ".":
      case ",": {
        const d = layout[i + 1];
        if (d === "0" || d === "9") {
          let j = i + 1;
          while (j < layout.length && layout[j] === d) j++;
          if (!isDigitAt(layout, j)) return at(i, d === "0" ? "frac0" : "frac9", j - i, j - (i + 1), c);
        }
        break;
      }
    }
  }
  return { prefix: layout, std: null, digits: 0, sep: "", suffix: "" };
}

/** appendInt: a minus sign, then |x| zero-padded to width. */
function pad(x: number, width: number): string {
  const s = String(Math.abs(x)).padStart(width, "0");
  return x < 0 ? `-${s}` : s;
}

const ISO_TZ = new Set<Std>(["Z0700", "Z070000", "Z07", "Z07:00", "Z07:00:00"]);

export function formatTime(t: GoTime, layout: string): string {
  const c = t.civil();
  const { offset, abbr } = t.zone();
  let out = "";
  while (layout !== "") {
    const ch = nextStdChunk(layout);
    out += ch.prefix;
    if (ch.std === null) break;
    layout = ch.suffix;
    switch (ch.std) {
      case "06":
        out += pad(Math.abs(c.year) % 100, 2);
        break;
      case "2006":
        out += pad(c.year, 4);
        break;
      case "Jan":
        out += SHORT_MONTHS[c.month - 1];
        break;
      case "January":
        out += LONG_MONTHS[c.month - 1];
        break;
      case "1":
        out += c.month;
        break;
      case "01":
        out += pad(c.month, 2);
        break;
      case "Mon":
        out += SHORT_DAYS[c.weekday];
        break;
      case "Monday":
        out += LONG_DAYS[c.weekday];
        break;
      case "2":
        out += c.day;
        break;
      case "_2":
        out += (c.day < 10 ? " " : "") + c.day;
        break;
      case "02":
        out += pad(c.day, 2);
        break;
      case "__2":
        out += (c.yday < 100 ? (c.yday < 10 ? "  " : " ") : "") + c.yday;
        break;
      case "002":
        out += pad(c.yday, 3);
        break;
      case "15":
        out += pad(c.hour, 2);
        break;
      case "3":
        out += c.hour % 12 === 0 ? 12 : c.hour % 12;
        break;
      case "03":
        out += pad(c.hour % 12 === 0 ? 12 : c.hour % 12, 2);
        break;
      case "4":
        out += c.min;
        break;
      case "04":
        out += pad(c.min, 2);
        break;
      case "5":
        out += c.sec;
        break;
      case "05":
        out += pad(c.sec, 2);
        break;
      case "PM":
        out += c.hour >= 12 ? "PM" : "AM";
        break;
      case "pm":
        out += c.hour >= 12 ? "pm" : "am";
        break;
      case "MST":
        if (abbr !== "") out += abbr;
        else {
          const zone = Math.trunc(offset / 60);
          out += `${zone < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(zone) / 60), 2)}${pad(Math.abs(zone) % 60, 2)}`;
        }
        break;
      case "frac0":
      case "frac9":
        out += nanoText(t.nsec, ch.digits, ch.sep, ch.std === "frac9");
        break;
      default:
        out += offsetText(ch.std, offset);
    }
  }
  return out;
}

function offsetText(std: Std, offset: number): string {
  if (offset === 0 && ISO_TZ.has(std)) return "Z";
  let zone = Math.trunc(offset / 60);
  let abs = offset;
  let s = "+";
  if (zone < 0) {
    s = "-";
    zone = -zone;
    abs = -abs;
  }
  s += pad(Math.floor(zone / 60), 2);
  const colon = std.includes(":");
  if (colon) s += ":";
  if (std !== "-07" && std !== "Z07") s += pad(zone % 60, 2);
  if (std === "Z070000" || std === "-070000" || std === "-07:00:00" || std === "Z07:00:00") {
    if (colon) s += ":";
    s += pad(abs % 60, 2);
  }
  return s;
}

function nanoText(nsec: number, digits: number, sep: string, trim: boolean): string {
  if (trim && (digits === 0 || nsec === 0)) return "";
  let s = pad(nsec, 9);
  if (digits < 9) s = s.slice(0, digits);
  if (trim) s = s.replace(/0+$/, "");
  return s === "" && trim ? "" : sep + s;
}

// ---------------------------------------------------------------------------------------
// Parsing (format.go parse).

export class TimeParseError extends Error {}

function parseError(
  layout: string,
  value: string,
  layoutElem: string,
  valueElem: string | Uint8Array,
  message: string,
): TimeParseError {
  if (message === "") {
    return new TimeParseError(
      `parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`,
    );
  }
  return new TimeParseError(`parsing time ${timeQuote(value)}${message}`);
}

const BAD = Symbol("bad");
type Bad = typeof BAD;

function cutspace(s: string): string {
  let i = 0;
  while (i < s.length && s[i] === " ") i++;
  return s.slice(i);
}

/**
 * Go's skip: `value` after the literal `prefix`, or, where they part, bad with what is left of
 * `value` there: Go compares bytes, so its error quotes the rest after the bytes that did match
 * ("ab" of "tab" against "true"; the second byte of "è" against "é").
 */
function skip(value: string, prefix: string): { rest: string; bad: boolean; restBytes?: Uint8Array } {
  while (prefix.length > 0) {
    if (prefix[0] === " ") {
      if (value.length > 0 && value[0] !== " ") return { rest: value, bad: true };
      prefix = cutspace(prefix);
      value = cutspace(value);
      continue;
    }
    if (value.length === 0) return { rest: value, bad: true };
    const c = prefix.codePointAt(0)!;
    if (value.codePointAt(0) !== c)
      return { rest: value, bad: true, restBytes: afterSharedBytes(value, prefix) };
    const width = c > 0xffff ? 2 : 1;
    prefix = prefix.slice(width);
    value = value.slice(width);
  }
  return { rest: value, bad: false };
}

/** `value`'s bytes after those its first character shares with `prefix`'s (undefined: none shared). */
function afterSharedBytes(value: string, prefix: string): Uint8Array | undefined {
  const a = utf8Encode(String.fromCodePoint(value.codePointAt(0)!));
  const b = utf8Encode(String.fromCodePoint(prefix.codePointAt(0)!));
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  return k === 0 ? undefined : utf8Encode(value).subarray(k);
}

function getnum(s: string, fixed: boolean): [number, string] | Bad {
  if (!isDigitAt(s, 0)) return BAD;
  if (!isDigitAt(s, 1)) {
    if (fixed) return BAD;
    return [Number(s[0]), s.slice(1)];
  }
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] | Bad {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + Number(s[i]);
  if (i === 0 || (fixed && i !== 3)) return BAD;
  return [n, s.slice(i)];
}

/** time's atoi: optional sign, then digits only. */
function atoi(s: string): number | Bad {
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "" || !/^[0-9]+$/.test(s)) return BAD;
  const n = Number(s);
  return neg ? -n : n;
}

function lookupName(tab: string[], val: string): [number, string] | Bad {
  for (let i = 0; i < tab.length; i++) {
    const v = tab[i]!;
    if (val.length >= v.length && val.slice(0, v.length).toLowerCase() === v.toLowerCase())
      return [i, val.slice(v.length)];
  }
  return BAD;
}

function parseNanoseconds(value: string, nbytes: number): { ns: number; range?: string } | Bad {
  if (value[0] !== "." && value[0] !== ",") return BAD;
  if (nbytes > 10) nbytes = 10;
  const ns = atoi(value.slice(1, nbytes));
  if (ns === BAD) return BAD;
  if (ns < 0) return { ns: 0, range: "fractional second" };
  return { ns: ns * 10 ** (10 - nbytes) };
}

function parseSignedOffset(value: string): number {
  const sign = value[0];
  if (sign !== "-" && sign !== "+") return 0;
  let i = 1;
  let x = 0;
  while (i < value.length && isDigitAt(value, i)) {
    x = x * 10 + Number(value[i]);
    i++;
  }
  if (i === 1 || x > 23) return 0;
  return i;
}

function parseGMT(value: string): number {
  value = value.slice(3);
  if (value.length === 0) return 3;
  return 3 + parseSignedOffset(value);
}

function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith("ChST") || value.startsWith("MeST")) return 4;
  if (value.startsWith("GMT")) return parseGMT(value);
  if (value[0] === "+" || value[0] === "-") return parseSignedOffset(value);
  let nUpper = 0;
  while (nUpper < 6 && nUpper < value.length && value[nUpper]! >= "A" && value[nUpper]! <= "Z") nUpper++;
  switch (nUpper) {
    case 5:
      return value[4] === "T" ? 5 : 0;
    case 4:
      return value[3] === "T" || value.startsWith("WITA") ? 4 : 0;
    case 3:
      return 3;
  }
  return 0;
}

/** time.ParseInLocation(layout, value, loc); throws TimeParseError with Go's message. */
export function parseTime(layout: string, value: string, loc: Location): GoTime {
  const alayout = layout;
  const avalue = value;
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let z: Location | undefined;
  let zoneOffset = -1;
  let zoneName = "";
  for (;;) {
    const ch = nextStdChunk(layout);
    const stdstr = layout.slice(ch.prefix.length, layout.length - ch.suffix.length);
    const skipped = skip(value, ch.prefix);
    if (skipped.bad) throw parseError(alayout, avalue, ch.prefix, skipped.restBytes ?? skipped.rest, "");
    value = skipped.rest;
    if (ch.std === null) {
      if (value.length !== 0)
        throw parseError(alayout, avalue, "", value, `: extra text: ${timeQuote(value)}`);
      break;
    }
    layout = ch.suffix;
    const hold = value;
    let bad = false;
    let range = "";
    const num = (r: [number, string] | Bad): number => {
      if (r === BAD) {
        bad = true;
        return 0;
      }
      value = r[1];
      return r[0];
    };
    switch (ch.std) {
      case "06": {
        if (value.length < 2) {
          bad = true;
          break;
        }
        const y = atoi(value.slice(0, 2));
        value = value.slice(2);
        if (y === BAD) bad = true;
        else year = y >= 69 ? y + 1900 : y + 2000;
        break;
      }
      case "2006": {
        if (value.length < 4 || !isDigitAt(value, 0)) {
          bad = true;
          break;
        }
        const y = atoi(value.slice(0, 4));
        value = value.slice(4);
        if (y === BAD) bad = true;
        else year = y;
        break;
      }
      case "Jan":
      case "January":
        month = num(lookupName(ch.std === "Jan" ? SHORT_MONTHS : LONG_MONTHS, value)) + 1;
        break;
      case "1":
      case "01":
        month = num(getnum(value, ch.std === "01"));
        if (!bad && (month <= 0 || month > 12)) range = "month";
        break;
      case "Mon":
      case "Monday":
        num(lookupName(ch.std === "Mon" ? SHORT_DAYS : LONG_DAYS, value));
        break;
      case "2":
      case "_2":
      case "02":
        if (ch.std === "_2" && value[0] === " ") value = value.slice(1);
        day = num(getnum(value, ch.std === "02"));
        break;
      case "__2":
      case "002":
        for (let i = 0; i < 2; i++) if (ch.std === "__2" && value[0] === " ") value = value.slice(1);
        yday = num(getnum3(value, ch.std === "002"));
        break;
      case "15":
        hour = num(getnum(value, false));
        if (hour < 0 || hour >= 24) range = "hour";
        break;
      case "3":
      case "03":
        hour = num(getnum(value, ch.std === "03"));
        if (hour < 0 || hour > 12) range = "hour";
        break;
      case "4":
      case "04":
        min = num(getnum(value, ch.std === "04"));
        if (min < 0 || min >= 60) range = "minute";
        break;
      case "5":
      case "05": {
        sec = num(getnum(value, ch.std === "05"));
        if (bad) break;
        if (sec < 0 || sec >= 60) {
          range = "second";
          break;
        }
        if (value.length >= 2 && (value[0] === "." || value[0] === ",") && isDigitAt(value, 1)) {
          const next = nextStdChunk(layout).std;
          if (next === "frac0" || next === "frac9") break;
          let n = 2;
          while (n < value.length && isDigitAt(value, n)) n++;
          const r = parseNanoseconds(value, n);
          if (r === BAD) bad = true;
          else {
            nsec = r.ns;
            range = r.range ?? "";
          }
          value = value.slice(n);
        }
        break;
      }
      case "PM":
      case "pm": {
        if (value.length < 2) {
          bad = true;
          break;
        }
        const p = value.slice(0, 2);
        value = value.slice(2);
        const [am, pm] = ch.std === "PM" ? ["AM", "PM"] : ["am", "pm"];
        if (p === pm) pmSet = true;
        else if (p === am) amSet = true;
        else bad = true;
        break;
      }
      case "MST": {
        if (value.startsWith("UTC")) {
          z = UTC;
          value = value.slice(3);
          break;
        }
        const n = parseTimeZone(value);
        if (n === 0) {
          bad = true;
          break;
        }
        zoneName = value.slice(0, n);
        value = value.slice(n);
        break;
      }
      case "frac0": {
        const ndigit = 1 + ch.digits;
        if (value.length < ndigit) {
          bad = true;
          break;
        }
        const r = parseNanoseconds(value, ndigit);
        if (r === BAD) bad = true;
        else {
          nsec = r.ns;
          range = r.range ?? "";
        }
        value = value.slice(ndigit);
        break;
      }
      case "frac9": {
        if (value.length < 2 || (value[0] !== "." && value[0] !== ",") || !isDigitAt(value, 1)) break;
        let i = 0;
        while (i + 1 < value.length && isDigitAt(value, i + 1)) i++;
        const r = parseNanoseconds(value, 1 + i);
        if (r === BAD) bad = true;
        else {
          nsec = r.ns;
          range = r.range ?? "";
        }
        value = value.slice(1 + i);
        break;
      }
      default: {
        // Numeric zones; the ISO forms also accept "Z".
        if (ISO_TZ.has(ch.std) && value[0] === "Z") {
          value = value.slice(1);
          z = UTC;
          break;
        }
        const r = parseOffset(ch.std, value);
        if (r === BAD) {
          bad = true;
          break;
        }
        value = r.rest;
        zoneOffset = r.offset;
        range = r.range;
      }
    }
    if (range !== "") throw parseError(alayout, avalue, stdstr, value, `: ${range} out of range`);
    if (bad) throw parseError(alayout, avalue, stdstr, hold, "");
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365) throw parseError(alayout, avalue, "", value, ": day-of-year out of range");
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1;
      if (daysBefore(m + 1) < yday) m++;
      d = yday - daysBefore(m);
    }
    if (month >= 0 && month !== m)
      throw parseError(alayout, avalue, "", value, ": day-of-year does not match month");
    month = m;
    if (day >= 0 && day !== d)
      throw parseError(alayout, avalue, "", value, ": day-of-year does not match day");
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year))
    throw parseError(alayout, avalue, "", value, ": day out of range");

  if (z) return goDate(year, month, day, hour, min, sec, nsec, z);
  if (zoneOffset !== -1) {
    const t = goDate(year, month, day, hour, min, sec, nsec, UTC);
    const unix = t.unix - zoneOffset;
    const local = loc.lookup(unix);
    if (local.offset === zoneOffset && (zoneName === "" || local.abbr === zoneName))
      return new GoTime(unix, nsec, loc);
    return new GoTime(unix, nsec, fixedZone(zoneName, zoneOffset));
  }
  if (zoneName !== "") {
    const t = goDate(year, month, day, hour, min, sec, nsec, UTC);
    // The local zone's offset when it uses that abbreviation, else an unknown (0) offset.
    const local = loc.lookup(t.unix);
    if (local.abbr === zoneName) return new GoTime(t.unix - local.offset, nsec, loc);
    let offset = 0;
    if (zoneName.length > 3 && zoneName.startsWith("GMT")) offset = Number(zoneName.slice(3)) * 3600;
    return new GoTime(t.unix - 0, nsec, fixedZone(zoneName, offset));
  }
  return goDate(year, month, day, hour, min, sec, nsec, loc);
}

function daysBefore(m: number): number {
  const cum = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
  return cum[m - 1]!;
}

function parseOffset(std: Std, value: string): { offset: number; rest: string; range: string } | Bad {
  let sign: string;
  let hh: string;
  let mm = "00";
  let ss = "00";
  let rest: string;
  if (std === "Z07:00" || std === "-07:00") {
    if (value.length < 6 || value[3] !== ":") return BAD;
    [sign, hh, mm, rest] = [value[0]!, value.slice(1, 3), value.slice(4, 6), value.slice(6)];
  } else if (std === "-07" || std === "Z07") {
    if (value.length < 3) return BAD;
    [sign, hh, rest] = [value[0]!, value.slice(1, 3), value.slice(3)];
  } else if (std === "Z07:00:00" || std === "-07:00:00") {
    if (value.length < 9 || value[3] !== ":" || value[6] !== ":") return BAD;
    [sign, hh, mm, ss, rest] = [
      value[0]!,
      value.slice(1, 3),
      value.slice(4, 6),
      value.slice(7, 9),
      value.slice(9),
    ];
  } else if (std === "Z070000" || std === "-070000") {
    if (value.length < 7) return BAD;
    [sign, hh, mm, ss, rest] = [
      value[0]!,
      value.slice(1, 3),
      value.slice(3, 5),
      value.slice(5, 7),
      value.slice(7),
    ];
  } else {
    if (value.length < 5) return BAD;
    [sign, hh, mm, rest] = [value[0]!, value.slice(1, 3), value.slice(3, 5), value.slice(5)];
  }
  const h = getnum(hh, true);
  const m = h === BAD ? BAD : getnum(mm, true);
  const s = m === BAD ? BAD : getnum(ss, true);
  if (h === BAD || m === BAD || s === BAD) return BAD;
  let range = "";
  if (h[0] > 24) range = "time zone offset hour";
  if (m[0] > 60) range = "time zone offset minute";
  if (s[0] > 60) range = "time zone offset second";
  let offset = (h[0] * 60 + m[0]) * 60 + s[0];
  if (sign === "-") offset = -offset;
  else if (sign !== "+") return BAD;
  return { offset, rest, range };
}
