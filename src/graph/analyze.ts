import { SlipwayError } from "../errors.js";
import { elementaryCycles, stronglyConnected } from "./cycles.js";
import {
  type BlockedNode,
  compareIds,
  type GraphAnalysis,
  type GraphEdge,
  type GraphNode,
  type GraphNodeInput,
  type MissingDependency,
} from "./model.js";

export const DEFAULT_DURATION = 1;

export interface AnalyzeOptions {
  /** Most cycles listed (the count of cycles can explode in dense graphs). */
  maxCycles?: number;
}

/**
 * Analyses the dependsOn graph of Flux Kustomizations and HelmReleases: resolves references as
 * Flux does, finds missing targets and cycles, the nodes that can never deploy, the ASAP
 * layers, and the deploy time with fine-grained dependencies versus strict waves.
 * Pure and deterministic: the output does not depend on the input order.
 */
export function analyzeGraph(inputs: readonly GraphNodeInput[], opts: AnalyzeOptions = {}): GraphAnalysis {
  const { unique, duplicates } = dedupe(inputs);
  const byRef = new Map<string, string>();
  for (const node of unique) byRef.set(refKey(node.cluster, node.kind, node.namespace, node.name), node.id);
  // An object a node's output makes stands for that node, unless a node of its own defines it.
  for (const node of unique) {
    for (const made of node.makes ?? []) {
      const key = refKey(node.cluster, made.kind, made.namespace, made.name);
      if (!byRef.has(key)) byRef.set(key, node.id);
    }
  }

  const ids = new Set(unique.map((n) => n.id));
  const deps = new Map<string, string[]>();
  const edges: GraphEdge[] = [];
  const missing: MissingDependency[] = [];
  for (const node of unique) {
    const resolved = new Set<string>();
    for (const ref of node.dependsOn) {
      const namespace = ref.namespace || node.namespace;
      const kind = ref.kind ?? node.kind;
      const target = byRef.get(refKey(node.cluster, kind, namespace, ref.name));
      if (target === undefined) {
        missing.push({
          dependent: node.id,
          cluster: node.cluster,
          kind,
          namespace,
          name: ref.name,
        });
      } else {
        resolved.add(target);
      }
    }
    const explicit = new Set(resolved);
    if (node.appliedBy !== undefined && node.appliedBy !== node.id && ids.has(node.appliedBy)) {
      resolved.add(node.appliedBy);
    }
    const list = [...resolved].sort(compareIds);
    deps.set(node.id, list);
    for (const target of list) {
      edges.push(
        explicit.has(target)
          ? { dependent: node.id, dependsOn: target }
          : { dependent: node.id, dependsOn: target, implicit: true },
      );
    }
  }

  const blocked = findBlocked(deps, missing);
  const { cycles, truncated } = elementaryCycles(deps, opts.maxCycles ?? 100);

  const durations = new Map(unique.map((n) => [n.id, durationOf(n)]));
  const schedule = scheduleNodes(unique, deps, blocked, durations);
  const critical = criticalPath(schedule, deps);
  const criticalSet = new Set(critical);

  const nodes: GraphNode[] = unique.map((n) => {
    const at = schedule.get(n.id);
    return {
      id: n.id,
      kind: n.kind,
      namespace: n.namespace,
      name: n.name,
      cluster: n.cluster,
      duration: durations.get(n.id)!,
      dependsOn: deps.get(n.id)!,
      layer: at?.layer ?? null,
      start: at?.start ?? null,
      finish: at?.finish ?? null,
      blocked: blocked.get(n.id)?.reason ?? null,
      critical: criticalSet.has(n.id),
      ...(n.inventory ? { inventory: n.inventory } : {}),
    };
  });

  const layers: string[][] = [];
  for (const node of nodes) if (node.layer !== null) (layers[node.layer] ??= []).push(node.id);

  const fineGrained = Math.max(0, ...nodes.map((n) => n.finish ?? 0));
  const waves = waveTime(nodes);
  return {
    nodes,
    edges: edges.sort((a, b) => compareIds(a.dependent, b.dependent) || compareIds(a.dependsOn, b.dependsOn)),
    layers,
    criticalPath: critical,
    cycles,
    cyclesTruncated: truncated,
    missing: missing.sort(
      (a, b) =>
        compareIds(a.dependent, b.dependent) ||
        compareIds(a.namespace, b.namespace) ||
        compareIds(a.name, b.name),
    ),
    blocked: [...blocked.values()].sort((a, b) => compareIds(a.id, b.id)),
    duplicates,
    clusters: [...new Set(nodes.map((n) => n.cluster))].sort(compareIds),
    timing: { fineGrained, waves, speedup: fineGrained > 0 ? waves / fineGrained : 1 },
  };
}

function refKey(cluster: string, kind: string, namespace: string, name: string): string {
  return `${cluster}\u0000${kind}\u0000${namespace}\u0000${name}`;
}

