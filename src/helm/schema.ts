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
 *   violation, reasons worded like jsonschema v6's.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { RenderCache } from "../cache/store.js";
import { SlipwayError } from "../errors.js";
import { textOf } from "./loader.js";
import { chartName, type RenderChart } from "./render-chart.js";
import { type Draft, quickVerdict } from "./schema-accept.js";
import { GoInt, GoMap, type GoValue } from "./template/value.js";

const require = createRequire(import.meta.url);

interface AjvLike {
  compile(schema: unknown): ValidateFunction;
  addSchema(schema: unknown, key?: string): unknown;
  addMetaSchema(schema: unknown): unknown;
}
type AjvClass = new (opts: Record<string, unknown>) => AjvLike;

const load = (id: string): AjvClass => {
  const m = require(id) as { default?: AjvClass } & AjvClass;
  return m.default ?? m;
};

export class SchemaError extends SlipwayError {}

const DRAFT_URLS: Record<string, Draft> = {
  "json-schema.org/schema": "2020",
  "json-schema.org/draft/2020-12/schema": "2020",
  "json-schema.org/draft/2019-09/schema": "2019",
  "json-schema.org/draft-07/schema": "7",
  "json-schema.org/draft-06/schema": "6",
  "json-schema.org/draft-04/schema": "4",
};

