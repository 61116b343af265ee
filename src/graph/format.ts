import { printable, withoutControls } from "../printable.js";
import { DEFAULT_DURATION } from "./analyze.js";
import { cycleSteps } from "./cycles.js";
import {
  type BlockedNode,
  compareIds,
  type GraphAnalysis,
  type GraphEdge,
  type GraphNode,
  type GraphNodeKind,
  type InventoryEntry,
  type MissingDependency,
} from "./model.js";

export type GraphFormat = "text" | "json" | "mermaid" | "dot";

export function formatGraph(analysis: GraphAnalysis, format: GraphFormat, options: TextOptions = {}): string {
  switch (format) {
    case "text":
      // For people: names cannot drive the terminal.
      return withoutControls(formatGraphText(analysis, options));
    case "json":
      return `${JSON.stringify(toGraphJson(analysis), null, 2)}\n`;
    case "mermaid":
      return formatGraphMermaid(analysis);
    case "dot":
      return formatGraphDot(analysis);
  }
}

// --- JSON ----------------------------------------------------------------------------------

/**
 * `slipway graph --format json` (schema "slipway.graph/v1"). Ids are `kind/namespace/name`
 * (unique per cluster); every list is sorted, so the document is stable across runs.
 *
 * - `nodes`: every Kustomization and HelmRelease, with its resolved `dependsOn` ids, its
 *   `duration`, its ASAP `layer` and `start`/`finish` times (null when blocked), why it is
 *   `blocked` (null if not) and whether it is on the critical path.
 * - `edges`: `{dependent, dependsOn}` — `dependent` deploys after `dependsOn`.
 * - `layers`: node ids per layer; a layer's nodes deploy in parallel once the previous ones
 *   are ready. Blocked nodes are in no layer.
 * - `criticalPath`: the chain, in deploy order, that sets `timing.fineGrained`.
 * - `cycles`: each elementary cycle in dependsOn order, first id repeated at the end
 *   (`[a, b, a]`: a depends on b, b on a); `cyclesTruncated` when not all are listed.
 * - `missing`: dependsOn references to objects that do not exist (same kind, namespace
 *   defaulted to the dependent's own).
 * - `blocked`: nodes Flux never reconciles: in a cycle, with a missing dependency, or
 *   depending on such a node (`upstream`, with the dependency it waits on in `via`).
 * - `timing`: deploy time when each node starts as soon as its own dependencies are ready
 *   (`fineGrained`) versus strict waves (`waves`: each layer waits for the slowest node of the
 *   previous one; clusters in parallel), and `speedup` = waves / fineGrained. Units are those
 *   of the durations (1 per node by default; seconds for Go-style durations).
 */
export interface GraphJson {
  schema: "slipway.graph/v1";
  clusters: string[];
  nodes: Array<{
    id: string;
    kind: GraphNodeKind;
    namespace: string;
    name: string;
    cluster: string;
    dependsOn: string[];
    duration: number;
    layer: number | null;
    start: number | null;
    finish: number | null;
    blocked: "cycle" | "missing" | "upstream" | null;
    critical: boolean;
    /** HelmReleases whose chart was rendered: the objects the release applies. */
    inventory?: InventoryEntry[];
  }>;
  /** `implicit`: the edge comes from `dependsOn` applying `dependent`, not from a dependsOn entry. */
  edges: Array<{ dependent: string; dependsOn: string; implicit?: boolean }>;
  layers: string[][];
  criticalPath: string[];
  cycles: string[][];
  cyclesTruncated: boolean;
  missing: Array<{
    dependent: string;
    cluster: string;
    kind: GraphNodeKind;
    namespace: string;
    name: string;
  }>;
  blocked: Array<{ id: string; reason: "cycle" | "missing" | "upstream"; via?: string }>;
  duplicates: string[];
  timing: { fineGrained: number; waves: number; speedup: number };
}

