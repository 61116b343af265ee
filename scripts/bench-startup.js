#!/usr/bin/env node
// Benchmark of a fresh `slipway` process (issues 11 and 16): every command a user types pays Node's
// start, loading the bundle and the work done when its modules are evaluated. Measures, as the median
// of N fresh processes, wall time and CPU time (user + sys, from the kernel's accounting of waited
// children in /proc/self/stat): `node -e 0` (the floor), `slipway --version`, and `slipway helm
// template` of podinfo and kube-prometheus-stack beside `helm template` (Helm v4.1.4, Go), with ratios,
// and `slipway check examples/platform` with a warm render cache.
// Usage: npm run build && node scripts/bench-startup.js [--runs N] [--only LABEL]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const shared = path.resolve(repoRoot, process.env.SLIPWAY_SHARED ?? "../shared");
const charts = path.join(shared, "conformance/helm/charts");
const slipwayBin = path.join(repoRoot, "bin/slipway.js");
// The node flags of the bin's #! line, which an installed `slipway` runs with.
const binFlags = readFileSync(slipwayBin, "utf8").split("\n", 1)[0].split(" ").slice(3);
const args = process.argv.slice(2);
const option = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const runs = Number(option("--runs", 11));
const only = option("--only", undefined);

function findHelm() {
  if (process.env.HELM) return process.env.HELM;
  const cached = path.join(process.env.HOME ?? "/root", ".cache/slipway-oracles/helm-v4.1.4/helm");
  if (existsSync(cached)) return cached;
  const script = path.join(shared, "tools/get-helm.sh");
  if (existsSync(script)) return execFileSync("bash", [script], { encoding: "utf8" }).trim();
  return undefined;
}

/** CPU seconds (user + sys) of this process's waited-for children so far; undefined off Linux. */
function childrenCpu() {
  try {
    // Fields after the command name "(…)": cutime and cstime are the 14th and 15th, in clock ticks.
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};

/** Median wall and CPU seconds of `runs` fresh processes (after one unmeasured warm-up run). */
function measure(cmd, argv, okStatus = [0]) {
  const walls = [];
  const cpus = [];
  for (let i = 0; i <= runs; i++) {
    const cpu0 = childrenCpu();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, argv, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 30 });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu1 = childrenCpu();
    if (!okStatus.includes(r.status)) throw new Error(`${cmd} ${argv.join(" ")} failed: ${r.stderr}`);
    if (i === 0) continue;
    walls.push(wall);
    if (cpu0 !== undefined && cpu1 !== undefined) cpus.push(cpu1 - cpu0);
  }
  return { wall: median(walls), cpu: cpus.length ? median(cpus) : undefined };
}

const fmt = (m) => `wall ${m.wall.toFixed(3)} s, cpu ${m.cpu === undefined ? "?" : `${m.cpu.toFixed(2)} s`}`;

const helm = findHelm();
const cases = [
  { label: "node -e 0", slipway: ["-e", "0"], bare: true },
  { label: "slipway --version", slipway: ["--version"] },
  {
    label: "helm template podinfo",
    slipway: ["helm", "template", "r", path.join(charts, "podinfo-6.14.1")],
    helm: ["template", "r", path.join(charts, "podinfo-6.14.1")],
  },
  {
    // Neither the code cache nor the render cache: what compiling the bundle costs.
    label: "helm template podinfo --no-cache",
    slipway: ["--no-cache", "helm", "template", "r", path.join(charts, "podinfo-6.14.1")],
    needs: path.join(charts, "podinfo-6.14.1"),
  },
  {
    label: "helm template kube-prometheus-stack",
    slipway: ["helm", "template", "r", path.join(charts, "kube-prometheus-stack-88.3.0")],
    helm: ["template", "r", path.join(charts, "kube-prometheus-stack-88.3.0")],
  },
  // Findings make `check` exit 1; the render cache is warm after the unmeasured first run.
  {
    label: "check examples/platform (warm)",
    slipway: ["check", path.join(repoRoot, "examples/platform")],
    okStatus: [0, 1],
  },
];

console.log(`fresh-process startup, median of ${runs} runs:`);
for (const c of cases) {
  if (only && !c.label.includes(only)) continue;
  const needs = c.needs ?? c.helm?.[2];
  if (needs && !existsSync(needs)) {
    console.log(`  ${c.label}: skipped (needs ${needs})`);
    continue;
  }
  const s = measure(
    process.execPath,
    c.bare ? c.slipway : [...binFlags, slipwayBin, ...c.slipway],
    c.okStatus,
  );
  let line = `  ${c.label.padEnd(36)} slipway ${fmt(s)}`;
  if (c.helm && helm) {
    const h = measure(helm, c.helm);
    line += `; helm ${fmt(h)}; slipway/helm wall ${(s.wall / h.wall).toFixed(2)}×`;
  }
  console.log(line);
}
