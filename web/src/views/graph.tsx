import dagre from "@dagrejs/dagre";
import { useEffect, useMemo, useState } from "preact/hooks";
import type { ClusterView, NodeView } from "../../../src/report/model.js";
import type { DashboardModel, DataSource } from "../data.js";
import { href, navigate, type Route } from "../router.js";
import { nodeHref, plural } from "./common.js";
import { NodePanel } from "./node-panel.js";

const NODE_W = 220;
const NODE_H = 56;

interface Placed {
  id: string;
  x: number;
  y: number;
  node?: NodeView;
  /** A dependsOn target that does not exist. */
  missing?: string;
  /** A missing target that may exist in output Slipway could not see. */
  unsure?: boolean;
}

interface Layout {
  width: number;
  height: number;
  nodes: Placed[];
  edges: Array<{
    from: string;
    to: string;
    points: Array<{ x: number; y: number }>;
    implicit: boolean;
    critical: boolean;
    cycle: boolean;
    missing: boolean;
  }>;
}

/** Dependencies left, dependents right: the order Flux deploys in. */
function layout(cluster: ClusterView): Layout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 12, ranksep: 56, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of cluster.nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
  const missingIds = new Map<string, { label: string; unsure: boolean }>();
  for (const m of cluster.graph.missing) {
    const id = `missing:${m.kind}/${m.namespace}/${m.name}`;
    // Two dependents may name the same target: it may exist only if every mention says so.
    const unsure = m.mayExist !== undefined && (missingIds.get(id)?.unsure ?? true);
    missingIds.set(id, { label: `${m.kind} ${m.namespace}/${m.name}`, unsure });
    g.setNode(id, { width: NODE_W, height: NODE_H });
  }
  const critical = new Set<string>();
  const cp = cluster.graph.criticalPath;
  for (let i = 0; i + 1 < cp.length; i++) critical.add(`${cp[i]}>${cp[i + 1]}`);
  const cycle = new Set<string>();
  for (const c of cluster.graph.cycles)
    for (let i = 0; i + 1 < c.length; i++) cycle.add(`${c[i + 1]}>${c[i]}`);
  const edges: Layout["edges"] = [];
  for (const e of cluster.graph.edges) {
    g.setEdge(e.dependsOn, e.dependent);
    edges.push({
      from: e.dependsOn,
      to: e.dependent,
      points: [],
      implicit: e.implicit === true,
      critical: critical.has(`${e.dependsOn}>${e.dependent}`),
      cycle: cycle.has(`${e.dependsOn}>${e.dependent}`),
      missing: false,
    });
  }
  for (const m of cluster.graph.missing) {
    const id = `missing:${m.kind}/${m.namespace}/${m.name}`;
    g.setEdge(id, m.dependent);
    edges.push({
      from: id,
      to: m.dependent,
      points: [],
      implicit: false,
      critical: false,
      cycle: false,
      missing: true,
    });
  }
  dagre.layout(g);
  for (const e of edges)
    e.points = ((g.edge(e.from, e.to)?.points ?? []) as Array<{ x: number; y: number }>).map((p) => ({
      x: p.x,
      y: p.y,
    }));
  const byId = new Map(cluster.nodes.map((n) => [n.id, n]));
  const nodes: Placed[] = g.nodes().map((id) => {
    const p = g.node(id);
    const node = byId.get(id);
    const m = missingIds.get(id);
    return node
      ? { id, x: p.x, y: p.y, node }
      : { id, x: p.x, y: p.y, missing: m?.label ?? id, ...(m?.unsure ? { unsure: true } : {}) };
  });
  const gl = g.graph();
  return { width: Math.ceil(gl.width ?? 0), height: Math.ceil(gl.height ?? 0), nodes, edges };
}

