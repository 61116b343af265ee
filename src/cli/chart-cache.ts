/**
 * The chart provider commands hand to the platform loader: charts of HelmReleases that are
 * not in the repository come from the chart cache (`--cache-dir`, else $SLIPWAY_CACHE_DIR,
 * else $XDG_CACHE_HOME/slipway), which `slipway charts pull` fills. Never the network.
 */
import { type ChartProvider, defaultChartProvider } from "../helmrelease/charts.js";

export function chartProviderFor(cacheDir: string | undefined): ChartProvider {
  return defaultChartProvider(cacheDir);
}
