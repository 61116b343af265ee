/**
 * Where a HelmRelease's chart comes from when it is not in the repository: a chart provider
 * answers "this chart, this version range, from this source" with a loaded chart, offline.
 * The default provider reads the content-addressed chart cache that `slipway charts pull`
 * fills (src/charts, see notes/charts.md); tests and the fidelity suite map charts to
 * directories. A provider never touches the network.
 */
import { ChartCache, defaultCacheDir, resolveVersion } from "../charts/index.js";
import type { Chart } from "../helm/chart.js";
import { loadChartArchiveFromBytes, loadChartDir } from "../helm/index.js";

/** What a HelmRelease asks for, in the chart cache's terms (notes/charts.md `ChartRef`). */
export interface ChartRequest {
  /**
   * Canonical location: a HelmRepository URL (no trailing `/`), `oci://host/repo` of an OCI
   * HelmRepository (chart = source/name), or an OCIRepository URL (name = its last segment).
   */
  source: string;
  name: string;
  /** A semver range, an exact version or tag; "*" or "" for the latest stable. */
  version: string;
  /** An OCIRepository `ref.digest`, when pinned by digest. */
  digest?: string;
}

export type ChartAnswer =
  | { chart: Chart; version: string; location: string }
  | { missing: string }
  | { error: string };

export interface ChartProvider {
  load(req: ChartRequest): ChartAnswer;
}

/** The part of the chart cache (src/charts/cache.ts ChartCache) a render reads. */
export interface ChartArchiveStore {
  getArchive(ref: { source: string; name: string; version: string }): Uint8Array | undefined;
  knownVersions(source: string, name: string): string[] | undefined;
}

/**
 * Flux's version selection (src/charts/resolve.ts, the one `charts pull` uses, so a render picks
 * the version pull fetched); an invalid range selects nothing, so the release is reported as
 * not cached rather than failing the run.
 */
export function fluxVersionOf(range: string, versions: string[]): string | undefined {
  try {
    return resolveVersion(range, versions);
  } catch {
    return undefined;
  }
}

/** Charts from the chart cache; `resolve` picks a version from the cached version list. */
export function cacheChartProvider(
  store: ChartArchiveStore,
  resolve: (range: string, versions: string[]) => string | undefined = fluxVersionOf,
): ChartProvider {
  return {
    load(req) {
      const versions = store.knownVersions(req.source, req.name) ?? [];
      const version = req.digest
        ? req.digest
        : (resolve(req.version, versions) ??
          (versions.length === 0 ? exactOrUndefined(req.version) : undefined));
      const what = `chart ${req.name}${req.version && req.version !== "*" ? ` ${req.version}` : ""} from ${req.source}`;
      if (version === undefined) {
        return {
          missing:
            versions.length === 0
              ? `${what} is not in the chart cache`
              : `${what}: no cached version matches (cached: ${versions.join(", ")})`,
        };
      }
      let bytes: Uint8Array | undefined;
      try {
        bytes = store.getArchive({ source: req.source, name: req.name, version });
      } catch (e) {
        return { error: (e as Error).message };
      }
      if (!bytes) return { missing: `${what} (version ${version}) is not in the chart cache` };
      try {
        const chart = loadChartArchiveFromBytes(bytes, `${req.name}-${version}.tgz`);
        return {
          chart,
          version: chart.metadata.version || version,
          location: `${req.source}/${req.name}@${version}`,
        };
      } catch (e) {
        return { error: `cached ${what} (version ${version}) does not load: ${(e as Error).message}` };
      }
    },
  };
}

function exactOrUndefined(v: string): string | undefined {
  const t = v.trim();
  if (t === "" || t === "*" || /[\s<>=~^*|,xX]/.test(t)) return undefined;
  return t;
}

/** Charts from directories by chart name (tests, the fidelity suite): the version asked for is ignored. */
export function directoryChartProvider(dirs: Record<string, string>): ChartProvider {
  return {
    load(req) {
      const dir = dirs[req.name];
      if (!dir) return { missing: `chart ${req.name} from ${req.source} is not in the chart cache` };
      const chart = loadChartDir(dir);
      return { chart, version: chart.metadata.version, location: dir };
    },
  };
}

/** A provider with nothing in it. */
export const noCharts: ChartProvider = {
  load: (req) => ({
    missing: `chart ${req.name}${req.version && req.version !== "*" ? ` ${req.version}` : ""} from ${req.source} is not in the chart cache`,
  }),
};

/**
 * The chart cache `slipway charts pull` fills ($SLIPWAY_CACHE_DIR — which `--cache-dir` sets —
 * else $XDG_CACHE_HOME/slipway, else ~/.cache/slipway), with Flux's version resolution. An
 * invalid range resolves to nothing, so the HelmRelease is reported as not cached.
 */
export function defaultChartProvider(dir: string = defaultCacheDir()): ChartProvider {
  return cacheChartProvider(new ChartCache(dir));
}
