/**
 * A values.schema.json's local `$ref`s as jsonschema v6 (Helm 4.1.4, validator.go) follows them,
 * for ajv, which cannot:
 *
 * - A reference cycle that consumes no value (`{"properties":{"x":{"$ref":"#/properties/x"}}}`,
 *   `{"$ref":"#"}`, `a → allOf → b → anyOf → a`) is an error in v6 only when validation reaches
 *   it: each subschema applied to a value opens a scope, and a scope whose schema is already open
 *   for the same value fails with "both K1 and K2 resolve to "URL" causing reference cycle"
 *   (kind.RefCycle: K1 and K2 are the keyword paths of the two scopes from the root, URL the
 *   schema's location). A cycle the values never reach passes. ajv's compiler follows such
 *   references without end (or its code does, at validation): "Maximum call stack size exceeded".
 * - ajv names an error inside a `$ref` target by the target's path (`#/$defs/x/type`), not by the
 *   `$ref` that applied it, so the error could not be grouped under that `$ref` as v6 groups it.
 *
 * unrollRefs follows the values instead: each `$ref` applied to some value becomes its own copy of
 * the target, in place (INLINE_REF), so its errors read back (pathBack) with the keyword path v6
 * gives them (`#/properties/x/$ref/type`) and group as v6 nests them; a
 * schema re-entered for the same value becomes Slipway's keyword that fails with v6's cycle
 * message; a subschema no value reaches becomes `true`, as it is never applied. The copies are
 * for these values only: the result is compiled for one validation and not kept.
 *
 * Only references into the document itself (`#`, `#/…`, `#name` of an `$anchor`) are followed. A
 * schema with another kind of reference (a relative or absolute URI, `$dynamicRef`,
 * `$recursiveRef`) or a nested `$id` is not unrolled (undefined); nor is one whose copies would
 * pass MAX_NODES.
 */
import { GoRegexp } from "../re2.js";
import type { Draft } from "./schema-accept.js";

/** Slipway's keyword that fails with v6's reference-cycle message (`$`: in no draft's vocabulary). */
export const REF_CYCLE = "$slipwayRefCycle";
/**
 * Slipway's keyword holding a `$ref`'s copy of its target, applied to the same value: ajv names its
 * errors `…/$slipwayRef/…` below the schema that held the `$ref` (a `$ref` between schemas compiled
 * apart restarts ajv's schema path at `#`).
 */
export const INLINE_REF = "$slipwayRef";

/**
 * The same for a 2020-12 `$dynamicRef` in a schema that is one resource (no nested `$id`): its
 * dynamic scope holds that resource only, so it resolves as a `$ref` to the same fragment does
 * (an anchor named by `$anchor` or `$dynamicAnchor`), and v6 names its keyword path
 * `…/$dynamicRef/…`. Laid out only for a schema whose references close a cycle (`dynamic`):
 * ajv follows other `$dynamicRef`s itself.
 */
export const INLINE_DYNAMIC_REF = "$slipwayDynamicRef";

/** More copied schema objects than this: not unrolled (a schema with many paths to one cycle). */
const MAX_NODES = 20000;

type Json = unknown;
const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);
const isSchema = (x: unknown): boolean => typeof x === "boolean" || isObject(x);

/** Defines `k` on `o` (an assigned `__proto__` would set the prototype instead). */
function put(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** A JSON pointer reference token (RFC 6901). */
const escapeToken = (t: string): string => t.replaceAll("~", "~0").replaceAll("/", "~1");

/** Go's url.PathEscape of one token, as v6 writes a schema's location (util.go encode). */
function pathEscape(t: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(t)) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~$&+:=@]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** v6's location suffix of pointer tokens (each escaped, then path-escaped). */
const locationOf = (tokens: string[]): string => tokens.map((t) => `/${pathEscape(escapeToken(t))}`).join("");

/** Keywords applying one subschema to the same value. */
const SELF_ONE = ["not", "if", "then", "else"];
/** Keywords applying a list of subschemas to the same value. */
const SELF_LIST = ["allOf", "anyOf", "oneOf"];

/**
 * The tokens of a local reference (`#`, `#/a/b`, or `#name` for an `$anchor` of the document),
 * or undefined for any other reference.
 */
function localPointer(ref: string, anchors: Anchors): string[] | undefined {
  if (ref === "#") return [];
  if (!ref.startsWith("#/")) {
    if (!ref.startsWith("#")) return undefined;
    try {
      return anchors.get(decodeURIComponent(ref.slice(1)));
    } catch {
      return undefined;
    }
  }
  try {
    return ref
      .slice(2)
      .split("/")
      .map((t) => decodeURIComponent(t).replace(/~1/g, "/").replace(/~0/g, "~"));
  } catch {
    return undefined;
  }
}

