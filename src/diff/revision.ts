/**
 * `slipway diff --base REV [--head REV]`: the platform rendered at two revisions (the base
 * from Git objects, the head from Git objects or the working tree), compared per cluster and
 * Flux Kustomization.
 */

import { realpathSync } from "node:fs";
import * as path from "node:path";
import { DiskFileSystem, type FileSystem } from "../fs/filesystem.js";
import { changedPaths, GitFileSystem } from "../fs/git.js";
import { readCheckout } from "../platform/checkout.js";
import { summarizeDiscovery } from "../platform/discovery-summary.js";
import {
  type Cluster,
  type DecryptionHooks,
  type FluxKustomization,
  isPartlyRendered,
  type LoadPlatformOptions,
  leftOut,
  loadPlatform,
  type Platform,
  type PlatformError,
} from "../platform/index.js";
import { loadChangedOnly } from "./changed.js";
import { addPruneDangers, diffKustomization, type KustomizationSide } from "./compare.js";
import {
  failureLines,
  notCompared,
  releasesNotCompared,
  sealedVariables,
  suspendedAtBothSides,
} from "./coverage.js";
import { maskForDiff, newMasker, type SecretMasker } from "./mask.js";
import {
  type ClusterDiff,
  type DiffReport,
  type NotCompared,
  type SuspendedKustomization,
  summarize,
} from "./model.js";
import { withoutSharedRenders } from "./shared-renders.js";

export interface RevisionDiffOptions {
  /** Repository directory (the platform root; may be below the Git top level). */
  repo: string;
  base: string;
  /** Undefined: the working tree. */
  head?: string;
  changedOnly: boolean;
  clusters?: string[];
  masker?: SecretMasker;
  decrypt?: DecryptionHooks;
  /** Directories outside the repository that slipway.yaml may name (`--allow-path`). */
  allowedPaths?: string[];
  /** Render failures are listed but do not make the exit code 2. */
  acceptFailed?: boolean;
  /** Where HelmRelease charts come from (default: the chart cache; false: HelmReleases are not rendered). */
  charts?: LoadPlatformOptions["charts"];
  /** The render cache both revisions use (default: the one under the chart cache's directory). */
  renderCache?: LoadPlatformOptions["renderCache"];
  /**
   * The revisions already opened (the CLI opens them to find SOPS files): the base at `base`,
   * the head at `head` (a DiskFileSystem for the working tree). Default: opened here.
   */
  opened?: { base: GitFileSystem; head: FileSystem };
}

export interface RevisionDiffResult {
  report: DiffReport;
  base: Platform;
  head: Platform;
  /** Changed-only: Flux Kustomizations of the base that took the head's result instead of being built. */
  reused: number;
}

export function diffRevisions(opts: RevisionDiffOptions): RevisionDiffResult {
  const root = toPosix(realpathSync(path.resolve(opts.repo)));
  const { base: baseFs, head: headFs } = opts.opened ?? openRevisions(root, opts.base, opts.head);
  const loadOpts = {
    // Both revisions are of this checkout: the same remotes tell its own GitRepositories.
    checkout: readCheckout(root),
    clusters: opts.clusters,
    decrypt: opts.decrypt,
    allowedPaths: opts.allowedPaths,
    ...(opts.charts !== undefined ? { charts: opts.charts } : {}),
    ...(opts.renderCache !== undefined ? { renderCache: opts.renderCache } : {}),
  };
  let base: Platform;
  let head: Platform;
  let reused = 0;
  if (opts.changedOnly) {
    const changed = changedFiles(root, baseFs, headFs, opts);
    const r = loadChangedOnly(root, baseFs, headFs, changed, loadOpts);
    base = r.base;
    head = r.head;
    reused = r.reused;
  } else {
    base = loadPlatform(root, { ...loadOpts, fs: baseFs });
    head = loadPlatform(root, { ...loadOpts, fs: headFs });
  }
  const report = comparePlatforms(base, head, {
    masker: opts.masker ?? newMasker(),
    base: opts.base,
    head: opts.head ?? "working tree",
    changedOnly: opts.changedOnly,
    acceptFailed: opts.acceptFailed ?? false,
  });
  return { report, base, head, reused };
}

/** The two revisions as file systems (the head: the working tree when not given). */
export function openRevisions(
  root: string,
  base: string,
  head: string | undefined,
): { base: GitFileSystem; head: FileSystem } {
  if (head === undefined) return { base: GitFileSystem.open(root, base), head: new DiskFileSystem() };
  const [b, h] = GitFileSystem.openBoth(root, base, head);
  return { base: b, head: h };
}

function changedFiles(
  root: string,
  baseFs: GitFileSystem,
  headFs: FileSystem,
  opts: RevisionDiffOptions,
): Set<string> {
  if (headFs instanceof GitFileSystem) {
    const out = new Set<string>();
    for (const [p, oid] of baseFs.blobs) if (headFs.blobs.get(p) !== oid) out.add(p);
    for (const p of headFs.blobs.keys()) if (!baseFs.blobs.has(p)) out.add(p);
    return out;
  }
  return new Set(changedPaths(root, opts.base).map((p) => path.posix.join(baseFs.toplevel, p)));
}

