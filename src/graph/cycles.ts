import { compareIds, type GraphEdge } from "./model.js";

/** Adjacency: node → its dependencies, each list sorted. */
export type Adjacency = ReadonlyMap<string, readonly string[]>;

/**
 * Strongly connected components (iterative Tarjan, so long chains cannot overflow the stack).
 * Each component is sorted; components are returned in no particular order.
 */
export function stronglyConnected(adjacency: Adjacency): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of adjacency.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work.at(-1)!;
      const targets = adjacency.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++]!;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component.sort(compareIds));
      }
    }
  }
  return components;
}

export interface CycleSearch {
  cycles: string[][];
  truncated: boolean;
}

/**
 * Elementary cycles, each as `[first, …, first]` starting at its smallest member, sorted.
 * The number of cycles can grow exponentially, so the search stops after `limit` cycles
 * (or a step budget) and says so.
 */
export function elementaryCycles(adjacency: Adjacency, limit = 100): CycleSearch {
  const cycles: string[][] = [];
  let steps = 0;
  const budget = 200_000;
  let truncated = false;
  for (const component of stronglyConnected(adjacency)) {
    const members = new Set(component);
    const selfLoop = component.length === 1 && (adjacency.get(component[0]!) ?? []).includes(component[0]!);
    if (component.length === 1 && !selfLoop) continue;
    // Start from each member in order; a cycle is found once, from its smallest member,
    // by only visiting members that sort after the start.
    for (const start of component) {
      const path = [start];
      const onPath = new Set([start]);
      const search = (node: string): void => {
        for (const next of adjacency.get(node) ?? []) {
          if (truncated) return;
          if (++steps > budget || cycles.length >= limit) {
            truncated = true;
            return;
          }
          if (!members.has(next) || compareIds(next, start) < 0) continue;
          if (next === start) {
            cycles.push([...path, start]);
          } else if (!onPath.has(next)) {
            path.push(next);
            onPath.add(next);
            search(next);
            path.pop();
            onPath.delete(next);
          }
        }
      };
      search(start);
      if (truncated) break;
    }
    if (truncated) break;
  }
  cycles.sort(comparePaths);
  return { cycles, truncated };
}

/** Element by element, a prefix first. */
function comparePaths(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareIds(a[i]!, b[i]!);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** One cycle as the findings and the text graph print it. */
export interface CycleSteps {
  /** The cycle's nodes, the first repeated at the end. */
  ids: string[];
  /**
   * `appliedBy[i]`: ids[i] waits for ids[i + 1] because ids[i + 1] applies it, not because of a
   * dependsOn entry. Flux reconciles an object only once the one that applies it has run.
   */
  appliedBy: boolean[];
}

/**
 * A cycle read for a person: starting at a node whose first step is a dependsOn entry (the
 * kind of step one can remove), when the cycle has one.
 */
export function cycleSteps(cycle: readonly string[], edges: readonly GraphEdge[]): CycleSteps {
  const implicit = new Set(edges.filter((e) => e.implicit).map((e) => `${e.dependent}\u0000${e.dependsOn}`));
  const ring = cycle.slice(0, -1);
  const isAppliedBy = (i: number) => implicit.has(`${ring[i]}\u0000${ring[(i + 1) % ring.length]}`);
  const start = Math.max(
    0,
    ring.findIndex((_, i) => !isAppliedBy(i)),
  );
  const order = [...ring.slice(start), ...ring.slice(0, start)];
  return {
    ids: [...order, order[0]!],
    appliedBy: order.map((_, i) => isAppliedBy((start + i) % ring.length)),
  };
}
