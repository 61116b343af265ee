/**
 * Maps a finding's object and field path to the line a person edits. The rendered object may
 * differ from what is written (name prefixes, namespaces, patches), so the document is found
 * through the object's recorded source (file + document line) and only then is the field
 * path looked up in that document; a path that does not exist there (added by a transformer,
 * or a missing required field) falls back to its nearest existing ancestor, then to the
 * document's first line. Each source file is parsed at most once per run.
 */

import * as path from "node:path";
import type { RenderCache } from "../cache/store.js";
import { readRegularFile } from "../fs/read-regular.js";
import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";
import type { PatchSource, RenderedResource, SourceLocation } from "../platform/model.js";
import { type PositionedDocument, parseYamlDocumentsWithPositions } from "../yaml/index.js";
import { FLUX_PATCH_LISTS, inlinePatchLine, KUSTOMIZATION_PATCH_LISTS } from "./inline-patches.js";
import { sourceDocuments } from "./source-lines-cache.js";
import type { FieldPath } from "./types.js";

export type ReadSource = (absolutePath: string) => string | undefined;

/** The Flux Kustomization that applies a rendered object: its spec may have set the field. */
export interface FluxSetter {
  object: KObject;
  definedAt?: SourceLocation;
  /** Repository-relative directory it built. */
  dir?: string;
}

export type FluxSetterOf = (resource: RenderedResource) => FluxSetter | undefined;

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

const readFromDisk: ReadSource = (file) => {
  try {
    return readRegularFile(file).toString("utf8");
  } catch {
    return undefined;
  }
};

export class SourceLines {
  private readonly docs = new Map<string, PositionedDocument[]>();

  /** `root`: absolute repository root that source files are relative to. */
  /**
   * `cache`: where parsed source files are kept between runs (source-lines-cache.ts); none:
   * each file is parsed.
   */
  constructor(
    private readonly root: string,
    private readonly read: ReadSource = readFromDisk,
    private readonly fluxOf: FluxSetterOf = () => undefined,
    private readonly cache?: RenderCache,
  ) {}

  /** The file and line of `fieldPath` inside the object's source document; the document's line when unknown. */
  locate(resource: RenderedResource, fieldPath: FieldPath = []): SourceLocation | undefined {
    if (fieldPath[0] === "metadata" && fieldPath[1] === "namespace") {
      const at = this.namespaceSetter(resource);
      if (at) return at;
    }
    // The last patch that set the field is what a person edits, not the base document.
    for (const patch of [...(resource.patches ?? [])].reverse()) {
      const at = this.locateInPatch(patch, resource, fieldPath);
      if (at) return at;
    }
    const src = resource.source;
    if (src === undefined) return undefined;
    if (resource.helmRelease !== undefined) return this.locateChartOutput(src, resource.object, fieldPath);
    const doc = this.documentOf(src, resource.object);
    if (doc === undefined) return { file: src.file, line: src.line };
    for (let n = fieldPath.length; n > 0; n--) {
      const line = safeLineOf(doc, fieldPath.slice(0, n));
      if (line !== undefined) return { file: src.file, line };
    }
    return { file: src.file, line: doc.line || src.line };
  }

  /**
   * Chart output has no document of its own: it points at the `spec.values` entry that decided
   * the field when one shows it verbatim (a replica count, an image or its tag, a resources
   * block), else at `spec.values`, else at the HelmRelease.
   */
  private locateChartOutput(src: SourceLocation, object: KObject, fieldPath: FieldPath): SourceLocation {
    const doc = this.documentsOf(src.file).find((d) => d.line === src.line);
    if (!doc || !isMap(doc.value) || doc.value.kind !== "HelmRelease")
      return { file: src.file, line: src.line };
    const spec = isMap(doc.value.spec) ? doc.value.spec : {};
    const decided = valuesEntryFor(spec.values, object, fieldPath);
    const line =
      (decided && safeLineOf(doc, ["spec", "values", ...decided])) ?? safeLineOf(doc, ["spec", "values"]);
    return { file: src.file, line: line ?? src.line };
  }

