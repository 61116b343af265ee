/**
 * `values.schema.json` validation as Helm 4.1.4 does it (pkg/chart/common/util/jsonschema.go with
 * santhosh-tekuri/jsonschema v6), with ajv:
 *
 * - each chart's schema validates the coalesced values the chart sees: the parent's whole values,
 *   each enabled subchart its own table (a subchart whose table is missing or null is skipped, a
 *   non-map is an error);
 * - the draft comes from `$schema` as jsonschema v6 reads it: draft-04/06/07 URLs, 2019-09,
 *   2020-12, and `http://json-schema.org/schema#` or no `$schema` meaning the latest (2020-12);
 *   formats are asserted for draft-07 and earlier only (v6's default);
 * - `urn:` references resolve to a permissive schema (Helm's urnLoader); Helm fetches http(s)
 *   references, Slipway never does: such a schema is an error that names the URL and suggests
 *   `--skip-schema-validation`;
 * - the error text keeps Helm's shape: "values don't meet the specifications of the schema(s) in
 *   the following chart(s):", then per chart `name:` and one `- at '<pointer>': <reason>` line per
 *   violation, reasons worded like jsonschema v6's; a subschema with several violations is one
 *   "validation failed" line with its violations indented below (v6 lists them in Go map order,
 *   which changes between runs; Slipway's order is ajv's, and stable);
 * - `pattern` and `patternProperties` are Go regular expressions, matched on RE2 as v6 matches
 *   them: a chart's schema is input from a repository, and a backtracking engine let a pattern
 *   such as `^(a+)+$` hang a run; a pattern Go cannot compile fails the schema against its
 *   metaschema, as in Helm. A value or property name a pattern applies to that is longer than
 *   src/re2.ts's MAX_REGEXP_SUBJECT is the chart's schema error, at that value's path (Helm
 *   matches it); a long value no pattern applies to is not.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { RenderCache } from "../cache/store.js";
import { SlipwayError } from "../errors.js";
import { GoRegexp, MAX_REGEXP_SUBJECT, RegexpSubjectTooLong } from "../re2.js";
import { decodeJson, JsonSyntaxError } from "./funcs/go/json-decode.js";
import { useJsonEqualInAjv } from "./json-equal.js";
import { textOf } from "./loader.js";
import { chartName, type RenderChart } from "./render-chart.js";
import { type Draft, prunedSchemaText, quickVerdict } from "./schema-accept.js";
import {
  dialectError,
  draftOf,
  nestedDialectError,
  noLoaderFor,
  urnPointerError,
  urnRefs,
} from "./schema-dialect.js";
import { mayHaveIgnored, withoutIgnored } from "./schema-ignored.js";
import { metaschemaViolation } from "./schema-metaschema.js";
import {
  EMPTY_ENUM,
  errorsBack,
  hasProtoKey,
  mayNeedRewrite,
  PROTO_DEPENDENT_REQUIRED,
  PROTO_DEPENDENT_SCHEMAS,
  withRewrites,
} from "./schema-rewrite.js";
import {
  hasRefCycle,
  INLINE_DYNAMIC_REF,
  INLINE_REF,
  pathBack,
  REF_CYCLE,
  unrollRefs,
} from "./schema-unroll.js";
import { slogLine } from "./slog.js";
import { sprintf } from "./template/fmt.js";
import { GoInt, GoMap, type GoValue } from "./template/value.js";

const require = createRequire(import.meta.url);

interface AjvLike {
  compile(schema: unknown): ValidateFunction;
  addSchema(schema: unknown, key?: string): unknown;
  addMetaSchema(schema: unknown): unknown;
  addKeyword(def: Record<string, unknown>): unknown;
}
type AjvClass = new (opts: Record<string, unknown>) => AjvLike;

const load = (id: string): AjvClass => {
  const m = require(id) as { default?: AjvClass } & AjvClass;
  return m.default ?? m;
};

export class SchemaError extends SlipwayError {}

export { draftOf };

/**
 * ajv's regExp engine (options.code.regExp): Go's regexp on RE2. Standalone validators (the
 * persistent cache) name it by `code`, which loadStandalone's require resolves.
 */
const GO_REGEXP_MODULE = "slipway:go-regexp";
const goRegExp = Object.assign((pattern: string) => GoRegexp.compile(pattern), {
  code: `require(${JSON.stringify(GO_REGEXP_MODULE)})`,
});

const METASCHEMA_URLS: Record<Draft, string> = {
  "2020": "https://json-schema.org/draft/2020-12/schema#",
  "2019": "https://json-schema.org/draft/2019-09/schema#",
  "7": "http://json-schema.org/draft-07/schema#",
  "6": "http://json-schema.org/draft-06/schema#",
  "4": "http://json-schema.org/draft-04/schema#",
};

/**
 * ajv's generated code keeps the properties evaluated so far (for unevaluatedProperties) in an
 * object made as `{}` and asks `!props[key]`: a value's `valueOf`, `toString` or `constructor`
 * was found on Object.prototype and counted as evaluated, so `unevaluatedProperties: false` let
 * them through, where Helm fails them. The objects are made without a prototype instead (ajv's
 * code.process for compiled validators; the standalone code of persisted ones likewise).
 */
function nullPrototypeProps(code: string): string {
  return code.replace(/\b(props\d+) = (\1 \|\| )?\{\}/g, "$1 = $2Object.create(null)");
}

/** What INLINE_REF's code uses of ajv's KeywordCxt (ajv's own allOf does the same). */
interface InlineCxt {
  gen: { name(prefix: string): unknown };
  subschema(where: { keyword: string }, valid: unknown): unknown;
  ok(valid: unknown): void;
  mergeEvaluated(sub: unknown): void;
}

const compilers = new Map<Draft, AjvLike>();
/** ajv's code for `true`, made once with ajv's own code builder. */
let ALWAYS: unknown;

