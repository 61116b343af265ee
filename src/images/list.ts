/**
 * `slipway images list`: every image each cluster runs, where it is set (the file and line a
 * person or image automation edits — traced as `promote` traces it) and which ImagePolicy
 * governs it through a setter marker there.
 */

import { isMap, type KObject } from "../kustomize/types.js";
import type { Cluster, Platform } from "../platform/model.js";
import { applierNameOf } from "../platform/model.js";
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
          container: f.path
            .slice(0, -1)
            .map((s) =>
              typeof s === "object" ? `[name=${s.name}]` : typeof s === "number" ? `[${s}]` : `.${s}`,
            )
            .join("")
            .replace(/^\./, "")
            .replace(/\.\[/g, "["),
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
  }
  return out;
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

export function formatImagesText(uses: ImageUse[]): string {
  const out: string[] = [];
  let cluster: string | undefined;
  for (const u of uses) {
    if (u.cluster !== cluster) {
      if (cluster !== undefined) out.push("");
      out.push(`cluster ${u.cluster}`);
      cluster = u.cluster;
    }
    out.push(`  ${u.image}`);
    out.push(`    used by   ${u.object} ${u.container} (${applierNameOf(u.kustomization)})`);
    if (u.setAt) out.push(`    set at    ${u.setAt.file}:${u.setAt.line} (${u.setAt.what})`);
    if (u.problem) out.push(`    set at    unknown: ${u.problem}`);
    if (u.policy)
      out.push(
        `    policy    ImagePolicy ${u.policy.namespace}/${u.policy.name}${u.policy.form === "image" ? "" : ` (:${u.policy.form} marker)`}${u.policy.rule ? `: ${u.policy.rule}` : ""}`,
      );
  }
  if (uses.length === 0) out.push("No container images found.");
  return `${out.join("\n")}\n`;
}
