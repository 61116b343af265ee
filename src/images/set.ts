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
import { parseMarker } from "./markers.js";
import { imageReferenceProblem } from "./reference.js";
import { valueFor } from "./update.js";

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
        return valueFor(m, {
          name: want.name,
          tag: want.tag,
          ...(want.digest ? { digest: want.digest } : {}),
        });
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
