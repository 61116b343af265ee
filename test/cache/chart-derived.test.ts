import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { flushWrites } from "../../src/cache/pack-writes.js";
import { DiskRenderCache, removeRenders } from "../../src/cache/store.js";
import { ChartCache } from "../../src/charts/cache.js";
import { chartDerivedDir } from "../../src/charts/derived.js";
import { sha256HexOf } from "../../src/fs/bytes-digest.js";
import { readChartArchive } from "../../src/helm/loader.js";
import { persistedArchiveIndex } from "../../src/helm/persisted-archive-index.js";
import { cacheChartProvider } from "../../src/helmrelease/charts.js";
import { CHART_CRD_DOCS_UNIT } from "../../src/platform/crd-docs-cache.js";
import { loadPlatform, type Platform } from "../../src/platform/index.js";
import { CHART_FACTS_UNIT } from "../../src/platform/release-cache.js";
import { writeFixture } from "../helmrelease/fixture.js";
import { slipwayWithCache } from "../support/cli.js";
import { scratchDirs } from "../support/scratch.js";
import { tgz } from "../support/tgz.js";

const PODINFO = "https://stefanprodan.github.io/podinfo";

const crd = (group: string, kind: string, extra = "") => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${kind.toLowerCase()}s.${group}
spec:
  group: ${group}
  names:
    kind: ${kind}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          description:
          properties:
            size: { type: integer, maximum: 123456789012345678901234567890, minimum: -0.0 }${extra}
