/**
 * Dependency processing before a render, ported from Helm 4.1.4 pkg/chart/v2/util/dependencies.go
 * (ProcessDependencies):
 *
 * 1. enabled: each dependency of Chart.yaml is matched to a subchart of charts/ by name and version
 *    range (an alias gets its own copy, renamed); `tags` then `condition` decide, evaluated on the
 *    values coalesced so far (a condition is a comma list of paths; the first that holds a bool
 *    wins; a non-bool is a warning); disabled subcharts are removed; subcharts that Chart.yaml does
 *    not list stay. Recurses with the path prefix `sub.` for nested conditions.
 * 2. import-values: for every chart with dependencies (deepest first), the child tables named by
 *    `import-values` (`{child, parent}` maps or `exports.<name>` strings) are merged under the
 *    chart's own values, which become `MergeValues(chart) ← imported`.
 */

import { parseConstraintsShared, parseVersion } from "../semver/index.js";
import type { ChartDependency } from "./chart.js";
import { coalesceValues, mergeTables, mergeValues, type Warn } from "./coalesce.js";
import {
  aliasCopy,
  chartName,
  deepCopy,
  isTable,
  type RenderChart,
  setDependencies,
} from "./render-chart.js";
import { slogLine } from "./slog.js";
import { formatValue } from "./template/fmt.js";
import { quote } from "./template/quote.js";
import { GoMap, type GoValue } from "./template/value.js";

/** chartutil.IsCompatibleRange: a version satisfies a constraint (any parse error: false). */
export function isCompatibleRange(constraint: string, version: string): boolean {
  try {
    return parseConstraintsShared(constraint).check(parseVersion(version));
  } catch {
    return false;
  }
}

/** common.Values.Table: the table at a dotted path, or undefined. */
export function valuesTable(v: GoMap, name: string): GoMap | undefined {
  let table: GoMap = v;
  for (const part of name.split(".")) {
    const next = table.get(part);
    if (!table.has(part) || !(next instanceof GoMap)) return undefined;
    table = next;
  }
  return table;
}

/** common.Values.Table's error (ErrNoTable) for a path valuesTable does not find: its first missing key. */
function noTableError(v: GoMap, name: string): string {
  let table: GoMap = v;
  for (const part of name.split(".")) {
    const next = table.get(part);
    if (!table.has(part) || !(next instanceof GoMap)) return `${quote(part)} is not a table`;
    table = next;
  }
  return "";
}

/** common.Values.PathValue: the non-table value at a dotted path ("no value" → undefined). */
function pathValue(v: GoMap, path: string): { value: GoValue } | undefined {
  const parts = path.split(".");
  const key = parts.pop() as string;
  const table = parts.length === 0 ? v : valuesTable(v, parts.join("."));
  if (!table?.has(key)) return undefined;
  const value = table.get(key) as GoValue;
  if (isTable(value)) return undefined;
  return { value };
}

function liveDependencies(c: RenderChart): ChartDependency[] {
  return c.metadata.dependencies.filter((d): d is ChartDependency => d !== null);
}

function processTags(reqs: ChartDependency[], cvals: GoMap, warn: Warn): void {
  const vt = valuesTable(cvals, "tags");
  if (!vt) return;
  for (const r of reqs) {
    let hasTrue = false;
    let hasFalse = false;
    for (const k of r.tags) {
      if (!vt.has(k)) continue;
      const b = vt.get(k);
      if (typeof b === "boolean") {
        if (b) hasTrue = true;
        else hasFalse = true;
      } else {
        warn(
          slogLine("WARN", "returned non-bool value", [
            ["tag", k],
            ["chart", r.name],
          ]),
        );
      }
    }
    if (!hasTrue && hasFalse) r.enabled = false;
    else if (hasTrue || (!hasTrue && !hasFalse)) r.enabled = true;
  }
}

function processConditions(reqs: ChartDependency[], cvals: GoMap, cpath: string, warn: Warn): void {
  for (const r of reqs) {
    for (const c of r.condition.trim().split(",")) {
      if (c.length === 0) continue;
      const found = pathValue(cvals, cpath + c);
      if (!found) continue;
      if (typeof found.value === "boolean") {
        r.enabled = found.value;
        break;
      }
      warn(
        slogLine("WARN", "returned non-bool value", [
          ["path", c],
          ["chart", r.name],
        ]),
      );
    }
  }
}

