/**
 * A cached chart's template parses are derived data of its archive (src/charts/derived.ts): kept
 * beside the chart cache rather than in the render cache, so a cold run whose render cache is
 * empty finds them; and `slipway charts pull` derives them (src/cli/charts-derive.ts), with the
 * chart's facts, crds/, tar index and values, so the first cold run after a pull parses none of
 * the chart's templates. A damaged entry is a miss: the templates are parsed and the output is
 * the same. A chart whose templates do not parse gets no parse, and fails as without a pull.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { flushWrites } from "../../src/cache/pack-writes.js";
import { DiskRenderCache, removeRenders, rendersDir } from "../../src/cache/store.js";
import { ChartCache } from "../../src/charts/cache.js";
import { chartDerivedDir } from "../../src/charts/derived.js";
import { chartsCommand } from "../../src/cli/charts.js";
import { deriveCharts } from "../../src/cli/charts-derive.js";
import { forgetParsedTemplates } from "../../src/helm/engine.js";
import { cacheChartProvider } from "../../src/helmrelease/charts.js";
import { loadPlatform, type Platform } from "../../src/platform/index.js";
import { writeFixture } from "../helmrelease/fixture.js";
import { captureOutput } from "../support/capture.js";
import { scratchDirs } from "../support/scratch.js";
import { startHelmRepo } from "../support/servers.js";
import { tgz } from "../support/tgz.js";

/** Which template texts the parser was given, by template name. */
const parsed = vi.hoisted(() => [] as string[]);
vi.mock("../../src/helm/template/parse.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/helm/template/parse.js")>();
  return {
    ...original,
    parseText: (
      name: string,
      ...rest: Parameters<typeof original.parseText> extends [string, ...infer R] ? R : never
    ) => {
      parsed.push(name);
      return original.parseText(name, ...rest);
    },
  };
});

const PODINFO = "https://stefanprodan.github.io/podinfo";
const REF = { source: PODINFO, name: "podinfo", version: "6.0.0" };
const PARSE_UNIT = "helm-parse";

