/**
 * What a values.schema.json means to jsonschema v6 (Helm) and ajv cannot take as written, rewritten
 * before ajv compiles it, the errors named back after it validates.
 *
 * `enum: []` (drafts 2019-09 and 2020-12 allow it; earlier metaschemas refuse it) fails every
 * value in v6 ("value must be one of "); ajv refuses to compile it. It becomes a keyword of
 * Slipway's that always fails, reported as that `enum`.
 *
 * Schema keys named `__proto__`, which ajv drops by design (vocabularies/code.js
 * allSchemaProperties, applicator/dependencies.js) and jsonschema v6 (Helm) enforces like any other
 * name: `properties: {"__proto__": {type: string}}` never failed `__proto__: 5` in Slipway. Before
 * ajv compiles a schema, an equivalent construct ajv does honour is added beside each such key
 * (which stays, ignored by ajv, so pointers into it resolve); values are never renamed, so error
 * paths and the names and strings keywords see stay as they are:
 *
 * - `properties.__proto__` is also `patternProperties["^__proto__$"]`: the same subschema applied
 *   to the same value, the key counted as declared by additionalProperties and as evaluated by
 *   unevaluatedProperties;
 * - a `patternProperties` pattern `__proto__` is also `(?:__proto__)`, the same Go regexp;
 * - `dependencies.__proto__` is also a keyword of Slipway's that runs ajv's own dependentRequired
 *   or dependentSchemas code, its errors named `dependencies` again (errorsBack).
 * Other places already work in ajv: `required` and `dependentRequired` lists (with ajv's
 * ownProperties), `dependentSchemas`, definitions and `enum`/`const` values with such a key.
 *
 * The rewritten schema is built from fresh objects with every key defined, never assigned, so no
 * key of the chart's schema can reach an object's prototype.
 */
import type { ErrorObject } from "ajv";
import { SUBSCHEMA_KEYWORDS, SUBSCHEMA_LIST_KEYWORDS, SUBSCHEMA_MAP_KEYWORDS } from "./schema-keywords.js";

const PROTO = "__proto__";

/** Slipway's keywords for `dependencies.__proto__` (`$` keeps them out of any draft's vocabulary). */
export const PROTO_DEPENDENT_REQUIRED = "$slipwayProtoDependentRequired";
export const PROTO_DEPENDENT_SCHEMAS = "$slipwayProtoDependentSchemas";
/** Slipway's keyword for `enum: []`. */
export const EMPTY_ENUM = "$slipwayEmptyEnum";

/** Keywords holding one subschema, or a list of them (`items` holds either). */
const ONE_OR_LIST = new Set([...SUBSCHEMA_KEYWORDS, ...SUBSCHEMA_LIST_KEYWORDS, "items"]);
/** Keywords holding a map of subschemas (`dependencies`: of schemas or lists of names). */
const MAP = new Set([...SUBSCHEMA_MAP_KEYWORDS, "dependencies"]);

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);
const has = (o: Record<string, unknown>, k: string): boolean => Object.hasOwn(o, k);