function compilerFor(draft: Draft): AjvLike {
  let ajv = compilers.get(draft);
  if (ajv) return ajv;
  useJsonEqualInAjv();
  ALWAYS ??= (require("ajv") as { _: (s: TemplateStringsArray) => unknown })._`true`;
  const assertFormats = draft === "4" || draft === "6" || draft === "7";
  // code.optimize off: ajv's extra passes over the generated validator halve compile speed, and
  // each schema validates one set of values per render, where they would not pay back.
  // code.source: the validator keeps its generated code, which the persistent cache stores.
  // verbose: errors carry the failing value, which the reasons print ("got string, want …").
  // ownProperties: a value's property is one it has, as in Go's map; without it ajv read
  // `data.constructor` and `data.toString` from Object.prototype, so `required: [constructor]`
  // passed on values without it and `properties: {toString: {type: object}}` failed on values
  // that never set it.
  const opts = {
    allErrors: true,
    ownProperties: true,
    strict: false,
    verbose: true,
    validateFormats: assertFormats,
    validateSchema: false,
    code: { optimize: false, source: true, regExp: goRegExp, process: nullPrototypeProps },
  };
  if (draft === "4") ajv = new (load("ajv-draft-04"))(opts);
  else if (draft === "2019") ajv = new (load("ajv/dist/2019.js"))(opts);
  else if (draft === "2020") ajv = new (load("ajv/dist/2020.js"))(opts);
  else {
    ajv = new (load("ajv"))(opts);
    if (draft === "6") ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json"));
  }
  // `dependencies.__proto__`, moved by schema-rewrite.ts to keywords running ajv's own code for it.
  type Def = { default: Record<string, unknown> };
  const required = require("ajv/dist/vocabularies/validation/dependentRequired.js") as Def;
  const schemas = require("ajv/dist/vocabularies/applicator/dependentSchemas.js") as Def;
  ajv.addKeyword({ ...required.default, keyword: PROTO_DEPENDENT_REQUIRED });
  ajv.addKeyword({ ...schemas.default, keyword: PROTO_DEPENDENT_SCHEMAS });
  // `enum: []`, which fails every value (schema-rewrite.ts).
  ajv.addKeyword({
    keyword: EMPTY_ENUM,
    schemaType: "boolean",
    code: (cxt: { fail(condition: unknown): void }) => cxt.fail(ALWAYS),
  });
  // A `$ref`'s (or `$dynamicRef`'s) copy of its target (schema-unroll.ts): applied like one allOf
  // branch, errors below it.
  for (const keyword of [INLINE_REF, INLINE_DYNAMIC_REF]) {
    ajv.addKeyword({
      keyword,
      schemaType: ["object", "boolean"],
      code: (cxt: InlineCxt) => {
        const valid = cxt.gen.name("valid");
        const sub = cxt.subschema({ keyword }, valid);
        cxt.ok(valid);
        cxt.mergeEvaluated(sub);
      },
    });
  }
  // A reference cycle reached by the values (schema-unroll.ts): fails with v6's message.
  ajv.addKeyword({
    keyword: REF_CYCLE,
    schemaType: "string",
    code: (cxt: { fail(condition: unknown): void }) => cxt.fail(ALWAYS),
  });
  if (assertFormats) {
    const addFormats = require("ajv-formats") as { default?: (a: AjvLike) => void } & ((a: AjvLike) => void);
    (addFormats.default ?? addFormats)(ajv);
  }
  compilers.set(draft, ajv);
  return ajv;
}

/** Compiled validators by schema text: a chart's schema is compiled once per process. */
const validators = new Map<string, ValidateFunction | Error>();

/** The ajv draft classes cache schemas by `$id`; strip it so two charts may reuse one. */
function withoutIds(schema: unknown, id: string): unknown {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return schema;
  const copy: Record<string, unknown> = { ...(schema as Record<string, unknown>) };
  delete copy.$schema;
  copy.$id = id;
  if ("id" in copy && typeof copy.id === "string") delete copy.id;
  return copy;
}

/** Forgets every compiled validator (tests that must see a persisted validator loaded). */
export function forgetValidators(): void {
  validators.clear();
}

let counter = 0;

function compile(text: string, cache: RenderCache | undefined): ValidateFunction {
  const hit = validators.get(text);
  if (hit instanceof Error) throw hit;
  if (hit) return hit;
  try {
    const v = cache === undefined ? compileUncached(text).validate : compilePersisted(text, cache);
    validators.set(text, v);
    return v;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    validators.set(text, err);
    throw err;
  }
}

const UNIT = "helm-schema";
// 2: verbose errors and patterns on RE2. 3: own properties only, `__proto__` keys rewritten,
// evaluated properties without a prototype. 4: `$ref` siblings dropped in drafts 04 to 07, `id`
// from draft-06 on (schema-ignored.ts).
const FORMAT = 4;

/**
 * The validator of a schema through the persistent cache: ajv's standalone code of the validator
 * (the same code ajv compiles, as a CommonJS module) kept under the schema's digest and the code
 * identity (which pins ajv's version through the lockfile), so a fresh process loads a compiled
 * schema instead of running ajv's compiler (~0.7 ms per kB of schema). A failed compile is never
 * stored; an entry that does not load as a function is a miss. A schema with a `__proto__` key
 * is not stored either (schema-rewrite.ts hasProtoKey).
 */
function compilePersisted(text: string, cache: RenderCache): ValidateFunction {
  if (hasProtoKey(text)) return compileUncached(text).validate;
  const digest = createHash("sha256").update(`${FORMAT}\0`).update(text).digest("hex");
  const key = cache.key(UNIT, digest);
  const body = cache.get(key) as { code?: unknown } | undefined;
  if (body !== undefined && typeof body.code === "string") {
    const loaded = loadStandalone(body.code);
    if (loaded !== undefined) return loaded;
  }
  const { validate, ajv } = compileUncached(text);
  const standalone = require("ajv/dist/standalone") as {
    default: (ajv: AjvLike, validate: ValidateFunction) => string;
  };
  cache.put(key, { code: nullPrototypeProps(standalone.default(ajv, validate)) });
  return validate;
}

function loadStandalone(code: string): ValidateFunction | undefined {
  useJsonEqualInAjv();
  const module: { exports: unknown } = { exports: {} };
  try {
    const requireIn = (id: string): unknown => (id === GO_REGEXP_MODULE ? goRegExp : require(id));
    new Function("module", "exports", "require", code)(module, module.exports, requireIn);
  } catch {
    return undefined;
  }
  return typeof module.exports === "function" ? (module.exports as ValidateFunction) : undefined;
}

/**
 * The schema of `text` as ajv takes it (its draft's ajv, `$ref` siblings dropped where v6 ignores
 * them), after the checks v6 makes before it validates anything: JSON syntax, a known draft, a
 * remote reference, the metaschema and patterns.
 */
function schemaForAjv(text: string): { schema: unknown; draft: Draft } {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (e) {
    throw new Error(
      goSchemaJsonError(text) ?? `invalid character in values.schema.json: ${(e as Error).message}`,
    );
  }
  const draft = draftOf(schema);
  if (typeof draft === "object") {
    throw new Error(dialectError(draft.unknown));
  }
  // A `$schema` below the root: only when the text has one besides the root's (a whole walk).
  const first = text.indexOf('"$schema"');
  const rootHasOne = typeof (schema as { $schema?: unknown } | null)?.$schema === "string";
  if (first !== -1 && (first !== text.lastIndexOf('"$schema"') || !rootHasOne)) {
    const nested = nestedDialectError(schema, draft);
    if (nested !== undefined) throw new Error(nested);
  }
  const remote = compilers.has(draft) ? undefined : onlyRemoteRef(schema);
  if (remote !== undefined) {
    ++counter; // the id ajv's attempt would have taken, so later ids stay as they were
    throw new Error(
      `failing loading "${remote}": Slipway does not fetch schemas over the network (use --skip-schema-validation)`,
    );
  }
  compilerFor(draft);
  const badPattern =
    metaschemaViolation(schema, draft, METASCHEMA_URLS[draft]) ?? invalidPattern(schema, draft);
  if (badPattern) throw new Error(badPattern);
  if (mayHaveIgnored(text, draft)) schema = withoutIgnored(schema, draft, text);
  return { schema, draft };
}

