import { SlipwayError } from "../../errors.js";
import { isMap, type YamlMap, type YamlValue } from "../types.js";
import { K8S_OPENAPI_V1_21_2 } from "./openapi-k8s-v1.21.2.js";

/**
 * What strategic merge needs to know about one node of a resource, modelled on kyaml's
 * `openapi.ResourceSchema`: navigate with `field`/`elements`, read the list strategy.
 */
export interface TypeSchema {
  /** Schema of a map field: a declared property, else the value schema of a map type. */
  field(name: string): TypeSchema | undefined;
  /** Schema of the items of a list; only for schemas declared `type: array` (as kyaml requires). */
  elements(): TypeSchema | undefined;
  /** Walks `field` for each name; a `[]` segment steps into list items. */
  at(path: readonly string[]): TypeSchema | undefined;
  /** True when the schema declares `type: array`. */
  readonly isList: boolean;
  /** The raw `x-kubernetes-patch-strategy`: "merge", "replace", "retainKeys", "merge,retainKeys". */
  readonly patchStrategy: string | undefined;
  /**
   * The keys that identify list items: `x-kubernetes-list-map-keys` when declared, else the
   * `x-kubernetes-patch-merge-key`. Empty when there is no patch strategy (kyaml ignores keys then)
   * or the list holds primitives (e.g. finalizers).
   */
  readonly mergeKeys: readonly string[];
  /** True when strategic merge merges this list by key (strategy contains `merge`). */
  readonly isAssociativeList: boolean;
  /** The registry this schema came from; nested objects with their own apiVersion/kind use it. */
  readonly registry: SchemaRegistry;
}

/** Finds the schema of a resource type, like kyaml's `openapi.SchemaForResourceType`. */
export interface SchemaRegistry {
  lookup(apiVersion: string, kind: string): TypeSchema | undefined;
}

/** The only Kubernetes OpenAPI version kustomize v5.5.0 has built in. */
export const BUILTIN_OPENAPI_VERSION = "v1.21.2";

interface RawSchema {
  $ref?: string;
  type?: string | string[];
  items?: RawSchema | RawSchema[];
  properties?: Record<string, RawSchema>;
  additionalProperties?: RawSchema | boolean;
  [extension: string]: unknown;
}

class OpenApiSchema implements TypeSchema {
  private readonly fields = new Map<string, TypeSchema | undefined>();
  private elementSchema: TypeSchema | undefined | null = null;
  readonly isList: boolean;
  readonly patchStrategy: string | undefined;
  readonly mergeKeys: readonly string[];
  readonly isAssociativeList: boolean;

  constructor(
    private readonly raw: RawSchema,
    private readonly doc: OpenApiRegistry,
  ) {
    const type = raw.type;
    this.isList = Array.isArray(type) ? type.length === 1 && type[0] === "array" : type === "array";
    const strategy = extension(raw, "x-kubernetes-patch-strategy");
    this.patchStrategy = typeof strategy === "string" ? strategy : undefined;
    this.mergeKeys = this.patchStrategy === undefined ? [] : keysOf(raw);
    this.isAssociativeList = this.patchStrategy?.split(",").includes("merge") ?? false;
  }

  get registry(): SchemaRegistry {
    return this.doc;
  }

  field(name: string): TypeSchema | undefined {
    if (this.fields.has(name)) return this.fields.get(name);
    const props = isMap(this.raw.properties) ? (this.raw.properties as Record<string, RawSchema>) : undefined;
    let target: RawSchema | undefined;
    if (props && Object.hasOwn(props, name)) target = props[name];
    else if (isMap(this.raw.additionalProperties)) target = this.raw.additionalProperties as RawSchema;
    const result = target === undefined ? undefined : this.doc.resolve(target);
    this.fields.set(name, result);
    return result;
  }

  elements(): TypeSchema | undefined {
    if (this.elementSchema !== null) return this.elementSchema;
    let items = this.raw.items;
    if (Array.isArray(items)) items = items[0];
    this.elementSchema = this.isList && isMap(items) ? this.doc.resolve(items as RawSchema) : undefined;
    return this.elementSchema;
  }

  at(path: readonly string[]): TypeSchema | undefined {
    let s: TypeSchema | undefined = this;
    for (const p of path) {
      if (s === undefined) return undefined;
      s = p === "[]" ? s.elements() : s.field(p);
    }
    return s;
  }
}

/** go-openapi lower-cases extension keys, so kyaml matches them case-insensitively. */
function extension(raw: RawSchema, key: string): unknown {
  if (key in raw) return raw[key];
  for (const k of Object.keys(raw)) if (k.toLowerCase() === key) return raw[k];
  return undefined;
}

function keysOf(raw: RawSchema): string[] {
  const list = extension(raw, "x-kubernetes-list-map-keys");
  if (Array.isArray(list)) return list.map((k) => String(k));
  const key = extension(raw, "x-kubernetes-patch-merge-key");
  return typeof key === "string" ? [key] : [];
}