  /** The line of `fieldPath` in the document at `at` (e.g. a Flux Kustomization's `definedAt`). */
  lineAt(at: SourceLocation, object: KObject, fieldPath: FieldPath): number {
    return (
      this.locate({ object, source: at, touchedBy: [], kustomization: "", cluster: "" }, fieldPath)?.line ??
      at.line
    );
  }

  /**
   * When the namespace was not written in the object's own document: the Flux Kustomization's
   * `spec.targetNamespace`, or the `namespace:` of the outermost kustomization that set it.
   */
  private namespaceSetter(resource: RenderedResource): SourceLocation | undefined {
    const rendered = namespaceOf(resource.object);
    if (rendered === "") return undefined;
    const src = resource.source;
    const doc = src ? this.documentOf(src, resource.object) : undefined;
    if (doc !== undefined && namespaceOf(doc.value) === rendered) return undefined;
    const flux = this.fluxOf(resource);
    const spec = flux && isMap(flux.object.spec) ? flux.object.spec : undefined;
    if (flux?.definedAt && spec?.targetNamespace === rendered) {
      return {
        file: flux.definedAt.file,
        line: this.lineAt(flux.definedAt, flux.object, ["spec", "targetNamespace"]),
      };
    }
    for (const dir of [...resource.touchedBy].reverse()) {
      for (const name of KUSTOMIZATION_FILES) {
        const file = path.posix.join(dir, name);
        const kdoc = this.documentsOf(file)[0];
        if (kdoc === undefined) continue;
        if (isMap(kdoc.value) && kdoc.value.namespace === rendered) {
          const line = safeLineOf(kdoc, ["namespace"]);
          if (line !== undefined) return { file, line };
        }
        break;
      }
    }
    return undefined;
  }

  private locateInPatch(
    patch: PatchSource,
    resource: RenderedResource,
    fieldPath: FieldPath,
  ): SourceLocation | undefined {
    const object = resource.object;
    const existing = existingPrefix(object, fieldPath);
    if (existing.length === 0 || isIdentityPath(existing)) return undefined;
    let inPatch: FieldPath | undefined;
    if (patch.ops) {
      const i = patch.ops.findLastIndex(
        (op) =>
          op.op !== "remove" &&
          op.op !== "test" &&
          isPrefix(resolveAppend(object, pointerToPath(op.path ?? "")), existing),
      );
      if (i >= 0) inPatch = [i];
    } else if (patch.smp) {
      inPatch = pathInPatch(patch.smp, object, existing);
      // A patch that only touches part of a map or list (an image in a container) did not
      // write the rest of it: findings about the whole stay where the whole was written.
      if (inPatch && !suppliesWhole(valueAt(patch.smp, inPatch), valueAt(object, existing)))
        inPatch = undefined;
    }
    if (inPatch === undefined) return undefined;
    if (patch.inline) return this.locateInline(patch, resource, inPatch);
    const doc =
      this.documentsOf(patch.file).find((d) => d.line === patch.line) ?? this.documentsOf(patch.file)[0];
    if (doc === undefined) return { file: patch.file, line: patch.line };
    for (let n = inPatch.length; n > 0; n--) {
      const line = safeLineOf(doc, inPatch.slice(0, n));
      if (line !== undefined) return { file: patch.file, line };
    }
    return { file: patch.file, line: patch.line };
  }

  /**
   * An inline patch: its entry in the Flux Kustomization's `spec.patches` when it came from there
   * (Flux appends them to the built directory's kustomization), else in the kustomization file.
   */
  private locateInline(patch: PatchSource, resource: RenderedResource, inPatch: FieldPath): SourceLocation {
    const flux = this.fluxOf(resource);
    if (
      flux?.definedAt &&
      flux.dir !== undefined &&
      path.posix.dirname(patch.file) === path.posix.normalize(flux.dir)
    ) {
      const doc = this.documentOf(flux.definedAt, flux.object);
      if (doc !== undefined) {
        const line = inlinePatchLine(
          doc,
          this.textLines(flux.definedAt.file),
          FLUX_PATCH_LISTS,
          patch,
          inPatch,
        );
        if (line !== undefined) return { file: flux.definedAt.file, line };
      }
    }
    const kdoc = this.documentsOf(patch.file)[0];
    if (kdoc !== undefined) {
      const line = inlinePatchLine(
        kdoc,
        this.textLines(patch.file),
        KUSTOMIZATION_PATCH_LISTS,
        patch,
        inPatch,
      );
      if (line !== undefined) return { file: patch.file, line };
    }
    return { file: patch.file, line: this.patchesLine(patch.file) ?? patch.line };
  }

