/**
 * Values coalescing, ported from Helm 4.1.4 pkg/chart/common/util/coalesce.go:
 *
 * - a chart's defaults sit under the values given to it; maps merge, scalars and lists replace;
 * - a subchart's values are the table named after it (its alias), with the parent's `global`
 *   table merged into the subchart's `global`;
 * - coalescing (not merging) deletes a key whose value is null when a lower layer has it
 *   (`key: null` removes a chart default), except inside subchart tables, which merge;
 * - "table vs. scalar" conflicts keep the higher layer and report a warning, worded as Helm's.
 *
 * The functions mutate `dest` as Helm's do; callers pass copies.
 */
import { chartName, deepCopy, isTable, type RenderChart } from "./render-chart.js";
import { slogLine } from "./slog.js";
import { GoMap, type GoValue } from "./template/value.js";

export type Warn = (message: string) => void;

/** Helm's coalescing warns through log.Printf, which Helm 4's slog prints as an INFO line. */
const logPrintf =
  (warn: Warn): Warn =>
  (message) =>
    warn(slogLine("INFO", message));

const GLOBAL_KEY = "global";

const concatPrefix = (a: string, b: string): string => (a === "" ? b : `${a}.${b}`);

/** Go's %v of a value in a warning (approximate: the text of scalars, Go's map/list shapes). */
function show(v: GoValue): string {
  if (v === null || v === undefined) return "<nil>";
  if (v instanceof GoMap)
    return `map[${v
      .sortedKeys()
      .map((k) => `${k}:${show(v.get(k))}`)
      .join(" ")}]`;
  if (Array.isArray(v)) return `[${v.map(show).join(" ")}]`;
  return String(v);
}

export class CoalesceError extends Error {}

/** CoalesceValues: the chart's (and subcharts') defaults under a copy of `vals`; nulls delete. */
export function coalesceValues(chart: RenderChart, vals: GoMap | null, warn: Warn): GoMap {
  const dest = vals ? deepCopy(vals) : new GoMap();
  return coalesce(logPrintf(warn), chart, dest, "", false);
}

/** MergeValues: like coalesceValues, but nulls are kept. */
export function mergeValues(chart: RenderChart, vals: GoMap | null, warn: Warn): GoMap {
  const dest = vals ? deepCopy(vals) : new GoMap();
  return coalesce(logPrintf(warn), chart, dest, "", true);
}

function coalesce(warn: Warn, chart: RenderChart, dest: GoMap, prefix: string, merge: boolean): GoMap {
  coalesceChartValues(warn, chart, dest, prefix, merge);
  return coalesceDeps(warn, chart, dest, prefix, merge);
}

function coalesceDeps(warn: Warn, chart: RenderChart, dest: GoMap, prefix: string, merge: boolean): GoMap {
  for (const sub of chart.dependencies) {
    const name = chartName(sub);
    const c = dest.get(name);
    if (!dest.has(name)) {
      dest.set(name, new GoMap());
    } else if (!isTable(c)) {
      throw new CoalesceError(`type mismatch on ${name}: %!t(${goTypeForWarning(c)}=${show(c)})`);
    }
    const dvmap = dest.get(name) as GoMap;
    const subPrefix = concatPrefix(prefix, chartName(chart));
    coalesceGlobals(warn, dvmap, dest, subPrefix);
    dest.set(name, coalesce(warn, sub, dvmap, subPrefix, merge));
  }
  return dest;
}

function goTypeForWarning(v: GoValue): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "float64";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "[]interface {}";
  return "interface {}";
}

