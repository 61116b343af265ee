import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as tar from "tar";
import { beforeAll, describe, expect, it } from "vitest";
import { ChartCache } from "../../src/charts/cache.js";
import { chartsCommand } from "../../src/cli/charts.js";
import { renderCommand } from "../../src/cli/render.js";
import { captureOutput } from "../support/capture.js";

const run = (...args: string[]) => captureOutput(() => chartsCommand(args));

let work: string;
let archive: string;
let repo: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "slipway-charts-cli-"));
  const chart = path.join(work, "src", "podinfo");
  mkdirSync(path.join(chart, "templates"), { recursive: true });
  writeFileSync(path.join(chart, "Chart.yaml"), "apiVersion: v2\nname: podinfo\nversion: 6.5.0+g1\n");
  writeFileSync(path.join(chart, "templates", "cm.yaml"), "kind: ConfigMap\n");
  archive = path.join(work, "podinfo-6.5.0.tgz");
  await tar.c({ gzip: true, file: archive, cwd: path.join(work, "src") }, ["podinfo"]);
  repo = devCluster(
    path.join(work, "platform"),
    `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: { name: podinfo, namespace: flux-system }
spec: { type: oci, url: "oci://ghcr.io/stefanprodan/charts" }
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: { name: podinfo, namespace: flux-system }
spec:
  url: oci://ghcr.io/stefanprodan/charts/podinfo
  ref: { tag: "6.5.0_g1" }
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: by-repo, namespace: apps }
spec:
  chart:
    spec:
      chart: podinfo
      version: "6.5.0+g1"
      sourceRef: { kind: HelmRepository, name: podinfo, namespace: flux-system }
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: by-artifact, namespace: apps }
spec:
  chartRef: { kind: OCIRepository, name: podinfo, namespace: flux-system }
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: dangling, namespace: apps }
spec:
  chart:
    spec:
      chart: x
      sourceRef: { kind: HelmRepository, name: nope, namespace: flux-system }
`,
  );
});

describe("slipway charts add / list (offline)", () => {
  it("list before add: missing charts and a broken source, exit 1", async () => {
    const cache = path.join(work, "cache-a");
    const r = await run("list", repo, "--cache-dir", cache);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /apps\/by-repo\s+oci:\/\/ghcr.io\/stefanprodan\/charts podinfo\s+6.5.0\+g1\s+6.5.0\+g1\s+missing/,
    );
    expect(r.stdout).toMatch(
      /apps\/dangling .*error: its HelmRepository flux-system\/nope is not rendered in cluster dev/,
    );
    expect(r.stderr).toMatch(/3 HelmReleases without a usable cached chart; run 'slipway charts pull/);
  });

  it("add stores the archive under both OCI spellings; list then finds both HelmReleases", async () => {
    const cache = path.join(work, "cache-b");
    const add = await run("add", archive, "--as", "oci://ghcr.io/stefanprodan/charts", "--cache-dir", cache);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/added\s+oci:\/\/ghcr.io\/stefanprodan\/charts podinfo@6.5.0\+g1/);
    expect(add.stdout).toMatch(/added\s+oci:\/\/ghcr.io\/stefanprodan\/charts\/podinfo@6.5.0_g1/);
    const r = await run("list", repo, "--cache-dir", cache, "--format", "json");
    const rows = JSON.parse(r.stdout).helmReleases as Array<{
      helmRelease: { name: string };
      status: string;
    }>;
    expect(Object.fromEntries(rows.map((x) => [x.helmRelease.name, x.status]))).toEqual({
      "by-repo": "cached",
      "by-artifact": "cached",
      dangling: "error",
    });
    expect(r.code).toBe(1); // the dangling one
    expect(new ChartCache(cache).list()).toHaveLength(2);
  });

  it("SLIPWAY_CACHE_DIR is the default cache", async () => {
    const cache = path.join(work, "cache-env");
    const before = process.env.SLIPWAY_CACHE_DIR;
    process.env.SLIPWAY_CACHE_DIR = cache;
    try {
      expect((await run("add", archive, "--as", "https://charts.example.com/")).code).toBe(0);
    } finally {
      if (before === undefined) delete process.env.SLIPWAY_CACHE_DIR;
      else process.env.SLIPWAY_CACHE_DIR = before;
    }
    expect(new ChartCache(cache).list().map((c) => c.source)).toEqual(["https://charts.example.com"]);
  });

  it.each([
    [["add", "x.tgz"], 2, /needs --as/],
    [["add", "--as", "https://x"], 2, /one FILE.tgz/],
    [["add", "/nonexistent.tgz", "--as", "https://x"], 1, /nonexistent.tgz: ENOENT/],
    [["add", "README.md", "--as", "https://x"], 1, /not a Helm chart archive/],
    [["add", "x.tgz", "--as", "ghcr.io/x"], 2, /must be an http/],
    [["frobnicate"], 2, /unknown subcommand/],
    [["pull", "--concurrency", "0"], 2, /--concurrency must be an integer/],
    [["list", "--format", "yaml"], 2, /--format must be text or json/],
  ])("%j → exit %i", async (args, code, message) => {
    const r = await run(...(args as string[]));
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });
});

