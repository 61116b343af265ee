import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { isGoBase64 } from "../../kustomize/generators/base64.js";
import { installFormatsRuntime } from "./formats-runtime.js";
import { describeValue, formatPath, pointerToPath, valueAt } from "./json-path.js";
import { loadPackageModule } from "./package-modules.js";
import type { JsonPath, SchemaIssue } from "./types.js";

/** The shape of the ajv-standalone validators that kubernetes-models generates from the OpenAPI. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

const require = createRequire(import.meta.url);
const SAFE_SEGMENT = /^[A-Za-z0-9.-]+$/;
const SAFE_KIND = /^[A-Za-z0-9]+$/;

let packageRoot: string | undefined;
function modelsRoot(): string {
  packageRoot ??= path.dirname(require.resolve("kubernetes-models/package.json"));
  return packageRoot;
}

const OBJECT_META_SCHEMA =
  "@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta";

let objectMetaPath: string | null | undefined;
/** Where apimachinery's ObjectMeta schema module is, resolved once; null without that package. */
function objectMetaFile(): string | null {
  if (objectMetaPath === undefined) {
    try {
      objectMetaPath = require.resolve(OBJECT_META_SCHEMA);
    } catch {
      objectMetaPath = null;
    }
  }
  return objectMetaPath;
}

let schemaDirs: string[] | undefined;
/** Whether `file` is a schema module of kubernetes-models or of its apimachinery package. */
function isSchemaModule(file: string): boolean {
  if (schemaDirs === undefined) {
    const meta = objectMetaFile();
    const dirs = [path.join(modelsRoot(), "_schemas"), ...(meta === null ? [] : [path.dirname(meta)])];
    schemaDirs = dirs.map((dir) => dir + path.sep);
  }
  return schemaDirs.some((dir) => file.startsWith(dir));
}

let runtimeInstalled = false;
/** Before a schema module loads: their runtime package's lazy stand-in (formats-runtime.ts). */
function installRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const meta = objectMetaFile();
  // Without the apimachinery package, its schemas' requires fail as they did before.
  installFormatsRuntime([path.join(modelsRoot(), "_schemas", "index.js"), ...(meta === null ? [] : [meta])]);
}

/**
 * The compiled validator of a built-in kind, found through the package's own model file
 * (`kubernetes-models/<group>/<version>/<Kind>.js` names its schema module). Only that kind's
 * schema modules get loaded. Undefined when the package has no such top-level kind.
 */
export function loadBuiltinValidator(apiVersion: string, kind: string): CompiledValidator | undefined {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (!SAFE_KIND.test(kind) || !SAFE_SEGMENT.test(version) || (group !== "" && !SAFE_SEGMENT.test(group)))
    return undefined;
  if (group.includes("..") || version.includes("..")) return undefined;
  const modelFile = path.join(modelsRoot(), ...(group === "" ? [] : [group]), version, `${kind}.js`);
  let source: string;
  try {
    source = readFileSync(modelFile, "utf8");
  } catch {
    return undefined;
  }
  // Nested types (DeploymentSpec) have model files too; only real kinds declare apiVersion and kind.
  if (!source.includes(`.kind="${kind}"`) || !source.includes(`.apiVersion="${apiVersion}"`))
    return undefined;
  const match = /_schemas\/(\w+)\.js/.exec(source);
  if (match === null) return undefined;
  try {
    installRuntime();
    const file = path.join(modelsRoot(), "_schemas", `${match[1]}.js`);
    const mod = loadPackageModule(file, isSchemaModule) as { validate?: CompiledValidator };
    return typeof mod.validate === "function" ? mod.validate : undefined;
  } catch {
    return undefined;
  }
}

/** The generic ObjectMeta validator, used for custom resources' metadata. */
export function loadObjectMetaValidator(): CompiledValidator {
  installRuntime();
  // Without the package, Node's resolve throws its own error, as the require did.
  const file = objectMetaFile() ?? require.resolve(OBJECT_META_SCHEMA);
  const mod = loadPackageModule(file, isSchemaModule) as {
    validate: CompiledValidator;
  };
  return mod.validate;
}

let objectMetaPreloaded = false;

