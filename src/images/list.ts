/**
 * `slipway images list`: every image each cluster runs, where it is set (the file and line a
 * person or image automation edits — traced as `promote` traces it) and which ImagePolicy
 * governs it through a setter marker there.
 */

import { splitImage } from "../kustomize/transformers/images.js";
import { isMap, type KObject } from "../kustomize/types.js";
import type { Cluster, HelmReleaseInfo, Platform } from "../platform/model.js";
import { applierNameOf, leftOut, notRenderedReason } from "../platform/model.js";
import { lineOf } from "../promote/plan.js";
import type { SourceFiles } from "../promote/sources.js";
import { type ImageTrace, traceImage, type Write } from "../promote/trace.js";
import { versionFields } from "../promote/versions.js";
import type { Location } from "../promote/writers.js";
import { type MarkerForm, parseMarker } from "./markers.js";

export interface ImageUse {
  cluster: string;
  /** Flux Kustomization id. */
  kustomization: string;
  /** `Kind namespace/name`. */
  object: string;
  /** `spec.template.spec.containers[name=app]`. */
  container: string;
  image: string;
  /** Where the tag is set: file, line, and which field (`newTag`, `image`, ...). */
  setAt?: { file: string; line: number; what: string };
  /** Why the place could not be found. */
  problem?: string;
  policy?: { namespace: string; name: string; form: MarkerForm; rule?: string };
  /** `namespace/name` of the HelmRelease whose chart renders the object. */
  helmRelease?: string;
}

/** A Flux Kustomization or HelmRelease whose objects were not rendered: its images are unknown. */
export interface NotListed {
  cluster: string;
  /** `Flux Kustomization ns/name` or `HelmRelease ns/name`. */
  what: string;
  reason: string;
  /** It failed (Flux would fail too), as opposed to not rendered here (a chart not cached, ...). */
  failed: boolean;
  /** Rendered without some of its objects (remote resources, an object whose identity is secret). */
  partly?: true;
}

export function listImages(platform: Platform, files: SourceFiles, clusters?: string[]): ImageUse[] {
  const out: ImageUse[] = [];
  for (const cluster of platform.clusters) {
    if (clusters && !clusters.includes(cluster.name)) continue;
    for (const k of cluster.kustomizations) {
      const fields = versionFields(k.resources, { normalize: (s) => s }).filter((f) => f.kind === "image");
      for (const f of fields) {
        const use: ImageUse = {
          cluster: cluster.name,
          kustomization: k.id,
          object: describe(f.resource.object),
          container: containerOf(f.path),
          image: String(f.value),
        };
        const trace = traceImage({ sources: files, cluster, k }, f.resource, f.path);
        if ("code" in trace) use.problem = trace.message;
        else {
          const at = tagLocation(trace);
          use.setAt = { file: at.file, line: lineOf(files, at), what: whatOf(trace.tag) };
          const marker = markerAt(files, trace);
          if (marker) use.policy = { ...marker.policy, form: marker.form, ...ruleOf(cluster, marker) };
        }
        out.push(use);
      }
    }
    for (const h of cluster.helmReleases) {
      if (h.status !== "rendered" || !h.resources) continue;
      const fields = versionFields(h.resources, { normalize: (s) => s }).filter((f) => f.kind === "image");
      for (const f of fields) {
        const image = String(f.value);
        const use: ImageUse = {
          cluster: cluster.name,
          kustomization: h.kustomization,
          object: describe(f.resource.object),
          container: containerOf(f.path),
          image,
          helmRelease: `${h.namespace}/${h.name}`,
        };
        const found = valuesLocation(files, h, image);
        if (found) {
          use.setAt = found.at;
          // The setter marker on that value (`tag: 1.2.3 # {"$imagepolicy": "ns:policy:tag"}`):
          // the ImagePolicy that governs it, as for an image set in a manifest.
          if (found.marker)
            use.policy = {
              ...found.marker.policy,
              form: found.marker.form,
              ...ruleOf(cluster, found.marker),
            };
        } else
          use.problem = `rendered by the chart of HelmRelease ${h.namespace}/${h.name}; no field of its spec.values holds this tag (the chart's default, or values from a ConfigMap or Secret)`;
        out.push(use);
      }
    }
  }
  return out;
}

