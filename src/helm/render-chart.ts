/**
 * The per-render view of a chart tree. Helm mutates its loaded chart while it prepares a render
 * (dependency processing renames aliased subcharts, drops disabled ones and replaces a chart's
 * values with the imported ones); Slipway keeps loaded charts immutable and does that on this
 * tree, built fresh for every render.
 */
import type { Chart, ChartDependency, ChartMetadata } from "./chart.js";
import { GoMap, type GoValue } from "./template/value.js";

export interface RenderChart {
  /** the loaded chart: templates, files, schema */
  readonly chart: Chart;
  /** a copy of the chart's metadata; an aliased subchart carries its alias as name */
  metadata: ChartMetadata;
  /** the chart's default values (import-values processing replaces them) */
  values: GoMap;
  dependencies: RenderChart[];
  parent: RenderChart | undefined;
}

export function copyMetadata(md: ChartMetadata): ChartMetadata {
  return {
    ...md,
    sources: [...md.sources],
    keywords: [...md.keywords],
    maintainers: md.maintainers.map((m) => (m ? { ...m } : null)),
    annotations: md.annotations ? new Map(md.annotations) : null,
    dependencies: md.dependencies.map((d) => (d ? copyDependency(d) : null)),
  };
}

function copyDependency(d: ChartDependency): ChartDependency {
  return { ...d, tags: [...d.tags], importValues: [...d.importValues] };
}

/** A fresh render tree over a loaded chart. */
export function renderTree(chart: Chart, parent?: RenderChart): RenderChart {
  const node: RenderChart = {
    chart,
    metadata: copyMetadata(chart.metadata),
    values: chart.values,
    dependencies: [],
    parent,
  };
  node.dependencies = chart.dependencies.map((d) => renderTree(d, node));
  return node;
}

/** A shallow copy of a node for an alias (getAliasDependency): own metadata, copied children. */
export function aliasCopy(node: RenderChart): RenderChart {
  const out: RenderChart = { ...node, metadata: copyMetadata(node.metadata), dependencies: [] };
  out.dependencies = node.dependencies.map((d) => ({ ...d, parent: out }));
  return out;
}

export function setDependencies(node: RenderChart, deps: RenderChart[]): void {
  node.dependencies = deps;
  for (const d of deps) d.parent = node;
}

export const chartName = (c: RenderChart): string => c.metadata.name;

/** `parent/charts/child`: where a chart's templates live in template names. */
export function chartFullPath(c: RenderChart): string {
  return c.parent ? `${chartFullPath(c.parent)}/charts/${chartName(c)}` : chartName(c);
}

export const isLibrary = (c: RenderChart): boolean => c.metadata.type.toLowerCase() === "library";

/** copystructure.Copy of a values tree: maps and slices are copied, scalars shared. */
export function deepCopy<T extends GoValue>(v: T): T {
  return copyValue(v) as T;
}

function copyValue(v: GoValue): GoValue {
  if (v instanceof GoMap) {
    const m = new GoMap(null, v.goType);
    // forEach, not for-of: values are copied mostly before V8 optimizes this, and unoptimized
    // for-of makes an iterator result and an entry array per key.
    v.forEach((x, k) => {
      m.set(k, copyValue(x));
    });
    return m;
  }
  if (Array.isArray(v)) return v.map(copyValue);
  return v;
}

/** Helm's istable: a map[string]interface{}. */
export function isTable(v: GoValue): v is GoMap {
  return v instanceof GoMap;
}
