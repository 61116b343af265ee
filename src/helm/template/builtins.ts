/**
 * text/template's predefined functions (text/template/funcs.go, Go 1.25): comparisons with
 * Go's basic-kind rules (`eq 1 1.0` is an error, `eq` takes several operands, nil compares
 * with nil), `index`, `slice`, `len` on Go values (strings by byte), `not`, the escapers
 * `html`/`js`/`urlquery`, and `print`/`printf`/`println`. `and`, `or` and `call` are
 * evaluated by exec.ts (short-circuit; callee name), so their entries here only declare
 * the signature the parser and the argument checker see.
 *
 * Parameters typed `reflect.Value` receive operands as they are: `undefined` for an
 * invalid value, `null` for a nil interface (Go passes both through unconverted).
 * A function in the set's own map with the same name wins (Helm's sprig `slice`).
 */

import { compareGoStrings } from "../../go/compare.js";
import type { GoFunc } from "../funcs/types.js";
import { GoFuncError } from "../funcs/types.js";
import { sprint, sprintf, sprintln } from "./fmt.js";
import { byteSlice, decodeRune, isAscii, utf8Encode, utf8Length } from "./gostring.js";
import { isPrint } from "./quote.js";
import {
  elemTypeOf,
  GoInt,
  GoMap,
  type GoValue,
  goInt,
  goTypeName,
  isGoObject,
  isTrue,
  sliceOf,
  zeroValue,
} from "./value.js";

const RV = "reflect.Value";
const ANY = "interface {}";

/** Go's ValueError text for calling a method on an invalid reflect.Value. */
const ZERO_VALUE_TYPE = "reflect: call of reflect.Value.Type on zero Value";

/** indirectInterface: a nil interface becomes invalid. */
function unboxed(v: GoValue): GoValue {
  return v === null ? undefined : v;
}

/** The underlying value of a named non-struct GoObject (Helm's files map), else the value. */
export function underlying(v: GoValue): GoValue {
  if (isGoObject(v) && v.fmtValue) return v.fmtValue();
  return v;
}

type Kind = "invalid" | "bool" | "int" | "uint" | "float" | "string" | "complex";

function basicKind(v: GoValue): Kind {
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "string":
      return "string";
    case "number":
      return "float";
  }
  if (v instanceof GoInt) return v.isSigned() ? "int" : "uint";
  if (isGoObject(v) && v.goKind === "complex128") return "complex";
  return "invalid";
}

/** reflect.Kind of a value, for `canCompare`. */
function reflectKind(v: GoValue): string {
  if (v === undefined) return "invalid";
  if (v === null) return "interface";
  if (v instanceof GoMap) return "map";
  if (Array.isArray(v) || v instanceof Uint8Array) return "slice";
  if (isGoObject(v)) return v.goKind;
  return basicKind(v);
}

function typeName(v: GoValue): string {
  return v === null ? ANY : goTypeName(v);
}

function comparable(v: GoValue): boolean {
  const k = reflectKind(v);
  return k !== "map" && k !== "slice" && k !== "func";
}

function isNil(v: GoValue): boolean {
  return v === undefined || v === null;
}

function intValue(v: GoValue): bigint {
  return (v as GoInt).value;
}

function eqValues(arg1: GoValue, arg2: GoValue[]): boolean {
  arg1 = unboxed(arg1);
  if (arg2.length === 0) throw new GoFuncError("missing argument for comparison");
  const k1 = basicKind(arg1);
  for (let arg of arg2) {
    arg = unboxed(arg);
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      // Integers compare across signedness.
      if (k1 === "int" && k2 === "uint") truth = intValue(arg1) >= 0n && intValue(arg1) === intValue(arg);
      else if (k1 === "uint" && k2 === "int") truth = intValue(arg) >= 0n && intValue(arg1) === intValue(arg);
      else if (arg1 !== undefined && arg !== undefined)
        throw new GoFuncError(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg)}`);
    } else {
      switch (k1) {
        case "bool":
        case "float":
        case "string":
          truth = arg1 === arg;
          break;
        case "int":
        case "uint":
          truth = intValue(arg1) === intValue(arg);
          break;
        default: {
          const c1 = reflectKind(arg1);
          const c2 = reflectKind(arg);
          if (c1 !== c2 && c1 !== "invalid" && c2 !== "invalid") {
            throw new GoFuncError(
              `non-comparable types ${sprintf("%s", [arg1])}: ${typeName(arg1)}, ${typeName(arg)}: ${sprintf("%v", [arg])}`,
            );
          }
          if (isNil(arg1) || isNil(arg)) truth = isNil(arg) === isNil(arg1);
          else {
            if (!comparable(arg))
              throw new GoFuncError(`non-comparable type ${sprintf("%s", [arg])}: ${typeName(arg)}`);
            truth = arg1 === arg;
          }
        }
      }
    }
    if (truth) return true;
  }
  return false;
}

function ltValues(arg1: GoValue, arg2: GoValue): boolean {
  arg1 = unboxed(arg1);
  const k1 = basicKind(arg1);
  if (k1 === "invalid") throw new GoFuncError("invalid type for comparison");
  arg2 = unboxed(arg2);
  const k2 = basicKind(arg2);
  if (k2 === "invalid") throw new GoFuncError("invalid type for comparison");
  if (k1 !== k2) {
    if (k1 === "int" && k2 === "uint") return intValue(arg1) < 0n || intValue(arg1) < intValue(arg2);
    if (k1 === "uint" && k2 === "int") return intValue(arg2) >= 0n && intValue(arg1) < intValue(arg2);
    throw new GoFuncError(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg2)}`);
  }
  switch (k1) {
    case "bool":
    case "complex":
      throw new GoFuncError("invalid type for comparison");
    case "float":
      return (arg1 as number) < (arg2 as number);
    case "string":
      return compareGoStrings(arg1 as string, arg2 as string) < 0;
    default:
      return intValue(arg1) < intValue(arg2);
  }
}

