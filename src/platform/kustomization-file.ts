/**
 * The `kustomization.yaml` kustomize-controller builds for a Flux Kustomization
 * (../shared/flux/SPEC.md §3.1–3.2): the directory's own file, decoded into kustomize's
 * struct (unknown fields dropped, field names matched case-insensitively) and rewritten with
 * the spec's targetNamespace, namePrefix/nameSuffix, patches, components, images and
 * buildMetadata; or, when the directory has none, one generated from the YAML files below it.
 * The result is served through an overlay FileSystem: nothing is written to the user's tree.
 */
import * as path from "node:path";
import { SlipwayError } from "../errors.js";
import type { FileSystem } from "../fs/filesystem.js";
import { decodeGoJson } from "../kustomize/go-json-decode.js";
import { knownFields, kustomizationFileNames } from "../kustomize/kustomization.js";
import { kustomizationType } from "../kustomize/kustomization-schema.js";
import { selectorFields } from "../kustomize/selector.js";
import { resourcesFromText } from "../kustomize/target.js";
import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";
import {
  decodeYamlText,
  emitYaml,
  endBeforeNodeMessage,
  firstDocumentOf,
  parseYaml,
  parseYamlDocuments,
} from "../yaml/index.js";
import { readBackOfPrint } from "../yaml/read-back.js";

/** JSON names of kustomize's `types.Kustomization` fields (api v0.21): everything else is dropped. */
const KUSTOMIZATION_FIELDS: readonly string[] = knownFields;
const FIELD_BY_LOWER = new Map(KUSTOMIZATION_FIELDS.map((f) => [f.toLowerCase(), f]));
/** Pointer fields Go keeps when set, even if empty. */
const KEEP_EMPTY = new Set(["metadata", "sortOptions", "generatorOptions", "helmGlobals", "openapi"]);

const SELECTOR_FIELDS: readonly string[] = selectorFields;

export interface FluxKustomizationFile {
  /** Absolute path the file is served at. */
  file: string;
  /** The YAML text kustomize reads (printed when first asked for). */
  readonly text: string;
  /** The rewritten kustomization, as an object. */
  object: KObject;
  /**
   * What kustomize reads from `text` (sigs.k8s.io/yaml), taken from `object` without printing
   * and reading the text; undefined when that is not certain (src/yaml/read-back.ts).
   */
  readBack: YamlMap | undefined;
  /** True when the directory had no kustomization file. */
  generated: boolean;
}

/**
 * Builds the kustomization file Flux would use for `dir` under the Flux Kustomization `spec`.
 * Throws SlipwayError with Flux's messages for undecodable YAML and non-local components.
 */
export function fluxKustomizationFile(fs: FileSystem, dir: string, spec: YamlMap): FluxKustomizationFile {
  const existing = findKustomizationFile(fs, dir);
  let object: KObject;
  let file: string;
  if (existing) {
    file = existing;
    object = decodeKustomization(decodeYamlText(fs.readFile(existing), existing), existing);
    const resources = object.resources;
    if (!Array.isArray(resources) || resources.length === 0) object.buildMetadata = ["originAnnotations"];
  } else {
    file = path.posix.join(dir, "kustomization.yaml");
    object = generateKustomization(fs, dir);
  }
  applySpec(object, spec, fs, dir);
  const readBack = readBackOfPrint(object);
  // Printed now when kustomize is to read it (a print that fails fails here, as it always did).
  let text = isMap(readBack) ? undefined : emitYaml(object);
  return {
    file,
    get text() {
      text ??= emitYaml(object);
      return text;
    },
    object,
    readBack: isMap(readBack) ? readBack : undefined,
    generated: !existing,
  };
}

/**
 * Content Flux never reads: the kustomization file of `dir` whose first document is empty while a
 * later one is not (`---\n---\nresources: …`). kustomize-controller decodes the first document
 * only, so the Kustomization applies nothing (and with `prune` deletes what it applied before);
 * `line` is that of the document marker after the empty document. Undefined when the first document has content, the
 * file holds no more, or it does not parse (the build says so).
 */
