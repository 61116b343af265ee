/**
 * plan(): what promoting one environment's versions into another changes, file by file.
 * Apps are Flux Kustomizations, matched across the two clusters with their environment
 * words mapped away (src/diff/env.ts). For every version field of the target whose value
 * differs in the source, the place in the target's sources that wrote it is traced
 * (trace.ts) and turned into CST edits. Pure: reads source files through SourceFiles, writes
 * nothing; refusals are data.
 */

import type { Finding } from "../check/types.js";
import { environmentNormalizer, environmentTokens, findCluster, objectKey } from "../diff/index.js";
import { SlipwayError } from "../errors.js";
import { admits, decodePolicy, type PolicySpec } from "../images/policy.js";
import { splitImage } from "../kustomize/transformers/images.js";
import { isMap, type KObject } from "../kustomize/types.js";
import {
  type Cluster,
  type FluxKustomization,
  leftOut,
  type Platform,
  type RenderedResource,
} from "../platform/model.js";
import { type CstPath, type ScalarValue, scalarText, YamlCst } from "../yaml/cst-edit.js";
import {
  type Edit,
  type FieldPath,
  formatFieldPath,
  type ImageRef,
  type PromotionPlan,
  type Refusal,
  type VersionChange,
  type VersionField,
} from "./model.js";
import type { SourceFiles } from "./sources.js";
import {
  compose,
  type ImageTrace,
  type TextWrite,
  type TraceContext,
  traceImage,
  traceScalar,
  type Untraced,
  variableIn,
  variablesOf,
  type Write,
} from "./trace.js";
import { isOpenRange, secretFieldPath, valueAt, versionFields } from "./versions.js";
import { kustomizationFileOf, type Location } from "./writers.js";

/** An app rendered only in part whose rendered versions agree: not compared whole, never "the same". */
export const PARTLY_COMPARED =
  "no version differences in what is rendered; rendered only in part (see the notes)";

/** An app whose versions differ only where promote leaves them alone (open ranges, other images). */
export const NOT_PROMOTED = "its versions differ only where promote leaves them alone (see the notes)";

export interface PromoteRequest {
  /** Source cluster (environment) name. */
  from: string;
  /** Target cluster name. */
  to: string;
  /** Only these apps (Flux Kustomization names, in either environment's spelling). */
  only?: string[];
  /** The source was read at this Git revision (branch per environment). */
  fromRef?: string;
}

export interface PlanInput {
  /** The platform holding the source environment (the target's own when there is no fromRef). */
  source: Platform;
  target: Platform;
  /** The target revision's files (the working tree). */
  files: SourceFiles;
  request: PromoteRequest;
  /** Error-level `check` findings of the source environment. */
  sourceErrors?: Finding[];
}

const SETTER = /\{\s*"\$imagepolicy"\s*:\s*"([^"]+)"\s*\}/;

