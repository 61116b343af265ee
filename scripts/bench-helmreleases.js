#!/usr/bin/env node
// Benchmark: renders a repository of ../shared/realworld with all its HelmReleases (charts of
// ../shared/conformance/helm standing in for the chart cache), cold (fresh process: modules,
// chart loading, template parsing) and warm (the same render again in that process), and
// compares with `helm template` run once per rendered release with the same inputs.
// Usage: npm run build && node scripts/bench-helmreleases.js [REPO] [--helm-sample N]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const started = performance.now();
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const shared = path.resolve(repoRoot, process.env.SLIPWAY_SHARED ?? "../shared");
const { loadPlatform } = await import(path.join(repoRoot, "dist/platform/index.js"));
const { directoryChartProvider } = await import(path.join(repoRoot, "dist/helmrelease/charts.js"));
const { readYaml } = await import(path.join(repoRoot, "dist/helm/yaml.js"));
const { GoInt, GoMap } = await import(path.join(repoRoot, "dist/helm/template/value.js"));
const moduleMs = performance.now() - started;

const args = process.argv.slice(2);
const sampleAt = args.indexOf("--helm-sample");
const helmSample = sampleAt >= 0 ? Number(args[sampleAt + 1]) : Number.POSITIVE_INFINITY;
const realworld = path.join(shared, "realworld");
const chartsDir = path.join(shared, "conformance/helm/charts");
const charts = {};
for (const d of readdirSync(chartsDir)) {
  const chart = readYaml(readFileSync(path.join(chartsDir, d, "Chart.yaml"), "utf8"));
  charts[String(chart.get("name"))] = path.join(chartsDir, d);
}
const provider = directoryChartProvider(charts);

const repos = readdirSync(realworld).filter((d) => statSync(path.join(realworld, d)).isDirectory());
const countHr = (dir) => {
  try {
    return execFileSync("grep", ["-rl", "--include=*.yaml", "kind: HelmRelease", dir], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean).length;
  } catch {
    return 0; // grep exits 1 when nothing matches
  }
};
const repo =
  args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--helm-sample") ??
  repos.map((r) => [r, countHr(path.join(realworld, r))]).sort((a, b) => b[1] - a[1])[0][0];

function render() {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const p = loadPlatform(path.join(realworld, repo), { charts: provider });
  const used = process.cpuUsage(cpu);
  return { p, ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000 };
}

const cold = render();
const warm = render();
const releases = cold.p.clusters.flatMap((c) => c.helmReleases);
const rendered = releases.filter((h) => h.status === "rendered");
const objects = rendered.reduce((n, h) => n + (h.resources?.length ?? 0), 0);
const kustomizations = cold.p.clusters.reduce((n, c) => n + c.kustomizations.length, 0);
const noCharts = loadPlatform(path.join(realworld, repo), { charts: false });
const t0 = performance.now();
loadPlatform(path.join(realworld, repo), { charts: false });
const kustomizeOnlyMs = performance.now() - t0;

console.log(
  `repository ${repo}: ${kustomizations} Flux Kustomizations, ${releases.length} HelmReleases, ${rendered.length} rendered (${objects} objects; the others' charts are not in the corpus)`,
);
console.log(
  `slipway render, cold process (module load ${moduleMs.toFixed(0)} ms + render): ${(moduleMs + cold.ms).toFixed(0)} ms wall, render ${cold.cpuMs.toFixed(0)} ms CPU`,
);
console.log(
  `slipway render, warm (same process, parsed charts cached):          ${warm.ms.toFixed(0)} ms wall, ${warm.cpuMs.toFixed(0)} ms CPU`,
);
console.log(
  `  of which Flux Kustomizations alone (warm, no HelmReleases):       ${kustomizeOnlyMs.toFixed(0)} ms (${noCharts.clusters.length} clusters)`,
);

const helm =
  process.env.HELM ?? path.join(process.env.HOME ?? "/root", ".cache/slipway-oracles/helm-v4.1.4/helm");
const work = mkdtempSync(path.join(tmpdir(), "slipway-bench-hr-"));
const plain = (x) =>
  x instanceof GoMap
    ? Object.fromEntries([...x].map(([k, y]) => [k, plain(y)]))
    : Array.isArray(x)
      ? x.map(plain)
      : x instanceof GoInt
        ? Number(x.value)
        : (x ?? null);
let helmMs = 0;
let helmRuns = 0;
for (const h of rendered.slice(0, helmSample)) {
  const inputs = h.renderInputs;
  const file = path.join(work, `${helmRuns}.json`);
  writeFileSync(file, JSON.stringify(plain(inputs.values)));
  const argv = ["template", h.releaseName, inputs.chartDir, "--namespace", h.releaseNamespace, "-f", file];
  for (const v of inputs.apiVersions) argv.push("--api-versions", v);
  const t = performance.now();
  try {
    execFileSync(helm, argv, {
      stdio: "ignore",
      env: { ...process.env, HOME: work, HTTPS_PROXY: "http://127.0.0.1:9" },
    });
  } catch {
    // a release Helm refuses still took its time
  }
  helmMs += performance.now() - t;
  helmRuns++;
}
rmSync(work, { recursive: true, force: true });
if (helmRuns > 0) {
  const perRelease = helmMs / helmRuns;
  const total = perRelease * rendered.length;
  console.log(
    `helm template, one process per release (${helmRuns} runs, ${perRelease.toFixed(0)} ms each): ${total.toFixed(0)} ms for ${rendered.length} releases`,
  );
  console.log(
    `ratio helm / slipway: cold ${(total / (moduleMs + cold.ms)).toFixed(2)}x, warm ${(total / warm.ms).toFixed(2)}x`,
  );
}
console.log(
  "reference: the Go offline renderer publishes ~2 s cold for 130 apps on 2 cores; Slipway's goal is < 1 s",
);
