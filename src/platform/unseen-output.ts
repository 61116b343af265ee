/**
 * What Slipway could not see of a cluster's output, and so cannot say is absent: objects that
 * Kustomizations it could not render (or rendered without their remote resources) may hold, and
 * the Kustomizations an unrendered HelmRelease's chart may make. A missing object that may be
 * there is a warning with this note, never an error.
 */
import type { MissingDependency } from "../graph/index.js";
import {
  type Cluster,
  type FluxKustomization,
  isPartlyRendered,
  outputUnknown,
  type Platform,
} from "./model.js";

/**
 * Kustomizations whose output Slipway does not fully know: not rendered, or rendered without
 * their remote resources (`self` included: what its remote resources add is unknown to it too).
 */
function unrendered(cluster: Cluster, self?: string): FluxKustomization[] {
  return cluster.kustomizations.filter((k) => outputUnknown(k) && (k.id !== self || isPartlyRendered(k)));
}

/** Missing things may be in output Slipway cannot see: the note that says so, and a warning. */
export function blindSpot(cluster: Cluster, self?: string): { note: string; severity?: "warning" } {
  const hidden = unrendered(cluster, self);
  if (hidden.length === 0) return { note: "" };
  const list =
    hidden
      .slice(0, 3)
      .map((k) => (isPartlyRendered(k) ? `${k.id} (in part)` : k.id))
      .join(", ") + (hidden.length > 3 ? `, +${hidden.length - 3} more` : "");
  const partly = hidden.every(isPartlyRendered);
  return {
    note: ` (it may be in the output of ${hidden.length === 1 ? "Kustomization" : "Kustomizations"} ${list}, which could not be rendered${partly ? " in full" : ""})`,
    severity: "warning",
  };
}

/**
 * Why a dependsOn target not found in the cluster may still exist there, as a note (" (…)"), or
 * undefined when nothing Slipway could not see may make it. Of the unrendered HelmReleases, one
 * of the missing Kustomization's namespace whose name starts its name: charts name what they
 * make after the release (matheuscscp's `spoke-cluster` chart makes `spoke-cluster-sync`).
 */
export function missingMayExist(
  cluster: Cluster,
  m: { kind: string; namespace: string; name: string },
): string | undefined {
  const blind = blindSpot(cluster);
  if (blind.severity) return blind.note;
  if (m.kind !== "Kustomization") return undefined;
  const maker = cluster.helmReleases.find(
    (h) => h.status !== "rendered" && h.namespace === m.namespace && m.name.startsWith(h.name),
  );
  return maker
    ? ` (HelmRelease ${maker.namespace}/${maker.name}, which Slipway does not render, may make it)`
    : undefined;
}

/** The graph's missing dependencies, each with why it may exist after all where that is so. */
export function withMayExist(platform: Platform, missing: readonly MissingDependency[]): MissingDependency[] {
  return missing.map((m) => {
    const cluster = platform.clusters.find((c) => c.name === m.cluster);
    const note = cluster ? missingMayExist(cluster, m) : undefined;
    return note === undefined ? m : { ...m, mayExist: note };
  });
}