/** Defines `k` on `o` (an assignment of `__proto__` would set the prototype instead). */
function put(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Whether a `__proto__` key may occur in the schema (JSON text holds it as written or escaped). */
export function mayHaveProtoKey(text: string): boolean {
  return text.includes(PROTO) || /\\u00[0-9a-fA-F]{2}/.test(text);
}

/** Whether the schema may need rewriting (withRewrites). */
export function mayNeedRewrite(text: string): boolean {
  return mayHaveProtoKey(text) || /"enum"\s*:\s*\[\s*\]/.test(text);
}

/**
 * Whether an object anywhere in the schema (keywords' values included) has a `__proto__` key.
 * ajv's standalone code writes the schema as an object literal, where such a key sets the
 * prototype instead: `enum: [{"__proto__": 1}]` then equalled `{}`. Such a schema is compiled
 * in each process, never persisted.
 */
export function hasProtoKey(text: string): boolean {
  if (!mayHaveProtoKey(text)) return false;
  const walk = (x: unknown): boolean => {
    if (Array.isArray(x)) return x.some(walk);
    if (!isObject(x)) return false;
    return has(x, PROTO) || Object.values(x).some(walk);
  };
  try {
    return walk(JSON.parse(text));
  } catch {
    return false;
  }
}

/** `schema` as ajv can take it (see above), or `schema` itself when it needs nothing. */
export function withRewrites(schema: unknown): unknown {
  return rewrite(schema).value;
}

function rewrite(s: unknown): { value: unknown; changed: boolean } {
  if (Array.isArray(s)) {
    let changed = false;
    const out = s.map((x) => {
      const r = rewrite(x);
      changed ||= r.changed;
      return r.value;
    });
    return changed ? { value: out, changed } : { value: s, changed };
  }
  if (!isObject(s)) return { value: s, changed: false };
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    let value = v;
    if (ONE_OR_LIST.has(k)) {
      const r = rewrite(v);
      value = r.value;
      changed ||= r.changed;
    } else if (MAP.has(k) && isObject(v)) {
      const m: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(v)) {
        const r = rewrite(sub);
        changed ||= r.changed;
        put(m, name, r.value);
      }
      value = m;
    }
    put(out, k, value);
  }
  changed = moveProtoKeys(out) || changed;
  if (Array.isArray(out.enum) && out.enum.length === 0) {
    delete out.enum;
    put(out, EMPTY_ENUM, true);
    changed = true;
  }
  return changed ? { value: out, changed } : { value: s, changed };
}

/** A pattern key not used yet in `patterns` that matches what `base` matches (a Go regexp). */
function freshPattern(patterns: Record<string, unknown>, base: string): string {
  let p = base;
  while (has(patterns, p)) p = `(?:${p})`;
  return p;
}

/**
 * Adds, beside each `__proto__` key of one (already copied) schema object, the construct ajv
 * honours in its place; whether it added any. The original keys stay, ignored by ajv, so that a
 * `$ref` pointing into them still resolves.
 */
function moveProtoKeys(o: Record<string, unknown>): boolean {
  let changed = false;
  const patterns = o.patternProperties;
  if (isObject(patterns) && has(patterns, PROTO)) {
    const more: Record<string, unknown> = { ...patterns };
    put(more, freshPattern(more, `(?:${PROTO})`), patterns[PROTO]);
    put(o, "patternProperties", more);
    changed = true;
  }
  const props = o.properties;
  if (isObject(props) && has(props, PROTO)) {
    // A patternProperties that is not an object fails the metaschema before ajv compiles.
    const more: Record<string, unknown> = isObject(o.patternProperties) ? { ...o.patternProperties } : {};
    put(more, freshPattern(more, `^${PROTO}$`), props[PROTO]);
    put(o, "patternProperties", more);
    changed = true;
  }
  const deps = o.dependencies;
  if (isObject(deps) && has(deps, PROTO)) {
    const dep = deps[PROTO];
    const holder: Record<string, unknown> = {};
    put(holder, PROTO, dep);
    put(o, Array.isArray(dep) ? PROTO_DEPENDENT_REQUIRED : PROTO_DEPENDENT_SCHEMAS, holder);
    changed = true;
  }
  return changed;
}

/** ajv's errors of a rewritten schema as they would read for the schema as written. */
export function errorsBack(errors: ErrorObject[]): ErrorObject[] {
  return errors.map((e) => {
    if (e.keyword === EMPTY_ENUM) {
      const schemaPath = `${e.schemaPath.slice(0, -EMPTY_ENUM.length)}enum`;
      return { ...e, keyword: "enum", schemaPath, params: { allowedValues: [] } };
    }
    if (!e.schemaPath.includes("/$slipwayProtoDependent")) return e;
    const schemaPath = e.schemaPath
      .replaceAll(`/${PROTO_DEPENDENT_REQUIRED}`, "/dependencies")
      .replaceAll(`/${PROTO_DEPENDENT_SCHEMAS}`, "/dependencies");
    const keyword = e.keyword === PROTO_DEPENDENT_REQUIRED ? "dependencies" : e.keyword;
    return { ...e, keyword, schemaPath };
  });
}