function compileUncached(text: string): { validate: ValidateFunction; ajv: AjvLike } {
  const { schema, draft } = schemaForAjv(text);
  return compileWithAjv(mayNeedRewrite(text) ? withRewrites(schema) : schema, draft);
}

function compileWithAjv(schema: unknown, draft: Draft): { validate: ValidateFunction; ajv: AjvLike } {
  const ajv = compilerFor(draft);
  for (let attempt = 0; attempt < 64; attempt++) {
    // A fresh id per attempt: ajv keeps a schema that failed on a missing reference under its id,
    // and compiling it again under that id failed with "already exists" instead of validating.
    const id = `file:///values-${++counter}.schema.json`;
    try {
      return { validate: ajv.compile(typeof schema === "boolean" ? schema : withoutIds(schema, id)), ajv };
    } catch (e) {
      const { missingSchema: missing, missingRef } = e as { missingSchema?: string; missingRef?: string };
      if (!missing) throw e;
      if (missing === id && missingRef !== undefined) {
        // A pointer into the chart's own schema that leads nowhere: v6 names it under Helm's id.
        throw new Error(
          `json-pointer in "file:///values.schema.json${missingRef.slice(id.length)}" not found`,
        );
      }
      if (missing.startsWith("urn:")) {
        ajv.addSchema(true, missing);
        continue;
      }
      const unknownScheme = noLoaderFor(missing);
      if (unknownScheme !== undefined) throw new Error(unknownScheme);
      const why = /^https?:/i.test(missing)
        ? "Slipway does not fetch schemas over the network"
        : "Slipway reads no schema outside the chart's values.schema.json";
      throw new Error(`failing loading "${missing}": ${why} (use --skip-schema-validation)`);
    }
  }
  throw new Error("too many unresolved references");
}

/**
 * The validator of `text` with its `$ref`s unrolled along `data` (schema-unroll.ts), compiled for
 * this validation only; undefined when the schema cannot be unrolled.
 */
function compileUnrolled(text: string, data: unknown, dynamic = false): ValidateFunction | undefined {
  const { schema, draft } = schemaForAjv(text);
  const unrolled = unrollRefs(schema, draft, data, dynamic);
  if (unrolled === undefined) return undefined;
  return compileWithAjv(mayNeedRewrite(text) ? withRewrites(unrolled) : unrolled, draft).validate;
}

/** How a schema text uses `$ref`, by text (a bounded cache: the texts of one run's charts). */
const refShapes = new Map<string, "none" | "plain" | "cycle">();

/**
 * "cycle" when local `$ref`s close a cycle on one value (schema-unroll.ts hasRefCycle), "plain"
 * for other `$ref`s, "none" without any (or when the schema fails before validating anything).
 */
function refShape(text: string): "none" | "plain" | "cycle" {
  if (!text.includes('"$ref"') && !text.includes('"$dynamicRef"')) return "none";
  let shape = refShapes.get(text);
  if (shape !== undefined) return shape;
  try {
    let schema: unknown = JSON.parse(text);
    const draft = draftOf(schema);
    if (typeof draft === "object")
      shape = "none"; // compile reports it
    else {
      if (mayHaveIgnored(text, draft)) schema = withoutIgnored(schema, draft, text);
      shape = hasRefCycle(schema, draft) ? "cycle" : "plain";
    }
  } catch {
    shape = "none"; // compile reports it
  }
  if (refShapes.size >= 256) refShapes.delete(refShapes.keys().next().value as string);
  refShapes.set(text, shape);
  return shape;
}

/**
 * jsonschema v6's UnmarshalJSON error for a schema JSON.parse refused: Go's json.Decoder reads
 * one value ("EOF" when there is none, "unexpected EOF" when it is cut short, the scanner's
 * message otherwise), then refuses anything after it.
 */
function goSchemaJsonError(text: string): string | undefined {
  if (/^[ \t\r\n]*$/.test(text)) return "EOF";
  try {
    decodeJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) return undefined;
    if (e.message === "unexpected end of JSON input") return "unexpected EOF";
    if (e.message.endsWith("after top-level value")) return "invalid character after top-level value";
    return e.message;
  }
  return undefined;
}

/**
 * An http(s) URL written as fast-uri serializes it (lower-case host, no port, a path, no dot
 * segments, no percent escapes, no query): resolved against the schema's file:// id, ajv names it as
 * written, without its fragment.
 */
const PLAIN_REMOTE_URL =
  /^https?:\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)+)((?:\/[A-Za-z0-9._~-]*)+)(#[A-Za-z0-9._~/-]*)?$/;

/**
 * The schema ajv would report missing, known without loading ajv (~100 modules, ~25 ms): for a
 * schema that is nothing but a `$ref` to a plain http(s) URL on another host than
 * json-schema.org (whose metaschemas ajv holds). Asked only before the draft's ajv exists, so
 * nothing compiled before can have registered that URL. bjw-s's app-template is such a schema
 * (a reference to its library's schema on GitHub). Anything else: undefined, ajv decides.
 */
export function onlyRemoteRef(schema: unknown): string | undefined {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return undefined;
  const o = schema as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    // $schema and $id are replaced by withoutIds, and so is `id` when a string.
    if (k === "$ref" || k === "$schema" || k === "$id" || (k === "id" && typeof o.id === "string")) continue;
    return undefined;
  }
  const ref = o.$ref;
  if (typeof ref !== "string") return undefined;
  const m = PLAIN_REMOTE_URL.exec(ref);
  if (m === null || m[1] === "json-schema.org" || m[1]!.endsWith(".json-schema.org")) return undefined;
  const path = m[2]!;
  if (path.split("/").some((seg) => seg === "." || seg === "..")) return undefined;
  return ref.slice(0, ref.length - (m[3]?.length ?? 0));
}

/** Keywords whose value is not a schema: nothing inside them is a pattern. */
const DATA_KEYWORDS = new Set(["enum", "const", "default", "examples", "example", "required"]);

/**
 * The metaschema failure Helm reports for a pattern Go's regexp cannot compile ("'(?=a)' is not
 * valid regex: error parsing regexp: …"), or undefined. Drafts 2019-09 and 2020-12 check
 * `pattern` through `allOf`, so v6 lists each enclosing schema as "'allOf' failed".
 */
function invalidPattern(schema: unknown, draft: Draft): string | undefined {
  const found = findInvalidPattern(schema, "", []);
  if (!found) return undefined;
  const nested = draft === "2019" || draft === "2020";
  const lines: string[] = [];
  if (nested)
    for (const [depth, at] of found.schemas.entries())
      lines.push(`${"  ".repeat(depth)}- at '${at}': 'allOf' failed`);
  const depth = nested ? found.schemas.length : 0;
  lines.push(
    `${"  ".repeat(depth)}- at '${found.at}': '${found.pattern}' is not valid regex: ${found.error}`,
  );
  return `"file:///values.schema.json#" is not valid against metaschema: jsonschema validation failed with '${METASCHEMA_URLS[draft]}'\n${lines.join("\n")}`;
}

