/**
 * The Flux dependency graph: Kustomizations, HelmReleases and Flux Operator ResourceSets with
 * their `spec.dependsOn`.
 * Flux resolves a reference within the same kind (a Kustomization can only depend on
 * Kustomizations, a HelmRelease on HelmReleases), defaults its namespace to the dependent's
 * own, allows other namespaces, and never detects cycles: every member waits forever
 * (../shared/flux/SPEC.md §7). Dependencies never cross clusters.
 */

export type GraphNodeKind = "Kustomization" | "HelmRelease" | "ResourceSet";

export interface DependencyRef {
  name: string;
  /** Defaults to the dependent's namespace. */
  namespace?: string;
  /**
   * The kind of the target; defaults to the dependent's own (Flux resolves Kustomization and
   * HelmRelease dependencies within their kind; a ResourceSet may depend on any kind).
   */
  kind?: GraphNodeKind;
}

export interface GraphNodeInput {
  /**
   * Unique within one analysis, conventionally `kind/namespace/name`. To analyse several
   * clusters whose objects share names at once, make it unique (e.g. prefix the cluster).
   */
  id: string;
  kind: GraphNodeKind;
  namespace: string;
  name: string;
  cluster: string;
  dependsOn: DependencyRef[];
  /**
   * Id of the Flux Kustomization that applies this node: it cannot start before that one has
   * applied it, so this is an implicit dependency (an edge with `implicit: true`).
   */
  appliedBy?: string;
  /** Time this node takes to become ready, in any unit (default 1). */
  duration?: number;
  /** A rendered HelmRelease: the objects its release applies (hooks and chart CRDs included). */
  inventory?: InventoryEntry[];
  /**
   * Flux objects this node's output creates that are no nodes of their own (the Kustomizations
   * or HelmReleases a rendered chart makes), namespaces resolved: a dependency on one waits for
   * this node, which applies it.
   */
  makes?: Array<{ kind: GraphNodeKind; namespace: string; name: string }>;
}

export interface InventoryEntry {
  apiVersion: string;
  kind: string;
  /** "" for cluster-scoped objects */
  namespace: string;
  name: string;
}

/** `dependent` lists `dependsOn` in its spec; it deploys after it. */
export interface GraphEdge {
  dependent: string;
  dependsOn: string;
  /** Not written in dependsOn: `dependsOn` applies `dependent`. */
  implicit?: boolean;
}

export interface MissingDependency {
  /** The node whose `dependsOn` names an object that does not exist. */
  dependent: string;
  cluster: string;
  kind: GraphNodeKind;
  namespace: string;
  name: string;
  /**
   * Set by the caller that knows more than the graph: why the object may exist after all, in
   * output Slipway could not see (" (…)"). Absent: it does not.
   */
  mayExist?: string;
}

/** Why a node never becomes ready in Flux. */
export type BlockedReason = "cycle" | "missing" | "upstream";

export interface BlockedNode {
  id: string;
  reason: BlockedReason;
  /** For "upstream": the blocked dependency that holds it back (the first by id). */
  via?: string;
}

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  namespace: string;
  name: string;
  cluster: string;
  duration: number;
  /** Resolved dependencies (ids), sorted. */
  dependsOn: string[];
  /** ASAP level: 0 = no dependencies; null when blocked. */
  layer: number | null;
  /** When every node starts as soon as its dependencies are ready; null when blocked. */
  start: number | null;
  finish: number | null;
  blocked: BlockedReason | null;
  critical: boolean;
  inventory?: InventoryEntry[];
}

export interface GraphTiming {
  /** Deploy time when each node starts as soon as its own dependencies are ready. */
  fineGrained: number;
  /** Deploy time when each layer waits for the slowest node of the previous one (per cluster). */
  waves: number;
  /** waves / fineGrained (1 when there is nothing to deploy). */
  speedup: number;
}

export interface GraphAnalysis {
  /** Sorted by id. */
  nodes: GraphNode[];
  /** Sorted by dependent, then dependsOn. */
  edges: GraphEdge[];
  /** Node ids per ASAP layer; blocked nodes are in none. */
  layers: string[][];
  /** The chain that sets `timing.fineGrained`, in deploy order. */
  criticalPath: string[];
  /**
   * Elementary cycles in dependsOn order (`[a, b, a]`: a depends on b, b on a), each starting
   * at its smallest id; sorted. Self-dependencies are `[a, a]`.
   */
  cycles: string[][];
  /** True when there were more cycles than the analysis lists. */
  cyclesTruncated: boolean;
  missing: MissingDependency[];
  blocked: BlockedNode[];
  /** Ids given more than once (the first occurrence is used). */
  duplicates: string[];
  clusters: string[];
  timing: GraphTiming;
}

/** Code-unit order: deterministic, locale-independent. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
