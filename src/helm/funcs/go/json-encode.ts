/**
 * Go's encoding/json Marshal (Go 1.25) over the template value model: map keys sorted by
 * bytes, []byte as base64, floats in ES6 number style ('e' below 1e-6 and from 1e21 on),
 * strings with invalid UTF-8 replaced by U+FFFD and, unless disabled, HTML escaping of
 * <, > and &; U+2028/2029 are always escaped. NaN/±Inf and reference cycles are Go's errors.
 */

import { ExpansionBudget } from "../../template/expansion-budget.js";
import { formatFloat } from "../../template/ftoa.js";
import { valueDepthLimit, valueTooDeep } from "../../template/stack-budget.js";
import { GoInt, GoMap, type GoObject, type GoValue, isGoObject } from "../../template/value.js";

export class JsonError extends Error {}

/** Objects that marshal themselves (Go's json.Marshaler): compact JSON text. */
export interface JsonMarshaler {
  marshalJSON(): string;
}

const hasMarshalJSON = (v: GoObject): v is GoObject & JsonMarshaler =>
  typeof (v as Partial<JsonMarshaler>).marshalJSON === "function";

/** What a MarshalJSON method returns as its error (e.g. Time.MarshalJSON's range checks). */
export class MarshalJSONError extends Error {}

/** Calls MarshalJSON; its error becomes encoding/json's MarshalerError text. */
export function callMarshalJSON(v: GoObject & JsonMarshaler): string {
  try {
    return v.marshalJSON();
  } catch (e) {
    if (e instanceof MarshalJSONError) {
      throw new JsonError(`json: error calling MarshalJSON for type ${v.goType}: ${e.message}`);
    }
    throw e;
  }
}

export interface EncodeOptions {
  escapeHTML?: boolean;
  /** MarshalIndent(v, "", indent). */
  indent?: string;
}

const HEX = "0123456789abcdef";

/** What appendString writes for each ASCII code unit it changes (undefined: kept as is). */
function asciiEscapes(escapeHTML: boolean): Array<string | undefined> {
  const u00 = (c: number) => `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
  const table = new Array<string | undefined>(0x80).fill(undefined);
  for (let c = 0; c < 0x20; c++) table[c] = u00(c);
  table[0x08] = "\\b";
  table[0x09] = "\\t";
  table[0x0a] = "\\n";
  table[0x0c] = "\\f";
  table[0x0d] = "\\r";
  table[0x22] = '\\"';
  table[0x5c] = "\\\\";
  if (escapeHTML) for (const c of [0x3c, 0x3e, 0x26]) table[c] = u00(c);
  return table;
}
const ESCAPES_HTML = asciiEscapes(true);
const ESCAPES_RAW = asciiEscapes(false);

/**
 * Whether a string holds anything appendString changes: most don't, and are quoted as they are.
 * One character class, no quantifier: a linear scan. It matches every low surrogate of
 * U+DC80–DCFF, paired or not; jsonString's loop tells which are invalid-byte stand-ins.
 */
const NEEDS_ESCAPE_HTML = /[\u0000-\u001f"\\<>&\u2028\u2029\udc80-\udcff]/;
const NEEDS_ESCAPE_RAW = /[\u0000-\u001f"\\\u2028\u2029\udc80-\udcff]/;

/**
 * Go's appendString: a JSON string literal. Control characters, " and \ are escaped, and
 * (unless escapeHTML is false) <, > and &; U+2028/2029 always. A lone low surrogate of
 * U+DC80–DCFF stands for an invalid UTF-8 byte and becomes \ufffd; other lone surrogates are
 * kept. Most strings need none of this and are quoted as they are; the others are copied in
 * runs (slice) between the characters replaced.
 */
export function jsonString(s: string, escapeHTML = true): string {
  if (!(escapeHTML ? NEEDS_ESCAPE_HTML : NEEDS_ESCAPE_RAW).test(s)) return `"${s}"`;
  const escapes = escapeHTML ? ESCAPES_HTML : ESCAPES_RAW;
  let out = '"';
  let run = 0; // start of the run not yet copied
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x80) rep = escapes[c];
    else if (c === 0x2028) rep = "\\u2028";
    else if (c === 0x2029) rep = "\\u2029";
    else if (c >= 0xdc80 && c <= 0xdcff) {
      const prev = i > 0 ? s.charCodeAt(i - 1) : 0;
      if (prev < 0xd800 || prev > 0xdbff) rep = "\\ufffd"; // not the low half of a pair
    }
    if (rep === undefined) continue;
    out += s.slice(run, i) + rep;
    run = i + 1;
  }
  return `${out}${s.slice(run)}"`;
}

