/**
 * Rendered objects as JSON and back, losing nothing the value model holds: bigints, NaN,
 * ±Infinity and -0 (which JSON cannot spell), `__proto__` keys, the marks of null values
 * written with no text (src/yaml/empty-null.ts), which a later strategic merge reads, and the
 * texts names, labels and annotations were written with (src/yaml/scalar-text.ts), which ids
 * and selectors read.
 *
 * Plain values stay plain JSON, so an entry costs one JSON.parse and one walk. Anything JSON
 * cannot say is an object whose only tag key is "\u0000" (a key no YAML file realistically has;
 * a map that does have it is itself written in the tagged form, so decoding is never ambiguous).
 */
import { isAscii } from "node:buffer";
import type { YamlMap, YamlValue } from "../kustomize/types.js";
import { hasEmptyNull, isEmptyNull, markEmptyNull } from "../yaml/empty-null.js";
import { hasWrittenTexts, markScalarText, writtenTexts } from "../yaml/scalar-text.js";

const TAG = "\u0000";

type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

/** How many tagged values encodeValue has written (encodeNoting tells whether a value had any). */
let taggedWritten = 0;

/**
 * The value as JSON can hold it. A value with nothing JSON cannot say is its own encoding (it
 * is not copied: a cold run stores every rendered object, and copying them all cost it ~25 ms
 * of encoding and the collections of the copies); the caller only serialises it.
 */
export function encodeValue(v: YamlValue): Encoded {
  return isPlain(v) ? (v as Encoded) : encodeCopy(v);
}

/**
 * Whether encodeCopy would give back an equal value with no tagged value in it, so that
 * JSON.stringify writes the same text for `v`: finite numbers other than -0, strings, booleans,
 * null, arrays and ordinary objects (no toJSON of a class) of those, with no null written with no
 * text and no tag key. Anything else (undefined, a function, a Date) is left to encodeCopy.
 */
function isPlain(v: unknown): boolean {
  switch (typeof v) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(v) && !Object.is(v, -0);
    case "object": {
      if (v === null) return true;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!isPlain(v[i])) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      const m = v as YamlMap;
      if (Object.hasOwn(m, TAG) || hasEmptyNull(m) || hasWrittenTexts(m)) return false;
      for (const k in m) if (Object.hasOwn(m, k) && !isPlain(m[k])) return false;
      return true;
    }
    default:
      return false;
  }
}

function encodeCopy(v: YamlValue): Encoded {
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "bigint":
      taggedWritten++;
      return { [TAG]: "bigint", v: v.toString() };
    case "number":
      if (Number.isFinite(v) && !Object.is(v, -0)) return v;
      taggedWritten++;
      return { [TAG]: "number", v: Object.is(v, -0) ? "-0" : String(v) };
    case "object":
      if (v === null) return null;
      if (Array.isArray(v)) return v.map(encodeCopy);
      return encodeMap(v);
    default:
      throw new TypeError(`not a YAML value: ${typeof v}`);
  }
}

function encodeMap(m: YamlMap): Encoded {
  const keys = Object.keys(m);
  const marked = keys.filter((k) => isEmptyNull(m, k));
  const texts = writtenTexts(m);
  if (marked.length > 0 || texts.length > 0 || Object.hasOwn(m, TAG)) {
    taggedWritten++;
    const tagged: { [key: string]: Encoded } = {
      [TAG]: "map",
      k: keys.map((k) => [k, encodeCopy(m[k]!)]),
      e: marked,
    };
    if (texts.length > 0) tagged.t = texts;
    return tagged;
  }
  const out: { [key: string]: Encoded } = {};
  for (const k of keys) setOwn(out, k, encodeCopy(m[k]!));
  return out;
}

/**
 * `JSON.stringify(encodeValue(v))`: cache keys are digests of whole objects, and encodeValue
 * gives a value that needs no tagged value back as it is (the common case), so no copy is built.
 */
export function encodedJson(v: YamlValue): string {
  return JSON.stringify(encodeValue(v));
}

/** encodedJson's text of `v` and whether it is plain (encodeNoting): a part of a JsonText. */
export function encodedText(v: YamlValue): { text: string; plain: boolean } {
  const { encoded, plain } = encodeNoting(v);
  return { text: JSON.stringify(encoded), plain };
}

/**
 * encodeValue, and whether the encoding is plain JSON (no tagged value anywhere in it): an
 * entry can say so beside it, and its reader take the value as JSON.parse gives it (see
 * decoderOf) instead of walking it.
 */
export function encodeNoting(v: YamlValue): { encoded: Encoded; plain: boolean } {
  if (isPlain(v)) return { encoded: v as Encoded, plain: true };
  const before = taggedWritten;
  const encoded = encodeCopy(v);
  return { encoded, plain: taggedWritten === before };
}

