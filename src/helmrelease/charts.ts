/**
 * Where a HelmRelease's chart comes from when it is not in the repository: a chart provider
 * answers "this chart, this version range, from this source" with a loaded chart, offline.
 * The default provider reads the content-addressed chart cache that `slipway charts pull`
 * fills (src/charts, see notes/charts.md); tests and the fidelity suite map charts to
 * directories. A provider never touches the network.
 */

import { cacheDisabled } from "../cache/location.js";
import type { RenderCache } from "../cache/store.js";
import { ChartCache, defaultCacheDir, resolveVersion } from "../charts/index.js";
import type { FileSystem } from "../fs/filesystem.js";
import type { Chart } from "../helm/chart.js";
import {
  type ChartDirReader,
  chartDirFiles,
  diskReader,
  fileSystemReader,
  loadChartArchiveFromBytes,
  loadChartDir,
} from "../helm/chart-source.js";
import { chartDigest } from "../helm/loader.js";
import { persistedArchiveIndex } from "../helm/persisted-archive-index.js";
import { keepParsesIn } from "../helm/persisted-parse.js";
import { persistedValuesReader } from "../helm/persisted-values.js";
import { redactUrl } from "../url-credentials.js";

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
  /**
   * The slipway.yaml `charts.mirrors` entries the chart is fetched through (src/charts/mirrors.ts
   * mirroredBy); absent: from its source. The chart cache serves only what they served.
   */
  mirroredBy?: string;
}

export type ChartAnswer =
  | { chart: Chart; version: string; location: string }
  | { missing: string }
  | { error: string };

/**
 * A chart found but not loaded: `identity` names its content (two charts with one identity load
 * to the same chart, subcharts and values.yaml included), so a render cache can answer for it
 * without `load` ever running.
 */
export interface LocatedChart {
  identity: string;
  location: string;
  /** The version the request resolved to; the loaded chart's Chart.yaml version wins over it. */
  version: string;
  load(): ChartAnswer;
  /** What finding the chart warns about (files of a repository's chart left out). */
  warnings?: string[];
  /**
   * Whether the chart's content is there and intact, without loading it (the chart cache reads
   * the archive and checks its digest; load then uses those bytes): what a caller that knows the
   * chart's facts without loading it asks, so that a damaged archive fails as when it loads.
   * Absent: the provider cannot tell without loading.
   */
  verify?(): { missing: string } | { error: string } | undefined;
  /**
   * Where what is derived from the chart's content may be kept between runs, when its provider
   * keeps one (the chart cache, by archive digest: src/charts/derived.ts); absent: the render
   * cache keeps it.
   */
  derived?: RenderCache;
}

export type ChartLookup = { located: LocatedChart } | { missing: string } | { error: string };

export interface ChartProvider {
  load(req: ChartRequest): ChartAnswer;
  /** The chart's identity without loading it (absent: callers load to know it). */
  locate?(req: ChartRequest): ChartLookup;
}

/** A cached chart's key (src/charts/cache.ts ChartRef). */
export interface ChartStoreRef {
  source: string;
  name: string;
  version: string;
  mirroredBy?: string;
}

