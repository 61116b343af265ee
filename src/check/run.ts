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
import { type Checkout, readCheckout } from "../platform/checkout.js";
import type { PlatformProgress } from "../platform/load.js";
import type { ComputedRun } from "./compute-run.js";
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
  /**
   * The rules, or their ids and how to load them: a run whose result is cached needs the ids
   * alone, and loads no rule module (the CLI's start stays small, src/check/rules/ids.ts).
   */
  rules: readonly Rule[] | LazyRules;
  /** Default: the chart cache (defaultChartProvider). */
  charts?: ChartProvider;
  /** The persistent render cache, or undefined when it is off (`--no-cache`). */
  renderCache?: RenderCache;
  onProgress?: (event: PlatformProgress) => void;
  /** The checkout's remotes and branch (platform/checkout.ts); default: read from `<repo>/.git`. */
  checkout?: Checkout;
}

export interface LazyRules {
  ids: readonly string[];
  load(): Promise<readonly Rule[]>;
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
  // `.git` is not in the digest; the remotes and branch it names decide which sources are local.
  const checkout = opts.checkout ?? readCheckout(root);
  opts = { ...opts, checkout };
  const inputs: CheckRunInputs = {
    root,
    allowed,
    clusters: [...(opts.clusters ?? [])],
    strict: opts.strict ?? false,
    rules: "ids" in opts.rules ? [...opts.rules.ids] : opts.rules.map((r) => r.id),
    identities: identitiesDigest(opts.identities),
    tree: tree.digest,
    checkout: JSON.stringify(checkout),
  };
  const key = checkRunKey(cache, inputs);
  if (tree.leavesRoots === undefined) {
    const entry = readCheckRun(cache, key);
    if (entry && chartTraceHolds(charts, entry.charts))
      return { kind: "checked", ...entry.outcome, cache: { use: "hit" } };
  }

  // A run to compute: its render workers start loading now, from the files just digested, while
  // this process loads the run's modules and scans (the loader's chunk, imported here first).
  (await import("../platform/helmreleases.js")).foundHelmReleasesInFiles(cache, tree.contents);
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

/**
 * The run itself, loaded only when no cached result answers: platform loading, rendering and the
 * rules are most of the CLI's code (compute-run.ts).
 */
async function computeRun(
  repo: string,
  opts: CheckRepositoryOptions,
  charts: ChartProvider,
  fs?: CoveredFileSystem,
  tree?: TreeDigest,
): Promise<ComputedRun> {
  const [{ computeRun: compute }, rules] = await Promise.all([
    import("./compute-run.js"),
    "ids" in opts.rules ? opts.rules.load() : opts.rules,
  ]);
  return compute(repo, { ...opts, rules }, charts, fs, tree);
}

function outcomeOf(run: CheckRunOutcome): CheckRunOutcome {
  return {
    discovery: run.discovery,
    clusterNames: run.clusterNames,
    ...(run.result ? { result: run.result } : {}),
  };
}

function toPosixAbsolute(p: string): string {
  return path.resolve(p).split(path.sep).join("/");
}
