import { SlipwayError } from "../../errors.js";
import { compareGoStrings } from "../../go/compare.js";
import { hasEmptyNullMark, hasEmptyNullMarks, isEmptyNull, unmarkEmptyNull } from "../../yaml/empty-null.js";
import { copyMetadataTexts, takeScalarText } from "../../yaml/scalar-text.js";
import { cloneValue } from "../clone.js";
import { isMap, type YamlMap, type YamlValue } from "../types.js";
import type { SchemaRegistry, TypeSchema } from "./schema.js";

/**
 * kustomize's strategic merge patch (kyaml `merge2` driven by the `walk` package, with new list
 * items placed before the target's, as kustomize's patchstrategicmerge filter asks).
 *
 * This deliberately reproduces kyaml, not apimachinery: `$setElementOrder/...`, `$retainKeys` and
 * `$deleteFromPrimitiveList/...` are not directives there and are copied into the result like any
 * field; `$patch: replace` on one list element has no effect; a patch list item that lacks the merge
 * key empties the target list. The walk works on private copies with in-place updates because
 * several of kyaml's results depend on its nodes being shared between the list being built and
 * the target list (see appendListNode).
 *
 * Returns null when the patch deletes the object (`$patch: delete` at the top) or leaves it empty.
 * Identity is the caller's job: kustomize afterwards restores the target's name (unless
 * allowNameChange), kind (unless allowKindChange) and namespace (always), and sets the patch's
 * apiVersion/kind to the target's before merging.
 *
 * `schema` is the target's type (e.g. `registry.lookup(apiVersion, kind)`); without it, the schema
 * is looked up in `registry` from the target's (then the patch's) apiVersion/kind. Nested objects
 * that carry their own apiVersion/kind where the schema says nothing are looked up the same way.
 */
export function strategicMergePatch(
  target: YamlMap,
  patch: YamlMap,
  schema: TypeSchema | undefined,
  registry?: SchemaRegistry,
): YamlMap | null {
  const merger = new Merger(registry ?? schema?.registry);
  // cloneValue keeps which of the target's nulls were written empty (kyaml drops those).
  const copy = structuredClone(patch);
  copyMetadataTexts(patch, copy);
  const result = merger.walk(cloneValue(target), copy, schema, []);
  if (!isMap(result) || Object.keys(result).length === 0) return null;
  return result;
}

/** A node of the walk: a value, or undefined for a missing one (kyaml's nil). */
type Node = YamlValue | undefined;

/**
 * An explicit null (`null`, `~`) the target had and the patch did not mention: kept, where a
 * patch's null clears. An empty one (`key:`) is dropped, as kyaml does (yaml/empty-null.ts).
 */
const KEEP_NULL: unique symbol = Symbol("keep-null");
type Walked = Node | typeof KEEP_NULL;

type Directive = "merge" | "replace" | "delete" | "unknown";
const DIRECTIVE_KEY = "$patch";

function isNullish(v: unknown): v is null | undefined {
  return v === undefined || v === null;
}

function isEmptyMap(v: unknown): boolean {
  return isMap(v) && Object.keys(v).length === 0;
}

type NodeKind = "map" | "seq" | "scalar";
function kindOf(v: YamlValue): NodeKind {
  if (Array.isArray(v)) return "seq";
  return isMap(v) ? "map" : "scalar";
}
const KIND_NAMES: Record<NodeKind, string> = { map: "a map", seq: "a list", scalar: "a scalar" };

/** A scalar as YAML text, which is what kyaml compares when matching keys and list values. */
function scalarText(v: YamlValue): string {
  if (typeof v === "string") return v;
  if (v === null) return "null";
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  return "";
}

/** A node's own text (yaml.Node.Value): empty for maps and lists. */
const nodeText = scalarText;

/** A merge key's value as kyaml's ElementValuesList reads it: empty when null, empty or not a scalar. */
function keyValue(elem: YamlValue, key: string): string {
  if (!isMap(elem) || !Object.hasOwn(elem, key)) return "";
  const v = elem[key];
  if (v === null || typeof v === "object") return "";
  return scalarText(v);
}

