import { SlipwayError } from "../../errors.js";
import { parseYaml } from "../../yaml/index.js";
import { checkYamlNesting } from "../../yaml/limits.js";
import { goFloatName } from "../../yaml/numbers.js";
import { isMap, type YamlMap, type YamlValue } from "../types.js";

/**
 * One RFC 6902 operation as kustomize's json-patch library (evanphx/json-patch v4) reads it:
 * nothing is validated until the operation runs, so a malformed patch only fails when it is
 * applied to a resource. `op` is "unknown" when missing or not a string; `path`/`from` are
 * undefined when missing or not strings; `value` is undefined when missing (add/replace then
 * write null) and null for an explicit null.
 */
export interface Json6902Op {
  op: string;
  path?: string;
  from?: string;
  value?: YamlValue;
}

/**
 * Parses a JSON6902 patch file: JSON when the text starts with `[`, else YAML (first document, YAML
 * 1.1 scalars as sigs.k8s.io/yaml reads them). It must be a list of objects.
 */
export function parseJson6902Patch(text: string, file?: string): Json6902Op[] {
  const parsed = parsePatchText(text, file);
  if (!Array.isArray(parsed)) {
    throw new SlipwayError("a JSON6902 patch must be a list of operations", { file });
  }
  return parsed.map((item, i) => {
    if (item !== null && !isMap(item)) {
      throw new SlipwayError(`JSON6902 patch: operation ${i + 1} is not an object`, { file });
    }
    return toOp(item ?? {});
  });
}

function toOp(raw: YamlMap): Json6902Op {
  const op: Json6902Op = { op: typeof raw.op === "string" ? raw.op : "unknown" };
  if (typeof raw.path === "string") op.path = raw.path;
  if (typeof raw.from === "string") op.from = raw.from;
  if (Object.hasOwn(raw, "value")) op.value = jsonRoundTrip(raw.value as YamlValue);
  return op;
}

function parsePatchText(text: string, file: string | undefined): YamlValue {
  // go-yaml skips a byte order mark at the start of the stream (an editor's UTF-8 BOM); the
  // yaml package reads `<BOM>- op: …` as an error, and JSON.parse refuses `<BOM>[…]`.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Before either parser: JSON.parse takes any depth, and every step after it recurses.
  checkYamlNesting(text, file);
  if (text.startsWith("[")) {
    try {
      return JSON.parse(text) as YamlValue;
    } catch (err) {
      throw new SlipwayError(`invalid JSON6902 patch: ${(err as Error).message}`, { file });
    }
  }
  // sigs.k8s.io/yaml.YAMLToJSON: the first document, go-yaml v2 scalars (`on` and `y` are
  // booleans, `0o17` is 15, a timestamp and `1:20` stay text), duplicate keys allowed.
  try {
    return parseYaml(text, file ?? "<patch>", { allowDuplicateKeys: true, yamlToJson: true });
  } catch (err) {
    throw new SlipwayError(`invalid patch: ${(err as Error).message.split("\n")[0]}`, { file });
  }
}

export type PatchKind = "json6902" | "strategic-merge";

/**
 * How kustomize's PatchTransformer reads a `patches:` entry: as JSON6902 when the text is a list of
 * operations, else as strategic merge patches (one per YAML document). An empty file counts as an
 * empty JSON6902 patch (which then needs a target); text with no document at all (whitespace,
 * comments) qualifies as both and is an error, as in kustomize.
 */
export function classifyPatch(text: string, file?: string): PatchKind {
  if (text === "") return "json6902";
  let parsed: YamlValue;
  try {
    parsed = parsePatchText(text, file);
  } catch {
    return "strategic-merge";
  }
  if (parsed === null) {
    throw new SlipwayError("illegally qualifies as both an SM and JSON patch", { file });
  }
  if (Array.isArray(parsed)) {
    if (parsed.every((item) => item === null || isMap(item))) return "json6902";
    throw new SlipwayError("unable to parse SM or JSON patch", { file });
  }
  return "strategic-merge";
}

// A text whose first line (after blank and comment lines) opens a block mapping: its first
// document is a map or does not parse, and classifyPatch makes either a strategic merge patch.
const OPENS_MAPPING = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*[A-Za-z_][\w./-]*:(?: |\r?\n|$)/;

/**
 * The operations of a non-empty `patches:` text that classifyPatch makes a JSON6902 patch, or
 * undefined for a strategic merge patch: the text is parsed once (not once to classify and again
 * for the operations), and not at all when its first line opens a mapping.
 */