/** What could not be listed: Flux Kustomizations and HelmReleases whose objects are unknown. */
export function notListed(platform: Platform, clusters?: string[]): NotListed[] {
  const out: NotListed[] = [];
  for (const cluster of platform.clusters) {
    if (clusters && !clusters.includes(cluster.name)) continue;
    for (const k of cluster.kustomizations) {
      const left = leftOut(k);
      if (left.length > 0) {
        out.push({
          cluster: cluster.name,
          what: applierNameOf(k.id),
          reason: left[0]!.message,
          failed: false,
          partly: true,
        });
        continue;
      }
      if (k.status !== "failed" && k.status !== "external") continue;
      out.push({
        cluster: cluster.name,
        what: applierNameOf(k.id),
        reason: k.errors[0]?.message ?? k.status,
        failed: k.status === "failed",
      });
    }
    for (const h of cluster.helmReleases) {
      if (h.status === "rendered" || h.status === "suspended") continue;
      const what = `HelmRelease ${h.namespace}/${h.name}`;
      const reason = notRenderedReason(h);
      out.push({
        cluster: cluster.name,
        what,
        reason,
        failed: h.status === "failed",
      });
    }
  }
  return out;
}

/**
 * Where a HelmRelease's values set the tag of `image`: a scalar of spec.values equal to the tag
 * (or `tag@digest`, or the whole reference), preferring one beside a field naming the image's
 * repository; its line in the HelmRelease's own document when the value is written there.
 */
function valuesLocation(
  files: SourceFiles,
  h: HelmReleaseInfo,
  image: string,
): { at: NonNullable<ImageUse["setAt"]>; marker?: ReturnType<typeof parseMarker> } | undefined {
  const ref = splitImage(image);
  const values = isMap(h.object.spec) ? h.object.spec.values : undefined;
  if (!isMap(values)) return undefined;
  const wanted = new Set([image, ref.tag, ref.digest ? `${ref.tag}@${ref.digest}` : ""].filter(Boolean));
  const repo = ref.name.split("/").pop() ?? ref.name;
  let best: { path: string[]; score: number } | undefined;
  const walk = (node: unknown, path: string[]) => {
    if (!isMap(node)) return;
    const beside = Object.values(node).some((v) => typeof v === "string" && v.endsWith(repo));
    for (const [key, v] of Object.entries(node)) {
      if (isMap(v)) walk(v, [...path, key]);
      else if ((typeof v === "string" || typeof v === "number") && wanted.has(String(v))) {
        const score = (String(v) === image ? 2 : 0) + (beside ? 1 : 0);
        // A bare tag elsewhere (`version: 1.0`) is taken only under a key that says tag or image.
        if ((score > 0 || /tag|image/i.test(key)) && (!best || score > best.score))
          best = { path: [...path, key], score };
      }
    }
  };
  walk(values, []);
  if (!best) return undefined;
  const what = `HelmRelease ${h.namespace}/${h.name} spec.values.${best.path.join(".")}`;
  const at = h.definedAt;
  const source = at ? files.get(at.file) : undefined;
  const doc = at && source ? source.cst.documentAtLine(at.line) : undefined;
  const node = doc !== undefined ? source!.cst.find(doc, ["spec", "values", ...best.path]) : undefined;
  if (!at || !node)
    return { at: { file: at?.file ?? "", line: 0, what: `${what} (set through a patch or variable)` } };
  const marker = node.kind === "scalar" && node.comment ? parseMarker(node.comment) : undefined;
  return { at: { file: at.file, line: node.line, what }, ...(marker ? { marker } : {}) };
}

