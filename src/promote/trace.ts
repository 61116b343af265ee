/**
 * Which source text wrote a rendered version. The writes found in writers.ts are replayed in
 * kustomize's order — the document, then per kustomization (innermost first) its patches and
 * its `images:` entries, kustomize's image.IsImageMatched / updatedImage semantics included —
 * and the replay must reproduce the rendered value exactly (after Flux's post-build
 * substitution). When it does not (replacements, transformer plugins), the version is
 * reported as untraceable instead of guessed.
 */

import { substituteVariables } from "../flux/envsubst.js";
import { EnvsubstParseError, parseTemplate } from "../flux/envsubst-parse.js";
import { isImageMatched, splitImage } from "../kustomize/transformers/images.js";
import { isMap, type YamlValue } from "../kustomize/types.js";
import { isMaskedMarker } from "../platform/masking.js";
import type { Cluster, FluxKustomization, RenderedResource } from "../platform/model.js";
import type { FieldPath, ImageRef, RefusalCode } from "./model.js";
import type { SourceFiles } from "./sources.js";
import { valueAt } from "./versions.js";
import {
  concretePath,
  type ImageEntry,
  type Location,
  levelOfPatch,
  levelsOf,
  patchWrite,
} from "./writers.js";

/** A value written as text somewhere (a document, a patch, a variable's definition). */
export interface TextWrite {
  kind: "text";
  at: Location;
  text: string;
  what: string;
}

/** A field of an `images:` entry (or of Flux's `spec.images`). */
export interface EntryWrite {
  kind: "entry";
  entry: ImageEntry;
  /** The entry field that decided this part (for a cleared digest: the `newTag` that cleared it). */
  field: "newName" | "newTag" | "digest";
}

export type Write = TextWrite | EntryWrite;

export interface ImageTrace {
  /** The image before post-build substitution. */
  image: ImageRef;
  tag: Write;
  digest: Write;
}

export interface Untraced {
  code: RefusalCode;
  message: string;
  file?: string;
  line?: number;
}

export interface TraceContext {
  sources: SourceFiles;
  cluster: Cluster;
  k: FluxKustomization;
}

/** Where the image of the container at `fieldPath` (…containers[name=x].image) was decided. */
export function traceImage(
  ctx: TraceContext,
  r: RenderedResource,
  fieldPath: FieldPath,
): ImageTrace | Untraced {
  const rendered = valueAt(r.object, fieldPath);
  if (typeof rendered !== "string") return untraceable(r, "the image is not a string");
  const levels = levelsOf(ctx.sources, r, ctx.k);
  let state: { ref: ImageRef; name: Write; tag: Write; digest: Write } | undefined;
  const setText = (w: TextWrite) => {
    const ref = splitImage(w.text);
    state = { ref, name: w, tag: w, digest: w };
  };
  const doc = documentWrite(ctx, r, fieldPath, "image");
  if (doc && "code" in doc) return doc;
  if (doc) setText(doc);

  const unplaced = r.patches?.filter((p) => !levelOfPatch(p, levels)) ?? [];
  for (const p of unplaced) {
    const w = patchWrite(ctx.sources, p, r, ctx.k, fieldPath);
    if (w)
      return untraceable(
        r,
        `a patch in ${p.file} sets the image, and its kustomization was not found`,
        p.file,
        p.line,
      );
  }
  for (const level of levels) {
    for (const p of r.patches ?? []) {
      if (levelOfPatch(p, levels) !== level) continue;
      const w = patchWrite(ctx.sources, p, r, ctx.k, fieldPath);
      if (w === "untraceable")
        return untraceable(r, `cannot tell what the patch in ${p.file} writes to the image`, p.file, p.line);
      if (w) {
        if (typeof w.value !== "string")
          return untraceable(r, `the patch in ${p.file} sets a non-string image`, p.file);
        setText({ kind: "text", at: w.at, text: w.value, what: "image" });
      }
    }
    for (const entry of level.images) {
      if (!state) break;
      const s = state;
      if (!isImageMatched(compose(s.ref), entry.name)) continue;
      if (entry.newName) {
        s.ref = { ...s.ref, name: entry.newName };
        s.name = { kind: "entry", entry, field: "newName" };
      }
      if (entry.newTag && entry.digest) {
        s.ref = { ...s.ref, tag: entry.newTag, digest: entry.digest };
        s.tag = { kind: "entry", entry, field: "newTag" };
        s.digest = { kind: "entry", entry, field: "digest" };
      } else if (entry.newTag) {
        s.ref = { ...s.ref, tag: entry.newTag, digest: "" };
        s.tag = s.digest = { kind: "entry", entry, field: "newTag" };
      } else if (entry.digest) {
        s.ref = { ...s.ref, tag: "", digest: entry.digest };
        s.tag = s.digest = { kind: "entry", entry, field: "digest" };
      } else if (entry.tagSuffix) {
        return untraceable(
          r,
          `the images entry '${entry.name}' in ${entry.at.file} adds a tag suffix`,
          entry.at.file,
          entry.at.line,
        );
      }
    }
  }
  if (!state) return untraceable(r, "no document or patch in the repository writes this image");
  const final = compose(state.ref);
  // A masked image cannot be compared with the replay: say that it holds a secret and where it
  // comes from, not that something unknown rewrote it.
  if (isMaskedMarker(rendered)) return secretImage(ctx, r, final);
  if (final !== rendered && substitute(ctx, final) !== rendered) {
    return untraceable(
      r,
      `replaying the images entries and patches gives '${final}', not the rendered '${rendered}' (replacements or a transformer plugin?)`,
    );
  }
  return { image: state.ref, tag: state.tag, digest: state.digest };
}

