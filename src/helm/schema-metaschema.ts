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
 * lists each schema enclosing the failing keyword as "'allOf' failed". Every violation is
 * reported, in v6's tree (a subschema with several is "validation failed" above them); v6
 * orders the keywords of one schema and the members of a map in Go map order, which changes
 * from run to run, and Slipway in the schema's order.
 */
import type { Draft } from "./schema-accept.js";
import { SUBSCHEMA_KEYWORDS, SUBSCHEMA_LIST_KEYWORDS, SUBSCHEMA_MAP_KEYWORDS } from "./schema-keywords.js";

const SIMPLE_TYPES = ["array", "boolean", "integer", "null", "number", "object", "string"];
const ONE_OF_SIMPLE = `value must be one of ${SIMPLE_TYPES.map((t) => `'${t}'`).join(", ")}`;

type Want = "number" | "count" | "string" | "boolean" | "array" | "stringArray" | "anchor" | "id" | "uri";
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
  // core: identity, dialect, anchors, dynamic references
  $schema: "uri",
  $id: "id",
  id: "string",
  $anchor: "anchor",
  $dynamicAnchor: "anchor",
  $dynamicRef: "string",
  $recursiveRef: "string",
  $recursiveAnchor: "boolean",
  uniqueItems: "boolean",
  readOnly: "boolean",
  writeOnly: "boolean",
  deprecated: "boolean",
  enum: "array",
  examples: "array",
  required: "stringArray",
};

const DEFAULT_0_BY_ALL_OF = new Set(["minLength", "minItems", "minProperties"]);

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
  ["$id", 6],
  ["$anchor", 8],
  ["$recursiveRef", 8],
  ["$recursiveAnchor", 8],
  ["$dynamicRef", 9],
  ["$dynamicAnchor", 9],
]);
/** Keywords a draft's metaschema knows only up to that draft. */
const UNTIL = new Map<string, number>([["id", 4]]);
/**
 * 2020-12's metaschema keeps 2019-09's `$recursiveAnchor` (now an anchor name) and
 * `$recursiveRef` beside its vocabularies, as it keeps `definitions` and `dependencies`.
 */
const OWN_2020: Record<string, Want> = { $recursiveAnchor: "anchor", $recursiveRef: "string" };
const ORDINAL: Record<Draft, number> = { "4": 4, "6": 6, "7": 7, "2019": 8, "2020": 9 };
const known = (k: string, draft: Draft) =>
  (SINCE.get(k) ?? 0) <= ORDINAL[draft] && ORDINAL[draft] <= (UNTIL.get(k) ?? 9);

/** The pattern of `$anchor` and `$dynamicAnchor` (2019-09's and 2020-12's core metaschemas). */
const ANCHOR_PATTERN: Record<"2019" | "2020", RegExp> = {
  "2019": /^[A-Za-z][-A-Za-z0-9.:_]*$/,
  "2020": /^[A-Za-z_][-A-Za-z0-9._]*$/,
};

/**
 * A node of v6's error tree: a keyword's failure ("kw", printed with its causes below), a
 * subschema's several failures ("group", "validation failed") or a `$ref`/`$dynamicRef` into the
 * metaschema ("ref": a group's causes become its own; with one cause it is not printed).
 */
interface Node {
  kind: "kw" | "group" | "ref";
  at: string;
  text: string;
  causes: Node[];
}

const leaf = (at: string, text: string): Node => ({ kind: "kw", at, text, causes: [] });

/** A subschema's result: nothing, its one failure, or a group. */
function group(at: string, errors: Node[]): Node | undefined {
  if (errors.length === 0) return undefined;
  if (errors.length === 1) return errors[0];
  return { kind: "group", at, text: "validation failed", causes: errors };
}

/** The result of a reference to `r`. */
function ref(at: string, r: Node | undefined): Node | undefined {
  if (r === undefined) return undefined;
  return { kind: "ref", at, text: "validation failed", causes: r.kind === "group" ? r.causes : [r] };
}

