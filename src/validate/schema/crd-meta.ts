/**
 * The CRD meta-schema: what kube-apiserver accepts inside a CRD's `openAPIV3Schema`, i.e. the Go
 * struct `JSONSchemaProps` of k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1 (types_jsonschema.go)
 * and its helpers (JSONSchemaPropsOrArray, JSONSchemaPropsOrBool, JSONSchemaPropsOrStringArray,
 * ExternalDocumentation, ValidationRule).
 *
 * Differs from kubernetes-models on purpose: its generated JSONSchemaProps lost the `description`
 * property (descriptions were stripped from the OpenAPI it was generated from, the property named
 * "description" with them), so every `description:` in a CRD looked like an unknown field.
 *
 * A key the struct does not have is an `unknown-field` issue (the apiserver drops it, or rejects it
 * with strict field validation); a value of the wrong JSON type is `invalid` (the apiserver cannot
 * decode the CRD). `null` decodes as the zero value in Go, so it is accepted everywhere.
 */
import { isMap, type YamlValue } from "../../kustomize/types.js";
import { describeValue, formatPath } from "./json-path.js";
import type { JsonPath, SchemaIssue } from "./types.js";

type FieldType =
  | "string"
  | "number"
  | "integer"
  | "boolean"
  | "json"
  | "json-list"
  | "string-list"
  | "schema"
  | "schema-list"
  | "schema-map"
  | "schema-or-list"
  | "schema-or-bool"
  | "schema-or-string-list-map"
  | "external-docs"
  | "validation-rules";

/** Every field of JSONSchemaProps, by its JSON name. */
const SCHEMA_FIELDS: Readonly<Record<string, FieldType>> = {
  id: "string",
  $schema: "string",
  $ref: "string",
  description: "string",
  type: "string",
  format: "string",
  title: "string",
  default: "json",
  maximum: "number",
  exclusiveMaximum: "boolean",
  minimum: "number",
  exclusiveMinimum: "boolean",
  maxLength: "integer",
  minLength: "integer",
  pattern: "string",
  maxItems: "integer",
  minItems: "integer",
  uniqueItems: "boolean",
  multipleOf: "number",
  enum: "json-list",
  maxProperties: "integer",
  minProperties: "integer",
  required: "string-list",
  items: "schema-or-list",
  allOf: "schema-list",
  oneOf: "schema-list",
  anyOf: "schema-list",
  not: "schema",
  properties: "schema-map",
  additionalProperties: "schema-or-bool",
  patternProperties: "schema-map",
  dependencies: "schema-or-string-list-map",
  additionalItems: "schema-or-bool",
  definitions: "schema-map",
  externalDocs: "external-docs",
  example: "json",
  nullable: "boolean",
  "x-kubernetes-preserve-unknown-fields": "boolean",
  "x-kubernetes-embedded-resource": "boolean",
  "x-kubernetes-int-or-string": "boolean",
  "x-kubernetes-list-map-keys": "string-list",
  "x-kubernetes-list-type": "string",
  "x-kubernetes-map-type": "string",
  "x-kubernetes-validations": "validation-rules",
};

const VALIDATION_RULE_FIELDS: Readonly<Record<string, "string" | "boolean">> = {
  rule: "string",
  message: "string",
  messageExpression: "string",
  reason: "string",
  fieldPath: "string",
  optionalOldSelf: "boolean",
};

const EXTERNAL_DOCS_FIELDS = ["description", "url"];

function invalid(out: SchemaIssue[], path: JsonPath, expected: string, value: unknown): void {
  out.push({
    kind: "invalid",
    path,
    message: `${formatPath(path)}: must be ${expected}, got ${describeValue(value)}`,
  });
}

function unknown(out: SchemaIssue[], path: JsonPath): void {
  out.push({ kind: "unknown-field", path, message: `${formatPath(path)}: unknown field` });
}

function isInteger(v: unknown): boolean {
  return typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v));
}

function isNumber(v: unknown): boolean {
  return typeof v === "bigint" || (typeof v === "number" && Number.isFinite(v));
}

/** Checks one JSONSchemaProps value (the openAPIV3Schema itself or any schema nested in it). */
export function checkSchemaProps(schema: unknown, path: JsonPath, out: SchemaIssue[]): void {
  if (schema === null) return;
  if (!isMap(schema)) {
    invalid(out, path, "object", schema);
    return;
  }
  for (const [key, value] of Object.entries(schema)) {
    const type = SCHEMA_FIELDS[key];
    const at = [...path, key];
    if (type === undefined) unknown(out, at);
    else checkField(type, value, at, out);
  }
}

