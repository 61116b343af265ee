import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { OverlayFileSystem } from "../../src/fs/overlay.js";
import { loadPlatform, type Platform } from "../../src/platform/index.js";
import { applyPlan } from "../../src/promote/apply.js";
import type { PromotionPlan } from "../../src/promote/model.js";
import { type PromoteRequest, plan } from "../../src/promote/plan.js";
import { SourceFiles } from "../../src/promote/sources.js";
import { verifyPromotion } from "../../src/promote/verify.js";
import { fluxSync } from "../support/flux.js";

export const ROOT = "/repo";

/** Flux's sync objects for cluster `env` (clusters/<env>). */
export function sync(env: string): string {
  return fluxSync(`./clusters/${env}`, { branch: "main" });
}

export { fluxKs } from "../support/flux.js";

export function deployment(name: string, image: string, extra = ""): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: ${image}
${extra}`;
}

/** Two clusters, staging and production, each syncing clusters/<env> with `app.yaml` in it. */
export function twoEnvs(files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const env of ["staging", "production"]) {
    out[`clusters/${env}/flux-system/gotk-sync.yaml`] = sync(env);
    out[`clusters/${env}/kustomization.yaml`] = "resources:\n  - flux-system/gotk-sync.yaml\n  - app.yaml\n";
  }
  return { ...out, ...files };
}

export interface Promoted {
  plan: PromotionPlan;
  before: Platform;
  /** Edited files' new text (repository-relative). */
  texts: Map<string, string>;
  after?: Platform;
}

/** Plans (and, when there are no refusals, applies and verifies) a promotion on an in-memory tree. */
export function promote(files: Record<string, string>, request: Partial<PromoteRequest> = {}): Promoted {
  const fs = new MemoryFileSystem(
    Object.fromEntries(Object.entries(files).map(([p, t]) => [`${ROOT}/${p}`, t])),
  );
  const before = loadPlatform(ROOT, { fs });
  const sources = new SourceFiles(fs, ROOT);
  const p = plan({
    source: before,
    target: before,
    files: sources,
    request: { from: "staging", to: "production", ...request },
  });
  const result: Promoted = { plan: p, before, texts: new Map() };
  if (p.refusals.length > 0 || p.apps.length === 0) return result;
  result.texts = applyPlan(p, (f) => sources.get(f)!.text);
  const overlay = new OverlayFileSystem(fs);
  for (const [f, t] of result.texts) overlay.set(`${ROOT}/${f}`, t);
  result.after = loadPlatform(ROOT, { fs: overlay });
  p.refusals.push(...verifyPromotion({ plan: p, before, after: result.after }).refusals);
  return result;
}

/** Lines of `after` that differ from `before` (same line count expected), as `n: text`. */
export function changedLines(before: string, after: string): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    if (a[i] !== b[i]) out.push(`${i + 1}: ${b[i] ?? "<none>"}`);
  return out;
}