/** A JSON pointer reference token (RFC 6901): `~` as `~0`, `/` as `~1`. */
const pointerToken = (t: string): string => t.replaceAll("~", "~0").replaceAll("/", "~1");

function findInvalidPattern(
  node: unknown,
  at: string,
  schemas: string[],
): { at: string; pattern: string; error: string; schemas: string[] } | undefined {
  if (typeof node !== "object" || node === null) return undefined;
  if (Array.isArray(node)) {
    for (const [i, x] of node.entries()) {
      const r = findInvalidPattern(x, `${at}/${i}`, schemas);
      if (r) return r;
    }
    return undefined;
  }
  const o = node as Record<string, unknown>;
  const inside = [...schemas, at];
  const pointer = (...tokens: string[]) => `${at}${tokens.map((t) => `/${pointerToken(t)}`).join("")}`;
  const check = (pattern: string, where: string) => {
    try {
      GoRegexp.compile(pattern);
      return undefined;
    } catch (e) {
      return { at: where, pattern, error: (e as Error).message, schemas: inside };
    }
  };
  if (typeof o.pattern === "string") {
    const r = check(o.pattern, pointer("pattern"));
    if (r) return r;
  }
  for (const [k, v] of Object.entries(o)) {
    if (DATA_KEYWORDS.has(k) || k === "pattern") continue;
    if (k === "patternProperties" && typeof v === "object" && v !== null && !Array.isArray(v)) {
      for (const name of Object.keys(v)) {
        const r = check(name, pointer(k, name));
        if (r) return r;
      }
    }
    if (
      k === "properties" ||
      k === "patternProperties" ||
      k === "$defs" ||
      k === "definitions" ||
      k === "dependentSchemas"
    ) {
      if (typeof v !== "object" || v === null) continue;
      for (const [name, sub] of Object.entries(v as Record<string, unknown>)) {
        const r = findInvalidPattern(sub, pointer(k, name), inside);
        if (r) return r;
      }
      continue;
    }
    const r = findInvalidPattern(v, pointer(k), inside);
    if (r) return r;
  }
  return undefined;
}

/** ajv's verdict alone (no quick check, no persistent cache): the differential tests' oracle. */
export function ajvAccepts(text: string, data: unknown): boolean | Error {
  try {
    return compile(text, undefined)(data) === true;
  } catch (e) {
    return e as Error;
  }
}

/** Go values as JSON for the validator. */
function toJson(v: GoValue): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof GoMap) {
    const o: Record<string, unknown> = {};
    v.forEach((x, k) => {
      // Only "__proto__" needs defining (assigned, it would set the prototype): defining every key
      // is a runtime call per key (a fresh process converting app-template's common values 78
      // times: 1.6 -> 0.95 ms).
      if (k === "__proto__")
        Object.defineProperty(o, k, { value: toJson(x), enumerable: true, writable: true });
      else o[k] = toJson(x);
    });
    return o;
  }
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof GoInt) return Number(v.value);
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (typeof v === "object") return String(v);
  return v;
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v === "object" ? "object" : typeof v;
}

/** Values as v6 displays them (Go's %v: null is <nil>). */
function quoteList(items: unknown[]): string {
  return items
    .map((x) => (typeof x === "string" ? `'${x}'` : x === null ? "<nil>" : JSON.stringify(x)))
    .join(", ");
}

/** One violation in jsonschema v6's words. */
function reason(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required": {
      const names = (p.names as string[] | undefined) ?? [String(p.missingProperty)];
      return `missing propert${names.length === 1 ? "y" : "ies"} ${names.map((n) => `'${n}'`).join(", ")}`;
    }
    case "type": {
      const got = jsonType(e.data);
      return `got ${got === "integer" ? "number" : got}, want ${String(p.type).replace(/,/g, " or ")}`;
    }
    case "enum": {
      const allowed = (p.allowedValues as unknown[]) ?? [];
      // v6 prints no values when one of them is a list or an object.
      if (allowed.some((x) => typeof x === "object" && x !== null)) return "'enum' failed";
      return allowed.length === 1
        ? `value must be ${quoteList(allowed)}`
        : `value must be one of ${quoteList(allowed)}`;
    }
    case "const":
      // v6 prints a list or an object it wanted as no value at all.
      if (typeof p.allowedValue === "object" && p.allowedValue !== null) return "'const' failed";
      return `value must be ${quoteList([p.allowedValue])}`;
    case "dependencies":
    case "dependentRequired": {
      const names = (p.names as string[] | undefined) ?? [String(p.missingProperty)];
      return `properties ${names.map((n) => `'${n}'`).join(", ")} required, if '${p.property}' exists`;
    }
    case "additionalProperties": {
      const names = (p.names as string[] | undefined) ?? [String(p.additionalProperty)];
      return `additional properties ${names.map((n) => `'${n}'`).join(", ")} not allowed`;
    }
    case "pattern":
      return `'${e.data}' does not match pattern '${p.pattern}'`;
    case "format":
      return `'${e.data}' is not valid ${p.format}`;
    case "minLength":
    case "maxLength":
      return `${e.keyword}: got ${[...String(e.data)].length}, want ${p.limit}`;
    case "minimum":
    case "maximum":
      // draft-04's boolean exclusiveMinimum/Maximum: ajv reports the bound, v6 the exclusive keyword.
      if (p.comparison === ">" || p.comparison === "<")
        return `exclusive${e.keyword === "minimum" ? "Minimum" : "Maximum"}: got ${e.data}, want ${p.limit}`;
      return `${e.keyword}: got ${e.data}, want ${p.limit}`;
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `${e.keyword}: got ${e.data}, want ${p.limit}`;
    case "minItems":
    case "maxItems":
      return `${e.keyword}: got ${Array.isArray(e.data) ? e.data.length : 0}, want ${p.limit}`;
    case "minProperties":
    case "maxProperties":
      return `${e.keyword}: got ${e.data && typeof e.data === "object" ? Object.keys(e.data).length : 0}, want ${p.limit}`;
    case "uniqueItems":
      return `items at ${p.j} and ${p.i} are equal`;
    case "multipleOf":
      return `multipleOf: got ${e.data}, want ${p.multipleOf}`;
    case "not":
      return "'not' failed";
    case "false schema":
      return "false schema";
    case REF_CYCLE:
      return String(e.schema);
    default:
      return e.message ?? e.keyword;
  }
}

/**
 * `unevaluatedProperties: false` and `unevaluatedItems: false`: ajv reports the object or list
 * once; v6 applies the false schema to each property or item left, each a failure at its path.
 */