/** coalesceGlobals: copies the parent's globals into the subchart's, parent values first. */
function coalesceGlobals(warn: Warn, dest: GoMap, src: GoMap, prefix: string): void {
  let dg: GoMap;
  let sg: GoMap;
  const destGlob = dest.get(GLOBAL_KEY);
  if (!dest.has(GLOBAL_KEY)) dg = new GoMap();
  else if (isTable(destGlob)) dg = destGlob;
  else {
    warn(`warning: skipping globals because destination ${GLOBAL_KEY} is not a table.`);
    return;
  }
  const srcGlob = src.get(GLOBAL_KEY);
  if (!src.has(GLOBAL_KEY)) sg = new GoMap();
  else if (isTable(srcGlob)) sg = srcGlob;
  else {
    warn(`warning: skipping globals because source ${GLOBAL_KEY} is not a table.`);
    return;
  }
  for (const [key, val] of sg) {
    if (isTable(val)) {
      const vv = new GoMap(val);
      const destv = dg.get(key);
      if (!dg.has(key)) {
        dg.set(key, vv);
      } else if (!isTable(destv)) {
        warn(`Conflict: cannot merge map onto non-map for "${key}". Skipping.`);
      } else {
        coalesceTablesFullKey(warn, vv, destv, concatPrefix(prefix, key), true);
        dg.set(key, vv);
      }
    } else if (dg.has(key) && isTable(dg.get(key))) {
      warn(`key ${key} is table. Skipping`);
    } else {
      dg.set(key, val);
    }
  }
  dest.set(GLOBAL_KEY, dg);
}

/** coalesceValues (Go): a chart's own defaults under `v`. */
function coalesceChartValues(warn: Warn, chart: RenderChart, v: GoMap, prefix: string, merge: boolean): void {
  const subPrefix = concatPrefix(prefix, chartName(chart));
  const vc = deepCopy(chart.values);
  for (const [key, val] of vc) {
    if (v.has(key)) {
      const value = v.get(key);
      if (value === null && !merge) {
        v.delete(key);
      } else if (isTable(value)) {
        if (!isTable(val)) {
          if (val !== null) warn(`warning: skipped value for ${subPrefix}.${key}: Not a table.`);
        } else {
          const childMerge = chart.dependencies.some((d) => chartName(d) === key) ? true : merge;
          coalesceTablesFullKey(warn, value, val, concatPrefix(subPrefix, key), childMerge);
        }
      }
    } else {
      v.set(key, val);
    }
  }
}

/** CoalesceTables: `src` under `dst` (dst wins); nulls in dst delete keys src has. */
export function coalesceTables(dst: GoMap, src: GoMap, warn: Warn = () => {}): GoMap {
  return coalesceTablesFullKey(logPrintf(warn), dst, src, "", false);
}

/** MergeTables: like coalesceTables, keeping nulls. */
export function mergeTables(dst: GoMap, src: GoMap, warn: Warn = () => {}): GoMap {
  return coalesceTablesFullKey(logPrintf(warn), dst, src, "", true);
}

function coalesceTablesFullKey(
  warn: Warn,
  dst: GoMap | null,
  src: GoMap | null,
  prefix: string,
  merge: boolean,
): GoMap {
  if (src === null) return dst as GoMap;
  if (dst === null) return src;
  const srcOriginalNonNil = new Set<string>();
  src.forEach((val, key) => {
    if (val !== null) srcOriginalNonNil.add(key);
  });
  dst.forEach((val, key) => {
    if (val === null) src.set(key, null);
  });
  src.forEach((val, key) => {
    const fullKey = concatPrefix(prefix, key);
    const ok = dst.has(key);
    const dv = dst.get(key);
    if (ok && !merge && dv === null && srcOriginalNonNil.has(key)) {
      dst.delete(key);
    } else if (!ok) {
      dst.set(key, val);
    } else if (isTable(val)) {
      if (isTable(dv)) coalesceTablesFullKey(warn, dv, val, fullKey, merge);
      else warn(`warning: cannot overwrite table with non table for ${fullKey} (${show(val)})`);
    } else if (isTable(dv) && val !== null) {
      warn(`warning: destination for ${fullKey} is a table. Ignoring non-table value (${show(val)})`);
    }
  });
  return dst;
}
