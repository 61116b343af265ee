/**
 * Tokens that fit on one line: quoted scalars, plain scalars and flow collections of scalars.
 * Each reads `text` from `at` up to `end` (the end of the line, line break excluded) and bails
 * on anything that would need a second line or could be an error.
 */
import { bail, type FastMap, type FastNode, type FastScalar, type FastSeq, isBail } from "./nodes.js";

export interface Token<T> {
  node: T;
  /** offset just after the token */
  next: number;
}

export const SIMPLE_ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\x85",
  _: "\xa0",
  L: "\u2028",
  P: "\u2029",
};
export const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };
const HEX = /^[0-9a-fA-F]+$/;

/** One line's share of a quoted scalar. */
export interface QuotedPart {
  /** the text, escapes applied; for an open part, trailing spaces removed */
  text: string;
  /** the closing quote was found on this line */
  closed: boolean;
  /** offset after the closing quote (closed), or the end of the line */
  next: number;
  /** an open double-quoted part that ends with `\` (an escaped line break) */
  escapedBreak: boolean;
  /** a tab occurs in the line's part */
  tab: boolean;
}

/**
 * A quoted scalar's text from `from` (after the opening quote, or where a continuation line's
 * text starts) to its closing quote or the end of the line.
 */
export function quotedPart(text: string, from: number, end: number, double: boolean): QuotedPart {
  let out = "";
  let tab = false;
  let start = from;
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x09) tab = true;
    if (double) {
      if (c === 0x22)
        return { text: out + text.slice(start, i), closed: true, next: i + 1, escapedBreak: false, tab };
      if (c !== 0x5c) continue;
      out += text.slice(start, i);
      if (i + 1 === end) return { text: out, closed: false, next: end, escapedBreak: true, tab };
      const e = text[i + 1] as string;
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        // An escaped space or tab right before the line break would take part in folding.
        if ((e === " " || e === "\t") && isBlankTail(text, i + 2, end)) bail();
        out += simple;
        i++;
      } else {
        const n = HEX_LENGTH[e];
        const hex = n === undefined ? "" : text.slice(i + 2, i + 2 + n);
        if (n === undefined || hex.length !== n || !HEX.test(hex)) bail();
        const cp = Number.parseInt(hex, 16);
        // go-yaml refuses surrogates; anything beyond Unicode is an error too.
        if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) bail();
        out += String.fromCodePoint(cp);
        i += 1 + n;
      }
      start = i + 1;
    } else if (c === 0x27) {
      out += text.slice(start, i);
      if (text.charCodeAt(i + 1) === 0x27) {
        out += "'";
        start = i + 2;
        i++;
        continue;
      }
      return { text: out, closed: true, next: i + 1, escapedBreak: false, tab };
    }
  }
  let last = end;
  while (last > start && text.charCodeAt(last - 1) === 0x20) last--;
  return { text: out + text.slice(start, last), closed: false, next: end, escapedBreak: false, tab };
}

/**
 * A whole multi-line quoted scalar's value as go-yaml reads it, from its source (opening to
 * closing quote): the fast scanner's folding (scan.ts quotedScalar) over lines of any
 * indentation, leading tabs skipped as go-yaml skips them. The full path uses it where the
 * `yaml` package folds differently (an escaped line break followed by an empty line: go-yaml
 * keeps the line feed, `yaml` gives a space). Undefined where a line ends in a tab before its
 * break (is it content or folded away? an escape decides) or an escape is unusual: the `yaml`
 * package's reading stands there.
 */
export function foldedQuoted(src: string): string | undefined {
  const double = src.charCodeAt(0) === 0x22;
  const lines = src.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  try {
    let part: QuotedPart | undefined;
    let value = "";
    let empties = 0;
    for (const [i, line] of lines.entries()) {
      if (part?.closed) return undefined;
      let from = i === 0 ? 1 : 0;
      while (i > 0 && (line.charCodeAt(from) === 0x20 || line.charCodeAt(from) === 0x09)) from++;
      if (i > 0 && from === line.length) {
        empties++;
        continue;
      }
      const escaped = part?.escapedBreak === true;
      part = quotedPart(line, from, line.length, double);
      if (!part.closed && TAB_AT_BREAK.test(line)) return undefined;
      if (i > 0) value += escaped || empties > 0 ? "\n".repeat(empties) : " ";
      value += part.text;
      empties = 0;
    }
    return part?.closed ? value : undefined;
  } catch (err) {
    if (isBail(err)) return undefined;
    throw err;
  }
}

const TAB_AT_BREAK = /\t[ \t]*$/;

