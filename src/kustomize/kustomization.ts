import { SlipwayError } from "../errors.js";
import { compareGoStrings } from "../go/compare.js";
import { quote as goQuote } from "../helm/template/quote.js";
import { decodeLegacyHelmArgs } from "./generators/helm-chart.js";
import { isMap, type YamlMap, type YamlValue } from "./types.js";

/** The file names kustomize recognises, in its order. */
export const kustomizationFileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/**
 * Every field of kustomize v5.5.0's Kustomization type. kustomize decodes the file through
 * Go's encoding/json, which matches field names case-insensitively and rejects unknown ones.
 */
export const knownFields = [
  "apiVersion",
  "kind",
  "metadata",
  "openapi",
  "namePrefix",
  "nameSuffix",
  "namespace",
  "commonLabels",
  "labels",
  "commonAnnotations",
  "patchesStrategicMerge",
  "patchesJson6902",
  "patches",
  "images",
  "imageTags",
  "replacements",
  "replicas",
  "vars",
  "sortOptions",
  "resources",
  "components",
  "crds",
  "bases",
  "configMapGenerator",
  "secretGenerator",
  "helmGlobals",
  "helmCharts",
  "helmChartInflationGenerator",
  "generatorOptions",
  "configurations",
  "generators",
  "transformers",
  "validators",
  "buildMetadata",
] as const;
export type KnownField = (typeof knownFields)[number];
const byLowerCase = new Map<string, KnownField>(knownFields.map((f) => [f.toLowerCase(), f]));

export interface Kustomization {
  file: string;
  dir: string;
  apiVersion: string;
  kind: "Kustomization" | "Component";
  openapi?: Record<string, string>;
  namePrefix: string;
  nameSuffix: string;
  namespace: string;
  commonLabels: Record<string, string>;
  labels: YamlValue[];
  commonAnnotations: Record<string, string>;
  patchesStrategicMerge: YamlValue[];
  patchesJson6902: YamlValue[];
  patches: YamlValue[];
  images: YamlValue[];
  replacements: YamlValue[];
  replicas: YamlValue[];
  vars: YamlValue[];
  sortOptions?: YamlValue;
  resources: string[];
  components: string[];
  crds: string[];
  configMapGenerator: YamlValue[];
  secretGenerator: YamlValue[];
  /** helmCharts, then the legacy helmChartInflationGenerator entries converted (FixKustomization) */
  helmCharts: YamlValue[];
  /** helmGlobals, or the legacy entries' chartHome/helmHome when it is absent */
  helmGlobals?: YamlValue;
  generatorOptions?: YamlValue;
  configurations: string[];
  generators: string[];
  transformers: string[];
  validators: string[];
  buildMetadata: string[];
}

/**
 * Reads a parsed kustomization file into the normalised form the builder uses, applying
 * kustomize's fix-ups (bases → resources, imageTags → images, env → envs) and its checks.
 * `lineOf(field)` gives the 1-based line of a top-level field, for error messages.
 */
