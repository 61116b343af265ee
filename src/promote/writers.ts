/**
 * Where a rendered field was written: the places in source files whose text ends up in it.
 * kustomize applies, per kustomization from the innermost base outwards, its patches and
 * then its `images:` entries (api/internal/target/kusttarget_configplugin.go's transformer
 * order); Flux merges its Kustomization's `spec.images` and `spec.patches` into the
 * kustomization of the directory it builds. This module finds those places for one
 * resource; trace.ts replays them to learn which one wrote the value.
 */
import * as path from "node:path";
import { cloneValue, deepEqual } from "../kustomize/clone.js";
import { kustomizationFileNames } from "../kustomize/kustomization.js";
import { isMap, type YamlValue } from "../kustomize/types.js";
import type { FluxKustomization, PatchSource, RenderedResource } from "../platform/model.js";
import type { CstPath } from "../yaml/cst-edit.js";
import { parseYamlDocuments } from "../yaml/index.js";
import type { FieldPath } from "./model.js";
import type { SourceFiles } from "./sources.js";
import { valueAt } from "./versions.js";

/** A scalar (or a map, for images entries) in a source file. */
export interface Location {
  file: string;
  doc: number;
  path: CstPath;
  line: number;
  /** Inside YAML held as text by the block scalar at `path` (an inline patch). */
  inner?: { doc: number; path: CstPath };
}

/** One `images:` entry, as kustomize reads it, with where each field is written. */
export interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  tagSuffix?: string;
  /** The entry's map (for adding a field). */
  at: Location;
  /** Where each set field is written (a Flux `spec.images` entry may override a field). */
  fields: Partial<Record<"newName" | "newTag" | "digest", Location>>;
}

/** One kustomization a resource passed through, innermost first. */
export interface Level {
  /** Repository-relative directory. */
  dir: string;
  /** Its kustomization file, when it has one (Flux generates one otherwise). */
  file?: string;
  images: ImageEntry[];
  /** Repository-relative patch files it lists. */
  patchFiles: Set<string>;
}

export function kustomizationFileOf(sources: SourceFiles, dir: string): string | undefined {
  for (const name of kustomizationFileNames) {
    const f = dir === "." ? name : `${dir}/${name}`;
    if (sources.get(f)) return f;
  }
  return undefined;
}

/** The kustomizations whose transformers ran over `r`, innermost first, with Flux's additions. */
export function levelsOf(sources: SourceFiles, r: RenderedResource, k: FluxKustomization): Level[] {
  const dirs = [...r.touchedBy];
  if (k.dir !== undefined && !dirs.includes(k.dir) && fluxImages(k).length > 0) dirs.push(k.dir);
  return dirs.map((dir) => {
    const file = kustomizationFileOf(sources, dir);
    const level: Level = { dir, images: [], patchFiles: new Set() };
    const value = file ? sources.get(file)?.docs[0] : undefined;
    if (file && value) {
      level.file = file;
      const raw = value.value;
      if (isMap(raw)) {
        level.images = imageEntries(raw.images, {
          file,
          doc: value.index,
          path: ["images"],
          line: value.line,
        });
        for (const p of patchFilesOf(raw))
          level.patchFiles.add(path.posix.normalize(path.posix.join(dir, p)));
      }
    }
    if (dir === k.dir) level.images = mergeFluxImages(sources, level.images, k);
    return level;
  });
}

function imageEntries(raw: YamlValue | undefined, list: Location): ImageEntry[] {
  if (!Array.isArray(raw)) return [];
  const out: ImageEntry[] = [];
  raw.forEach((e, i) => {
    if (!isMap(e)) return;
    const at: Location = { ...list, path: [...list.path, i] };
    const entry: ImageEntry = { name: String(e.name ?? ""), at, fields: {} };
    for (const f of ["newName", "newTag", "digest", "tagSuffix"] as const) {
      const v = e[f];
      if (typeof v !== "string" || v === "") continue;
      entry[f] = v;
      if (f !== "tagSuffix") entry.fields[f] = { ...at, path: [...at.path, f] };
    }
    out.push(entry);
  });
  return out;
}

function fluxImages(k: FluxKustomization): YamlValue[] {
  const spec = isMap(k.object.spec) ? k.object.spec : {};
  return Array.isArray(spec.images) ? spec.images : [];
}

