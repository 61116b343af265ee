/**
 * What a run found and what it could not render, for every command to show: the clusters
 * (how each was found, how many Flux Kustomizations rendered, failed, were suspended or have
 * an external source), each Kustomization that was not rendered, or only without its remote
 * resources, and why, and what discovery
 * looked at and did not use. Commands print it on stderr and add it to their JSON.
 */
import type { DiscoverySummary } from "./discovery-types.js";
import { isPartlyRendered, leftOut, type Platform, type PlatformError } from "./model.js";

export type { DiscoverySummary } from "./discovery-types.js";

export function summarizeDiscovery(p: Platform): DiscoverySummary {
  const out: DiscoverySummary = { clusters: [], notRendered: [], notes: p.discovery?.notes ?? [] };
  for (const c of p.clusters) {
    const counts: DiscoverySummary["clusters"][number]["kustomizations"] = {
      total: 0,
      rendered: 0,
      failed: 0,
      suspended: 0,
      external: 0,
    };
    for (const k of c.kustomizations) {
      counts.total++;
      counts[k.status]++;
      if (isPartlyRendered(k)) {
        counts.partial = (counts.partial ?? 0) + 1;
        const omitted = leftOut(k);
        out.notRendered.push({
          cluster: c.name,
          kustomization: k.id,
          status: "partial",
          reason: `${errorText(omitted[0]!)}${omitted.length > 1 ? ` (and ${omitted.length - 1} more left out)` : ""}`,
          ...(k.definedAt ? { file: k.definedAt.file, line: k.definedAt.line } : {}),
        });
      }
      if (k.status === "failed" || k.status === "external") {
        const e = k.errors[0];
        out.notRendered.push({
          cluster: c.name,
          kustomization: k.id,
          status: k.status,
          reason:
            k.status === "failed" ? (e ? errorText(e) : "failed") : (k.warnings[0] ?? "external source"),
          ...(k.definedAt ? { file: k.definedAt.file, line: k.definedAt.line } : {}),
        });
      }
    }
    out.clusters.push({
      name: c.name,
      path: c.path,
      mode: c.mode,
      discoveredBy: c.discoveredBy,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.origin ? { origin: c.origin } : {}),
      kustomizations: counts,
    });
  }
  return out;
}

function errorText(e: PlatformError): string {
  const where = e.file ? `${e.file}${e.line ? `:${e.line}` : ""}: ` : "";
  return `${where}${e.message}`;
}
