/**
 * `$ref` beside other keywords in drafts 04, 06 and 07, as jsonschema v6 (Helm 4.1.4) reads it:
 * "All other properties in a "$ref" object MUST be ignored" (objcompiler.go compileDraft4 returns
 * right after compiling `$ref`, before `type`, `enum` and every other keyword). ajv 8 applies the
 * siblings in every draft, so `{"$ref": "#/definitions/port", "minimum": 5}` failed `1` in
 * Slipway and passed in Helm: a false error. For those drafts, the siblings that are keywords are
 * dropped before ajv compiles the schema; `definitions`/`$defs` stay (a pointer may lead into
 * them) and so do words that are not keywords. Drafts 2019-09 and 2020-12 apply siblings, as ajv.
 */
import type { Draft } from "./schema-accept.js";
import { AJV_KEYWORDS } from "./schema-accept.js";
import { SUBSCHEMA_KEYWORDS, SUBSCHEMA_LIST_KEYWORDS, SUBSCHEMA_MAP_KEYWORDS } from "./schema-keywords.js";

/** Keywords kept beside a `$ref`: they apply nothing, and pointers and ids resolve through them. */
const KEPT = new Set(["$ref", "$defs", "definitions", "$id", "id", "$schema", "$comment"]);
const ONE_OR_LIST = new Set([...SUBSCHEMA_KEYWORDS, ...SUBSCHEMA_LIST_KEYWORDS, "items"]);
const MAP = new Set([...SUBSCHEMA_MAP_KEYWORDS, "dependencies"]);

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

/** Defines `k` on `o` (an assigned `__proto__` would set the prototype instead). */
function put(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Whether `$ref` siblings may need dropping: a draft before 2019-09 whose text has a `$ref`. */
export function mayHaveRefSiblings(text: string, draft: Draft): boolean {
  return (draft === "4" || draft === "6" || draft === "7") && text.includes('"$ref"');
}

/** `schema` with the keywords beside each `$ref` dropped, or `schema` itself when none are. */
export function withoutRefSiblings(schema: unknown): unknown {
  return strip(schema).value;
}

function strip(s: unknown): { value: unknown; changed: boolean } {
  if (Array.isArray(s)) {
    let changed = false;
    const out = s.map((x) => {
      const r = strip(x);
      changed ||= r.changed;
      return r.value;
    });
    return changed ? { value: out, changed } : { value: s, changed };
  }
  if (!isObject(s)) return { value: s, changed: false };
  const isRef = typeof s.$ref === "string";
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (isRef && AJV_KEYWORDS.has(k) && !KEPT.has(k)) {
      changed = true;
      continue;
    }
    let value = v;
    if (ONE_OR_LIST.has(k)) {
      const r = strip(v);
      value = r.value;
      changed ||= r.changed;
    } else if (MAP.has(k) && isObject(v)) {
      const m: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(v)) {
        const r = strip(sub);
        changed ||= r.changed;
        put(m, name, r.value);
      }
      value = m;
    }
    put(out, k, value);
  }
  return changed ? { value: out, changed } : { value: s, changed };
}