export function plan(input: PlanInput): PromotionPlan {
  const { request } = input;
  const src = findCluster(input.source, request.from);
  const dst = findCluster(input.target, request.to);
  if (src === dst) throw new SlipwayError(`--from and --to name the same cluster '${src.name}'`);
  const out: PromotionPlan = { from: src.name, to: dst.name, apps: [], skipped: [], refusals: [], notes: [] };
  if (request.fromRef !== undefined) out.fromRef = request.fromRef;

  for (const k of src.kustomizations) {
    if (k.status !== "failed") continue;
    const e = k.errors[0];
    out.refusals.push({
      code: "SOURCE_RENDER",
      message: `${src.name} does not render: Flux Kustomization ${k.id} fails${e ? `: ${e.message}` : ""}`,
      ...(e?.file ? { file: e.file } : {}),
      ...(e?.line ? { line: e.line } : {}),
    });
  }
  const errors = input.sourceErrors ?? [];
  if (errors.length > 0) {
    const first = errors
      .slice(0, 5)
      .map((f) => `${f.file ? `${f.file}${f.line ? `:${f.line}` : ""}: ` : ""}${f.message} [${f.rule}]`);
    out.refusals.push({
      code: "SOURCE_CHECK",
      message: `${src.name} fails check with ${errors.length} error${errors.length === 1 ? "" : "s"} (run 'slipway check --cluster ${src.name}'):\n  ${first.join("\n  ")}${errors.length > 5 ? "\n  …" : ""}`,
    });
  }

  const normalize = environmentNormalizer(environmentTokens(src.name, dst.name));
  const apps = pairApps(src, dst, normalize);
  const only = new Set(request.only ?? []);
  for (const name of only) {
    if (![...apps.values()].some((a) => matchesApp(a, name))) {
      const known = [...apps.values()].map((a) => (a.source ?? a.target)!.name);
      throw new SlipwayError(
        `no app named '${name}' in ${src.name} or ${dst.name} (apps: ${known.join(", ")})`,
      );
    }
  }
  const usage = fileUsage(input.files, input.target);
  const sameRevision = request.fromRef === undefined;
  const config = input.target.config?.promote?.apps ?? {};

  for (const [app, pair] of [...apps.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (only.size > 0 && ![...only].some((n) => matchesApp(pair, n))) continue;
    if (!pair.source) continue;
    if (!pair.target) {
      out.skipped.push({
        app,
        reason: `not deployed in ${dst.name} (add its Flux Kustomization there first)`,
      });
      continue;
    }
    const unread = [pair.source, pair.target].find(
      (k) => k.status === "external" || k.status === "suspended",
    );
    if (unread) {
      const where = unread === pair.source ? src.name : dst.name;
      out.skipped.push({
        app,
        reason:
          unread.status === "external"
            ? `its source in ${where} is not this repository (map it in slipway.yaml sources: to promote it)`
            : `suspended in ${where}`,
      });
      continue;
    }
    // Its versions are unknown, not the same: the run is refused (SOURCE_RENDER) and says why.
    if (pair.source.status === "failed") {
      out.skipped.push({
        app,
        reason: `not compared: its Flux Kustomization fails to render in ${src.name}`,
      });
      continue;
    }
    if (pair.target.status !== "rendered") {
      out.refusals.push({
        code: "TARGET_RENDER",
        app,
        message: `${dst.name}'s Flux Kustomization ${pair.target.id} is ${pair.target.status}`,
      });
      continue;
    }
    // What a render leaves out (a remote resource, an object whose name is secret) may hold
    // versions too: said, never taken for "no differences".
    let partly = false;
    for (const [k, where] of [
      [pair.source, src.name],
      [pair.target, dst.name],
    ] as const) {
      const left = leftOut(k);
      if (left.length > 0) partly = true;
      if (left.length > 0)
        out.notes.push(
          `${app}: ${where}'s Flux Kustomization ${k.id} is rendered only in part (${left[0]!.message}), so versions in what it leaves out are not compared`,
        );
    }
    const ctx: TraceContext = { sources: input.files, cluster: dst, k: pair.target };
    const valuesPaths = config[app]?.values ?? config[pair.target.name]?.values ?? [];
    const refused = out.refusals.length;
    const noted = out.notes.length;
    const changes = planApp(ctx, pair.source, pair.target, normalize, valuesPaths, out, app);
    if (changes.length === 0) {
      // A version that differs but cannot be promoted is refused, not "the same"; one left alone
      // on purpose (an open range, another image) is a difference said in the notes.
      if (out.refusals.length === refused)
        out.skipped.push({
          app,
          reason:
            out.notes.length > noted ? NOT_PROMOTED : partly ? PARTLY_COMPARED : "no version differences",
        });
      continue;
    }
    out.apps.push({ app, source: pair.source.id, target: pair.target.id, changes });
  }
  checkConflicts(out);
  checkEncrypted(out, input.files);
  checkShared(out, input.files, usage, input.target, {
    changing: new Set([dst.name]),
    ...(sameRevision ? { source: src.name } : {}),
  });
  return out;
}

interface AppPair {
  source?: FluxKustomization;
  target?: FluxKustomization;
}

function pairApps(src: Cluster, dst: Cluster, normalize: (s: string) => string): Map<string, AppPair> {
  const apps = new Map<string, AppPair>();
  for (const [side, c] of [
    ["source", src],
    ["target", dst],
  ] as const) {
    for (const k of c.kustomizations) {
      const app = normalize(k.name);
      const pair = apps.get(app) ?? {};
      pair[side] = k;
      apps.set(app, pair);
    }
  }
  return apps;
}

function matchesApp(pair: AppPair, name: string): boolean {
  return [pair.source, pair.target].some((k) => k && (k.name === name || k.id === name));
}

function planApp(
  ctx: TraceContext,
  source: FluxKustomization,
  target: FluxKustomization,
  normalize: (s: string) => string,
  valuesPaths: string[],
  plan: PromotionPlan,
  app: string,
): VersionChange[] {
  const sourceObjects = new Map<string, RenderedResource>();
  for (const r of source.resources) sourceObjects.set(objectKey(r.object, normalize), r);
  const fields = targetFields(ctx, target, normalize, valuesPaths);
  const counterpartOf = (field: VersionField) =>
    sourceObjects.get(objectKey(field.resource.object, normalize));
  return planChanges(
    ctx,
    fields,
    plan,
    app,
    normalize,
    (field) => {
      const counterpart = counterpartOf(field);
      if (!counterpart) return undefined;
      const theirs = valueAt(counterpart.object, field.path);
      if (theirs === undefined || theirs === null || typeof theirs === "object") return undefined;
      return typeof theirs === "bigint" ? theirs.toString() : theirs;
    },
    (field) => {
      const counterpart = counterpartOf(field);
      return counterpart !== undefined && secretFieldPath(counterpart, field.path) !== undefined;
    },
  );
}

/** The version fields of what a Flux Kustomization applies, setter-marked values included. */
export function targetFields(
  ctx: TraceContext,
  target: FluxKustomization,
  normalize: (s: string) => string,
  valuesPaths: string[] = [],
): VersionField[] {
  const fields = versionFields(target.resources, { normalize, valuesPaths });
  fields.push(...setterFields(ctx, target.resources, normalize, fields));
  return fields;
}

/**
 * The changes that give each field the value `want` asks for (undefined: leave it), traced to
 * the edits that make them. Refusals and notes go to `plan`.
 */
export function planChanges(
  ctx: TraceContext,
  fields: VersionField[],
  plan: PromotionPlan,
  app: string,
  normalize: (s: string) => string,
  want: (field: VersionField) => ScalarValue | undefined,
  wantedIsSecret: (field: VersionField) => boolean = () => false,
): VersionChange[] {
  const changes: VersionChange[] = [];
  for (const field of fields) {
    const wanted = want(field);
    if (wanted === undefined) continue;
    if (String(wanted) === String(field.value) && typeof wanted === typeof field.value) continue;
    const object = describe(field.resource.object);
    const secretAt = secretFieldPath(field.resource, field.path);
    if (secretAt !== undefined || wantedIsSecret(field)) {
      plan.refusals.push(secretRefusal(ctx, field, wanted, secretAt, object, plan, app));
      continue;
    }
    const change: VersionChange = {
      kind: field.kind,
      label: field.label,
      object,
      objectKey: objectKey(field.resource.object),
      field: formatFieldPath(field.path),
      path: field.path,
      from: String(field.value),
      to: String(wanted),
      edits: [],
      notes: [],
    };
    if (field.kind === "image") {
      const mine = field.image!;
      const ref = splitRef(String(wanted));
      if (normalize(ref.name) !== normalize(mine.name)) {
        plan.notes.push(
          `${app}: ${object} ${change.field} pulls ${ref.name} in ${plan.from} and ${mine.name} in ${plan.to}: different images, not promoted`,
        );
        continue;
      }
      if (ref.tag === mine.tag && ref.digest === mine.digest) continue;
      change.from = versionText(mine);
      change.to = versionText(ref);
      const trace = traceImage(ctx, field.resource, field.path);
      if ("code" in trace) {
        plan.refusals.push(refusal(trace, app, change));
        continue;
      }
      const edits = imageEdits(ctx, trace, ref, change, plan, app);
      if (!edits) continue;
      change.edits = edits;
    } else {
      if (
        field.range &&
        typeof wanted === "string" &&
        (isOpenRange(wanted) || isOpenRange(String(field.value)))
      ) {
        plan.notes.push(
          `${app}: ${field.label} is '${wanted}' in ${plan.from} and '${field.value}' in ${plan.to}: open version ranges are policies, not promoted`,
        );
        continue;
      }
      const trace = traceScalar(ctx, field.resource, field.path, field.label);
      if ("code" in trace) {
        plan.refusals.push(refusal(trace, app, change));
        continue;
      }
      const edits = textEdits(ctx, trace, String(field.value), wanted, change, plan, app);
      if (!edits) continue;
      change.edits = edits;
    }
    let dropsSetter = false;
    for (const e of change.edits) {
      const marker = setterAt(ctx.sources, e);
      if (marker && e.op === "remove") {
        // The marker is a comment on the removed line: image automation would stop updating
        // the image without a word, and the plan would still say the setter was kept.
        dropsSetter = true;
        plan.refusals.push({
          code: "AMBIGUOUS",
          app,
          message: `${change.label} (${change.object}): ${change.to} has no ${e.what === "newTag" ? "tag" : e.what}, but removing ${e.what} at ${e.file}:${e.line} would drop its setter {"$imagepolicy": "${marker}"}; give the ${e.what === "newTag" ? "tag" : e.what} too, or move the marker, and run again`,
          file: e.file,
          line: e.line,
        });
      } else if (marker) change.notes.push(policyNote(ctx.cluster, marker, change.to));
    }
    if (!dropsSetter) changes.push(change);
  }
  return changes;
}

/**
 * A version that is a secret value on either side (a decrypted file, a Secret's variable): the
 * plan would print it and write it in plain text. Refused, saying where without the value (the
 * label of an image names its repository, which is part of the value): the edit planner's own
 * reason when it has one (a variable from a Secret: set it there), else the side that holds it.
 */
function secretRefusal(
  ctx: TraceContext,
  field: VersionField,
  wanted: ScalarValue,
  secretAt: FieldPath | undefined,
  object: string,
  plan: PromotionPlan,
  app: string,
): Refusal {
  const label = `${field.kind === "image" ? "image" : "version"} ${formatFieldPath(secretAt ?? field.path)}`;
  if (secretAt !== undefined) {
    const safe: VersionChange = {
      kind: field.kind,
      label,
      object,
      objectKey: objectKey(field.resource.object),
      field: formatFieldPath(secretAt),
      path: field.path,
      from: "",
      to: "",
      edits: [],
      notes: [],
    };
    // Planned aside: only a refusal for the secret's own place is kept, other messages may
    // quote the values.
    const aside: PromotionPlan = { ...plan, apps: [], skipped: [], refusals: [], notes: [] };
    if (field.kind === "image") {
      const trace = traceImage(ctx, field.resource, field.path);
      if ("code" in trace) {
        if (trace.code === "ENCRYPTED") return refusal(trace, app, safe);
      } else imageEdits(ctx, trace, splitRef(String(wanted)), safe, aside, app);
    } else {
      const trace = traceScalar(ctx, field.resource, field.path, label);
      if ("code" in trace) {
        if (trace.code === "ENCRYPTED") return refusal(trace, app, safe);
      } else textEdits(ctx, trace, String(field.value), wanted, safe, aside, app);
    }
    const own = aside.refusals.find((r) => r.code === "ENCRYPTED");
    if (own) return own;
  }
  const where = secretAt !== undefined ? plan.to : plan.from;
  return {
    code: "ENCRYPTED",
    app,
    message: `${label} (${object}): a secret value in ${where} (a decrypted file or a Secret's variable); it is not promoted, since the edit would print it and write it in plain text: change it by hand`,
  };
}

function versionText(ref: ImageRef): string {
  return `${ref.tag || "(no tag)"}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** kustomize's image.Split: the tag starts at the first `:` after the first `/`. */
function splitRef(image: string): ImageRef {
  return splitImage(image);
}

function describe(obj: KObject): string {
  const md = isMap(obj.metadata) ? obj.metadata : {};
  return `${String(obj.kind ?? "")} ${typeof md.namespace === "string" ? `${md.namespace}/` : ""}${String(md.name ?? "")}`;
}

function refusal(u: Untraced, app: string, change: VersionChange): Refusal {
  const r: Refusal = { code: u.code, app, message: `${change.label} (${change.object}): ${u.message}` };
  if (u.file !== undefined) r.file = u.file;
  if (u.line !== undefined) r.line = u.line;
  return r;
}

// --- edits ---------------------------------------------------------------------------------

function imageEdits(
  ctx: TraceContext,
  trace: ImageTrace,
  want: ImageRef,
  change: VersionChange,
  plan: PromotionPlan,
  app: string,
): Edit[] | undefined {
  const { tag, digest } = trace;
  const fail = (message: string, at?: Location) => {
    plan.refusals.push({
      code: "AMBIGUOUS",
      app,
      message: `${change.label} (${change.object}): ${message}`,
      ...(at ? { file: at.file, line: at.line } : {}),
    });
    return undefined;
  };
  if (tag.kind === "text" && sameWrite(tag, digest)) {
    // One image reference decides both: rewrite its tag and digest.
    const parts = splitRef(tag.text);
    if (parts.tag.includes("${") || parts.digest.includes("${")) {
      const part = parts.digest.includes("${") ? "digest" : "tag";
      if (part === "digest" || parts.digest !== want.digest)
        return fail(`the digest is written through a variable in ${tag.at.file}`, tag.at);
      return variableEdits(
        ctx,
        tag,
        parts.tag,
        want.tag,
        (t) => compose({ ...parts, tag: t }),
        change,
        plan,
        app,
      );
    }
    const next = compose({ name: parts.name, tag: want.tag, digest: want.digest });
    return [setEdit(ctx, tag.at, "image", tag.text, next)];
  }
  if (tag.kind === "entry" && digest.kind === "entry" && tag.entry === digest.entry) {
    const entry = tag.entry;
    const edits: Edit[] = [];
    for (const [f, value] of [
      ["newTag", want.tag],
      ["digest", want.digest],
    ] as const) {
      const have = entry[f] ?? "";
      if (have === value) continue;
      const at = entry.fields[f];
      if (at && have.includes("${")) {
        const text: TextWrite = { kind: "text", at, text: have, what: f };
        const more = variableEdits(ctx, text, have, value, (v) => v, change, plan, app);
        if (!more) return undefined;
        edits.push(...more);
      } else if (at && value !== "") edits.push(setEdit(ctx, at, f, have, value));
      else if (at)
        edits.push({
          op: "remove",
          file: at.file,
          doc: at.doc,
          path: at.path,
          old: have,
          line: lineOf(ctx.sources, at),
          what: f,
          ...inner(at),
        });
      else if (value !== "") {
        if (entry.at.inner) return fail(`cannot add ${f} to the images entry in an inline patch`, entry.at);
        edits.push({
          op: "insert",
          file: entry.at.file,
          doc: entry.at.doc,
          path: entry.at.path,
          key: f,
          value,
          // Next to the tag it goes with; a tag this plan removes is no place to put it.
          ...(f === "digest" && entry.newTag && want.tag !== "" ? { after: "newTag" } : {}),
          line: lineOf(ctx.sources, entry.at),
          what: f,
        });
      }
    }
    return edits;
  }
  const where = (w: Write) => (w.kind === "text" ? w.at : w.entry.at);
  if (want.digest === (trace.image.digest ?? "") && tag.kind === "entry") {
    return imageEdits(ctx, { ...trace, digest: tag }, want, change, plan, app);
  }
  return fail(
    `the tag is set in ${where(tag).file}:${where(tag).line} and the digest in ${where(digest).file}:${where(digest).line}; edit them by hand`,
    where(tag),
  );
}

function sameWrite(a: Write, b: Write): boolean {
  if (a.kind === "text" && b.kind === "text") return a.at === b.at;
  return a === b;
}

function textEdits(
  ctx: TraceContext,
  write: TextWrite,
  current: string,
  wanted: ScalarValue,
  change: VersionChange,
  plan: PromotionPlan,
  app: string,
): Edit[] | undefined {
  if (write.text.includes("${") && write.text !== current) {
    return variableEdits(ctx, write, write.text, String(wanted), (v) => v, change, plan, app);
  }
  return [setEdit(ctx, write.at, whatOf(change), write.text, wanted)];
}

function whatOf(change: VersionChange): string {
  if (change.kind === "chart") return "chart version";
  if (change.kind === "source") return change.field.replace(/^spec\./, "");
  return change.field.replace(/^spec\.values\./, "values ");
}

/**
 * A version written as `prefix${var}suffix`: the variable's definition is what changes (the
 * Flux Kustomization's `postBuild.substitute`, a `substituteFrom` ConfigMap, or the default).
 */
function variableEdits(
  ctx: TraceContext,
  write: TextWrite,
  template: string,
  wanted: string,
  rebuild: (part: string) => string,
  change: VersionChange,
  plan: PromotionPlan,
  app: string,
): Edit[] | undefined {
  const v = variableIn(template);
  const fail = (message: string, code: Refusal["code"] = "AMBIGUOUS", at: Location = write.at) => {
    plan.refusals.push({
      code,
      app,
      message: `${change.label} (${change.object}): ${message}`,
      file: at.file,
      line: at.line,
    });
    return undefined;
  };
  if (!v) return fail(`'${template}' in ${write.at.file} mixes several variables or functions`);
  if (
    !wanted.startsWith(v.prefix) ||
    !wanted.endsWith(v.suffix) ||
    wanted.length < v.prefix.length + v.suffix.length
  )
    return fail(`'${wanted}' does not fit '${template}' in ${write.at.file}`);
  const value = wanted.slice(v.prefix.length, wanted.length - v.suffix.length);
  const defined = variablesOf(ctx).get(v.name);
  if (defined?.at)
    return [setEdit(ctx, defined.at, `variable ${v.name} (${defined.via})`, defined.value, value)];
  if (defined) {
    if (defined.via.startsWith("Secret"))
      return fail(
        `variable ${v.name} comes from ${defined.via}, which is encrypted; set it there by hand`,
        "ENCRYPTED",
      );
    return fail(
      `variable ${v.name} comes from ${defined.via}, which is generated; set it where it is generated`,
      "UNTRACEABLE",
    );
  }
  if (v.fallback === undefined)
    return fail(`variable ${v.name} is not defined for ${ctx.k.id}`, "UNTRACEABLE");
  const rewritten = `${v.prefix}\${${v.name}${v.op}${value}}${v.suffix}`;
  if (variableIn(rewritten)?.fallback !== value) return fail(`cannot rewrite the default in '${template}'`);
  return [setEdit(ctx, write.at, `default of \${${v.name}}`, write.text, rebuild(rewritten))];
}

function inner(at: Location): { inner?: { doc: number; path: CstPath } } {
  return at.inner ? { inner: at.inner } : {};
}

function setEdit(ctx: TraceContext, found: Location, what: string, old: string, value: ScalarValue): Edit {
  // Read through an alias (`image: *app`): the edit is where the anchor is, and says so.
  const anchored = found.inner
    ? undefined
    : ctx.sources.get(found.file)?.cst.aliasTarget(found.doc, found.path);
  const at = anchored ? { ...found, path: anchored } : found;
  return {
    op: "set",
    file: at.file,
    doc: at.doc,
    path: at.path,
    old,
    value,
    line: lineOf(ctx.sources, at),
    what,
    ...inner(at),
  };
}

/** 1-based line of a location; inside an inline patch, the line in the file. */
export function lineOf(files: SourceFiles, at: Location): number {
  const source = files.get(at.file);
  if (!source) return at.line;
  const node = source.cst.find(at.doc, at.path);
  if (!node) return at.line;
  if (!at.inner || node.kind !== "scalar") return node.line;
  try {
    const innerNode = new YamlCst(node.value, at.file).find(at.inner.doc, at.inner.path);
    return innerNode ? node.line + innerNode.line : node.line;
  } catch {
    return node.line;
  }
}

// --- setter markers --------------------------------------------------------------------------

/**
 * Fields marked with a `$imagepolicy` setter in a HelmRelease's document or patches (image
 * tags in chart values) are versions too.
 */
function setterFields(
  ctx: TraceContext,
  resources: RenderedResource[],
  normalize: (s: string) => string,
  known: VersionField[],
): VersionField[] {
  const out: VersionField[] = [];
  const seen = new Set(known.map((f) => f.key));
  for (const r of resources) {
    if (r.object.kind !== "HelmRelease" || !r.source) continue;
    const homes = [
      { file: r.source.file, line: r.source.line },
      ...(r.patches ?? []).filter((p) => !p.inline && p.smp),
    ];
    for (const home of homes) {
      let found: ReturnType<SourceFiles["docAt"]>;
      try {
        found = ctx.sources.docAt(home.file, home.line);
      } catch {
        continue;
      }
      if (!found) continue;
      for (const s of found.source.cst.scalars()) {
        if (s.doc !== found.doc.index || !s.comment || !SETTER.test(s.comment)) continue;
        const path: FieldPath = [...s.path];
        const value = valueAt(r.object, path);
        if (value === undefined || value === null || typeof value === "object") continue;
        const key = `${objectKey(r.object, normalize)}|${formatFieldPath(path)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const marker = SETTER.exec(s.comment)![1]!;
        out.push({
          kind: "value",
          key,
          label: `${describe(r.object)} ${formatFieldPath(path.slice(2))} (setter ${marker})`,
          resource: r,
          path,
          value: typeof value === "bigint" ? value.toString() : value,
          setter: marker,
          setterAt: { file: home.file, line: s.line },
        });
      }
    }
  }
  return out;
}

