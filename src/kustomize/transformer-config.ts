import { SlipwayError } from "../errors.js";
import {
  defaultCommonAnnotations,
  defaultCommonLabels,
  defaultImages,
  defaultNamePrefix,
  defaultNameReference,
  defaultNameSuffix,
  defaultNamespace,
  defaultReplicas,
  defaultTemplateLabels,
  defaultVarReference,
  type NameReferenceSpec,
} from "./builtin-fieldspecs.js";
import type { FieldSpec } from "./fieldspec.js";
import { gvkSelected } from "./resid.js";
import { isMap, type YamlValue } from "./types.js";

/** kustomize's TransformerConfig: the field-spec tables every builtin transformer is driven by. */
export interface TransformerConfig {
  namePrefix: FieldSpec[];
  nameSuffix: FieldSpec[];
  namespace: FieldSpec[];
  commonLabels: FieldSpec[];
  templateLabels: FieldSpec[];
  /** Extra places for the `labels:` field's pairs (configurations only; no defaults). */
  labels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  varReference: FieldSpec[];
  nameReference: NameReferenceSpec[];
  images: FieldSpec[];
  replicas: FieldSpec[];
}

const fsKeys = [
  "namePrefix",
  "nameSuffix",
  "namespace",
  "commonLabels",
  "templateLabels",
  "labels",
  "commonAnnotations",
  "varReference",
  "images",
  "replicas",
] as const;

export function emptyTransformerConfig(): TransformerConfig {
  return {
    namePrefix: [],
    nameSuffix: [],
    namespace: [],
    commonLabels: [],
    templateLabels: [],
    labels: [],
    commonAnnotations: [],
    varReference: [],
    nameReference: [],
    images: [],
    replicas: [],
  };
}

let defaults: TransformerConfig | undefined;

/** The builtin tables; one shared object, so merging it with itself is free. Never mutated. */
export function defaultTransformerConfig(): TransformerConfig {
  defaults ??= {
    namePrefix: defaultNamePrefix,
    nameSuffix: defaultNameSuffix,
    namespace: defaultNamespace,
    commonLabels: defaultCommonLabels,
    templateLabels: defaultTemplateLabels,
    labels: [],
    commonAnnotations: defaultCommonAnnotations,
    varReference: defaultVarReference,
    nameReference: defaultNameReference,
    images: defaultImages,
    replicas: defaultReplicas,
  };
  return defaults;
}

/**
 * kustomize's FieldSpec.effectivelyEquals: same path, and the incoming spec's gvk selects the
 * existing one — so a generic spec arriving after a specific one for the same path is dropped.
 */
function covers(existing: FieldSpec, incoming: FieldSpec): boolean {
  if (existing.path !== incoming.path) return false;
  const eg = { group: existing.group ?? "", version: existing.version ?? "", kind: existing.kind ?? "" };
  return gvkSelected(eg, incoming);
}

/** Adds `incoming` specs not already covered; a covered spec that differs in `create` conflicts. */
export function mergeFieldSpecs(base: FieldSpec[], incoming: FieldSpec[]): FieldSpec[] {
  if (incoming.length === 0) return base;
  const out = [...base];
  for (const fs of incoming) {
    const existing = out.find((x) => covers(x, fs));
    if (!existing) out.push(fs);
    else if (Boolean(existing.create) !== Boolean(fs.create)) {
      throw new SlipwayError(`conflicting fieldspecs for path '${fs.path}'`);
    }
  }
  return out;
}

function sameGvk(a: NameReferenceSpec, b: NameReferenceSpec): boolean {
  return a.kind === b.kind && (a.group ?? "") === (b.group ?? "") && (a.version ?? "") === (b.version ?? "");
}

export function mergeTransformerConfigs(a: TransformerConfig, b: TransformerConfig): TransformerConfig {
  if (a === b || isEmptyConfig(b)) return a;
  if (isEmptyConfig(a)) return b;
  const out = { ...a };
  for (const k of fsKeys) out[k] = mergeFieldSpecs(a[k], b[k]);
  const refs = [...a.nameReference];
  for (const nr of b.nameReference) {
    const i = refs.findIndex((x) => sameGvk(x, nr));
    if (i < 0) refs.push(nr);
    else refs[i] = { ...refs[i]!, fieldSpecs: mergeFieldSpecs(refs[i]!.fieldSpecs, nr.fieldSpecs) };
  }
  out.nameReference = refs;
  return out;
}

export function fieldSpecFrom(v: YamlValue, file: string): FieldSpec {
  if (!isMap(v)) throw new SlipwayError("field spec must be a map", { file });
  const fs: FieldSpec = { path: v.path === undefined || v.path === null ? "" : String(v.path) };
  if (v.group) fs.group = String(v.group);
  if (v.version) fs.version = String(v.version);
  if (v.kind) fs.kind = String(v.kind);
  if (v.create === true) fs.create = true;
  return fs;
}

export function fieldSpecsFrom(v: YamlValue | undefined, file: string): FieldSpec[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new SlipwayError("field specs must be a list", { file });
  return v.map((x) => fieldSpecFrom(x, file));
}

/** Reads a `configurations:` file (kustomize's transformer config YAML). */
export function transformerConfigFrom(raw: YamlValue, file: string): TransformerConfig {
  const tc = emptyTransformerConfig();
  if (raw === null || raw === undefined) return tc;
  if (!isMap(raw)) throw new SlipwayError("transformer configuration must be a map", { file });
  for (const k of fsKeys) tc[k] = fieldSpecsFrom(raw[k], file);
  const nr = raw.nameReference;
  if (Array.isArray(nr)) {
    tc.nameReference = nr.map((x) => {
      if (!isMap(x)) throw new SlipwayError("nameReference entries must be maps", { file });
      const spec: NameReferenceSpec = {
        kind: String(x.kind ?? ""),
        fieldSpecs: fieldSpecsFrom(x.fieldSpecs, file),
      };
      if (x.group) spec.group = String(x.group);
      if (x.version) spec.version = String(x.version);
      return spec;
    });
  }
  return tc;
}

function isEmptyConfig(c: TransformerConfig): boolean {
  return fsKeys.every((k) => c[k].length === 0) && c.nameReference.length === 0;
}