/** `$anchor` names (2019-09 on) → their schema's tokens. */
type Anchors = Map<string, string[]>;

/** The document's anchors, or undefined when a name is used twice (v6 refuses the schema). */
function anchorsOf(root: Json, draft: Draft, dynamic = false): Anchors | undefined {
  const anchors: Anchors = new Map();
  if (draft !== "2019" && draft !== "2020") return anchors;
  let duplicate = false;
  const visit = (node: Json, tokens: string[]): void => {
    if (!isObject(node)) return;
    const names = [node.$anchor, dynamic && draft === "2020" ? node.$dynamicAnchor : undefined];
    for (const name of names) {
      if (typeof name !== "string") continue;
      if (anchors.has(name) && anchors.get(name)!.join("/") !== tokens.join("/")) duplicate = true;
      anchors.set(name, tokens);
    }
    for (const [rel, x] of allChildren(node)) visit(x, [...tokens, ...rel]);
  };
  visit(root, []);
  return duplicate ? undefined : anchors;
}

function lookup(root: Json, tokens: string[]): Json | undefined {
  let cur: Json = root;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(t) || Number(t) >= cur.length) return undefined;
      cur = cur[Number(t)];
    } else if (isObject(cur) && Object.hasOwn(cur, t)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

/** The subschemas of `s` applied to the same value, with their tokens below `s`. */
function sameValueChildren(s: Record<string, unknown>): Array<[string[], Json]> {
  const out: Array<[string[], Json]> = [];
  for (const k of SELF_ONE) if (Object.hasOwn(s, k) && isSchema(s[k])) out.push([[k], s[k]]);
  for (const k of SELF_LIST) {
    const v = s[k];
    if (Array.isArray(v)) for (const [i, x] of v.entries()) if (isSchema(x)) out.push([[k, String(i)], x]);
  }
  for (const k of ["dependentSchemas", "dependencies"]) {
    const v = s[k];
    if (isObject(v)) for (const [name, x] of Object.entries(v)) if (isSchema(x)) out.push([[k, name], x]);
  }
  return out;
}

/** Every subschema of `s` (any keyword that holds schemas), with its tokens below `s`. */
function allChildren(s: Record<string, unknown>): Array<[string[], Json]> {
  const out = sameValueChildren(s);
  for (const k of [
    "additionalProperties",
    "additionalItems",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "items",
  ]) {
    const v = s[k];
    if (isSchema(v)) out.push([[k], v]);
    else if (k === "items" && Array.isArray(v))
      for (const [i, x] of v.entries()) out.push([[k, String(i)], x]);
  }
  for (const k of ["properties", "patternProperties", "$defs", "definitions"]) {
    const v = s[k];
    if (isObject(v)) for (const [name, x] of Object.entries(v)) out.push([[k, name], x]);
  }
  const prefix = s.prefixItems;
  if (Array.isArray(prefix)) for (const [i, x] of prefix.entries()) out.push([["prefixItems", String(i)], x]);
  return out;
}

/**
 * Whether some subschema reaches itself through local `$ref`s and keywords that apply a
 * subschema to the same value (allOf, anyOf, oneOf, not, if/then/else, dependentSchemas):
 * a cycle ajv cannot compile or run, which v6 reports where the values reach it.
 */
export function hasRefCycle(root: Json, draft: Draft): boolean {
  const anchors = anchorsOf(root, draft, true) ?? new Map();
  const refs = (node: Record<string, unknown>): string[] =>
    [node.$ref, draft === "2020" ? node.$dynamicRef : undefined].filter((r) => typeof r === "string");
  const edges = new Map<string, string[]>();
  const seen = new Set<string>();
  const visit = (node: Json, tokens: string[]): void => {
    const key = tokens.map(escapeToken).join("/");
    if (seen.has(key)) return;
    seen.add(key);
    const out: string[] = [];
    edges.set(key, out);
    if (!isObject(node)) return;
    for (const ref of refs(node)) {
      const target = localPointer(ref, anchors);
      const sch = target === undefined ? undefined : lookup(root, target);
      if (target !== undefined && isSchema(sch)) {
        out.push(target.map(escapeToken).join("/"));
        visit(sch, target);
      }
    }
    for (const [rel] of sameValueChildren(node)) out.push([...tokens, ...rel].map(escapeToken).join("/"));
    for (const [rel, x] of allChildren(node)) visit(x, [...tokens, ...rel]);
  };
  visit(root, []);
  // Depth-first search for a back edge, without recursion (schemas nest deep).
  const state = new Map<string, 1 | 2>();
  for (const start of edges.keys()) {
    if (state.has(start)) continue;
    const stack: Array<[string, number]> = [[start, 0]];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const next = edges.get(top[0])?.[top[1]++];
      if (next === undefined) {
        state.set(top[0], 2);
        stack.pop();
      } else if (state.get(next) === 1) return true;
      else if (!state.has(next)) {
        state.set(next, 1);
        stack.push([next, 0]);
      }
    }
  }
  return false;
}