/** The 2019-09 and 2020-12 vocabularies (the metaschema's `allOf`, in order) and their keywords. */
const VOCABULARIES: Record<"2019" | "2020", string[][]> = {
  "2019": [
    ["$ref", "$defs", "$comment", "$schema", "$id", "$anchor", "$recursiveRef", "$recursiveAnchor"],
    [
      "additionalItems",
      "unevaluatedItems",
      "items",
      "contains",
      "additionalProperties",
      "unevaluatedProperties",
      "properties",
      "patternProperties",
      "dependentSchemas",
      "propertyNames",
      "if",
      "then",
      "else",
      "allOf",
      "anyOf",
      "oneOf",
      "not",
    ],
    [], // validation: every other keyword checked here
    ["title", "description", "deprecated", "readOnly", "writeOnly", "examples"],
    ["format"],
    ["contentSchema"],
  ],
  "2020": [
    ["$ref", "$defs", "$comment", "$schema", "$id", "$anchor", "$dynamicRef", "$dynamicAnchor"],
    [
      "prefixItems",
      "items",
      "contains",
      "additionalProperties",
      "properties",
      "patternProperties",
      "dependentSchemas",
      "propertyNames",
      "if",
      "then",
      "else",
      "allOf",
      "anyOf",
      "oneOf",
      "not",
    ],
    ["unevaluatedItems", "unevaluatedProperties"],
    [],
    ["title", "description", "deprecated", "readOnly", "writeOnly", "examples"],
    ["format"],
    ["contentSchema"],
  ],
};
/** The validation vocabulary's place in VOCABULARIES. */
const VALIDATION: Record<"2019" | "2020", number> = { "2019": 2, "2020": 3 };

function vocabularyOf(k: string, draft: "2019" | "2020"): number {
  const i = VOCABULARIES[draft].findIndex((words) => words.includes(k));
  return i < 0 ? VALIDATION[draft] : i;
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "object" ? "object" : typeof v;
}

const pointerToken = (t: string): string => t.replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * v6's error for `schema` against `draft`'s metaschema, or undefined when none of the checks
 * fail: every violation, in v6's tree. Where v6 follows Go map order (the keywords of one
 * schema, the members of `properties`), the schema's order is used.
 */
export function metaschemaViolation(
  schema: unknown,
  draft: Draft,
  metaschemaUrl: string,
): string | undefined {
  const top = atSchema(schema, "", draft);
  if (!top) return undefined;
  const out: string[] = [];
  const show = (n: Node, depth: number): void => {
    if (n.kind === "ref" && n.causes.length === 1) {
      show(n.causes[0]!, depth);
      return;
    }
    out.push(`${"  ".repeat(depth)}- at '${n.at}': ${n.text}`);
    for (const c of n.causes) show(c, depth + 1);
  };
  // The validation error itself lists a group's causes.
  for (const n of top.kind === "group" ? top.causes : [top]) show(n, 0);
  return `"file:///values.schema.json#" is not valid against metaschema: jsonschema validation failed with '${metaschemaUrl}'\n${out.join("\n")}`;
}

/** The metaschema applied to one subschema. */
function atSchema(v: unknown, at: string, draft: Draft): Node | undefined {
  if (typeof v === "boolean" && draft !== "4") return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return leaf(at, `got ${jsonType(v)}, want ${draft === "4" ? "object" : "boolean or object"}`);
  }
  const ptr = (k: string) => `${at}/${pointerToken(k)}`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([k]) => known(k, draft));
  if (draft !== "2019" && draft !== "2020") {
    const errors: Node[] = [];
    for (const [k, x] of entries) {
      const r = keyword(k, x, ptr(k), draft);
      if (r) errors.push(r);
    }
    return group(at, errors);
  }
  // The metaschema's own properties (definitions, dependencies) first, then its allOf of
  // vocabularies, each a `$ref` to the vocabulary's metaschema.
  const own: Node[] = [];
  const byVocabulary: Node[][] = VOCABULARIES[draft].map(() => []);
  for (const [k, x] of entries) {
    const r = keyword(k, x, ptr(k), draft);
    if (!r) continue;
    if (k === "definitions" || k === "dependencies" || (draft === "2020" && Object.hasOwn(OWN_2020, k)))
      own.push(r);
    else byVocabulary[vocabularyOf(k, draft)]!.push(r);
  }
  const failed = byVocabulary.flatMap((errors) => {
    const r = ref(at, group(at, errors));
    return r ? [r] : [];
  });
  if (failed.length > 0) own.push({ kind: "kw", at, text: "'allOf' failed", causes: failed });
  return group(at, own);
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