/**
 * An idle step (src/idle-work.ts): loads, once, what validating a custom resource's metadata
 * needs (loadObjectMetaValidator), so that the schema rules find it loaded instead of loading it
 * at the end of a cold check (~4 ms: kubernetes-models' runtime and ObjectMeta's modules found
 * and compiled). False once done.
 */
export function preloadObjectMetaValidator(): boolean {
  if (objectMetaPreloaded) return false;
  objectMetaPreloaded = true;
  try {
    loadObjectMetaValidator();
  } catch {
    // The schema rules meet the same error when they load it, and report it there.
  }
  return true;
}

interface Visit {
  obj: Record<string, unknown>;
  path: JsonPath;
  read: Set<string>;
  enumerated: boolean;
}

/**
 * Runs a compiled validator on a tracking view of `data`. The generated code reads every property
 * its schema declares (`data.x === undefined || check(data.x)`) and enumerates maps (`for in`), so a
 * key of a visited object that was never read is a field the schema does not know: the one
 * kube-apiserver would drop or reject. Objects whose schema declares no properties at all are
 * free-form (RawExtension, JSON) and are not judged.
 */
export function runCompiled(
  validate: CompiledValidator,
  data: unknown,
  basePath: JsonPath,
  issues: SchemaIssue[],
): void {
  const visits: Visit[] = [];
  const proxies = new WeakMap<object, unknown>();
  const wrap = (value: unknown, at: JsonPath): unknown => {
    if (typeof value === "bigint") return Number(value);
    if (value === null || typeof value !== "object") return value;
    const cached = proxies.get(value);
    if (cached !== undefined) return cached;
    let proxy: unknown;
    if (Array.isArray(value)) {
      proxy = new Proxy(value, {
        get(target, key) {
          const v = Reflect.get(target, key);
          if (typeof key !== "string" || key === "length") return v;
          const i = Number(key);
          return Number.isInteger(i) ? wrap(v, [...at, i]) : v;
        },
      });
    } else {
      const visit: Visit = {
        obj: value as Record<string, unknown>,
        path: at,
        read: new Set(),
        enumerated: false,
      };
      visits.push(visit);
      // A field set to null is read as absent, as kube-apiserver decodes it: Go's JSON decoding
      // leaves a field null names at its zero value, and server-side apply's typed values accept
      // null anywhere (DevSecNinja's `AZURE_STORAGE_KEY: null` in a Secret's data is no rejection).
      // A required field left null is then missing, which Kubernetes' validation rejects too.
      // Most objects hold no null: only those pay for filtering their keys.
      const holdsNull = Object.values(value).includes(null);
      const isNull = (target: object, key: string) => holdsNull && Reflect.get(target, key) === null;
      proxy = new Proxy(value, {
        get(target, key) {
          const v = Reflect.get(target, key);
          if (typeof key !== "string") return v;
          visit.read.add(key);
          return v === null ? undefined : wrap(v, [...at, key]);
        },
        has(target, key) {
          if (typeof key !== "string") return Reflect.has(target, key);
          visit.read.add(key);
          return Reflect.has(target, key) && !isNull(target, key);
        },
        ownKeys(target) {
          visit.enumerated = true;
          const keys = Reflect.ownKeys(target);
          return holdsNull ? keys.filter((k) => typeof k !== "string" || !isNull(target, k)) : keys;
        },
      });
    }
    proxies.set(value, proxy);
    return proxy;
  };

  const ok = validate(wrap(data, []));
  if (!ok && validate.errors) issues.push(...ajvIssues(validate.errors, data, basePath));
  for (const visit of visits) {
    if (visit.enumerated || visit.read.size === 0) continue;
    for (const key of Object.keys(visit.obj)) {
      if (visit.read.has(key)) continue;
      const p = [...basePath, ...visit.path, key];
      issues.push({ kind: "unknown-field", path: p, message: `${formatPath(p)}: unknown field` });
    }
  }
}

/**
 * Fields kubernetes-models' schemas lost: they were generated from an OpenAPI whose descriptions
 * had been stripped, every property named `description` with them, so its validators never read
 * one and runCompiled took each for unknown (PriorityClass's `description`, found on a public
 * repository; a CRD's printer column's). By group/kind, paths with `*` for any list index. The
 * CRD's own schemas are judged by crd-meta.ts instead.
 */