function setterAt(files: SourceFiles, e: Edit): string | undefined {
  if (e.inner || e.op === "insert") return undefined;
  const node = files.get(e.file)?.cst.find(e.doc, e.path);
  if (node?.kind !== "scalar" || !node.comment) return undefined;
  return SETTER.exec(node.comment)?.[1];
}

function policyNote(cluster: Cluster, marker: string, to: string): string {
  const [ns, name, form] = marker.split(":");
  let policy: KObject | undefined;
  for (const k of cluster.kustomizations) {
    for (const r of k.resources) {
      const md = isMap(r.object.metadata) ? r.object.metadata : {};
      if (r.object.kind === "ImagePolicy" && md.name === name && md.namespace === ns) policy = r.object;
    }
  }
  const id = `ImagePolicy ${ns}/${name}`;
  if (!policy) return `setter {"$imagepolicy": "${marker}"} kept; ${cluster.name} has no ${id}`;
  let decoded: PolicySpec;
  try {
    decoded = decodePolicy(policy);
  } catch (e) {
    return `setter {"$imagepolicy": "${marker}"} kept; ${id} is invalid: ${(e as Error).message}`;
  }
  const rule = `${decoded.kind}${decoded.range ? ` '${decoded.range}'` : decoded.order ? ` ${decoded.order}` : ""}${decoded.pattern ? `, tags '${decoded.pattern}'` : ""}`;
  // The whole-reference form holds `name:tag@digest`; the policy ranks the tag alone.
  const tag = form === "tag" ? to.split("@")[0]! : form === undefined ? splitImage(to).tag : undefined;
  if (!tag || decoded.kind !== "semver")
    return `setter {"$imagepolicy": "${marker}"} kept: ${id} (${rule}) keeps updating this value`;
  return admits(decoded, tag)
    ? `setter {"$imagepolicy": "${marker}"} kept: ${id} (${rule}) admits ${tag} and keeps updating it`
    : `${id} (${rule}) does not admit ${tag}: image-automation-controller will replace it with the newest tag the policy selects`;
}