function checkField(type: FieldType, value: YamlValue, at: JsonPath, out: SchemaIssue[]): void {
  if (value === null) return;
  switch (type) {
    case "string":
      if (typeof value !== "string") invalid(out, at, "string", value);
      return;
    case "number":
      if (!isNumber(value)) invalid(out, at, "number", value);
      return;
    case "integer":
      if (!isInteger(value)) invalid(out, at, "integer", value);
      return;
    case "boolean":
      if (typeof value !== "boolean") invalid(out, at, "boolean", value);
      return;
    case "json":
      return;
    case "json-list":
      if (!Array.isArray(value)) invalid(out, at, "array", value);
      return;
    case "string-list":
      if (!Array.isArray(value)) invalid(out, at, "array", value);
      else
        value.forEach((v, i) => {
          if (typeof v !== "string" && v !== null) invalid(out, [...at, i], "string", v);
        });
      return;
    case "schema":
      checkSchemaProps(value, at, out);
      return;
    case "schema-list":
      if (!Array.isArray(value)) invalid(out, at, "array", value);
      else for (const [i, v] of value.entries()) checkSchemaProps(v, [...at, i], out);
      return;
    case "schema-map":
      if (!isMap(value)) invalid(out, at, "object", value);
      else for (const [k, v] of Object.entries(value)) checkSchemaProps(v, [...at, k], out);
      return;
    case "schema-or-list":
      if (Array.isArray(value)) for (const [i, v] of value.entries()) checkSchemaProps(v, [...at, i], out);
      else if (isMap(value)) checkSchemaProps(value, at, out);
      else invalid(out, at, "object or array", value);
      return;
    case "schema-or-bool":
      if (typeof value === "boolean") return;
      if (isMap(value)) checkSchemaProps(value, at, out);
      else invalid(out, at, "object or boolean", value);
      return;
    case "schema-or-string-list-map":
      if (!isMap(value)) invalid(out, at, "object", value);
      else
        for (const [k, v] of Object.entries(value)) {
          if (Array.isArray(v)) checkField("string-list", v, [...at, k], out);
          else checkSchemaProps(v, [...at, k], out);
        }
      return;
    case "external-docs":
      if (!isMap(value)) invalid(out, at, "object", value);
      else
        for (const [k, v] of Object.entries(value)) {
          if (!EXTERNAL_DOCS_FIELDS.includes(k)) unknown(out, [...at, k]);
          else if (typeof v !== "string" && v !== null) invalid(out, [...at, k], "string", v);
        }
      return;
    case "validation-rules":
      if (!Array.isArray(value)) invalid(out, at, "array", value);
      else for (const [i, v] of value.entries()) checkValidationRule(v, [...at, i], out);
      return;
  }
}

function checkValidationRule(rule: YamlValue, at: JsonPath, out: SchemaIssue[]): void {
  if (rule === null) return;
  if (!isMap(rule)) {
    invalid(out, at, "object", rule);
    return;
  }
  for (const [k, v] of Object.entries(rule)) {
    const type = VALIDATION_RULE_FIELDS[k];
    if (type === undefined) unknown(out, [...at, k]);
    else if (v !== null && typeof v !== type) invalid(out, [...at, k], type, v);
  }
  if (typeof rule.rule !== "string" || rule.rule === "")
    out.push({
      kind: "invalid",
      path: [...at, "rule"],
      message: `${formatPath([...at, "rule"])}: required field is missing`,
    });
}

/** Where a CRD object holds schemas: each version's `schema.openAPIV3Schema` and v1beta1's `spec.validation`. */
export function schemaLocations(crd: YamlValue): JsonPath[] {
  if (!isMap(crd) || !isMap(crd.spec)) return [];
  const out: JsonPath[] = [];
  const spec = crd.spec;
  if (isMap(spec.validation) && spec.validation.openAPIV3Schema !== undefined)
    out.push(["spec", "validation", "openAPIV3Schema"]);
  if (Array.isArray(spec.versions))
    spec.versions.forEach((v, i) => {
      if (isMap(v) && isMap(v.schema) && v.schema.openAPIV3Schema !== undefined)
        out.push(["spec", "versions", i, "schema", "openAPIV3Schema"]);
    });
  return out;
}