export function toGraphJson(a: GraphAnalysis): GraphJson {
  return {
    schema: "slipway.graph/v1",
    clusters: a.clusters,
    nodes: a.nodes.map((n) => ({
      id: n.id,
      kind: n.kind,
      namespace: n.namespace,
      name: n.name,
      cluster: n.cluster,
      dependsOn: n.dependsOn,
      duration: n.duration,
      layer: n.layer,
      start: n.start,
      finish: n.finish,
      blocked: n.blocked,
      critical: n.critical,
      ...(n.inventory ? { inventory: n.inventory } : {}),
    })),
    edges: a.edges.map((e) => ({
      dependent: e.dependent,
      dependsOn: e.dependsOn,
      ...(e.implicit ? { implicit: true } : {}),
    })),
    layers: a.layers,
    criticalPath: a.criticalPath,
    cycles: a.cycles,
    cyclesTruncated: a.cyclesTruncated,
    missing: a.missing.map((m) => ({ ...m })),
    blocked: a.blocked.map((b) => (b.via === undefined ? { id: b.id, reason: b.reason } : { ...b })),
    duplicates: a.duplicates,
    timing: { ...a.timing, speedup: round(a.timing.speedup) },
  };
}

// --- text ----------------------------------------------------------------------------------

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** How a diagram names a target Slipway did not find: missing, or, where it may exist, not found. */
function missingWord(m: MissingDependency): string {
  return m.mayExist === undefined ? "missing" : "not found (may exist)";
}

function missingId(m: MissingDependency): string {
  return `${m.kind}/${m.namespace}/${m.name}`;
}

/**
 * Blocked nodes whose every blocking cause is a missing target that may exist (`mayExist`):
 * neither in a cycle, nor missing a target for sure, nor waiting on a node that is.
 */
function unsureBlocked(a: GraphAnalysis): Set<string> {
  const certainMissing = new Set(a.missing.filter((m) => m.mayExist === undefined).map((m) => m.dependent));
  const nodes = new Map(a.nodes.map((n) => [n.id, n]));
  const certain = new Map<string, boolean>();
  const isCertain = (id: string): boolean => {
    const known = certain.get(id);
    if (known !== undefined) return known;
    certain.set(id, false); // a cycle is its own reason, caught by `blocked: "cycle"` below
    const n = nodes.get(id);
    const result =
      n !== undefined &&
      n.blocked !== null &&
      (n.blocked === "cycle" || certainMissing.has(id) || n.dependsOn.some((d) => isCertain(d)));
    certain.set(id, result);
    return result;
  };
  return new Set(a.blocked.filter((b) => !isCertain(b.id)).map((b) => b.id));
}

function blockedText(b: BlockedNode): string {
  if (b.reason === "cycle") return "in a dependency cycle";
  if (b.reason === "missing") return "depends on an object that does not exist";
  return `waits on blocked ${b.via}`;
}

export interface TextOptions {
  /**
   * Whether the durations come from a durations file (`--durations`): then times are in its
   * unit. Without one each node counts 1, and times are counted in steps. Unset: durations
   * other than 1 say there was one.
   */
  durations?: boolean;
}