/** Keywords whose subschemas are laid out again by unrollRefs (all others are copied as they are). */
const LAID_OUT = new Set([
  "$ref",
  "$dynamicRef",
  "$defs",
  "definitions",
  ...SELF_ONE,
  ...SELF_LIST,
  "dependentSchemas",
  "dependencies",
  "properties",
  "patternProperties",
  "additionalProperties",
  "items",
  "prefixItems",
  "additionalItems",
  "contains",
  "propertyNames",
  "unevaluatedProperties",
  "unevaluatedItems",
]);

/** Keys that make a schema's references more than pointers into the file (with a string value). */
const NOT_LOCAL = new Set([
  "$dynamicRef",
  "$recursiveRef",
  "$dynamicAnchor",
  "$recursiveAnchor",
  "$id",
  "id",
]);

/** 2020-12's dynamic keywords, local in a one-resource schema laid out with `dynamic`. */
const DYNAMIC_2020 = new Set(["$dynamicRef", "$dynamicAnchor"]);

/** Whether any object below `x` (keywords' values too: counting more is safe) has a NOT_LOCAL key. */
function hasNonLocalKey(x: Json, local: ReadonlySet<string>): boolean {
  if (Array.isArray(x)) return x.some((y) => hasNonLocalKey(y, local));
  if (!isObject(x)) return false;
  for (const [k, v] of Object.entries(x)) {
    if (NOT_LOCAL.has(k) && !local.has(k) && typeof v === "string") return true;
    if (hasNonLocalKey(v, local)) return true;
  }
  return false;
}

/**
 * The schema with its `$ref`s laid out along `data` (see above), or undefined when it has a
 * reference or identifier that is not a local pointer, or too many copies.
 */
