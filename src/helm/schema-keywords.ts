/**
 * Where JSON Schema (drafts 04 to 2020-12) holds subschemas, by the shape of the keyword's value.
 * `items` (one schema or, before 2020-12, a list) and `dependencies` (a map whose members are
 * schemas or lists of names) hold more than one shape: each reader adds them where it takes them.
 */

/** Keywords holding one subschema. */
export const SUBSCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
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
export const SUBSCHEMA_MAP_KEYWORDS: ReadonlySet<string> = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
]);

/** Keywords holding a non-empty list of subschemas. */
export const SUBSCHEMA_LIST_KEYWORDS: ReadonlySet<string> = new Set([
  "allOf",
  "anyOf",
  "oneOf",
  "prefixItems",
]);