/** Where a scalar field (chart version, source ref, values path) was last written. */
export function traceScalar(
  ctx: TraceContext,
  r: RenderedResource,
  fieldPath: FieldPath,
  what: string,
): TextWrite | Untraced {
  const rendered = valueAt(r.object, fieldPath);
  if (rendered === undefined || rendered === null || typeof rendered === "object")
    return untraceable(r, `${what} is not a scalar`);
  let write: TextWrite | undefined;
  const doc = documentWrite(ctx, r, fieldPath, what);
  if (doc && "code" in doc) return doc;
  if (doc) write = doc;
  for (const p of r.patches ?? []) {
    const w = patchWrite(ctx.sources, p, r, ctx.k, fieldPath);
    if (w === "untraceable")
      return untraceable(r, `cannot tell what the patch in ${p.file} writes to ${what}`, p.file, p.line);
    if (w) write = { kind: "text", at: w.at, text: scalarText(w.value), what };
  }
  if (!write) return untraceable(r, `no document or patch in the repository writes ${what}`);
  const text = scalarText(rendered);
  if (write.text !== text && substitute(ctx, write.text) !== text) {
    return untraceable(
      r,
      `${what} is '${write.text}' where it is written but renders as '${text}'`,
      write.at.file,
      write.at.line,
    );
  }
  return write;
}

/** The field as the resource's own document writes it (undefined when the document lacks it). */
function documentWrite(
  ctx: TraceContext,
  r: RenderedResource,
  fieldPath: FieldPath,
  what: string,
): TextWrite | Untraced | undefined {
  if (!r.source) return untraceable(r, "the object is generated (no source document)");
  let found: ReturnType<SourceFiles["docAt"]>;
  try {
    found = ctx.sources.docAt(r.source.file, r.source.line);
  } catch (e) {
    return { code: "UNTRACEABLE", message: `${r.source.file}: ${(e as Error).message}`, file: r.source.file };
  }
  if (!found) return untraceable(r, `cannot read ${r.source.file}`, r.source.file);
  const path = concretePath(found.doc.value, fieldPath);
  if (!path) return undefined;
  const v = valueAt(found.doc.value, path);
  if (v === undefined || v === null || typeof v === "object") return undefined;
  const node = found.source.cst.find(found.doc.index, path);
  return {
    kind: "text",
    at: { file: r.source.file, doc: found.doc.index, path, line: node?.line ?? r.source.line },
    text: scalarText(v),
    what,
  };
}

function scalarText(v: YamlValue): string {
  return typeof v === "string" ? v : String(v);
}

export function compose(ref: ImageRef): string {
  let out = ref.name;
  if (ref.tag !== "") out += `:${ref.tag}`;
  if (ref.digest !== "") out += `@${ref.digest}`;
  return out;
}

/** The image renders masked: the secret it holds, named by the variable it comes through when one does. */
function secretImage(ctx: TraceContext, r: RenderedResource, written: string): Untraced {
  const v = variableIn(written);
  const defined = v ? variablesOf(ctx).get(v.name) : undefined;
  const where =
    v && defined?.via.startsWith("Secret")
      ? `'${written}' in the repository; \${${v.name}} comes from ${defined.via}, a secret`
      : `'${written}' in the repository, a secret value in what renders (a Secret's variable or a decrypted file)`;
  const u = untraceable(r, `the image is masked: it is ${where}`);
  return { ...u, code: "ENCRYPTED" };
}

function untraceable(r: RenderedResource, reason: string, file?: string, line?: number): Untraced {
  const at = file ?? r.source?.file;
  const u: Untraced = { code: "UNTRACEABLE", message: reason };
  if (at !== undefined) u.file = at;
  const l = file ? line : r.source?.line;
  if (l !== undefined) u.line = l;
  return u;
}

// --- post-build variables ------------------------------------------------------------------

