import { SlipwayError } from "../errors.js";
import { trimSpace } from "../go/strings.js";
import { type SecretPaths, valueAt } from "../secrets/paths.js";
import { formatGoFloatG } from "../yaml/numbers.js";
import { copyMetadataTexts, takeScalarText, writtenText } from "../yaml/scalar-text.js";
import { cloneValue } from "./clone.js";
import type { Loader } from "./loader.js";
import {
  applyJson6902,
  type Json6902Op,
  parseJson6902Patch,
  type SchemaRegistry,
  strategicMergePatch,
} from "./patch/index.js";
import { patchDocuments, patchOperations } from "./patch-text.js";
import type { ResMap } from "./resmap.js";
import type { PatchRecord, Resource } from "./resource.js";
import { type Selector, SelectorMatcher, selectorFrom } from "./selector.js";
import { isMap, type KObject, type YamlMap, type YamlValue } from "./types.js";

/** A decrypted JSON patch operation's value lands at its path (list positions are found by value). */
function markJsonPatchSecrets(r: Resource, ops: Json6902Op[], secrets: SecretPaths): void {
  for (const path of secrets.paths()) {
    const [index, field, ...rest] = path;
    const op = typeof index === "number" ? ops[index] : undefined;
    if (!op || field !== "value" || typeof op.path !== "string") continue;
    const value = valueAt((op as { value?: YamlValue }).value ?? null, rest);
    if (value === undefined) continue;
    const target = op.path
      .split("/")
      .slice(1)
      .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
      .map((s) => (/^(\d+|-)$/.test(s) ? (s === "-" ? 0 : Number(s)) : s));
    r.markSecretValue([...target, ...rest], value);
  }
}

export interface PatchOptions {
  allowNameChange?: boolean;
  allowKindChange?: boolean;
}

/** One entry of `patches:` (or a legacy patch) after its content has been read and classified. */
export type PatchEntry =
  | {
      kind: "smp";
      docs: KObject[];
      target?: Selector;
      options: PatchOptions;
      file?: string;
      /** Line of each document in `file`; absent for inline patches. */
      lines?: number[];
      /** Per document, its decrypted (secret) values: a SOPS patch file Flux decrypted. */
      secrets?: Array<SecretPaths | undefined>;
      /**
       * Applied through the resource map (resmap ApplySmPatch), as a legacy patchesStrategicMerge
       * patch is; a `patches:` entry is when it has a target. See withMetadataAsText.
       */
      throughResMap?: boolean;
    }
  | {
      kind: "json6902";
      ops: Json6902Op[];
      target?: Selector;
      options: PatchOptions;
      file?: string;
      inline?: boolean;
      /**
       * From `patchesJson6902` (or a PatchJson6902Transformer): kustomize's legacy transformer
       * records no previous id, so the object keeps no annotations map for the patch to find.
       */
      legacy?: boolean;
      /** The decrypted (secret) values of the operations list. */
      secrets?: SecretPaths;
    };

/**
 * Reads a `patches:` entry ({path | patch, target, options}); a patch whose text parses as a
 * list of JSON 6902 operations is one, anything else is a strategic merge patch.
 */
