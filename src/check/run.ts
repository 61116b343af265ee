/**
 * One `slipway check` run of a repository, up to the reports: load the platform (with SOPS
 * decryption), mask it, run the rules — or, when the persistent render cache holds a run with
 * the same inputs whose chart answers still hold, take that run's outcome (result-cache.ts).
 */
import * as path from "node:path";
import type { RenderCache } from "../cache/store.js";
import { DiskFileSystem } from "../fs/filesystem.js";
import { CoveredFileSystem, digestTrees, SnapshotFileSystem, type TreeDigest } from "../fs/tree-digest.js";
import { chartTraceHolds, TracingChartProvider } from "../helmrelease/chart-trace.js";
import { type ChartProvider, defaultChartProvider } from "../helmrelease/charts.js";
import { loadPlatformWithSecrets, maskedPlatform } from "../platform/decrypt.js";
import { summarizeDiscovery } from "../platform/discovery-summary.js";
import type { PlatformProgress } from "../platform/load.js";
import { newRunMasker } from "../platform/masking.js";
import { runCheck } from "./engine.js";
import {
  type CheckRunInputs,
  type CheckRunOutcome,
  checkRunKey,
  identitiesDigest,
  readCheckRun,
  writeCheckRun,
} from "./result-cache.js";
import type { Rule } from "./types.js";

export interface CheckRepositoryOptions {
  clusters?: readonly string[];
  allowedPaths?: readonly string[];
  /** age identities to decrypt with (resolved by the caller: `--age-key-file` or sops's places). */
  identities: readonly string[];
  strict?: boolean;
  rules: readonly Rule[];
  /** Default: the chart cache (defaultChartProvider). */
  charts?: ChartProvider;
  /** The persistent render cache, or undefined when it is off (`--no-cache`). */
  renderCache?: RenderCache;
  onProgress?: (event: PlatformProgress) => void;
}

/**
 * How the run's outcome was found: `hit` from the cache; `stored` computed and written; `kept`
 * computed and not written (`why`); `off` computed without a cache.
 */
export type CacheUse = { use: "hit" | "stored" | "off" } | { use: "kept"; why: string };

export type CheckRepositoryResult =
  | { kind: "unknown-clusters"; messages: string[] }
  | ({ kind: "checked"; cache: CacheUse } & CheckRunOutcome);

export async function checkRepository(
  repo: string,
  opts: CheckRepositoryOptions,
): Promise<CheckRepositoryResult> {
  const charts = opts.charts ?? defaultChartProvider();
  const cache = opts.renderCache;
  if (!cache) {
    const run = await computeRun(repo, opts, charts);
    return run.kind === "checked" ? { ...run, cache: { use: "off" } } : run;
  }

  const root = toPosixAbsolute(repo);
  const allowed = (opts.allowedPaths ?? []).map(toPosixAbsolute);
  const roots = [root, ...allowed];
  const tree = digestTrees(roots);
  const inputs: CheckRunInputs = {
    root,
    allowed,
    clusters: [...(opts.clusters ?? [])],
    strict: opts.strict ?? false,
    rules: opts.rules.map((r) => r.id),
    identities: identitiesDigest(opts.identities),
    tree: tree.digest,
  };
  const key = checkRunKey(cache, inputs);
  if (tree.leavesRoots === undefined) {
    const entry = readCheckRun(cache, key);
    if (entry && chartTraceHolds(charts, entry.charts))
      return { kind: "checked", ...entry.outcome, cache: { use: "hit" } };
  }

  const tracing = new TracingChartProvider(charts);
  const covered = new CoveredFileSystem(
    new SnapshotFileSystem(new DiskFileSystem(), tree.contents, tree.listings),
    roots,
  );
  const run = await computeRun(repo, opts, tracing, covered, tree);
  if (run.kind !== "checked") return run;
  const why =
    tree.leavesRoots !== undefined
      ? `symbolic link ${tree.leavesRoots} leads outside the repository`
      : covered.uncovered !== undefined
        ? `the run read ${covered.uncovered}, which the cache key does not cover`
        : // A file changed while the run read it: the outcome is of no one state of the tree.
          digestTrees(roots).digest !== tree.digest
          ? "the repository changed during the run"
          : undefined;
  if (why !== undefined) return { ...run, cache: { use: "kept", why } };
  writeCheckRun(cache, key, { charts: tracing.trace(), outcome: outcomeOf(run) });
  return { ...run, cache: { use: "stored" } };
}

function outcomeOf(run: CheckRunOutcome): CheckRunOutcome {
  return {
    discovery: run.discovery,
    clusterNames: run.clusterNames,
    ...(run.result ? { result: run.result } : {}),
  };
}

async function computeRun(
  repo: string,
  opts: CheckRepositoryOptions,
  charts: ChartProvider,
  fs?: CoveredFileSystem,
  tree?: TreeDigest,
): Promise<{ kind: "unknown-clusters"; messages: string[] } | ({ kind: "checked" } & CheckRunOutcome)> {
  const loaded = await loadPlatformWithSecrets(repo, {
    clusters: opts.clusters ? [...opts.clusters] : undefined,
    allowedPaths: opts.allowedPaths ? [...opts.allowedPaths] : undefined,
    identities: opts.identities,
    onProgress: opts.onProgress,
    charts,
    ...(fs ? { fs } : {}),
    ...(opts.renderCache ? { renderCache: opts.renderCache } : { renderCache: false }),
  });
  // Rules and reporters see the masked model only: no finding can quote a secret value.
  const platform = maskedPlatform(loaded.platform, newRunMasker());
  const unknown = (opts.clusters ?? []).filter((n) => !platform.clusters.some((c) => c.name === n));
  if (unknown.length > 0) {
    return {
      kind: "unknown-clusters",
      messages: platform.errors.filter((e) => e.message.startsWith("no cluster named")).map((e) => e.message),
    };
  }
  const discovery = summarizeDiscovery(platform);
  const clusterNames = platform.clusters.map((c) => c.name);
  // Nothing to check is no success; errors that explain it (an invalid slipway.yaml) are findings.
  if (platform.clusters.length === 0 && platform.errors.length === 0)
    return { kind: "checked", discovery, clusterNames };
  const contents = tree?.contents;
  const result = runCheck(platform, {
    rules: opts.rules,
    strict: opts.strict ?? false,
    renderCache: opts.renderCache ?? false,
    // Source lines from the bytes the run rendered (the digest's snapshot), else the disk.
    ...(contents ? { readSource: snapshotReader(contents) } : {}),
  });
  return { kind: "checked", discovery, clusterNames, result };
}

function snapshotReader(contents: ReadonlyMap<string, Buffer>): (file: string) => string | undefined {
  const disk = new DiskFileSystem();
  return (file) => {
    const bytes = contents.get(file);
    if (bytes) return bytes.toString("utf8");
    try {
      return disk.readFile(file).toString("utf8");
    } catch {
      return undefined;
    }
  };
}

function toPosixAbsolute(p: string): string {
  return path.resolve(p).split(path.sep).join("/");
}