function aliasDependency(charts: RenderChart[], dep: ChartDependency): RenderChart | undefined {
  for (const c of charts) {
    if (chartName(c) !== dep.name) continue;
    if (!isCompatibleRange(dep.version, c.metadata.version)) continue;
    const out = aliasCopy(c);
    if (dep.alias !== "") out.metadata.name = dep.alias;
    return out;
  }
  return undefined;
}

function processEnabled(c: RenderChart, v: GoMap, path: string, warn: Warn): void {
  if (c.metadata.dependencies.length === 0) return;
  const chartDependencies: RenderChart[] = [];
  const reqs = c.metadata.dependencies;
  for (const existing of c.dependencies) {
    const listed = reqs.some(
      (req) =>
        req !== null &&
        chartName(existing) === req.name &&
        isCompatibleRange(req.version, existing.metadata.version),
    );
    if (!listed) chartDependencies.push(existing);
  }
  for (const req of reqs) {
    if (req === null) continue;
    const dep = aliasDependency(c.dependencies, req);
    if (dep) chartDependencies.push(dep);
    if (req.alias !== "") req.name = req.alias;
  }
  setDependencies(c, chartDependencies);
  const live = liveDependencies(c);
  for (const r of live) r.enabled = true;
  const cvals = coalesceValues(c, v, warn);
  processTags(live, cvals, warn);
  processConditions(live, cvals, path, warn);
  const removed = new Set(live.filter((r) => !r.enabled).map((r) => r.name));
  const kept = c.dependencies.filter((d) => !removed.has(chartName(d)));
  const keptMetadata = live.filter((r) => !removed.has(r.name));
  for (const t of kept) processEnabled(t, cvals, `${path}${chartName(t)}.`, warn);
  c.metadata.dependencies = keptMetadata;
  setDependencies(c, kept);
}

/** pathToMap: nests `data` under a dotted path ("." is the root). */
function pathToMap(path: string, data: GoMap): GoMap {
  if (path === ".") return data;
  let cur = data;
  const parts = path.split(".");
  for (let i = parts.length - 1; i >= 0; i--) cur = new GoMap([[parts[i] as string, cur]]);
  return cur;
}

function processImportValues(c: RenderChart, warn: Warn): void {
  if (c.metadata.dependencies.length === 0) return;
  const cvals = mergeValues(c, null, warn);
  let b = new GoMap();
  for (const r of liveDependencies(c)) {
    const outiv: GoValue[] = [];
    for (const riv of r.importValues) {
      if (riv instanceof GoMap) {
        const child = formatValue(riv.get("child") ?? null);
        const parent = formatValue(riv.get("parent") ?? null);
        outiv.push(
          new GoMap(
            [
              ["child", child],
              ["parent", parent],
            ],
            "map[string]string",
          ),
        );
        const vv = valuesTable(cvals, `${r.name}.${child}`);
        if (!vv) {
          const error = noTableError(cvals, `${r.name}.${child}`);
          warn(
            slogLine("WARN", "ImportValues missing table from chart", [
              ["chart", r.name],
              ["error", error],
            ]),
          );
          continue;
        }
        b = mergeTables(b, pathToMap(parent, vv));
      } else if (typeof riv === "string") {
        const child = `exports.${riv}`;
        outiv.push(
          new GoMap(
            [
              ["child", child],
              ["parent", "."],
            ],
            "map[string]string",
          ),
        );
        const vm = valuesTable(cvals, `${r.name}.${child}`);
        if (!vm) {
          warn(
            slogLine("WARN", "ImportValues missing table", [
              ["error", noTableError(cvals, `${r.name}.${child}`)],
            ]),
          );
          continue;
        }
        b = mergeTables(b, vm);
      }
    }
    r.importValues = outiv;
  }
  c.values = mergeTables(deepCopy(cvals), b);
}

function processImports(c: RenderChart, warn: Warn): void {
  for (const d of c.dependencies) processImports(d, warn);
  processImportValues(c, warn);
}

/** ProcessDependencies: enables/disables subcharts and imports values, on the render tree. */
export function processDependencies(root: RenderChart, userValues: GoMap, warn: Warn): void {
  processEnabled(root, userValues, "", warn);
  processImports(root, warn);
}