function setContents(list: YamlValue[], items: YamlValue[]): void {
  list.length = 0;
  for (const item of items) list.push(item);
}

function setField(map: YamlMap, key: string, value: Walked): void {
  unmarkEmptyNull(map, key);
  if (value === undefined || value === null) {
    delete map[key];
    return;
  }
  const v = value === KEEP_NULL ? null : value;
  if (key === "__proto__")
    Object.defineProperty(map, key, { value: v, enumerable: true, writable: true, configurable: true });
  else map[key] = v;
}

function pathText(path: readonly string[]): string {
  return path.length === 0 ? "the top level" : path.join(".");
}

class Merger {
  /** walksToItself's answers kept for the maps the walk goes on to ask of (the walk's own copies). */
  private readonly known = new Map<YamlMap, boolean>();

  constructor(private readonly registry: SchemaRegistry | undefined) {}

  /** `destEmpty`: `dest` is a null written with no text. */
  walk(
    dest: Node,
    origin: Node,
    schema: TypeSchema | undefined,
    path: readonly string[],
    destEmpty = false,
  ): Walked {
    schema ??= this.schemaFromMeta(dest, origin);
    const first = !isNullish(dest) ? dest : !isNullish(origin) ? origin : undefined;
    if (first === undefined) return this.walkMap(dest, origin, schema, path, destEmpty);
    const kind = kindOf(first);
    for (const v of [dest, origin]) {
      if (!isNullish(v) && kindOf(v) !== kind) {
        throw new SlipwayError(
          `strategic merge patch: cannot merge ${KIND_NAMES[kindOf(v)]} with ${KIND_NAMES[kind]} at ${pathText(path)}`,
        );
      }
    }
    if (kind === "map") return this.walkMap(dest, origin, schema, path);
    if (kind === "seq") {
      if (schema?.isAssociativeList) return this.walkAssociativeList(dest, origin, schema, path);
      return origin !== undefined ? origin : dest;
    }
    return origin !== undefined ? origin : dest;
  }

  /** kyaml's GetSchema: where the schema says nothing, an object naming its own type brings one. */
  private schemaFromMeta(dest: Node, origin: Node): TypeSchema | undefined {
    if (!this.registry) return undefined;
    for (const v of [dest, origin]) {
      if (!isMap(v)) continue;
      const apiVersion = v.apiVersion;
      const kind = v.kind;
      if (
        isNullish(apiVersion) ||
        isNullish(kind) ||
        typeof apiVersion === "object" ||
        typeof kind === "object"
      )
        continue;
      const av = scalarText(apiVersion);
      const k = scalarText(kind);
      if (av === "" || k === "") continue;
      const s = this.registry.lookup(av, k);
      if (s) return s;
    }
    return undefined;
  }

  private walkMap(
    dest: Node,
    origin: Node,
    schema: TypeSchema | undefined,
    path: readonly string[],
    destEmpty = false,
  ): Walked {
    const merged = this.visitMap(dest, origin, path, destEmpty);
    if (!isMap(merged)) return merged;
    const names = new Set(Object.keys(merged));
    if (isMap(origin)) for (const k of Object.keys(origin)) names.add(k);
    for (const key of [...names].sort(compareGoStrings)) {
      const from = isMap(origin) && Object.hasOwn(origin, key) ? origin[key] : undefined;
      const to = Object.hasOwn(merged, key) ? merged[key] : undefined;
      const fieldSchema = schema?.field(key);
      // A field the patch does not name, with nothing the walk would change: left as it is.
      if (
        from === undefined &&
        fieldSchema === undefined &&
        !hasEmptyNullMark(merged, key) &&
        this.walksToItself(to)
      )
        continue;
      const empty = isEmptyNull(merged, key);
      setField(merged, key, this.walk(to, from, fieldSchema, [...path, key], empty));
      // kyaml takes the patch's scalar node, with the text it was written with.
      if (from !== undefined && (from === null || typeof from !== "object"))
        takeScalarText(origin as YamlMap, merged, key);
    }
    return merged;
  }

