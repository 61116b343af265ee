/**
 * Builds a ResourceSet's objects as the Flux Operator does (internal/builder/resourceset.go):
 *
 * - each `resources[]` entry is turned into YAML text the way sigs.k8s.io/yaml.JSONToYAML
 *   prints the stored JSON (sorted keys, go-yaml v2 quoting and folding — so a value written
 *   `"<< inputs.enabled >>"` is a plain scalar to the template and yields a boolean) and
 *   executed once per input set; `resourcesTemplate` is executed once per input set as a
 *   multi-document stream. With no input sets at all each is executed once, `inputs` being nil.
 * - templates are Go text/template with `<< >>` delimiters, `missingkey=error`, and the
 *   operator's functions (slim-sprig's hermetic set, slugify, toYaml, inputs);
 * - the output is read as YAML 1.1 (sigs.k8s.io/yaml, then JSON into unstructured): objects with
 *   a top-level `items` list are Lists and are expanded (whatever their kind), documents that are
 *   not Kubernetes objects are dropped;
 * - objects annotated `fluxcd.controlplane.io/reconcile: disabled` are left out, and objects
 *   with the same group/kind/namespace/name are kept once (`resources` before
 *   `resourcesTemplate`);
 * - with `steps`, each step is built the same way; an object defined in two steps is an error.
 */

import { trimSpace } from "../go/strings.js";
import { helmEngine } from "../helm/engine-access.js";
import type { CallContext, FuncMap, GoFunc } from "../helm/funcs/types.js";
import type { GoValue } from "../helm/template/value.js";
import { isMap, type KObject, type YamlValue } from "../kustomize/types.js";
import { parseYaml11, readObjectsItems } from "../platform/postprocess.js";
import { emitYaml } from "../yaml/index.js";
import { NotImplementedError } from "./funcs.js";
import type { InputSet } from "./inputs.js";
import { RECONCILE_ANNOTATION, type ResourceSetSpec, type ResourceTemplates } from "./resourceset.js";
import { goValueOf } from "./values.js";

export interface BuiltObject {
  object: KObject;
  /** Which template made it: `resources[i]` or the `resourcesTemplate`. */
  template: { field: "resources"; index: number } | { field: "resourcesTemplate" };
  /** Index of the input set it was made from (absent without inputs). */
  input?: number;
  /** The step it belongs to, for a ResourceSet with steps. */
  step?: string;
}

export class ResourceSetBuildError extends Error {
  constructor(
    message: string,
    /** The template field the error is about (`spec.resources[0]`, `spec.steps[1].resourcesTemplate`). */
    readonly field: Array<string | number>,
    /** Line within the template text, when the template engine knows it. */
    readonly templateLine?: number,
    /** A template function Slipway lacks: the set cannot be rendered offline (not a user error). */
    readonly notImplemented?: string,
  ) {
    super(message);
  }
}

const NO_CONTEXT: CallContext = {
  templateName: "resourceset",
  random: () => 0,
  now: () => 0,
};

/** Builds every object of the ResourceSet for these combined input sets. */
export function buildResourceSetObjects(
  spec: Pick<ResourceSetSpec, "resources" | "resourcesTemplate" | "steps">,
  inputs: readonly InputSet[],
  funcs: FuncMap,
): BuiltObject[] {
  if (spec.steps.length === 0) return buildTemplates(spec, inputs, funcs, []);
  const stepOf = new Map<string, string>();
  const out: BuiltObject[] = [];
  spec.steps.forEach((step, i) => {
    let objects: BuiltObject[];
    try {
      objects = buildTemplates(step, inputs, funcs, ["steps", i]);
    } catch (err) {
      if (err instanceof ResourceSetBuildError) {
        throw new ResourceSetBuildError(
          `step "${step.name}": ${err.message}`,
          err.field,
          err.templateLine,
          err.notImplemented,
        );
      }
      throw err;
    }
    for (const o of objects) {
      const key = objectKey(o.object);
      const prev = stepOf.get(key);
      if (prev !== undefined && prev !== step.name) {
        throw new ResourceSetBuildError(
          `duplicate resource ${formatObject(o.object)} in step "${step.name}", already defined in step "${prev}"`,
          ["steps", i],
        );
      }
      stepOf.set(key, step.name);
      out.push({ ...o, step: step.name });
    }
  });
  return out;
}