export interface CompareMeta {
  masker: SecretMasker;
  base: string;
  head: string;
  changedOnly: boolean;
  /** Failed Kustomizations are listed but are not errors (default false). */
  acceptFailed?: boolean;
}

/** Compares two renders of the same repository, cluster by cluster. */
export function comparePlatforms(plainBase: Platform, plainHead: Platform, meta: CompareMeta): DiffReport {
  // Changed-only: releases whose render is the same at both revisions are not read at all.
  const plain = meta.changedOnly
    ? withoutSharedRenders(plainBase, plainHead)
    : { base: plainBase, head: plainHead };
  // Both sides masked with one masker: an unchanged secret is no difference, a changed one two markers.
  const base = maskForDiff(plain.base, meta.masker);
  const head = maskForDiff(plain.head, meta.masker);
  const clusters: ClusterDiff[] = [];
  const skipped: NotCompared[] = [];
  const suspended: SuspendedKustomization[] = [];
  const names = [...head.clusters.map((c) => c.name)];
  for (const c of base.clusters) if (!names.includes(c.name)) names.push(c.name);
  for (const name of names) {
    const b = base.clusters.find((c) => c.name === name);
    const h = head.clusters.find((c) => c.name === name);
    const compared = compareClusters(b, h, meta.masker);
    if (compared.diff) clusters.push(compared.diff);
    skipped.push(...compared.notCompared);
    suspended.push(...compared.suspended);
  }
  const errors = platformErrors(base, head);
  if (base.clusters.length === 0 && head.clusters.length === 0) {
    errors.push("no cluster found at either revision: nothing was compared");
  }
  const acceptFailed = meta.acceptFailed ?? false;
  if (!acceptFailed) errors.push(...failureLines(skipped));
  const report: DiffReport = {
    mode: "revision",
    base: meta.base,
    head: meta.head,
    changedOnly: meta.changedOnly,
    clusters,
    summary: summarize(clusters),
    errors,
    notCompared: skipped,
    suspended,
    acceptFailed,
    discovery: {
      base: summarizeDiscovery(base),
      head: summarizeDiscovery(head),
    },
  };
  return report;
}

function compareClusters(
  b: Cluster | undefined,
  h: Cluster | undefined,
  masker: SecretMasker,
): { diff?: ClusterDiff; notCompared: NotCompared[]; suspended: SuspendedKustomization[] } {
  const cluster = (h ?? b)!.name;
  const sides = new Map<string, { base?: KustomizationSide; head?: KustomizationSide }>();
  for (const k of b?.kustomizations ?? []) sides.set(k.id, { base: sideOf(k, b) });
  for (const k of h?.kustomizations ?? []) {
    const s = sides.get(k.id) ?? {};
    s.head = sideOf(k, h);
    sides.set(k.id, s);
  }
  const out: ClusterDiff = { cluster, change: !b ? "added" : !h ? "removed" : "changed", kustomizations: [] };
  const sealed = sealedVariables(sides);
  for (const id of [...sides.keys()].sort()) {
    const s = sides.get(id)!;
    const d = diffKustomization(s.base, s.head, { masker, ciphertextSubstituted: sealed.has(id) });
    if (d) out.kustomizations.push(d);
  }
  addPruneDangers(out, sides);
  return {
    ...(out.kustomizations.length > 0 ? { diff: out } : {}),
    notCompared: [...notCompared(cluster, sides, sealed), ...releasesNotCompared(cluster, b, h)],
    suspended: suspendedAtBothSides(cluster, sides),
  };
}

/**
 * One Flux Kustomization's side of a comparison: its objects and, given its cluster, what the
 * charts of the HelmReleases it applies render (a chart bump or a values change shows there).
 */
export function sideOf(k: FluxKustomization, cluster?: Cluster): KustomizationSide {
  const side: KustomizationSide = {
    cluster: k.cluster,
    id: k.id,
    status: k.status,
    object: k.object,
    errors: k.errors.map(formatError),
    ...(isPartlyRendered(k) ? { leftOut: leftOut(k).map(formatError) } : {}),
    warnings: k.status === "external" ? [...k.warnings] : [],
    objects: [
      ...k.resources,
      ...(cluster?.helmReleases ?? [])
        .filter((h) => h.kustomization === k.id)
        .flatMap((h) => h.resources ?? []),
    ].map((r) => (r.source ? { object: r.object, source: r.source } : { object: r.object })),
  };
  if (k.dir !== undefined) side.path = k.dir;
  if (k.sealedSubstitutions) side.sealed = k.sealedSubstitutions.map((s) => s.secret);
  return side;
}

/** Platform and cluster errors of either revision (each once), the base's marked as such. */
function platformErrors(base: Platform, head: Platform): string[] {
  const text = (p: Platform) =>
    [
      ...p.errors,
      ...p.clusters.flatMap((c) => [...c.errors, ...c.helmReleases.flatMap((h) => h.errors ?? [])]),
    ].map(formatError);
  const atHead = text(head);
  const seen = new Set(atHead);
  return [
    ...new Set(atHead),
    ...[...new Set(text(base))].filter((e) => !seen.has(e)).map((e) => `at the base: ${e}`),
  ];
}

export function formatError(e: PlatformError): string {
  const where = e.file ? `${e.file}${e.line ? `:${e.line}` : ""}: ` : "";
  return `${where}${e.message}`;
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}