  /**
   * Whether walk(v, undefined, undefined) gives `v` back unchanged: it holds no null (kyaml keeps
   * or drops those), no null mark, and no map naming a type the registry knows (whose lists would
   * be merged by their keys); a list with no schema is taken as it is. A patch of a few fields of
   * a HelmRelease otherwise walked all of its values, for each HelmRelease of each build (a Flux
   * Kustomization's `patches` reach every one it builds): ~15 ms of a cold check of bjw-s home-ops.
   */
  private walksToItself(v: Node): boolean {
    if (v === undefined || v === null) return false;
    if (typeof v !== "object" || Array.isArray(v)) return true;
    const known = this.known.get(v);
    if (known !== undefined) return known;
    if (hasEmptyNullMarks(v) || this.schemaFromMeta(v, undefined) !== undefined) {
      this.known.set(v, false);
      return false;
    }
    // When a map is not left as it is, the walk asks again of the maps below it: those found on
    // the way are kept, so that no map is scanned twice (a deep tree once per level otherwise).
    const scanned: YamlMap[] = [];
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      const x = v[k] as YamlValue;
      if (!this.walksToItself(x)) {
        this.known.set(v, false);
        for (const m of scanned) this.known.set(m, true);
        return false;
      }
      if (isMap(x)) scanned.push(x);
    }
    return true;
  }

  private visitMap(dest: Node, origin: Node, path: readonly string[], destEmpty: boolean): Walked {
    if (isNullish(dest)) {
      if (isMap(origin) && mapDirective(origin, path, false) === "delete") return undefined;
      if (origin === undefined && dest === null) return destEmpty ? undefined : KEEP_NULL;
      return origin;
    }
    if (origin === null) return undefined;
    const directive = isMap(origin) ? mapDirective(origin, path, true) : "merge";
    if (directive === "delete") return undefined;
    if (directive === "replace") return origin;
    return dest;
  }

  private walkAssociativeList(dest: Node, origin: Node, schema: TypeSchema, path: readonly string[]): Walked {
    let list: Node;
    if (isNullish(dest)) list = origin;
    else if (origin === null) return undefined;
    else {
      const directive = Array.isArray(origin) ? listDirective(origin, path) : "merge";
      if (directive === "delete") return undefined;
      list = directive === "replace" ? origin : dest;
    }
    if (!Array.isArray(list)) return list;
    const keys = schema.mergeKeys;
    const patchList = Array.isArray(origin) ? origin : undefined;
    const values = elementKeyValues([patchList, list], keys);
    if (values.length > 0 || keys.length > 0)
      return this.mergeItems(values, keys, list, patchList, schema, path);
    return this.mergeItems(primitiveValues([patchList, list]), [""], list, patchList, schema, path);
  }

  /**
   * kyaml setAssociativeSequenceElements: merges item by item into a new list (patch items first),
   * then puts the target's items back by key. `keys` is [""] for lists of primitives.
   */
  private mergeItems(
    valuesList: string[][],
    keys: readonly string[],
    dest: YamlValue[],
    origin: YamlValue[] | undefined,
    schema: TypeSchema,
    path: readonly string[],
  ): YamlValue[] {
    const items: YamlValue[] = [];
    const elementSchema = schema.elements();
    if (keys.length > 1) valuesList = mergeValues(valuesList);
    let validKeys: string[] = [];
    for (const values of valuesList) {
      if (values.length === 0) continue;
      let validValues: string[];
      [validKeys, validValues] = validateKeys(valuesList, values, keys);
      const [lookupKeys, lookupValues] = validateKeys([validValues], validValues, validKeys);
      const val = this.walk(
        findElement(dest, lookupKeys, lookupValues),
        origin === undefined ? undefined : findElement(origin, lookupKeys, lookupValues),
        elementSchema,
        path,
      );
      if (isNullish(val) || val === KEEP_NULL || isEmptyMap(val)) {
        setElement(dest, undefined, validKeys, validValues, path);
        continue;
      }
      for (let i = 0; i < validKeys.length; i++) {
        const key = validKeys[i];
        if (validValues[i] === "") continue;
        if (isMap(val)) {
          if (!Object.hasOwn(val, key)) val[key] = validValues[i];
        } else if (key !== "" || typeof val === "object") {
          throw wrongKind(path, key === "" ? "a scalar" : "a map", val);
        }
      }
      setElement(items, val, validKeys, validValues, path);
    }
    if (valuesList.length === 0) return dest;
    return appendListNode(items, dest, validKeys, path);
  }
}