export function patchEntryFrom(
  raw: YamlValue,
  load: (p: string) => string,
  kfile: string,
  loader: Loader,
  legacyJson6902 = false,
): PatchEntry {
  if (!isMap(raw)) throw new SlipwayError("patch entries must be maps", { file: kfile });
  const p = raw.path;
  // kustomize's PatchTransformer trims an inline patch (strings.TrimSpace) before reading it: a
  // block scalar that ends the text loses its last line break. The legacy JSON 6902 one does not.
  const inline = typeof raw.patch === "string" && !legacyJson6902 ? trimSpace(raw.patch) : raw.patch;
  const hasPath = typeof p === "string" && p !== "";
  const hasInline = typeof inline === "string" && inline !== "";
  if (hasPath && hasInline)
    throw new SlipwayError("patch and path can't be set at the same time", { file: kfile });
  if (!hasPath && !hasInline) throw new SlipwayError("must specify one of patch and path", { file: kfile });
  const text = hasPath ? load(p) : (inline as string);
  const file = hasPath ? loader.resolve(p) : kfile;
  const target = selectorFrom(raw.target, kfile);
  const opts = isMap(raw.options) ? raw.options : {};
  const options: PatchOptions = {
    allowNameChange: opts.allowNameChange === true,
    allowKindChange: opts.allowKindChange === true,
  };
  const secret = hasPath ? loader.fs.secretFile?.(file) : undefined;
  // An empty text classifies as JSON6902 and then fails as one (a list is required), as in kustomize.
  const classified = legacyJson6902 || text === "" ? undefined : patchOperations(text);
  if (classified || legacyJson6902 || text === "") {
    if (!target) {
      const shown = secret ? `'${p}' (decrypted, not shown)` : text.trim();
      throw new SlipwayError(`must specify a target for JSON patch ${shown}`, { file: kfile });
    }
    const ops = classified ?? parseJson6902Patch(text, file);
    const secrets = secret?.documents?.[0];
    return {
      kind: "json6902",
      ops,
      target,
      options,
      file,
      inline: !hasPath,
      ...(legacyJson6902 ? { legacy: true } : {}),
      ...(secrets ? { secrets } : {}),
    };
  }
  const all = patchDocuments(text, file);
  const kept = all.flatMap((d, i) => (isMap(d.value) && Object.keys(d.value).length > 0 ? [{ d, i }] : []));
  const docs = kept.map(({ d }) => d.value as KObject);
  return {
    kind: "smp",
    docs,
    target,
    options,
    file,
    ...(hasPath ? { lines: kept.map(({ d }) => d.line) } : {}),
    ...(secret ? { secrets: kept.map(({ i }) => secret.documents?.[i]) } : {}),
  };
}

export function applyPatch(
  resources: ResMap,
  entry: PatchEntry,
  schema: SchemaRegistry,
  kfile: string,
): void {
  if (entry.kind === "json6902") {
    const matcher = new SelectorMatcher(entry.target!);
    for (const r of resources.resources()) {
      if (!matcher.matches(r)) continue;
      if (!entry.legacy) r.storePreviousId();
      r.patches.push({ file: entry.file ?? kfile, line: 1, inline: entry.inline ?? true, ops: entry.ops });
      try {
        r.obj = applyJson6902(r.obj, entry.ops, entry.file) as KObject;
        setAnnotationsAsText(r);
        if (entry.secrets) markJsonPatchSecrets(r, entry.ops, entry.secrets);
      } catch (e) {
        if (e instanceof SlipwayError)
          throw e.withContext(`${e.message} (patching ${r.idString()})`, {
            file: e.file ?? entry.file ?? kfile,
          });
        throw e;
      }
    }
    return;
  }
  for (const [i, doc] of entry.docs.entries()) {
    const line = entry.lines?.[i];
    const record: PatchRecord = {
      file: entry.file ?? kfile,
      line: line ?? 1,
      inline: line === undefined,
      smp: doc,
    };
    let targets: Resource[];
    if (entry.target) {
      const matcher = new SelectorMatcher(entry.target);
      targets = resources.resources().filter((r) => matcher.matches(r));
    } else {
      const md = isMap(doc.metadata) ? doc.metadata : {};
      const apiVersion = typeof doc.apiVersion === "string" ? doc.apiVersion : "";
      const slash = apiVersion.lastIndexOf("/");
      const id = {
        group: slash < 0 ? "" : apiVersion.slice(0, slash),
        version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
        kind: typeof doc.kind === "string" ? doc.kind : "",
        name: md.name === undefined || md.name === null ? "" : String(md.name),
        namespace: md.namespace === undefined || md.namespace === null ? "" : String(md.namespace),
      };
      try {
        targets = [resources.getById(id)];
      } catch (e) {
        if (e instanceof SlipwayError) throw e.withContext(e.message, { file: entry.file ?? kfile });
        throw e;
      }
    }
    const secrets = entry.secrets?.[i];
    const applied = entry.target || entry.throughResMap ? withMetadataAsText(doc) : doc;
    for (const r of targets) {
      r.patches.push(record);
      applySmp(resources, r, applied, entry.options, schema);
      // The patch's decrypted values are secret wherever they landed in the target.
      for (const path of secrets?.paths() ?? []) {
        const value = valueAt(doc, path);
        if (value !== undefined) r.markSecretValue(path, value);
      }
    }
  }
}

