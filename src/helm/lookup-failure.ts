/**
 * Whether a chart's failed render may fail only offline: a template the error names calls
 * `lookup`, which Slipway (like `helm template`) answers with an empty map, where
 * helm-controller's install reads the live cluster. artazar/flux2-general's network-policy chart
 * indexes `(lookup "v1" "Endpoints" "default" "kubernetes").subsets`, which every cluster has:
 * offline, "index of untyped nil". A `required` or `fail` message is the chart's own verdict on
 * its values, whatever else its templates read.
 */
import type { Chart } from "./chart.js";
import { WARN_START } from "./funcs/helm.js";

const TEMPLATE_PLACE = /([\w.@-]+(?:\/[\w.@-]+)*):\d+:\d+/g;
const LOOKUP_CALL = /\blookup\b/;

export function failureMayReadCluster(chart: Chart, error: string): boolean {
  if (error.includes("execution error at (") || error.includes(WARN_START)) return false;
  const named = new Set([...error.matchAll(TEMPLATE_PLACE)].map((m) => m[1]!));
  if (named.size === 0) return false;
  // The engine names a template `<chart>/<its path>` (a subchart's under `<chart>/charts/<sub>/`);
  // a template of any chart whose path ends a named place counts.
  const callsLookup = (c: Chart): boolean =>
    c.templates.some(
      (t) =>
        [...named].some((n) => n === t.name || n.endsWith(`/${t.name}`)) &&
        LOOKUP_CALL.test(Buffer.from(t.data).toString("utf8")),
    ) || c.dependencies.some(callsLookup);
  return callsLookup(chart);
}