function unevaluatedAsFalse(errors: ErrorObject[]): ErrorObject[] {
  return errors.flatMap((e): ErrorObject[] => {
    const p = e.params as { unevaluatedProperty?: unknown; limit?: unknown };
    if (e.keyword === "unevaluatedProperties" && typeof p.unevaluatedProperty === "string") {
      const instancePath = `${e.instancePath}/${pointerToken(p.unevaluatedProperty)}`;
      return [{ ...e, keyword: "false schema", instancePath }];
    }
    if (e.keyword === "unevaluatedItems" && typeof p.limit === "number" && Array.isArray(e.data)) {
      const out: ErrorObject[] = [];
      for (let i = p.limit; i < e.data.length; i++)
        out.push({ ...e, keyword: "false schema", instancePath: `${e.instancePath}/${i}` });
      return out;
    }
    return [e];
  });
}

/**
 * The violations as v6 prints its error tree (santhosh-tekuri/jsonschema v6.0.2, output.go). A
 * subschema applied to a value yields its failing keywords: one prints as itself, several as a
 * "validation failed" line with them indented below. `properties`, `items` and the like apply a
 * subschema to a deeper value, and its result is one keyword failure of the parent; `anyOf`,
 * `oneOf` and `allOf` print their own line ("'anyOf' failed") with their failing branches'
 * results below; `$ref` adds nothing of its own. The root prints its keyword failures only.
 */
function formatErrors(errors: ErrorObject[]): string {
  const root: Scope = { kind: "eval", at: "", entries: [], index: new Map() };
  const all = mergeNameLists(
    earlyReturns(unevaluatedAsFalse(errorsBack(errors)).filter((e) => e.keyword !== "if")),
  );
  for (const e of all) {
    const { chain, at, inName } = scopesOf(e);
    let node = root;
    for (const step of chain) node = scopeIn(node, step.key, step.kind, step.at, step.kw);
    if (e.keyword === "anyOf" || e.keyword === "oneOf")
      scopeIn(node, `${e.schemaPath}@${at}`, e.keyword, at, e.keyword).header = e;
    else if (e.keyword === "contains")
      scopeIn(node, `${e.schemaPath}@${at}`, "contains", at, "contains").header = e;
    else if (e.keyword === "propertyNames") {
      const name = String((e.params as { propertyName?: unknown }).propertyName);
      scopeIn(node, `${e.schemaPath}@${at}#${name}`, "propertyNames", "", "propertyNames").header = e;
    }
    // v6 checks a property name as a document of its own: its failures are at ''.
    else node.entries.push(inName ? { ...e, instancePath: "" } : e);
  }
  inV6Order(root);
  takeGroupsIntoRefs(root);
  // v6 returns a subschema's single failure as itself, several as a group; the root's group
  // (after single failures passed up) prints its causes at the top. A `$ref` is a node of its own.
  const resolve = (x: ErrorObject | Scope): ErrorObject | Scope =>
    "entries" in x && (x.kind === "eval" || x.kind === "ref") && x.entries.length === 1
      ? resolve(x.entries[0]!)
      : x;
  const top = resolve(root);
  const lines: string[] = [];
  const line = (depth: number, at: string, text: string): void => {
    lines.push(`${"  ".repeat(depth)}- at '${at}': ${text}`);
  };
  const show = (entry: ErrorObject | Scope, depth: number): void => {
    if (!("entries" in entry)) {
      line(depth, entry.instancePath, reason(entry));
      return;
    }
    if (entry.kind === "eval" || entry.kind === "ref") {
      if (entry.entries.length === 1) {
        show(entry.entries[0]!, depth);
        return;
      }
      line(depth, entry.at, "validation failed");
    } else line(depth, entry.at, combinatorReason(entry));
    // v6 lists no causes under too many matches of `contains`.
    if (entry.kind === "contains" && containsCount(entry).tooMany) return;
    for (const x of entry.entries) show(x, depth + 1);
  };
  if ("entries" in top && top.kind === "eval") for (const x of top.entries) show(x, 0);
  else show(top, 0);
  return lines.join("\n");
}

/** A subschema applied to a value ("eval"), or a combinator whose entries are its branches' evals. */
interface Scope {
  kind: "eval" | "ref" | "anyOf" | "oneOf" | "allOf" | "propertyNames" | "contains";
  at: string;
  entries: Array<ErrorObject | Scope>;
  index: Map<string, Scope>;
  header?: ErrorObject;
  /** The keyword of the schema above that made this scope (its place in v6's order). */
  kw?: string;
}

/**
 * The order in which v6 checks a schema's keywords (validator.go validate, objValidate,
 * arrValidate, strValidate, numValidate, validateRefs, condValidate, unevalValidate): a
 * subschema's failures are listed in it. (Members of a map, in Go map order, keep ajv's.)
 */
const V6_ORDER: ReadonlyMap<string, number> = new Map(
  [
    ["type", "const", "enum", "format", "$ref"],
    ["minProperties", "maxProperties", "required", "dependencies", "properties", "patternProperties"],
    ["additionalProperties", "propertyNames", "dependentSchemas", "dependentRequired"],
    ["minItems", "maxItems", "uniqueItems", "prefixItems", "items", "additionalItems", "contains"],
    ["minLength", "maxLength", "pattern", "contentEncoding", "contentMediaType"],
    ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
    ["$recursiveRef", "$dynamicRef", "not", "allOf", "anyOf", "oneOf", "if", "then", "else"],
    ["unevaluatedProperties", "unevaluatedItems"],
  ]
    .flat()
    .map((k, i) => [k, i]),
);

function v6Rank(x: ErrorObject | Scope): number {
  let kw: string | undefined;
  if ("entries" in x) kw = x.kw;
  else if (x.keyword === "false schema") kw = x.schemaPath.slice(x.schemaPath.lastIndexOf("/") + 1);
  else kw = x.keyword;
  return (kw === undefined ? undefined : V6_ORDER.get(kw)) ?? V6_ORDER.size;
}

/**
 * v6's validateRef: when the target's result is a group (its single failure is a deeper value's
 * group of failures), the `$ref`'s error takes the group's causes as its own, so they print below
 * a "validation failed" line at the value the `$ref` applies to, and the group's own line is gone.
 */
function takeGroupsIntoRefs(s: Scope): void {
  if (s.kind === "ref" && s.entries.length === 1) {
    let only = s.entries[0]!;
    while ("entries" in only && (only.kind === "eval" || only.kind === "ref") && only.entries.length === 1)
      only = only.entries[0]!;
    if ("entries" in only && only.kind === "eval" && only.entries.length > 1) s.entries = only.entries;
  }
  for (const x of s.entries) if ("entries" in x) takeGroupsIntoRefs(x);
}

/** Each scope's entries in v6's order (a stable sort: ajv's order within one keyword). */
function inV6Order(s: Scope): void {
  // A combinator's entries are its branches, in their order already.
  if (s.kind === "eval" || s.kind === "ref")
    s.entries = s.entries
      .map((x, i) => [x, v6Rank(x), i] as const)
      .sort((a, b) => a[1] - b[1] || a[2] - b[2])
      .map(([x]) => x);
  for (const x of s.entries) if ("entries" in x) inV6Order(x);
}