const LOST_FIELDS: Readonly<Record<string, ReadonlyArray<readonly string[]>>> = {
  "scheduling.k8s.io/PriorityClass": [["description"]],
  "apiextensions.k8s.io/CustomResourceDefinition": [
    ["spec", "versions", "*", "additionalPrinterColumns", "*", "description"],
    ["spec", "additionalPrinterColumns", "*", "description"],
  ],
};

/** Whether an unknown-field issue at `path` is a field kubernetes-models lost (LOST_FIELDS). */
export function isLostField(apiVersion: string, kind: string, path: JsonPath): boolean {
  const slash = apiVersion.indexOf("/");
  const lost = LOST_FIELDS[`${slash < 0 ? "" : apiVersion.slice(0, slash)}/${kind}`];
  return (
    lost?.some(
      (pattern) =>
        pattern.length === path.length &&
        pattern.every((seg, i) => (seg === "*" ? typeof path[i] === "number" : seg === path[i])),
    ) ?? false
  );
}

const FORMAT_TEXT: Record<string, string> = {
  int32: "a 32-bit integer",
  int64: "a 64-bit integer",
  quantity: "a quantity (e.g. 100m, 1.5Gi)",
  byte: "base64-encoded data",
  "date-time": "an RFC 3339 date-time",
  double: "a number",
};

function ajvIssues(errors: readonly AjvError[], data: unknown, basePath: JsonPath): SchemaIssue[] {
  // IntOrString and friends are oneOf/anyOf: report the alternative once, not each failed branch.
  const alternatives = new Map<string, string[]>();
  const formats = new Map<string, string>();
  for (const e of errors) {
    if (e.keyword === "oneOf" || e.keyword === "anyOf") alternatives.set(e.instancePath, []);
  }
  for (const e of errors) {
    const types = alternatives.get(e.instancePath);
    if (types !== undefined && e.keyword === "type") types.push(String(e.params.type));
    // A string branch that failed only on its format (Quantity) says more than the other branch's type.
    if (types !== undefined && e.keyword === "format") formats.set(e.instancePath, String(e.params.format));
  }
  const out: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const rel = pointerToPath(e.instancePath, data);
    const value = valueAt(data, rel);
    // kubernetes-models' `byte` format is stricter than Go, which skips line breaks.
    if (
      e.keyword === "format" &&
      e.params.format === "byte" &&
      typeof value === "string" &&
      isGoBase64(value)
    )
      continue;
    let p: JsonPath = [...basePath, ...rel];
    let text: string;
    let expected: string | undefined;
    const alt = alternatives.get(e.instancePath);
    if (alt !== undefined && e.keyword !== "oneOf" && e.keyword !== "anyOf") continue;
    switch (e.keyword) {
      case "type":
        expected = String(e.params.type);
        text = `must be ${expected}, got ${describeValue(value)}`;
        break;
      case "required":
        p = [...p, String(e.params.missingProperty)];
        text = "required field is missing";
        break;
      case "enum":
        text = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(value)}`;
        break;
      case "format": {
        const f = String(e.params.format);
        text = `must be ${FORMAT_TEXT[f] ?? `in format ${f}`}, got ${describeValue(value)}`;
        break;
      }
      case "oneOf":
      case "anyOf": {
        const f = formats.get(e.instancePath);
        text =
          f !== undefined
            ? `must be ${FORMAT_TEXT[f] ?? `in format ${f}`}, got ${describeValue(value)}`
            : alt !== undefined && alt.length > 0
              ? `must be ${(expected = [...new Set(alt)].join(" or "))}, got ${describeValue(value)}`
              : `must match one of the allowed forms, got ${describeValue(value)}`;
        break;
      }
      default:
        text = `fails ${e.keyword} ${JSON.stringify(e.params)}`;
    }
    const message = `${formatPath(p)}: ${text}`;
    if (seen.has(message)) continue;
    seen.add(message);
    out.push({ kind: "invalid", path: p, message, ...(expected ? { expected } : {}) });
  }
  return out;
}
