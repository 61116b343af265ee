import { quote } from "./template/quote.js";

/**
 * Go's time.Parse(time.RFC3339, s) error text (time/format.go), or undefined when s parses:
 * Chart.lock's `generated` is a time.Time, and Helm 4.1.4 prints the parse error of a bad one.
 * The layout is walked element by element as Go does; the first element the value does not
 * match is named ("cannot parse \"x\" as \"2006\""), then out-of-range fields, then extra text.
 */
const LAYOUT = "2006-01-02T15:04:05Z07:00";

type Elem = [
  layout: string,
  read: (v: string) => [number, string] | undefined,
  range?: [string, number, number],
];

const digits =
  (n: number, flexible = false) =>
  (v: string): [number, string] | undefined => {
    const m = (flexible ? /^\d\d?/ : new RegExp(`^\\d{${n}}`)).exec(v);
    return m ? [Number(m[0]), v.slice(m[0].length)] : undefined;
  };
const literal =
  (s: string) =>
  (v: string): [number, string] | undefined =>
    v.startsWith(s) ? [0, v.slice(s.length)] : undefined;

const ELEMS: Elem[] = [
  ["2006", digits(4)],
  ["-", literal("-")],
  ["01", digits(2), ["month", 1, 12]],
  ["-", literal("-")],
  ["02", digits(2), ["day", 0, 31]],
  ["T", literal("T")],
  ["15", digits(2, true), ["hour", 0, 23]],
  [":", literal(":")],
  ["04", digits(2), ["minute", 0, 59]],
  [":", literal(":")],
  // a fraction after the seconds is read with them
  [
    "05",
    (v) => {
      const m = /^(\d{2})(\.\d+)?/.exec(v);
      return m ? [Number(m[1]), v.slice(m[0].length)] : undefined;
    },
    ["second", 0, 59],
  ],
  [
    "Z07:00",
    (v) => (v.startsWith("Z") ? [0, v.slice(1)] : /^[+-]\d\d:\d\d/.test(v) ? [0, v.slice(6)] : undefined),
  ],
];

export function rfc3339Error(s: string): string | undefined {
  let rest = s;
  let outOfRange: string | undefined;
  for (const [layout, read, range] of ELEMS) {
    const got = read(rest);
    if (got === undefined) {
      return `parsing time ${quote(s)} as ${quote(LAYOUT)}: cannot parse ${quote(rest)} as ${quote(layout)}`;
    }
    if (range && outOfRange === undefined && (got[0] < range[1] || got[0] > range[2])) outOfRange = range[0];
    rest = got[1];
  }
  if (outOfRange) return `parsing time ${quote(s)}: ${outOfRange} out of range`;
  if (rest !== "") return `parsing time ${quote(s)}: extra text: ${quote(rest)}`;
  return undefined;
}