function scopeIn(parent: Scope, key: string, kind: Scope["kind"], at: string, kw?: string): Scope {
  let s = parent.index.get(key);
  if (s === undefined) {
    s = { kind, at, entries: [], index: new Map(), kw };
    parent.index.set(key, s);
    parent.entries.push(s);
  }
  return s;
}

function combinatorReason(s: Scope): string {
  if (s.kind === "oneOf") {
    const passing = (s.header?.params as { passingSchemas?: unknown[] } | undefined)?.passingSchemas;
    return passing
      ? `'oneOf' failed, subschemas ${quoteList(passing)} matched`
      : "'oneOf' failed, none matched";
  }
  if (s.kind === "contains") {
    const { matched, min, max, tooMany } = containsCount(s);
    const at = matched.join(" ");
    if (tooMany)
      return `max ${max} items required to match contains schema, but matched ${matched.length} items at ${at}`;
    if (min === undefined) return "no items match contains schema";
    return matched.length === 0
      ? `min ${min} items required to match contains schema, but none matched`
      : `min ${min} items required to match contains schema, but matched ${matched.length} items at ${at}`;
  }
  if (s.kind === "propertyNames") {
    const name = (s.header?.params as { propertyName?: unknown } | undefined)?.propertyName;
    return `invalid propertyName '${String(name)}'`;
  }
  return `'${s.kind}' failed`;
}

/**
 * A failed `contains`: the items that matched (those without an entry below it), the schema's
 * minContains and maxContains, and whether it failed for matching too many.
 */
function containsCount(s: Scope): { matched: number[]; min?: number; max?: number; tooMany: boolean } {
  const parent = s.header?.parentSchema as { minContains?: unknown; maxContains?: unknown } | undefined;
  const min = typeof parent?.minContains === "number" ? parent.minContains : undefined;
  const max = typeof parent?.maxContains === "number" ? parent.maxContains : undefined;
  const failed = new Set<number>();
  for (const x of s.entries) {
    const at = "entries" in x ? x.at : x.instancePath;
    failed.add(Number(at.slice(at.lastIndexOf("/") + 1)));
  }
  const items = Array.isArray(s.header?.data) ? s.header.data.length : 0;
  const matched: number[] = [];
  for (let i = 0; i < items; i++) if (!failed.has(i)) matched.push(i);
  return { matched, min, max, tooMany: max !== undefined && matched.length > max };
}

/** Keywords of a schema path that apply a subschema to a deeper value, and how many segments they take. */
const ENTERING: Record<string, number> = {
  properties: 2,
  patternProperties: 2,
  prefixItems: 2,
  additionalProperties: 1,
  additionalItems: 1,
  unevaluatedProperties: 1,
  unevaluatedItems: 1,
  contains: 1,
  items: 1,
};

const COMBINATORS = new Set(["anyOf", "oneOf", "allOf"]);

/** Keywords that apply a subschema to the same value, and how many segments they take. */
const SELF_SCOPES = new Map([
  ["then", 1],
  ["else", 1],
  ["dependentSchemas", 2],
  ["dependencies", 2],
]);

/**
 * The scopes an error sits in, read from its schema path, and the pointer of the value its
 * keyword is about. ajv restarts the schema path at a `$ref`'s target (`#/$defs/x/…`): such an
 * error sits in an eval of that target, applied where the value's path says, below evals keyed by
 * the value alone (ajv does not say which schema held the `$ref`).
 */
function scopesOf(e: ErrorObject): {
  chain: Array<{ key: string; kind: Scope["kind"]; at: string; kw?: string }>;
  at: string;
  inName: boolean;
} {
  const seg = e.schemaPath.split("/");
  const inst = e.instancePath.split("/").slice(1);
  // Below `propertyNames`, the subschema applies to a name, which v6 places at ''.
  let inName = false;
  const ptr = (d: number) => (inName || d === 0 ? "" : `/${inst.slice(0, d).join("/")}`);
  const chain: Array<{ key: string; kind: Scope["kind"]; at: string; kw?: string }> = [];
  let start = 1;
  let depth = 0;
  if ((seg[1] === "$defs" || seg[1] === "definitions") && seg.length > 3) {
    const applied = Math.max(0, inst.length - enteringSteps(seg, 3));
    for (let d = 1; d <= applied; d++) chain.push({ key: `@${ptr(d)}`, kind: "eval", at: ptr(d) });
    chain.push({
      key: `${seg.slice(0, 3).join("/")}@${ptr(applied)}`,
      kind: "ref",
      at: ptr(applied),
      kw: "$ref",
    });
    start = 3;
    depth = applied;
  }
  // The last segment is the failing keyword itself, never a scope.
  for (let i = start; i < seg.length - 1; i++) {
    const s = seg[i]!;
    if (s === "$ref" || s === "$dynamicRef") {
      // An unrolled schema's path (schema-unroll.ts pathBack): the target applied to the same value.
      chain.push({
        key: `${seg.slice(0, i + 1).join("/")}@${ptr(depth)}`,
        kind: "ref",
        at: ptr(depth),
        kw: s,
      });
      continue;
    }
    if (s === "contains") {
      // Each item's result is a cause of the one `contains` failure of the list.
      chain.push({
        key: `${seg.slice(0, i + 1).join("/")}@${ptr(depth)}`,
        kind: "contains",
        at: ptr(depth),
        kw: s,
      });
    }
    let width = ENTERING[s];
    if (width !== undefined) {
      // Draft-07 tuple items: items/N.
      if (s === "items" && /^\d+$/.test(seg[i + 1] ?? "")) width = 2;
      if (depth < inst.length) {
        depth++;
        chain.push({
          key: `${seg.slice(0, i + width).join("/")}@${ptr(depth)}`,
          kind: "eval",
          at: ptr(depth),
          kw: s,
        });
      }
      i += width - 1;
      continue;
    }
    if (s === "propertyNames" && e.propertyName !== undefined && !inName) {
      chain.push({
        key: `${seg.slice(0, i + 1).join("/")}@${ptr(depth)}#${e.propertyName}`,
        kind: "propertyNames",
        at: "",
        kw: s,
      });
      inName = true;
      continue;
    }
    const own = SELF_SCOPES.get(s);
    if (own !== undefined && i + own < seg.length) {
      // then/else/dependentSchemas: a subschema applied to the same value, its result one failure.
      chain.push({
        key: `${seg.slice(0, i + own).join("/")}@${ptr(depth)}`,
        kind: "eval",
        at: ptr(depth),
        kw: s,
      });
      i += own - 1;
      continue;
    }
    if (COMBINATORS.has(s) && i + 1 < seg.length - 1 && /^\d+$/.test(seg[i + 1]!)) {
      chain.push({
        key: `${seg.slice(0, i + 1).join("/")}@${ptr(depth)}`,
        kind: s as Scope["kind"],
        at: ptr(depth),
        kw: s,
      });
      chain.push({
        key: `${seg.slice(0, i + 2).join("/")}@${ptr(depth)}`,
        kind: "eval",
        at: ptr(depth),
        kw: s,
      });
      i++;
    }
  }
  return { chain, at: ptr(depth), inName };
}