/**
 * The value `e` encodes. `e` is the caller's to give up (a body JSON.parse just made): plain maps
 * and lists are reused in place, and only tagged values are replaced, so a warm run does not copy
 * every cached object once more.
 */
export function decodeValue(e: unknown): YamlValue {
  if (e === null || typeof e === "string" || typeof e === "boolean" || typeof e === "number") return e;
  if (Array.isArray(e)) {
    for (let i = 0; i < e.length; i++) e[i] = decodeValue(e[i]);
    return e as YamlValue[];
  }
  if (typeof e !== "object") throw new TypeError("malformed cache value");
  const o = e as Record<string, unknown>;
  if (Object.hasOwn(o, TAG)) {
    const tag = o[TAG];
    if (tag === "bigint" && typeof o.v === "string") return BigInt(o.v);
    if (tag === "number" && typeof o.v === "string") return o.v === "-0" ? -0 : Number(o.v);
    if (tag === "map" && Array.isArray(o.k) && Array.isArray(o.e)) {
      const out: YamlMap = {};
      for (const pair of o.k as unknown[]) {
        if (!Array.isArray(pair) || typeof pair[0] !== "string") throw new TypeError("malformed cache map");
        setOwn(out, pair[0], decodeValue(pair[1]));
      }
      for (const k of o.e as unknown[]) if (typeof k === "string") markEmptyNull(out, k);
      if (o.t !== undefined) {
        if (!Array.isArray(o.t)) throw new TypeError("malformed cache map");
        for (const t of o.t as unknown[]) {
          if (
            !Array.isArray(t) ||
            typeof t[0] !== "string" ||
            typeof t[1] !== "string" ||
            !Object.hasOwn(out, t[0])
          )
            throw new TypeError("malformed cache map");
          markScalarText(out, t[0], out[t[0]] as YamlValue, t[1]);
        }
      }
      return out;
    }
    throw new TypeError("malformed cache value");
  }
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v !== null && typeof v === "object") {
      const d = decodeValue(v);
      if (d !== v) setOwn(o, k, d);
    } else decodeValue(v); // a primitive: checked, kept
  }
  return o as YamlMap;
}

/**
 * Bodies parsed by parseBody whose JSON text holds no `\u0000` escape. A tagged value is an
 * object with the key "\u0000", which JSON.stringify always writes as that escape (it never
 * writes a raw control character), so such a body holds no tagged value, and decodeValue would
 * give every value in it back unchanged (JSON.parse makes `__proto__` an own key already).
 * A string holding NUL, or a backslash before `u0000`, only costs the shortcut.
 */
const plainBodies = new WeakSet<object>();

/** Characters a JSON text holds only inside its strings, where a `\u` escape says the same. */
const NON_ASCII = /[^\x00-\x7f]/;
const NON_ASCII_ALL = /[^\x00-\x7f]/g;

/**
 * `text` (JSON) with every character past ASCII written as its `\u` escape: the same value for
 * JSON.parse, in bytes a reader turns into a string without decoding UTF-8 (entryText). A few
 * such characters in an entry (bjw-s home-ops: 35 in 5.2 MB, in two kube-prometheus-stack
 * entries) made its whole text a two-byte string, twice its size, decoded at UTF-8's pace.
 */
export function asciiJson(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  return text.replace(NON_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** An entry's plaintext as a string: Latin-1 (a copy) when every byte is ASCII, else UTF-8. */
export function entryText(plain: Buffer): string {
  return isAscii(plain) ? plain.toString("latin1") : plain.toString("utf8");
}

/** JSON.parse of an entry's text, noting whether decoding its values can be skipped. */
export function parseBody(text: string): unknown {
  const body: unknown = JSON.parse(text);
  if (typeof body === "object" && body !== null && !text.includes("\\u0000")) plainBodies.add(body);
  return body;
}

/**
 * decodeValue for the values of `body` (a parseBody result): the identity when the body holds
 * no tagged value, so a warm run does not walk every cached object once more.
 */
export function decoderOf(body: unknown): (e: unknown) => YamlValue {
  return typeof body === "object" && body !== null && plainBodies.has(body)
    ? (e) => e as YamlValue
    : decodeValue;
}

/** `__proto__` is an ordinary key here, as it is in the parsed model (src/yaml/parse.ts). */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * A body given as its JSON text, in parts (their concatenation): a caller that already holds
 * the texts of its values (release-cache.ts) spares RenderCache.put a JSON.stringify of
 * megabytes. store.ts writes the parts as they are; a cache that stringifies bodies itself gets
 * the same text (toJSON).
 */
export class JsonText {
  constructor(readonly parts: readonly string[]) {}

  toJSON(): unknown {
    return JSON.parse(this.parts.join(""));
  }
}