export function contentAfterEmptyFirstDocument(
  fs: FileSystem,
  dir: string,
): { file: string; line: number } | undefined {
  const file = findKustomizationFile(fs, dir);
  if (file === undefined) return undefined;
  try {
    const text = decodeYamlText(fs.readFile(file), file);
    const first = firstDocumentOf(text);
    if (!("text" in first) || first.text.length === text.length) return undefined;
    if (parseYaml(first.text, file) !== null) return undefined;
    const rest = parseYamlDocuments(text.slice(first.text.length), file);
    if (!rest.some((d) => d.value !== null)) return undefined;
    return { file, line: first.text.split("\n").length };
  } catch {
    return undefined;
  }
}

function findKustomizationFile(fs: FileSystem, dir: string): string | undefined {
  for (const name of kustomizationFileNames) {
    const p = path.posix.join(dir, name);
    if (fs.exists(p) && !fs.isDirectory(p)) return p;
  }
  return undefined;
}

/** sigs.k8s.io/yaml into kustomize's struct and back: known fields only, empty ones omitted. */
function decodeKustomization(text: string, file: string): KObject {
  // Its first document only: an empty one leaves the struct as it was (firstDocumentOf).
  const first = firstDocumentOf(text);
  if (!("text" in first)) {
    const { message, line } = endBeforeNodeMessage(text, first.endBeforeNode);
    throw new SlipwayError(message, { file, line });
  }
  // sigs.k8s.io/yaml.Unmarshal: go-yaml v2 scalars (`yes` is a boolean, a timestamp stays
  // text), then encoding/json into the struct, which drops unknown fields and refuses a value
  // of the wrong type (kustomize-controller fails the build with its message).
  const raw = parseYaml(first.text, file, { allowDuplicateKeys: true, yamlToJson: true });
  if (raw === null) return baseKustomization();
  if (!isMap(raw)) throw new SlipwayError("kustomization file must be a YAML mapping", { file });
  const decoded = decodeGoJson(raw, kustomizationType, { disallowUnknownFields: false });
  if ("error" in decoded) {
    throw new SlipwayError(`error unmarshaling JSON: while decoding JSON: ${decoded.error.message}`, {
      file,
    });
  }
  const out = baseKustomization();
  for (const [key, value] of Object.entries(decoded.value as YamlMap)) {
    const field = FIELD_BY_LOWER.get(key.toLowerCase());
    if (field === undefined || value === null) continue;
    if (!KEEP_EMPTY.has(field) && isEmpty(value)) continue;
    out[field] = value;
  }
  return out;
}

