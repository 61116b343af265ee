/**
 * A loaded Helm chart (Helm 4.1.4 pkg/chart/v2: Chart, Metadata, Dependency) and the decoding of
 * Chart.yaml / requirements.yaml into chart.Metadata as sigs.k8s.io/yaml does it: JSON field names
 * matched case-insensitively, a number or boolean written where a string is expected becomes its
 * text (`version: 1.0` is "1"), a null leaves the zero value, anything else of the wrong type is
 * an error. Unknown fields are ignored.
 *
 * Charts are immutable once loaded; dependency processing (dependencies.ts) builds a per-render
 * tree instead of mutating them, so one loaded chart serves every release.
 */

import { rfc3339Error } from "./go-time.js";
import type { GoMap, GoValue } from "./template/value.js";
import { formatFloat32G, RawInt, RawMap, type RawYaml, rawToGo } from "./yaml.js";

/** A file of a chart: a `/`-separated path relative to the chart root, and its bytes. */
export interface ChartFile {
  readonly name: string;
  readonly data: Uint8Array;
}

export interface Maintainer {
  name: string;
  email: string;
  url: string;
}

export interface ChartDependency {
  name: string;
  version: string;
  repository: string;
  condition: string;
  tags: string[];
  enabled: boolean;
  /** `import-values` entries as written: strings or maps with child/parent */
  importValues: GoValue[];
  alias: string;
}

export interface ChartMetadata {
  name: string;
  home: string;
  sources: string[];
  version: string;
  description: string;
  keywords: string[];
  /** null entries are kept so that validation can refuse them as Helm does */
  maintainers: Array<Maintainer | null>;
  icon: string;
  apiVersion: string;
  condition: string;
  tags: string;
  appVersion: string;
  deprecated: boolean;
  /** null when Chart.yaml has no annotations (Helm's nil map) */
  annotations: Map<string, string> | null;
  kubeVersion: string;
  dependencies: Array<ChartDependency | null>;
  type: string;
}

export interface Chart {
  readonly metadata: ChartMetadata;
  /** templates/ files in load order */
  readonly templates: readonly ChartFile[];
  /** values.yaml (all its documents merged) */
  readonly values: GoMap;
  /** values.schema.json, when present */
  readonly schema: Uint8Array | undefined;
  /** every other file (what `.Files` sees, crds/ included) */
  readonly files: readonly ChartFile[];
  /** charts/ subcharts, in name order (Helm's order is a Go map's) */
  readonly dependencies: readonly Chart[];
  /**
   * a digest of the chart's content (subcharts included), for caches: of its files, of the
   * archive it was loaded from (`tgz:<sha256>`), or, for a subchart of a chart whose digest is
   * known, that digest and its place (`<digest>/charts/<name>`). Equal digests are equal charts.
   * An own data property when known at load; else computed when first read.
   */
  readonly digest: string;
  /** what Helm's loader logs loading this chart (not its subcharts), as slog lines */
  readonly warnings?: readonly string[];
}

/** The load warnings of a chart and its subcharts, in load order (a chart's before its subcharts'). */
export function loadWarnings(chart: Chart): string[] {
  return [...(chart.warnings ?? []), ...chart.dependencies.flatMap(loadWarnings)];
}

export class ChartDecodeError extends Error {}

type FieldKind =
  | "string"
  | "bool"
  | "[]string"
  | "map[string]string"
  | "[]*Maintainer"
  | "[]*Dependency"
  | "[]interface {}";

interface FieldSpec {
  key: string;
  kind: FieldKind;
}