export function GraphView({
  model,
  source,
  route,
}: {
  model: DashboardModel;
  source: DataSource;
  route: Route;
}) {
  const clusterName = route.parts[1] ?? model.clusters[0]?.name;
  const cluster = model.clusters.find((c) => c.name === clusterName);
  const selected = route.params.get("node") ?? undefined;
  const [showImplicit, setShowImplicit] = useState(true);
  const [zoom, setZoom] = useState<number | "fit">("fit");
  const lay = useMemo(() => (cluster ? layout(cluster) : undefined), [cluster]);
  const changed = useMemo(() => new Set(model.changedNodes), [model]);

  useEffect(() => {
    if (!selected) return;
    const el = document.querySelector<SVGGElement>(`[data-node-id="${CSS.escape(selected)}"]`);
    el?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [selected, lay]);

  if (!cluster || !lay) {
    return (
      <section>
        <h1>Dependency graph</h1>
        <p>No cluster named {clusterName ?? "(none)"}.</p>
      </section>
    );
  }
  const t = cluster.graph.timing;
  const certainMissing = cluster.graph.missing.filter((m) => m.mayExist === undefined);
  const unsureMissing = cluster.graph.missing.filter((m) => m.mayExist !== undefined);
  const scale = zoom === "fit" ? undefined : zoom;
  const select = (id: string) => navigate(nodeHref(cluster.name, id));
  const onKey = (e: KeyboardEvent, p: Placed) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      if (p.node) select(p.id);
      return;
    }
    const next = neighbour(lay, cluster, p, e.key);
    if (next) {
      e.preventDefault();
      document.querySelector<SVGGElement>(`[data-node-id="${CSS.escape(next)}"]`)?.focus();
    }
  };
  return (
    <section class="graph-page" aria-labelledby="graph-h">
      <div class="graph-head">
        <h1 id="graph-h">Dependency graph</h1>
        <nav aria-label="Clusters" class="subtabs">
          {model.clusters.map((c) => (
            <a
              key={c.name}
              href={href(["graph", c.name])}
              aria-current={c.name === cluster.name ? "page" : undefined}
            >
              {c.name}
            </a>
          ))}
        </nav>
      </div>
      <p class="graph-summary" data-testid="graph-summary">
        <strong>{plural(cluster.nodes.length, "node")}</strong> · {plural(cluster.graph.edges.length, "edge")}{" "}
        · {plural(cluster.graph.layers.length, "layer")} · critical path {cluster.graph.criticalPath.length}{" "}
        nodes ·{" "}
        <span title="Each node counts 1 unit unless durations are given (slipway graph --durations)">
          deploy estimate: fine-grained <strong>{fmt(t.fineGrained)}</strong> vs waves{" "}
          <strong>{fmt(t.waves)}</strong> ({t.speedup.toFixed(2)}× faster)
        </span>
      </p>
      {cluster.graph.cycles.length > 0 ? (
        <div class="banner error" role="alert">
          {plural(cluster.graph.cycles.length, "dependency cycle")}:{" "}
          {cluster.graph.cycles.map((c) => c.join(" → ")).join("; ")}. Flux never reconciles these nodes nor
          anything that depends on them.
        </div>
      ) : null}
      {certainMissing.length > 0 ? (
        <div class="banner error" role="alert">
          {plural(certainMissing.length, "missing dependsOn target")}:{" "}
          {certainMissing.map((m) => `${m.dependent} → ${m.kind} ${m.namespace}/${m.name}`).join("; ")}
        </div>
      ) : null}
      {unsureMissing.length > 0 ? (
        <div class="banner warn" role="status">
          {plural(unsureMissing.length, "dependsOn target")} Slipway did not find, which may exist:{" "}
          {unsureMissing
            .map((m) => `${m.dependent} → ${m.kind} ${m.namespace}/${m.name}${m.mayExist}`)
            .join("; ")}
        </div>
      ) : null}
      <div class="graph-tools">
        <label>
          <input
            type="checkbox"
            checked={showImplicit}
            onChange={(e) => setShowImplicit((e.target as HTMLInputElement).checked)}
          />{" "}
          show “applied by” edges
        </label>
        <span class="zoom">
          <button
            type="button"
            onClick={() => setZoom((z) => Math.max(0.3, (z === "fit" ? 1 : z) / 1.25))}
            aria-label="Zoom out"
          >
            −
          </button>
          <button type="button" onClick={() => setZoom("fit")} aria-pressed={zoom === "fit"}>
            Fit
          </button>
          <button
            type="button"
            onClick={() => setZoom((z) => Math.min(3, (z === "fit" ? 1 : z) * 1.25))}
            aria-label="Zoom in"
          >
            +
          </button>
        </span>
        <Legend />
      </div>
      <div class={`graph-layout ${selected ? "with-panel" : ""}`}>
        <div class="graph-scroll">
          {/* biome-ignore lint/a11y/useSemanticElements: an SVG group of focusable nodes; no HTML element fits */}
          <svg
            class="graph"
            role="group"
            aria-label={`Dependency graph of cluster ${cluster.name}. Tab to a node, arrow keys to follow edges, Enter to open.`}
            viewBox={`0 0 ${lay.width} ${lay.height}`}
            width={scale ? lay.width * scale : "100%"}
            height={scale ? lay.height * scale : undefined}
            style={
              scale ? undefined : { minWidth: `${Math.min(lay.width, Math.max(640, lay.width * 0.75))}px` }
            }
            preserveAspectRatio="xMinYMin meet"
          >
            <defs>
              <marker
                id="arrow"
                viewBox="0 0 10 10"
                refX="9"
                refY="5"
                markerWidth="7"
                markerHeight="7"
                orient="auto-start-reverse"
              >
                <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
              </marker>
            </defs>
            {lay.edges
              .filter((e) => showImplicit || !e.implicit || e.critical)
              .map((e) => (
                <path
                  key={`${e.from}>${e.to}`}
                  class={`edge${e.implicit ? " implicit" : ""}${e.critical ? " critical" : ""}${e.cycle ? " cycle" : ""}${e.missing ? " missing" : ""}${selected && (e.from === selected || e.to === selected) ? " near" : ""}`}
                  d={pathOf(e.points)}
                  marker-end="url(#arrow)"
                />
              ))}
            {lay.nodes.map((p) => (
              <GraphNode
                key={p.id}
                p={p}
                selected={p.id === selected}
                changed={changed.has(`${cluster.name}|${p.id}`)}
                onSelect={() => p.node && select(p.id)}
                onKey={(e) => onKey(e, p)}
              />
            ))}
          </svg>
        </div>
        {selected ? (
          <NodePanel
            key={`${cluster.name}|${selected}|${model.generation}`}
            cluster={cluster}
            id={selected}
            source={source}
            generation={model.generation}
          />
        ) : null}
      </div>
    </section>
  );
}

