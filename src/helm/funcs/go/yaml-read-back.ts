/**
 * What fromYaml reads back from a text toYaml has just made, without reading it. Charts print a
 * value and read the print straight back: the bjw-s common library's helpers end in
 * `toYaml` and their callers pipe the include into `fromYaml` (a cold check of bjw-s home-ops:
 * 494 of fromYaml's 673 first readings were of texts toYaml had made in the same run).
 *
 * Only values whose print reads back exactly are kept, a domain small enough to state: maps,
 * lists, null, booleans, integers in int64, and strings (keys too) of printable ASCII on one
 * line, except the merge key `<<` (printed plain, it reads back as a merge). There the emitter's
 * choice of plain, single- or double-quoted style exists to make go-yaml v2 read the same string
 * back, a folded line unfolds to the same spaces, and keys come back in the order the emitter
 * printed them (recorded as it prints: go-yaml v2's key order depends on the order it starts
 * from). Anything else — floats, multi-line strings (block scalars and their chomping), other
 * characters (NEL folding, control characters the writer refuses) — is read as before.
 * test/helm/funcs/yaml-read-back.test.ts holds the reader to this on generated values.
 */
import type { YamlMap, YamlValue } from "../../../kustomize/types.js";
import type { EmitOptions } from "../../../yaml/emit.js";
import { sortKeys } from "../../../yaml/keysort.js";
import { RawInt, RawMap, type RawYaml } from "../../yaml.js";

export const PRINTABLE_ASCII_LINE = /^[\x20-\x7e]*$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
export const READ_BACK_MAX_DEPTH = 64;

/**
 * Texts made by toYaml (without the final line break toYaml trims), with the value printed. A
 * text is nearly always read back right after its print (bjw-s home-ops: 491 of 494 readings
 * were of the text printed last; 316,009 characters printed in all), so a small bound holds them.
 */
const printed = new Map<string, YamlMap | YamlValue[]>();
let printedChars = 0;
const MAX_PRINTED_CHARS = 2 << 20;

/** The key order of every mapping printed with RECORDING. */
const keyOrders = new WeakMap<YamlMap, readonly string[]>();
const RECORDING: EmitOptions = { keyOrder: keyOrders };
/** Values printed with RECORDING whose text has not been noted yet. */
const recorded = new WeakSet<object>();

/** Whether `v` (a JSON-like value toYaml prints) lies in the domain that reads back exactly. */
function readsBackExactly(v: YamlValue, depth: number): boolean {
  if (v === null || typeof v === "boolean") return true;
  if (typeof v === "string") return PRINTABLE_ASCII_LINE.test(v);
  if (typeof v === "bigint") return v >= INT64_MIN && v <= INT64_MAX;
  if (typeof v === "number") return Number.isSafeInteger(v) && !Object.is(v, -0);
  if (depth > READ_BACK_MAX_DEPTH) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!readsBackExactly(v[i] as YamlValue, depth + 1)) return false;
    return true;
  }
  if (typeof v !== "object") return false;
  for (const k in v as YamlMap) {
    const x = (v as YamlMap)[k];
    if (x === undefined || k === "<<" || !PRINTABLE_ASCII_LINE.test(k)) return false;
    if (!readsBackExactly(x, depth + 1)) return false;
  }
  return true;
}

/**
 * The emitter's options for printing `value` (a value toYaml made, which nothing changes
 * afterwards): recording its key orders when its print reads back exactly, else none.
 */
export function printOptions(value: YamlValue): EmitOptions | undefined {
  if (value === null || typeof value !== "object" || !readsBackExactly(value, 0)) return undefined;
  return recordingOptions(value);
}

/**
 * printOptions for a value the caller has found in the exact domain as it made it (toYaml's
 * conversion): recording its key orders, without the walk that checks it.
 */
export function recordingOptions(value: YamlValue): EmitOptions | undefined {
  if (value === null || typeof value !== "object") return undefined;
  recorded.add(value);
  return RECORDING;
}

/** Notes that `value`, printed with printOptions(value), is `text` (final line break included). */
export function notePrinted(text: string, value: YamlValue): void {
  if (value === null || typeof value !== "object" || !recorded.has(value)) return;
  recorded.delete(value);
  const bare = text.endsWith("\n") ? text.slice(0, -1) : text;
  if (printed.has(bare)) return;
  if (printedChars + bare.length > MAX_PRINTED_CHARS) {
    printed.clear();
    printedChars = 0;
  }
  printed.set(bare, value as YamlMap | YamlValue[]);
  printedChars += bare.length;
}

/**
 * go-yaml v2's reading of `text` when toYaml printed it from a value in the exact domain (with
 * or without its final line break); undefined otherwise.
 */
export function readBack(text: string): RawYaml | undefined {
  const value = printed.get(text.endsWith("\n") ? text.slice(0, -1) : text);
  return value === undefined ? undefined : toRaw(value);
}

function toRaw(v: YamlValue): RawYaml {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "bigint") return new RawInt(v);
  if (typeof v === "number") return new RawInt(BigInt(v));
  if (Array.isArray(v)) return v.map(toRaw);
  const map = v as YamlMap;
  const raw = new RawMap();
  const keys = keyOrders.get(map) ?? sortKeys(Object.keys(map));
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    raw.entries.push([k, toRaw(map[k] as YamlValue)]);
  }
  return raw;
}