/** Go's float encoder: like fmt %g but with ES6 cut-offs and unpadded exponents. */
export function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) {
    throw new JsonError(`json: unsupported value: ${Number.isNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf"}`);
  }
  const abs = Math.abs(f);
  const useE = abs !== 0 && (abs < 1e-6 || abs >= 1e21);
  let s = formatFloat(f, useE ? "e" : "f", -1);
  if (useE) s = s.replace(/e([+-])0(\d)$/, "e$1$2");
  return s;
}

/** The Go type name used in Go's cycle error. */
function typeName(v: GoValue): string {
  if (v instanceof GoMap) return v.goType;
  return "[]interface {}";
}

export function marshalJson(v: GoValue, opts: EncodeOptions = {}): string {
  const escapeHTML = opts.escapeHTML ?? true;
  const indent = opts.indent;
  const path = new Set<object>();
  const maxDepth = valueDepthLimit();
  const expansion = new ExpansionBudget(indent === undefined ? "toJson" : "toPrettyJson");

  const enc = (x: GoValue, depth: number): string => {
    if (x === null || x === undefined) return "null";
    if (depth > maxDepth) throw valueTooDeep();
    switch (typeof x) {
      case "boolean":
        return x ? "true" : "false";
      case "string":
        return jsonString(x, escapeHTML);
      case "number":
        return jsonFloat(x);
    }
    if (x instanceof GoInt) return x.value.toString();
    if (x instanceof Uint8Array) return `"${Buffer.from(x).toString("base64")}"`;
    if (isGoObject(x)) {
      if (hasMarshalJSON(x)) return reindent(callMarshalJSON(x), depth);
      if (x.fmtValue) return enc(x.fmtValue(), depth);
      if (x.jsonFields) return object(x.jsonFields(), depth);
      const names = (x.fieldNames?.() ?? []).filter((n) => /^\p{Lu}/u.test(n)); // exported only
      const m = new GoMap();
      for (const n of names) m.set(n, x.field(n) as GoValue);
      return object(
        names.map((n) => [n, m.get(n)!]),
        depth,
      );
    }
    if (path.has(x)) throw new JsonError(`json: unsupported value: encountered a cycle via ${typeName(x)}`);
    expansion.charge();
    path.add(x);
    try {
      if (x instanceof GoMap)
        return object(
          x.sortedKeys().map((k) => [k, x.get(k)!]),
          depth,
        );
      return array(x, depth);
    } finally {
      path.delete(x);
    }
  };

  const nl = (depth: number) => (indent === undefined ? "" : `\n${indent.repeat(depth)}`);
  const colon = indent === undefined ? ":" : ": ";

  const object = (entries: Array<[string, GoValue]>, depth: number): string => {
    if (entries.length === 0) return "{}";
    const parts = entries.map(
      ([k, val]) => `${nl(depth + 1)}${jsonString(k, escapeHTML)}${colon}${enc(val, depth + 1)}`,
    );
    return `{${parts.join(",")}${nl(depth)}}`;
  };

  const array = (items: GoValue[], depth: number): string => {
    if (items.length === 0) return "[]";
    const parts = items.map((item) => `${nl(depth + 1)}${enc(item, depth + 1)}`);
    return `[${parts.join(",")}${nl(depth)}]`;
  };

  // A Marshaler's compact output is re-indented by MarshalIndent (json.Indent).
  const reindent = (text: string, depth: number): string => {
    if (indent === undefined || !/[[{]/.test(text)) return text;
    return indentJson(text, indent, depth);
  };

  return enc(v, 0);
}

/** json.Indent of compact JSON text, starting at `depth`. */
function indentJson(text: string, indent: string, depth: number): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    switch (c) {
      case '"':
        inString = true;
        out += c;
        break;
      case "{":
      case "[": {
        const close = c === "{" ? "}" : "]";
        if (text[i + 1] === close) {
          out += c + close;
          i++;
        } else {
          depth++;
          out += `${c}\n${indent.repeat(depth)}`;
        }
        break;
      }
      case "}":
      case "]":
        depth--;
        out += `\n${indent.repeat(depth)}${c}`;
        break;
      case ",":
        out += `,\n${indent.repeat(depth)}`;
        break;
      case ":":
        out += ": ";
        break;
      default:
        out += c;
    }
  }
  return out;
}