const METADATA_FIELDS: Record<string, FieldSpec> = {
  name: { key: "name", kind: "string" },
  home: { key: "home", kind: "string" },
  sources: { key: "sources", kind: "[]string" },
  version: { key: "version", kind: "string" },
  description: { key: "description", kind: "string" },
  keywords: { key: "keywords", kind: "[]string" },
  maintainers: { key: "maintainers", kind: "[]*Maintainer" },
  icon: { key: "icon", kind: "string" },
  apiversion: { key: "apiVersion", kind: "string" },
  condition: { key: "condition", kind: "string" },
  tags: { key: "tags", kind: "string" },
  appversion: { key: "appVersion", kind: "string" },
  deprecated: { key: "deprecated", kind: "bool" },
  annotations: { key: "annotations", kind: "map[string]string" },
  kubeversion: { key: "kubeVersion", kind: "string" },
  dependencies: { key: "dependencies", kind: "[]*Dependency" },
  type: { key: "type", kind: "string" },
};

const DEPENDENCY_FIELDS: Record<string, FieldSpec> = {
  name: { key: "name", kind: "string" },
  version: { key: "version", kind: "string" },
  repository: { key: "repository", kind: "string" },
  condition: { key: "condition", kind: "string" },
  tags: { key: "tags", kind: "[]string" },
  enabled: { key: "enabled", kind: "bool" },
  "import-values": { key: "import-values", kind: "[]interface {}" },
  alias: { key: "alias", kind: "string" },
};

const MAINTAINER_FIELDS: Record<string, FieldSpec> = {
  name: { key: "name", kind: "string" },
  email: { key: "email", kind: "string" },
  url: { key: "url", kind: "string" },
};

function jsonKind(v: RawYaml): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "string";
  if (typeof v === "number" || v instanceof RawInt) return "number";
  if (Array.isArray(v)) return "array";
  return "object";
}

function typeError(v: RawYaml, struct: string, field: string, goType: string): never {
  throw new ChartDecodeError(
    `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go struct field ${struct}.${field} of type ${goType}`,
  );
}

/** sigs.k8s.io/yaml's conversion of a scalar decoded into a string target. */
function asString(v: RawYaml, struct: string, field: string): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof RawInt) return v.value.toString();
  if (typeof v === "number") {
    const s = formatFloat32G(v);
    return s === "+Inf" ? ".inf" : s === "-Inf" ? "-.inf" : s === "NaN" ? ".nan" : s;
  }
  return typeError(v, struct, field, "string");
}

function asBool(v: RawYaml, struct: string, field: string): boolean {
  if (v === null) return false;
  if (typeof v === "boolean") return v;
  return typeError(v, struct, field, "bool");
}

function stringKey(k: RawYaml): string {
  return typeof k === "string" ? k : asString(k, "", "");
}

/** Decodes a mapping into the fields of `spec`, keeping `into`'s values for absent keys. */
function decodeStruct(
  raw: RawMap,
  struct: string,
  spec: Record<string, FieldSpec>,
  into: Record<string, unknown>,
): void {
  // encoding/json prefers an exact key match over a case-insensitive one.
  const exact = new Set(raw.entries.map(([k]) => stringKey(k)));
  for (const [rk, v] of raw.entries) {
    const key = stringKey(rk);
    const lower = key.toLowerCase();
    const field = spec[lower];
    if (!field) continue;
    if (key !== field.key && exact.has(field.key)) continue;
    into[fieldName(field.key)] = decodeField(v, struct, field);
  }
}

function fieldName(jsonKey: string): string {
  return jsonKey === "import-values" ? "importValues" : jsonKey;
}

