/**
 * The diff report: what `--format json` prints, and what the text and markdown reporters
 * read. Revision diffs and environment comparisons share it: in an environment comparison
 * `base` is environment A and `head` environment B, and there is one "cluster" entry, `A..B`.
 */
import type { YamlValue } from "../kustomize/types.js";
import type { DiscoverySummary } from "../platform/discovery-types.js";
import type { FieldChange } from "./fields.js";

export type Change = "added" | "removed" | "changed";

export type DangerKind =
  | "immutable-field"
  | "storage-shrink"
  | "service-type"
  | "prune-removes"
  | "suspend-flip"
  | "namespace-removed"
  | "crd-removed";

export interface Danger {
  kind: DangerKind;
  message: string;
  /** `Kind namespace/name` of the object it is about. */
  object?: string;
  path?: string;
}

export interface ObjectDiff {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  change: Change;
  /** Where the head (or, when removed, the base) object is defined. */
  source?: { file: string; line: number };
  /** Field changes (for `changed`). */
  fields: FieldChange[];
  /** The whole object, secrets masked (for `added` / `removed`). */
  object?: YamlValue;
  dangers: Danger[];
}

export interface KustomizationDiff {
  cluster: string;
  /** `namespace/name` of the Flux Kustomization. */
  id: string;
  change: Change;
  /** Repository-relative directory built at head (else base). */
  path?: string;
  baseStatus?: string;
  headStatus?: string;
  /** Render errors at head (messages; secrets never appear in them). */
  errors: string[];
  counts: { added: number; removed: number; changed: number };
  objects: ObjectDiff[];
  /** Dangers of its objects plus those of the Kustomization as a whole (prune). */
  dangers: Danger[];
}

export interface ClusterDiff {
  cluster: string;
  change: Change;
  kustomizations: KustomizationDiff[];
}

/** A Flux Kustomization suspended at both sides (see DiffReport.suspended). */
export interface SuspendedKustomization {
  cluster: string;
  /** `namespace/name`. */
  id: string;
  /** Its `spec.path`, as written. */
  path?: string;
}

/** A Flux Kustomization whose objects were not compared (see coverage.ts). */
export interface NotCompared {
  cluster: string;
  /** `namespace/name` of the Flux Kustomization, or `HelmRelease namespace/name`. */
  id: string;
  /**
   * `failed`: it fails to render at either side; `external`: its source is not this repository;
   * `partial`: rendered (and compared) without what `errors` says it leaves out (a remote resource);
   * `chart-not-rendered`: a HelmRelease that changed, whose chart was not rendered at a side (not
   * in the chart cache, say), so what the change does to the chart's objects is unknown.
   */
  reason: "failed" | "external" | "chart-not-rendered" | "partial";
  baseStatus?: string;
  headStatus?: string;
  /** `partial`: what it leaves out differs between the sides (the cluster differs; the diff cannot show how). */
  leftOutChanged?: true;
  /** Render errors (failed), why it was not rendered (external) or what it leaves out (partial), secrets scrubbed. */
  errors: string[];
}

export interface DiffReport {
  mode: "revision" | "environment";
  base: string;
  head: string;
  /** Revision diffs: only Flux Kustomizations whose inputs changed were rendered. */
  changedOnly: boolean;
  clusters: ClusterDiff[];
  summary: {
    kustomizations: number;
    added: number;
    removed: number;
    changed: number;
    dangers: number;
  };
  /**
   * Problems that kept part of the platform from rendering (either side): platform errors and,
   * unless `acceptFailed`, one line per Flux Kustomization that failed. Non-empty: exit code 2.
   */
  errors: string[];
  /** Flux Kustomizations whose objects were not compared, failed or external (always listed). */
  notCompared: NotCompared[];
  /**
   * Flux Kustomizations suspended at every side that has them: Flux applies nothing of them until
   * they are resumed, so Slipway does not render them and their objects are not compared. Listed
   * in every format, so that a change to one is never a quiet "no differences"; not an error.
   */
  suspended: SuspendedKustomization[];
  /** The user accepted render failures (`--accept-failed`): listed, but not errors. */
  acceptFailed: boolean;
  /** Revision diffs: what each revision's discovery found (platform/discovery-summary.ts). */
  discovery?: { base: DiscoverySummary; head: DiscoverySummary };
}

/** Objects differ, or what a partly rendered Kustomization leaves out does (a remote ref bumped). */
export function hasDifferences(r: DiffReport): boolean {
  return r.clusters.length > 0 || r.notCompared.some((n) => n.leftOutChanged === true);
}

/** Like `flux diff`: 2 when something could not be compared, else 1 for differences, else 0. */
export function diffExitCode(r: DiffReport): number {
  if (r.errors.length > 0) return 2;
  return hasDifferences(r) ? 1 : 0;
}

export function summarize(clusters: ClusterDiff[]): DiffReport["summary"] {
  const s = { kustomizations: 0, added: 0, removed: 0, changed: 0, dangers: 0 };
  for (const c of clusters) {
    for (const k of c.kustomizations) {
      s.kustomizations++;
      s.added += k.counts.added;
      s.removed += k.counts.removed;
      s.changed += k.counts.changed;
      s.dangers += k.dangers.length;
    }
  }
  return s;
}