/** How many deeper values the schema path from segment `from` enters. */
function enteringSteps(seg: string[], from: number): number {
  let n = 0;
  for (let i = from; i < seg.length - 1; i++) {
    let width = ENTERING[seg[i]!];
    if (width === undefined) continue;
    if (seg[i] === "items" && /^\d+$/.test(seg[i + 1] ?? "")) width = 2;
    n++;
    i += width - 1;
  }
  return n;
}

/** Keywords v6 checks first, in this order, each ending the check of its subschema when it fails. */
const EARLY = ["type", "const", "enum", "format"];

/**
 * ajv (allErrors) reports every failing keyword; v6 stops checking a subschema at the first of
 * type, const, enum and format that fails, so nothing else of that subschema, or below it, is
 * reported.
 */
function earlyReturns(errors: ErrorObject[]): ErrorObject[] {
  const parent = (e: ErrorObject) => e.schemaPath.slice(0, e.schemaPath.lastIndexOf("/"));
  const stops = new Map<string, { schema: string; instance: string; keyword: string; name?: string }>();
  for (const e of errors) {
    const rank = EARLY.indexOf(e.keyword);
    if (rank < 0) continue;
    // Below propertyNames, each name is a value of its own.
    const key = `${parent(e)}@${e.instancePath}#${e.propertyName ?? ""}`;
    const known = stops.get(key);
    if (!known || EARLY.indexOf(known.keyword) > rank)
      stops.set(key, {
        schema: parent(e),
        instance: e.instancePath,
        keyword: e.keyword,
        name: e.propertyName,
      });
  }
  if (stops.size === 0) return errors;
  return errors.filter((e) => {
    for (const stop of stops.values()) {
      const below =
        (e.schemaPath === stop.schema || e.schemaPath.startsWith(`${stop.schema}/`)) &&
        (e.instancePath === stop.instance || e.instancePath.startsWith(`${stop.instance}/`));
      if (!below || e.propertyName !== stop.name) continue;
      if (parent(e) === stop.schema && e.instancePath === stop.instance && e.keyword === stop.keyword)
        continue;
      return false;
    }
    return true;
  });
}

/** Keywords whose error names a property another one requires (ajv: one error per missing one). */
const PROPERTY_DEPENDENCIES = new Set(["dependencies", "dependentRequired"]);

/**
 * One error per object for its missing properties and for its additional ones, and per property
 * for the properties it requires, as v6 reports them.
 */
function mergeNameLists(errors: ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  const merged = new Map<string, string[]>();
  for (const e of errors) {
    const p = e.params as Record<string, unknown>;
    const name =
      e.keyword === "required" || PROPERTY_DEPENDENCIES.has(e.keyword)
        ? p.missingProperty
        : e.keyword === "additionalProperties"
          ? p.additionalProperty
          : undefined;
    if (typeof name !== "string") {
      out.push(e);
      continue;
    }
    // A property's dependencies are one violation per property that has them.
    const key = `${e.keyword}\0${e.schemaPath}\0${e.instancePath}\0${PROPERTY_DEPENDENCIES.has(e.keyword) ? p.property : ""}`;
    const names = merged.get(key);
    if (names) {
      names.push(name);
      continue;
    }
    const first = [name];
    merged.set(key, first);
    out.push({ ...e, params: { ...p, names: first } });
  }
  return out;
}

/** Deeper JSON is refused; schemas of real charts nest a few dozen levels. */
const MAX_SCHEMA_DEPTH = 256;
/** tooDeep's verdict per schema file (a chart's bytes are shared by all its renders). */
const depthChecked = new WeakMap<Uint8Array, boolean>();

