/**
 * `slipway images update --policies`: what image-automation-controller would commit, given
 * the tags a registry has (from a file or the command line instead of a registry scan).
 * For each ImageUpdateAutomation of each cluster: the ImagePolicies of its namespace (its
 * `policySelector` applied) select their latest tag (policy.ts); every setter marker in the
 * files below its `update.path` (relative to its GitRepository's root) that names one of those
 * policies gets the value for its form — `name:tag[@digest]`, `:tag`, `:name`, `:digest`.
 */
import * as path from "node:path";
import type { FileSystem } from "../fs/filesystem.js";
import { isMap, type KObject, type YamlMap } from "../kustomize/types.js";
import type { Cluster, Platform } from "../platform/model.js";
import type { Edit } from "../promote/model.js";
import type { SourceFiles } from "../promote/sources.js";
import { findPolicy } from "./list.js";
import { findMarkers, type SetterMarker } from "./markers.js";
import { decodePolicy, exclusionsOf, selectTag } from "./policy.js";

/** A candidate tag, with the digest it points at when known (`1.2.3@sha256:…`). */
export interface Candidate {
  tag: string;
  digest?: string;
}

export interface PolicyOutcome {
  cluster: string;
  /** `namespace/name`. */
  policy: string;
  image?: string;
  rule?: string;
  candidates: number;
  latest?: { name: string; tag: string; digest?: string };
  problem?: string;
}

export interface MarkerUpdate {
  cluster: string;
  automation: string;
  marker: SetterMarker;
  edit: Edit;
}

export interface ImageUpdatePlan {
  policies: PolicyOutcome[];
  updates: MarkerUpdate[];
  /** Markers in scope that were left as they are, and why. */
  skipped: Array<{ marker: SetterMarker; reason: string }>;
  /** Clusters without an ImageUpdateAutomation (nothing would write there). */
  notes: string[];
}

/** Parses `IMAGE:TAG`, `IMAGE:TAG@sha256:…` entries; a tags file maps images to such tags. */
export function parseCandidates(entries: Iterable<[string, string]>): Map<string, Candidate[]> {
  const out = new Map<string, Candidate[]>();
  for (const [image, raw] of entries) {
    const at = raw.indexOf("@");
    const c: Candidate = at >= 0 ? { tag: raw.slice(0, at), digest: raw.slice(at + 1) } : { tag: raw };
    out.set(image, [...(out.get(image) ?? []), c]);
  }
  return out;
}

export function planImageUpdates(
  platform: Platform,
  fs: FileSystem,
  files: SourceFiles,
  candidates: Map<string, Candidate[]>,
  clusters?: string[],
): ImageUpdatePlan {
  const plan: ImageUpdatePlan = { policies: [], updates: [], skipped: [], notes: [] };
  const scanned = new Map<string, SetterMarker[]>();
  const unreadable = new Set<string>();
  const markersUnder = (dir: string) => {
    let m = scanned.get(dir);
    if (!m) {
      const found = findMarkers(fs, files, dir);
      scanned.set(dir, (m = found.markers));
      // A file with a marker that does not parse is not updated: said, never silently left.
      for (const p of found.problems) unreadable.add(p);
    }
    return m;
  };
  const seen = new Set<string>();
  for (const cluster of platform.clusters) {
    if (clusters && !clusters.includes(cluster.name)) continue;
    const automations = objectsOf(cluster, "ImageUpdateAutomation");
    if (automations.length === 0) {
      plan.notes.push(`${cluster.name} has no ImageUpdateAutomation: nothing writes image updates there`);
      continue;
    }
    const outcomes = new Map<string, PolicyOutcome>();
    for (const auto of automations) {
      const md = meta(auto);
      const spec = isMap(auto.spec) ? auto.spec : {};
      const root = sourceRootOf(cluster, spec, md.namespace);
      const update = isMap(spec.update) ? spec.update : {};
      const updatePath = typeof update.path === "string" ? update.path : ".";
      // image-automation-controller joins it with securejoin.SecureJoin (internal/policy/
      // applier.go): `..` stops at the root of the clone, so the path never leaves the source.
      const dir = path.posix.join(root, path.posix.normalize(`/${updatePath}`));
      if (!fs.exists(path.posix.resolve(files.root, dir))) {
        plan.notes.push(
          `ImageUpdateAutomation ${md.namespace}/${md.name} in ${cluster.name}: update.path ${updatePath}: ${path.posix.relative(path.posix.resolve(files.root, root), path.posix.resolve(files.root, dir))} does not exist in its source; image-automation-controller fails on it`,
        );
        continue;
      }
      const selector =
        isMap(spec.policySelector) && isMap(spec.policySelector.matchLabels)
          ? spec.policySelector.matchLabels
          : undefined;
      const policies = objectsOf(cluster, "ImagePolicy").filter(
        (p) => meta(p).namespace === md.namespace && labelsMatch(p, selector),
      );
      for (const p of policies) {
        const id = `${meta(p).namespace}/${meta(p).name}`;
        if (!outcomes.has(id)) outcomes.set(id, evaluate(cluster, p, candidates));
      }
      for (const marker of markersUnder(dir)) {
        const id = `${marker.policy.namespace}/${marker.policy.name}`;
        const outcome = policies.some((p) => `${meta(p).namespace}/${meta(p).name}` === id)
          ? outcomes.get(id)
          : undefined;
        const key = `${marker.file}\u0000${marker.doc}\u0000${marker.path.join("\u0000")}`;
        if (!outcome) {
          if (!objectsOf(cluster, "ImagePolicy").some((p) => `${meta(p).namespace}/${meta(p).name}` === id))
            plan.skipped.push({ marker, reason: `${cluster.name} has no ImagePolicy ${id}` });
          continue;
        }
        if (!outcome.latest) {
          plan.skipped.push({ marker, reason: outcome.problem ?? "no tag selected" });
          continue;
        }
        const value = valueFor(marker, outcome.latest);
        if (value === undefined) {
          plan.skipped.push({
            marker,
            reason: `no digest known for ${outcome.latest.name}:${outcome.latest.tag} (give candidates as TAG@sha256:…)`,
          });
          continue;
        }
        if (value === marker.value || seen.has(key)) continue;
        seen.add(key);
        plan.updates.push({
          cluster: cluster.name,
          automation: `${md.namespace}/${md.name}`,
          marker,
          edit: {
            op: "set",
            file: marker.file,
            doc: marker.doc,
            path: marker.path,
            old: marker.value,
            value,
            line: marker.line,
            what: `{"$imagepolicy": "${marker.setter}"}`,
          },
        });
      }
    }
    plan.policies.push(...outcomes.values());
  }
  for (const p of unreadable) plan.notes.push(`setter markers not read (nothing updated there): ${p}`);
  return plan;
}