function leValues(a: GoValue, b: GoValue): boolean {
  return ltValues(a, b) || eqValues(a, [b]);
}

/** indexArg: an integer index within [0, cap]. */
function indexArg(index: GoValue, cap: number): number {
  let x: bigint;
  if (index instanceof GoInt) x = index.value;
  else if (index === undefined) throw new GoFuncError("cannot index slice/array with nil");
  else throw new GoFuncError(`cannot index slice/array with type ${goTypeName(index)}`);
  if (x < 0n || x > BigInt(cap)) throw new GoFuncError(`index out of range: ${x}`);
  return Number(x);
}

const elemTypes = new Map<string, string>();

/** The element type of a map as Go sees it ("interface {}" for plain and named value maps). */
export function mapElemType(m: GoMap): string {
  const t = m.goType;
  let e = elemTypes.get(t);
  if (e === undefined) {
    e = parseMapElemType(t);
    elemTypes.set(t, e);
  }
  return e;
}

function parseMapElemType(t: string): string {
  if (!t.startsWith("map[")) return ANY;
  let depth = 0;
  for (let i = 3; i < t.length; i++) {
    if (t[i] === "[") depth++;
    else if (t[i] === "]" && --depth === 0) return t.slice(i + 1);
  }
  return ANY;
}

function index(item: GoValue, ...indexes: GoValue[]): GoValue {
  item = underlying(unboxed(item));
  if (item === undefined) throw new GoFuncError("index of untyped nil");
  for (let idx of indexes) {
    idx = unboxed(idx);
    if (item === null || item === undefined) throw new GoFuncError("index of nil pointer");
    if (typeof item === "string") {
      const len = utf8Length(item);
      const x = indexArg(idx, len);
      if (x === len) throw new GoFuncError("reflect: string index out of range");
      item = new GoInt("uint8", isAscii(item) ? item.charCodeAt(x) : utf8Encode(item)[x]!);
    } else if (Array.isArray(item) || item instanceof Uint8Array) {
      const x = indexArg(idx, item.length);
      if (x === item.length) throw new GoFuncError("reflect: slice index out of range");
      item = item instanceof Uint8Array ? new GoInt("uint8", item[x]!) : item[x]!;
    } else if (item instanceof GoMap) {
      if (idx === undefined) throw new GoFuncError("value is nil; should be of type string");
      if (typeof idx !== "string")
        throw new GoFuncError(`value has type ${goTypeName(idx)}; should be string`);
      const v = item.get(idx);
      item = v === undefined ? zeroValue(mapElemType(item)) : v;
    } else {
      throw new GoFuncError(`can't index item of type ${goTypeName(item)}`);
    }
    item = underlying(item);
  }
  return item;
}

function slice(item: GoValue, ...indexes: GoValue[]): GoValue {
  item = underlying(unboxed(item));
  if (item === undefined) throw new GoFuncError("slice of untyped nil");
  if (indexes.length > 3) throw new GoFuncError(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof item === "string") {
    if (indexes.length === 3) throw new GoFuncError("cannot 3-index slice a string");
    len = utf8Length(item);
  } else if (Array.isArray(item) || item instanceof Uint8Array) len = item.length;
  else throw new GoFuncError(`can't slice item of type ${goTypeName(item as GoValue)}`);
  const idx = [0, len, 0];
  indexes.forEach((v, i) => {
    idx[i] = indexArg(unboxed(v), len);
  });
  if (idx[0]! > idx[1]!) throw new GoFuncError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!)
    throw new GoFuncError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (typeof item === "string") return byteSlice(item, idx[0]!, idx[1]!);
  if (item instanceof Uint8Array) return item.slice(idx[0], idx[1]);
  const out = item.slice(idx[0], idx[1]);
  const elem = elemTypeOf(item);
  return elem === ANY ? out : sliceOf(out, elem);
}

