/**
 * sigs.k8s.io/yaml v1.6.0's Marshal as Helm's toYaml uses it: the value goes through
 * encoding/json (so []byte is base64, invalid UTF-8 is U+FFFD, NaN is an error, structs use
 * their JSON form), the JSON is read back by go-yaml v2 (integers stay integers) and printed by
 * go-yaml v2 — the printer Slipway already has (src/yaml/emit.ts), fed JSON-like values.
 */
import type { YamlMap, YamlValue } from "../../../kustomize/types.js";
import { emitYaml } from "../../../yaml/index.js";
import { ExpansionBudget } from "../../template/expansion-budget.js";
import { formatFloat } from "../../template/ftoa.js";
import { valueDepthLimit, valueTooDeep } from "../../template/stack-budget.js";
import { GoInt, GoMap, type GoValue, isGoObject, type MapWatch, watchedMaps } from "../../template/value.js";
import { parseJson } from "./json-decode.js";
import { callMarshalJSON, JsonError, type JsonMarshaler, jsonFloat } from "./json-encode.js";
import {
  notePrinted,
  PRINTABLE_ASCII_LINE,
  READ_BACK_MAX_DEPTH,
  recordingOptions,
} from "./yaml-read-back.js";

const INVALID_UTF8 = /[\udc80-\udcff]/g;
// String.prototype.isWellFormed (Node 20; ES2024, beyond the lib this project compiles against).
const isWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;

/** encoding/json's U+FFFD for each invalid byte (a lone surrogate here); most strings have none. */
function validUtf8(s: string): string {
  if (isWellFormed?.call(s)) return s;
  return s.replace(INVALID_UTF8, "\ufffd");
}

/** Go's rule: a field is exported when its name starts with an upper-case letter. */
const isExported = (name: string): boolean => /^\p{Lu}/u.test(name);

/** valueDepthLimit() of the conversion running now (set at its start, shallow on the stack). */
let maxValueDepth = 0;
/** The maps and lists the conversion running now may still meet (set at its start). */
let expansion = new ExpansionBudget("toYaml");
/**
 * Whether what the conversion running now has made so far lies in the domain whose print reads
 * back exactly (yaml-read-back.ts: maps, lists, null, booleans, integers in int64, printable
 * ASCII lines but the key `<<`, nesting to READ_BACK_MAX_DEPTH), decided as it converts instead
 * of in a walk of its own over the result. Set true at the conversion's start.
 */
let exact = true;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A key of the result: it reads back exactly when a printable ASCII line other than `<<`. */
function noteKey(k: string): string {
  if (exact && (k === "<<" || !PRINTABLE_ASCII_LINE.test(k))) exact = false;
  return k;
}

function toJsonLike(v: GoValue, path: Set<object>, depth: number): YamlValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "boolean":
      return v;
    case "string": {
      const s = validUtf8(v);
      if (exact && !PRINTABLE_ASCII_LINE.test(s)) exact = false;
      return s;
    }
    case "number":
      // jsonFloat throws Go's error for NaN/±Inf; a finite number needs no formatting here.
      if (!Number.isFinite(v)) jsonFloat(v);
      if (exact && (!Number.isSafeInteger(v) || Object.is(v, -0))) exact = false;
      return v;
  }
  if (v instanceof GoInt) {
    if (exact && (v.value < INT64_MIN || v.value > INT64_MAX)) exact = false;
    return v.value;
  }
  // Base64: printable ASCII on one line.
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  // The emitter recurses as deep again: the limit covers both.
  if (depth > maxValueDepth) throw valueTooDeep();
  // A wrapper (fmtValue, marshalJSON) counts as a level here, which errs on the safe side.
  if (depth > READ_BACK_MAX_DEPTH) exact = false;
  if (isGoObject(v)) {
    const m = v as typeof v & Partial<JsonMarshaler>;
    if (typeof m.marshalJSON === "function") {
      return toJsonLike(parseJson(callMarshalJSON(m as typeof v & JsonMarshaler)), path, depth + 1);
    }
    if (v.fmtValue) return toJsonLike(v.fmtValue(), path, depth + 1);
    const out: YamlMap = Object.create(null);
    if (v.jsonFields) {
      for (const [n, x] of v.jsonFields()) out[noteKey(n)] = toJsonLike(x, path, depth + 1);
      return out;
    }
    for (const n of v.fieldNames?.() ?? []) {
      if (isExported(n)) out[noteKey(n)] = toJsonLike(v.field(n) as GoValue, path, depth + 1);
    }
    return out;
  }
  if (path.has(v))
    throw new JsonError(
      `json: unsupported value: encountered a cycle via ${v instanceof GoMap ? v.goType : "[]interface {}"}`,
    );
  expansion.charge();
  path.add(v);
  try {
    if (v instanceof GoMap) {
      const out: YamlMap = Object.create(null);
      v.forEach((x, k) => {
        out[noteKey(validUtf8(k))] = toJsonLike(x, path, depth + 1);
      });
      return out;
    }
    return v.map((x) => toJsonLike(x, path, depth + 1));
  } finally {
    path.delete(v);
  }
}