`;

/**
 * podinfo with crds/ in the chart and in a subchart: values JSON cannot spell (a null with no
 * text, a bigint, -0, a `__proto__` key), text past ASCII, a file that starts with a byte order
 * mark (which the archive loader drops), a document that is not a map.
 */
function podinfoWithCrds(): Uint8Array {
  return tgz([
    [
      "podinfo/Chart.yaml",
      "apiVersion: v2\nname: podinfo\nversion: 6.0.0\ndependencies:\n  - name: sub\n    version: 0.1.0\n",
    ],
    // large enough for its read to be kept (persisted-values.ts)
    ["podinfo/values.yaml", `greeting: hello\n${"filler:\n".concat("  - some words to read\n".repeat(800))}`],
    ["podinfo/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo\n"],
    [
      "podinfo/crds/widgets.yaml",
      `${crd("example.com", "Widget", "\n            __proto__: { type: string }")}---\n- a list\n`,
    ],
    ["podinfo/crds/bom.yaml", `\ufeff${crd("bom.example.com", "Bommed")}`],
    ["podinfo/charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n"],
    [
      "podinfo/charts/sub/crds/gadgets.yaml",
      crd("sub.example.com", "Gadget", '\n            note: { type: string, description: "“quoted” 🚀" }'),
    ],
  ]);
}

const modelJson = (p: Platform) =>
  JSON.stringify(p, (k, v) =>
    k === "renderMs" ? undefined : typeof v === "bigint" ? `${v}n` : Object.is(v, -0) ? "-0" : v,
  );
const remote = (p: Platform) => p.clusters.flatMap((c) => c.helmReleases).find((h) => h.name === "remote")!;

const temps = scratchDirs();

describe("chart cache: what renders derive from an archive", () => {
  const root = writeFixture();
  temps.keep(root);
  const cacheDir = temps.make("slipway-chart-derived-");
  const seed = new ChartCache(cacheDir);
  seed.putArchive({ source: PODINFO, name: "podinfo", version: "6.0.0" }, podinfoWithCrds());
  seed.putVersions(PODINFO, "podinfo", ["6.0.0"]);
  /** A run as a fresh process makes it: a new chart cache object, the render cache emptied. */
  const coldRun = () => {
    removeRenders(cacheDir, "clear");
    const charts = new ChartCache(cacheDir);
    const p = loadPlatform(root, {
      charts: cacheChartProvider(charts),
      renderCache: new DiskRenderCache(cacheDir),
    });
    return { p, derived: charts.derived()! };
  };
  const entries = (unit: string) => {
    flushWrites();
    const code = readdirSync(chartDerivedDir(cacheDir));
    expect(code).toHaveLength(1);
    const dir = path.join(chartDerivedDir(cacheDir), code[0]!, unit);
    return readdirSync(dir).map((n) => path.join(dir, n));
  };
  const none = loadPlatform(root, {
    charts: cacheChartProvider(new ChartCache(cacheDir, { derived: false })),
    renderCache: false,
  });

  it("renders the chart's crds/ (the fixture is what it means to be)", () => {
    const kinds = remote(none)
      .resources?.filter((r) => r.crd)
      .map((r) => r.object.metadata);
    expect(kinds?.map((m) => (m as { name: string }).name)).toEqual([
      "widgets.example.com",
      "bommeds.bom.example.com",
      "gadgets.sub.example.com",
    ]);
    // --no-cache: nothing derived is kept
    expect(readdirSync(cacheDir)).not.toContain("renders");
    expect(readdirSync(path.join(cacheDir, "charts")).includes("derived")).toBe(false);
  });

  it("a first run stores them beside the chart; a cold run takes them; both equal a run without cache", () => {
    const first = coldRun();
    expect(first.derived.stats).toMatchObject({ hits: 0, writes: 2 });
    expect(entries(CHART_FACTS_UNIT)).toHaveLength(1);
    expect(entries(CHART_CRD_DOCS_UNIT)).toHaveLength(1);
    const cold = coldRun();
    // the facts and the crds/ documents, nothing written again
    expect(cold.derived.stats).toMatchObject({ hits: 2, misses: 0, writes: 0, rejected: 0 });
    expect(modelJson(first.p)).toBe(modelJson(none));
    expect(modelJson(cold.p)).toBe(modelJson(none));
  });

  it("a damaged crds/ entry is a miss: the files are parsed, the output is the same", () => {
    coldRun();
    const [file] = entries(CHART_CRD_DOCS_UNIT);
    const bytes = readFileSync(file!);
    bytes[bytes.length - 20]! ^= 0xff;
    writeFileSync(file!, bytes);
    const damaged = coldRun();
    expect(damaged.derived.stats).toMatchObject({ hits: 1, rejected: 1 });
    expect(modelJson(damaged.p)).toBe(modelJson(none));
    // a truncated facts entry too: the chart is read for its facts, which are stored again
    const [facts] = entries(CHART_FACTS_UNIT);
    writeFileSync(facts!, readFileSync(facts!).subarray(0, 40));
    const truncated = coldRun();
    expect(truncated.derived.stats).toMatchObject({ hits: 0, rejected: 1, writes: 2 });
    expect(modelJson(truncated.p)).toBe(modelJson(none));
    expect(coldRun().derived.stats).toMatchObject({ hits: 2, rejected: 0 });
  });

  it("a cold run applies the stored documents (the crds/ are not parsed again)", () => {
    coldRun();
    const digest = seed.archiveDigest({ source: PODINFO, name: "podinfo", version: "6.0.0" })!;
    const store = new DiskRenderCache(cacheDir, undefined, { root: chartDerivedDir(cacheDir) });
    const key = store.key(CHART_CRD_DOCS_UNIT, `archive:${digest}`);
    const body = store.get(key) as {
      files: Array<{ at: string; docs: Array<{ metadata: { name: string } }> }>;
    };
    // (the archive loader drops bom.yaml's byte order mark, as Helm's does)
    expect(body.files.map((f) => f.at)).toEqual([
      ":crds/widgets.yaml",
      ":crds/bom.yaml",
      "0:crds/gadgets.yaml",
    ]);
    // Sealed under the same key, so trusted: a stand-in shows which documents the run applied.
    body.files[0]!.docs[0]!.metadata.name = "stored.example.com";
    store.put(key, body);
    const names = remote(coldRun().p)
      .resources?.filter((r) => r.crd)
      .map((r) => (r.object.metadata as { name: string }).name);
    expect(names).toEqual(["stored.example.com", "bommeds.bom.example.com", "gadgets.sub.example.com"]);
    removeRenders(cacheDir, "clear", 30, Date.now(), chartDerivedDir(cacheDir));
  });

  it("a release entry names the crds/ documents read from beside the chart; a warm run reads them from there", () => {
    coldRun();
    const cold = coldRun();
    expect(cold.derived.stats).toMatchObject({ hits: 2, writes: 0 });
    /** The render cache kept: a warm run, in a fresh process. */
    const warmRun = () => {
      flushWrites();
      const charts = new ChartCache(cacheDir);
      const p = loadPlatform(root, {
        charts: cacheChartProvider(charts),
        renderCache: new DiskRenderCache(cacheDir),
      });
      const json = modelJson(p);
      return { p, json, derived: charts.derived()! };
    };
    const warm = warmRun();
    expect(warm.json).toBe(modelJson(none));
    // The facts, and the crds/ documents the release entry names.
    expect(warm.derived.stats).toMatchObject({ hits: 2, misses: 0, writes: 0 });
    // Sealed under the same key, so trusted: a stand-in shows where the warm run took them from.
    const digest = seed.archiveDigest({ source: PODINFO, name: "podinfo", version: "6.0.0" })!;
    const store = new DiskRenderCache(cacheDir, undefined, { root: chartDerivedDir(cacheDir) });
    const key = store.key(CHART_CRD_DOCS_UNIT, `archive:${digest}`);
    const body = store.get(key) as { files: Array<{ docs: Array<{ metadata: { name: string } }> }> };
    body.files[0]!.docs[0]!.metadata.name = "stored.example.com";
    store.put(key, body);
    const names = (p: Platform) =>
      remote(p)
        .resources?.filter((r) => r.crd)
        .map((r) => r.object.metadata as { name: string; labels: Record<string, string> });
    expect(names(warmRun().p)).toEqual([
      {
        name: "stored.example.com",
        labels: { "helm.toolkit.fluxcd.io/name": "remote", "helm.toolkit.fluxcd.io/namespace": "apps" },
      },
      expect.objectContaining({ name: "bommeds.bom.example.com" }),
      expect.objectContaining({ name: "gadgets.sub.example.com" }),
    ]);
    // Gone from beside the chart: the release renders again, as without any cache.
    removeRenders(cacheDir, "clear", 30, Date.now(), chartDerivedDir(cacheDir));
    const again = warmRun();
    expect(again.json).toBe(modelJson(none));
    expect(again.derived.stats.misses).toBeGreaterThan(0);
    // That render parsed the crds/ and wrote them beside the chart again, so its entry holds them.
    expect(warmRun().json).toBe(modelJson(none));
  });

  it("keeps the crds/ documents as ASCII JSON: the same values, read without a two-byte text", () => {
    coldRun();
    const digest = seed.archiveDigest({ source: PODINFO, name: "podinfo", version: "6.0.0" })!;
    const store = new DiskRenderCache(cacheDir, undefined, { root: chartDerivedDir(cacheDir) });
    const bytes = store.getBytes(store.key(CHART_CRD_DOCS_UNIT, `archive:${digest}`))!;
    expect(bytes.every((b) => b < 0x80)).toBe(true);
    const text = Buffer.from(bytes).toString("latin1");
    expect(text).toContain("\\u201cquoted\\u201d \\ud83d\\ude80");
    expect(JSON.stringify(JSON.parse(text))).toContain("“quoted” 🚀");
  });

  it("a sealed entry that does not read as documents is a miss", () => {
    coldRun();
    const store = new DiskRenderCache(cacheDir, undefined, { root: chartDerivedDir(cacheDir) });
    const digest = seed.archiveDigest({ source: PODINFO, name: "podinfo", version: "6.0.0" })!;
    const key = store.key(CHART_CRD_DOCS_UNIT, `archive:${digest}`);
    for (const body of [
      { files: [{ at: ":crds/widgets.yaml", docs: [1, 2] }] },
      { files: [{ at: ":crds/widgets.yaml", docs: "no" }] },
      { files: "no" },
      [],
    ]) {
      new DiskRenderCache(cacheDir, undefined, { root: chartDerivedDir(cacheDir) }).put(key, body);
      expect(modelJson(coldRun().p)).toBe(modelJson(none));
    }
  });

  it("a damaged archive fails its release as without the store, though its facts are kept", () => {
    coldRun();
    const ref = { source: PODINFO, name: "podinfo", version: "6.0.0" };
    const blob = seed.blobFile(seed.archiveDigest(ref)!);
    const intact = readFileSync(blob);
    const damaged = Buffer.from(intact);
    damaged[100]! ^= 1;
    writeFileSync(blob, damaged);
    try {
      const withStore = coldRun();
      expect(withStore.derived.stats.hits).toBe(1); // the facts
      expect(remote(withStore.p).status).toBe("failed");
      expect(remote(withStore.p).errors?.[0]?.message).toMatch(/is corrupted/);
      const without = loadPlatform(root, {
        charts: cacheChartProvider(new ChartCache(cacheDir, { derived: false })),
        renderCache: false,
      });
      expect(modelJson(withStore.p)).toBe(modelJson(without));
    } finally {
      writeFileSync(blob, intact);
    }
  });

  it("entries of another build are never read", () => {
    coldRun();
    const other = new DiskRenderCache(cacheDir, "0".repeat(64), { root: chartDerivedDir(cacheDir) });
    const digest = seed.archiveDigest({ source: PODINFO, name: "podinfo", version: "6.0.0" })!;
    expect(other.get(other.key(CHART_FACTS_UNIT, `archive:${digest}`))).toBeUndefined();
    expect(other.stats.misses).toBe(1);
  });

  it("`slipway cache clear` removes them", () => {
    coldRun();
    expect(removeRenders(cacheDir, "clear", 30, Date.now(), chartDerivedDir(cacheDir))).toBe(2);
    const again = coldRun();
    expect(again.derived.stats).toMatchObject({ hits: 0, writes: 2 });
    expect(modelJson(again.p)).toBe(modelJson(none));
  });
});

describe("chart cache: an archive's tar index", () => {
  const cacheDir = temps.make("slipway-chart-index-");
  const archive = podinfoWithCrds();
  const sha = sha256HexOf(archive);
  const files = (index?: ReturnType<typeof persistedArchiveIndex>) =>
    readChartArchive(archive, "podinfo.tgz", undefined, index).map((f) => [
      f.name,
      Buffer.from(f.data).toString("hex"),
    ]);
  const parsed = files();

  it("is written by the first read, read by the next, and a damaged one is a miss", () => {
    const first = new DiskRenderCache(cacheDir, undefined, { root: chartDerivedDir(cacheDir) });
    expect(files(persistedArchiveIndex(first, sha))).toEqual(parsed);
    expect(first.stats).toMatchObject({ hits: 0, writes: 1 });
    const next = new DiskRenderCache(cacheDir, undefined, { root: chartDerivedDir(cacheDir) });
    expect(files(persistedArchiveIndex(next, sha))).toEqual(parsed);
    expect(next.stats).toMatchObject({ hits: 1, writes: 0 });
    const dir = path.join(next.dir, "helm-archive-index");
    const [entry] = readdirSync(dir);
    const bytes = readFileSync(path.join(dir, entry!));
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(path.join(dir, entry!), bytes);
    const damaged = new DiskRenderCache(cacheDir, undefined, { root: chartDerivedDir(cacheDir) });
    expect(files(persistedArchiveIndex(damaged, sha))).toEqual(parsed);
    expect(damaged.stats).toMatchObject({ hits: 0, rejected: 1, writes: 1 });
    // another build's store: never this build's entry
    const other = new DiskRenderCache(cacheDir, "e".repeat(64), { root: chartDerivedDir(cacheDir) });
    expect(files(persistedArchiveIndex(other, sha))).toEqual(parsed);
    expect(other.stats).toMatchObject({ hits: 0, writes: 1 });
  });

  it("a sealed entry that is not an index of this archive is ignored", () => {
    const store = new DiskRenderCache(cacheDir, undefined, { root: chartDerivedDir(cacheDir) });
    const good = persistedArchiveIndex(store, sha).read()!;
    expect(good.files.length).toBeGreaterThan(0);
    for (const body of [
      { tarLength: "x", files: good.files },
      { tarLength: good.tarLength, files: [["a", 0]] },
      { tarLength: good.tarLength - 1, files: good.files },
      { tarLength: good.tarLength, files: good.files.map(([n, , l]) => [n, good.tarLength, l]) },
    ]) {
      store.put(store.key("helm-archive-index", `1\0${sha}`), body);
      expect(files(persistedArchiveIndex(store, sha))).toEqual(parsed);
      expect(persistedArchiveIndex(store, sha).read()).toEqual(good); // written again
    }
  });
});

describe("chart cache: a cold check through the CLI", () => {
  it("fills charts/derived, then takes from it, then renders from the render cache; outputs equal --no-cache's", async () => {
    const root = writeFixture();
    temps.keep(root);
    const cacheDir = temps.make("slipway-chart-cli-");
    const seeded = new ChartCache(cacheDir);
    seeded.putArchive({ source: PODINFO, name: "podinfo", version: "6.0.0" }, podinfoWithCrds());
    seeded.putVersions(PODINFO, "podinfo", ["6.0.0"]);
    const none = await cli(["render", root, "--format", "json", "--no-cache"], cacheDir);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain("gadgets.sub.example.com");
    expect(existsSync(chartDerivedDir(cacheDir))).toBe(false);
    for (const run of ["first", "cold", "warm"]) {
      if (run !== "warm") rmSync(path.join(cacheDir, "renders"), { recursive: true, force: true });
      const out = await cli(["render", root, "--format", "json"], cacheDir);
      expect(masked(out.stdout), run).toBe(masked(none.stdout));
      expect(out.stderr, run).toBe(none.stderr);
    }
    const [code] = readdirSync(chartDerivedDir(cacheDir));
    expect(readdirSync(path.join(chartDerivedDir(cacheDir), code!)).sort()).toEqual([
      "chart-crd-docs",
      "chart-facts",
      "helm-archive-index",
      "helm-values",
    ]);
  });
});

const cli = slipwayWithCache;

/** Masked values carry a keyed hash whose key is new every run (src/sops/mask.ts). */
const masked = (s: string) => s.replace(/<masked:sha256:[0-9a-f]+>/g, "<masked>");
