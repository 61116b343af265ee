/**
 * A quick "these values certainly pass" for values.schema.json, checked before ajv is asked
 * (src/helm/schema.ts): compiling a schema costs ~0.7 ms per kB (traefik's 180 kB schema ~120 ms,
 * the conformance corpus's schemas ~500 ms per process), to validate one set of values, and
 * nearly every render's values are valid. This walks the schema over the values instead, and
 * answers only when it is sure; anything else goes to ajv, which stays the only judge of invalid
 * values and the only writer of error text.
 *
 * Sound by construction, not by approximation:
 * - a schema is eligible only when every keyword ajv knows (ajv 8's vocabularies for drafts 6, 7,
 *   2019-09 and 2020-12, see AJV_KEYWORDS) is one implemented here, every keyword value has the
 *   shape ajv's code generator expects, every pattern compiles as ajv compiles it (`u` flag),
 *   every `$ref` is a JSON pointer into the document that resolves, and no nested `$id`/`$schema`
 *   moves the base, and the schema passes its metaschema (schema-metaschema.ts); otherwise
 *   (draft-04, formats asserted by drafts 6/7, if/then/else, unevaluated*, …) ajv decides,
 *   exactly as before;
 * - each keyword is checked three-valued (yes, no, unsure) with ajv's own semantics: `$ref`
 *   applies beside its siblings (ignoreKeywordsWithRef is off), `properties`/`required` look a
 *   key up as `data[key]` (schema keys that Object.prototype has are not eligible), additional
 *   properties are the keys of `for…in`, lengths count code points (ucs2length), `enum`/`const`
 *   compare as JSON values (json-equal.ts, ajv's `equal` here), a non-finite number is unsure; `not` and `oneOf` need a sure
 *   "no", so every "no" is as exact as every "yes";
 * - only a sure "yes" skips ajv.
 * Patterns are Go regular expressions on RE2, as for ajv (schema.ts).
 * The differential test (test/helm/schema-accept.test.ts) checks yes ⇒ ajv valid and
 * no ⇒ ajv invalid on the corpus's schemas and generated ones.
 */

import { GoRegexp } from "../re2.js";
import { jsonEqual } from "./json-equal.js";
import { metaschemaViolation } from "./schema-metaschema.js";

const YES = 1;
const NO = 0;
const UNSURE = 2;
type Verdict = typeof YES | typeof NO | typeof UNSURE;

export type Draft = "4" | "6" | "7" | "2019" | "2020";

/** Every keyword ajv 8 compiles in any draft (Ajv.RULES.all), plus the core ones it reads. */
export const AJV_KEYWORDS: ReadonlySet<string> = new Set([
  "$comment",
  "$dynamicAnchor",
  "$dynamicRef",
  "$recursiveAnchor",
  "$recursiveRef",
  "$ref",
  "additionalItems",
  "additionalProperties",
  "allOf",
  "anyOf",
  "const",
  "contains",
  "dependencies",
  "dependentRequired",
  "dependentSchemas",
  "else",
  "enum",
  "exclusiveMaximum",
  "exclusiveMinimum",
  "format",
  "id",
  "if",
  "items",
  "maxContains",
  "maxItems",
  "maxLength",
  "maxProperties",
  "maximum",
  "minContains",
  "minItems",
  "minLength",
  "minProperties",
  "minimum",
  "multipleOf",
  "not",
  "nullable",
  "oneOf",
  "pattern",
  "patternProperties",
  "prefixItems",
  "properties",
  "propertyNames",
  "required",
  "then",
  "type",
  "unevaluatedItems",
  "unevaluatedProperties",
  "uniqueItems",
  // core: identity, dialect, vocabularies, anchors, definitions
  "$id",
  "$schema",
  "$vocabulary",
  "$anchor",
  "$defs",
  "definitions",
]);