export function json6902Operations(text: string): Json6902Op[] | undefined {
  if (OPENS_MAPPING.test(text)) return undefined;
  let parsed: YamlValue;
  try {
    parsed = parsePatchText(text, undefined);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => item === null || isMap(item))) return undefined;
  return parsed.map((item) => toOp((item as YamlMap | null) ?? {}));
}

/** True when `patches:` text would be applied as a JSON6902 patch (see classifyPatch). */
export function isJson6902Patch(text: string): boolean {
  try {
    return classifyPatch(text) === "json6902";
  } catch {
    return false;
  }
}

/**
 * Applies JSON6902 operations as evanphx/json-patch v4 does inside kustomize: `-` and negative
 * indexes, `~0`/`~1` escapes, a path's first segment ignored (so `a/b` means `/b`), `replace` of a
 * missing map key adds it, `copy` from a missing key copies null. Errors name the operation.
 * The input is not modified.
 */
export function applyJson6902(target: YamlValue, ops: readonly Json6902Op[], file?: string): YamlValue {
  const doc: YamlValue = jsonRoundTrip(target);
  if (typeof doc !== "object" || doc === null) {
    throw new SlipwayError("JSON6902 patch: the target is not an object or a list", { file });
  }
  ops.forEach((op, i) => {
    try {
      applyOne(doc, op);
    } catch (err) {
      if (!(err instanceof PatchError)) throw err;
      const where = op.path !== undefined ? ` at "${op.path}"` : "";
      throw new SlipwayError(`JSON6902 patch operation ${i + 1} (${op.op}${where}): ${err.message}`, {
        file,
      });
    }
  });
  return doc;
}

/**
 * A copy of `v` as kustomize holds it after a JSON patch: the object goes through JSON and back
 * with json.Unmarshal into interface{}, so every number is a float64 (an integer beyond 2^53
 * loses its last digits, as kubectl prints it).
 */
function jsonRoundTrip(v: YamlValue): YamlValue {
  if (typeof v === "bigint") return Number(v);
  // Only an annotation can hold one here (yaml/scalar-text.ts): kubectl prints it from its text
  // unless a JSON patch makes JSON of the object first.
  if (typeof v === "number" && !Number.isFinite(v))
    throw new SlipwayError(`json: unsupported value: ${goFloatName(v)}`);
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(jsonRoundTrip);
  const out: YamlMap = {};
  for (const k of Object.keys(v)) setKey(out, k, jsonRoundTrip(v[k] as YamlValue));
  return out;
}

class PatchError extends Error {}

type Container = YamlMap | YamlValue[];

function applyOne(doc: Container, op: Json6902Op): void {
  switch (op.op) {
    case "add": {
      const path = need(op.path, "add operation failed to decode path");
      const [con, key] = locate(doc, path, `add operation does not apply: doc is missing path: "${path}"`);
      add(con, key, op.value ?? null, path, "add");
      return;
    }
    case "remove": {
      const path = need(op.path, "remove operation failed to decode path");
      const [con, key] = locate(doc, path, `remove operation does not apply: doc is missing path: "${path}"`);
      remove(con, key, path);
      return;
    }
    case "replace": {
      const path = need(op.path, "replace operation failed to decode path");
      const [con, key] = locate(doc, path, `replace operation does not apply: doc is missing path: ${path}`);
      if (Array.isArray(con)) get(con, key, `replace operation does not apply: doc is missing key: ${path}`);
      set(con, key, op.value ?? null, path);
      return;
    }
    case "move": {
      const from = need(op.from, "move operation failed to decode from");
      const [src, srcKey] = locate(
        doc,
        from,
        `move operation does not apply: doc is missing from path: ${from}`,
      );
      const val = get(src, srcKey, `move operation does not apply: doc is missing from path: ${from}`);
      remove(src, srcKey, from);
      const path = need(op.path, "move operation failed to decode path");
      const [dst, key] = locate(
        doc,
        path,
        `move operation does not apply: doc is missing destination path: ${path}`,
      );
      add(dst, key, val ?? null, path, "move");
      return;
    }
    case "copy": {
      const from = need(op.from, "copy operation failed to decode from");
      const [src, srcKey] = locate(
        doc,
        from,
        `copy operation does not apply: doc is missing from path: ${from}`,
      );
      const path = need(op.path, "copy operation failed to decode path");
      const [dst, key] = locate(
        doc,
        path,
        `copy operation does not apply: doc is missing destination path: ${path}`,
      );
      const val = get(src, srcKey, `copy operation does not apply: doc is missing from path: ${from}`);
      add(dst, key, structuredClone(val ?? null), path, "copy");
      return;
    }
    case "test": {
      const path = need(op.path, "test operation failed to decode path");
      const [con, key] = locate(doc, path, `test operation does not apply: is missing path: ${path}`);
      const val = get(con, key, `test operation does not apply: is missing path: ${path}`);
      const expected = op.value ?? null;
      if (val === undefined || val === null) {
        // kustomize v5.5.0 crashes on a missing value tested against no value; a null passes.
        if (val === undefined && op.value === undefined) throw new PatchError(`testing value ${path} failed`);
        if (expected === null) return;
        throw new PatchError(`testing value ${path} failed: test failed`);
      }
      if (!deepEqual(val, expected)) throw new PatchError(`testing value ${path} failed: test failed`);
      return;
    }
    default:
      throw new PatchError(`Unexpected kind: ${op.op}`);
  }
}