/** Flux's mergeImages (src/platform/kustomization-file.ts), keeping where each field came from. */
function mergeFluxImages(sources: SourceFiles, own: ImageEntry[], k: FluxKustomization): ImageEntry[] {
  const images = fluxImages(k);
  const def = k.definedAt ? sources.docAt(k.definedAt.file, k.definedAt.line) : undefined;
  if (images.length === 0 || !def) return own;
  const out = own.map((e) => ({ ...e, fields: { ...e.fields } }));
  images.forEach((img, j) => {
    if (!isMap(img)) return;
    const at: Location = {
      file: def.source.file,
      doc: def.doc.index,
      path: ["spec", "images", j],
      line: def.doc.line,
    };
    const field = (f: string) => (typeof img[f] === "string" ? (img[f] as string) : "");
    const name = field("name");
    const match = out.find((e) => e.name === name);
    const loc = (f: "newName" | "newTag" | "digest") => ({ ...at, path: [...at.path, f] });
    if (match) {
      if (field("newName")) {
        match.newName = field("newName");
        match.fields.newName = loc("newName");
      }
      if (field("newTag") || field("digest")) {
        for (const f of ["newTag", "digest"] as const) {
          if (field(f)) {
            match[f] = field(f);
            match.fields[f] = loc(f);
          } else {
            delete match[f];
            delete match.fields[f];
          }
        }
        // The Flux entry decides both: an edit adds the missing field there.
        match.at = at;
      }
      return;
    }
    const entry: ImageEntry = { name, at, fields: {} };
    for (const f of ["newName", "newTag", "digest"] as const) {
      if (!field(f)) continue;
      entry[f] = field(f);
      entry.fields[f] = loc(f);
    }
    out.push(entry);
  });
  return out;
}

function patchFilesOf(k: Record<string, YamlValue>): string[] {
  const out: string[] = [];
  for (const key of ["patches", "patchesJson6902"]) {
    const list = k[key];
    if (!Array.isArray(list)) continue;
    for (const p of list) if (isMap(p) && typeof p.path === "string") out.push(p.path);
  }
  const legacy = k.patchesStrategicMerge;
  if (Array.isArray(legacy))
    for (const p of legacy) if (typeof p === "string" && !p.includes("\n")) out.push(p);
  return out;
}

/** The level a patch belongs to: the kustomization that lists it (inline ones: the one holding it). */
export function levelOfPatch(patch: PatchSource, levels: Level[]): Level | undefined {
  if (patch.inline) return levels.find((l) => l.dir === path.posix.dirname(patch.file));
  return (
    levels.find((l) => l.patchFiles.has(patch.file)) ??
    levels.find((l) => l.dir === path.posix.dirname(patch.file))
  );
}

/**
 * The field `fieldPath` as one patch writes it: where in the source, and its value there.
 * Undefined when the patch does not write that field.
 */
export function patchWrite(
  sources: SourceFiles,
  patch: PatchSource,
  r: RenderedResource,
  k: FluxKustomization,
  fieldPath: FieldPath,
): { at: Location; value: YamlValue } | "untraceable" | undefined {
  if (patch.smp) {
    const inPatch = concretePath(patch.smp, fieldPath);
    if (!inPatch) return undefined;
    const value = valueAt(patch.smp, inPatch);
    if (value === undefined || value === null || typeof value === "object") return undefined;
    const home = patch.inline ? inlineHome(sources, patch, k) : fileHome(sources, patch);
    if (!home) return "untraceable";
    return { at: withPath(home, inPatch), value };
  }
  if (patch.ops) {
    const target = concretePath(r.object, fieldPath);
    if (!target) return undefined;
    for (let i = patch.ops.length - 1; i >= 0; i--) {
      const op = patch.ops[i]!;
      const pointer = parsePointer(op.path ?? "");
      if (!isPointerPrefix(pointer, target)) continue;
      if (op.op === "remove" || op.op === "test") continue;
      if (op.op !== "add" && op.op !== "replace") return "untraceable";
      const home = patch.inline ? inlineHome(sources, patch, k) : fileHome(sources, patch);
      if (!home) return "untraceable";
      const rest = target.slice(pointer.length);
      const at = withPath(home, [i, "value", ...rest]);
      const value = inlineOrFileValue(sources, at);
      if (value === undefined || (value !== null && typeof value === "object")) return "untraceable";
      return { at, value };
    }
  }
  return undefined;
}

/** Where the document of a patch file is. */
function fileHome(sources: SourceFiles, patch: PatchSource): Location | undefined {
  const found = sources.docAt(patch.file, patch.line);
  if (!found) return undefined;
  return { file: patch.file, doc: found.doc.index, path: [], line: found.doc.line };
}