function evaluate(cluster: Cluster, policy: KObject, candidates: Map<string, Candidate[]>): PolicyOutcome {
  const md = meta(policy);
  const out: PolicyOutcome = { cluster: cluster.name, policy: `${md.namespace}/${md.name}`, candidates: 0 };
  const spec = isMap(policy.spec) ? policy.spec : {};
  const ref = isMap(spec.imageRepositoryRef) ? spec.imageRepositoryRef : {};
  const repoName = typeof ref.name === "string" ? ref.name : "";
  const repoNs = typeof ref.namespace === "string" ? ref.namespace : md.namespace;
  const repo = objectsOf(cluster, "ImageRepository").find(
    (r) => meta(r).name === repoName && meta(r).namespace === repoNs,
  );
  if (!repo) {
    out.problem = `ImageRepository ${repoNs}/${repoName} not found in ${cluster.name}`;
    return out;
  }
  const image = isMap(repo.spec) && typeof repo.spec.image === "string" ? repo.spec.image : "";
  out.image = image;
  let decoded: ReturnType<typeof decodePolicy>;
  try {
    decoded = decodePolicy(policy);
  } catch (e) {
    out.problem = `ImagePolicy ${out.policy}: ${(e as Error).message}`;
    return out;
  }
  out.rule = `${decoded.kind}${decoded.range ? ` ${decoded.range}` : decoded.order ? ` ${decoded.order}` : ""}${decoded.pattern ? `, tags ${decoded.pattern}${decoded.extract ? ` → ${decoded.extract}` : ""}` : ""}`;
  const tags = candidates.get(image) ?? [];
  out.candidates = tags.length;
  if (tags.length === 0) {
    out.problem = `no candidate tags for ${image}`;
    return out;
  }
  const selected = selectTag(
    decoded,
    tags.map((t) => t.tag),
    exclusionsOf(repo),
  );
  if ("error" in selected) {
    out.problem = selected.error;
    return out;
  }
  const digest = tags.filter((t) => t.tag === selected.tag && t.digest).pop()?.digest;
  out.latest = { name: image, tag: selected.tag, ...(digest ? { digest } : {}) };
  return out;
}

/** What the setter writes for its form (image-automation-controller's four setters). */
export function valueFor(
  marker: { form: SetterMarker["form"] },
  latest: { name: string; tag: string; digest?: string },
): string | undefined {
  switch (marker.form) {
    case "image":
      return `${latest.name}:${latest.tag}${latest.digest ? `@${latest.digest}` : ""}`;
    case "tag":
      return latest.tag;
    case "name":
      return latest.name;
    case "digest":
      return latest.digest;
  }
}

/** The root of the automation's GitRepository inside this repository (the cluster's own by default). */
function sourceRootOf(cluster: Cluster, spec: YamlMap, namespace: string): string {
  const ref = isMap(spec.sourceRef) ? spec.sourceRef : {};
  const name = typeof ref.name === "string" ? ref.name : "";
  const ns = typeof ref.namespace === "string" ? ref.namespace : namespace;
  const src = cluster.sources.find(
    (s) => s.kind === "GitRepository" && s.name === name && s.namespace === ns,
  );
  if (src?.localRoot) return src.localRoot;
  const k = cluster.kustomizations.find(
    (x) =>
      x.sourceRef.kind === "GitRepository" &&
      x.sourceRef.name === name &&
      x.sourceRef.namespace === ns &&
      x.sourceRoot !== undefined,
  );
  return k?.sourceRoot ?? cluster.sourceRoot;
}

function objectsOf(cluster: Cluster, kind: string): KObject[] {
  const out: KObject[] = [];
  for (const k of cluster.kustomizations) {
    for (const r of k.resources) {
      const v = String(r.object.apiVersion ?? "");
      if (r.object.kind === kind && v.startsWith("image.toolkit.fluxcd.io/")) out.push(r.object);
    }
  }
  return out;
}

function meta(obj: KObject): { name: string; namespace: string } {
  const md = isMap(obj.metadata) ? obj.metadata : {};
  return { name: String(md.name ?? ""), namespace: String(md.namespace ?? "") };
}

function labelsMatch(obj: KObject, selector: YamlMap | undefined): boolean {
  if (!selector) return true;
  const md = isMap(obj.metadata) ? obj.metadata : {};
  const labels = isMap(md.labels) ? md.labels : {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export { findPolicy };
