/**
 * What `slipway charts pull` derives from each chart it leaves in the cache, so that the first
 * cold check after a pull reads its charts as every later one does: the facts and crds/
 * documents the platform reads (src/platform/helmreleases.ts ChartsOfPass.factsOf), the archive's
 * tar index and its values.yaml reads (written by the loader when the chart loads through the
 * cache: src/helmrelease/charts.ts), and the parse of its templates (src/helm/engine.ts
 * storeChartParse), all in the chart cache's derived store (src/charts/derived.ts).
 *
 * Each piece is what a render derives on its first cold use of the chart, through the same
 * code, under the same names: a render finds them and derives nothing. The templates parsed are
 * the ones a release with the chart's default values renders (subcharts enabled by default); a
 * release that enables others parses its own set, as without the pull. A chart whose templates
 * do not parse, or whose dependencies cannot be processed, gets no parse: its render fails as
 * Helm's does. Nothing here changes what pull reports.
 */
import type { RenderCache } from "../cache/store.js";
import type { ChartCache, ChartRef } from "../charts/cache.js";
import { SlipwayError } from "../errors.js";
import type { Chart } from "../helm/chart.js";
import { CoalesceError } from "../helm/coalesce.js";
import { defaultFuncs } from "../helm/default-funcs.js";
import { processDependencies } from "../helm/dependencies.js";
import { storeChartParse } from "../helm/engine.js";
import { checkDependenciesPresent } from "../helm/loader.js";
import { renderTree } from "../helm/render-chart.js";
import { GoMap } from "../helm/template/value.js";
import { cacheChartProvider } from "../helmrelease/charts.js";
import { type CrdFileDocs, writeCrdDocs } from "../platform/crd-docs-cache.js";
import { chartFacts } from "../platform/helmreleases.js";
import { readChartFacts, writeChartFacts } from "../platform/release-cache.js";

/** What was derived for one chart (tests; pull's output does not show it). */
export interface Derived {
  facts: boolean;
  parse: boolean;
}

/**
 * Fills `cache`'s derived store for the charts at `refs` (pulled, or found cached), where it
 * lacks them; nothing when the cache keeps no derived store (--no-cache). A chart that does not
 * load derives nothing: its render reports it.
 */
export function deriveCharts(cache: ChartCache, refs: readonly ChartRef[]): Map<ChartRef, Derived> {
  const out = new Map<ChartRef, Derived>();
  if (cache.derived() === undefined) return out;
  const provider = cacheChartProvider(cache);
  for (const ref of refs) {
    // The exact version, located as a render locates it (a digest request is taken as is).
    const found = provider.locate!({ ...ref, digest: ref.version });
    if (!("located" in found) || found.located.derived === undefined) continue;
    const { identity, derived: store } = found.located;
    const answer = found.located.load();
    if (!("chart" in answer)) continue;
    const chart = answer.chart;
    let facts = false;
    if (readChartFacts(store, identity) === undefined) {
      const crds: CrdFileDocs[] = [];
      writeChartFacts(
        store,
        identity,
        chartFacts(chart, (file) => crds.push(file)),
      );
      writeCrdDocs(store, identity, crds);
      facts = true;
    }
    out.set(ref, { facts, parse: deriveParse(chart, store) });
  }
  return out;
}

/**
 * The parse of the chart's templates as a release with its default values renders them; none
 * for a chart renderChart refuses before parsing (not installable, dependencies missing or not
 * processable) or whose templates do not parse: its render reports that.
 */
function deriveParse(chart: Chart, store: RenderCache): boolean {
  const md = chart.metadata;
  if ((md.type !== "" && md.type !== "application") || md.apiVersion === "v3") return false;
  try {
    if (md.dependencies.length > 0) checkDependenciesPresent(chart);
    const root = renderTree(chart);
    processDependencies(root, new GoMap(), () => {});
    return storeChartParse(root, defaultFuncs, store);
  } catch (e) {
    if (e instanceof SlipwayError || e instanceof CoalesceError) return false;
    throw e;
  }
}