/** An inline patch: the block scalar in a kustomization (or a Flux Kustomization) holding it. */
function inlineHome(sources: SourceFiles, patch: PatchSource, k: FluxKustomization): Location | undefined {
  const candidates: Array<{ at: Location; text: string }> = [];
  const kfile = sources.get(patch.file)?.docs[0];
  if (kfile && isMap(kfile.value)) {
    const raw = kfile.value;
    const base = { file: patch.file, doc: kfile.index, line: kfile.line };
    for (const key of ["patches", "patchesJson6902"]) {
      const list = raw[key];
      if (!Array.isArray(list)) continue;
      list.forEach((p, i) => {
        if (isMap(p) && typeof p.patch === "string")
          candidates.push({ at: { ...base, path: [key, i, "patch"] }, text: p.patch });
      });
    }
    const legacy = raw.patchesStrategicMerge;
    if (Array.isArray(legacy)) {
      legacy.forEach((p, i) => {
        if (typeof p === "string" && p.includes("\n"))
          candidates.push({ at: { ...base, path: ["patchesStrategicMerge", i] }, text: p });
      });
    }
  }
  if (k.dir !== undefined && path.posix.dirname(patch.file) === k.dir && k.definedAt) {
    const spec = isMap(k.object.spec) ? k.object.spec : {};
    const def = sources.docAt(k.definedAt.file, k.definedAt.line);
    if (Array.isArray(spec.patches) && def) {
      spec.patches.forEach((p, i) => {
        if (isMap(p) && typeof p.patch === "string")
          candidates.push({
            at: {
              file: k.definedAt!.file,
              doc: def.doc.index,
              path: ["spec", "patches", i, "patch"],
              line: def.doc.line,
            },
            text: p.patch,
          });
      });
    }
  }
  for (const c of candidates) {
    let docs: Array<{ value: YamlValue }>;
    try {
      docs = parseYamlDocuments(c.text, c.at.file);
    } catch {
      continue;
    }
    for (const [d, doc] of docs.entries()) {
      const same = patch.smp
        ? deepEqual(doc.value, patch.smp)
        : Array.isArray(doc.value) &&
          doc.value.length === patch.ops!.length &&
          doc.value.every(
            (op, i) => isMap(op) && op.op === patch.ops![i]!.op && op.path === patch.ops![i]!.path,
          );
      if (same) return { ...c.at, inner: { doc: d, path: [] } };
    }
  }
  return undefined;
}

function withPath(home: Location, p: CstPath): Location {
  if (home.inner) return { ...home, inner: { doc: home.inner.doc, path: [...home.inner.path, ...p] } };
  return { ...home, path: [...home.path, ...p] };
}

function inlineOrFileValue(sources: SourceFiles, at: Location): YamlValue | undefined {
  const source = sources.get(at.file);
  const doc = source?.docs.find((d) => d.index === at.doc);
  if (!doc) return undefined;
  if (!at.inner) return valueAt(doc.value, at.path);
  const text = valueAt(doc.value, at.path);
  if (typeof text !== "string") return undefined;
  try {
    const inner = parseYamlDocuments(text, at.file)[at.inner.doc];
    return inner ? valueAt(inner.value, at.inner.path) : undefined;
  } catch {
    return undefined;
  }
}

/** A semantic path (`{ name }` steps) as indexes in `value`; undefined when absent. */
export function concretePath(value: YamlValue, fieldPath: FieldPath): Array<string | number> | undefined {
  const out: Array<string | number> = [];
  let node: YamlValue | undefined = value;
  for (const step of fieldPath) {
    if (node === undefined || node === null) return undefined;
    if (typeof step === "object") {
      if (!Array.isArray(node)) return undefined;
      const i: number = node.findIndex((it) => isMap(it) && it.name === step.name);
      if (i < 0) return undefined;
      out.push(i);
      node = node[i];
    } else if (typeof step === "number") {
      if (!Array.isArray(node) || step >= node.length) return undefined;
      out.push(step);
      node = node[step];
    } else {
      if (!isMap(node) || !Object.hasOwn(node, step)) return undefined;
      out.push(step);
      node = node[step];
    }
  }
  return out;
}

function parsePointer(p: string): string[] {
  if (p === "" || p === "/") return [];
  return p
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function isPointerPrefix(pointer: string[], target: Array<string | number>): boolean {
  if (pointer.length > target.length) return false;
  return pointer.every(
    (seg, i) => seg === String(target[i]) || (seg === "-" && typeof target[i] === "number"),
  );
}

/** A copy of `v` (for simulations that must not touch the model). */
export function copy<T extends YamlValue>(v: T): T {
  return cloneValue(v) as T;
}
