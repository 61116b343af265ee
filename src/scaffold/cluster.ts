/**
 * `slipway new cluster ENV [--like REF]`: a cluster directory wired like an existing one.
 * The reference cluster's directory (flux-system sync, infrastructure, apps, image automation,
 * variables) is copied, and so is every directory its Flux Kustomizations build that is named
 * after its environment (`apps/x/overlays/staging` → `apps/x/overlays/qa`). In YAML, only
 * values that name the environment change: path segments (`./clusters/staging`) and values
 * equal to its name (`cluster_name: staging`); everything else is kept for review (domains,
 * issuers). SOPS files are not copied — they are encrypted for the reference's keys — and
 * are taken out of the kustomizations that list them.
 */
import * as path from "node:path";
import { findCluster } from "../diff/index.js";
import { confinedView } from "../fs/confined.js";
import { linksBelow, walkFiles } from "../fs/walk.js";
import { isMap } from "../kustomize/types.js";
import type { Cluster, Platform } from "../platform/model.js";
import type { SourceFiles } from "../promote/sources.js";
import { YamlCst } from "../yaml/cst-edit.js";
import { namesEnvironment } from "./conventions.js";
import { createFile, emptyPlan, type ScaffoldPlan } from "./files.js";

export interface ClusterRequest {
  name: string;
  /** The cluster to copy (default: the first in promotion order). */
  like?: string;
}

const PROMOTION = [
  "dev",
  "development",
  "sandbox",
  "test",
  "qa",
  "staging",
  "stage",
  "preprod",
  "prod",
  "production",
];

export function planNewCluster(platform: Platform, files: SourceFiles, req: ClusterRequest): ScaffoldPlan {
  const plan = emptyPlan();
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(req.name)) {
    plan.errors.push(`'${req.name}' is not a valid cluster name (lowercase letters, digits and '-')`);
    return plan;
  }
  if (platform.clusters.some((c) => c.name === req.name)) {
    plan.errors.push(`the repository already has a cluster named '${req.name}'`);
    return plan;
  }
  let ref: Cluster | undefined;
  try {
    ref = req.like ? findCluster(platform, req.like) : firstInPromotionOrder(platform);
  } catch (e) {
    plan.errors.push((e as Error).message);
    return plan;
  }
  if (!ref) {
    plan.errors.push("the repository has no cluster to copy; give --like CLUSTER");
    return plan;
  }
  const env = ref.name.split("/").pop()!;
  const segmentOf = (dir: string) => dir.split("/").find((s) => namesEnvironment(s, env));
  const clusterDir = renamed(ref.path, env, req.name);
  if (clusterDir === ref.path) {
    plan.errors.push(
      `${ref.name}'s directory ${ref.path} is not named after it; cannot derive the new cluster's directory`,
    );
    return plan;
  }
  plan.notes.push(`copied from ${ref.name} (${ref.path} → ${clusterDir})`);
  plan.copiedFrom = ref.name;
  // A hub's Flux Kustomizations apply to its spokes: copied as they are, the new cluster would
  // reconcile those same clusters, and the two would fight over them.
  const remote = ref.kustomizations.filter(
    (k) => isMap(k.object.spec) && k.object.spec.kubeConfig !== undefined,
  );
  if (remote.length > 0)
    plan.notes.push(
      `${remote.map((k) => k.id).join(", ")} of ${ref.name} apply to other clusters (spec.kubeConfig): their copies in ${clusterDir} would reconcile the same clusters; point them at ${req.name}'s own`,
    );
  const dirs = new Map<string, string>([[ref.path, clusterDir]]);
  for (const k of ref.kustomizations) {
    if (!k.dir || k.dir === ref.path || k.dir.startsWith(`${ref.path}/`)) continue;
    const seg = segmentOf(k.dir);
    if (!seg) continue; // shared by every environment: used as it is
    dirs.set(k.dir, renamed(k.dir, seg, req.name));
  }
  const skipped: string[] = [];
  // Read as Flux reads the source: no symbolic links (source-controller archives regular files
  // only). Followed, a planted link would copy a file from outside the repository into it.
  const source = confinedView(files.fs, [files.root]);
  const links: string[] = [];
  for (const [from, to] of [...dirs.entries()].sort()) {
    links.push(...linksBelow(source, files.absolute(from)).map((l) => path.posix.relative(files.root, l)));
    for (const abs of walkFiles(source, files.absolute(from), () => true)) {
      const rel = path.posix.relative(files.root, abs);
      const target = `${to}${rel.slice(from.length)}`;
      if (plan.create.has(target)) continue;
      const text = source.readFile(abs).toString("utf8");
      if (/^sops:\s*$/m.test(text) && text.includes("ENC[")) {
        skipped.push(rel);
        continue;
      }
      createFile(plan, files, target, isYaml(rel) ? retarget(text, rel, env, req.name) : text);
    }
  }
  // Kustomizations no longer list the SOPS files that were not copied.
  for (const file of [...plan.create.keys()]) {
    if (!/(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(file)) continue;
    const fromDir = [...dirs.entries()].find(([, to]) => file.startsWith(`${to}/`))?.[0];
    if (!fromDir) continue;
    const cst = new YamlCst(plan.create.get(file)!, file);
    const list = files.get(`${fromDir}${file.slice(dirs.get(fromDir)!.length)}`)?.docs[0]?.value;
    const resources = isMap(list) && Array.isArray(list.resources) ? list.resources : [];
    const dir = path.posix.dirname(`${fromDir}${file.slice(dirs.get(fromDir)!.length)}`);
    const drop = resources.flatMap((r, i) =>
      typeof r === "string" && skipped.includes(path.posix.join(dir, r)) ? [i] : [],
    );
    for (const i of drop.reverse()) cst.removeItem(0, ["resources"], i);
    if (drop.length > 0) plan.create.set(file, cst.toString());
  }
  for (const s of skipped) {
    plan.notes.push(
      `not copied: ${s} is encrypted for ${ref.name}'s keys; create ${req.name}'s own (slipway secrets encrypt) and list it again`,
    );
  }
  for (const l of links) {
    plan.notes.push(
      `not copied: ${l} is a symbolic link (Flux's source artifact holds none); copy what it should hold by hand`,
    );
  }
  plan.notes.push(
    `review the copied values (domains, issuers, sizes) in ${clusterDir}, especially its post-build variables`,
  );
  return plan;
}

function firstInPromotionOrder(platform: Platform): Cluster | undefined {
  const rank = (c: Cluster) => {
    const i = PROMOTION.indexOf(c.name.split("/").pop()!);
    return i < 0 ? PROMOTION.length : i;
  };
  return [...platform.clusters].sort((a, b) => rank(a) - rank(b))[0];
}

function renamed(dir: string, segment: string, name: string): string {
  return dir
    .split("/")
    .map((s) => (s === segment ? name : s))
    .join("/");
}

function isYaml(file: string): boolean {
  return /\.ya?ml$/.test(file) || path.posix.basename(file) === "Kustomization";
}

/** Values that name the reference environment, rewritten for the new one; every other byte kept. */
function retarget(text: string, file: string, env: string, name: string): string {
  let cst: YamlCst;
  try {
    cst = new YamlCst(text, file);
  } catch {
    return text;
  }
  for (const s of [...cst.scalars()]) {
    if (s.value.includes("\n")) continue;
    let next = s.value;
    if (next === env) next = name;
    else if (next.includes("/")) next = renamed(next, env, name);
    if (next !== s.value) cst.set(s.doc, s.path, next);
  }
  return cst.toString();
}
