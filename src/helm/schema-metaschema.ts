/**
 * The first check of a values.schema.json in Helm 4.1.4: jsonschema v6 (v6.0.2) validates the
 * schema against its draft's metaschema and refuses it with the violations, printed as its
 * error tree. ajv compiles without that check (a schema it cannot use fails with ajv's words, a
 * schema it can use passes), so the mistakes charts make are found here and worded as v6 does:
 *
 * - a subschema that is not an object (nor a boolean, from draft-06 on):
 *   "- at '/properties/a': got number, want boolean or object";
 * - `type` naming no JSON type: v6's `anyOf` of a simple type and a list of them;
 * - a keyword whose value has the wrong JSON type ("- at '/required': got string, want array"),
 *   a negative length or count ("minimum: got -1, want 0"), an empty list of subschemas.
 *
 * Drafts 2019-09 and 2020-12 split the metaschema into vocabularies joined by `allOf`, so v6
 * lists each schema enclosing the failing keyword as "'allOf' failed". Only the first violation
 * is reported: v6 reports all, in Go map order, which changes from run to run.
 */
import type { Draft } from "./schema-accept.js";

const SIMPLE_TYPES = ["array", "boolean", "integer", "null", "number", "object", "string"];
const ONE_OF_SIMPLE = `value must be one of ${SIMPLE_TYPES.map((t) => `'${t}'`).join(", ")}`;

/** Keywords holding one subschema. */
const SCHEMA_KEYWORDS = new Set([
  "additionalProperties",
  "additionalItems",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "unevaluatedItems",
  "unevaluatedProperties",
  "contentSchema",
]);
/** Keywords holding a map of subschemas. */
const SCHEMA_MAP_KEYWORDS = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
]);
/** Keywords holding a non-empty list of subschemas. */
const SCHEMA_LIST_KEYWORDS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);

type Want = "number" | "count" | "string" | "boolean" | "array" | "stringArray";
const VALUE_KEYWORDS: Record<string, Want> = {
  minimum: "number",
  maximum: "number",
  multipleOf: "number",
  minLength: "count",
  maxLength: "count",
  minItems: "count",
  maxItems: "count",
  minProperties: "count",
  maxProperties: "count",
  minContains: "count",
  maxContains: "count",
  title: "string",
  description: "string",
  $comment: "string",
  format: "string",
  $ref: "string",
  uniqueItems: "boolean",
  readOnly: "boolean",
  writeOnly: "boolean",
  deprecated: "boolean",
  enum: "array",
  examples: "array",
  required: "stringArray",
};

/** Keywords a draft's metaschema knows only from that draft on (others, unknown, go unchecked). */
const SINCE = new Map<string, number>([
  ["contains", 6],
  ["propertyNames", 6],
  ["examples", 6],
  ["$comment", 7],
  ["if", 7],
  ["else", 7],
  ["readOnly", 7],
  ["writeOnly", 7],
  ["$defs", 8],
  ["dependentSchemas", 8],
  ["unevaluatedItems", 8],
  ["unevaluatedProperties", 8],
  ["minContains", 8],
  ["maxContains", 8],
  ["deprecated", 8],
  ["contentSchema", 8],
  ["prefixItems", 9],
  ["then", 7],
]);
const ORDINAL: Record<Draft, number> = { "4": 4, "6": 6, "7": 7, "2019": 8, "2020": 9 };
const known = (k: string, draft: Draft) => (SINCE.get(k) ?? 0) <= ORDINAL[draft];

interface Violation {
  /** pointers of the schemas whose `allOf` v6 lists (2019-09 and 2020-12 only) */
  schemas: string[];
  /** the failure's lines, unindented (a nested line starts with two spaces per level) */
  lines: string[];
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "object" ? "object" : typeof v;
}

const pointerToken = (t: string): string => t.replaceAll("~", "~0").replaceAll("/", "~1");

/** v6's error for `schema` against `draft`'s metaschema, or undefined when none of the checks fail. */
export function metaschemaViolation(
  schema: unknown,
  draft: Draft,
  metaschemaUrl: string,
): string | undefined {
  const found = atSchema(schema, "", [], draft);
  if (!found) return undefined;
  const nested = draft === "2019" || draft === "2020";
  const out: string[] = [];
  const schemas = nested ? found.schemas : [];
  for (const [depth, at] of schemas.entries()) out.push(`${"  ".repeat(depth)}- at '${at}': 'allOf' failed`);
  for (const l of found.lines) out.push(`${"  ".repeat(schemas.length)}${l}`);
  return `"file:///values.schema.json#" is not valid against metaschema: jsonschema validation failed with '${metaschemaUrl}'\n${out.join("\n")}`;
}