// --- plan-wide checks ------------------------------------------------------------------------

function locationKey(e: Edit): string {
  return JSON.stringify([e.file, e.doc, e.path, e.inner ?? null, e.op === "insert" ? e.key : null]);
}

/** Two versions that need one place to hold two different values. */
export function checkConflicts(plan: PromotionPlan): void {
  const seen = new Map<string, { edit: Edit; change: VersionChange; app: string }>();
  for (const a of plan.apps) {
    for (const c of a.changes) {
      for (const e of c.edits) {
        const key = locationKey(e);
        const prev = seen.get(key);
        const value = e.op === "remove" ? null : e.value;
        if (!prev) {
          seen.set(key, { edit: e, change: c, app: a.app });
          continue;
        }
        const before = prev.edit.op === "remove" ? null : prev.edit.value;
        if (before === value) continue;
        plan.refusals.push({
          code: "AMBIGUOUS",
          app: a.app,
          file: e.file,
          line: e.line,
          message: `${e.file}:${e.line} (${e.what}) decides both ${prev.change.label} of ${prev.change.object} (${prev.app}) and ${c.label} of ${c.object}, which ${plan.from} sets to different values (${String(before)} and ${String(value)}); split it before promoting`,
        });
      }
    }
  }
}

/** Edits to SOPS files (see encryptedEdits), refused. */
export function checkEncrypted(plan: PromotionPlan, files: SourceFiles): void {
  for (const a of plan.apps)
    plan.refusals.push(
      ...encryptedEdits(
        files,
        a.changes.flatMap((c) => c.edits),
      ).map((r) => ({ ...r, app: a.app })),
    );
}

