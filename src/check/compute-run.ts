/**
 * A `slipway check` run computed (run.ts asks for it when no cached result answers): load the
 * platform (with SOPS decryption), mask it, run the rules.
 */
import type { RenderCache } from "../cache/store.js";
import { DiskFileSystem } from "../fs/filesystem.js";
import type { CoveredFileSystem, TreeDigest } from "../fs/tree-digest.js";
import { retireWorkers } from "../helm/pool/index.js";
import type { ChartProvider } from "../helmrelease/charts.js";
import { addIdleWork } from "../idle-work.js";
import type { KObject } from "../kustomize/types.js";
import type { Checkout } from "../platform/checkout.js";
import { loadPlatformWithSecrets, maskedPlatform } from "../platform/decrypt.js";
import { summarizeDiscovery } from "../platform/discovery-summary.js";
import type { PlatformProgress } from "../platform/load.js";
import { newRunMasker } from "../platform/masking.js";
import type { Cluster } from "../platform/model.js";
import { preloadObjectMetaValidator } from "../validate/schema/builtin.js";
import { preloadValidatorStep, preloadValidatorsOf } from "../validate/schema/preload.js";
import { runCheck } from "./engine.js";
import type { CheckRunOutcome } from "./result-cache.js";
import type { Rule } from "./types.js";

export interface ComputeRunOptions {
  clusters?: readonly string[];
  allowedPaths?: readonly string[];
  identities: readonly string[];
  strict?: boolean;
  rules: readonly Rule[];
  /** The checkout's remotes and branch (platform/checkout.ts); default: read by the load. */
  checkout?: Checkout;
  renderCache?: RenderCache;
  onProgress?: (event: PlatformProgress) => void;
}

export type ComputedRun =
  | { kind: "unknown-clusters"; messages: string[] }
  | ({ kind: "checked" } & CheckRunOutcome);

export async function computeRun(
  repo: string,
  opts: ComputeRunOptions,
  charts: ChartProvider,
  fs?: CoveredFileSystem,
  tree?: TreeDigest,
): Promise<ComputedRun> {
  // While the render pool's main thread renders beside a worker or waits for its last renders,
  // the schema rules' validator of custom resources' metadata loads (every Flux object is a
  // custom resource), then those of the kinds rendered so far.
  addIdleWork(preloadObjectMetaValidator);
  const rendering: Cluster[] = [];
  preloadValidatorsOf(() => renderedLists(rendering));
  addIdleWork(preloadValidatorStep);
  const onProgress = (event: PlatformProgress) => {
    if (event.type === "rendering") rendering.push(event.cluster);
    opts.onProgress?.(event);
  };
  let loaded: Awaited<ReturnType<typeof loadPlatformWithSecrets>>;
  try {
    loaded = await loadPlatformWithSecrets(repo, {
      clusters: opts.clusters ? [...opts.clusters] : undefined,
      allowedPaths: opts.allowedPaths ? [...opts.allowedPaths] : undefined,
      identities: opts.identities,
      ...(opts.checkout ? { checkout: opts.checkout } : {}),
      onProgress,
      charts,
      ...(fs ? { fs } : {}),
      ...(opts.renderCache ? { renderCache: opts.renderCache } : { renderCache: false }),
    });
  } finally {
    preloadValidatorsOf(undefined);
  }
  // Nothing renders after the load: render workers end now, beside the rules (helm/pool).
  retireWorkers();
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

/**
 * The objects of the clusters being rendered that the schema rules validate: their Flux
 * Kustomizations' (rules/schema.ts; not the objects of their HelmReleases' renders).
 */
function* renderedLists(clusters: readonly Cluster[]): Iterable<ReadonlyArray<{ object: KObject }>> {
  for (const c of clusters) for (const k of c.kustomizations) yield k.resources;
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