function wrongKind(path: readonly string[], expected: string, got: YamlValue): SlipwayError {
  const kind = KIND_NAMES[kindOf(got)];
  return new SlipwayError(
    `strategic merge patch: expected ${expected} but got ${kind} in the list at ${pathText(path)}`,
  );
}

/** A map's `$patch`; removes it when it is a known directive. Unknown values fail only if `strict`. */
function mapDirective(patch: YamlMap, path: readonly string[], strict: boolean): Directive {
  if (!Object.hasOwn(patch, DIRECTIVE_KEY)) return "merge";
  const raw = patch[DIRECTIVE_KEY];
  const v = raw === null || typeof raw !== "object" ? scalarText(raw) : "";
  if (v === "delete" || v === "replace" || v === "merge") {
    delete patch[DIRECTIVE_KEY];
    return v;
  }
  if (strict)
    throw new SlipwayError(`strategic merge patch: unknown patch strategy '${v}' at ${pathText(path)}`);
  return "unknown";
}

/** A list's directive: an item whose only field is `$patch`. The matching items are removed. */
function listDirective(patch: YamlValue[], path: readonly string[]): Directive {
  const item = patch.find((e) => isMap(e) && Object.hasOwn(e, DIRECTIVE_KEY)) as YamlMap | undefined;
  if (!item || Object.keys(item).length > 1) return "merge";
  const raw = item[DIRECTIVE_KEY];
  const v = raw === null || typeof raw !== "object" ? nodeText(raw) : "";
  if (v === "delete" || v === "replace" || v === "merge") {
    setElement(patch, undefined, [DIRECTIVE_KEY], [v], path);
    return v;
  }
  throw new SlipwayError(`strategic merge patch: unknown patch strategy '${v}' at ${pathText(path)}`);
}

/** Merge-key values of every item, the patch's items first, each distinct tuple once. */
function elementKeyValues(sources: Array<YamlValue[] | undefined>, keys: readonly string[]): string[][] {
  const result: string[][] = [];
  const seen = new Set<string>();
  for (const src of sources) {
    if (!src) continue;
    for (const elem of src) {
      const tuple = keys.map((k) => keyValue(elem, k));
      if (tuple.length === 0) continue;
      const id = JSON.stringify(tuple);
      if (seen.has(id)) continue;
      seen.add(id);
      result.push(tuple);
    }
  }
  return result;
}

function primitiveValues(sources: Array<YamlValue[] | undefined>): string[][] {
  const result: string[][] = [];
  const seen = new Set<string>();
  for (const src of sources) {
    if (!src) continue;
    for (const item of src) {
      const text = nodeText(item);
      if (seen.has(text)) continue;
      seen.add(text);
      result.push([text]);
    }
  }
  return result;
}

/**
 * kyaml validateKeys: the keys that have a value in any item of `valuesList` (with this item's
 * values for them, empty ones included); when no key has any value, all keys as they are.
 */
function validateKeys(
  valuesList: readonly string[][],
  values: readonly string[],
  keys: readonly string[],
): [string[], string[]] {
  const valid = new Set<string>();
  for (const vs of valuesList) {
    vs.forEach((v, i) => {
      if (v !== "") valid.add(keys[i]);
    });
  }
  if (valid.size === 0) return [[...keys], [...values]];
  const k = keys.filter((key) => valid.has(key));
  const v = values.filter((value, i) => value !== "" || valid.has(keys[i]));
  return [k, v];
}

/**
 * kyaml mergeValues (multi-key lists): two key tuples that agree wherever both have a value, and
 * share at least one value, are taken as the same item, e.g. a port with and without protocol.
 */
function mergeValues(valuesList: string[][]): string[][] {
  const list = valuesList.map((v) => [...v]);
  for (let i = 0; i < list.length; i++) {
    for (let j = 0; j < list.length; j++) {
      const merged = matchValues(list[i], list[j]);
      if (merged) {
        list[i] = merged;
        list[j] = [...merged];
      }
    }
  }
  return list;
}