/**
 * A SOPS file's MAC covers every value, the unencrypted ones too: a file edited here would no
 * longer decrypt with sops (and an encrypted value would be written in plaintext). One refusal
 * per file, at its first edit; `slipway secrets edit` re-encrypts and computes the MAC again.
 */
export function encryptedEdits(files: SourceFiles, edits: readonly Edit[]): Refusal[] {
  const refused = new Set<string>();
  const out: Refusal[] = [];
  for (const e of edits) {
    if (refused.has(e.file) || !files.get(e.file)?.encrypted) continue;
    refused.add(e.file);
    out.push({
      code: "ENCRYPTED",
      file: e.file,
      line: e.line,
      message: `${e.file}:${e.line} (${e.what}) is in a SOPS-encrypted file: editing it would break the file's MAC, so sops could no longer decrypt it; change it with 'slipway secrets edit ${e.file}'`,
    });
  }
  return out;
}

/** Which clusters read each file (documents, patches, kustomization files, Flux objects). */
export function fileUsage(files: SourceFiles, platform: Platform): Map<string, Set<string>> {
  const usage = new Map<string, Set<string>>();
  const use = (file: string | undefined, cluster: string) => {
    if (!file) return;
    let s = usage.get(file);
    if (!s) usage.set(file, (s = new Set()));
    s.add(cluster);
  };
  const kfiles = new Map<string, string | undefined>();
  for (const c of platform.clusters) {
    for (const k of c.kustomizations) {
      use(k.definedAt?.file, c.name);
      for (const r of k.resources) {
        use(r.source?.file, c.name);
        for (const p of r.patches ?? []) use(p.file, c.name);
        for (const dir of r.touchedBy) {
          if (!kfiles.has(dir)) kfiles.set(dir, kustomizationFileOf(files, dir));
          use(kfiles.get(dir), c.name);
        }
      }
    }
  }
  return usage;
}

