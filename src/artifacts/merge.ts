/**
 * The Merge copy strategy (source-watcher internal/builder/merge.go): both files are read as
 * sigs.k8s.io/yaml does — every document of a multi-document file merged into one map, YAML
 * 1.1 scalars, numbers through float64 — then deep-merged as Helm merges values files (maps
 * merge recursively, the copied file wins, lists are replaced) and written back with
 * sigs.k8s.io/yaml.Marshal (sorted keys). So a merged file loses its comments and formatting,
 * as it does in the cluster.
 */
import type { FileSystem } from "../fs/filesystem.js";
import { GoInt, GoMap, type GoValue } from "../helm/template/value.js";
import { mergeMaps, readValuesDocuments } from "../helm/yaml.js";
import { setOwn } from "../kustomize/generators/own.js";
import type { YamlMap, YamlValue } from "../kustomize/types.js";
import { emitYaml } from "../yaml/index.js";
import type { ArtifactFile } from "./tree.js";

export class MergeError extends Error {}

/**
 * Merges the YAML file `srcAbs` (in `srcFs`) over a staged file whose bytes are `existingBytes`.
 */
export function mergeYamlFiles(
  existing: ArtifactFile,
  existingBytes: Buffer,
  srcAbs: string,
  srcFs: FileSystem,
): ArtifactFile {
  let base: GoMap;
  let overlay: GoMap;
  try {
    base = readValuesDocuments(existingBytes.toString("utf8"), describe(existing));
    overlay = readValuesDocuments(srcFs.readFile(srcAbs).toString("utf8"), srcAbs);
  } catch (err) {
    throw new MergeError(err instanceof Error ? err.message : String(err));
  }
  const merged = mergeMaps(base, overlay);
  const files = [...originFiles(existing), srcAbs];
  return { origin: { kind: "merge", files }, content: Buffer.from(emitYaml(toYamlValue(merged))) };
}

function originFiles(f: ArtifactFile): string[] {
  switch (f.origin.kind) {
    case "copy":
      return [f.origin.file];
    case "merge":
      return f.origin.files;
    case "extract":
      return [`${f.origin.file}:${f.origin.entry}`];
  }
}

function describe(f: ArtifactFile): string {
  return originFiles(f).at(-1) ?? "<staged file>";
}

/** A decoded JSON-like Go value as a YAML value for the printer. */
export function toYamlValue(v: GoValue): YamlValue {
  if (v === undefined || v === null) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (v instanceof GoInt) {
    const n = v.value;
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }
  if (v instanceof GoMap) {
    const out: YamlMap = {};
    for (const [k, x] of v) setOwn(out, k, toYamlValue(x));
    return out;
  }
  if (Array.isArray(v)) return v.map(toYamlValue);
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  return String(v);
}
