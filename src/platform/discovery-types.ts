/**
 * The shape of a discovery summary (discovery-summary.ts makes it), in a file of its own with
 * no imports, so that the browser code showing a diff report can use it without Node's types.
 */

/**
 * How a cluster was found: slipway.yaml, Flux's sync objects, a flux-operator FluxInstance,
 * top-level Flux Kustomizations (their bootstrap object lives outside the repository), or a
 * plain kustomize stack (a kustomization root nothing includes, under stacks/ or overlays/<env>).
 */
export type DiscoveredBy = "config" | "sync" | "flux-instance" | "top-level" | "kustomize-stack";

/** What discovery looked at and did not make part of a cluster, and why. */
export interface DiscoveryNote {
  /**
   * - unapplied: a Flux Kustomization document that no rendered cluster applies;
   * - not-a-cluster: a candidate that is not a cluster (an orphan document, a FluxInstance
   *   syncing another repository);
   * - unread: a YAML name discovery could not read (a FIFO, a device, no permission).
   */
  kind: "unapplied" | "not-a-cluster" | "unread";
  message: string;
  file?: string;
  line?: number;
}

export interface DiscoverySummary {
  clusters: Array<{
    name: string;
    path: string;
    mode: "flux" | "kustomize";
    discoveredBy: DiscoveredBy;
    reason?: string;
    origin?: { file: string; line: number };
    kustomizations: {
      total: number;
      rendered: number;
      failed: number;
      suspended: number;
      external: number;
      /** Of `rendered`: rendered without their remote resources (present only when some are). */
      partial?: number;
    };
  }>;
  /** Flux Kustomizations whose objects are not in the render. */
  notRendered: Array<{
    cluster: string;
    kustomization: string;
    /** partial: rendered without its remote resources (the rest is in the render). */
    status: "failed" | "external" | "partial";
    /** The first error (failed, partial), or why the source is not read (external). */
    reason: string;
    file?: string;
    line?: number;
  }>;
  notes: DiscoveryNote[];
}