function atSchema(v: unknown, at: string, enclosing: string[], draft: Draft): Violation | undefined {
  if (typeof v === "boolean" && draft !== "4") return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    const want = draft === "4" ? "object" : "boolean or object";
    return { schemas: enclosing, lines: [`- at '${at}': got ${jsonType(v)}, want ${want}`] };
  }
  const o = v as Record<string, unknown>;
  const inside = [...enclosing, at];
  const ptr = (...tokens: string[]) => `${at}${tokens.map((t) => `/${pointerToken(t)}`).join("")}`;
  const entries = Object.entries(o).filter(([k]) => known(k, draft));
  for (const [k, x] of entries) {
    const lines = k === "type" ? typeLines(x, ptr(k)) : valueLines(k, x, ptr(k));
    if (lines) return { schemas: inside, lines };
  }
  for (const [k, x] of entries) {
    let found: Violation | undefined;
    // 2020-12: `items` is one subschema (prefixItems took over the list form).
    if (k === "items" && draft === "2020" && Array.isArray(x)) found = atSchema(x, ptr(k), inside, draft);
    else if (SCHEMA_KEYWORDS.has(k) || (k === "items" && !Array.isArray(x)))
      found = atSchema(x, ptr(k), inside, draft);
    else if (SCHEMA_MAP_KEYWORDS.has(k) || (k === "dependencies" && isObject(x))) {
      if (!isObject(x))
        return { schemas: inside, lines: [`- at '${ptr(k)}': got ${jsonType(x)}, want object`] };
      for (const [name, sub] of Object.entries(x)) {
        // draft-07 dependencies may list property names instead of a subschema.
        if (k === "dependencies" && Array.isArray(sub)) continue;
        found ??= atSchema(sub, ptr(k, name), inside, draft);
      }
    } else if (SCHEMA_LIST_KEYWORDS.has(k) || (k === "items" && Array.isArray(x))) {
      if (!Array.isArray(x))
        return { schemas: inside, lines: [`- at '${ptr(k)}': got ${jsonType(x)}, want array`] };
      if (x.length === 0) return { schemas: inside, lines: [`- at '${ptr(k)}': minItems: got 0, want 1`] };
      for (const [i, sub] of x.entries()) found ??= atSchema(sub, ptr(k, String(i)), inside, draft);
    }
    if (found) return found;
  }
  return undefined;
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

/** `type`: anyOf [simpleTypes, {type: array, items: simpleTypes, minItems: 1, uniqueItems: true}]. */
function typeLines(x: unknown, at: string): string[] | undefined {
  if (typeof x === "string" && SIMPLE_TYPES.includes(x)) return undefined;
  const second: string[] = [];
  if (!Array.isArray(x)) second.push(`- at '${at}': got ${jsonType(x)}, want array`);
  else {
    for (const [i, t] of x.entries())
      if (typeof t !== "string" || !SIMPLE_TYPES.includes(t))
        second.push(`- at '${at}/${i}': ${ONE_OF_SIMPLE}`);
    if (x.length === 0) second.push(`- at '${at}': minItems: got 0, want 1`);
    const dup = firstDuplicate(x);
    if (dup) second.push(`- at '${at}': items at ${dup[0]} and ${dup[1]} are equal`);
    if (second.length === 0) return undefined;
  }
  const branch =
    second.length === 1 ? second : [`- at '${at}': validation failed`, ...second.map((l) => `  ${l}`)];
  return [`- at '${at}': 'anyOf' failed`, `  - at '${at}': ${ONE_OF_SIMPLE}`, ...branch.map((l) => `  ${l}`)];
}

function firstDuplicate(list: unknown[]): [number, number] | undefined {
  for (let j = 1; j < list.length; j++)
    for (let i = 0; i < j; i++) if (JSON.stringify(list[i]) === JSON.stringify(list[j])) return [i, j];
  return undefined;
}

function valueLines(k: string, x: unknown, at: string): string[] | undefined {
  const want = VALUE_KEYWORDS[k];
  if (want === undefined) return undefined;
  const got = jsonType(x);
  switch (want) {
    case "number":
      return typeof x === "number" ? undefined : [`- at '${at}': got ${got}, want number`];
    case "count":
      if (typeof x !== "number" || !Number.isInteger(x)) return [`- at '${at}': got ${got}, want integer`];
      return x < 0 ? [`- at '${at}': minimum: got ${x}, want 0`] : undefined;
    case "string":
    case "boolean":
    case "array":
      return got === want ? undefined : [`- at '${at}': got ${got}, want ${want}`];
    case "stringArray": {
      if (!Array.isArray(x)) return [`- at '${at}': got ${got}, want array`];
      const i = x.findIndex((s) => typeof s !== "string");
      return i < 0 ? undefined : [`- at '${at}/${i}': got ${jsonType(x[i])}, want string`];
    }
  }
}