function dedupe(inputs: readonly GraphNodeInput[]): { unique: GraphNodeInput[]; duplicates: string[] } {
  const seen = new Map<string, GraphNodeInput>();
  const duplicates = new Set<string>();
  for (const node of inputs) {
    if (seen.has(node.id)) duplicates.add(node.id);
    else seen.set(node.id, node);
  }
  return {
    unique: [...seen.values()].sort((a, b) => compareIds(a.id, b.id)),
    duplicates: [...duplicates].sort(compareIds),
  };
}

function durationOf(node: GraphNodeInput): number {
  const d = node.duration ?? DEFAULT_DURATION;
  if (!Number.isFinite(d) || d < 0) {
    throw new SlipwayError(`duration of ${node.id} must be a non-negative number, not ${node.duration}`);
  }
  return d;
}

/**
 * Flux never reconciles a node that is in a cycle or names a missing dependency, nor anything
 * that depends on such a node, directly or not.
 */
function findBlocked(
  deps: ReadonlyMap<string, readonly string[]>,
  missing: readonly MissingDependency[],
): Map<string, BlockedNode> {
  const blocked = new Map<string, BlockedNode>();
  for (const component of stronglyConnected(deps)) {
    const first = component[0]!;
    if (component.length > 1 || deps.get(first)!.includes(first)) {
      for (const id of component) blocked.set(id, { id, reason: "cycle" });
    }
  }
  for (const m of missing)
    if (!blocked.has(m.dependent)) blocked.set(m.dependent, { id: m.dependent, reason: "missing" });

  const dependents = new Map<string, string[]>();
  for (const [id, list] of deps)
    for (const target of list) (dependents.get(target) ?? dependents.set(target, []).get(target)!).push(id);
  // Breadth-first from the roots, in id order, so `via` is deterministic.
  const queue = [...blocked.keys()].sort(compareIds);
  for (let i = 0; i < queue.length; i++) {
    const cause = queue[i]!;
    for (const dependent of (dependents.get(cause) ?? []).sort(compareIds)) {
      if (blocked.has(dependent)) continue;
      const via = deps.get(dependent)!.find((d) => blocked.has(d))!;
      blocked.set(dependent, { id: dependent, reason: "upstream", via });
      queue.push(dependent);
    }
  }
  return blocked;
}

interface Slot {
  layer: number;
  start: number;
  finish: number;
}

function scheduleNodes(
  nodes: readonly GraphNodeInput[],
  deps: ReadonlyMap<string, readonly string[]>,
  blocked: ReadonlyMap<string, BlockedNode>,
  durations: ReadonlyMap<string, number>,
): Map<string, Slot> {
  const slots = new Map<string, Slot>();
  // Kahn's algorithm over the deployable nodes (their dependencies are all deployable).
  const remaining = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  const ready: string[] = [];
  for (const node of nodes) {
    if (blocked.has(node.id)) continue;
    const list = deps.get(node.id)!;
    remaining.set(node.id, list.length);
    for (const target of list)
      (dependents.get(target) ?? dependents.set(target, []).get(target)!).push(node.id);
    if (list.length === 0) ready.push(node.id);
  }
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    let layer = 0;
    let start = 0;
    for (const target of deps.get(id)!) {
      const dep = slots.get(target)!;
      layer = Math.max(layer, dep.layer + 1);
      start = Math.max(start, dep.finish);
    }
    slots.set(id, { layer, start, finish: start + durations.get(id)! });
    for (const dependent of dependents.get(id) ?? []) {
      const left = remaining.get(dependent)! - 1;
      remaining.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  return slots;
}

/** From the node that finishes last (the deepest on ties) back through the dependency that finished last (ties: smallest id). */
function criticalPath(
  slots: ReadonlyMap<string, Slot>,
  deps: ReadonlyMap<string, readonly string[]>,
): string[] {
  let end: string | undefined;
  for (const [id, slot] of [...slots].sort(([a], [b]) => compareIds(a, b))) {
    const best = end === undefined ? undefined : slots.get(end)!;
    // Ties (zero durations) go to the deeper node, so the path shows the whole chain.
    if (!best || slot.finish > best.finish || (slot.finish === best.finish && slot.layer > best.layer))
      end = id;
  }
  const path: string[] = [];
  for (let at = end; at !== undefined; ) {
    path.push(at);
    const slot = slots.get(at)!;
    at = deps.get(at)!.find((d) => slots.get(d)!.finish === slot.start);
  }
  return path.reverse();
}

/** Each cluster deploys independently; within one, wave k starts when wave k-1 has finished. */
function waveTime(nodes: readonly GraphNode[]): number {
  const perCluster = new Map<string, number[]>();
  for (const node of nodes) {
    if (node.layer === null) continue;
    const slowest = perCluster.get(node.cluster) ?? perCluster.set(node.cluster, []).get(node.cluster)!;
    slowest[node.layer] = Math.max(slowest[node.layer] ?? 0, node.duration);
  }
  let total = 0;
  for (const slowest of perCluster.values())
    total = Math.max(
      total,
      slowest.reduce((sum, d) => sum + (d ?? 0), 0),
    );
  return total;
}
