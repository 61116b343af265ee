import type { KObject, YamlMap } from "../../kustomize/types.js";
import { describeValue, formatPath } from "./json-path.js";
import { type CompiledSchema, compileStructuralSchema } from "./structural.js";
import type { JsonPath, SchemaIssue } from "./types.js";

function isMap(v: unknown): v is YamlMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** One version of a custom kind: its schema is compiled on first use. */
export interface CustomVersion {
  served: boolean;
  /** The raw openAPIV3Schema, or undefined when the CRD has none for this version. */
  schema: unknown;
  /** Where `schema` sits in its CRD object. */
  at: JsonPath;
  compiled?: CompiledSchema;
}

export interface CustomKind {
  /** `<plural>.<group>`, the CRD's name. */
  crd: string;
  group: string;
  kind: string;
  versions: Map<string, CustomVersion>;
  /** Problems with the CRD outside its schemas (missing group, names, versions). */
  problems: SchemaIssue[];
}

function bad(path: JsonPath, text: string): SchemaIssue {
  return { kind: "bad-crd", path, message: `${formatPath(path)}: ${text}` };
}

export function isCrdObject(obj: KObject): boolean {
  return (
    obj.kind === "CustomResourceDefinition" &&
    typeof obj.apiVersion === "string" &&
    obj.apiVersion.startsWith("apiextensions.k8s.io/")
  );
}

/**
 * Reads a CRD object (apiextensions.k8s.io/v1, or the older v1beta1 layout with one top-level
 * `spec.validation`). Returns undefined, with problems, when not even group and kind can be read.
 */
export function readCrd(obj: KObject): { kind?: CustomKind; problems: SchemaIssue[] } {
  const problems: SchemaIssue[] = [];
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  const spec = obj.spec;
  if (!isMap(spec)) return { problems: [bad(["spec"], `must be object, got ${describeValue(spec)}`)] };
  const group = spec.group;
  const names = isMap(spec.names) ? spec.names : undefined;
  const kind = names?.kind;
  if (typeof group !== "string" || group === "")
    problems.push(bad(["spec", "group"], "required field is missing"));
  if (typeof kind !== "string" || kind === "")
    problems.push(bad(["spec", "names", "kind"], "required field is missing"));
  if (typeof group !== "string" || group === "" || typeof kind !== "string" || kind === "")
    return { problems };
  const plural = names?.plural;
  const crd = typeof meta.name === "string" ? meta.name : `${String(plural)}.${group}`;
  if (typeof plural === "string" && typeof meta.name === "string" && meta.name !== `${plural}.${group}`)
    problems.push(
      bad(["metadata", "name"], `must be "${plural}.${group}" (spec.names.plural + "." + spec.group)`),
    );

  const versions = new Map<string, CustomVersion>();
  const legacy = isMap(spec.validation) ? spec.validation.openAPIV3Schema : undefined;
  if (Array.isArray(spec.versions) && spec.versions.length > 0) {
    spec.versions.forEach((v, i) => {
      if (!isMap(v) || typeof v.name !== "string" || v.name === "") {
        problems.push(bad(["spec", "versions", i, "name"], "required field is missing"));
        return;
      }
      const own = isMap(v.schema) ? v.schema.openAPIV3Schema : undefined;
      const at: JsonPath =
        own !== undefined
          ? ["spec", "versions", i, "schema", "openAPIV3Schema"]
          : ["spec", "validation", "openAPIV3Schema"];
      const schema = own ?? legacy;
      if (schema === undefined && v.served !== false)
        problems.push(bad(["spec", "versions", i, "schema", "openAPIV3Schema"], "required field is missing"));
      versions.set(v.name, { served: v.served !== false, schema, at });
    });
  } else if (typeof spec.version === "string") {
    versions.set(spec.version, {
      served: true,
      schema: legacy,
      at: ["spec", "validation", "openAPIV3Schema"],
    });
  } else {
    problems.push(bad(["spec", "versions"], "must list at least one version"));
  }
  return { kind: { crd, group, kind, versions, problems }, problems };
}

/** Compiles a version's schema once; a root that is not an object is itself a problem. */
export function compiledVersion(v: CustomVersion): CompiledSchema | undefined {
  if (v.schema === undefined) return undefined;
  if (v.compiled === undefined) {
    try {
      v.compiled = compileStructuralSchema(rootWithoutObjectMeta(v.schema), v.at);
      if (isMap(v.schema) && v.schema.type !== "object")
        v.compiled.problems.unshift(bad(v.at, "the root schema must have type: object"));
    } catch (e) {
      // A schema odd enough to break the compiler is reported, never thrown.
      v.compiled = { check: () => {}, problems: [bad(v.at, `cannot be compiled: ${(e as Error).message}`)] };
    }
  }
  return v.compiled;
}

/**
 * kube-apiserver validates apiVersion, kind and metadata of a custom resource itself; the schema
 * may only narrow metadata.name. The root is compiled without them, and the caller checks them.
 */
function rootWithoutObjectMeta(schema: unknown): unknown {
  if (!isMap(schema)) return schema;
  const root: YamlMap = { ...schema };
  if (isMap(schema.properties)) {
    const props: YamlMap = { ...schema.properties };
    delete props.apiVersion;
    delete props.kind;
    delete props.metadata;
    root.properties = props;
  }
  if (Array.isArray(schema.required))
    root.required = schema.required.filter((r) => r !== "apiVersion" && r !== "kind" && r !== "metadata");
  return root;
}
