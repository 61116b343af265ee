/**
 * Keywords jsonschema v6 (Helm 4.1.4) ignores and ajv does not, dropped before ajv compiles:
 *
 * `id` from draft-06 on, where `$id` replaced it: v6 ignores the word (an unknown keyword), ajv
 * refuses to compile ("NOT SUPPORTED: keyword "id", use "$id" for schema ID"), so a draft-06
 * schema with a nested `id` failed in Slipway and passed in Helm.
 *
 * `$ref` beside other keywords in drafts 04, 06 and 07, as v6 reads it:
 * "All other properties in a "$ref" object MUST be ignored" (objcompiler.go compileDraft4 returns
 * right after compiling `$ref`, before `type`, `enum` and every other keyword). ajv 8 applies the
 * siblings in every draft, so `{"$ref": "#/definitions/port", "minimum": 5}` failed `1` in
 * Slipway and passed in Helm: a false error. For those drafts, the siblings that are keywords are
 * dropped before ajv compiles the schema; `definitions`/`$defs` stay (a pointer may lead into
 * them) and so do words that are not keywords. Drafts 2019-09 and 2020-12 apply siblings, as ajv.
 *
 * A `$ref` to a `urn:` (without a fragment): Helm's urnLoader resolves none and uses `true`
 * instead, which adds nothing; ajv refused a URN without a namespace (`urn:a`: "URN without nid
 * cannot be serialized"). Such a `$ref` is dropped.
 *
 * Not ignored but read otherwise: a `$ref` through the schema's own URL. v6 knows the file as
 * file:///values.schema.json, so `values.schema.json#/$defs/x`, `./values.schema.json` and
 * `file:///values.schema.json#/$defs/x` point into the document itself; ajv knows it by
 * Slipway's id and failed to load them. Without an `$id` or `id` anywhere (which would move the
 * base), such a reference is written as its fragment.
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

/** Whether the schema may have keywords v6 ignores or a `$ref` through its own URL (from its text). */
export function mayHaveIgnored(text: string, draft: Draft): boolean {
  const before2019 = draft === "4" || draft === "6" || draft === "7";
  return (
    (before2019 && text.includes('"$ref"')) ||
    // `id` as a keyword (a property named id holds an object): not a whole walk for every `"id"`.
    (draft !== "4" && /"id"\s*:\s*[^{\s]/.test(text)) ||
    text.includes(OWN_FILE) ||
    text.includes('"urn:')
  );
}

const OWN_FILE = "values.schema.json";
const OWN_URL = "file:///values.schema.json";

/** `schema` as v6 reads it (see above), or `schema` itself when that changes nothing. */
export function withoutIgnored(schema: unknown, draft: Draft, text: string): unknown {
  const rules: Rules = {
    refAlone: draft === "4" || draft === "6" || draft === "7",
    noId: draft !== "4",
    ownUrl: text.includes(OWN_FILE) && !text.includes('"$id"') && (draft !== "4" || !text.includes('"id"')),
  };
  return strip(schema, rules).value;
}

interface Rules {
  /** drafts before 2019-09: a `$ref`'s siblings are ignored */
  refAlone: boolean;
  /** drafts from 06 on: `id` is no keyword */
  noId: boolean;
  /** no `$id` or `id` anywhere: a `$ref` through file:///values.schema.json is a fragment */
  ownUrl: boolean;
}

/** A reference through the schema's own URL as its fragment (`#…`), or the reference itself. */
function throughOwnUrl(ref: string): string {
  if (!ref.includes(OWN_FILE)) return ref;
  let url: URL;
  try {
    url = new URL(ref, OWN_URL);
  } catch {
    return ref;
  }
  if (
    url.protocol !== "file:" ||
    url.host !== "" ||
    url.pathname !== "/values.schema.json" ||
    url.search !== ""
  )
    return ref;
  return url.hash === "" ? "#" : url.hash;
}

function strip(s: unknown, rules: Rules): { value: unknown; changed: boolean } {
  if (Array.isArray(s)) {
    let changed = false;
    const out = s.map((x) => {
      const r = strip(x, rules);
      changed ||= r.changed;
      return r.value;
    });
    return changed ? { value: out, changed } : { value: s, changed };
  }
  if (!isObject(s)) return { value: s, changed: false };
  const isRef = rules.refAlone && typeof s.$ref === "string";
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (
      (isRef && AJV_KEYWORDS.has(k) && !KEPT.has(k)) ||
      (rules.noId && k === "id") ||
      (k === "$ref" && typeof v === "string" && /^urn:[^#]*#?$/i.test(v))
    ) {
      changed = true;
      continue;
    }
    let value = v;
    if (k === "$ref" && rules.ownUrl && typeof v === "string" && throughOwnUrl(v) !== v) {
      value = throughOwnUrl(v);
      changed = true;
    }
    if (ONE_OR_LIST.has(k)) {
      const r = strip(v, rules);
      value = r.value;
      changed ||= r.changed;
    } else if (MAP.has(k) && isObject(v)) {
      const m: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(v)) {
        const r = strip(sub, rules);
        changed ||= r.changed;
        put(m, name, r.value);
      }
      value = m;
    }
    put(out, k, value);
  }
  return changed ? { value: out, changed } : { value: s, changed };
}
