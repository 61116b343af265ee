/**
 * The chart cache and chart version resolution. Rendering reads charts through ChartCache and
 * never fetches; `slipway charts pull` (pull.ts) is the only code that uses the network.
 *
 *     const cache = new ChartCache(cacheDir ?? defaultCacheDir());
 *     const bytes = cache.getArchive({ source: "oci://ghcr.io/org/charts", name: "podinfo", version: "6.5.0" });
 *     if (bytes) loadChartArchiveFromBytes(bytes, …)        // verified by digest on read
 *     resolveVersion("^6.4.0", cache.knownVersions(source, name) ?? [])
 */
export {
  type CachedChart,
  CacheError,
  ChartCache,
  type ChartRef,
  canonicalSource,
  defaultCacheDir,
  describeRef,
} from "./cache.js";
export { isExactVersion, parseFluxVersion, resolveVersion } from "./resolve.js";