/** A repository with one cluster, dev, whose folder clusters/dev holds the documents `yaml`. */
function devCluster(dir: string, yaml: string): string {
  mkdirSync(path.join(dir, "clusters", "dev"), { recursive: true });
  writeFileSync(path.join(dir, "slipway.yaml"), "clusters:\n  - name: dev\n    path: clusters/dev\n");
  writeFileSync(path.join(dir, "clusters", "dev", "apps.yaml"), yaml);
  return dir;
}

/**
 * A repository with one cluster, dev, holding the HelmRepository `r` at `url` (written in double
 * quotes, so YAML escapes work) and one HelmRelease in `apps` of its chart, with flow-style `values`.
 */
function chartsRepo(
  dir: string,
  url: string,
  release: { name: string; chart: string; version: string; values?: string },
): string {
  return devCluster(
    dir,
    `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: { name: r, namespace: flux-system }
spec: { url: "${url}" }
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: "${release.name}", namespace: apps }
spec:
  chart:
    spec:
      chart: "${release.chart}"
      version: "${release.version}"
      sourceRef: { kind: HelmRepository, name: r, namespace: flux-system }
${release.values ? `  values: ${release.values}\n` : ""}`,
  );
}

describe("a chart added by hand, offline", () => {
  it("resolves a HelmRelease's version range, in charts list and in render", async () => {
    const chart = path.join(work, "src2", "hello");
    mkdirSync(path.join(chart, "templates"), { recursive: true });
    writeFileSync(path.join(chart, "Chart.yaml"), "apiVersion: v2\nname: hello\nversion: 1.4.2\n");
    writeFileSync(
      path.join(chart, "templates", "cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n",
    );
    const tgz = path.join(work, "hello-1.4.2.tgz");
    await tar.c({ gzip: true, file: tgz, cwd: path.join(work, "src2") }, ["hello"]);
    const platform = chartsRepo(path.join(work, "ranged"), "https://charts.example.com/hello", {
      name: "hello",
      chart: "hello",
      version: ">=1.0.0 <2.0.0",
      values: "{ greeting: ahoy }",
    });
    const cache = path.join(work, "cache-ranged");
    expect(
      (await run("add", tgz, "--as", "https://charts.example.com/hello", "--cache-dir", cache)).code,
    ).toBe(0);
    const list = await run("list", platform, "--cache-dir", cache);
    expect(list.stdout).toMatch(
      /apps\/hello\s+https:\/\/charts.example.com\/hello\s+>=1.0.0 <2.0.0\s+1.4.2\s+cached/,
    );
    expect(list.code).toBe(0);
    const before = process.env.SLIPWAY_CACHE_DIR;
    process.env.SLIPWAY_CACHE_DIR = cache;
    try {
      const r = await captureOutput(() => renderCommand([platform, "--helmrelease", "apps/hello"]));
      expect(r.stderr).not.toMatch(/not in the chart cache/);
      expect(r.stdout).toContain("greeting: ahoy");
      expect(r.code).toBe(0);
    } finally {
      if (before === undefined) delete process.env.SLIPWAY_CACHE_DIR;
      else process.env.SLIPWAY_CACHE_DIR = before;
    }
  });
});

describe("charts list names what the repository wrote", () => {
  it("shows control characters of names, sources and charts as escapes, the columns measured as shown", async () => {
    // Escapes in double-quoted YAML: the repository holds the control characters themselves.
    const dir = chartsRepo(
      path.join(work, "controls"),
      "https://charts.example.com/st\\u001b]0;title\\u0007able",
      {
        name: "app\\u001b[31m",
        chart: "po\\u001b[2Jd",
        version: "1.0.0",
      },
    );
    const r = await run("list", dir, "--cache-dir", path.join(work, "cache-controls"));
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    const [head, row] = r.stdout.split("\n");
    expect(row).toContain("apps/app\\u001b[31m");
    expect(row).toContain("https://charts.example.com/st\\u001b]0;title\\u0007able po\\u001b[2Jd");
    expect(row!.indexOf("1.0.0")).toBe(head!.indexOf("WANTS"));
  });
});