/** Only spaces and tabs from `at` to `end`. */
function isBlankTail(text: string, at: number, end: number): boolean {
  for (let i = at; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

/** A single- or double-quoted scalar that closes on its line. */
export function quoted(text: string, at: number, end: number, line: number): Token<FastScalar> {
  const double = text.charCodeAt(at) === 0x22;
  const part = quotedPart(text, at + 1, end, double);
  if (!part.closed) bail();
  return {
    node: { kind: "scalar", style: double ? "double" : "single", text: part.text, line },
    next: part.next,
  };
}

/** A table of ASCII characters (indexed by code) for tests on every scalar or character, where a Set's lookup costs. */
function asciiTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return table;
}

// Characters that cannot start a plain scalar (YAML 1.2 c-indicator, less `-?:` which may).
const NOT_PLAIN_START = asciiTable("#,[]{}&*!|>'\"%@`");

export function isPlainStart(text: string, at: number, end: number): boolean {
  const c = text.charCodeAt(at);
  if (c < 128 && NOT_PLAIN_START[c] === 1) return false;
  if (c === 0x2d || c === 0x3f || c === 0x3a) {
    const n = text.charCodeAt(at + 1);
    return at + 1 < end && n !== 0x20;
  }
  return true;
}

export interface PlainRun {
  /** the scalar's text, trailing spaces removed */
  text: string;
  /** offset of the `:` that makes it a key, or -1 */
  colon: number;
  /** offset where the line's rest starts (a comment, or `end`) when it is no key */
  rest: number;
}

// plainRun's answer: one object for every call (callers read it before the next), as the
// reader runs it on nearly every line.
const RUN: PlainRun = { text: "", colon: -1, rest: 0 };

function run(text: string, colon: number, rest: number): PlainRun {
  RUN.text = text;
  RUN.colon = colon;
  RUN.rest = rest;
  return RUN;
}

/**
 * A plain scalar in block context, up to `: `, ` #` or the end of the line. The answer is
 * overwritten by the next call.
 */
export function plainRun(text: string, at: number, end: number): Readonly<PlainRun> {
  let last = at; // one past the last non-space character
  for (let i = at; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a /* : */) {
      if (i + 1 === end || text.charCodeAt(i + 1) === 0x20) return run(text.slice(at, last), i, i);
    } else if (c === 0x20) {
      if (text.charCodeAt(i + 1) === 0x23 /* # */) return run(text.slice(at, last), -1, i);
      continue;
    } else if (c === 0x09) {
      bail();
    }
    last = i + 1;
  }
  return run(text.slice(at, last), -1, end);
}

// Ends a plain scalar inside a flow collection.
const FLOW_STOP = asciiTable("[]{},:#\t");

function isFlowStop(c: number): boolean {
  return c < 128 && FLOW_STOP[c] === 1;
}

function flowScalar(text: string, at: number, end: number, line: number): Token<FastScalar> {
  const c = text.charCodeAt(at);
  if (c === 0x22 || c === 0x27) return quoted(text, at, end, line);
  if (!isPlainStart(text, at, end)) bail();
  // `-x` is plain; `-` before a flow indicator is left to the full path. In a flow collection
  // go-yaml's scanner takes `?` and `:` for indicators whatever follows (`{A: ?x}` fails there):
  // the full path says so.
  if (c === 0x3f || c === 0x3a) bail();
  if (c === 0x2d && isFlowStop(text.charCodeAt(at + 1))) bail();
  let last = at;
  let i = at;
  for (; i < end; i++) {
    const d = text.charCodeAt(i);
    if (isFlowStop(d)) break;
    // go-yaml ends a flow plain scalar at `?` too, and takes it for a key indicator (`{a: b?c}`
    // fails in kubectl): the full path says so.
    if (d === 0x3f) bail();
    if (d !== 0x20) last = i + 1;
  }
  if (last === at) bail();
  return { node: { kind: "scalar", style: "plain", text: text.slice(at, last), line }, next: i };
}

/** An item or value inside a flow collection: a scalar or a nested collection. */
function flowItem(text: string, at: number, end: number, line: number, depth: number): Token<FastNode> {
  const c = text.charCodeAt(at);
  if (c === 0x5b || c === 0x7b) return flowCollection(text, at, end, line, depth + 1);
  return flowScalar(text, at, end, line);
}

function skipSpaces(text: string, at: number, end: number): number {
  while (at < end && text.charCodeAt(at) === 0x20) at++;
  return at;
}

// Real files nest flow collections a level or two (`capabilities: {drop: ["ALL"]}`); deeper
// nesting is left to the full path rather than risk the stack.
const MAX_FLOW_DEPTH = 32;

/**
 * `[a, "b"]` or `{a: b, c: 'd'}` on one line, with scalars and nested collections as items and
 * values (keys are scalars), no empty entries and no trailing comma; `[]` and `{}`.
 */
export function flowCollection(
  text: string,
  at: number,
  end: number,
  line: number,
  depth = 0,
): Token<FastNode> {
  if (depth > MAX_FLOW_DEPTH) bail();
  const isMap = text.charCodeAt(at) === 0x7b;
  const close = isMap ? 0x7d : 0x5d;
  const items: FastNode[] = [];
  const pairs: FastMap["pairs"] = [];
  let i = skipSpaces(text, at + 1, end);
  if (text.charCodeAt(i) !== close) {
    for (;;) {
      if (isMap) {
        const key = flowScalar(text, i, end, line);
        i = key.next;
        if (text.charCodeAt(i) !== 0x3a || text.charCodeAt(i + 1) !== 0x20) bail();
        const value = flowItem(text, skipSpaces(text, i + 1, end), end, line, depth);
        pairs.push({ key: key.node, value: value.node });
        i = value.next;
      } else {
        const item = flowItem(text, i, end, line, depth);
        items.push(item.node);
        i = item.next;
      }
      i = skipSpaces(text, i, end);
      const c = text.charCodeAt(i);
      if (c === close) break;
      if (c !== 0x2c) bail();
      i = skipSpaces(text, i + 1, end);
      if (i >= end || text.charCodeAt(i) === close) bail();
    }
  }
  const node: FastMap | FastSeq = isMap
    ? { kind: "map", pairs, line, flow: true }
    : { kind: "seq", items, line, flow: true };
  return { node, next: i + 1 };
}
