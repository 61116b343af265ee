import type { KObject } from "../../kustomize/types.js";

export type SchemaIssueKind = "invalid" | "unknown-field" | "no-schema" | "bad-crd" | "invalid-name";

/** A key or array index on the way from the object's root to the offending field. */
export type JsonPath = (string | number)[];

export interface SchemaIssue {
  kind: SchemaIssueKind;
  /**
   * Where the problem is. For a missing required field the path ends with the missing key,
   * so a caller mapping it to a source line falls back to the nearest existing ancestor.
   * `no-schema` issues have an empty path.
   */
  path: JsonPath;
  /** Human-readable, prefixed with the dotted path: `spec.replicas: must be integer, got string "3"`. */
  message: string;
  /**
   * For a value of the wrong type: the type(s) the schema wants (`integer`, `integer or string`).
   * A caller that must not quote the value (a secret) words its own message from this.
   */
  expected?: string;
}

/** A problem with a CRD that was given to the validator (as an object or a file in a schema dir). */
export interface CrdProblem {
  /** `<plural>.<group>` or the CRD's metadata.name; "" when even that is unreadable. */
  crd: string;
  /** The file it was read from, for CRDs from `extraSchemaDirs`. */
  file?: string;
  issue: SchemaIssue;
}

export interface SchemaValidatorOptions {
  /** CRD objects (apiextensions.k8s.io/v1) whose custom resources are to be validated. */
  crds?: readonly KObject[];
  /** Directories searched (recursively) for CRD files (`.yaml`, `.yml`, `.json`). */
  extraSchemaDirs?: readonly string[];
}

export interface SchemaValidator {
  /** All schema issues of one object. Never throws. */
  validate(obj: KObject): SchemaIssue[];
  /** Problems found in the CRDs given to the validator (broken schemas, unreadable files). */
  readonly crdProblems: readonly CrdProblem[];
  /** Where the schema of an apiVersion/kind comes from, or undefined when none is known. */
  schemaSource(apiVersion: string, kind: string): SchemaSource | undefined;
}

export type SchemaSource = "kubernetes" | "flux" | "crd";