/** Whether the JSON text nests deeper than MAX_SCHEMA_DEPTH (brackets in strings do not count). */
function tooDeep(bytes: Uint8Array, text: string): boolean {
  const known = depthChecked.get(bytes);
  if (known !== undefined) return known;
  let depth = 0;
  let deep = false;
  for (let i = 0, inString = false; i < text.length && !deep; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deep = ++depth > MAX_SCHEMA_DEPTH;
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  depthChecked.set(bytes, deep);
  return deep;
}

/**
 * A schema file's text, decoded once per file of a loaded chart: the same string at every
 * render, whose hash V8 keeps for the caches keyed by it (quickVerdict's, the validators').
 */
const schemaTexts = new WeakMap<Uint8Array, string>();

function schemaText(bytes: Uint8Array): string {
  let text = schemaTexts.get(bytes);
  if (text === undefined) schemaTexts.set(bytes, (text = textOf(bytes)));
  return text;
}

/** ValidateAgainstSingleSchema: the violations, or undefined. */
function validateOne(
  schemaBytes: Uint8Array,
  values: GoMap,
  cache: RenderCache | undefined,
  warnings?: Warnings,
): string | undefined {
  const text = schemaText(schemaBytes);
  if (text.includes('"urn:')) {
    if (warnings !== undefined) warnUrns(text, warnings);
    const urnError = urnPointerError(parsedOrUndefined(text));
    if (urnError !== undefined) return urnError;
  }
  // JSON.parse takes any depth and every step after it (the quick check, pruning, ajv) recurses:
  // a schema no chart needs is the chart's schema error, not the engine's stack overflow.
  if (tooDeep(schemaBytes, text))
    return `values.schema.json: nested deeper than ${MAX_SCHEMA_DEPTH} levels (Slipway's limit)`;
  const data = toJson(values);
  try {
    // Values that certainly pass need no compiled validator (schema-accept.ts); ajv judges the rest.
    if (quickVerdict(text, draftOf, data) === "yes") return undefined;
    return violations(text, data, cache);
  } catch (e) {
    if (e instanceof RegexpSubjectTooLong) return `${tooLongForPattern(e, data)}\n`;
    throw e;
  }
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Helm's warnings while validating: where to log them, and the URNs already logged. */
interface Warnings {
  warn: (line: string) => void;
  urns: Set<string>;
}

/** Helm's urnLoader logs each URN it cannot resolve, once (pkg/chart/common/util/jsonschema.go). */
function warnUrns(text: string, warnings: Warnings): void {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch {
    return;
  }
  for (const urn of urnRefs(schema)) {
    if (warnings.urns.has(urn)) continue;
    warnings.urns.add(urn);
    warnings.warn(
      slogLine("WARN", "unresolved URN reference ignored; using permissive schema", [["urn", urn]]),
    );
  }
}

/**
 * The schema error for a value or property name too long to match a pattern against: a line in
 * v6's shape, at the value's path (for a property name, its object's), naming the pattern.
 */
function tooLongForPattern(e: RegexpSubjectTooLong, data: unknown): string {
  const found = locate(data, e.subject, "");
  const what = found?.key ? "a property name" : "a string";
  return `- at '${found?.at ?? ""}': ${what} of ${e.subject.length} characters is more than Slipway's limit of ${MAX_REGEXP_SUBJECT} for values.schema.json's pattern '${e.pattern}' (Helm matches it)`;
}

/** The JSON pointer of the first value (or object with a property name) in `data` equal to `s`. */
function locate(data: unknown, s: string, at: string): { at: string; key: boolean } | undefined {
  if (typeof data === "string")
    return data.length === s.length && data === s ? { at, key: false } : undefined;
  if (typeof data !== "object" || data === null) return undefined;
  if (Array.isArray(data)) {
    for (const [i, x] of data.entries()) {
      const r = locate(x, s, `${at}/${i}`);
      if (r) return r;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(data)) {
    if (k.length === s.length && k === s) return { at, key: true };
    const r = locate(v, s, `${at}/${pointerToken(k)}`);
    if (r) return r;
  }
  return undefined;
}

/**
 * ajv's violations of schema `text` by `data` (JSON values) in Helm's words, or undefined. With
 * `prune` (off only to test it), ajv compiles only the subschemas that can report on these
 * values (schema-accept.ts prunedSchemaText): the same errors, in the same order.
 */
export function violations(
  text: string,
  data: unknown,
  cache: RenderCache | undefined,
  prune = true,
): string | undefined {
  const t = (prune ? prunedSchemaText(text, draftOf, data) : undefined) ?? text;
  const shape = refShape(t);
  let validate: ValidateFunction | undefined;
  let unrolled = false;
  try {
    if (shape === "cycle") {
      // ajv cannot compile or run a reference cycle: only the unrolled schema is validated.
      validate = compileUnrolled(t, data, true);
      if (validate === undefined) return CANNOT_FOLLOW_CYCLE;
      unrolled = true;
    } else validate = compile(t, cache);
  } catch (e) {
    // Pruning matches patterns against the data: a subject too long is the data's error.
    if (e instanceof RegexpSubjectTooLong) throw e;
    return e instanceof RangeError ? CANNOT_FOLLOW_CYCLE : (e as Error).message;
  }
  let valid: boolean;
  try {
    valid = validate(data) === true;
  } catch (e) {
    if (e instanceof RangeError) return CANNOT_FOLLOW_CYCLE;
    throw e;
  }
  if (valid) return undefined;
  let errors = validate.errors ?? [];
  if (shape === "plain") {
    // ajv names an error inside a `$ref` target by the target's path: the unrolled schema names
    // it by the `$ref` that applied it, which v6 groups it under (the same errors otherwise).
    const u = compileUnrolled(t, data);
    if (u !== undefined && u(data) !== true) {
      errors = u.errors ?? [];
      unrolled = true;
    }
  }
  if (unrolled) errors = errors.map((e) => ({ ...e, schemaPath: pathBack(e.schemaPath) }));
  // JSONSchemaValidationError.Error() ends a violation report with a newline; a schema that
  // does not compile is reported without one.
  return `${formatErrors(errors)}\n`;
}

/** A reference cycle Slipway could not lay out (schema-unroll.ts): said so, never a verdict. */
const CANNOT_FOLLOW_CYCLE =
  "values.schema.json: Slipway cannot validate values against a $ref cycle through anything but JSON pointers into the file (use --skip-schema-validation)";

// A file outside the chart (a relative reference resolves against file:///values.schema.json) is
// on helm-controller's disk, which Slipway neither reads nor knows: like a URL, not fetched.
const REMOTE_REF = /failing loading "([^"]+)": Slipway (?:does not fetch|reads no schema outside)/;
const REMOTE_REF_START = 'failing loading "';

/**
 * The schema Slipway would have to fetch, as a schema error's message names it (its first
 * "failing loading" that Slipway does not fetch), or undefined.
 */
export function remoteSchemaRef(message: string): string | undefined {
  return REMOTE_REF.exec(message)?.[1];
}

/**
 * The remote reference the report names when no later text can change which one that is: its
 * first "failing loading" starts a complete match (a match cannot start before that text, and
 * the URL ends at the first quote after it).
 */
function settledRemoteRef(report: string): string | undefined {
  const m = REMOTE_REF.exec(report);
  return m !== null && m.index === report.indexOf(REMOTE_REF_START) ? m[1] : undefined;
}

/**
 * ValidateAgainstSchema over a chart and its enabled subcharts: the report (empty when valid)
 * appended to `sb.text`. With `sb.stopAtRemote`, it stops as soon as the report's remote
 * reference is settled (sb.remote).
 */
function validateTree(
  chart: RenderChart,
  values: GoMap,
  cache: RenderCache | undefined,
  sb: { text: string; stopAtRemote: boolean; remote?: string; warnings?: Warnings },
): void {
  if (chart.chart.schema !== undefined) {
    const err = validateOne(chart.chart.schema, values, cache, sb.warnings);
    if (err !== undefined) {
      sb.text += `${chartName(chart)}:\n${err}`;
      if (sb.stopAtRemote && (sb.remote = settledRemoteRef(sb.text)) !== undefined) return;
    }
  }
  for (const sub of chart.dependencies) {
    const name = chartName(sub);
    const raw = values.get(name);
    if (!values.has(name) || raw === null || raw === undefined) continue;
    if (!(raw instanceof GoMap)) {
      sb.text += `${name}:\ninvalid type for values: expected object (map), got ${sprintf("%T", [raw])}\n`;
      continue;
    }
    validateTree(sub, raw, cache, sb);
    if (sb.remote !== undefined) return;
  }
}

/**
 * Throws Helm's schema error when the coalesced values break a chart's values.schema.json.
 * With `onRemoteRef`, a report that names a schema Slipway does not fetch (remoteSchemaRef of the
 * error's message) is not thrown: `onRemoteRef` is told the URL, and the charts after the one
 * that named it are not validated (the caller renders without validation, as helm-controller
 * would validate against the fetched schema).
 */
export function validateValues(
  chart: RenderChart,
  values: GoMap,
  chartDir?: string,
  cache?: RenderCache,
  onRemoteRef?: (url: string) => void,
  warn?: (line: string) => void,
): void {
  const sb: { text: string; stopAtRemote: boolean; remote?: string; warnings?: Warnings } = {
    text: "",
    stopAtRemote: onRemoteRef !== undefined,
    warnings: warn === undefined ? undefined : { warn, urns: new Set() },
  };
  validateTree(chart, values, cache, sb);
  const report = sb.text;
  if (report === "") return;
  const message = `values don't meet the specifications of the schema(s) in the following chart(s):\n${report}`;
  const remote = onRemoteRef === undefined ? undefined : (sb.remote ?? remoteSchemaRef(message));
  if (remote !== undefined) {
    onRemoteRef!(remote);
    return;
  }
  throw new SchemaError(
    message,
    chartDir ? { file: `${chartDir.replace(/\/+$/, "")}/values.schema.json` } : undefined,
  );
}