/**
 * toYaml's texts by what they were made of. Charts print the same values again and again: the
 * bjw-s common library makes a fresh dict of the enabled controllers (the same values maps in
 * it) a dozen times per release, and the corpus's 9,461 toYaml calls made ~1,900 distinct texts.
 * A key spells a value out, except for the maps already in a kept text, which it names by their
 * watch (MapWatch): marking them costs a field each, and they stay as they were until one of
 * them changes, which forgets every text (watchedMaps.generation). Insertion order is part of
 * the key, as go-yaml's key sort can depend on it. Values holding structs or bytes, and numbers
 * toYaml refuses, are not kept: those take the full path every time, errors included.
 */
const yamlByKey = new Map<string, { text: string; height: number }>();
let yamlGeneration = 0;
let yamlChars = 0;
const MAX_YAML_CHARS = 8 << 20;
/** A longer key (a fresh value with long strings) is not kept. */
const MAX_KEY_CHARS = 1 << 18;
let nextWatchId = 1;

/** The watch of a map keyOf is spelling out (never of the current generation). */
const SPELLING: MapWatch = { generation: -1, id: 0, height: 0 };

/** Set by keyOf: the deepest nesting of maps and lists it met (0: the value holds none). */
let keyHeight = 0;

/**
 * The cache key of `v` at nesting `depth`, marking the maps it spells out (they are watched from
 * now on); undefined when the value cannot be kept.
 */
function keyOf(v: GoValue, depth: number): string | undefined {
  if (v === null || v === undefined) return "z";
  switch (typeof v) {
    case "boolean":
      return v ? "t" : "f";
    case "string":
      return `s${v.length}:${v}`;
    case "number":
      if (!Number.isFinite(v)) return undefined;
      return Object.is(v, -0) ? "n-0" : `n${v}`;
  }
  if (v instanceof GoInt) return `i${v.value}`;
  if (depth > maxValueDepth) return undefined;
  if (depth > keyHeight) keyHeight = depth;
  if (v instanceof GoMap) {
    const w = v.watch;
    if (w !== null && w.generation === watchedMaps.generation) {
      if (depth + w.height > keyHeight) keyHeight = depth + w.height;
      return `#${w.id}`;
    }
    // A map inside itself: the full path reports the cycle.
    if (w === SPELLING) return undefined;
    const outer = keyHeight;
    keyHeight = depth;
    v.watch = SPELLING;
    let key: string | undefined = "{";
    // forEach, not for-of with [k, x]: unoptimized, that steps two iterators per entry.
    v.forEach((x, k) => {
      if (key === undefined) return;
      const part = keyOf(x, depth + 1);
      key = part === undefined ? undefined : `${key}${k.length}:${k}${part}`;
      // A list shared many times over spells out once per meeting: stop at what is kept.
      if (key !== undefined && key.length > MAX_KEY_CHARS) key = undefined;
    });
    if (key === undefined) {
      v.watch = null;
      return undefined;
    }
    v.watch = { generation: watchedMaps.generation, id: nextWatchId++, height: keyHeight - depth };
    if (outer > keyHeight) keyHeight = outer;
    return `${key}}`;
  }
  if (!Array.isArray(v)) return undefined;
  let key = "[";
  for (let i = 0; i < v.length; i++) {
    const part = keyOf(v[i], depth + 1);
    if (part === undefined) return undefined;
    key += part;
    if (key.length > MAX_KEY_CHARS) return undefined;
  }
  return `${key}]`;
}