function GraphNode(props: {
  p: Placed;
  selected: boolean;
  changed: boolean;
  onSelect: () => void;
  onKey: (e: KeyboardEvent) => void;
}) {
  const { p } = props;
  const n = p.node;
  const x = p.x - NODE_W / 2;
  const y = p.y - NODE_H / 2;
  if (!n) {
    return (
      <g class="node missing" transform={`translate(${x},${y})`} data-node-id={p.id}>
        <title>
          {p.unsure ? "dependsOn target Slipway did not find (it may exist)" : "missing dependsOn target"}{" "}
          {p.missing}
        </title>
        <rect width={NODE_W} height={NODE_H} rx="6" />
        <text x="10" y="22" class="title">
          {clip(p.missing ?? p.id, 28)}
        </text>
        <text x="10" y="42" class="sub">
          {p.unsure ? "not found: may exist" : "missing: does not exist"}
        </text>
      </g>
    );
  }
  const cls = [
    "node",
    `k-${n.kind}`,
    `st-${n.status}`,
    n.partial ? "st-partial" : "",
    n.critical ? "critical" : "",
    n.blocked ? "blocked" : "",
    props.selected ? "selected" : "",
    props.changed ? "changed" : "",
  ]
    .filter(Boolean)
    .join(" ");
  const issues = n.findings.error + n.errors.length;
  const label = `${n.kind} ${n.namespace}/${n.name}, ${n.status}${n.blocked ? `, blocked (${n.blocked})` : ""}${n.critical ? ", on the critical path" : ""}, ${n.objects} objects, ${n.findings.error} errors, ${n.findings.warning} warnings`;
  return (
    // biome-ignore lint/a11y/useSemanticElements: SVG has no <button>; the group is made one for keyboard and screen readers
    <g
      class={cls}
      transform={`translate(${x},${y})`}
      data-node-id={n.id}
      tabindex={0}
      role="button"
      aria-label={label}
      aria-pressed={props.selected}
      onClick={props.onSelect}
      onKeyDown={props.onKey}
    >
      <title>{label}</title>
      <rect width={NODE_W} height={NODE_H} rx="6" />
      <rect class="kind-bar" width="6" height={NODE_H} rx="3" />
      <text x="14" y="22" class="title">
        {clip(n.name, 26)}
      </text>
      <text x="14" y="42" class="sub">
        {n.kind === "HelmRelease" ? "HR" : n.kind === "ResourceSet" ? "RS" : "KS"} · {clip(n.namespace, 14)} ·{" "}
        {n.status === "rendered" ? `${n.objects} obj` : n.status}
        {n.blocked ? ` · ${n.blocked}` : ""}
      </text>
      {issues > 0 || n.findings.warning > 0 ? (
        <g transform={`translate(${NODE_W - 30},8)`}>
          <rect class={issues > 0 ? "badge err" : "badge warn"} width="24" height="16" rx="8" />
          <text x="12" y="12" class="badge-text" text-anchor="middle">
            {issues > 0 ? issues : n.findings.warning}
          </text>
        </g>
      ) : null}
    </g>
  );
}