/**
 * resmap ApplySmPatch copies the patch and sets the copy's labels and annotations again from
 * their text (CopyMergeMetaDataFieldsFrom → SetLabels/SetAnnotations): as strings (`-0.0` stays
 * "-0.0"), a nested value as "", and a field with no entries (empty, null, not a map) cleared.
 * `doc` is left as it is (patch records keep it).
 */
function withMetadataAsText(doc: KObject): KObject {
  const md = doc.metadata;
  if (!isMap(md) || (md.labels === undefined && md.annotations === undefined)) return doc;
  const meta: YamlMap = { ...md };
  copyMetadataTexts(doc, { metadata: meta });
  for (const field of ["labels", "annotations"] as const) {
    if (!Object.hasOwn(meta, field)) continue;
    const m = meta[field];
    const texts: YamlMap = {};
    if (isMap(m)) for (const k of Object.keys(m)) texts[k] = writtenText(m, k) ?? nodeValueText(m[k]!);
    if (Object.keys(texts).length > 0) meta[field] = texts;
    else delete meta[field];
  }
  return { ...doc, metadata: meta };
}

/** yaml.Node.Value of a value no text was kept for: empty for maps and lists. */
function nodeValueText(v: YamlValue): string {
  if (v === null) return "null";
  return typeof v === "object" ? "" : String(v);
}

/**
 * kustomize sets the annotations again after a JSON patch (res.SetAnnotations of GetAnnotations):
 * each value becomes the text the JSON round trip left, as a string (1000000 is "1e+06", go-yaml
 * writing a float64; null is "null"; a map or list ""), so a later patch finds strings. A field
 * with no entries is cleared, unless kustomize's own bookkeeping annotations would be in it.
 */
function setAnnotationsAsText(r: Resource): void {
  const md = r.metadata;
  if (md === undefined || !Object.hasOwn(md, "annotations")) return;
  const a = md.annotations;
  if (!isMap(a) || (Object.keys(a).length === 0 && !r.holdsBuildAnnotations)) {
    delete md.annotations;
    return;
  }
  for (const k of Object.keys(a)) {
    const v = a[k]!;
    if (typeof v === "string") continue;
    if (v === null) a[k] = "null";
    else if (typeof v === "object") a[k] = "";
    else a[k] = typeof v === "number" ? formatGoFloatG(v) : String(v);
  }
}

/** kustomize's Resource.ApplySmPatch: identity is kept unless the options allow a change. */
function applySmp(
  resources: ResMap,
  r: Resource,
  patch: KObject,
  options: PatchOptions,
  schema: SchemaRegistry,
): void {
  const name = r.name;
  const namespace = r.namespace;
  const kind = r.kind;
  if (options.allowNameChange || options.allowKindChange) r.storePreviousId();
  const p = cloneValue(patch);
  p.apiVersion = r.apiVersion;
  if (patch.kind === undefined) p.kind = kind;
  const merged = strategicMergePatch(r.obj, p, undefined, schema);
  if (merged === null || Object.keys(merged).length === 0) {
    resources.remove(r);
    return;
  }
  const before = r.metadata;
  r.obj = merged;
  if (!options.allowKindChange) r.obj.kind = kind;
  if (!options.allowNameChange) restoreMeta(r, before, "name", name);
  if (namespace === "") {
    const md = r.metadata;
    if (md && "namespace" in md) delete md.namespace;
  } else restoreMeta(r, before, "namespace", namespace);
}

/**
 * kyaml's SetName/SetNamespace of the text read before the patch: the field keeps its style, so
 * a name written `0x10` is still the number it was, with its text (yaml/scalar-text.ts).
 */
function restoreMeta(
  r: Resource,
  before: YamlMap | undefined,
  key: "name" | "namespace",
  text: string,
): void {
  const v = before?.[key];
  if (
    before === undefined ||
    typeof v === "string" ||
    v === undefined ||
    v === null ||
    typeof v === "object"
  ) {
    if (key === "name") r.setName(text);
    else r.setNamespace(text);
    return;
  }
  const md = r.ensureMetadata();
  md[key] = v;
  takeScalarText(before, md, key);
}