  private textLines(file: string): string[] {
    const abs = path.posix.isAbsolute(file) ? file : path.posix.join(this.root, file);
    return this.read(abs)?.split("\n") ?? [];
  }

  /** Where a kustomization lists its patches (inline patches have no file of their own). */
  private patchesLine(file: string): number | undefined {
    const abs = path.posix.isAbsolute(file) ? file : path.posix.join(this.root, file);
    const lines = this.read(abs)?.split("\n") ?? [];
    const i = lines.findIndex((l) => /^(patches|patchesJson6902|patchesStrategicMerge)\s*:/.test(l));
    return i < 0 ? undefined : i + 1;
  }

  private documentsOf(file: string): PositionedDocument[] {
    let docs = this.docs.get(file);
    if (docs !== undefined) return docs;
    docs = [];
    const abs = path.posix.isAbsolute(file) ? file : path.posix.join(this.root, file);
    const text = this.read(abs);
    if (text !== undefined) {
      try {
        docs = this.cache
          ? sourceDocuments(this.cache, text, abs)
          : parseYamlDocumentsWithPositions(text, abs);
      } catch {
        docs = []; // an unparsable file is reported by the render itself
      }
    }
    this.docs.set(file, docs);
    return docs;
  }

  private documentOf(src: SourceLocation, object: KObject): PositionedDocument | undefined {
    const docs = this.documentsOf(src.file);
    if (docs.length === 0) return undefined;
    const exact = docs.find((d) => d.line === src.line);
    if (exact && sameKind(exact.value, object)) return exact;
    // The document whose content holds src.line (sources may record a field's line).
    let containing: PositionedDocument | undefined;
    for (const d of docs) if (d.line <= src.line) containing = d;
    if (containing && sameKind(containing.value, object)) return containing;
    // Otherwise the one with the same kind whose name the rendered name contains (prefixes, suffixes).
    const name = nameOf(object);
    const byName = docs.find(
      (d) => sameKind(d.value, object) && nameOf(d.value) !== "" && name.includes(nameOf(d.value)),
    );
    return byName ?? exact ?? containing;
  }
}

function safeLineOf(doc: PositionedDocument, p: FieldPath): number | undefined {
  try {
    return doc.lineOf(p);
  } catch {
    return undefined;
  }
}

function namespaceOf(value: YamlValue): string {
  if (!isMap(value) || !isMap(value.metadata)) return "";
  const ns = value.metadata.namespace;
  return typeof ns === "string" ? ns : "";
}

function sameKind(value: YamlValue, object: KObject): boolean {
  return isMap(value) && value.kind === object.kind;
}

function nameOf(value: YamlValue): string {
  if (!isMap(value) || !isMap(value.metadata)) return "";
  const name = value.metadata.name;
  return typeof name === "string" ? name : "";
}

/** The longest prefix of `p` that exists in `value`. */
function existingPrefix(value: YamlValue, p: FieldPath): FieldPath {
  const out: FieldPath = [];
  let cur: YamlValue | undefined = value;
  for (const seg of p) {
    if (typeof seg === "number" ? !Array.isArray(cur) || seg >= cur.length : !isMap(cur) || !(seg in cur))
      break;
    cur = typeof seg === "number" ? (cur as YamlValue[])[seg] : (cur as Record<string, YamlValue>)[seg];
    out.push(seg);
  }
  return out;
}

