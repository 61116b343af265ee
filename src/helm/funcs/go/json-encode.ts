/**
 * Go's encoding/json Marshal (Go 1.25) over the template value model: map keys sorted by
 * bytes, []byte as base64, floats in ES6 number style ('e' below 1e-6 and from 1e21 on),
 * strings with invalid UTF-8 replaced by U+FFFD and, unless disabled, HTML escaping of
 * <, > and &; U+2028/2029 are always escaped. NaN/±Inf and reference cycles are Go's errors.
 */
import { formatFloat } from "../../template/ftoa.js";
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

/** Go's appendString: a JSON string literal. */
export function jsonString(s: string, escapeHTML = true): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xdc80 && c <= 0xdcff) {
      out += "\\ufffd"; // an invalid UTF-8 byte
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += "\\\\";
        continue;
      case 0x08:
        out += "\\b";
        continue;
      case 0x0c:
        out += "\\f";
        continue;
      case 0x0a:
        out += "\\n";
        continue;
      case 0x0d:
        out += "\\r";
        continue;
      case 0x09:
        out += "\\t";
        continue;
      case 0x2028:
        out += "\\u2028";
        continue;
      case 0x2029:
        out += "\\u2029";
        continue;
    }
    if (c < 0x20 || (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) {
      out += `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      continue;
    }
    out += ch;
  }
  return `${out}"`;
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

  const enc = (x: GoValue, depth: number): string => {
    if (x === null || x === undefined) return "null";
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