/** podinfo with more template text than a parse entry is kept for (engine.ts PERSIST_MIN_TEXT). */
function podinfo(broken = false): Uint8Array {
  const filler = `{{/* ${"words that make the text long enough to keep ".repeat(900)}*/}}\n`;
  return tgz([
    ["podinfo/Chart.yaml", "apiVersion: v2\nname: podinfo\nversion: 6.0.0\n"],
    ["podinfo/values.yaml", "greeting: hello\n"],
    ["podinfo/templates/_helpers.tpl", `${filler}{{- define "podinfo.name" -}}podinfo{{- end -}}\n`],
    [
      "podinfo/templates/cm.yaml",
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "podinfo.name" . }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n${broken ? "{{ if }}\n" : ""}`,
    ],
  ]);
}

const modelJson = (p: Platform) => JSON.stringify(p, (k, v) => (k === "renderMs" ? undefined : v));
const remote = (p: Platform) => p.clusters.flatMap((c) => c.helmReleases).find((h) => h.name === "remote")!;
const chartParses = () => parsed.filter((n) => n.startsWith("podinfo/templates/"));

const temps = scratchDirs();

function setup(archive: Uint8Array) {
  const root = writeFixture();
  const cacheDir = temps.make("slipway-derived-parses-");
  temps.keep(root);
  const seed = new ChartCache(cacheDir);
  seed.putArchive(REF, archive);
  seed.putVersions(PODINFO, "podinfo", ["6.0.0"]);
  /** A run as a fresh process makes it: nothing parsed in memory, the render cache emptied. */
  const coldRun = () => {
    flushWrites();
    removeRenders(cacheDir, "clear");
    forgetParsedTemplates();
    parsed.length = 0;
    const charts = new ChartCache(cacheDir);
    const p = loadPlatform(root, {
      charts: cacheChartProvider(charts),
      renderCache: new DiskRenderCache(cacheDir),
    });
    flushWrites();
    return { p, derived: charts.derived()!, parses: chartParses() };
  };
  const none = () => {
    forgetParsedTemplates();
    return loadPlatform(root, {
      charts: cacheChartProvider(new ChartCache(cacheDir, { derived: false })),
      renderCache: false,
    });
  };
  /** `slipway charts pull`'s derivation, in a process of its own. */
  const pull = () => {
    forgetParsedTemplates();
    const out = deriveCharts(new ChartCache(cacheDir), [REF]);
    flushWrites();
    return [...out.values()][0];
  };
  const unitFiles = (unit: string): string[] => {
    const [code] = readdirSync(chartDerivedDir(cacheDir));
    const dir = path.join(chartDerivedDir(cacheDir), code!, unit);
    try {
      return readdirSync(dir).map((n) => path.join(dir, n));
    } catch {
      return [];
    }
  };
  return { cacheDir, coldRun, none, pull, unitFiles };
}

describe("a cached chart's template parses", () => {
  beforeEach(() => {
    parsed.length = 0;
  });

  it("after charts pull, a cold run parses none of the chart's templates; the output is the same", () => {
    const { coldRun, none, pull, unitFiles } = setup(podinfo());
    const expected = modelJson(none());
    expect(remote(none()).status).toBe("rendered");
    expect(pull()).toEqual({ facts: true, parse: true });
    expect(unitFiles(PARSE_UNIT)).toHaveLength(1);
    // pulled again: everything is there, nothing is derived again
    expect(pull()).toEqual({ facts: false, parse: false });
    const cold = coldRun();
    expect(cold.parses).toEqual([]);
    // the facts, crds/ (none), index, values read and the parse: all hits, nothing written
    expect(cold.derived.stats).toMatchObject({ misses: 0, writes: 0, rejected: 0 });
    expect(modelJson(cold.p)).toBe(expected);
  });

  it("without a pull, the first cold run keeps the parse beside the chart, not in the render cache", () => {
    const { cacheDir, coldRun, none, unitFiles } = setup(podinfo());
    const expected = modelJson(none());
    const first = coldRun();
    expect(first.parses.length).toBeGreaterThan(0);
    expect(unitFiles(PARSE_UNIT)).toHaveLength(1);
    expect(readdirSync(path.join(rendersDir(cacheDir), readdirSync(rendersDir(cacheDir))[0]!))).not.toContain(
      PARSE_UNIT,
    );
    const cold = coldRun();
    expect(cold.parses).toEqual([]);
    expect(modelJson(first.p)).toBe(expected);
    expect(modelJson(cold.p)).toBe(expected);
  });

  it("a damaged parse entry is a miss: the templates are parsed, the output is the same", () => {
    const { coldRun, none, pull, unitFiles } = setup(podinfo());
    const expected = modelJson(none());
    pull();
    const [file] = unitFiles(PARSE_UNIT);
    const bytes = readFileSync(file!);
    bytes[bytes.length - 30]! ^= 0xff;
    writeFileSync(file!, bytes);
    const damaged = coldRun();
    expect(damaged.derived.stats.rejected).toBe(1);
    expect(damaged.parses.length).toBeGreaterThan(0);
    expect(modelJson(damaged.p)).toBe(expected);
  });

  it("a chart whose templates do not parse is derived without a parse, and fails as without a pull", () => {
    const { coldRun, none, pull, unitFiles } = setup(podinfo(true));
    const without = none();
    expect(remote(without).status).toBe("failed");
    expect(pull()).toEqual({ facts: true, parse: false });
    expect(unitFiles(PARSE_UNIT)).toEqual([]);
    expect(modelJson(coldRun().p)).toBe(modelJson(without));
  });

  it("`slipway cache clear` removes the parses with the rest of what is derived", () => {
    const { cacheDir, coldRun, pull, unitFiles } = setup(podinfo());
    pull();
    const kept = ["chart-facts", "chart-crd-docs", "helm-archive-index", "helm-values", PARSE_UNIT].filter(
      (u) => unitFiles(u).length > 0,
    );
    expect(kept).toContain(PARSE_UNIT);
    expect(removeRenders(cacheDir, "clear", 30, Date.now(), chartDerivedDir(cacheDir))).toBe(kept.length);
    expect(coldRun().parses.length).toBeGreaterThan(0);
  });

  it("charts pull with the cache off derives nothing", () => {
    const { cacheDir } = setup(podinfo());
    expect(deriveCharts(new ChartCache(cacheDir, { derived: false }), [REF]).size).toBe(0);
    flushWrites();
    expect(readdirSync(path.join(cacheDir, "charts"))).not.toContain("derived");
  });
});

describe("slipway charts pull", () => {
  it("derives what a cold render would from every chart it leaves; its output is the same", async () => {
    const served = temps.make("slipway-derived-repo-");
    mkdirSync(path.join(served, "stable"));
    writeFileSync(path.join(served, "stable", "podinfo-6.0.0.tgz"), podinfo());
    writeFileSync(
      path.join(served, "stable", "index.yaml"),
      "apiVersion: v1\nentries:\n  podinfo:\n    - name: podinfo\n      version: 6.0.0\n      urls: [podinfo-6.0.0.tgz]\n",
    );
    const server = await startHelmRepo(served);
    const repo = writeFixture();
    temps.keep(repo);
    for (const f of readdirSync(repo, { recursive: true, withFileTypes: true })) {
      if (!f.isFile()) continue;
      const file = path.join(f.parentPath, f.name);
      const text = readFileSync(file, "utf8");
      if (text.includes(PODINFO))
        writeFileSync(file, text.replaceAll(PODINFO, `http://127.0.0.1:${server.port}/stable`));
    }
    const pull = async (cacheDir: string, cacheOn: boolean) => {
      const before = process.env.SLIPWAY_NO_CACHE;
      process.env.SLIPWAY_NO_CACHE = cacheOn ? "" : "1";
      try {
        const r = await captureOutput(() =>
          chartsCommand(["pull", repo, "--cache-dir", cacheDir, "--format", "json"]),
        );
        flushWrites();
        const out = JSON.parse(r.stdout) as { ms: number; charts: Array<{ ms: number }> };
        return { code: r.code, out: { ...out, ms: 0, charts: out.charts.map((c) => ({ ...c, ms: 0 })) } };
      } finally {
        process.env.SLIPWAY_NO_CACHE = before;
      }
    };
    try {
      const withCache = temps.make("slipway-derived-pull-");
      const without = temps.make("slipway-derived-pull-off-");
      const on = await pull(withCache, true);
      const off = await pull(without, false);
      expect(on.code).toBe(0);
      expect(on.out.charts).toHaveLength(1);
      expect(on).toEqual({ ...off, out: { ...off.out, cacheDir: withCache } });
      expect(readdirSync(path.join(without, "charts"))).not.toContain("derived");
      const [code] = readdirSync(chartDerivedDir(withCache));
      const units = readdirSync(path.join(chartDerivedDir(withCache), code!));
      expect(units).toEqual(expect.arrayContaining(["chart-facts", PARSE_UNIT]));
    } finally {
      await server.stop();
    }
  });
});
