import { RE2JS } from "re2js";
import { isGoBase64 } from "../../kustomize/generators/base64.js";
import type { YamlMap } from "../../kustomize/types.js";
import { describeValue, formatPath } from "./json-path.js";
import type { JsonPath, SchemaIssue } from "./types.js";

/**
 * Compiles a CRD's OpenAPI v3 schema (the structural dialect kube-apiserver accepts) into a
 * checking function, once. Semantics follow the apiserver: fields the schema does not declare are
 * pruned (reported here as unknown fields) unless `x-kubernetes-preserve-unknown-fields` keeps them;
 * `null` in a non-nullable field is pruned like an absent field; `x-kubernetes-int-or-string`
 * takes an integer or a string; `x-kubernetes-embedded-resource` objects carry apiVersion, kind and
 * metadata. CEL rules (`x-kubernetes-validations`) are not evaluated.
 */
export type Check = (value: unknown, path: JsonPath, out: SchemaIssue[]) => void;

export interface CompiledSchema {
  check: Check;
  /** Violations of the structural-schema rules (`bad-crd` issues), each at its schema location. */
  problems: SchemaIssue[];
}

interface Node {
  check: Check;
  nullable: boolean;
  /** The schema gives a default, which the apiserver fills in before it validates. */
  defaulted: boolean;
}

const TYPES = new Set(["object", "array", "string", "integer", "number", "boolean"]);

function isMap(v: unknown): v is YamlMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isInteger(v: unknown): boolean {
  return typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v));
}

function isNumber(v: unknown): boolean {
  return typeof v === "bigint" || (typeof v === "number" && Number.isFinite(v));
}