function buildTemplates(
  t: ResourceTemplates,
  inputs: readonly InputSet[],
  funcs: FuncMap,
  at: Array<string | number>,
): BuiltObject[] {
  const out: BuiltObject[] = [];
  const keys = new Set<string>();
  const add = (o: BuiltObject, dedup: boolean) => {
    const key = objectKey(o.object);
    if (dedup && keys.has(key)) return;
    keys.add(key);
    out.push(o);
  };
  const goInputs = inputs.map((i) => goValueOf(i));
  t.resources.forEach((tmpl, i) => {
    const field = [...at, "resources", i];
    const text = emitYaml(tmpl as YamlValue);
    if (goInputs.length === 0) {
      add(
        {
          object: readOne(execute(text, null, funcs, field), field),
          template: { field: "resources", index: i },
        },
        false,
      );
      return;
    }
    goInputs.forEach((input, n) => {
      const object = readOne(execute(text, input, funcs, field, `failed to build resources[${i}]`), field);
      if (disabled(object)) return;
      add({ object, template: { field: "resources", index: i }, input: n }, true);
    });
  });
  if (t.resourcesTemplate !== "") {
    const field = [...at, "resourcesTemplate"];
    const made: BuiltObject[] = [];
    const runs: Array<{ input: GoValue; n?: number }> =
      goInputs.length === 0 ? [{ input: null }] : goInputs.map((input, n) => ({ input, n }));
    for (const { input, n } of runs) {
      const text = execute(
        t.resourcesTemplate,
        input,
        funcs,
        field,
        "failed to build resources",
        "multi-doc YAML template",
      );
      for (const object of readMany(text, field)) {
        made.push({
          object,
          template: { field: "resourcesTemplate" },
          ...(n !== undefined ? { input: n } : {}),
        });
      }
    }
    for (const o of made) if (!disabled(o.object)) add(o, true);
  }
  return out;
}

function execute(
  text: string,
  input: GoValue,
  funcs: FuncMap,
  field: Array<string | number>,
  prefix = "failed to build resource",
  what = "template",
): string {
  const set = new (helmEngine().TemplateSet)(funcs, { missingKey: "error", name: "resourceset" });
  const inputsFn: GoFunc = { params: [], result: "interface {}", fn: () => input };
  set.addFuncs({ inputs: inputsFn });
  try {
    const handle = set.parse("resourceset", text, { left: "<<", right: ">>" });
    try {
      return set.execute(handle, null, NO_CONTEXT);
    } catch (err) {
      throw wrap(err, `${prefix}: failed to execute ${what}`, field);
    }
  } catch (err) {
    if (err instanceof ResourceSetBuildError) throw err;
    throw wrap(err, `${prefix}: failed to parse ${what}`, field);
  }
}

function wrap(err: unknown, prefix: string, field: Array<string | number>): ResourceSetBuildError {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof NotImplementedError) {
      return new ResourceSetBuildError(e.message, field, undefined, e.functionName);
    }
  }
  if (err instanceof helmEngine().TemplateError) {
    return new ResourceSetBuildError(`${prefix}: ${err.message}`, field, err.line);
  }
  if (err instanceof Error) return new ResourceSetBuildError(`${prefix}: ${err.message}`, field);
  return new ResourceSetBuildError(`${prefix}: ${String(err)}`, field);
}

/** ssautil.ReadObject: the first document as one object. */
function readOne(text: string, field: Array<string | number>): KObject {
  let first = "";
  // The reader stops after the first document: a bad separator after it is never read.
  for (const d of documentsOf(text, field, "failed to read object")) {
    if (d.trim() === "") continue;
    first = d;
    break;
  }
  const obj = decodeDocument(first, field, "failed to read object");
  if (obj === undefined) {
    throw new ResourceSetBuildError(
      "failed to build resource: failed to read object: the template rendered no object",
      field,
    );
  }
  return obj;
}