function need(v: string | undefined, message: string): string {
  if (v === undefined) throw new PatchError(`${message}: missing value`);
  return v;
}

function unescapeKey(key: string): string {
  return key.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** evanphx findObject: the container holding the last segment; the first segment is skipped. */
function locate(doc: Container, path: string, missing: string): [Container, string] {
  const parts = path.split("/");
  if (parts.length < 2) throw new PatchError(`${missing}: missing value`);
  let con: Container = doc;
  for (const part of parts.slice(1, -1)) {
    let next: YamlValue | undefined;
    try {
      next = get(con, unescapeKey(part), missing);
    } catch {
      next = undefined;
    }
    if (next === undefined || next === null || typeof next !== "object") {
      throw new PatchError(`${missing}: missing value`);
    }
    con = next;
  }
  return [con, unescapeKey(parts[parts.length - 1])];
}

/** Go's strconv.Atoi, which the library uses for array indexes. */
function parseIndex(key: string): number {
  if (!/^[+-]?\d+$/.test(key)) {
    throw new PatchError(`strconv.Atoi: parsing "${key}": invalid syntax`);
  }
  return Number.parseInt(key, 10);
}

function get(con: Container, key: string, _missing: string): YamlValue | undefined {
  if (!Array.isArray(con)) return Object.hasOwn(con, key) ? con[key] : undefined;
  let idx = parseIndex(key);
  if (idx < 0) idx += con.length;
  if (idx < 0 || idx >= con.length) {
    throw new PatchError(`Unable to access invalid index: ${key}: invalid index referenced`);
  }
  return con[idx];
}

function setKey(map: YamlMap, key: string, value: YamlValue): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

function add(con: Container, key: string, value: YamlValue, path: string, opName: string): void {
  if (!Array.isArray(con)) {
    setKey(con, key, value);
    return;
  }
  if (key === "-") {
    con.push(value);
    return;
  }
  let idx = parseIndex(key);
  const size = con.length + 1;
  if (idx >= size || idx < -size) {
    throw new PatchError(
      `error in ${opName} for path: '${path}': Unable to access invalid index: ${idx}: invalid index referenced`,
    );
  }
  if (idx < 0) idx += size;
  con.splice(idx, 0, value);
}

function set(con: Container, key: string, value: YamlValue, path: string): void {
  if (!Array.isArray(con)) {
    setKey(con, key, value);
    return;
  }
  let idx = parseIndex(key);
  if (idx < 0) idx += con.length;
  if (idx < 0 || idx >= con.length) {
    throw new PatchError(`error in replace for path: '${path}': Unable to access invalid index: ${key}`);
  }
  con[idx] = value;
}

function remove(con: Container, key: string, path: string): void {
  if (!Array.isArray(con)) {
    if (!Object.hasOwn(con, key)) {
      throw new PatchError(
        `error in remove for path: '${path}': Unable to remove nonexistent key: ${key}: missing value`,
      );
    }
    delete con[key];
    return;
  }
  let idx = parseIndex(key);
  if (idx < 0) idx += con.length;
  if (idx < 0 || idx >= con.length) {
    throw new PatchError(
      `error in remove for path: '${path}': Unable to access invalid index: ${key}: invalid index referenced`,
    );
  }
  con.splice(idx, 1);
}

function deepEqual(a: YamlValue, b: YamlValue): boolean {
  if (a === b) return true;
  if (typeof a === "bigint" || typeof b === "bigint") return String(a) === String(b);
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
