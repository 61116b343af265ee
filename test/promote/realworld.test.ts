/**
 * Tracing on repositories written by other people: for images each cluster of each
 * ../shared/realworld repository runs, `images set` (promote's tracing and edits) plans a
 * new tag for that one cluster. Every plan must either be refused with a reason, or — applied
 * in memory and re-rendered — give exactly that cluster the new tag and change nothing else
 * (verifyPromotion). A wrong edit never passes silently.
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { objectKey } from "../../src/diff/index.js";
import { DiskFileSystem } from "../../src/fs/filesystem.js";
import { OverlayFileSystem } from "../../src/fs/overlay.js";
import { planImageSet } from "../../src/images/set.js";
import type { Platform } from "../../src/platform/index.js";
import { loadPlatform } from "../../src/platform/index.js";
import { applyEdits } from "../../src/promote/apply.js";
import type { Edit, PromotionPlan } from "../../src/promote/model.js";
import { checkConflicts, checkShared, fileUsage, planChanges, targetFields } from "../../src/promote/plan.js";
import { SourceFiles } from "../../src/promote/sources.js";
import { verifyPromotion } from "../../src/promote/verify.js";
import { valueAt, versionFields } from "../../src/promote/versions.js";
import { hasShared, requires, sharedDir } from "../support/env.js";

const PER_CLUSTER = 3;

interface Stats {
  tried: number;
  verified: number;
  refused: Record<string, number>;
}

/**
 * The re-rendered result of a plan: refused by verification (counted), or — checked here
 * independently of verifyPromotion — every planned field holds its new value and every other
 * cluster renders exactly as before.
 */
function settle(
  plan: PromotionPlan,
  before: Platform,
  after: Platform,
  stats: Stats,
  where: string,
): boolean {
  const verdict = verifyPromotion({ plan, before, after });
  if (verdict.refusals.length > 0) {
    for (const r of verdict.refusals) {
      expect(r.message.length, where).toBeGreaterThan(10);
      stats.refused[r.code] = (stats.refused[r.code] ?? 0) + 1;
    }
    return false;
  }
  const target = after.clusters.find((c) => c.name === plan.to)!;
  for (const c of plan.apps.flatMap((a) => a.changes)) {
    const obj = target.kustomizations
      .flatMap((k) => k.resources)
      .find((r) => objectKey(r.object) === c.objectKey);
    const value = obj ? String(valueAt(obj.object, c.path)) : undefined;
    expect(
      c.kind === "image" ? value?.endsWith(`:${c.to}`) : value === c.to,
      `${where}: ${value} vs ${c.to}`,
    ).toBe(true);
  }
  for (const c of after.clusters) {
    if (c.name === plan.to) continue;
    const was = before.clusters.find((x) => x.name === c.name)!;
    expect(
      c.kustomizations.map((k) => k.resources.map((r) => r.object)),
      `${where}: ${c.name} changed`,
    ).toEqual(was.kustomizations.map((k) => k.resources.map((r) => r.object)));
  }
  return true;
}

describe.runIf(requires("shared"))("images set / promote tracing over ../shared/realworld", () => {
  const repos = hasShared
    ? readdirSync(path.join(sharedDir, "realworld"), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort()
    : [];

  it.each(repos)(
    "%s",
    (repo) => {
      const root = path.join(sharedDir, "realworld", repo);
      const fs = new DiskFileSystem();
      const before = loadPlatform(root, { fs });
      const files = new SourceFiles(fs, before.root);
      const stats: Stats = { tried: 0, verified: 0, refused: {} };
      for (const cluster of before.clusters) {
        const names = new Set<string>();
        for (const k of cluster.kustomizations) {
          for (const f of versionFields(k.resources, { normalize: (s) => s })) {
            if (f.kind === "image" && f.image && !f.image.name.includes("${")) names.add(f.image.name);
          }
        }
        for (const name of [...names].sort().slice(0, PER_CLUSTER)) {
          stats.tried++;
          const plans = planImageSet(before, files, {
            image: `${name}:9.9.9-slipway`,
            clusters: [cluster.name],
          });
          const refusals = plans.flatMap((p) => p.refusals);
          if (refusals.length > 0) {
            for (const r of refusals) {
              expect(r.message.length, `${repo} ${cluster.name} ${name}`).toBeGreaterThan(10);
              stats.refused[r.code] = (stats.refused[r.code] ?? 0) + 1;
            }
            continue;
          }
          expect(plans.length, `${repo} ${cluster.name} ${name}: no plan`).toBe(1);
          const edits: Edit[] = plans.flatMap((p) =>
            p.apps.flatMap((a) => a.changes.flatMap((c) => c.edits)),
          );
          const byFile = new Map<string, Edit[]>();
          for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
          const overlay = new OverlayFileSystem(fs);
          for (const [file, es] of byFile)
            overlay.set(files.absolute(file), applyEdits(files.get(file)!.text, es, file));
          const after = loadPlatform(root, { fs: overlay });
          if (settle(plans[0]!, before, after, stats, `${repo} ${cluster.name} ${name}`)) stats.verified++;
        }
      }
      // Chart versions and source refs: one field at a time, through promote's planning.
      const usage = fileUsage(files, before);
      for (const cluster of before.clusters) {
        let picked = 0;
        for (const k of cluster.kustomizations) {
          if (k.status !== "rendered" || picked >= PER_CLUSTER) continue;
          const ctx = { sources: files, cluster, k };
          const fields = targetFields(ctx, k, (s) => s).filter(
            (f) => (f.kind === "chart" || f.kind === "source") && !f.range,
          );
          for (const field of fields.slice(0, PER_CLUSTER - picked)) {
            picked++;
            stats.tried++;
            const plan: PromotionPlan = {
              from: "test",
              to: cluster.name,
              apps: [],
              skipped: [],
              refusals: [],
              notes: [],
            };
            const changes = planChanges(
              ctx,
              fields,
              plan,
              k.name,
              (s) => s,
              (f) => (f === field ? `${String(f.value)}-slipway` : undefined),
            );
            if (changes.length > 0) plan.apps.push({ app: k.name, source: "", target: k.id, changes });
            checkConflicts(plan);
            checkShared(plan, files, usage, before, { changing: new Set([cluster.name]) });
            if (plan.refusals.length > 0) {
              for (const r of plan.refusals) stats.refused[r.code] = (stats.refused[r.code] ?? 0) + 1;
              continue;
            }
            const overlay = new OverlayFileSystem(fs);
            const byFile = new Map<string, Edit[]>();
            for (const e of changes.flatMap((c) => c.edits))
              byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
            for (const [file, es] of byFile)
              overlay.set(files.absolute(file), applyEdits(files.get(file)!.text, es, file));
            const after = loadPlatform(root, { fs: overlay });
            if (settle(plan, before, after, stats, `${repo} ${cluster.name} ${field.label}`))
              stats.verified++;
          }
        }
      }
      process.stderr.write(
        `[promote realworld] ${repo}: ${stats.tried} versions, ${stats.verified} edited and verified, refused ${JSON.stringify(stats.refused)}\n`,
      );
    },
    300_000,
  );
});