/** A post-build variable of the Flux Kustomization and where its value is written. */
export interface VariableWrite {
  name: string;
  value: string;
  /** Where it is defined; undefined when only a `${name:=default}` supplies it. */
  at?: Location;
  /** `substitute` (inline), `ConfigMap <name>`, `Secret <name>`. */
  via: string;
}

/** The variables Flux substitutes for this Kustomization, later sources winning, inline last. */
export function variablesOf(ctx: TraceContext): Map<string, VariableWrite> {
  const out = new Map<string, VariableWrite>();
  const spec = isMap(ctx.k.object.spec) ? ctx.k.object.spec : {};
  const postBuild = isMap(spec.postBuild) ? spec.postBuild : undefined;
  if (!postBuild) return out;
  const from = Array.isArray(postBuild.substituteFrom) ? postBuild.substituteFrom : [];
  for (const ref of from) {
    if (!isMap(ref)) continue;
    const kind = String(ref.kind ?? "");
    const name = String(ref.name ?? "");
    const obj = findObject(ctx.cluster, kind, ctx.k.namespace, name);
    if (!obj) continue;
    const data = isMap(obj.object.data) ? obj.object.data : {};
    const stringData = isMap(obj.object.stringData) ? obj.object.stringData : {};
    for (const [key, v] of Object.entries({ ...data, ...stringData })) {
      const w: VariableWrite = { name: key, value: String(v), via: `${kind} ${name}` };
      if (kind === "ConfigMap" && obj.source) {
        const found = ctx.sources.docAt(obj.source.file, obj.source.line);
        const path = found ? concretePath(found.doc.value, ["data", key]) : undefined;
        if (found && path) {
          const node = found.source.cst.find(found.doc.index, path);
          w.at = { file: obj.source.file, doc: found.doc.index, path, line: node?.line ?? obj.source.line };
        }
      }
      out.set(key, w);
    }
  }
  const inline = isMap(postBuild.substitute) ? postBuild.substitute : {};
  const def = ctx.k.definedAt ? ctx.sources.docAt(ctx.k.definedAt.file, ctx.k.definedAt.line) : undefined;
  for (const [key, v] of Object.entries(inline)) {
    const w: VariableWrite = { name: key, value: String(v), via: "substitute" };
    const path = ["spec", "postBuild", "substitute", key];
    if (def && concretePath(def.doc.value, path)) {
      const node = def.source.cst.find(def.doc.index, path);
      w.at = { file: def.source.file, doc: def.doc.index, path, line: node?.line ?? def.doc.line };
    }
    out.set(key, w);
  }
  return out;
}

function findObject(
  cluster: Cluster,
  kind: string,
  namespace: string,
  name: string,
): RenderedResource | undefined {
  for (const k of cluster.kustomizations) {
    for (const r of k.resources) {
      const md = isMap(r.object.metadata) ? r.object.metadata : {};
      if (r.object.kind === kind && md.name === name && (md.namespace ?? "") === namespace) return r;
    }
  }
  return undefined;
}

/** The text with the Kustomization's variables substituted (undefined when it cannot be). */
export function substitute(ctx: TraceContext, text: string): string | undefined {
  if (!text.includes("${")) return text;
  const vars = new Map([...variablesOf(ctx)].map(([k, v]) => [k, v.value.replace(/\n/g, "")]));
  try {
    return substituteVariables(text, vars, { strict: false });
  } catch {
    return undefined;
  }
}

/**
 * The one variable a text's value comes from, when the text is `prefix${name}suffix` (with
 * an optional default): the part of a version a promotion then sets through the variable.
 */
export function variableIn(
  text: string,
): { name: string; op: string; prefix: string; suffix: string; fallback?: string } | undefined {
  let segments: ReturnType<typeof parseTemplate>;
  try {
    segments = parseTemplate(text);
  } catch (e) {
    if (e instanceof EnvsubstParseError) return undefined;
    throw e;
  }
  const exprs = segments.filter((s) => typeof s !== "string");
  if (exprs.length !== 1) return undefined;
  const i = segments.findIndex((s) => typeof s !== "string");
  const expr = segments[i] as Exclude<(typeof segments)[number], string>;
  const literal = (ss: typeof segments) =>
    ss.every((s) => typeof s === "string") ? (ss as string[]).join("") : undefined;
  const prefix = literal(segments.slice(0, i));
  const suffix = literal(segments.slice(i + 1));
  if (prefix === undefined || suffix === undefined) return undefined;
  if (expr.op === "") return { name: expr.name, op: "", prefix, suffix };
  if ([":=", ":-", "="].includes(expr.op)) {
    const fallback = literal(expr.args);
    if (fallback === undefined) return undefined;
    return { name: expr.name, op: expr.op, prefix, suffix, fallback };
  }
  return undefined;
}
