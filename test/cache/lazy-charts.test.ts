/**
 * A release whose render the cache holds never loads its chart: the key names the chart by the
 * identity its provider gives without loading it (the archive's sha256 for the chart cache), so
 * a new archive in the chart cache is a miss, and a warm run loads no chart at all.
 */
import { describe, expect, it } from "vitest";
import { DiskRenderCache, type RenderCache } from "../../src/cache/store.js";
import { ChartCache } from "../../src/charts/cache.js";
import { type ChartProvider, cacheChartProvider } from "../../src/helmrelease/charts.js";
import { loadPlatform, type Platform } from "../../src/platform/index.js";
import { writeFixture } from "../helmrelease/fixture.js";
import { scratchDirs } from "../support/scratch.js";
import { tgz } from "../support/tgz.js";

const temps = scratchDirs();
const temp = (prefix: string) => temps.make(prefix);

const PODINFO = "https://stefanprodan.github.io/podinfo";

/** A podinfo chart whose ConfigMap says its version and a greeting from values.yaml. */
function podinfo(version: string, greeting = "hello"): Uint8Array {
  return tgz([
    ["podinfo/Chart.yaml", `apiVersion: v2\nname: podinfo\nversion: ${version}\n`],
    ["podinfo/values.yaml", `greeting: ${greeting}\n`],
    [
      "podinfo/templates/cm.yaml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo\ndata:\n  version: {{ .Chart.Version | quote }}\n  greeting: {{ .Values.greeting | quote }}\n",
    ],
  ]);
}

/** The chart cache's provider, counting the charts it loads (reads and parses). */
function counting(inner: ChartProvider): ChartProvider & { loads: number } {
  const p = {
    loads: 0,
    load: (req: Parameters<ChartProvider["load"]>[0]) => {
      p.loads++;
      return inner.load(req);
    },
    locate: (req: Parameters<ChartProvider["load"]>[0]) => {
      const found = inner.locate!(req);
      if (!("located" in found)) return found;
      const lc = found.located;
      return {
        located: {
          ...lc,
          load: () => {
            p.loads++;
            return lc.load();
          },
        },
      };
    },
  };
  return p;
}

const modelJson = (p: Platform) =>
  JSON.stringify(p, (k, v) => (k === "renderMs" ? undefined : typeof v === "bigint" ? `${v}n` : v));
const remote = (p: Platform) => p.clusters.flatMap((c) => c.helmReleases).find((h) => h.name === "remote")!;
const configMap = (p: Platform) =>
  remote(p).resources?.find((r) => r.object.kind === "ConfigMap")?.object.data as
    | Record<string, string>
    | undefined;

describe("render cache: charts by identity", () => {
  const root = writeFixture();
  temps.keep(root);
  const charts = new ChartCache(temp("slipway-lazy-charts-"));
  const renders = temp("slipway-lazy-renders-");
  const render = (cache: RenderCache | false) => {
    const provider = counting(cacheChartProvider(charts));
    return { p: loadPlatform(root, { charts: provider, renderCache: cache }), provider };
  };

  it("a warm run loads no chart of a release the cache holds, and equals a run without cache", () => {
    charts.putArchive({ source: PODINFO, name: "podinfo", version: "6.0.0" }, podinfo("6.0.0"));
    charts.putVersions(PODINFO, "podinfo", ["6.0.0"]);
    const none = render(false);
    expect(configMap(none.p)).toEqual({ version: "6.0.0", greeting: "hello" });
    expect(remote(none.p).resolvedVersion).toBe("6.0.0");
    const cold = render(new DiskRenderCache(renders));
    expect(cold.provider.loads).toBe(1);
    const warmCache = new DiskRenderCache(renders);
    const warm = render(warmCache);
    expect(warm.provider.loads).toBe(0);
    expect(warmCache.stats.hits).toBeGreaterThan(0);
    expect(warmCache.stats.writes).toBe(0);
    expect(modelJson(cold.p)).toBe(modelJson(none.p));
    expect(modelJson(warm.p)).toBe(modelJson(none.p));
  });

  it("a new version in the chart cache (another archive digest): a miss and the new output", () => {
    charts.putArchive({ source: PODINFO, name: "podinfo", version: "6.1.0" }, podinfo("6.1.0"));
    charts.putVersions(PODINFO, "podinfo", ["6.0.0", "6.1.0"]);
    const cache = new DiskRenderCache(renders);
    const { p, provider } = render(cache);
    expect(provider.loads).toBe(1);
    expect(cache.stats.writes).toBeGreaterThan(0);
    expect(configMap(p)).toEqual({ version: "6.1.0", greeting: "hello" });
    expect(remote(p).resolvedVersion).toBe("6.1.0");
    expect(modelJson(p)).toBe(modelJson(render(false).p));
  });

  it("the same version pulled again with other bytes (values.yaml changed): a miss", () => {
    charts.putArchive({ source: PODINFO, name: "podinfo", version: "6.1.0" }, podinfo("6.1.0", "bonjour"));
    const cache = new DiskRenderCache(renders);
    const { p, provider } = render(cache);
    expect(provider.loads).toBe(1);
    expect(configMap(p)).toEqual({ version: "6.1.0", greeting: "bonjour" });
    expect(modelJson(p)).toBe(modelJson(render(false).p));
    const again = new DiskRenderCache(renders);
    expect(render(again).provider.loads).toBe(0);
    expect(again.stats.writes).toBe(0);
  });
});