function matchValues(a: readonly string[], b: readonly string[]): string[] | undefined {
  if (a.length !== b.length) return undefined;
  let common = false;
  const res: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) {
      common = true;
      res.push(a[i]);
      continue;
    }
    if (a[i] !== "" && b[i] !== "") return undefined;
    res.push(a[i] !== "" ? a[i] : b[i]);
  }
  return common ? res : undefined;
}

/** The first map item whose key fields all have exactly these texts (kyaml ElementList). */
function findElement(list: Node, keys: readonly string[], values: readonly string[]): Node {
  if (!Array.isArray(list)) return undefined;
  if (keys.length === 0 || keys[0] === "") return list.find((e) => nodeText(e) === (values[0] ?? ""));
  return list.find(
    (e) => isMap(e) && keys.every((k, i) => Object.hasOwn(e, k) && nodeText(e[k] as YamlValue) === values[i]),
  );
}

/** kyaml FieldMatcher{Name, StringValue}: an empty value matches any item having the field. */
function fieldMatches(elem: YamlValue, name: string, stringValue: string, path: readonly string[]): boolean {
  if (name === "") {
    if (typeof elem === "object" && elem !== null) throw wrongKind(path, "a scalar", elem);
    return nodeText(elem) === stringValue;
  }
  if (!isMap(elem)) throw wrongKind(path, "a map", elem);
  if (!Object.hasOwn(elem, name)) return false;
  if (stringValue === "") return true;
  return nodeText(elem[name] as YamlValue) === stringValue;
}

/**
 * kyaml ElementSetter: replaces the items matching all key/value pairs with `element` (or removes
 * them when it is undefined), appending it when nothing matched. Like kyaml it also drops null and
 * empty-map items, and with no values at all keeps only matches.
 */
function setElement(
  list: YamlValue[],
  element: YamlValue | undefined,
  keys: readonly string[],
  values: readonly string[],
  path: readonly string[],
): void {
  const ks = keys.length === 0 ? [""] : keys;
  const mappingSetter = ks[0] !== "" && values.length > 0 && values[0] !== "";
  const out: YamlValue[] = [];
  let matched = false;
  for (const elem of list) {
    if (isNullish(elem) || isEmptyMap(elem)) continue;
    if (!isMap(elem) && mappingSetter) {
      out.push(elem);
      continue;
    }
    let found = ks.length > 0;
    let last = false;
    for (let j = 0; j < ks.length; j++) {
      if (j < values.length) last = fieldMatches(elem, ks[j], values[j], path);
      if (!last) {
        found = false;
        break;
      }
    }
    if (!found) {
      if (values.length > 0) out.push(elem);
      continue;
    }
    matched = true;
    if (element !== undefined) out.push(element);
  }
  setContents(list, out);
  if (isNullish(element)) return;
  if (!matched) list.push(element);
}

/**
 * kyaml appendListNode with the target list as `src`: puts each target item into `dst` by key
 * (replacing the merged copy, which for merged items is the very same object); with several keys
 * the item moves to the end. Items without a key are appended as they are.
 */
function appendListNode(
  dst: YamlValue[],
  src: YamlValue[],
  keys: readonly string[],
  path: readonly string[],
): YamlValue[] {
  for (const elem of [...src]) {
    if (keys[0] === "") {
      setElement(dst, elem, [""], [nodeText(elem)], path);
      continue;
    }
    const v: string[] = [];
    for (const key of keys) {
      if (elem === null) {
        dst.push(elem);
        continue;
      }
      if (!isMap(elem)) throw wrongKind(path, "a map", elem);
      if (!Object.hasOwn(elem, key)) {
        dst.push(elem);
        continue;
      }
      v.push(nodeText(elem[key] as YamlValue));
    }
    // with several keys the item may already be in dst; kyaml removes it and re-adds it at the end
    if (keys.length > 1) setElement(dst, undefined, keys, v, path);
    setElement(dst, elem, keys, v, path);
  }
  return dst;
}