function typeMatches(type: string, v: unknown): boolean {
  switch (type) {
    case "object":
      return isMap(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "integer":
      return isInteger(v);
    case "number":
      return isNumber(v);
    case "boolean":
      return typeof v === "boolean";
    default:
      return true;
  }
}

/** Stable text form of a JSON-like value, for enum and uniqueness comparisons. */
function canonical(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isMap(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

function fail(out: SchemaIssue[], path: JsonPath, text: string, expected?: string): void {
  out.push({
    kind: "invalid",
    path,
    message: `${formatPath(path)}: ${text}`,
    ...(expected ? { expected } : {}),
  });
}

function num(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return undefined;
}

const INT32 = [-2147483648, 2147483647];
const INT64 = [-9223372036854775808n, 9223372036854775807n];
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function formatProblem(format: string, v: unknown): string | undefined {
  switch (format) {
    case "int32":
      if (typeof v === "number" && Number.isInteger(v) && (v < INT32[0]! || v > INT32[1]!))
        return "must be a 32-bit integer";
      return undefined;
    case "int64":
      if (isInteger(v)) {
        const b = BigInt(v as number | bigint);
        if (b < INT64[0]! || b > INT64[1]!) return "must be a 64-bit integer";
      }
      return undefined;
    case "date-time":
      if (typeof v === "string" && !DATE_TIME.test(v)) return "must be an RFC 3339 date-time";
      return undefined;
    case "byte":
      if (typeof v === "string" && !isGoBase64(v)) return "must be base64-encoded data";
      return undefined;
    default:
      return undefined;
  }
}

class Compiler {
  readonly problems: SchemaIssue[] = [];

  constructor(private readonly base: JsonPath) {}

  private problem(schemaPath: JsonPath, text: string): void {
    const path = [...this.base, ...schemaPath];
    this.problems.push({ kind: "bad-crd", path, message: `${formatPath(path)}: ${text}` });
  }

  /** `structural`: the node belongs to the skeleton (types required, unknown fields judged). */
  compile(schema: unknown, sp: JsonPath, structural: boolean): Node {
    if (!isMap(schema)) {
      this.problem(sp, "schema must be an object");
      return { check: () => {}, nullable: true, defaulted: false };
    }
    if (schema.$ref !== undefined) this.problem(sp, "$ref is not allowed in a CRD schema");
    const checks: Check[] = [];
    const intOrString = schema["x-kubernetes-int-or-string"] === true;
    const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
    const embedded = schema["x-kubernetes-embedded-resource"] === true;
    const nullable = schema.nullable === true;
    let type: string | undefined;
    if (schema.type !== undefined) {
      if (typeof schema.type !== "string" || !TYPES.has(schema.type))
        this.problem([...sp, "type"], `unknown type ${describeValue(schema.type)}`);
      else type = schema.type;
    }
    // x-kubernetes-int-or-string beside a type is accepted: kube-apiserver's schema conversion
    // replaces any type with [integer, string] (external-snapshotter's CRDs write `type: string`).
    if (intOrString) type = undefined;
    if (structural) {
      if (schema.type === undefined && !intOrString && !preserve)
        this.problem(sp, "type is required (structural schema)");
      if (embedded && type !== "object")
        this.problem(sp, "x-kubernetes-embedded-resource requires type: object");
    }

    if (intOrString) {
      checks.push((v, p, out) => {
        if (!isInteger(v) && typeof v !== "string")
          fail(out, p, `must be integer or string, got ${describeValue(v)}`, "integer or string");
      });
    } else if (type !== undefined) {
      const t = type;
      checks.push((v, p, out) => {
        if (!typeMatches(t, v)) fail(out, p, `must be ${t}, got ${describeValue(v)}`, t);
      });
    }

    this.compileObject(schema, sp, structural, type, preserve, embedded, checks);
    this.compileArray(schema, sp, structural, type, checks);
    this.compileScalars(schema, sp, checks);
    this.compileCombinators(schema, sp, checks);

    // A value of the wrong type stops here: deeper checks would only repeat the same mistake.
    const typeGate = intOrString
      ? (v: unknown) => isInteger(v) || typeof v === "string"
      : type !== undefined
        ? (v: unknown) => typeMatches(type!, v)
        : () => true;
    const [first, ...rest] = checks;
    const check: Check = (value, path, out) => {
      if (value === null) {
        if (!nullable) fail(out, path, `must be ${type ?? "a value"}, got null`, type ?? "a value");
        return;
      }
      if (first === undefined) return;
      const before = out.length;
      first(value, path, out);
      if ((type !== undefined || intOrString) && (out.length > before || !typeGate(value))) return;
      for (const c of rest) c(value, path, out);
    };
    return { check, nullable, defaulted: schema.default !== undefined && schema.default !== null };
  }

  private compileObject(
    schema: YamlMap,
    sp: JsonPath,
    structural: boolean,
    type: string | undefined,
    preserve: boolean,
    embedded: boolean,
    checks: Check[],
  ): void {
    const props = new Map<string, Node>();
    if (schema.properties !== undefined) {
      if (!isMap(schema.properties)) this.problem([...sp, "properties"], "must be a map of schemas");
      else
        for (const [k, sub] of Object.entries(schema.properties))
          props.set(k, this.compile(sub, [...sp, "properties", k], structural));
    }
    let additional: Node | boolean | undefined;
    if (schema.additionalProperties !== undefined) {
      if (typeof schema.additionalProperties === "boolean") additional = schema.additionalProperties;
      else
        additional = this.compile(schema.additionalProperties, [...sp, "additionalProperties"], structural);
      if (structural && props.size > 0)
        this.problem(sp, "properties and additionalProperties are mutually exclusive");
    }
    const required = Array.isArray(schema.required)
      ? schema.required.filter((r): r is string => typeof r === "string")
      : [];
    const minProps = num(schema.minProperties);
    const maxProps = num(schema.maxProperties);
    const objectLike = type === "object" || props.size > 0 || additional !== undefined || required.length > 0;
    if (!objectLike && !embedded) return;
    // With no type (preserve-unknown-fields), non-objects skip the object rules.
    const judgeUnknown = structural && !preserve && additional !== true;
    checks.push((v, p, out) => {
      if (!isMap(v)) return;
      for (const key of Object.keys(v)) {
        const child = props.get(key);
        const value = v[key];
        if (child !== undefined) {
          if (value === null && !child.nullable) continue;
          child.check(value, [...p, key], out);
        } else if (additional !== undefined && typeof additional !== "boolean") {
          if (value === null && !additional.nullable) continue;
          additional.check(value, [...p, key], out);
        } else if (embedded && (key === "apiVersion" || key === "kind" || key === "metadata")) {
          // implied by x-kubernetes-embedded-resource
        } else if (additional === false) {
          fail(out, [...p, key], "is not allowed");
        } else if (judgeUnknown) {
          const at = [...p, key];
          out.push({ kind: "unknown-field", path: at, message: `${formatPath(at)}: unknown field` });
        }
      }
      for (const r of required) {
        const value = v[r];
        const child = props.get(r);
        // Defaulting comes before validation: a required field with a default is never missing
        // (kluctl's ObjectTemplate `interval`, `default: 30s`).
        if (child?.defaulted) continue;
        if (value === undefined || (value === null && child !== undefined && !child.nullable))
          fail(out, [...p, r], "required field is missing");
      }
      if (embedded) {
        for (const k of ["apiVersion", "kind"]) {
          if (typeof v[k] !== "string" || v[k] === "")
            fail(out, [...p, k], "required field is missing (embedded resource)");
        }
        if (v.metadata !== undefined && v.metadata !== null && !isMap(v.metadata))
          fail(out, [...p, "metadata"], `must be object, got ${describeValue(v.metadata)}`);
      }
      const n = Object.keys(v).length;
      if (minProps !== undefined && n < minProps) fail(out, p, `must have at least ${minProps} properties`);
      if (maxProps !== undefined && n > maxProps) fail(out, p, `must have at most ${maxProps} properties`);
    });
  }

  private compileArray(
    schema: YamlMap,
    sp: JsonPath,
    structural: boolean,
    type: string | undefined,
    checks: Check[],
  ): void {
    let items: Node | undefined;
    if (schema.items !== undefined) {
      if (Array.isArray(schema.items)) this.problem([...sp, "items"], "must be a single schema, not a list");
      else items = this.compile(schema.items, [...sp, "items"], structural);
    } else if (structural && type === "array") {
      this.problem(sp, "items is required for type: array (structural schema)");
    }
    const minItems = num(schema.minItems);
    const maxItems = num(schema.maxItems);
    const listType = schema["x-kubernetes-list-type"];
    const mapKeys = Array.isArray(schema["x-kubernetes-list-map-keys"])
      ? schema["x-kubernetes-list-map-keys"].filter((k): k is string => typeof k === "string")
      : [];
    const unique = schema.uniqueItems === true || listType === "set";
    if (
      items === undefined &&
      minItems === undefined &&
      maxItems === undefined &&
      !unique &&
      listType !== "map"
    )
      return;
    const itemCheck = items;
    checks.push((v, p, out) => {
      if (!Array.isArray(v)) return;
      if (itemCheck !== undefined) for (let i = 0; i < v.length; i++) itemCheck.check(v[i], [...p, i], out);
      if (minItems !== undefined && v.length < minItems) fail(out, p, `must have at least ${minItems} items`);
      if (maxItems !== undefined && v.length > maxItems) fail(out, p, `must have at most ${maxItems} items`);
      if (unique || (listType === "map" && mapKeys.length > 0)) {
        const seen = new Map<string, number>();
        v.forEach((item, i) => {
          const key =
            listType === "map" && isMap(item)
              ? canonical(mapKeys.map((k) => item[k] ?? null))
              : canonical(item);
          const first = seen.get(key);
          if (first === undefined) seen.set(key, i);
          else fail(out, [...p, i], `duplicate entry (same as item ${first})`);
        });
      }
    });
  }

  private compileScalars(schema: YamlMap, sp: JsonPath, checks: Check[]): void {
    if (schema.enum !== undefined) {
      if (!Array.isArray(schema.enum)) this.problem([...sp, "enum"], "must be a list");
      else {
        const allowed = schema.enum;
        const set = new Set(allowed.map(canonical));
        const list = allowed.map((a) => JSON.stringify(typeof a === "bigint" ? Number(a) : a)).join(", ");
        checks.push((v, p, out) => {
          if (!set.has(canonical(v))) fail(out, p, `must be one of ${list}, got ${describeValue(v)}`);
        });
      }
    }
    if (schema.pattern !== undefined) {
      // kube-apiserver compiles patterns with Go's regexp (RE2 syntax: `(?i)`, `\z`, no lookaround)
      // and matches them unanchored.
      const source = String(schema.pattern);
      let re: RE2JS | undefined;
      try {
        re = RE2JS.compile(source);
      } catch {
        this.problem([...sp, "pattern"], `invalid regular expression ${JSON.stringify(schema.pattern)}`);
      }
      if (re !== undefined) {
        const r = re;
        checks.push((v, p, out) => {
          if (typeof v === "string" && !r.test(v))
            fail(out, p, `must match ${source}, got ${describeValue(v)}`);
        });
      }
    }
    const minLength = num(schema.minLength);
    const maxLength = num(schema.maxLength);
    if (minLength !== undefined || maxLength !== undefined) {
      checks.push((v, p, out) => {
        if (typeof v !== "string") return;
        const n = [...v].length;
        if (minLength !== undefined && n < minLength)
          fail(out, p, `must be at least ${minLength} characters, got ${describeValue(v)}`);
        if (maxLength !== undefined && n > maxLength)
          fail(out, p, `must be at most ${maxLength} characters, got ${n}`);
      });
    }
    const minimum = num(schema.minimum);
    const maximum = num(schema.maximum);
    const exMin = schema.exclusiveMinimum === true;
    const exMax = schema.exclusiveMaximum === true;
    const multipleOf = num(schema.multipleOf);
    if (minimum !== undefined || maximum !== undefined || multipleOf !== undefined) {
      checks.push((v, p, out) => {
        const n = num(v);
        if (n === undefined) return;
        if (minimum !== undefined && (exMin ? n <= minimum : n < minimum))
          fail(out, p, `must be ${exMin ? "greater than" : "at least"} ${minimum}, got ${n}`);
        if (maximum !== undefined && (exMax ? n >= maximum : n > maximum))
          fail(out, p, `must be ${exMax ? "less than" : "at most"} ${maximum}, got ${n}`);
        if (
          multipleOf !== undefined &&
          multipleOf > 0 &&
          Math.abs(n / multipleOf - Math.round(n / multipleOf)) > 1e-9
        )
          fail(out, p, `must be a multiple of ${multipleOf}, got ${n}`);
      });
    }
    if (typeof schema.format === "string") {
      const format = schema.format;
      checks.push((v, p, out) => {
        const problem = formatProblem(format, v);
        if (problem !== undefined) fail(out, p, `${problem}, got ${describeValue(v)}`);
      });
    }
  }

  /** allOf/anyOf/oneOf/not only add value validations in a structural schema. */
  private compileCombinators(schema: YamlMap, sp: JsonPath, checks: Check[]): void {
    const list = (key: "allOf" | "anyOf" | "oneOf"): Node[] => {
      const raw = schema[key];
      if (raw === undefined) return [];
      if (!Array.isArray(raw)) {
        this.problem([...sp, key], "must be a list of schemas");
        return [];
      }
      return raw.map((s, i) => this.compile(s, [...sp, key, i], false));
    };
    const passes = (node: Node, v: unknown, p: JsonPath): boolean => {
      const tmp: SchemaIssue[] = [];
      node.check(v, p, tmp);
      return tmp.every((i) => i.kind !== "invalid");
    };
    const allOf = list("allOf");
    for (const node of allOf) checks.push((v, p, out) => node.check(v, p, out));
    const anyOf = list("anyOf");
    if (anyOf.length > 0) {
      checks.push((v, p, out) => {
        if (!anyOf.some((n) => passes(n, v, p)))
          fail(out, p, `must match at least one of ${anyOf.length} allowed forms, got ${describeValue(v)}`);
      });
    }
    const oneOf = list("oneOf");
    if (oneOf.length > 0) {
      checks.push((v, p, out) => {
        const n = oneOf.filter((node) => passes(node, v, p)).length;
        if (n !== 1) fail(out, p, `must match exactly one of ${oneOf.length} allowed forms, matches ${n}`);
      });
    }
    if (schema.not !== undefined) {
      const not = this.compile(schema.not, [...sp, "not"], false);
      checks.push((v, p, out) => {
        if (passes(not, v, p)) fail(out, p, "must not match the forbidden form");
      });
    }
  }
}

/** `at` is where the schema sits in its CRD, e.g. `["spec", "versions", 0, "schema", "openAPIV3Schema"]`. */
export function compileStructuralSchema(schema: unknown, at: JsonPath): CompiledSchema {
  const compiler = new Compiler(at);
  const node = compiler.compile(schema, [], true);
  return { check: node.check, problems: compiler.problems };
}