/** ssautil.ReadObjects: every document; Lists expanded, non-objects and Kustomizations dropped. */
function readMany(text: string, field: Array<string | number>): KObject[] {
  const out: KObject[] = [];
  const prefix = "failed to build resources: failed to read objects from multi-doc YAML";
  for (const doc of documentsOf(text, field, prefix)) {
    const obj = decodeDocument(doc, field, prefix);
    if (obj === undefined) continue;
    let items: KObject[] | undefined;
    try {
      items = readObjectsItems(obj);
    } catch (err) {
      throw new ResourceSetBuildError(
        `${prefix}: ${(err as Error).message.replace(/^failed to read objects: /, "")}`,
        field,
      );
    }
    if (items !== undefined) {
      out.push(...items);
      continue;
    }
    if (!isKubernetesObject(obj) || isKustomization(obj)) continue;
    out.push(obj);
  }
  return out;
}

function* documentsOf(text: string, field: Array<string | number>, prefix: string): Generator<string> {
  try {
    yield* splitDocuments(text);
  } catch (err) {
    throw new ResourceSetBuildError(`${prefix}: ${(err as Error).message}`, field);
  }
}

function decodeDocument(doc: string, field: Array<string | number>, prefix: string): KObject | undefined {
  let value: YamlValue;
  try {
    value = parseYaml11(doc);
  } catch (err) {
    throw new ResourceSetBuildError(`${prefix}: ${(err as Error).message}`, field);
  }
  if (value === null) return undefined;
  if (!isMap(value)) {
    throw new ResourceSetBuildError(
      `${prefix}: json: cannot unmarshal ${Array.isArray(value) ? "array" : typeof value} into Go value of type map[string]interface {}`,
      field,
    );
  }
  if (typeof value.kind !== "string" || value.kind === "") {
    throw new ResourceSetBuildError(
      `${prefix}: Object 'Kind' is missing in '${JSON.stringify(value)}'`,
      field,
    );
  }
  return value;
}

/**
 * The k8s YAML reader's document split (apimachinery pkg/util/yaml/decoder.go, YAMLReader.Read,
 * v0.36 as flux-operator uses it): a line starting `---` ends a document when only spaces or a
 * `#` comment follow; any other text after it (`---foo`, `--- foo`) fails the read when the
 * reader reaches that line. Lazy, so a reader that stops early never sees a later bad line.
 */
function* splitDocuments(text: string): Generator<string> {
  let cur: string[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("---")) {
      const rest = trimSpace(line.slice(3));
      if (rest !== "" && !rest.startsWith("#")) throw new Error(`invalid Yaml document separator: ${rest}`);
      yield cur.join("\n");
      cur = [];
      continue;
    }
    cur.push(line);
  }
  yield cur.join("\n");
}

function isKubernetesObject(obj: KObject): boolean {
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  return (
    typeof obj.apiVersion === "string" &&
    obj.apiVersion !== "" &&
    typeof obj.kind === "string" &&
    typeof meta.name === "string" &&
    meta.name !== ""
  );
}

function isKustomization(obj: KObject): boolean {
  return (
    obj.kind === "Kustomization" &&
    typeof obj.apiVersion === "string" &&
    obj.apiVersion.startsWith("kustomize.config.k8s.io/")
  );
}

function disabled(obj: KObject): boolean {
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  const ann = isMap(meta.annotations) ? meta.annotations : {};
  return ann[RECONCILE_ANNOTATION] === "disabled";
}

/** objectKey: group/kind/namespace/name (the version is not part of an object's identity). */
export function objectKey(obj: KObject): string {
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  return [group, String(obj.kind ?? ""), String(meta.namespace ?? ""), String(meta.name ?? "")].join("/");
}

function formatObject(obj: KObject): string {
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  const ns = typeof meta.namespace === "string" && meta.namespace ? `${meta.namespace}/` : "";
  return `${String(obj.kind)}/${ns}${String(meta.name ?? "")}`;
}
