import type { KObject, YamlMap } from "../../kustomize/types.js";
import {
  type CompiledValidator,
  isLostField,
  loadBuiltinValidator,
  loadObjectMetaValidator,
  runCompiled,
} from "./builtin.js";
import { type CustomKind, type CustomVersion, compiledVersion, isCrdObject, readCrd } from "./crd.js";
import { checkSchemaProps, schemaLocations } from "./crd-meta.js";
import { FLUX_SCHEMAS } from "./flux-schemas.js";
import { valueAt } from "./json-path.js";
import { checkNames } from "./names.js";
import { loadCrdFiles } from "./schema-dirs.js";
import type {
  CrdProblem,
  JsonPath,
  SchemaIssue,
  SchemaSource,
  SchemaValidator,
  SchemaValidatorOptions,
} from "./types.js";

type Resolved =
  | { source: "kubernetes"; validate: CompiledValidator }
  | { source: "flux" | "crd"; version: CustomVersion; custom: CustomKind }
  | { source: "none"; message: string };

function isMap(v: unknown): v is YamlMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function startsWith(p: JsonPath, prefix: JsonPath): boolean {
  return prefix.length <= p.length && prefix.every((seg, i) => seg === p[i]);
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

let sharedFluxKinds: Map<string, CustomKind> | undefined;

/**
 * Flux's own kinds, vendored as structural schemas, registered like CRDs of lower priority. One
 * map for every validator of the process: a version's schema is compiled once (crd.ts keeps the
 * compiled form on the version), whichever cluster's validator or idle step (preload.ts) asks.
 */
export function fluxKinds(): ReadonlyMap<string, CustomKind> {
  sharedFluxKinds ??= readFluxKinds();
  return sharedFluxKinds;
}

function readFluxKinds(): Map<string, CustomKind> {
  const kinds = new Map<string, CustomKind>();
  for (const s of FLUX_SCHEMAS) {
    const key = `${s.group}/${s.kind}`;
    let custom = kinds.get(key);
    if (custom === undefined) {
      custom = {
        crd: `${s.plural}.${s.group}`,
        group: s.group,
        kind: s.kind,
        versions: new Map(),
        problems: [],
      };
      kinds.set(key, custom);
    }
    custom.versions.set(s.version, { served: true, schema: s.schema, at: [] });
  }
  return kinds;
}

/**
 * A schema validator for one run: built-in kinds from kubernetes-models (official OpenAPI),
 * Flux kinds from vendored schemas, custom kinds from the given CRDs (which take precedence).
 * Every schema is looked up and compiled once, on the first object of its apiVersion/kind.
 */
export function createSchemaValidator(options: SchemaValidatorOptions = {}): SchemaValidator {
  const custom = new Map<string, CustomKind>();
  const origin = new Map<CustomKind, string | undefined>();
  const fileProblems: CrdProblem[] = [];
  const register = (obj: KObject, file?: string): void => {
    const { kind } = readCrd(obj);
    if (kind === undefined) {
      // Reported through crdProblems and when the CRD object itself is validated.
      const name = isMap(obj.metadata) && typeof obj.metadata.name === "string" ? obj.metadata.name : "";
      for (const issue of readCrd(obj).problems)
        fileProblems.push({ crd: name, ...(file ? { file } : {}), issue });
      return;
    }
    const key = `${kind.group}/${kind.kind}`;
    if (custom.has(key)) return; // the first definition of a kind wins
    custom.set(key, kind);
    origin.set(kind, file);
  };
  for (const obj of options.crds ?? []) if (isMap(obj)) register(obj);
  if (options.extraSchemaDirs && options.extraSchemaDirs.length > 0) {
    const loaded = loadCrdFiles(options.extraSchemaDirs);
    fileProblems.push(...loaded.problems);
    for (const { obj, file } of loaded.crds) register(obj, file);
  }
  let flux: ReadonlyMap<string, CustomKind> | undefined;
  let objectMeta: CompiledValidator | undefined;
  const resolved = new Map<string, Resolved>();
  const crdIssuesOf = new WeakMap<object, SchemaIssue[]>();

  const resolve = (apiVersion: string, kind: string): Resolved => {
    const cacheKey = `${apiVersion}\u0000${kind}`;
    let r = resolved.get(cacheKey);
    if (r !== undefined) return r;
    const { group, version } = splitApiVersion(apiVersion);
    const fromCrd = custom.get(`${group}/${kind}`);
    flux ??= fluxKinds();
    const fromFlux = fromCrd === undefined ? flux.get(`${group}/${kind}`) : undefined;
    const customKind = fromCrd ?? fromFlux;
    if (customKind !== undefined) {
      const v = customKind.versions.get(version);
      if (v === undefined) {
        const known = [...customKind.versions.keys()].join(", ");
        r = {
          source: "none",
          message: `${kind} has no version ${version} in ${customKind.crd} (has ${known})`,
        };
      } else if (!v.served) {
        r = { source: "none", message: `version ${version} of ${customKind.crd} is not served` };
      } else if (v.schema === undefined) {
        r = { source: "none", message: `${customKind.crd} has no schema for version ${version}` };
      } else {
        r = { source: fromCrd !== undefined ? "crd" : "flux", version: v, custom: customKind };
      }
    } else {
      const validate = loadBuiltinValidator(apiVersion, kind);
      r =
        validate !== undefined
          ? { source: "kubernetes", validate }
          : { source: "none", message: `no schema for ${kind} ${apiVersion} (no built-in kind and no CRD)` };
    }
    resolved.set(cacheKey, r);
    return r;
  };

  const validateCustom = (
    obj: KObject,
    r: { version: CustomVersion; custom: CustomKind },
    out: SchemaIssue[],
  ) => {
    const compiled = compiledVersion(r.version);
    if (compiled === undefined) return;
    if (obj.metadata !== undefined) {
      objectMeta ??= loadObjectMetaValidator();
      runCompiled(objectMeta, obj.metadata, ["metadata"], out);
    }
    const rest: YamlMap = {};
    for (const [k, v] of Object.entries(obj))
      if (k !== "apiVersion" && k !== "kind" && k !== "metadata") rest[k] = v;
    compiled.check(rest, [], out);
  };

  /** A CRD object's own problems: its layout and every version's schema. */
  const crdIssues = (obj: KObject): SchemaIssue[] => {
    let issues = crdIssuesOf.get(obj);
    if (issues !== undefined) return issues;
    const { kind, problems } = readCrd(obj);
    issues = [...problems];
    if (kind !== undefined) {
      // Reuse the compiled copy when this very CRD was registered.
      const registered = custom.get(`${kind.group}/${kind.kind}`);
      const versions = registered?.crd === kind.crd ? registered.versions : kind.versions;
      for (const v of versions.values()) issues.push(...(compiledVersion(v)?.problems ?? []));
    }
    crdIssuesOf.set(obj, issues);
    return issues;
  };

  const validate = (obj: KObject): SchemaIssue[] => {
    const out: SchemaIssue[] = [];
    try {
      if (!isMap(obj)) return [{ kind: "invalid", path: [], message: "(root): must be object" }];
      const { apiVersion, kind } = obj;
      if (typeof apiVersion !== "string" || apiVersion === "")
        out.push({ kind: "invalid", path: ["apiVersion"], message: "apiVersion: required field is missing" });
      if (typeof kind !== "string" || kind === "")
        out.push({ kind: "invalid", path: ["kind"], message: "kind: required field is missing" });
      if (typeof apiVersion !== "string" || typeof kind !== "string" || out.length > 0) return out;
      out.push(...checkNames(obj, apiVersion, kind));
      const r = resolve(apiVersion, kind);
      if (r.source === "none") out.push({ kind: "no-schema", path: [], message: r.message });
      else if (r.source === "kubernetes") {
        runCompiled(r.validate, obj, [], out);
        const kept = out.filter((i) => i.kind !== "unknown-field" || !isLostField(apiVersion, kind, i.path));
        out.length = 0;
        out.push(...kept);
      } else validateCustom(obj, r, out);
      if (isCrdObject(obj)) {
        // kubernetes-models' JSONSchemaProps is not Kubernetes' (it lost `description` and the
        // x-kubernetes-* extensions): schemas are judged by our own meta-schema instead.
        const schemas = schemaLocations(obj);
        const kept = out.filter((i) => !schemas.some((at) => startsWith(i.path, at)));
        out.length = 0;
        out.push(...kept);
        for (const at of schemas) checkSchemaProps(valueAt(obj, at), at, out);
        out.push(...crdIssues(obj));
      }
    } catch (e) {
      out.push({
        kind: "invalid",
        path: [],
        message: `(root): could not be validated: ${(e as Error).message}`,
      });
    }
    return out;
  };

  return {
    validate,
    get crdProblems(): CrdProblem[] {
      const all = [...fileProblems];
      for (const kind of custom.values()) {
        const file = origin.get(kind);
        const base = file !== undefined ? { crd: kind.crd, file } : { crd: kind.crd };
        for (const issue of kind.problems) all.push({ ...base, issue });
        for (const v of kind.versions.values())
          for (const issue of compiledVersion(v)?.problems ?? []) all.push({ ...base, issue });
      }
      return all;
    },
    schemaSource(apiVersion: string, kind: string): SchemaSource | undefined {
      const r = resolve(apiVersion, kind);
      return r.source === "none" ? undefined : r.source;
    },
  };
}
