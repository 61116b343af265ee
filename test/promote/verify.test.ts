import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Finding } from "../../src/check/types.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { type ChartProvider, directoryChartProvider } from "../../src/helmrelease/charts.js";
import { loadPlatform } from "../../src/platform/index.js";
import { plan } from "../../src/promote/plan.js";
import { SourceFiles } from "../../src/promote/sources.js";
import { verifyPromotion } from "../../src/promote/verify.js";
import { helmRelease, helmRepository } from "../support/flux.js";
import { deployment, fluxKs, promote, ROOT, twoEnvs } from "./harness.js";

const IMG = "ghcr.io/acme/app";

function tree(productionTag: string, extra: Record<string, string> = {}) {
  return twoEnvs({
    "clusters/staging/app.yaml": fluxKs("app", "./apps/staging"),
    "clusters/production/app.yaml": fluxKs("app", "./apps/production"),
    "apps/staging/deployment.yaml": deployment("app", `${IMG}:2.0.0`),
    "apps/production/deployment.yaml": deployment("app", `${IMG}:${productionTag}`),
    ...extra,
  });
}

function load(files: Record<string, string>) {
  return loadPlatform(ROOT, {
    fs: new MemoryFileSystem(Object.fromEntries(Object.entries(files).map(([p, t]) => [`${ROOT}/${p}`, t]))),
  });
}

describe("verifyPromotion", () => {
  const planned = promote(tree("1.0.0")).plan;

  it("accepts a target that now runs exactly the source's versions", () => {
    expect(
      verifyPromotion({ plan: planned, before: load(tree("1.0.0")), after: load(tree("2.0.0")) }).refusals,
    ).toEqual([]);
  });

  it("refuses when the edit did not take effect", () => {
    const r = verifyPromotion({ plan: planned, before: load(tree("1.0.0")), after: load(tree("1.5.0")) });
    expect(r.refusals).toEqual([
      expect.objectContaining({
        code: "VERIFY",
        message: expect.stringMatching(
          /renders as 'ghcr.io\/acme\/app:1.5.0', not 2.0.0: the edit did not take effect/,
        ),
      }),
    ]);
  });

  it("refuses when the target no longer renders", () => {
    const broken = tree("2.0.0", { "apps/production/kustomization.yaml": "resources:\n  - missing.yaml\n" });
    const r = verifyPromotion({ plan: planned, before: load(tree("1.0.0")), after: load(broken) });
    expect(r.refusals.map((x) => x.code)).toContain("TARGET_RENDER");
  });

  it("refuses new check errors in the target, and changes to other clusters", () => {
    const finding: Finding = {
      rule: "image-tag-pinned",
      severity: "error",
      message: "bad tag",
      cluster: "production",
      file: "apps/production/deployment.yaml",
      line: 16,
    };
    const r = verifyPromotion({
      plan: planned,
      before: load(tree("1.0.0")),
      after: load(tree("2.0.0")),
      checkBefore: [],
      checkAfter: [finding],
    });
    expect(r.refusals).toEqual([
      {
        code: "TARGET_CHECK",
        message: "after the edits, production fails check: bad tag [image-tag-pinned]",
        file: "apps/production/deployment.yaml",
        line: 16,
      },
    ]);
    const staging = tree("2.0.0", { "apps/staging/deployment.yaml": deployment("app", `${IMG}:9.9.9`) });
    const other = verifyPromotion({ plan: planned, before: load(tree("1.0.0")), after: load(staging) });
    expect(other.refusals).toEqual([
      expect.objectContaining({
        code: "SHARED_BASE",
        message: expect.stringMatching(/also change cluster staging \(flux-system\/app\)/),
      }),
    ]);
  });
});

describe("verifyPromotion of a chart version, with the chart rendered", () => {
  // Two versions of one chart: every chart's objects change with its version (the standard
  // helm.sh/chart label), and a new version may add objects.
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-verify-chart-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const chartDirs: Record<string, string> = {};
  for (const version of ["1.0.0", "2.0.0"]) {
    const d = path.join(dir, version);
    mkdirSync(path.join(d, "templates"), { recursive: true });
    writeFileSync(path.join(d, "Chart.yaml"), `apiVersion: v2\nname: web\nversion: ${version}\n`);
    writeFileSync(
      path.join(d, "templates/cm.yaml"),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}\ndata:\n  greeting: {{ .Values.greeting | default "hi" }}\n',
    );
    if (version === "2.0.0")
      writeFileSync(
        path.join(d, "templates/sa.yaml"),
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Release.Name }}\n",
      );
    chartDirs[version] = d;
  }
  const charts: ChartProvider = {
    load: (req) => directoryChartProvider({ web: chartDirs[req.version ?? ""] ?? "" }).load(req),
  };
  const release = (version: string, greeting = "hi") =>
    `${helmRepository("charts", "https://charts.example.com")}---\n${helmRelease(
      "web",
      "flux-system",
      `      chart: web\n      version: "${version}"\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n`,
      `  values:\n    greeting: ${greeting}\n`,
    )}`;
  const files = (production: string, greeting?: string) =>
    twoEnvs({
      "clusters/staging/app.yaml": fluxKs("app", "./apps/staging"),
      "clusters/production/app.yaml": fluxKs("app", "./apps/production"),
      "apps/staging/release.yaml": release("2.0.0"),
      "apps/production/release.yaml": release(production, greeting),
    });
  const memory = (f: Record<string, string>) =>
    new MemoryFileSystem(Object.fromEntries(Object.entries(f).map(([p, t]) => [`${ROOT}/${p}`, t])));
  const loadWithCharts = (f: Record<string, string>) => loadPlatform(ROOT, { charts, fs: memory(f) });

  it("accepts what the new chart renders: its objects are the promoted version", () => {
    const before = loadWithCharts(files("1.0.0"));
    const p = plan({
      source: before,
      target: before,
      files: new SourceFiles(memory(files("1.0.0")), ROOT),
      request: { from: "staging", to: "production" },
    });
    expect(p.apps.flatMap((a) => a.changes).map((c) => `${c.kind} ${c.from} → ${c.to}`)).toEqual([
      "chart 1.0.0 → 2.0.0",
    ]);
    const after = loadWithCharts(files("2.0.0"));
    expect(after.clusters.find((c) => c.name === "production")?.helmReleases[0]?.status).toBe("rendered");
    expect(verifyPromotion({ plan: p, before, after }).refusals).toEqual([]);
    // Anything else in the release still counts: a value changed by the edits is refused.
    const more = verifyPromotion({ plan: p, before, after: loadWithCharts(files("2.0.0", "hello")) });
    expect(more.refusals.map((r) => r.message)).toContain(
      "the edits also change HelmRelease flux-system/web spec.values.greeting in production, which is not a promoted version",
    );
  });
});