/**
 * Texts of strings, booleans and numbers, by value: each a function of the value alone, made by
 * the whole path (a document of one scalar) at every call otherwise. The bjw-s common library
 * prints each label and annotation so (`tpl $value $rootContext | toYaml`): bjw-s home-ops, 643
 * string prints per render. Errors (refused characters, NaN) are not kept; -0 is not kept apart
 * from 0 by a Map, so it is not kept.
 */
const scalarTexts = new Map<string | number | boolean, string>();
let scalarChars = 0;
const MAX_SCALAR_CHARS = 1 << 20;
const MAX_SCALAR_KEY_CHARS = 1 << 12;

function marshalScalar(v: string | number | boolean): string {
  const known = scalarTexts.get(v);
  if (known !== undefined) return known;
  const text = marshalYamlUncached(v);
  if (typeof v === "number" && Object.is(v, -0)) return text;
  if (typeof v === "string" && v.length > MAX_SCALAR_KEY_CHARS) return text;
  const size = (typeof v === "string" ? v.length : 8) + text.length;
  if (scalarChars + size > MAX_SCALAR_CHARS) {
    scalarTexts.clear();
    scalarChars = 0;
  }
  scalarTexts.set(v, text);
  scalarChars += size;
  return text;
}

/** yaml.Marshal(v) (with its trailing newline). Throws Error with Go's message. */
export function marshalYaml(v: GoValue): string {
  if (typeof v === "string" || typeof v === "boolean" || typeof v === "number") return marshalScalar(v);
  maxValueDepth = valueDepthLimit();
  if (yamlGeneration !== watchedMaps.generation) {
    yamlByKey.clear();
    yamlChars = 0;
    yamlGeneration = watchedMaps.generation;
  }
  keyHeight = 0;
  const key = typeof v === "object" && v !== null ? keyOf(v, 0) : undefined;
  if (key === undefined || key.length > MAX_KEY_CHARS) return marshalYamlUncached(v);
  const known = yamlByKey.get(key);
  // A text made higher on the stack may be too deep to make here: the full path says so.
  if (known !== undefined && known.height <= maxValueDepth) return known.text;
  const text = marshalYamlUncached(v);
  // Nothing since keyOf changes a map; should something, its key would name a stale watch.
  if (yamlGeneration !== watchedMaps.generation) return text;
  const kept = { text, height: keyHeight };
  keep(key, kept);
  // Met again, the same value keys otherwise: the maps keyOf spelled out are named by their
  // watches from now on, so the next print of a value met for the first time missed as well
  // (bjw-s home-ops: 1,121 misses, 252 of them making a text made before; 990 with these keys).
  if (v instanceof GoMap || Array.isArray(v)) {
    for (const again of keysOnceWatched(v)) if (again !== key) keep(again, kept);
  }
  return text;
}

/** Keeps a text under a key; the text counts under each of its keys, which errs on the safe side. */
function keep(key: string, kept: { text: string; height: number }): void {
  if (yamlChars + key.length + kept.text.length > MAX_YAML_CHARS) {
    yamlByKey.clear();
    yamlChars = 0;
  }
  yamlByKey.set(key, kept);
  yamlChars += key.length + kept.text.length;
}

