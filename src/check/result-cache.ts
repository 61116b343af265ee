/**
 * A whole `slipway check` run in the persistent render cache (src/cache, issue 16): a second run
 * on an unchanged repository serves its outcome — findings, summary, configuration warnings,
 * the discovery summary and the cluster names, everything the reports and the exit code are
 * made of — without loading the platform.
 *
 * The entry's name is the digest of every input of the run (see `CheckRunInputs`); the chart
 * answers the run got are stored in the entry and asked again before it is trusted
 * (src/helmrelease/chart-trace.ts). What the run is not keyed by, it must not read: the caller
 * does not store a run that read below `.git` or `node_modules`, or that could follow a link
 * out of the repository (src/fs/tree-digest.ts).
 *
 * Secrets: the outcome is computed from the masked model (src/platform/masking.ts), so no
 * finding or message quotes a decrypted value — the same text `check` prints in CI. The entry
 * is sealed (AES-256-GCM, src/cache/store.ts) with a key derived from the inputs, the digest of
 * the age identities among them: without the repository and the keys it does not open.
 *
 * Not keyed by the local time zone: nothing a check computes reads it (charts render Go's
 * `time.Local` as UTC, no release being given a `localZone`: src/helm/funcs/types.ts), and
 * resolving it (ICU's DateTimeFormat set-up) cost every fresh process ~11 ms of CPU.
 * test/check/result-cache-env.test.ts fails when a read of the local zone appears in src/.
 */
import { createHash } from "node:crypto";
import type { CacheKey, RenderCache } from "../cache/store.js";
import type { ChartTraceEntry } from "../helmrelease/chart-trace.js";
import type { DiscoverySummary } from "../platform/discovery-types.js";
import type { CheckResult } from "./engine.js";

export const CHECK_RESULT_UNIT = "check-result";

/** Everything a check run's outcome is a function of (with the running code, which the cache adds). */
export interface CheckRunInputs {
  /** Absolute POSIX repository root, and the `--allow-path` directories. */
  root: string;
  allowed: readonly string[];
  /** `--cluster` names as given (order kept), `--strict`, the rules that run (ids). */
  clusters: readonly string[];
  strict: boolean;
  rules: readonly string[];
  /** sha256 of the age identities (never the identities). */
  identities: string;
  /** digestTrees over [root, ...allowed]. */
  tree: string;
  /** The checkout's remotes and branch (platform/checkout.ts), as JSON. */
  checkout: string;
}

/** What a check run produced, as the command reports it. */
export interface CheckRunOutcome {
  discovery: DiscoverySummary;
  /** The rendered clusters' names, in order (junit has a suite for each). */
  clusterNames: string[];
  /** Undefined: nothing to check (no cluster found, no error explaining it). */
  result?: CheckResult;
}

export interface CachedCheckRun {
  charts: ChartTraceEntry[];
  outcome: CheckRunOutcome;
}

export function identitiesDigest(identities: readonly string[]): string {
  const h = createHash("sha256").update("slipway age identities\0");
  for (const id of identities) h.update(`${id}\0`);
  return h.digest("hex");
}

export function checkRunKey(cache: RenderCache, inputs: CheckRunInputs): CacheKey {
  const text = JSON.stringify([
    inputs.root,
    inputs.allowed,
    inputs.clusters,
    inputs.strict,
    inputs.rules,
    inputs.identities,
    inputs.tree,
    inputs.checkout,
  ]);
  return cache.key(CHECK_RESULT_UNIT, text);
}

export function writeCheckRun(cache: RenderCache, key: CacheKey, run: CachedCheckRun): void {
  cache.put(key, run);
}

/** The entry under `key`, if there is one of the expected shape. */
export function readCheckRun(cache: RenderCache, key: CacheKey): CachedCheckRun | undefined {
  const body = cache.get(key) as Partial<CachedCheckRun> | undefined;
  if (!isRecord(body) || !Array.isArray(body.charts) || !isRecord(body.outcome)) return undefined;
  if (!body.charts.every(isTraceEntry)) return undefined;
  const o = body.outcome as Partial<CheckRunOutcome>;
  if (!isRecord(o.discovery) || !Array.isArray(o.clusterNames) || !o.clusterNames.every(isString))
    return undefined;
  if (o.result !== undefined && !isResult(o.result)) return undefined;
  return body as CachedCheckRun;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isString(v: unknown): v is string {
  return typeof v === "string";
}

function isTraceEntry(v: unknown): v is ChartTraceEntry {
  return (
    Array.isArray(v) &&
    v.length === 3 &&
    (v[0] === "locate" || v[0] === "load") &&
    isString(v[1]) &&
    isString(v[2])
  );
}

function isResult(v: unknown): v is CheckResult {
  if (!isRecord(v) || !Array.isArray(v.findings) || !isRecord(v.summary)) return false;
  if (!Array.isArray(v.configWarnings) || !v.configWarnings.every(isString)) return false;
  return v.findings.every(
    (f) => isRecord(f) && isString(f.rule) && isString(f.severity) && isString(f.message),
  );
}