function isEmpty(v: YamlValue): boolean {
  if (v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  return isMap(v) && Object.keys(v).length === 0;
}

function baseKustomization(): KObject {
  return { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization" };
}

/**
 * Flux's scan of a directory without a kustomization file: YAML files (exact `.yaml`/`.yml`
 * extension) in byte order, depth first; a sub-directory holding a kustomization file is one
 * resource and is not descended into; every file must decode as Kubernetes objects.
 */
function generateKustomization(fs: FileSystem, dir: string): KObject {
  const resources: string[] = [];
  const walk = (d: string) => {
    for (const name of byteSorted(fs.readDir(d))) {
      const p = path.posix.join(d, name);
      if (fs.isDirectory(p)) {
        if (findKustomizationFile(fs, p)) resources.push(`./${path.posix.relative(dir, p)}`);
        else walk(p);
        continue;
      }
      const ext = path.posix.extname(name);
      if (ext !== ".yaml" && ext !== ".yml") continue;
      try {
        resourcesFromText(decodeYamlText(fs.readFile(p), p), p);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        const at = err instanceof SlipwayError ? { line: err.line, column: err.column } : {};
        throw new SlipwayError(`failed to decode Kubernetes YAML from ${p}: ${reason}`, {
          file: p,
          ...at,
          cause: err,
        });
      }
      resources.push(`./${path.posix.relative(dir, p)}`);
    }
  };
  walk(dir);
  const k = baseKustomization();
  if (resources.length === 0) k.namespace = "_placeholder";
  else k.resources = resources;
  return k;
}

/** Go's filepath.Walk order: bytewise, which differs from UTF-16 order only outside the BMP. */
function byteSorted(names: string[]): string[] {
  return [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

function applySpec(k: KObject, spec: YamlMap, fs: FileSystem, dir: string): void {
  const str = (v: YamlValue | undefined) => (typeof v === "string" ? v : "");
  if (str(spec.targetNamespace)) k.namespace = str(spec.targetNamespace);
  if (str(spec.namePrefix)) k.namePrefix = str(spec.namePrefix);
  if (str(spec.nameSuffix)) k.nameSuffix = str(spec.nameSuffix);

  const patches = listOf(spec.patches);
  if (patches.length > 0) {
    const out = Array.isArray(k.patches) ? [...k.patches] : [];
    for (const p of patches) {
      if (!isMap(p)) continue;
      const entry: YamlMap = { patch: str(p.patch) };
      if (isMap(p.target)) {
        const target: YamlMap = {};
        for (const f of SELECTOR_FIELDS) if (str(p.target[f])) target[f] = str(p.target[f]);
        entry.target = target;
      }
      out.push(entry);
    }
    k.patches = out;
  }

  const components = listOf(spec.components);
  if (components.length > 0) {
    const out = Array.isArray(k.components) ? [...k.components] : [];
    for (const c of components) {
      const p = str(c);
      if (!isLocalRelativePath(p)) throw new SlipwayError(`component path '${p}' must be local and relative`);
      if (spec.ignoreMissingComponents === true && !fs.exists(path.posix.join(dir, p))) continue;
      out.push(p);
    }
    if (out.length > 0) k.components = out;
  }

  const images = listOf(spec.images);
  if (images.length > 0) k.images = mergeImages(listOf(k.images), images);

  const buildMetadata = listOf(spec.buildMetadata);
  if (buildMetadata.length > 0) k.buildMetadata = buildMetadata;
}

function listOf(v: YamlValue | undefined): YamlValue[] {
  return Array.isArray(v) ? v : [];
}

/** kustomize-controller ≥ v1.9.4: same name merges field by field, newTag and digest together. */
export function mergeImages(existing: YamlValue[], flux: YamlValue[]): YamlValue[] {
  const out = existing.map((e) => (isMap(e) ? { ...e } : e));
  for (const img of flux) {
    if (!isMap(img)) continue;
    const name = typeof img.name === "string" ? img.name : "";
    const field = (f: string) => (typeof img[f] === "string" ? (img[f] as string) : "");
    const match = out.find((e) => isMap(e) && e.name === name) as YamlMap | undefined;
    if (match) {
      if (field("newName")) match.newName = field("newName");
      if (field("newTag") || field("digest")) {
        setOrDelete(match, "newTag", field("newTag"));
        setOrDelete(match, "digest", field("digest"));
      }
      continue;
    }
    const entry: YamlMap = { name };
    for (const f of ["newName", "newTag", "digest"]) if (field(f)) entry[f] = field(f);
    out.push(entry);
  }
  return out;
}

function setOrDelete(m: YamlMap, key: string, value: string): void {
  if (value) m[key] = value;
  else delete m[key];
}

const REMOTE_PREFIXES = [
  "file:///",
  "git::",
  "gh:",
  "ssh://",
  "https://",
  "http://",
  "git@",
  "github.com:",
  "github.com/",
];

/** fluxcd/pkg's IsLocalRelativePath. */
export function isLocalRelativePath(p: string): boolean {
  if (p.startsWith("/")) return false;
  return !REMOTE_PREFIXES.some((prefix) => p.startsWith(prefix));
}