/** Which clusters, besides the ones a plan means to change, would change through an edited file. */
export function checkShared(
  plan: PromotionPlan,
  files: SourceFiles,
  usage: Map<string, Set<string>>,
  platform: Platform,
  opts: { changing: Set<string>; source?: string; verb?: string },
): void {
  const dst = platform.clusters.find((c) => c.name === plan.to);
  for (const a of plan.apps) {
    for (const c of a.changes) {
      for (const e of c.edits) {
        const users = [...(usage.get(e.file) ?? [])].filter((n) => !opts.changing.has(n)).sort();
        if (users.length === 0) continue;
        const withSource = opts.source !== undefined && users.includes(opts.source);
        const named = withSource ? [opts.source!, ...users.filter((n) => n !== opts.source)] : users;
        const k = dst?.kustomizations.find((x) => x.id === a.target);
        plan.refusals.push({
          code: "SHARED_BASE",
          app: a.app,
          file: e.file,
          line: e.line,
          message: `${c.label} is set in ${e.file}:${e.line}, which ${named.join(" and ")} ${named.length === 1 ? "also uses" : "also use"}: ${opts.verb ?? "promoting"} would change ${named.join(" and ")} too`,
          ...(k && dst ? { suggestion: pinSuggestion(files, k, c, usage, dst.name) } : {}),
        });
      }
    }
  }
}