function length(item: GoValue): GoValue {
  if (item === null) throw new GoFuncError("len of nil pointer");
  item = underlying(item);
  if (typeof item === "string") return goInt(utf8Length(item));
  if (Array.isArray(item) || item instanceof Uint8Array) return goInt(item.length);
  if (item instanceof GoMap) return goInt(item.size);
  if (item === undefined) throw new GoFuncError(ZERO_VALUE_TYPE);
  throw new GoFuncError(`len of type ${goTypeName(item)}`);
}

// ---- escapers ----

/** evalArgs: one string as is, else fmt.Sprint with nils shown as "<no value>". */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args.map((a) => (a === null || a === undefined ? "<no value>" : a)));
}

const HTML_ESCAPES: Record<string, string> = {
  "\0": "\ufffd",
  '"': "&#34;",
  "'": "&#39;",
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
};

export function htmlEscapeString(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => HTML_ESCAPES[c]!);
}

const JS_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  '"': '\\"',
  "<": "\\u003C",
  ">": "\\u003E",
  "&": "\\u0026",
  "=": "\\u003D",
};

const UTF8 = new TextDecoder();

export function jsEscapeString(s: string): string {
  if (!/[\\'"<>&=\x00-\x1f\u0080-\uffff]/.test(s)) return s;
  const b = utf8Encode(s);
  let out = "";
  let last = 0;
  const flush = (to: number) => {
    if (to > last) out += UTF8.decode(b.subarray(last, to));
  };
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 0x80) {
      const ch = String.fromCharCode(c);
      const esc =
        JS_ESCAPES[ch] ?? (c < 0x20 ? `\\u00${c.toString(16).toUpperCase().padStart(2, "0")}` : undefined);
      if (esc === undefined) continue;
      flush(i);
      out += esc;
      last = i + 1;
      continue;
    }
    const [r, size] = decodeRune(b, i);
    if (r >= 0 && !isPrint(r)) {
      flush(i);
      out += `\\u${r.toString(16).toUpperCase().padStart(4, "0")}`;
      last = i + size;
    } else if (r < 0) {
      // An invalid byte is copied through; keep it as the escaped byte of our string model.
      flush(i);
      out += String.fromCharCode(0xdc00 + c);
      last = i + 1;
    }
    i += size - 1;
  }
  flush(b.length);
  return out;
}

/** url.QueryEscape */
export function urlQueryEscape(s: string): string {
  const b = utf8Encode(s);
  let out = "";
  for (const c of b) {
    if (
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      "-_.~".includes(String.fromCharCode(c))
    )
      out += String.fromCharCode(c);
    else if (c === 0x20) out += "+";
    else out += `%${c.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function unreachable(name: string): () => GoValue {
  return () => {
    throw new Error(`internal error: builtin ${name} is evaluated by exec`);
  };
}

/**
 * A builtin in goFunc's shape (../funcs/define.ts), property for property: exec reads `params`
 * and `variadic` of every function it calls, and with one shape for builtins and the rest those
 * reads stay monomorphic instead of going through V8's megamorphic lookups.
 */
function builtin(params: string[], variadic: boolean, result: string, fn: GoFunc["fn"]): GoFunc {
  return { params, variadic, result, hermetic: true, fn };
}

export const BUILTINS: ReadonlyMap<string, GoFunc> = new Map<string, GoFunc>([
  ["and", builtin([RV, RV], true, RV, unreachable("and"))],
  ["or", builtin([RV, RV], true, RV, unreachable("or"))],
  ["call", builtin([RV, RV], true, RV, unreachable("call"))],
  ["not", builtin([RV], false, "bool", (a) => !isTrue(unboxed(a)))],
  ["html", builtin([ANY], true, "string", (...a) => htmlEscapeString(evalArgs(a)))],
  ["js", builtin([ANY], true, "string", (...a) => jsEscapeString(evalArgs(a)))],
  ["urlquery", builtin([ANY], true, "string", (...a) => urlQueryEscape(evalArgs(a)))],
  ["index", builtin([RV, RV], true, RV, index)],
  ["slice", builtin([RV, RV], true, RV, slice)],
  ["len", builtin([RV], false, "int", length)],
  ["print", builtin([ANY], true, "string", (...a) => sprint(a))],
  ["printf", builtin(["string", ANY], true, "string", (f, ...a) => sprintf(f as string, a))],
  ["println", builtin([ANY], true, "string", (...a) => sprintln(a))],
  ["eq", builtin([RV, RV], true, "bool", (a, ...b) => eqValues(a, b))],
  ["ne", builtin([RV, RV], false, "bool", (a, b) => !eqValues(a, [b]))],
  ["lt", builtin([RV, RV], false, "bool", (a, b) => ltValues(a, b))],
  ["le", builtin([RV, RV], false, "bool", (a, b) => leValues(a, b))],
  ["gt", builtin([RV, RV], false, "bool", (a, b) => !leValues(a, b))],
  ["ge", builtin([RV, RV], false, "bool", (a, b) => !ltValues(a, b))],
]);