/** The keywords checked here (format: only where it is an annotation, drafts 2019 and 2020). */
const IMPLEMENTED = new Set([
  "$comment",
  "$ref",
  "$defs",
  "definitions",
  "additionalProperties",
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "const",
  "enum",
  "exclusiveMaximum",
  "exclusiveMinimum",
  "maximum",
  "minimum",
  "maxLength",
  "minLength",
  "maxItems",
  "minItems",
  "maxProperties",
  "minProperties",
  "pattern",
  "patternProperties",
  "properties",
  "required",
  "type",
  "items",
  "uniqueItems",
]);

const JSON_TYPES = new Set(["null", "boolean", "object", "array", "number", "integer", "string"]);

type Schema = boolean | Record<string, unknown>;

/** A schema made ready: its patterns compiled, its references resolved. */
interface Prepared {
  root: Schema;
  patterns: Map<string, GoRegexp>;
  refs: Map<string, Schema>;
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);
const isNumber = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

/** The schema at a `#…` JSON pointer (URI-fragment encoded, as ajv resolves it), or undefined. */
function resolvePointer(root: Schema, ref: string): Schema | undefined {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let cur: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    let part: string;
    try {
      part = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    part = part.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(cur) && !Array.isArray(cur)) return undefined;
    if (!Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === "boolean" || isObject(cur) ? cur : undefined;
}

/** Compiled as ajv compiles it here: Go's regexp on RE2 (schema.ts's regExp engine). */
function compilePattern(p: Prepared, source: unknown): boolean {
  if (typeof source !== "string") return false;
  if (p.patterns.has(source)) return true;
  try {
    p.patterns.set(source, GoRegexp.compile(source));
    return true;
  } catch {
    return false;
  }
}

const isSchema = (x: unknown): x is Schema => typeof x === "boolean" || isObject(x);
const isSchemaArray = (x: unknown): x is Schema[] => Array.isArray(x) && x.length > 0 && x.every(isSchema);

/** Whether every keyword of `s` (and below) is implemented and well formed. */
function eligible(p: Prepared, s: unknown, draft: Draft, top: boolean): boolean {
  if (typeof s === "boolean") return true;
  if (!isObject(s)) return false;
  for (const [k, v] of Object.entries(s)) {
    if (!AJV_KEYWORDS.has(k)) continue; // ajv (strict off) ignores words it does not know
    if (k === "$schema" || k === "$id" || k === "id") {
      if (top) continue; // the top level's are replaced as schema.ts compiles it
      return false;
    }
    if (k === "format") {
      if (draft === "2019" || draft === "2020") continue; // an annotation there (validateFormats off)
      return false;
    }
    if (!IMPLEMENTED.has(k)) return false;
    switch (k) {
      case "$comment":
        break;
      case "$ref": {
        if (typeof v !== "string") return false;
        if (p.refs.has(v)) break;
        const target = resolvePointer(p.root, v);
        if (target === undefined) return false;
        p.refs.set(v, target);
        // the target may lie where the walk does not look for schemas (a pointer into an enum)
        if (!eligible(p, target, draft, target === p.root)) return false;
        break;
      }
      case "$defs":
      case "definitions":
      case "properties":
        if (!isObject(v)) return false;
        for (const [name, sub] of Object.entries(v)) {
          // ajv reads data[name]: a name Object.prototype answers would see its member
          if (k === "properties" && name in Object.prototype) return false;
          if (!eligible(p, sub, draft, false)) return false;
        }
        break;
      case "patternProperties":
        if (!isObject(v)) return false;
        for (const [pattern, sub] of Object.entries(v)) {
          if (!compilePattern(p, pattern) || !eligible(p, sub, draft, false)) return false;
        }
        break;
      case "additionalProperties":
      case "not":
      case "items":
        if (!isSchema(v) || !eligible(p, v, draft, false)) return false;
        break;
      case "allOf":
      case "anyOf":
      case "oneOf":
        if (!isSchemaArray(v)) return false;
        for (const sub of v) if (!eligible(p, sub, draft, false)) return false;
        break;
      case "enum":
        if (!Array.isArray(v)) return false;
        break;
      case "const":
        break;
      case "exclusiveMaximum":
      case "exclusiveMinimum":
        if (draft === "4" || !isNumber(v)) return false;
        break;
      case "maximum":
      case "minimum":
      case "maxLength":
      case "minLength":
      case "maxItems":
      case "minItems":
      case "maxProperties":
      case "minProperties":
        if (!isNumber(v)) return false;
        break;
      case "pattern":
        if (!compilePattern(p, v)) return false;
        break;
      case "required":
        if (!Array.isArray(v) || !v.every((x) => typeof x === "string" && !(x in Object.prototype)))
          return false;
        break;
      case "type":
        if (typeof v === "string") {
          if (!JSON_TYPES.has(v)) return false;
        } else if (!Array.isArray(v) || v.length === 0 || !v.every((t) => JSON_TYPES.has(t as string))) {
          return false;
        }
        break;
      case "uniqueItems":
        if (typeof v !== "boolean") return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** ajv's checkDataType for a finite-or-not value: unsure for a number that is not finite. */
function hasType(t: string, d: unknown): Verdict {
  switch (t) {
    case "null":
      return d === null ? YES : NO;
    case "boolean":
      return typeof d === "boolean" ? YES : NO;
    case "string":
      return typeof d === "string" ? YES : NO;
    case "array":
      return Array.isArray(d) ? YES : NO;
    case "object":
      return d !== null && typeof d === "object" && !Array.isArray(d) ? YES : NO;
    case "number":
      if (typeof d !== "number") return NO;
      return Number.isFinite(d) ? YES : UNSURE;
    case "integer":
      if (typeof d !== "number") return NO;
      if (!Number.isFinite(d)) return UNSURE;
      return Number.isInteger(d) ? YES : NO;
    default:
      return UNSURE;
  }
}

/** Code points, as ajv's ucs2length counts them. */
function ucs2length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    n++;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if ((d & 0xfc00) === 0xdc00) i++;
    }
  }
  return n;
}

const MAX_DEPTH = 256;

/** and of verdicts */
const both = (a: Verdict, b: Verdict): Verdict =>
  a === NO || b === NO ? NO : a === UNSURE || b === UNSURE ? UNSURE : YES;

function check(p: Prepared, s: Schema, d: unknown, depth: number): Verdict {
  if (s === true) return YES;
  if (s === false) return NO;
  if (depth > MAX_DEPTH) return UNSURE; // a reference cycle that consumes no data
  let v: Verdict = YES;
  const isArr = Array.isArray(d);
  const isObj = d !== null && typeof d === "object" && !isArr;
  const num = typeof d === "number";
  if (num && !Number.isFinite(d)) return UNSURE;
  for (const k in s) {
    const x = s[k];
    let r: Verdict = YES;
    switch (k) {
      case "$ref":
        r = check(p, p.refs.get(x as string) as Schema, d, depth + 1);
        break;
      case "type":
        if (typeof x === "string") r = hasType(x, d);
        else {
          r = NO;
          for (const t of x as string[]) {
            const h = hasType(t, d);
            if (h === YES) {
              r = YES;
              break;
            }
            if (h === UNSURE) r = UNSURE;
          }
        }
        break;
      case "properties":
        if (isObj) {
          const o = d as Record<string, unknown>;
          for (const name in x as Record<string, Schema>) {
            const val = o[name];
            if (val === undefined) continue;
            r = both(r, check(p, (x as Record<string, Schema>)[name] as Schema, val, depth + 1));
            if (r === NO) break;
          }
        }
        break;
      case "patternProperties":
        if (isObj)
          r = checkPatternProperties(p, x as Record<string, Schema>, d as Record<string, unknown>, depth);
        break;
      case "additionalProperties":
        if (isObj) r = checkAdditional(p, s, x as Schema, d as Record<string, unknown>, depth);
        break;
      case "required":
        if (isObj)
          for (const name of x as string[]) if ((d as Record<string, unknown>)[name] === undefined) r = NO;
        break;
      case "items":
        if (isArr) {
          for (const item of d as unknown[]) {
            r = both(r, check(p, x as Schema, item, depth + 1));
            if (r === NO) break;
          }
        }
        break;
      case "allOf":
        for (const sub of x as Schema[]) {
          r = both(r, check(p, sub, d, depth + 1));
          if (r === NO) break;
        }
        break;
      case "anyOf": {
        r = NO;
        for (const sub of x as Schema[]) {
          const c = check(p, sub, d, depth + 1);
          if (c === YES) {
            r = YES;
            break;
          }
          if (c === UNSURE) r = UNSURE;
        }
        break;
      }
      case "oneOf": {
        let yes = 0;
        let unsure = 0;
        for (const sub of x as Schema[]) {
          const c = check(p, sub, d, depth + 1);
          if (c === YES) yes++;
          else if (c === UNSURE) unsure++;
        }
        r = yes > 1 ? NO : unsure > 0 ? UNSURE : yes === 1 ? YES : NO;
        break;
      }
      case "not": {
        const c = check(p, x as Schema, d, depth + 1);
        r = c === YES ? NO : c === NO ? YES : UNSURE;
        break;
      }
      case "enum":
        r = NO;
        for (const e of x as unknown[]) {
          if (jsonEqual(d, e)) {
            r = YES;
            break;
          }
        }
        break;
      case "const":
        r = jsonEqual(d, x) ? YES : NO;
        break;
      case "maximum":
        if (num && !((d as number) <= (x as number))) r = NO;
        break;
      case "minimum":
        if (num && !((d as number) >= (x as number))) r = NO;
        break;
      case "exclusiveMaximum":
        if (num && !((d as number) < (x as number))) r = NO;
        break;
      case "exclusiveMinimum":
        if (num && !((d as number) > (x as number))) r = NO;
        break;
      case "maxLength":
        if (typeof d === "string" && ucs2length(d) > (x as number)) r = NO;
        break;
      case "minLength":
        if (typeof d === "string" && ucs2length(d) < (x as number)) r = NO;
        break;
      case "maxItems":
        if (isArr && (d as unknown[]).length > (x as number)) r = NO;
        break;
      case "minItems":
        if (isArr && (d as unknown[]).length < (x as number)) r = NO;
        break;
      case "maxProperties":
        if (isObj && Object.keys(d as object).length > (x as number)) r = NO;
        break;
      case "minProperties":
        if (isObj && Object.keys(d as object).length < (x as number)) r = NO;
        break;
      case "pattern":
        if (typeof d === "string" && !(p.patterns.get(x as string) as GoRegexp).test(d)) r = NO;
        break;
      case "uniqueItems":
        if (x === true && isArr) r = unique(d as unknown[]) ? YES : NO;
        break;
      default:
        break; // annotations, ignored words, and definitions (checked when referenced)
    }
    v = both(v, r);
    if (v === NO) return NO;
  }
  return v;
}

function unique(items: unknown[]): boolean {
  for (let i = 1; i < items.length; i++)
    for (let j = 0; j < i; j++) if (jsonEqual(items[i], items[j])) return false;
  return true;
}

function checkPatternProperties(
  p: Prepared,
  pp: Record<string, Schema>,
  o: Record<string, unknown>,
  depth: number,
): Verdict {
  let r: Verdict = YES;
  for (const pattern in pp) {
    const re = p.patterns.get(pattern) as GoRegexp;
    for (const key in o) {
      if (!re.test(key)) continue;
      r = both(r, check(p, pp[pattern] as Schema, o[key], depth + 1));
      if (r === NO) return NO;
    }
  }
  return r;
}

function checkAdditional(
  p: Prepared,
  s: Record<string, unknown>,
  extra: Schema,
  o: Record<string, unknown>,
  depth: number,
): Verdict {
  if (extra === true) return YES;
  const props = isObject(s.properties) ? s.properties : undefined;
  const patterns = isObject(s.patternProperties) ? Object.keys(s.patternProperties) : [];
  let r: Verdict = YES;
  for (const key in o) {
    if (props !== undefined && Object.hasOwn(props, key)) continue;
    if (patterns.some((pt) => (p.patterns.get(pt) as GoRegexp).test(key))) continue;
    r = both(r, check(p, extra, o[key], depth + 1));
    if (r === NO) return NO;
  }
  return r;
}

/** Prepared schemas by text; null when not eligible. */
const prepared = new Map<string, Prepared | null>();
const MAX_PREPARED = 256;

function prepare(text: string, draftOf: (schema: unknown) => Draft | { unknown: string }): Prepared | null {
  const known = prepared.get(text);
  if (known !== undefined) return known;
  let p: Prepared | null = null;
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch {
    schema = undefined; // ajv's path reports it
  }
  const draft = schema === undefined ? undefined : draftOf(schema);
  // A schema Helm refuses against its metaschema fails every render, whatever the values
  // (`title: 5` under a property the values lack passed here and failed in Helm).
  if (
    typeof draft === "string" &&
    draft !== "4" &&
    isSchema(schema) &&
    metaschemaViolation(schema, draft, "") === undefined
  ) {
    const candidate: Prepared = { root: schema, patterns: new Map(), refs: new Map() };
    if (eligible(candidate, schema, draft, true)) p = candidate;
  }
  if (prepared.size >= MAX_PREPARED) prepared.delete(prepared.keys().next().value as string);
  prepared.set(text, p);
  return p;
}

/**
 * The three-valued verdict of the schema `text` (values.schema.json; `draftOf` reads its draft as
 * schema.ts does) on `data` (JSON values): "yes" only when ajv would accept the data, "no" only
 * when it would reject them, "unsure" when the schema or the data is outside what is checked here.
 */
export function quickVerdict(
  text: string,
  draftOf: (schema: unknown) => Draft | { unknown: string },
  data: unknown,
): "yes" | "no" | "unsure" {
  const p = prepare(text, draftOf);
  if (p === null) return "unsure";
  const v = check(p, p.root, data, 0);
  return v === YES ? "yes" : v === NO ? "no" : "unsure";
}

/** A reference this pruning follows: a definition at the top level, named plainly. */
const PLAIN_REF = /^#\/(\$defs|definitions)\/([A-Za-z0-9._-]+)$/;

/**
 * How many `$ref`s name each top-level definition (keyed "kind/name"), counting every `$ref` key
 * of the document (inside enum or default values too: counting more is safe); undefined when a
 * reference has another form (a pointer elsewhere, `#`), which the pruning does not follow.
 */
function definitionRefCounts(node: unknown, counts: Map<string, number>): boolean {
  if (Array.isArray(node)) {
    for (const x of node) if (!definitionRefCounts(x, counts)) return false;
    return true;
  }
  if (!isObject(node)) return true;
  for (const k in node) {
    const v = node[k];
    if (k === "$ref") {
      const m = typeof v === "string" ? PLAIN_REF.exec(v) : null;
      if (m === null) return false;
      const key = `${m[1]}/${m[2]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      continue;
    }
    if (!definitionRefCounts(v, counts)) return false;
  }
  return true;
}

/** The definitions `$ref`s below `node` name (definitions themselves not entered). */
function refsBelow(node: unknown, out: Set<string>, top: boolean): void {
  if (Array.isArray(node)) {
    for (const x of node) refsBelow(x, out, false);
    return;
  }
  if (!isObject(node)) return;
  for (const k in node) {
    if (top && (k === "$defs" || k === "definitions")) continue;
    const v = node[k];
    if (k === "$ref" && typeof v === "string") {
      const m = PLAIN_REF.exec(v);
      if (m !== null) out.add(`${m[1]}/${m[2]}`);
      continue;
    }
    refsBelow(v, out, false);
  }
}

/**
 * Defines `k` on `o`: a schema's names are data, and an assigned `__proto__` would set the
 * prototype instead (a definition named `__proto__` vanished from the pruned schema).
 */
function put(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/**
 * The schema `text` with the subschemas that cannot report anything on `data` replaced by `true`,
 * as JSON text, or undefined when nothing is pruned. For ajv, which then compiles only what can
 * fail: a chart's schema describes every value, and a failing render breaks one or two of them
 * (cert-manager's 114 kB schema compiled in ~100 ms for one wrong type).
 *
 * A subschema is replaced only where it is applied to one value alone: the root, the properties
 * of such a schema, and a definition named by a single `$ref` of such a schema (every `$ref` of
 * the document must be a plain `#/$defs/NAME` or `#/definitions/NAME`). There, a property the
 * object lacks is never applied, and one whose value certainly passes (the quick verdict's sure
 * "yes") adds no error; ajv reports errors of the other subschemas in the same order with the same
 * paths, since property names stay (additionalProperties reads them) and only `true` replaces a
 * subschema. Definitions nothing reaches any more are left out. Only for eligible schemas.
 */
export function prunedSchemaText(
  text: string,
  draftOf: (schema: unknown) => Draft | { unknown: string },
  data: unknown,
): string | undefined {
  const p = prepare(text, draftOf);
  if (p === null || !isObject(p.root)) return undefined;
  const root = p.root;
  const counts = new Map<string, number>();
  if (!definitionRefCounts(root, counts)) return undefined;
  const definition = (key: string): Schema | undefined => {
    const [kind, name] = key.split("/") as [string, string];
    const defs = root[kind];
    return isObject(defs) && Object.hasOwn(defs, name) ? (defs[name] as Schema) : undefined;
  };
  const prunedDefs = new Map<string, Schema>();
  let pruned = 0;
  const prune = (s: Schema, d: unknown): Schema => {
    if (typeof s === "boolean") return s;
    const copy: Record<string, unknown> = { ...s };
    const props = s.properties;
    if (isObject(props)) {
      const isObj = d !== null && typeof d === "object" && !Array.isArray(d);
      const out: Record<string, unknown> = {};
      for (const name in props) {
        const sub = props[name] as Schema;
        const val = isObj ? (d as Record<string, unknown>)[name] : undefined;
        if (sub === true) put(out, name, true);
        else if (val === undefined || check(p, sub, val, 0) === YES) {
          put(out, name, true);
          pruned++;
        } else put(out, name, prune(sub, val));
      }
      copy.properties = out;
    }
    if (typeof s.$ref === "string") {
      const m = PLAIN_REF.exec(s.$ref);
      const key = m === null ? undefined : `${m[1]}/${m[2]}`;
      const target = key === undefined ? undefined : definition(key);
      if (key !== undefined && target !== undefined && counts.get(key) === 1 && !prunedDefs.has(key)) {
        prunedDefs.set(key, prune(target, d));
      }
    }
    return copy;
  };
  // The root's own `$ref` is followed too (cert-manager's root is one `$ref`).
  const out = prune(root, data) as Record<string, unknown>;
  if (pruned === 0) return undefined;
  // Keep the definitions still reached, in their order, pruned where they were.
  const reached = new Set<string>();
  const pending: unknown[] = [out];
  let first = true;
  while (pending.length > 0) {
    const before = new Set(reached);
    refsBelow(pending.pop(), reached, first);
    first = false;
    for (const key of reached) {
      if (before.has(key)) continue;
      const def = prunedDefs.get(key) ?? definition(key);
      if (def !== undefined) pending.push(def);
    }
  }
  for (const kind of ["$defs", "definitions"]) {
    const defs = root[kind];
    if (!isObject(defs)) continue;
    const kept: Record<string, unknown> = {};
    for (const name in defs) {
      const key = `${kind}/${name}`;
      if (reached.has(key)) put(kept, name, prunedDefs.get(key) ?? defs[name]);
    }
    out[kind] = kept;
  }
  return JSON.stringify(out);
}