/**
 * Where the target can pin the version for itself: the kustomization of the directory its
 * Flux Kustomization builds (when only this cluster uses it), else the Flux Kustomization.
 */
function pinSuggestion(
  files: SourceFiles,
  k: FluxKustomization,
  c: VersionChange,
  usage: Map<string, Set<string>>,
  cluster: string,
): string {
  const kfile = k.dir !== undefined ? kustomizationFileOf(files, k.dir) : undefined;
  const own = kfile && [...(usage.get(kfile) ?? [cluster])].every((n) => n === cluster);
  const indent = own ? "" : "  ";
  const where = own
    ? kfile!
    : `${k.definedAt?.file ?? "the Flux Kustomization"} (Flux Kustomization ${k.id}, under spec:)`;
  const lines: string[] = [];
  if (c.kind === "image") {
    const ref = splitRef(c.label.replace(/^image /, ""));
    const [tag, digest] = c.to.split("@");
    lines.push("images:", `  - name: ${ref.name}`);
    if (tag && tag !== "(no tag)") lines.push(`    newTag: ${quote(tag)}`);
    if (digest) lines.push(`    digest: ${digest}`);
  } else {
    const [kind, id] = c.object.split(" ");
    const [ns, name] = id!.includes("/") ? id!.split("/") : [undefined, id];
    const pointer = `/${c.field
      .replace(/\[(\d+)\]/g, ".$1")
      .split(".")
      .join("/")}`;
    lines.push(
      "patches:",
      "  - target:",
      `      kind: ${kind}`,
      `      name: ${name}`,
      ...(ns ? [`      namespace: ${ns}`] : []),
      "    patch: |",
      "      - op: replace",
      `        path: ${pointer}`,
      `        value: ${quote(c.to)}`,
    );
  }
  return `pin it for ${cluster} in ${where}:\n${lines.map((l) => `    ${indent}${l}`).join("\n")}`;
}

function quote(v: string): string {
  return scalarText(v);
}
