/**
 * `slipway images set IMAGE:TAG [--cluster C]`: a new tag (and digest) for one image,
 * written where each cluster sets it — the same tracing and edits as `promote`, with the
 * wanted version given instead of read from another environment. Chart values marked with a
 * setter whose ImagePolicy watches the image are set too, in the setter's form.
 */

import { splitImage } from "../kustomize/transformers/images.js";
import { isMap } from "../kustomize/types.js";
import type { Cluster, Platform } from "../platform/model.js";
import type { PromotionPlan } from "../promote/model.js";
import {
  checkConflicts,
  checkEncrypted,
  checkShared,
  fileUsage,
  planChanges,
  targetFields,
} from "../promote/plan.js";
import type { SourceFiles } from "../promote/sources.js";
import { compose } from "../promote/trace.js";
import { findPolicy } from "./list.js";
import { type MarkerForm, parseMarker } from "./markers.js";
import { imageReferenceProblem } from "./reference.js";

export interface ImageSetRequest {
  /** `repo:tag`, `repo:tag@sha256:…` or `repo@sha256:…`. */
  image: string;
  clusters?: string[];
}

/**
 * One plan per cluster that runs the image and does not already run the wanted version (`from`
 * is "images set"). `running` collects every selected cluster where the image was found, up to
 * date or not, so that a caller can tell "already there" from "not run anywhere".
 */
export function planImageSet(
  platform: Platform,
  files: SourceFiles,
  req: ImageSetRequest,
  running?: Set<string>,
): PromotionPlan[] {
  const problem = imageReferenceProblem(req.image);
  if (problem) throw new Error(problem);
  const want = splitImage(req.image);
  if (want.tag === "" && want.digest === "")
    throw new Error(`'${req.image}' has no tag or digest: give IMAGE:TAG`);
  const selected = platform.clusters.filter((c) => !req.clusters || req.clusters.includes(c.name));
  const plans: PromotionPlan[] = [];
  const identity = (s: string) => s;
  for (const cluster of selected) {
    const plan: PromotionPlan = {
      from: "images set",
      to: cluster.name,
      apps: [],
      skipped: [],
      refusals: [],
      notes: [],
    };
    const imageOfPolicy = policyImages(cluster);
    for (const k of cluster.kustomizations) {
      if (k.status !== "rendered") continue;
      const ctx = { sources: files, cluster, k };
      const fields = targetFields(ctx, k, identity);
      const changes = planChanges(ctx, fields, plan, k.name, identity, (f) => {
        if (f.kind === "image") {
          if (f.image?.name !== want.name) return undefined;
          running?.add(cluster.name);
          return compose({ ...want });
        }
        if (f.setter === undefined) return undefined;
        const m = parseMarker(JSON.stringify({ $imagepolicy: f.setter }));
        if (!m || imageOfPolicy(m.policy.namespace, m.policy.name) !== want.name) return undefined;
        running?.add(cluster.name);
        const set = setterValue(m.form, want, String(f.value));
        if ("value" in set) return set.value;
        const at = f.setterAt;
        plan.refusals.push({
          code: "AMBIGUOUS",
          app: k.name,
          message: `${at ? `${at.file}:${at.line}: ` : ""}${f.label}: ${set.problem}`,
          ...(at ? { file: at.file, line: at.line } : {}),
        });
        return undefined;
      });
      if (changes.length > 0) plan.apps.push({ app: k.name, source: "", target: k.id, changes });
    }
    if (plan.apps.length > 0 || plan.refusals.length > 0) plans.push(plan);
  }
  const usage = fileUsage(files, platform);
  const changing = new Set(req.clusters ? selected.map((c) => c.name) : platform.clusters.map((c) => c.name));
  for (const plan of plans) {
    checkConflicts(plan);
    checkEncrypted(plan, files);
    checkShared(plan, files, usage, platform, { changing, verb: "setting it here" });
  }
  return plans;
}

/**
 * What a setter-marked field gets for the wanted reference: the value for the marker's form, as
 * image-automation-controller writes it, except where that would lose what the user gave or
 * leave the old image pinned — then the problem, for a refusal.
 */
export function setterValue(
  form: MarkerForm,
  want: { name: string; tag: string; digest: string },
  current: string,
): { value: string } | { problem: string } {
  switch (form) {
    case "image":
      // compose() leaves out an empty tag: `name@digest`, never `name:@digest`.
      return { value: compose(want) };
    case "tag": {
      if (want.tag === "")
        return {
          problem: `${want.name}@${want.digest} has no tag for this :tag setter; give IMAGE:TAG@DIGEST`,
        };
      // `tag: 1.2.3@sha256:…` (as Renovate pins chart values): the field pins a digest too.
      if (!current.includes("@")) return { value: want.tag };
      if (want.digest === "")
        return {
          problem: `the field pins a digest (${current}) and ${want.name}:${want.tag} has none; give IMAGE:TAG@DIGEST, or unpin the field first`,
        };
      return { value: `${want.tag}@${want.digest}` };
    }
    case "name":
      return { value: want.name };
    case "digest":
      if (want.digest === "")
        return {
          problem: `this :digest setter would keep pinning ${current} while the tag changes; give IMAGE:TAG@DIGEST`,
        };
      return { value: want.digest };
  }
}

/** The image an ImagePolicy watches (through its ImageRepository), by policy namespace and name. */
function policyImages(cluster: Cluster): (namespace: string, name: string) => string | undefined {
  return (namespace, name) => {
    const policy = findPolicy(cluster, namespace, name);
    const spec = policy && isMap(policy.spec) ? policy.spec : undefined;
    const ref = spec && isMap(spec.imageRepositoryRef) ? spec.imageRepositoryRef : undefined;
    if (!ref) return undefined;
    const repoNs = typeof ref.namespace === "string" ? ref.namespace : namespace;
    for (const k of cluster.kustomizations) {
      for (const r of k.resources) {
        const md = isMap(r.object.metadata) ? r.object.metadata : {};
        if (r.object.kind === "ImageRepository" && md.name === ref.name && md.namespace === repoNs) {
          return isMap(r.object.spec) && typeof r.object.spec.image === "string"
            ? r.object.spec.image
            : undefined;
        }
      }
    }
    return undefined;
  };
}
