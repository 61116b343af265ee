/**
 * The proof a promotion owes before anything is written: the target re-rendered with the
 * edits must carry the source's versions, change nothing else, still check clean, and no
 * other cluster may change at all. Returns the rendered diff of the target (before → after)
 * and the refusals for whatever does not hold.
 */

import type { Finding } from "../check/types.js";
import { comparePlatforms, type DiffReport, newMasker, objectKey } from "../diff/index.js";
import type { SecretMasker } from "../diff/mask.js";
import { deepEqual } from "../kustomize/clone.js";
import type { Cluster, Platform } from "../platform/model.js";
import { applierNameOf } from "../platform/model.js";
import { formatFieldPath, type PromotionPlan, type Refusal, type VersionChange } from "./model.js";
import { valueAt } from "./versions.js";

export interface VerifyInput {
  plan: PromotionPlan;
  before: Platform;
  after: Platform;
  /** Error-level findings of the target before and after (from `check`). */
  checkBefore?: Finding[];
  checkAfter?: Finding[];
  masker?: SecretMasker;
  /** Other clusters the same run changes on purpose (`images set` without --cluster). */
  alsoChanging?: ReadonlySet<string>;
}

export interface Verification {
  /** The target cluster's rendered diff, before → after. */
  report: DiffReport;
  refusals: Refusal[];
}

export function verifyPromotion(input: VerifyInput): Verification {
  const { plan, before, after } = input;
  const refusals: Refusal[] = [];
  const target = (p: Platform) => p.clusters.find((c) => c.name === plan.to);
  const b = target(before);
  const a = target(after);
  const masker = input.masker ?? newMasker();
  const only = (p: Platform, c: Cluster | undefined): Platform => ({ ...p, clusters: c ? [c] : [] });
  const report = comparePlatforms(only(before, b), only(after, a), {
    masker,
    base: `${plan.to} before`,
    head: `${plan.to} after promoting from ${plan.from}`,
    changedOnly: false,
  });
  if (!a) {
    refusals.push({ code: "VERIFY", message: `${plan.to} no longer renders after the edits` });
    return { report, refusals };
  }
  for (const k of a.kustomizations) {
    const was = b?.kustomizations.find((x) => x.id === k.id);
    if (k.status === "failed" && was?.status !== "failed") {
      refusals.push({
        code: "TARGET_RENDER",
        message: `after the edits, ${plan.to}'s ${applierNameOf(k.id)} fails to render: ${k.errors[0]?.message ?? "unknown error"}`,
      });
    }
  }

  // Every promoted field now holds the source's version; nothing else changed.
  const promoted = new Map<string, VersionChange[]>();
  for (const app of plan.apps) {
    for (const c of app.changes) promoted.set(c.objectKey, [...(promoted.get(c.objectKey) ?? []), c]);
  }
  for (const app of plan.apps) {
    for (const c of app.changes) {
      const obj = a.kustomizations
        .flatMap((k) => k.resources)
        .find((r) => objectKey(r.object) === c.objectKey);
      const value = obj ? valueAt(obj.object, c.path) : undefined;
      if (!holds(c, value)) {
        refusals.push({
          code: "VERIFY",
          app: app.app,
          message: `after the edits, ${c.object} ${c.field} renders as '${String(value)}', not ${c.to}: the edit did not take effect`,
        });
      }
    }
  }
  // The edited files' own objects (a Flux Kustomization's spec.images, a variables ConfigMap)
  // change where they were edited.
  const edited = new Map<string, string[][]>();
  for (const app of plan.apps) {
    for (const c of app.changes) {
      for (const e of c.edits) {
        const shape = e.path.filter((s): s is string => typeof s === "string");
        edited.set(e.file, [...(edited.get(e.file) ?? []), e.op === "insert" ? [...shape, e.key] : shape]);
      }
    }
  }
  const explained = (file: string | undefined, field: string) => {
    const shape = field.replace(/\[[^\]]*\]/g, "").split(".");
    return (edited.get(file ?? "") ?? []).some((p) =>
      p.every((s, i) => shape[i] === undefined || shape[i] === s),
    );
  };
  const newChart = rechartedOutput(plan, b, a);
  for (const cluster of report.clusters) {
    for (const k of cluster.kustomizations) {
      for (const o of k.objects) {
        const key = objectKey({
          apiVersion: o.apiVersion,
          kind: o.kind,
          metadata: { namespace: o.namespace, name: o.name },
        });
        if (newChart.has(key)) continue;
        const changes = promoted.get(key) ?? [];
        if (o.change !== "changed") {
          refusals.push({
            code: "VERIFY",
            message: `the edits ${o.change === "added" ? "add" : "remove"} ${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name} in ${plan.to}`,
          });
          continue;
        }
        for (const f of o.fields) {
          if (changes.some((c) => sameField(c, f.path)) || explained(o.source?.file, f.path)) continue;
          refusals.push({
            code: "VERIFY",
            message: `the edits also change ${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name} ${f.path} in ${plan.to}, which is not a promoted version`,
          });
        }
      }
    }
  }

  // No other cluster may change.
  for (const c of after.clusters) {
    if (c.name === plan.to || input.alsoChanging?.has(c.name)) continue;
    const was = before.clusters.find((x) => x.name === c.name);
    const changed = c.kustomizations.filter((k) => {
      const w = was?.kustomizations.find((x) => x.id === k.id);
      return !w || w.status !== k.status || !sameResources(w.resources, k.resources);
    });
    if (changed.length > 0) {
      refusals.push({
        code: "SHARED_BASE",
        message: `the edits also change cluster ${c.name} (${changed.map((k) => k.id).join(", ")}): a file they touch is shared with it`,
      });
    }
  }

  const key = (f: Finding) => JSON.stringify([f.rule, f.message, f.file, f.line, f.kustomization]);
  const known = new Set((input.checkBefore ?? []).map(key));
  const fresh = (input.checkAfter ?? []).filter((f) => !known.has(key(f)));
  for (const f of fresh.slice(0, 10)) {
    refusals.push({
      code: "TARGET_CHECK",
      message: `after the edits, ${plan.to} fails check: ${f.message} [${f.rule}]`,
      ...(f.file ? { file: f.file } : {}),
      ...(f.line ? { line: f.line } : {}),
    });
  }
  return { report, refusals };
}