function containerOf(path: ReadonlyArray<unknown>): string {
  return path
    .slice(0, -1)
    .map((s) =>
      typeof s === "object" && s !== null
        ? `[name=${(s as { name: string }).name}]`
        : typeof s === "number"
          ? `[${s}]`
          : `.${String(s)}`,
    )
    .join("")
    .replace(/^\./, "")
    .replace(/\.\[/g, "[");
}

function tagLocation(t: ImageTrace): Location {
  const w = t.tag;
  if (w.kind === "text") return w.at;
  return w.entry.fields[w.field] ?? w.entry.at;
}

function whatOf(w: Write): string {
  return w.kind === "text" ? w.what : w.field;
}

/** The setter marker on the field that sets the tag (or on any field of its images entry). */
function markerAt(files: SourceFiles, t: ImageTrace): ReturnType<typeof parseMarker> | undefined {
  const at: Location[] = [];
  if (t.tag.kind === "text") at.push(t.tag.at);
  else {
    const e = t.tag.entry;
    for (const f of ["newTag", "digest", "newName"] as const) if (e.fields[f]) at.push(e.fields[f]!);
    at.push({ ...e.at, path: [...e.at.path, "name"] });
  }
  for (const l of at) {
    if (l.inner) continue;
    const node = files.get(l.file)?.cst.find(l.doc, l.path);
    if (node?.kind === "scalar" && node.comment) {
      const m = parseMarker(node.comment);
      if (m) return m;
    }
  }
  return undefined;
}

/** The ImagePolicy's rule in a few words (`semver >=1.0.0`, `alphabetical asc`). */
export function ruleOf(
  cluster: Cluster,
  marker: { policy: { namespace: string; name: string } },
): { rule?: string } {
  const policy = findPolicy(cluster, marker.policy.namespace, marker.policy.name);
  if (!policy)
    return { rule: `no ImagePolicy ${marker.policy.namespace}/${marker.policy.name} in ${cluster.name}` };
  const spec = isMap(policy.spec) && isMap(policy.spec.policy) ? policy.spec.policy : {};
  const [kind, v] = Object.entries(spec)[0] ?? [];
  if (!kind) return {};
  const detail = isMap(v) ? (v.range ?? v.order ?? "") : "";
  const filter =
    isMap(policy.spec) && isMap(policy.spec.filterTags) ? policy.spec.filterTags.pattern : undefined;
  return {
    rule: `${kind}${detail ? ` ${String(detail)}` : ""}${typeof filter === "string" ? `, tags ${filter}` : ""}`,
  };
}

export function findPolicy(cluster: Cluster, namespace: string, name: string): KObject | undefined {
  for (const k of cluster.kustomizations) {
    for (const r of k.resources) {
      const md = isMap(r.object.metadata) ? r.object.metadata : {};
      if (r.object.kind === "ImagePolicy" && md.name === name && md.namespace === namespace) return r.object;
    }
  }
  return undefined;
}

function describe(obj: KObject): string {
  const md = isMap(obj.metadata) ? obj.metadata : {};
  return `${String(obj.kind ?? "")} ${typeof md.namespace === "string" ? `${md.namespace}/` : ""}${String(md.name ?? "")}`;
}

export function formatImagesText(uses: ImageUse[], missing: NotListed[] = []): string {
  const out: string[] = [];
  let cluster: string | undefined;
  for (const u of uses) {
    if (u.cluster !== cluster) {
      if (cluster !== undefined) out.push("");
      out.push(`cluster ${u.cluster}`);
      cluster = u.cluster;
    }
    out.push(`  ${u.image}`);
    out.push(
      `    used by   ${u.object} ${u.container} (${u.helmRelease ? `HelmRelease ${u.helmRelease}, ` : ""}${applierNameOf(u.kustomization)})`,
    );
    if (u.setAt)
      out.push(
        `    set at    ${u.setAt.line > 0 ? `${u.setAt.file}:${u.setAt.line}` : u.setAt.file} (${u.setAt.what})`,
      );
    if (u.problem) out.push(`    set at    unknown: ${u.problem}`);
    if (u.policy)
      out.push(
        `    policy    ImagePolicy ${u.policy.namespace}/${u.policy.name}${u.policy.form === "image" ? "" : ` (:${u.policy.form} marker)`}${u.policy.rule ? `: ${u.policy.rule}` : ""}`,
      );
  }
  if (uses.length === 0)
    out.push(
      missing.length > 0 ? "No container images found in what was rendered." : "No container images found.",
    );
  if (missing.length > 0) {
    out.push("", `Not listed: ${notListedSummary(missing)}, so the images they run are missing:`);
    const shown = missing.slice(0, 25);
    for (const m of shown) out.push(`  ${m.cluster}: ${m.what}${m.partly ? " (in part)" : ""}: ${m.reason}`);
    if (missing.length > shown.length)
      out.push(`  … and ${missing.length - shown.length} more (--format json lists every one)`);
  }
  return `${out.join("\n")}\n`;
}

/** `78 HelmReleases and 2 Flux Kustomizations were not rendered` (or `… only in part`) */
export function notListedSummary(missing: NotListed[]): string {
  const releases = missing.filter((m) => m.what.startsWith("HelmRelease ")).length;
  const ks = missing.length - releases;
  const parts: string[] = [];
  if (releases > 0) parts.push(`${releases} HelmRelease${releases === 1 ? "" : "s"}`);
  if (ks > 0) parts.push(`${ks} Flux Kustomization${ks === 1 ? "" : "s"}`);
  const partly = missing.filter((m) => m.partly).length;
  const state =
    partly === 0
      ? "not rendered"
      : partly === missing.length
        ? "rendered only in part"
        : "not rendered or only in part";
  return `${parts.join(" and ")} ${missing.length === 1 ? "was" : "were"} ${state}`;
}