export function draftOf(schema: unknown): Draft | { unknown: string } {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return "2020";
  const s = (schema as Record<string, unknown>).$schema;
  if (typeof s !== "string") return "2020";
  const [url, frag] = s.split("#", 2) as [string, string | undefined];
  const bare = url.replace(/^https?:\/\//, "");
  const d = frag ? undefined : DRAFT_URLS[bare];
  return d ?? { unknown: url };
}

const compilers = new Map<Draft, AjvLike>();

function compilerFor(draft: Draft): AjvLike {
  let ajv = compilers.get(draft);
  if (ajv) return ajv;
  const assertFormats = draft === "4" || draft === "6" || draft === "7";
  // code.optimize off: ajv's extra passes over the generated validator halve compile speed, and
  // each schema validates one set of values per render, where they would not pay back.
  // code.source: the validator keeps its generated code, which the persistent cache stores.
  const opts = {
    allErrors: true,
    strict: false,
    validateFormats: assertFormats,
    validateSchema: false,
    code: { optimize: false, source: true },
  };
  if (draft === "4") ajv = new (load("ajv-draft-04"))(opts);
  else if (draft === "2019") ajv = new (load("ajv/dist/2019.js"))(opts);
  else if (draft === "2020") ajv = new (load("ajv/dist/2020.js"))(opts);
  else {
    ajv = new (load("ajv"))(opts);
    if (draft === "6") ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json"));
  }
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
const FORMAT = 1;

/**
 * The validator of a schema through the persistent cache: ajv's standalone code of the validator
 * (the same code ajv compiles, as a CommonJS module) kept under the schema's digest and the code
 * identity (which pins ajv's version through the lockfile), so a fresh process loads a compiled
 * schema instead of running ajv's compiler (~0.7 ms per kB of schema). A failed compile is never
 * stored; an entry that does not load as a function is a miss.
 */
function compilePersisted(text: string, cache: RenderCache): ValidateFunction {
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
  cache.put(key, { code: standalone.default(ajv, validate) });
  return validate;
}

function loadStandalone(code: string): ValidateFunction | undefined {
  const module: { exports: unknown } = { exports: {} };
  try {
    new Function("module", "exports", "require", code)(module, module.exports, require);
  } catch {
    return undefined;
  }
  return typeof module.exports === "function" ? (module.exports as ValidateFunction) : undefined;
}

function compileUncached(text: string): { validate: ValidateFunction; ajv: AjvLike } {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (e) {
    throw new Error(`invalid character in values.schema.json: ${(e as Error).message}`);
  }
  const draft = draftOf(schema);
  if (typeof draft === "object") {
    throw new Error(
      `failing loading "${draft.unknown}": Slipway does not fetch metaschemas over the network (use --skip-schema-validation)`,
    );
  }
  const ajv = compilerFor(draft);
  for (let attempt = 0; attempt < 64; attempt++) {
    // A fresh id per attempt: ajv keeps a schema that failed on a missing reference under its id,
    // and compiling it again under that id failed with "already exists" instead of validating.
    const id = `file:///values-${++counter}.schema.json`;
    try {
      return { validate: ajv.compile(typeof schema === "boolean" ? schema : withoutIds(schema, id)), ajv };
    } catch (e) {
      const missing = (e as { missingSchema?: string }).missingSchema;
      if (!missing) throw e;
      if (missing.startsWith("urn:")) {
        ajv.addSchema(true, missing);
        continue;
      }
      throw new Error(
        `failing loading "${missing}": Slipway does not fetch schemas over the network (use --skip-schema-validation)`,
      );
    }
  }
  throw new Error("too many unresolved references");
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
    for (const [k, x] of v)
      Object.defineProperty(o, k, { value: toJson(x), enumerable: true, writable: true });
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

function quoteList(items: unknown[]): string {
  return items.map((x) => (typeof x === "string" ? `'${x}'` : JSON.stringify(x))).join(", ");
}

/** One violation in jsonschema v6's words. */
function reason(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `missing property '${p.missingProperty}'`;
    case "type": {
      const got = jsonType(e.data);
      return `got ${got === "integer" ? "number" : got}, want ${String(p.type).replace(/,/g, " or ")}`;
    }
    case "enum":
      return `value must be one of ${quoteList((p.allowedValues as unknown[]) ?? [])}`;
    case "const":
      return `value must be ${quoteList([p.allowedValue])}`;
    case "additionalProperties":
      return `additional properties '${p.additionalProperty}' not allowed`;
    case "pattern":
      return `'${e.data}' does not match pattern '${p.pattern}'`;
    case "format":
      return `'${e.data}' is not valid ${p.format}`;
    case "minLength":
    case "maxLength":
      return `${e.keyword}: got ${[...String(e.data)].length}, want ${p.limit}`;
    case "minimum":
    case "maximum":
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
      return `${e.data} not multipleOf ${p.multipleOf}`;
    case "anyOf":
      return "anyOf failed";
    case "oneOf":
      return p.passingSchemas
        ? `oneOf failed, subschemas ${quoteList(p.passingSchemas as unknown[])} matched`
        : "oneOf failed, none matched";
    case "not":
      return "not failed";
    case "false schema":
      return "false schema";
    default:
      return e.message ?? e.keyword;
  }
}

function formatErrors(errors: ErrorObject[]): string {
  return errors
    .filter((e) => e.keyword !== "if")
    .map((e) => `- at '${e.instancePath}': ${reason(e)}`)
    .join("\n");
}

/** ValidateAgainstSingleSchema: the violations, or undefined. */
function validateOne(
  schemaBytes: Uint8Array,
  values: GoMap,
  cache: RenderCache | undefined,
): string | undefined {
  const text = textOf(schemaBytes);
  const data = toJson(values);
  // Values that certainly pass need no compiled validator (schema-accept.ts); ajv judges the rest.
  if (quickVerdict(text, draftOf, data) === "yes") return undefined;
  let validate: ValidateFunction;
  try {
    validate = compile(text, cache);
  } catch (e) {
    return (e as Error).message;
  }
  if (validate(data)) return undefined;
  return formatErrors(validate.errors ?? []);
}

/** ValidateAgainstSchema over a chart and its enabled subcharts: the report, empty when valid. */
function validateTree(chart: RenderChart, values: GoMap, cache: RenderCache | undefined): string {
  let sb = "";
  if (chart.chart.schema !== undefined) {
    const err = validateOne(chart.chart.schema, values, cache);
    if (err !== undefined) sb += `${chartName(chart)}:\n${err}\n`;
  }
  for (const sub of chart.dependencies) {
    const name = chartName(sub);
    const raw = values.get(name);
    if (!values.has(name) || raw === null || raw === undefined) continue;
    if (!(raw instanceof GoMap)) {
      sb += `${name}:\ninvalid type for values: expected object (map), got ${typeof raw}\n`;
      continue;
    }
    sb += validateTree(sub, raw, cache);
  }
  return sb;
}

/** Throws Helm's schema error when the coalesced values break a chart's values.schema.json. */
export function validateValues(
  chart: RenderChart,
  values: GoMap,
  chartDir?: string,
  cache?: RenderCache,
): void {
  const report = validateTree(chart, values, cache);
  if (report === "") return;
  throw new SchemaError(
    `values don't meet the specifications of the schema(s) in the following chart(s):\n${report.replace(/\n$/, "")}`,
    chartDir ? { file: `${chartDir.replace(/\/+$/, "")}/values.schema.json` } : undefined,
  );
}