function neighbour(lay: Layout, cluster: ClusterView, p: Placed, key: string): string | undefined {
  const pos = new Map(lay.nodes.map((n) => [n.id, n]));
  const pick = (ids: string[]) =>
    ids
      .map((id) => pos.get(id))
      .filter((x): x is Placed => x !== undefined)
      .sort((a, b) => Math.abs(a.y - p.y) - Math.abs(b.y - p.y))[0]?.id;
  switch (key) {
    case "ArrowRight":
      return pick(lay.edges.filter((e) => e.from === p.id).map((e) => e.to));
    case "ArrowLeft":
      return pick(lay.edges.filter((e) => e.to === p.id).map((e) => e.from));
    case "ArrowDown":
    case "ArrowUp": {
      const column = lay.nodes.filter((n) => Math.abs(n.x - p.x) < 1).sort((a, b) => a.y - b.y);
      const i = column.findIndex((n) => n.id === p.id);
      return column[i + (key === "ArrowDown" ? 1 : -1)]?.id;
    }
    case "Home":
      return cluster.graph.criticalPath[0];
    default:
      return undefined;
  }
}

function Legend() {
  return (
    <ul class="legend" aria-label="Legend">
      <li>
        <span class="sw sw-critical" /> critical path
      </li>
      <li>
        <span class="sw sw-implicit" /> applied by
      </li>
      <li>
        <span class="sw sw-cycle" /> cycle / missing
      </li>
      <li>
        <span class="sw sw-ks" /> Kustomization
      </li>
      <li>
        <span class="sw sw-hr" /> HelmRelease
      </li>
    </ul>
  );
}

function pathOf(points: Array<{ x: number; y: number }>): string {
  if (points.length === 0) return "";
  const [first, ...rest] = points;
  if (rest.length === 0) return `M${first!.x},${first!.y}`;
  // A smooth curve through dagre's control points.
  let d = `M${first!.x},${first!.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const c = rest[i]!;
    const next = rest[i + 1]!;
    d += ` Q${c.x},${c.y} ${(c.x + next.x) / 2},${(c.y + next.y) / 2}`;
  }
  const last = rest[rest.length - 1]!;
  return `${d} L${last.x},${last.y}`;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