/** The metaschema's property for keyword `k` applied to its value `x` (at `at`). */
function keyword(k: string, x: unknown, at: string, draft: Draft): Node | undefined {
  if (k === "type") return typeNode(x, at);
  // drafts before 2020-12: `items` is a subschema or a list of them (anyOf of both).
  if (k === "items" && draft !== "2020") return anyOfSchemaOrList(x, at, draft, schemaArray);
  // draft-04: `additionalProperties` and `additionalItems` are anyOf [boolean, schema] (a
  // subschema itself is never a boolean there).
  if (draft === "4" && (k === "additionalProperties" || k === "additionalItems")) {
    if (typeof x === "boolean") return undefined;
    const asSchema = ref(at, atSchema(x, at, draft));
    if (asSchema === undefined) return undefined;
    return {
      kind: "kw",
      at,
      text: "'anyOf' failed",
      causes: [leaf(at, `got ${jsonType(x)}, want boolean`), asSchema],
    };
  }
  if (SUBSCHEMA_KEYWORDS.has(k) || k === "items") return ref(at, atSchema(x, at, draft));
  if (k === "dependencies") {
    if (!isObject(x)) return leaf(at, `got ${jsonType(x)}, want object`);
    const members: Node[] = [];
    for (const [name, sub] of Object.entries(x)) {
      const r = anyOfSchemaOrList(sub, `${at}/${pointerToken(name)}`, draft, stringArray);
      if (r) members.push(r);
    }
    return group(at, members);
  }
  if (SUBSCHEMA_MAP_KEYWORDS.has(k)) {
    if (!isObject(x)) return leaf(at, `got ${jsonType(x)}, want object`);
    const members: Node[] = [];
    for (const [name, sub] of Object.entries(x)) {
      const r = ref(`${at}/${pointerToken(name)}`, atSchema(sub, `${at}/${pointerToken(name)}`, draft));
      if (r) members.push(r);
    }
    return group(at, members);
  }
  if (SUBSCHEMA_LIST_KEYWORDS.has(k)) return schemaArray(x, at, draft);
  return valueNode(k, x, at, draft);
}

/** `{$ref: #/definitions/schemaArray}`: a non-empty list of subschemas. */
function schemaArray(x: unknown, at: string, draft: Draft): Node | undefined {
  if (!Array.isArray(x)) return ref(at, leaf(at, `got ${jsonType(x)}, want array`));
  const errors: Node[] = [];
  if (x.length === 0) errors.push(leaf(at, "minItems: got 0, want 1"));
  for (const [i, sub] of x.entries()) {
    const r = ref(`${at}/${i}`, atSchema(sub, `${at}/${i}`, draft));
    if (r) errors.push(r);
  }
  return ref(at, group(at, errors));
}

/** `{$ref: #/definitions/stringArray}`: a list of strings. */
function stringArray(x: unknown, at: string, draft: Draft): Node | undefined {
  if (!Array.isArray(x)) return ref(at, leaf(at, `got ${jsonType(x)}, want array`));
  const errors: Node[] = [];
  // draft-04's stringArray is not empty.
  if (draft === "4" && x.length === 0) errors.push(leaf(at, "minItems: got 0, want 1"));
  const dup = firstDuplicate(x);
  if (dup) errors.push(leaf(at, `items at ${dup[0]} and ${dup[1]} are equal`));
  for (const [i, s] of x.entries())
    if (typeof s !== "string") errors.push(leaf(`${at}/${i}`, `got ${jsonType(s)}, want string`));
  return ref(at, group(at, errors));
}

/** `anyOf: [{$ref: #}, {$ref: <list>}]` (draft-07 `items`, `dependencies` members). */
function anyOfSchemaOrList(
  x: unknown,
  at: string,
  draft: Draft,
  list: (x: unknown, at: string, draft: Draft) => Node | undefined,
): Node | undefined {
  const asSchema = ref(at, atSchema(x, at, draft));
  if (asSchema === undefined) return undefined;
  const asList = list(x, at, draft);
  if (asList === undefined) return undefined;
  return { kind: "kw", at, text: "'anyOf' failed", causes: [asSchema, asList] };
}