export function readKustomization(
  raw: YamlValue,
  file: string,
  dir: string,
  lineOf: (field: string) => number | undefined = () => undefined,
): Kustomization {
  // kustomize's CheckEmpty: a null document decodes to the zero struct (its words whatever the file's name).
  if (raw === null || raw === undefined) throw new SlipwayError("kustomization.yaml is empty", { file });
  if (!isMap(raw))
    throw new SlipwayError(
      `invalid Kustomization: json: cannot unmarshal ${goJsonType(raw)} into Go value of type types.Kustomization`,
      { file, line: 1 },
    );
  const fields: Partial<Record<KnownField, YamlValue>> = {};
  // sigs.k8s.io/yaml hands encoding/json the object with its keys sorted (json.Marshal of a map),
  // so the first unknown field in that order is the one named, quoted as %q quotes it
  // (`"\ufeffresources"` for a key that starts with a BOM).
  for (const key of Object.keys(raw).sort(compareGoStrings)) {
    if (!byLowerCase.has(key.toLowerCase())) {
      throw new SlipwayError(`invalid Kustomization: json: unknown field ${goQuote(key)}`, {
        file,
        line: lineOf(key),
      });
    }
  }
  for (const [key, value] of Object.entries(raw))
    fields[byLowerCase.get(key.toLowerCase()) as KnownField] = value;
  const where = (f: string) => ({ file, line: lineOf(f) });
  const strList = (f: KnownField): string[] => {
    const v = fields[f];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new SlipwayError(`'${f}' must be a list of strings`, where(f));
    return v.map((x) => {
      if (typeof x === "string") return x;
      if (x === null || typeof x === "object")
        throw new SlipwayError(`'${f}' must be a list of strings`, where(f));
      return String(x);
    });
  };
  const list = (f: KnownField): YamlValue[] => {
    const v = fields[f];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new SlipwayError(`'${f}' must be a list`, where(f));
    return v;
  };
  const str = (f: KnownField): string => {
    const v = fields[f];
    if (v === undefined || v === null) return "";
    if (typeof v === "object") throw new SlipwayError(`'${f}' must be a string`, where(f));
    return String(v);
  };
  const strMap = (f: KnownField): Record<string, string> => {
    const v = fields[f];
    if (v === undefined || v === null) return {};
    if (!isMap(v)) throw new SlipwayError(`'${f}' must be a map of strings`, where(f));
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x !== null && typeof x === "object")
        throw new SlipwayError(`'${f}.${k}' must be a string`, where(f));
      out[k] = x === null ? "" : String(x);
    }
    return out;
  };

  let kind = str("kind");
  let apiVersion = str("apiVersion");
  if (kind === "") kind = "Kustomization";
  if (kind !== "Kustomization" && kind !== "Component") {
    throw new SlipwayError(`kind should be Kustomization or Component, not '${kind}'`, where("kind"));
  }
  if (apiVersion === "") {
    apiVersion =
      kind === "Component" ? "kustomize.config.k8s.io/v1alpha1" : "kustomize.config.k8s.io/v1beta1";
  }
  if (kind === "Component" && apiVersion !== "kustomize.config.k8s.io/v1alpha1") {
    throw new SlipwayError(
      "apiVersion for Component should be kustomize.config.k8s.io/v1alpha1",
      where("apiVersion"),
    );
  }
  if (
    kind === "Kustomization" &&
    apiVersion !== "kustomize.config.k8s.io/v1beta1" &&
    apiVersion !== "v1beta1"
  ) {
    throw new SlipwayError(
      `apiVersion for Kustomization should be kustomize.config.k8s.io/v1beta1, not '${apiVersion}'`,
      where("apiVersion"),
    );
  }

  const openapiRaw = fields.openapi;
  let openapi: Record<string, string> | undefined;
  if (openapiRaw !== undefined && openapiRaw !== null) openapi = strMap("openapi");

  const k: Kustomization = {
    file,
    dir,
    apiVersion,
    kind,
    openapi,
    namePrefix: str("namePrefix"),
    nameSuffix: str("nameSuffix"),
    namespace: str("namespace"),
    commonLabels: strMap("commonLabels"),
    labels: list("labels"),
    commonAnnotations: strMap("commonAnnotations"),
    patchesStrategicMerge: list("patchesStrategicMerge"),
    patchesJson6902: list("patchesJson6902"),
    patches: list("patches"),
    images: [...list("images"), ...list("imageTags")],
    replacements: list("replacements"),
    replicas: list("replicas"),
    vars: list("vars"),
    sortOptions: fields.sortOptions ?? undefined,
    resources: [...strList("resources"), ...strList("bases")],
    components: strList("components"),
    crds: strList("crds"),
    configMapGenerator: list("configMapGenerator").map(fixEnvSource),
    secretGenerator: list("secretGenerator").map(fixEnvSource),
    ...helmFields(fields, list, file),
    generatorOptions: fields.generatorOptions ?? undefined,
    configurations: strList("configurations"),
    generators: strList("generators"),
    transformers: strList("transformers"),
    validators: strList("validators"),
    buildMetadata: strList("buildMetadata"),
  };
  if (isEmptyKustomization(fields)) {
    throw new SlipwayError("kustomization.yaml is empty", { file });
  }
  return k;
}

function fixEnvSource(g: YamlValue): YamlValue {
  if (!isMap(g) || g.env === undefined || g.env === null || g.env === "") return g;
  const out: YamlMap = { ...g };
  const envs = Array.isArray(out.envs) ? [...out.envs] : [];
  envs.push(out.env as YamlValue);
  out.envs = envs;
  delete out.env;
  return out;
}

/**
 * Fields FixKustomization moves into another list before CheckEmpty: `append(nil, empty...)`
 * stays nil, so an empty one of these leaves the kustomization empty.
 */
const MOVED_BEFORE_CHECK = new Set(["bases", "imageTags", "helmChartInflationGenerator"]);

/**
 * kustomize's CheckEmpty (api/types/kustomization.go): the decoded struct deep-equals an empty
 * one, TypeMeta aside. Go tells a nil slice or map from an empty one, so `resources: []` or
 * `commonLabels: {}` is a kustomization (kubectl builds nothing), while `resources:` (null) or
 * `namePrefix: ""` is not.
 */
function isEmptyKustomization(fields: Partial<Record<KnownField, YamlValue>>): boolean {
  for (const [k, v] of Object.entries(fields)) {
    if (k === "apiVersion" || k === "kind") continue;
    if (v === null || v === undefined || v === "") continue;
    if (MOVED_BEFORE_CHECK.has(k) && Array.isArray(v) && v.length === 0) continue;
    return false;
  }
  return true;
}

/** FixKustomization: legacy helmChartInflationGenerator entries become helmCharts (and helmGlobals). */
function helmFields(
  fields: Partial<Record<KnownField, YamlValue>>,
  list: (k: KnownField) => YamlValue[],
  file: string,
): Pick<Kustomization, "helmCharts" | "helmGlobals"> {
  const legacy = decodeLegacyHelmArgs(list("helmChartInflationGenerator"), file);
  let helmGlobals = fields.helmGlobals ?? undefined;
  if (helmGlobals === undefined && Object.keys(legacy.globals).length > 0) helmGlobals = legacy.globals;
  return {
    helmCharts: [...list("helmCharts"), ...legacy.charts],
    ...(helmGlobals !== undefined && helmGlobals !== null ? { helmGlobals } : {}),
  };
}

/** The JSON type encoding/json names when a value cannot fill a struct (sigs.k8s.io/yaml goes through JSON). */
function goJsonType(v: YamlValue): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number" || typeof v === "bigint") return "number";
  return "string";
}