/**
 * Keys of the chart output, on either side, of the HelmReleases whose chart the plan changes (a
 * chart version, or a version of the source their chart comes from). What a new chart renders
 * is the promoted version itself: its objects differ (the helm.sh/chart label of nearly every
 * chart, templates, objects added or dropped), and the source environment already runs it. The
 * HelmRelease object itself is still checked field by field.
 */
function rechartedOutput(plan: PromotionPlan, before: Cluster | undefined, after: Cluster): Set<string> {
  const changed = new Set(plan.apps.flatMap((a) => a.changes).map((c) => c.objectKey));
  const keyOf = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;
  const changedObjects = new Set<string>();
  for (const r of after.kustomizations.flatMap((k) => k.resources)) {
    if (!changed.has(objectKey(r.object))) continue;
    const md = r.object.metadata as { namespace?: unknown; name?: unknown } | undefined;
    changedObjects.add(keyOf(String(r.object.kind), String(md?.namespace ?? ""), String(md?.name ?? "")));
  }
  const releases = new Set<string>();
  for (const h of after.helmReleases) {
    const source = h.chartSource;
    if (
      changedObjects.has(keyOf("HelmRelease", h.namespace, h.name)) ||
      (source && changedObjects.has(keyOf(source.kind, source.namespace, source.name)))
    )
      releases.add(`${h.namespace}/${h.name}`);
  }
  const out = new Set<string>();
  for (const c of [before, after]) {
    for (const h of c?.helmReleases ?? []) {
      if (!releases.has(`${h.namespace}/${h.name}`)) continue;
      for (const r of h.resources ?? []) out.add(objectKey(r.object));
    }
  }
  return out;
}

function holds(c: VersionChange, value: unknown): boolean {
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return false;
  if (c.kind !== "image") return String(value) === c.to;
  const at = String(value).indexOf("@");
  const base = at >= 0 ? String(value).slice(0, at) : String(value);
  const digest = at >= 0 ? String(value).slice(at + 1) : "";
  const colon = base.lastIndexOf(":");
  const tag = colon > base.lastIndexOf("/") ? base.slice(colon + 1) : "";
  return `${tag || "(no tag)"}${digest ? `@${digest}` : ""}` === c.to;
}

/** The diff prints list items by merge key (`containers[name=x]`) as the plan does. */
function sameField(c: VersionChange, diffPath: string): boolean {
  const mine = formatFieldPath(c.path);
  return diffPath === mine || mine.startsWith(`${diffPath}.`) || diffPath.startsWith(`${mine}.`);
}

function sameResources(a: Cluster["kustomizations"][number]["resources"], b: typeof a): boolean {
  if (a.length !== b.length) return false;
  return a.every((r, i) => deepEqual(r.object, b[i]!.object));
}