/** `type`: anyOf [simpleTypes, {type: array, items: simpleTypes, minItems: 1, uniqueItems: true}]. */
function typeNode(x: unknown, at: string): Node | undefined {
  if (typeof x === "string" && SIMPLE_TYPES.includes(x)) return undefined;
  const second: Node[] = [];
  if (!Array.isArray(x)) second.push(leaf(at, `got ${jsonType(x)}, want array`));
  else {
    for (const [i, t] of x.entries())
      if (typeof t !== "string" || !SIMPLE_TYPES.includes(t)) second.push(leaf(`${at}/${i}`, ONE_OF_SIMPLE));
    if (x.length === 0) second.push(leaf(at, "minItems: got 0, want 1"));
    const dup = firstDuplicate(x);
    if (dup) second.push(leaf(at, `items at ${dup[0]} and ${dup[1]} are equal`));
    if (second.length === 0) return undefined;
  }
  return { kind: "kw", at, text: "'anyOf' failed", causes: [leaf(at, ONE_OF_SIMPLE), group(at, second)!] };
}

/** JSON text with object keys sorted: equal for values v6 finds equal (Go maps have no order). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

function firstDuplicate(list: unknown[]): [number, number] | undefined {
  const texts = list.map(canonical);
  for (let j = 1; j < texts.length; j++) for (let i = 0; i < j; i++) if (texts[i] === texts[j]) return [i, j];
  return undefined;
}

/** Draft-04's `exclusiveMaximum`/`exclusiveMinimum` are booleans (modifiers), numbers from draft-06. */
const EXCLUSIVE = new Set(["exclusiveMaximum", "exclusiveMinimum"]);

function valueNode(k: string, x: unknown, at: string, draft: Draft): Node | undefined {
  const want = EXCLUSIVE.has(k)
    ? draft === "4"
      ? "boolean"
      : "number"
    : ((draft === "2020" && Object.hasOwn(OWN_2020, k) ? OWN_2020[k] : undefined) ?? VALUE_KEYWORDS[k]);
  if (want === undefined) return undefined;
  const got = jsonType(x);
  // drafts 04 to 07: `enum` is a non-empty list of distinct values.
  if (k === "enum" && Array.isArray(x) && (draft === "4" || draft === "6" || draft === "7")) {
    const errors: Node[] = [];
    if (x.length === 0) errors.push(leaf(at, "minItems: got 0, want 1"));
    const dup = firstDuplicate(x);
    if (dup) errors.push(leaf(at, `items at ${dup[0]} and ${dup[1]} are equal`));
    return group(at, errors);
  }
  switch (want) {
    case "number":
      return typeof x === "number" ? undefined : leaf(at, `got ${got}, want number`);
    case "count": {
      let bad: Node | undefined;
      if (typeof x !== "number" || !Number.isInteger(x)) bad = leaf(at, `got ${got}, want integer`);
      else if (x < 0) bad = leaf(at, `minimum: got ${x}, want 0`);
      // drafts 04 to 07 give minLength, minItems and minProperties their default through an allOf.
      if (bad && DEFAULT_0_BY_ALL_OF.has(k) && (draft === "4" || draft === "6" || draft === "7"))
        return { kind: "kw", at, text: "'allOf' failed", causes: [bad] };
      return bad;
    }
    case "string":
    case "boolean":
    case "array":
      return got === want ? undefined : leaf(at, `got ${got}, want ${want}`);
    case "stringArray":
      return stringArray(x, at, draft);
    case "uri":
      // format "uri" (v6 asserts formats on metaschemas): a URL with a scheme.
      if (got !== "string") return leaf(at, `got ${got}, want string`);
      return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(x as string)
        ? undefined
        : leaf(at, `'${x}' is not valid uri: relative url`);
    case "anchor":
    case "id": {
      if (got !== "string") return leaf(at, `got ${got}, want string`);
      if (draft !== "2019" && draft !== "2020") return undefined;
      const pattern = want === "anchor" ? ANCHOR_PATTERN[draft] : /^[^#]*#?$/;
      return pattern.test(x as string)
        ? undefined
        : leaf(at, `'${x}' does not match pattern '${pattern.source}'`);
    }
  }
}
