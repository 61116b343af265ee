/**
 * The Go types kustomize v5.5.0 decodes a kustomization file into (api/types, kyaml/resid), as
 * encoding/json sees them: field names by JSON tag, embedded structs' fields promoted, pointers
 * kept apart from values (a null clears a pointer, a slice or a map, and leaves anything else).
 */

export type GoType =
  | { kind: "string"; name?: string }
  | { kind: "bool" }
  | { kind: "int"; name: "int" | "int64" }
  | { kind: "interface" }
  | { kind: "slice"; elem: GoType; name?: string }
  | { kind: "map"; elem: GoType }
  | { kind: "pointer"; elem: GoStruct }
  | GoStruct;

export interface GoStruct {
  kind: "struct";
  name: string;
  /** its Go package, for the type's full name ("types" unless said) */
  pkg?: string;
  fields: Readonly<Record<string, GoType>>;
}

const str: GoType = { kind: "string" };
const bool: GoType = { kind: "bool" };
const iface: GoType = { kind: "interface" };
const strings: GoType = { kind: "slice", elem: str };
const stringMap: GoType = { kind: "map", elem: str };
const slice = (elem: GoType): GoType => ({ kind: "slice", elem });
const pointer = (elem: GoStruct): GoType => ({ kind: "pointer", elem });
const struct = (name: string, fields: Record<string, GoType>): GoStruct => ({ kind: "struct", name, fields });

const gvk = { group: str, version: str, kind: str };
const resId = { ...gvk, name: str, namespace: str };

const objectMeta = struct("ObjectMeta", {
  name: str,
  namespace: str,
  labels: stringMap,
  annotations: stringMap,
});
const fieldSpec = struct("FieldSpec", { ...gvk, path: str, create: bool });
const label = struct("Label", {
  pairs: stringMap,
  includeSelectors: bool,
  includeTemplates: bool,
  fields: slice(fieldSpec),
});
const selector = struct("Selector", { ...resId, annotationSelector: str, labelSelector: str });
const patch = struct("Patch", {
  path: str,
  patch: str,
  target: pointer(selector),
  options: { kind: "map", elem: bool },
});
const image = struct("Image", { name: str, newName: str, tagSuffix: str, newTag: str, digest: str });
const fieldOptions = struct("FieldOptions", {
  delimiter: str,
  index: { kind: "int", name: "int" },
  encoding: str,
  create: bool,
});
const sourceSelector = struct("SourceSelector", { ...resId, fieldPath: str, options: pointer(fieldOptions) });
const targetSelector = struct("TargetSelector", {
  select: pointer(selector),
  reject: slice(pointer(selector)),
  fieldPaths: strings,
  options: pointer(fieldOptions),
});
const replacementField = struct("ReplacementField", {
  source: pointer(sourceSelector),
  targets: slice(pointer(targetSelector)),
  path: str,
});
const replica = struct("Replica", { name: str, count: { kind: "int", name: "int64" } });
const varType = struct("Var", {
  name: str,
  objref: struct("Target", { apiVersion: str, ...gvk, name: str, namespace: str }),
  fieldref: struct("FieldSelector", { fieldPath: str }),
});
const sortOptions = struct("SortOptions", {
  order: { kind: "string", name: "types.SortOrder" },
  legacySortOptions: pointer(struct("LegacySortOptions", { orderFirst: strings, orderLast: strings })),
});
const generatorOptions = struct("GeneratorOptions", {
  labels: stringMap,
  annotations: stringMap,
  disableNameSuffixHash: bool,
  immutable: bool,
});
const generatorArgs = {
  namespace: str,
  name: str,
  behavior: str,
  literals: strings,
  files: strings,
  envs: strings,
  env: str,
  options: pointer(generatorOptions),
};
const helmGlobals = struct("HelmGlobals", { chartHome: str, configHome: str });
const helmChart = struct("HelmChart", {
  name: str,
  version: str,
  repo: str,
  releaseName: str,
  namespace: str,
  additionalValuesFiles: strings,
  valuesFile: str,
  valuesInline: { kind: "map", elem: iface },
  valuesMerge: str,
  includeCRDs: bool,
  skipHooks: bool,
  apiVersions: strings,
  kubeVersion: str,
  nameTemplate: str,
  skipTests: bool,
  debug: bool,
});
const helmChartArgs = struct("HelmChartArgs", {
  chartName: str,
  chartVersion: str,
  chartRepoUrl: str,
  chartHome: str,
  chartRepoName: str,
  helmBin: str,
  helmHome: str,
  values: str,
  valuesLocal: { kind: "map", elem: iface },
  valuesMerge: str,
  releaseName: str,
  releaseNamespace: str,
  extraArgs: strings,
});

/** types.Kustomization (its TypeMeta's kind and apiVersion promoted). */
export const kustomizationType: GoStruct = struct("Kustomization", {
  kind: str,
  apiVersion: str,
  metadata: pointer(objectMeta),
  openapi: stringMap,
  namePrefix: str,
  nameSuffix: str,
  namespace: str,
  commonLabels: stringMap,
  labels: slice(label),
  commonAnnotations: stringMap,
  patchesStrategicMerge: slice({ kind: "string", name: "types.PatchStrategicMerge" }),
  patchesJson6902: slice(patch),
  patches: slice(patch),
  images: slice(image),
  imageTags: slice(image),
  replacements: slice(replacementField),
  replicas: slice(replica),
  vars: slice(varType),
  sortOptions: pointer(sortOptions),
  resources: strings,
  components: strings,
  crds: strings,
  bases: strings,
  configMapGenerator: slice(struct("ConfigMapArgs", generatorArgs)),
  secretGenerator: slice(struct("SecretArgs", { ...generatorArgs, type: str })),
  helmGlobals: pointer(helmGlobals),
  helmCharts: slice(helmChart),
  helmChartInflationGenerator: slice(helmChartArgs),
  generatorOptions: pointer(generatorOptions),
  configurations: strings,
  generators: strings,
  transformers: strings,
  validators: strings,
  buildMetadata: strings,
});

/** How reflect's Type.String() names the type in an UnmarshalTypeError. */
export function goTypeName(t: GoType): string {
  switch (t.kind) {
    case "string":
      return t.name ?? "string";
    case "bool":
      return "bool";
    case "int":
      return t.name;
    case "interface":
      return "interface {}";
    case "slice":
      return t.name ?? `[]${goTypeName(t.elem)}`;
    case "map":
      return `map[string]${goTypeName(t.elem)}`;
    case "pointer":
      return `*${goTypeName(t.elem)}`;
    case "struct":
      return `${t.pkg ?? "types"}.${t.name}`;
  }
}

const fsSlice: GoType = { kind: "slice", elem: fieldSpec, name: "types.FsSlice" };

/** builtinconfig.TransformerConfig, a `configurations:` file (sigs.k8s.io/yaml.UnmarshalStrict). */
export const transformerConfigType: GoStruct = {
  kind: "struct",
  name: "TransformerConfig",
  pkg: "builtinconfig",
  fields: {
    namePrefix: fsSlice,
    nameSuffix: fsSlice,
    namespace: fsSlice,
    commonLabels: fsSlice,
    labels: fsSlice,
    templateLabels: fsSlice,
    commonAnnotations: fsSlice,
    nameReference: {
      kind: "slice",
      name: "builtinconfig.nbrSlice",
      elem: {
        kind: "struct",
        name: "NameBackReferences",
        pkg: "builtinconfig",
        fields: { ...gvk, fieldSpecs: fsSlice },
      },
    },
    varReference: fsSlice,
    images: fsSlice,
    replicas: fsSlice,
  },
};