/**
 * The keys of a value keyOf has just watched the maps of: a map by its watch, and spelled out
 * with its maps named by theirs (a fresh map made of the same entries); a list spelled out so.
 */
function keysOnceWatched(v: GoMap | GoValue[]): string[] {
  const height = keyHeight;
  const keys: string[] = [];
  if (v instanceof GoMap) {
    if (v.watch !== null) keys.push(`#${v.watch.id}`);
    let spelled: string | undefined = "{";
    v.forEach((x, k) => {
      const part = spelled === undefined ? undefined : keyOf(x, 1);
      spelled = part === undefined ? undefined : `${spelled}${k.length}:${k}${part}`;
    });
    if (spelled !== undefined) keys.push(`${spelled}}`);
  } else {
    const again = keyOf(v, 0);
    if (again !== undefined) keys.push(again);
  }
  keyHeight = height;
  return keys.filter((k) => k.length <= MAX_KEY_CHARS);
}

function marshalYamlUncached(v: GoValue): string {
  let json: YamlValue;
  try {
    maxValueDepth = valueDepthLimit();
    expansion = new ExpansionBudget("toYaml");
    exact = true;
    json = toJsonLike(v, new Set(), 0);
  } catch (e) {
    if (e instanceof JsonError) throw new Error(`error marshaling into JSON: ${e.message}`);
    throw e;
  }
  let text: string;
  try {
    text = emitYaml(json, exact ? recordingOptions(json) : undefined);
  } catch (e) {
    // Characters go-yaml v2 refuses to read back from the JSON (DEL, C1 controls, U+FFFE…).
    throw new JsonError((e as Error).message);
  }
  notePrinted(text, json);
  return text;
}

/** A Go value as go-yaml v3 sees it (no JSON step): ints stay ints, float64 keep their type. */
function toV3Like(v: GoValue, structs: WeakSet<YamlMap>, depth: number): YamlValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "boolean":
    case "string":
    case "number":
      return v;
  }
  if (v instanceof GoInt) return v.value;
  if (v instanceof Uint8Array) return Array.from(v, (b) => BigInt(b));
  if (depth > maxValueDepth) throw valueTooDeep();
  if (isGoObject(v)) {
    if (v.fmtValue) return toV3Like(v.fmtValue(), structs, depth + 1);
    // go-yaml v3 names struct fields by their lowercased Go names, skips unexported ones and
    // keeps the struct's field order.
    const out: YamlMap = Object.create(null);
    for (const n of v.fieldNames?.() ?? []) {
      if (isExported(n)) out[n.toLowerCase()] = toV3Like(v.field(n) as GoValue, structs, depth + 1);
    }
    structs.add(out);
    return out;
  }
  expansion.charge();
  if (v instanceof GoMap) {
    const out: YamlMap = Object.create(null);
    for (const [k, x] of v) out[k] = toV3Like(x, structs, depth + 1);
    return out;
  }
  return v.map((x) => toV3Like(x, structs, depth + 1));
}

function v3Number(n: number | bigint): string {
  if (typeof n === "bigint") return n.toString();
  if (Number.isNaN(n)) return ".nan";
  if (n === Number.POSITIVE_INFINITY) return ".inf";
  if (n === Number.NEGATIVE_INFINITY) return "-.inf";
  return formatFloat(n, "g", -1);
}

/**
 * Helm's toYamlPretty: go-yaml v3's Encoder with SetIndent(2) on the value itself — sequences
 * indented under their key, no line folding, numbers printed by Go type.
 */
export function marshalYamlPretty(v: GoValue): string {
  const structs = new WeakSet<YamlMap>();
  maxValueDepth = valueDepthLimit();
  expansion = new ExpansionBudget("toYamlPretty");
  return emitYaml(toV3Like(v, structs, 0), {
    declaredOrder: structs,
    indentSequencesInMappings: true,
    width: Number.POSITIVE_INFINITY,
    number: v3Number,
    tabsInBlocks: true,
  });
}