export function unrollRefs(root: Json, draft: Draft, data: Json, dynamic = false): Json | undefined {
  if (!isObject(root)) return undefined;
  const local: ReadonlySet<string> = dynamic && draft === "2020" ? DYNAMIC_2020 : new Set();
  // The root's own identifiers are replaced as schema.ts compiles it.
  for (const [k, v] of Object.entries(root)) {
    if (k === "$id" || k === "id" || k === "$schema") continue;
    if ((NOT_LOCAL.has(k) && !local.has(k) && typeof v === "string") || hasNonLocalKey(v, local))
      return undefined;
  }
  const anchors = anchorsOf(root, draft, local.size > 0);
  if (anchors === undefined) return undefined;
  let nodes = 0;
  let failed = false;

  /**
   * A copy of the subschema at `tokens` applied to `values`. `kwLoc` is v6's keyword location
   * for cycle messages (from the root through each `$ref`; it restarts at a `propertyNames`
   * schema, which v6 validates as a document of its own), `open` the schemas already applied to
   * these values (location → kwLoc).
   */
  const lay = (tokens: string[], values: Json[], kwLoc: string, open: Map<string, string>): Json => {
    if (failed) return true;
    const node = lookup(root, tokens);
    if (typeof node === "boolean") return node;
    if (!isObject(node)) {
      failed = true;
      return true;
    }
    const here = locationOf(tokens);
    const first = open.get(here);
    if (first !== undefined) {
      const cycle: Record<string, unknown> = {};
      put(
        cycle,
        REF_CYCLE,
        `both ${kwLoc} and ${first} resolve to "file:///values.schema.json#${here}" causing reference cycle`,
      );
      return cycle;
    }
    if (++nodes > MAX_NODES) {
      failed = true;
      return true;
    }
    const inner = new Map(open).set(here, kwLoc);
    const out: Record<string, unknown> = {};
    const same = (rel: string[]): Json =>
      lay([...tokens, ...rel], values, `${kwLoc}${locationOf(rel)}`, inner);
    const deeper = (rel: string[], below: Json[], restart = false): Json => {
      if (below.length === 0) return true; // never applied
      return lay([...tokens, ...rel], below, restart ? "" : `${kwLoc}${locationOf(rel)}`, new Map());
    };
    const objects = values.filter(isObject);
    const arrays = values.filter(Array.isArray) as Json[][];
    const props = isObject(node.properties) ? node.properties : undefined;
    const patterns = isObject(node.patternProperties) ? Object.keys(node.patternProperties) : [];
    const regexps = new Map<string, GoRegexp | undefined>();
    const matches = (pattern: string, key: string): boolean => {
      if (!regexps.has(pattern)) {
        try {
          regexps.set(pattern, GoRegexp.compile(pattern));
        } catch {
          regexps.set(pattern, undefined);
        }
      }
      const re = regexps.get(pattern);
      if (re === undefined) failed = true;
      return re?.test(key) ?? false;
    };
    const prefixLength = Array.isArray(node.prefixItems)
      ? node.prefixItems.length
      : Array.isArray(node.items)
        ? node.items.length
        : 0;
    for (const [k, v] of Object.entries(node)) {
      // every reference is laid out; copies would repeat the name
      if (k === "$anchor" || (k === "$dynamicAnchor" && local.size > 0)) continue;
      if (!LAID_OUT.has(k)) {
        put(out, k, v);
        continue;
      }
      if (k === "$defs" || k === "definitions") continue; // applied only through a $ref
      if (k === "$ref" || k === "$dynamicRef") {
        if (typeof v !== "string") continue;
        if (k === "$dynamicRef" && local.size === 0) {
          failed = true; // not reached: NOT_LOCAL refused the schema
          continue;
        }
        const target = localPointer(v, anchors);
        if (target === undefined || !isSchema(lookup(root, target))) {
          failed = true;
          continue;
        }
        put(out, k === "$ref" ? INLINE_REF : INLINE_DYNAMIC_REF, lay(target, values, `${kwLoc}/${k}`, inner));
        continue;
      }
      if (SELF_ONE.includes(k)) {
        put(out, k, isSchema(v) ? same([k]) : v);
      } else if (SELF_LIST.includes(k)) {
        put(out, k, Array.isArray(v) ? v.map((x, i) => (isSchema(x) ? same([k, String(i)]) : x)) : v);
      } else if (k === "dependentSchemas" || k === "dependencies") {
        if (!isObject(v)) {
          put(out, k, v);
          continue;
        }
        const m: Record<string, unknown> = {};
        for (const [name, x] of Object.entries(v)) {
          const applies = objects.some((o) => Object.hasOwn(o, name));
          put(m, name, isSchema(x) ? (applies ? same([k, name]) : true) : x);
        }
        put(out, k, m);
      } else if (k === "properties" || k === "patternProperties") {
        if (!isObject(v)) {
          put(out, k, v);
          continue;
        }
        const m: Record<string, unknown> = {};
        for (const name of Object.keys(v)) {
          const below: Json[] = [];
          for (const o of objects)
            for (const key of Object.keys(o))
              if (k === "properties" ? key === name : matches(name, key)) below.push(o[key]);
          put(m, name, deeper([k, name], below));
        }
        put(out, k, m);
      } else if (k === "additionalProperties" || k === "unevaluatedProperties") {
        const below: Json[] = [];
        for (const o of objects)
          for (const key of Object.keys(o)) {
            if (k === "unevaluatedProperties") below.push(o[key]);
            else if (!(props && Object.hasOwn(props, key)) && !patterns.some((p) => matches(p, key)))
              below.push(o[key]);
          }
        put(out, k, isSchema(v) ? deeper([k], below) : v);
      } else if (k === "propertyNames") {
        put(
          out,
          k,
          isSchema(v)
            ? deeper(
                [k],
                objects.flatMap((o) => Object.keys(o)),
                true,
              )
            : v,
        );
      } else if (k === "items" || k === "prefixItems") {
        if (Array.isArray(v)) {
          put(
            out,
            k,
            v.map((_, i) =>
              deeper(
                [k, String(i)],
                arrays.filter((a) => a.length > i).map((a) => a[i]),
              ),
            ),
          );
        } else {
          const from = k === "items" && draft === "2020" ? prefixLength : 0;
          put(
            out,
            k,
            isSchema(v)
              ? deeper(
                  [k],
                  arrays.flatMap((a) => a.slice(from)),
                )
              : v,
          );
        }
      } else if (k === "additionalItems") {
        // Applied only beside a list of items (ajv too): otherwise never.
        const from = Array.isArray(node.items) ? node.items.length : Number.POSITIVE_INFINITY;
        put(
          out,
          k,
          isSchema(v)
            ? deeper(
                [k],
                arrays.flatMap((a) => a.slice(from)),
              )
            : v,
        );
      } else {
        // contains, unevaluatedItems: any item
        put(out, k, isSchema(v) ? deeper([k], arrays.flat()) : v);
      }
    }
    return out;
  };

  const top = lay([], [data], "", new Map());
  return failed ? undefined : top;
}

/** An unrolled schema's path as v6's keyword path (`…/$slipwayRef/type` → `…/$ref/type`). */
export const pathBack = (schemaPath: string): string =>
  schemaPath.replaceAll(`/${INLINE_REF}`, "/$ref").replaceAll(`/${INLINE_DYNAMIC_REF}`, "/$dynamicRef");