function decodeField(v: RawYaml, struct: string, field: FieldSpec): unknown {
  switch (field.kind) {
    case "string":
      return asString(v, struct, field.key);
    case "bool":
      return asBool(v, struct, field.key);
    case "[]string":
      if (v === null) return [];
      if (!Array.isArray(v)) return typeError(v, struct, field.key, "[]string");
      return v.map((x) => asString(x, struct, field.key));
    case "map[string]string": {
      if (v === null) return null;
      if (!(v instanceof RawMap)) return typeError(v, struct, field.key, "map[string]string");
      const m = new Map<string, string>();
      for (const [k, x] of v.entries) m.set(stringKey(k), asString(x, struct, field.key));
      return m;
    }
    case "[]*Maintainer":
      if (v === null) return [];
      if (!Array.isArray(v)) return typeError(v, struct, field.key, "[]*v2.Maintainer");
      return v.map((x) => {
        if (x === null) return null;
        if (!(x instanceof RawMap)) return typeError(x, struct, field.key, "v2.Maintainer");
        const m: Maintainer = { name: "", email: "", url: "" };
        decodeStruct(x, "Maintainer", MAINTAINER_FIELDS, m as unknown as Record<string, unknown>);
        return m;
      });
    case "[]*Dependency":
      if (v === null) return [];
      if (!Array.isArray(v)) return typeError(v, struct, field.key, "[]*v2.Dependency");
      return v.map((x) => {
        if (x === null) return null;
        if (!(x instanceof RawMap)) return typeError(x, struct, field.key, "v2.Dependency");
        return decodeDependency(x);
      });
    case "[]interface {}":
      if (v === null) return [];
      if (!Array.isArray(v)) return typeError(v, struct, field.key, "[]interface {}");
      return v.map((x) => rawToGo(x));
  }
}

function decodeDependency(raw: RawMap): ChartDependency {
  const d: ChartDependency = {
    name: "",
    version: "",
    repository: "",
    condition: "",
    tags: [],
    enabled: false,
    importValues: [],
    alias: "",
  };
  decodeStruct(raw, "Dependency", DEPENDENCY_FIELDS, d as unknown as Record<string, unknown>);
  return d;
}

const LOCK_FIELDS: Record<string, FieldSpec> = {
  digest: { key: "digest", kind: "string" },
  dependencies: { key: "dependencies", kind: "[]*Dependency" },
};

/** Unmarshals Chart.lock (or requirements.lock) into chart.Lock for its errors; the lock is not used. */
export function checkLockDecodes(raw: RawYaml): void {
  if (raw === null) return;
  if (!(raw instanceof RawMap)) {
    throw new ChartDecodeError(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(raw)} into Go value of type v2.Lock`,
    );
  }
  for (const [k, v] of raw.entries) {
    if (stringKey(k).toLowerCase() !== "generated" || v === null) continue;
    // time.Time.UnmarshalJSON
    const problem =
      typeof v === "string" ? rfc3339Error(v) : "Time.UnmarshalJSON: input is not a JSON string";
    if (problem) throw new ChartDecodeError(`error unmarshaling JSON: while decoding JSON: ${problem}`);
  }
  decodeStruct(raw, "Lock", LOCK_FIELDS, {});
}

export function emptyMetadata(): ChartMetadata {
  return {
    name: "",
    home: "",
    sources: [],
    version: "",
    description: "",
    keywords: [],
    maintainers: [],
    icon: "",
    apiVersion: "",
    condition: "",
    tags: "",
    appVersion: "",
    deprecated: false,
    annotations: null,
    kubeVersion: "",
    dependencies: [],
    type: "",
  };
}

/** Unmarshals Chart.yaml (or requirements.yaml) into `into`, as json.Unmarshal into an existing struct does. */
export function decodeMetadataInto(raw: RawYaml, into: ChartMetadata): void {
  if (raw === null) return;
  if (!(raw instanceof RawMap)) {
    throw new ChartDecodeError(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(raw)} into Go value of type v2.Metadata`,
    );
  }
  decodeStruct(raw, "Metadata", METADATA_FIELDS, into as unknown as Record<string, unknown>);
}

/**
 * pkg/chart/loader's chartBase (Helm 4.1.4): the apiVersion of a top-level chart's Chart.yaml,
 * read first to choose the v2 or the v3 loader.
 */
export function decodeChartBaseApiVersion(raw: RawYaml): string {
  if (raw === null) return "";
  if (!(raw instanceof RawMap)) {
    throw new ChartDecodeError(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(raw)} into Go value of type loader.chartBase`,
    );
  }
  const into: Record<string, unknown> = { apiVersion: "" };
  decodeStruct(raw, "chartBase", { apiversion: { key: "apiVersion", kind: "string" } }, into);
  return into.apiVersion as string;
}