/** Fields every strategic-merge patch repeats to name its target; they say nothing about the change. */
function isIdentityPath(p: FieldPath): boolean {
  const key = p.join(".");
  return (
    key === "apiVersion" ||
    key === "kind" ||
    key === "metadata" ||
    key === "metadata.name" ||
    key === "metadata.namespace"
  );
}

function isPrefix(prefix: FieldPath, p: FieldPath): boolean {
  return prefix.length <= p.length && prefix.every((seg, i) => String(seg) === String(p[i]));
}

/** JSON patch's `-` ("append") read as the last index of that list in the rendered object. */
function resolveAppend(object: YamlValue, p: FieldPath): FieldPath {
  const out: FieldPath = [];
  let cur: YamlValue | undefined = object;
  for (const seg of p) {
    const s: string | number = seg === "-" && Array.isArray(cur) ? cur.length - 1 : seg;
    out.push(s);
    if (typeof s === "number") cur = Array.isArray(cur) ? cur[s] : undefined;
    else cur = isMap(cur) ? cur[s] : undefined;
  }
  return out;
}

/** A JSON pointer (`/spec/containers/0/image`, `~1` and `~0` escapes) as a field path. */
function pointerToPath(pointer: string): FieldPath {
  return pointer
    .split("/")
    .slice(1)
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const listKeys = ["name", "containerPort", "mountPath", "port", "ip", "key", "type"];

/**
 * The same field inside a strategic-merge patch document, walking lists by the item's merge
 * key (the rendered list's index is not the patch's), or undefined when the patch does not set it.
 */
function pathInPatch(patch: YamlValue, object: YamlValue, p: FieldPath): FieldPath | undefined {
  const out: FieldPath = [];
  let pn: YamlValue | undefined = patch;
  let on: YamlValue | undefined = object;
  for (const seg of p) {
    if (typeof seg === "number") {
      if (!Array.isArray(pn) || !Array.isArray(on)) return undefined;
      const item: YamlValue | undefined = on[seg];
      const j = pn.findIndex((x) => sameListItem(x, item));
      if (j < 0) return undefined;
      out.push(j);
      pn = pn[j];
      on = item;
    } else {
      if (!isMap(pn) || !(seg in pn)) return undefined;
      out.push(seg);
      pn = pn[seg];
      on = isMap(on) ? on[seg] : undefined;
    }
  }
  return out;
}

function sameListItem(a: YamlValue | undefined, b: YamlValue | undefined): boolean {
  if (isMap(a) && isMap(b)) {
    const key = listKeys.find((k) => a[k] !== undefined && b[k] !== undefined);
    if (key) return String(a[key]) === String(b[key]);
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function valueAt(v: YamlValue, p: FieldPath): YamlValue | undefined {
  let cur: YamlValue | undefined = v;
  for (const seg of p) {
    if (typeof seg === "number") cur = Array.isArray(cur) ? cur[seg] : undefined;
    else cur = isMap(cur) ? cur[seg] : undefined;
  }
  return cur;
}

/** Whether the patch's value holds all of the rendered value (so the patch wrote it). */
function suppliesWhole(patchValue: YamlValue | undefined, rendered: YamlValue | undefined): boolean {
  if (isMap(patchValue) && isMap(rendered)) return Object.keys(rendered).every((k) => k in patchValue);
  if (Array.isArray(patchValue) && Array.isArray(rendered)) return patchValue.length >= rendered.length;
  return true;
}

/**
 * The path under `spec.values` whose value shows up verbatim as the rendered field (or, for a
 * field the chart left out, its nearest rendered ancestor). Strings match exactly, or as an
 * image's tag or repository; numbers and booleans only under a key named like the field
 * (`replicas` ← `replicaCount`), so a stray `1` elsewhere is not taken for the cause; maps and
 * lists match a values subtree equal to them under the same key.
 */
export function valuesEntryFor(
  values: YamlValue | undefined,
  object: KObject,
  fieldPath: FieldPath,
): FieldPath | undefined {
  if (!isMap(values)) return undefined;
  for (let n = fieldPath.length; n > 0; n--) {
    const prefix = fieldPath.slice(0, n);
    const rendered = renderedAt(object, prefix);
    if (rendered === undefined) continue;
    const key = String(prefix[prefix.length - 1]);
    const renderedJson = typeof rendered === "object" && rendered !== null ? JSON.stringify(rendered) : "";
    return bestEntry(values, (e) => rank(rendered, renderedJson, key, e));
  }
  return undefined;
}

/**
 * How well a values entry explains the rendered value: 0 verbatim, 1 an image's tag, 2 its
 * repository or digest. `renderedJson`: the JSON of a map or list `rendered`.
 */
function rank(
  rendered: YamlValue,
  renderedJson: string,
  field: string,
  entry: ValuesEntry,
): number | undefined {
  const v = entry.value;
  const key = entry.key as string;
  if (rendered === null || v === null) return undefined;
  if (typeof rendered === "object") {
    if (typeof v !== "object" || key !== field) return undefined;
    entry.json ??= JSON.stringify(v);
    return entry.json === renderedJson ? 0 : undefined;
  }
  if (typeof v === "object") return undefined;
  if (typeof rendered === "string") {
    if (typeof v !== "string" || v === "") return undefined;
    if (v === rendered) return 0;
    if (field !== "image") return undefined;
    const at = rendered.indexOf("@");
    const ref = at === -1 ? rendered : rendered.slice(0, at);
    const colon = ref.lastIndexOf(":") > ref.lastIndexOf("/") ? ref.lastIndexOf(":") : -1;
    const repo = colon === -1 ? ref : ref.slice(0, colon);
    const tag = colon === -1 ? "" : ref.slice(colon + 1);
    if (tag !== "" && v === tag) return 1;
    if (v === repo || (at !== -1 && v === rendered.slice(at + 1))) return 2;
    return undefined;
  }
  const stem = field.replace(/s$/, "").toLowerCase();
  return v === rendered && stem !== "" && key.toLowerCase().includes(stem) ? 0 : undefined;
}

/** One entry of a values tree, in document order (an entry before the entries inside it). */
interface ValuesEntry {
  path: FieldPath;
  key: string | number;
  value: YamlValue;
  /** JSON of `value` when it is a map or list, written on first comparison. */
  json?: string;
}

/**
 * The entries of each values tree a run looks into, flattened once: a HelmRelease's findings
 * (often dozens) each search the same values, and walking the tree again for each was the
 * costliest part of mapping findings to lines.
 */
const entriesByValues = new WeakMap<object, ValuesEntry[]>();

function valuesEntries(values: YamlMap): ValuesEntry[] {
  let out = entriesByValues.get(values);
  if (out !== undefined) return out;
  const entries: ValuesEntry[] = [];
  const visit = (value: YamlValue, at: FieldPath): void => {
    if (isMap(value)) {
      for (const k of Object.keys(value)) {
        const v = value[k] as YamlValue;
        const path = [...at, k];
        entries.push({ path, key: k, value: v });
        visit(v, path);
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        const path = [...at, i];
        entries.push({ path, key: i, value: v });
        visit(v, path);
      });
    }
  };
  visit(values, []);
  entriesByValues.set(values, entries);
  out = entries;
  return out;
}

/** The best-ranked entry, the first in document order among equals. */
function bestEntry(
  values: YamlMap,
  rankOf: (entry: ValuesEntry) => number | undefined,
): FieldPath | undefined {
  let best: { path: FieldPath; rank: number } | undefined;
  for (const e of valuesEntries(values)) {
    if (typeof e.key !== "string") continue;
    const r = rankOf(e);
    if (r !== undefined && (best === undefined || r < best.rank)) {
      best = { path: e.path, rank: r };
      if (r === 0) break; // nothing ranks better, and later equals do not replace it
    }
  }
  return best === undefined ? undefined : [...best.path];
}

function renderedAt(v: YamlValue, p: FieldPath): YamlValue | undefined {
  let cur: YamlValue | undefined = v;
  for (const k of p) {
    if (Array.isArray(cur) && typeof k === "number") cur = cur[k];
    else if (isMap(cur) && typeof k === "string") cur = cur[k] as YamlValue | undefined;
    else return undefined;
  }
  return cur;
}