/** The part of the chart cache (src/charts/cache.ts ChartCache) a render reads. */
export interface ChartArchiveStore {
  getArchive(ref: ChartStoreRef): Uint8Array | undefined;
  /**
   * The archive's sha256 from its record, when the blob is present at the recorded size,
   * without reading it (absent: a located chart's identity needs the archive read).
   */
  archiveDigest?(ref: ChartStoreRef): string | undefined;
  knownVersions(source: string, name: string, mirroredBy?: string): string[] | undefined;
  /** The store of what is derived from the cached archives (ChartCache.derived); absent: none. */
  derived?(): RenderCache | undefined;
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
  const locate = (req: ChartRequest): ChartLookup => {
    const versions = store.knownVersions(req.source, req.name, req.mirroredBy) ?? [];
    const version = req.digest
      ? req.digest
      : (resolve(req.version, versions) ??
        (versions.length === 0 ? exactOrUndefined(req.version) : undefined));
    const what = `chart ${req.name}${req.version && req.version !== "*" ? ` ${req.version}` : ""} from ${redactUrl(req.source)}`;
    if (version === undefined) {
      return {
        missing:
          versions.length === 0
            ? `${what} is not in the chart cache`
            : `${what}: no cached version matches (cached: ${versions.join(", ")})`,
      };
    }
    const ref: ChartStoreRef = { source: req.source, name: req.name, version };
    if (req.mirroredBy !== undefined) ref.mirroredBy = req.mirroredBy;
    const derived = store.derived?.();
    const location = `${redactUrl(req.source)}/${req.name}@${version}`;
    const fromBytes = (bytes: Uint8Array): ChartAnswer => {
      try {
        const chart = loadChartArchiveFromBytes(
          bytes,
          `${req.name}-${version}.tgz`,
          derived
            ? {
                indexOf: (sha256) => persistedArchiveIndex(derived, sha256),
                readValues: persistedValuesReader(derived),
              }
            : {},
        );
        if (derived) keepParsesIn(chart, derived);
        return { chart, version: chart.metadata.version || version, location };
      } catch (e) {
        return { error: `cached ${what} (version ${version}) does not load: ${(e as Error).message}` };
      }
    };
    // Read (and verified against its digest) at most once: by verify, then by load.
    let archive: Uint8Array | { missing: string } | { error: string } | undefined;
    const read = (): Uint8Array | { missing: string } | { error: string } => {
      if (archive !== undefined) return archive;
      try {
        archive = store.getArchive(ref) ?? {
          missing: `${what} (version ${version}) is not in the chart cache`,
        };
      } catch (e) {
        archive = { error: (e as Error).message };
      }
      return archive;
    };
    let digest: string | undefined;
    try {
      digest = store.archiveDigest?.(ref);
    } catch {
      digest = undefined; // the archive read below reports what is wrong
    }
    if (digest !== undefined) {
      // The archive's sha256 is its identity: the bytes are read only if a render needs them.
      return {
        located: {
          identity: `archive:${digest}`,
          location,
          version,
          ...(derived ? { derived } : {}),
          verify: () => {
            const bytes = read();
            return bytes instanceof Uint8Array ? undefined : bytes;
          },
          load: () => {
            const bytes = read();
            return bytes instanceof Uint8Array ? fromBytes(bytes) : bytes;
          },
        },
      };
    }
    const bytes = read();
    if (!(bytes instanceof Uint8Array)) return bytes;
    const answer = fromBytes(bytes);
    return "chart" in answer ? { located: loadedChart(answer) } : answer;
  };
  return {
    locate,
    load(req) {
      const found = locate(req);
      return "located" in found ? found.located.load() : found;
    },
  };
}

/** A chart already loaded, as a located one: its files' digest is its identity. */
export function loadedChart(answer: Extract<ChartAnswer, { chart: Chart }>): LocatedChart {
  return {
    identity: `files:${answer.chart.digest}`,
    location: answer.location,
    version: answer.version,
    load: () => answer,
  };
}

/**
 * A chart directory, located by the digest of the files Helm would load (read, not parsed: the
 * digest loadChartDir computes, so the load that follows on a miss is the same chart).
 */
export function locateChartDir(
  dir: string,
  location: string,
  reader: ChartDirReader = diskReader,
): LocatedChart {
  const identity = `files:${chartDigest(chartDirFiles(dir, reader))}`;
  return {
    identity,
    location,
    version: "",
    load: () => {
      const chart = loadChartDir(dir, reader);
      return { chart, version: chart.metadata.version, location };
    },
  };
}

/** A chart directory of a repository's artifact view (its FileSystem). */
export function locateChartInFs(fs: FileSystem, dir: string, location: string): LocatedChart {
  return locateChartDir(dir, location, fileSystemReader(fs));
}

function exactOrUndefined(v: string): string | undefined {
  const t = v.trim();
  if (t === "" || t === "*" || /[\s<>=~^*|,xX]/.test(t)) return undefined;
  return t;
}

/**
 * Charts from directories by chart name (tests, the fidelity suite, benchmarks): the version
 * asked for is ignored. An unchanged directory is neither read nor digested again
 * (chart-source.ts keeps its walk while the stat data vouches for it).
 */
export function directoryChartProvider(dirs: Record<string, string>): ChartProvider {
  const locate = (req: ChartRequest): ChartLookup => {
    const dir = dirs[req.name];
    if (!dir) return { missing: `chart ${req.name} from ${redactUrl(req.source)} is not in the chart cache` };
    return { located: locateChartDir(dir, dir) };
  };
  return {
    locate,
    load(req) {
      const found = locate(req);
      return "located" in found ? found.located.load() : found;
    },
  };
}

/** A provider with nothing in it. */
export const noCharts: ChartProvider = {
  load: (req) => ({
    missing: `chart ${req.name}${req.version && req.version !== "*" ? ` ${req.version}` : ""} from ${redactUrl(req.source)} is not in the chart cache`,
  }),
};

/**
 * The chart cache `slipway charts pull` fills ($SLIPWAY_CACHE_DIR — which `--cache-dir` sets —
 * else $XDG_CACHE_HOME/slipway, else ~/.cache/slipway), with Flux's version resolution. An
 * invalid range resolves to nothing, so the HelmRelease is reported as not cached.
 */
export function defaultChartProvider(dir: string = defaultCacheDir()): ChartProvider {
  // What is derived from the archives is a cache like renders: --no-cache neither reads nor
  // writes it (SLIPWAY_NO_CACHE, read where the cache's place is: cache/location.ts).
  return cacheChartProvider(new ChartCache(dir, { derived: !cacheDisabled() }));
}
