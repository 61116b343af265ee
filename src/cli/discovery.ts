/**
 * The lines every command prints on stderr after loading a repository: which clusters were
 * found and how, what was not rendered and why, what discovery did not use; or, clearly,
 * that nothing was found.
 */
import type { DiscoverySummary } from "../platform/discovery-summary.js";

/** Notes beyond this many are counted, not listed (JSON lists them all). */
const MAX_NOTES = 10;

export const NOTHING_FOUND =
  "no cluster found: no Flux sync objects (a flux-system GitRepository and Kustomization), no FluxInstance, " +
  "no top-level Flux Kustomizations and no kustomize stack (a kustomization root under stacks/ or overlays/<env>); " +
  "declare clusters in slipway.yaml (see README)";

/** The loud line for a repository where nothing was found. */
export function nothingFoundLine(repo: string): string {
  return NOTHING_FOUND.replace("no cluster found", `no cluster found in ${repo}`);
}

/** The exit code of every command run on a repository where no cluster was found. */
export const NO_CLUSTER_EXIT = 2;

/**
 * For commands that need a cluster and print no discovery summary (discoveryLines already says
 * it for those that do): when `clusters` is empty, prints the loud line as `slipway COMMAND:`
 * and returns true, so the command returns NO_CLUSTER_EXIT. Nothing found is an error, never an
 * empty success: a CI step pointed at the wrong directory would otherwise pass.
 */
export function noClusterFound(command: string, repo: string, clusters: readonly unknown[]): boolean {
  if (clusters.length > 0) return false;
  process.stderr.write(`slipway ${command}: ${nothingFoundLine(repo)}\n`);
  return true;
}

/** `failed: false` leaves out failed Kustomizations (for commands that print their errors anyway). */
export function discoveryLines(s: DiscoverySummary, repo: string, opts: { failed?: boolean } = {}): string[] {
  if (s.clusters.length === 0) {
    const lines = [nothingFoundLine(repo)];
    for (const n of s.notes.slice(0, MAX_NOTES)) lines.push(`  ${where(n)}${n.message}`);
    return lines;
  }
  const lines = [`found ${s.clusters.length} cluster${s.clusters.length === 1 ? "" : "s"} in ${repo}:`];
  for (const c of s.clusters) {
    const k = c.kustomizations;
    const counts =
      c.mode === "kustomize"
        ? k.failed > 0
          ? "build failed"
          : "built"
        : [
            `${k.total} Flux Kustomization${k.total === 1 ? "" : "s"}`,
            `${k.rendered} rendered${k.partial ? ` (${k.partial} in part)` : ""}`,
            ...(k.failed ? [`${k.failed} failed`] : []),
            ...(k.external ? [`${k.external} external`] : []),
            ...(k.suspended ? [`${k.suspended} suspended`] : []),
          ].join(", ");
    lines.push(`  ${c.name} (${c.path}): ${counts}; from ${c.reason ?? c.discoveredBy}`);
  }
  for (const n of s.notRendered) {
    if (n.status !== "external" && opts.failed === false) continue;
    const what = n.status === "partial" ? "in part" : n.status;
    lines.push(`  not rendered (${what}): ${n.cluster} ${n.kustomization}: ${firstLine(n.reason)}`);
  }
  for (const n of s.notes.slice(0, MAX_NOTES)) lines.push(`  ${n.kind}: ${where(n)}${n.message}`);
  if (s.notes.length > MAX_NOTES)
    lines.push(`  … and ${s.notes.length - MAX_NOTES} more notes (--format json lists them)`);
  return lines;
}

function where(n: { file?: string; line?: number }): string {
  return n.file ? `${n.file}${n.line ? `:${n.line}` : ""}: ` : "";
}

function firstLine(s: string): string {
  const line = s.split("\n")[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