class OpenApiRegistry implements SchemaRegistry {
  private readonly byType = new Map<string, TypeSchema>();
  private readonly cache = new WeakMap<RawSchema, TypeSchema | undefined>();

  constructor(private readonly definitions: Record<string, RawSchema>) {
    for (const name of Object.keys(definitions)) {
      const def = definitions[name];
      const gvks = isMap(def) ? extension(def, "x-kubernetes-group-version-kind") : undefined;
      if (!Array.isArray(gvks)) continue;
      for (const gvk of gvks) {
        if (!isMap(gvk) || typeof gvk.version !== "string" || typeof gvk.kind !== "string") continue;
        const group = typeof gvk.group === "string" ? gvk.group : "";
        const apiVersion = group ? `${group}/${gvk.version}` : gvk.version;
        const schema = this.resolve(def);
        if (schema) this.byType.set(`${apiVersion}\u0000${gvk.kind}`, schema);
      }
    }
  }

  lookup(apiVersion: string, kind: string): TypeSchema | undefined {
    return this.byType.get(`${apiVersion}\u0000${kind}`);
  }

  /** Follows `$ref` chains (as kyaml does) and wraps the result; unresolved refs give no schema. */
  resolve(raw: RawSchema): TypeSchema | undefined {
    if (this.cache.has(raw)) return this.cache.get(raw);
    let current: RawSchema | undefined = raw;
    const seen = new Set<RawSchema>();
    while (current && typeof current.$ref === "string" && current.$ref !== "") {
      if (seen.has(current)) {
        current = undefined;
        break;
      }
      seen.add(current);
      current = this.deref(current.$ref);
    }
    const result = current ? new OpenApiSchema(current, this) : undefined;
    this.cache.set(raw, result);
    return result;
  }

  private deref(ref: string): RawSchema | undefined {
    const prefix = "#/definitions/";
    if (!ref.startsWith(prefix)) return undefined;
    const name = ref.slice(prefix.length).replaceAll("~1", "/").replaceAll("~0", "~");
    const def = Object.hasOwn(this.definitions, name) ? this.definitions[name] : undefined;
    return isMap(def) ? (def as RawSchema) : undefined;
  }
}

/**
 * A registry from a user's OpenAPI document (kustomization `openapi: {path: ...}`), a swagger
 * document whose `definitions` carry `x-kubernetes-group-version-kind`.
 *
 * kyaml keeps one global schema and adds the custom definitions to whatever it had loaded before;
 * in a real build the built-in Kubernetes definitions are normally loaded by then (any kind outside
 * its precomputed scope table loads them), so by default the custom definitions are layered over the
 * built-in ones: a `$ref` to e.g. io.k8s.api.core.v1.PodTemplateSpec the document does not define
 * still resolves (conformance case TestCustomOpenApiFieldFromComponentWithOverlays). Pass
 * `{ overBuiltin: false }` for the document alone.
 */
export function schemaFromOpenApiDocument(
  doc: YamlValue,
  options: { file?: string; overBuiltin?: boolean } = {},
): SchemaRegistry {
  const { file, overBuiltin = true } = options;
  if (!isMap(doc)) {
    throw new SlipwayError("invalid OpenAPI schema: expected a document with `definitions`", { file });
  }
  const defs = doc.definitions;
  if (defs !== undefined && defs !== null && !isMap(defs)) {
    throw new SlipwayError("invalid OpenAPI schema: `definitions` must be a map", { file });
  }
  const custom = (defs ?? {}) as unknown as Record<string, RawSchema>;
  if (!overBuiltin) return new OpenApiRegistry(custom);
  return new OpenApiRegistry({ ...builtinDefinitions(), ...custom });
}

function builtinDefinitions(): Record<string, RawSchema> {
  const doc = JSON.parse(K8S_OPENAPI_V1_21_2) as YamlMap;
  return doc.definitions as unknown as Record<string, RawSchema>;
}

let builtin: OpenApiRegistry | undefined;

/**
 * The Kubernetes v1.21.2 schema kustomize v5.5.0 uses by default. `version` is the kustomization's
 * `openapi: {version: ...}`; any version other than v1.21.2 is an error, as in kustomize.
 */
export function builtinSchemaRegistry(version?: string): SchemaRegistry {
  if (version !== undefined && version !== "" && version !== BUILTIN_OPENAPI_VERSION) {
    throw new SlipwayError("the specified OpenAPI version is not built in");
  }
  if (!builtin) {
    builtin = new OpenApiRegistry(builtinDefinitions());
  }
  return builtin;
}

/** The built-in schema of one Kubernetes kind, or undefined for kinds it does not know (CRDs). */
export function builtinSchemaFor(apiVersion: string, kind: string): TypeSchema | undefined {
  return builtinSchemaRegistry().lookup(apiVersion, kind);
}
