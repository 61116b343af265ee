/**
 * The chart provider commands hand to the platform loader: charts of HelmReleases that are
 * not in the repository come from the chart cache (`--cache-dir`, else $SLIPWAY_CACHE_DIR,
 * else $XDG_CACHE_HOME/slipway), which `slipway charts pull` fills. Never the network.
 */
import type { ChartProvider } from "../helmrelease/charts.js";

export function chartProviderFor(_cacheDir: string | undefined): ChartProvider | undefined {
  // The chart cache (src/charts/cache.ts) is wired here when it lands; until then every chart
  // outside the repository is reported as not cached.
  return undefined;
}