export function formatGraphText(a: GraphAnalysis, options: TextOptions = {}): string {
  const timed = options.durations ?? a.nodes.some((n) => n.duration !== DEFAULT_DURATION);
  // "Critical path, 3 in total" read as 3 nodes, or minutes: without durations it is steps.
  const amount = (n: number) => (timed ? `${n}` : plural(n, "step"));
  const lines: string[] = [];
  const multiCluster = a.clusters.length > 1;
  const byId = new Map(a.nodes.map((n) => [n.id, n]));
  // Ids of several clusters start with the cluster's name (graph-nodes.ts): said once, after.
  const label = (id: string) => {
    const node = byId.get(id);
    if (!multiCluster || !node) return id;
    const own = id.startsWith(`${node.cluster}/`) ? id.slice(node.cluster.length + 1) : id;
    return `${own} [${node.cluster}]`;
  };
  lines.push(
    `${plural(a.nodes.length, "node")}, ${plural(a.edges.length, "edge")}, ${plural(a.layers.length, "layer")}` +
      (multiCluster ? `, ${plural(a.clusters.length, "cluster")}` : ""),
  );
  a.layers.forEach((layer, i) => {
    lines.push("", `Layer ${i} (${layer.length === 1 ? "1 node" : `${layer.length} nodes in parallel`})`);
    for (const id of layer) {
      const node = byId.get(id)!;
      const deps = node.dependsOn.length > 0 ? ` ← ${node.dependsOn.map(label).join(", ")}` : "";
      lines.push(`  ${label(id)}${timed ? `  (${node.duration})` : ""}${deps}`);
    }
  });
  if (a.criticalPath.length > 0) {
    lines.push(
      "",
      `Critical path, ${timed ? `${a.timing.fineGrained} in total` : amount(a.timing.fineGrained)}: ${a.criticalPath.map(label).join(" → ")}`,
    );
  }
  const { fineGrained, waves, speedup } = a.timing;
  lines.push(
    // Equal times (a chain, or one layer per node) are no speedup: "1× faster" read as a gain.
    `Deploy time: ${amount(fineGrained)} with fine-grained dependsOn, ${waves} in strict waves (${round(speedup) > 1 ? `${round(speedup)}× faster` : "no faster"})${
      timed
        ? ", in the durations' unit (seconds for 90s, 5m)"
        : "; a step is one node reconciled (--durations FILE gives each node its time)"
    }`,
  );
  if (a.cycles.length > 0) {
    lines.push(
      "",
      `Cycles (${a.cycles.length}${a.cyclesTruncated ? "+, list truncated" : ""}; → means dependsOn):`,
    );
    for (const cycle of a.cycles) {
      const { ids, appliedBy } = cycleSteps(cycle, a.edges);
      lines.push(
        `  ${ids.map((id, i) => (i > 0 && appliedBy[i - 1] ? `${label(id)} (which applies it)` : label(id))).join(" → ")}`,
      );
    }
  }
  if (a.missing.length > 0) {
    lines.push("", `Missing dependencies (${a.missing.length}):`);
    for (const m of a.missing)
      lines.push(
        `  ${label(m.dependent)} depends on ${missingId(m)}, ${m.mayExist === undefined ? "which does not exist" : `which Slipway did not find${m.mayExist}`}`,
      );
  }
  // Held back only by targets Slipway did not find but may exist: not said never to deploy.
  const unsure = unsureBlocked(a);
  const never = a.blocked.filter((b) => !unsure.has(b.id));
  const maybe = a.blocked.filter((b) => unsure.has(b.id));
  if (never.length > 0) {
    lines.push("", `Never deployed (${never.length}):`);
    for (const b of never) lines.push(`  ${label(b.id)}: ${blockedText(b)}`);
  }
  if (maybe.length > 0) {
    lines.push("", `Never deployed unless what Slipway did not find exists (${maybe.length}):`);
    for (const b of maybe)
      lines.push(
        `  ${label(b.id)}: ${b.reason === "missing" ? "depends on an object Slipway did not find" : `waits on ${b.via}`}`,
      );
  }
  if (a.duplicates.length > 0) {
    lines.push("", `Defined more than once (${a.duplicates.length}): ${a.duplicates.join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}

// --- Mermaid ---------------------------------------------------------------------------------

/** Readable, collision-free Mermaid ids (`ks_flux_system_apps`), assigned in id order. */
function diagramIds(nodes: readonly GraphNode[], missing: readonly MissingDependency[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const assign = (key: string, base: string) => {
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}`;
    taken.add(candidate);
    ids.set(key, candidate);
  };
  const multiCluster = new Set(nodes.map((n) => n.cluster)).size > 1;
  const slug = (s: string) => s.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  const prefix = (kind: GraphNodeKind) =>
    kind === "HelmRelease" ? "hr" : kind === "ResourceSet" ? "rs" : "ks";
  for (const node of nodes) {
    const cluster = multiCluster ? `${slug(node.cluster)}_` : "";
    assign(node.id, `${prefix(node.kind)}_${cluster}${slug(node.namespace)}_${slug(node.name)}`);
  }
  for (const m of missingTargets(missing)) {
    assign(missingKey(m), `missing_${prefix(m.kind)}_${slug(m.namespace)}_${slug(m.name)}`);
  }
  return ids;
}

function missingKey(m: MissingDependency): string {
  return `missing\u0000${m.cluster}\u0000${missingId(m)}`;
}

/** One entry per missing object, however many nodes name it. */
function missingTargets(missing: readonly MissingDependency[]): MissingDependency[] {
  const seen = new Map<string, MissingDependency>();
  for (const m of missing) if (!seen.has(missingKey(m))) seen.set(missingKey(m), m);
  return [...seen.values()].sort((a, b) => compareIds(missingKey(a), missingKey(b)));
}

/**
 * Mermaid renders labels as HTML (this file writes `<br/>` and `<small>` itself): the markup
 * characters of a name become Mermaid entity codes, its control characters escapes.
 */
function mermaidText(s: string): string {
  return printable(s).replace(/[#"<>&]/g, (c) => (c === '"' ? "#quot;" : `#${c.charCodeAt(0)};`));
}

function mermaidNode(id: string, node: { kind: GraphNodeKind; namespace: string; name: string }): string {
  const text = `"${mermaidText(node.name)}<br/><small>${mermaidText(node.namespace)}</small>"`;
  // HelmReleases are rounded, Kustomizations square, as in the seeds' diagrams; ResourceSets hexagons.
  return node.kind === "HelmRelease"
    ? `${id}(${text})`
    : node.kind === "ResourceSet"
      ? `${id}{{${text}}}`
      : `${id}[${text}]`;
}

/**
 * A `flowchart TD` like the seeds' dependency diagrams: one subgraph per layer ("Layer 0"
 * deploys first), arrows from a dependency to what waits on it, the critical path in bold,
 * blocked nodes and missing targets apart.
 */
export function formatGraphMermaid(a: GraphAnalysis): string {
  const ids = diagramIds(a.nodes, a.missing);
  const byId = new Map(a.nodes.map((n) => [n.id, n]));
  const out = ["flowchart TD"];
  a.layers.forEach((layer, i) => {
    out.push(`    subgraph layer${i} ["Layer ${i}"]`);
    for (const id of layer) out.push(`        ${mermaidNode(ids.get(id)!, byId.get(id)!)}`);
    out.push("    end");
  });
  const unsure = unsureBlocked(a);
  const never = a.blocked.filter((b) => !unsure.has(b.id));
  const maybe = a.blocked.filter((b) => unsure.has(b.id));
  if (never.length > 0) {
    out.push(`    subgraph never_deployed ["Never deployed: cycle or missing dependency"]`);
    for (const b of never) out.push(`        ${mermaidNode(ids.get(b.id)!, byId.get(b.id)!)}`);
    out.push("    end");
  }
  if (maybe.length > 0) {
    out.push(`    subgraph maybe_never_deployed ["Never deployed unless what Slipway did not find exists"]`);
    for (const b of maybe) out.push(`        ${mermaidNode(ids.get(b.id)!, byId.get(b.id)!)}`);
    out.push("    end");
  }
  const missing = missingTargets(a.missing);
  for (const m of missing) {
    out.push(
      `    ${ids.get(missingKey(m))!}["${mermaidText(`${missingWord(m)}: ${m.kind} ${m.namespace}/${m.name}`)}"]`,
    );
  }
  const onCritical = criticalEdges(a);
  const linkStyles: string[] = [];
  let link = 0;
  const inCycle = cycleEdges(a);
  for (const edge of deployOrderEdges(a.edges)) {
    const arrow = onCritical.has(edgeKey(edge)) ? "==>" : edge.implicit ? "-.->" : "-->";
    out.push(`    ${ids.get(edge.dependsOn)!} ${arrow} ${ids.get(edge.dependent)!}`);
    if (inCycle.has(edgeKey(edge))) linkStyles.push(`    linkStyle ${link} stroke:#d33`);
    link++;
  }
  for (const m of [...a.missing].sort(
    (x, y) => compareIds(missingKey(x), missingKey(y)) || compareIds(x.dependent, y.dependent),
  )) {
    out.push(`    ${ids.get(missingKey(m))!} -.-> ${ids.get(m.dependent)!}`);
    linkStyles.push(`    linkStyle ${link++} stroke:#d33,stroke-dasharray:4`);
  }
  out.push(...linkStyles);
  out.push("    classDef critical stroke-width:3px");
  out.push("    classDef blocked fill:#fdd,stroke:#d33");
  out.push("    classDef missing fill:#fff,stroke:#d33,stroke-dasharray:4");
  const critical = a.criticalPath.filter((id) => byId.get(id)!.blocked === null);
  if (critical.length > 0) out.push(`    class ${critical.map((id) => ids.get(id)!).join(",")} critical`);
  if (a.blocked.length > 0) out.push(`    class ${a.blocked.map((b) => ids.get(b.id)!).join(",")} blocked`);
  if (missing.length > 0)
    out.push(`    class ${missing.map((m) => ids.get(missingKey(m))!).join(",")} missing`);
  return `${out.join("\n")}\n`;
}

function edgeKey(e: GraphEdge): string {
  return `${e.dependent}\u0000${e.dependsOn}`;
}

function criticalEdges(a: GraphAnalysis): Set<string> {
  const keys = new Set<string>();
  for (let i = 1; i < a.criticalPath.length; i++) {
    keys.add(edgeKey({ dependent: a.criticalPath[i]!, dependsOn: a.criticalPath[i - 1]! }));
  }
  return keys;
}

function cycleEdges(a: GraphAnalysis): Set<string> {
  return new Set(
    a.cycles.flatMap((c) => c.slice(1).map((id, i) => edgeKey({ dependent: c[i]!, dependsOn: id }))),
  );
}

/** Diagrams read in deploy order: sorted by the dependency, then by what waits on it. */
function deployOrderEdges(edges: readonly GraphEdge[]): GraphEdge[] {
  return [...edges].sort(
    (x, y) => compareIds(x.dependsOn, y.dependsOn) || compareIds(x.dependent, y.dependent),
  );
}

// --- Graphviz dot ----------------------------------------------------------------------------

function dotString(s: string): string {
  return `"${withoutControls(s).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/**
 * A `digraph` with one `rank=same` group per layer (inside one `cluster_` subgraph per
 * cluster when there are several), arrows from a dependency to its dependent, the critical
 * path bold, cycle members and missing targets red.
 */
export function formatGraphDot(a: GraphAnalysis): string {
  const out = ["digraph flux {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];'];
  const byId = new Map(a.nodes.map((n) => [n.id, n]));
  const nodeLine = (node: GraphNode, indent: string) => {
    const attrs = [`label=${dotString(`${node.name}\n${node.namespace}`)}`];
    if (node.kind === "HelmRelease") attrs.push('style="rounded"');
    if (node.critical) attrs.push("penwidth=3");
    if (node.blocked !== null) attrs.push('color="#d33"', 'fontcolor="#d33"');
    return `${indent}${dotString(node.id)} [${attrs.join(", ")}];`;
  };
  const multiCluster = a.clusters.length > 1;
  for (const [c, cluster] of a.clusters.entries()) {
    const indent = multiCluster ? "    " : "  ";
    if (multiCluster) out.push(`  subgraph cluster_${c} {`, `    label=${dotString(cluster)};`);
    a.layers.forEach((layer, i) => {
      const members = layer.filter((id) => byId.get(id)!.cluster === cluster);
      if (members.length === 0) return;
      out.push(`${indent}subgraph layer_${c}_${i} {`, `${indent}  rank=same;`);
      for (const id of members) out.push(nodeLine(byId.get(id)!, `${indent}  `));
      out.push(`${indent}}`);
    });
    for (const b of a.blocked) {
      const node = byId.get(b.id)!;
      if (node.cluster === cluster) out.push(nodeLine(node, indent));
    }
    if (multiCluster) out.push("  }");
  }
  for (const m of missingTargets(a.missing)) {
    out.push(
      `  ${dotString(missingKey(m).replace(/\u0000/g, ":"))} [label=${dotString(`${missingWord(m)}\n${m.kind} ${m.namespace}/${m.name}`)}, style=dashed, color="#d33", fontcolor="#d33"];`,
    );
  }
  const onCritical = criticalEdges(a);
  const inCycle = new Set(
    a.cycles.flatMap((c) => c.slice(1).map((id, i) => edgeKey({ dependent: c[i]!, dependsOn: id }))),
  );
  for (const edge of deployOrderEdges(a.edges)) {
    const attrs: string[] = [];
    if (onCritical.has(edgeKey(edge))) attrs.push("penwidth=3");
    if (inCycle.has(edgeKey(edge))) attrs.push('color="#d33"');
    out.push(
      `  ${dotString(edge.dependsOn)} -> ${dotString(edge.dependent)}${attrs.length ? ` [${attrs.join(", ")}]` : ""};`,
    );
  }
  for (const m of [...a.missing].sort(
    (x, y) => compareIds(missingKey(x), missingKey(y)) || compareIds(x.dependent, y.dependent),
  )) {
    out.push(
      `  ${dotString(missingKey(m).replace(/\u0000/g, ":"))} -> ${dotString(m.dependent)} [style=dashed, color="#d33"];`,
    );
  }
  out.push("}");
  return `${out.join("\n")}\n`;
}
