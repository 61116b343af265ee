#!/usr/bin/env node
// Benchmark of `slipway helm template` against Helm v4.1.4 (the oracle of ../shared/tools/get-helm.sh):
//  1. the whole conformance corpus (../shared/conformance/helm) rendered in one Slipway process vs a
//     `helm template` loop over the same cases (outputs compared);
//  2. the app-template chart with the values of real HelmReleases: time per release, Slipway in one
//     process (warm) vs one `helm template` each;
//  3. one release of kube-prometheus-stack: `slipway helm template` vs `helm template`, each a fresh
//     process (cold start included), median of several runs; Slipway with a warm cache, an empty
//     one and none (--no-cache).
// Usage: npm run build && node scripts/bench-helm.js [--runs N] [--helm-sample N]
// (it runs itself again with the node flags of bin/slipway.js's #! line)
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const shared = path.resolve(repoRoot, process.env.SLIPWAY_SHARED ?? "../shared");
const corpus = path.join(shared, "conformance/helm");
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const runs = flag("--runs", 5);
const helmSample = flag("--helm-sample", 0);

// The in-process figures are taken with the node flags of the bin's #! line, which an installed
// `slipway` runs with (as bench-fleet does): without them the corpus's first pass cost ~16% more
// CPU (V8's young generation and optimization budget), a figure no user sees.
const binFlags = readFileSync(path.join(repoRoot, "bin/slipway.js"), "utf8")
  .split("\n", 1)[0]
  .split(" ")
  .slice(3);
if (process.env.SLIPWAY_BENCH_BIN_FLAGS !== "1") {
  const r = spawnSync(process.execPath, [...binFlags, fileURLToPath(import.meta.url), ...args], {
    stdio: "inherit",
    env: { ...process.env, SLIPWAY_BENCH_BIN_FLAGS: "1" },
  });
  process.exit(r.status ?? 1);
}

function findHelm() {
  if (process.env.HELM) return process.env.HELM;
  const cached = path.join(process.env.HOME ?? "/root", ".cache/slipway-oracles/helm-v4.1.4/helm");
  if (existsSync(cached)) return cached;
  const script = path.join(shared, "tools/get-helm.sh");
  if (existsSync(script)) return execFileSync("bash", [script], { encoding: "utf8" }).trim();
  return undefined;
}

const helm = findHelm();
if (!existsSync(corpus) || !helm) {
  console.log(
    `helm bench skipped: needs ${existsSync(corpus) ? "" : "../shared/conformance/helm "}${helm ? "" : "the Helm oracle"}`,
  );
  process.exit(0);
}

const { runHelmTemplate } = await import(path.join(repoRoot, "dist/cli/helm.js"));
const { diskReader } = await import(path.join(repoRoot, "dist/helm/chart-source.js"));

/** A corpus case as the pool's release job (values aside), undefined when a flag has no place in one. */
function poolJobOf(c) {
  if (c.meta.expect !== "output" || !c.id.startsWith("cases/")) return undefined;
  const job = {
    releaseName: c.meta.release,
    namespace: c.meta.namespace,
    apiVersions: [],
    skipSchemaValidation: false,
    seed: c.id,
    now: 0,
  };
  for (const f of c.meta.flags) {
    const [name, value] = f.split("=", 2);
    if (name === "--skip-schema-validation") job.skipSchemaValidation = true;
    else if (name === "--api-versions") job.apiVersions.push(value);
    else if (name === "--kube-version") job.kubeVersion = value;
    else return undefined;
  }
  return job;
}

function caseArgs(dir) {
  const meta = JSON.parse(readFileSync(path.join(dir, "case.yaml"), "utf8"));
  return {
    meta,
    argv: [
      meta.release,
      path.resolve(dir, meta.chart),
      "--namespace",
      meta.namespace,
      ...meta.values.flatMap((v) => ["-f", path.resolve(dir, v)]),
      ...meta.flags.map((f) => f.replaceAll("{casedir}", dir)),
    ],
  };
}

function slipwayInProcess(dir, argv, cache) {
  let stdout = "";
  const code = runHelmTemplate(argv, {
    cache,
    cwd: dir,
    reader: diskReader,
    stdout: (s) => {
      stdout += s;
    },
    stderr: () => {},
    writeFile: () => {
      throw new Error("no --output-dir here");
    },
    exists: () => false,
  });
  return { code, stdout };
}

const helmEnv = {
  PATH: process.env.PATH ?? "",
  HOME: "/nonexistent",
  KUBECONFIG: "/dev/null",
  TZ: "UTC",
  LC_ALL: "C",
  HTTP_PROXY: "http://127.0.0.1:9",
  HTTPS_PROXY: "http://127.0.0.1:9",
};

function helmRun(dir, argv) {
  const r = spawnSync(helm, ["template", ...argv], {
    cwd: dir,
    encoding: "utf8",
    env: helmEnv,
    maxBuffer: 1 << 28,
  });
  return { code: r.status ?? 1, stdout: r.stdout ?? "" };
}

const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;
const cpuSeconds = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};
/**
 * CPU seconds of this process's main thread (Linux: /proc/self/task/PID/stat, in clock ticks),
 * undefined elsewhere. On an idle machine the corpus's wall time is the main thread's CPU time:
 * V8's compiler and GC helper threads run on the other cores. On a shared machine the wall time
 * also counts waiting for a core, so the CPU figures are the ones to compare.
 */
function mainThreadSeconds() {
  const fields = procStat(`/proc/self/task/${process.pid}/stat`);
  return fields === undefined ? undefined : (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of the children waited for so far (the helm processes), undefined off Linux. */
function childrenSeconds() {
  const fields = procStat("/proc/self/stat");
  return fields === undefined ? undefined : (Number(fields[13]) + Number(fields[14])) / 100;
}

/** The fields of a /proc stat file after the command name, undefined where there is none. */
function procStat(file) {
  try {
    const stat = readFileSync(file, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratio = (a, b) => `${(a / b).toFixed(1)}×`;

// 1. The corpus.
const cases = [];
for (const group of ["cases", "templates"]) {
  for (const id of readdirSync(path.join(corpus, group)).sort()) {
    const dir = path.join(corpus, group, id);
    cases.push({ id: `${group}/${id}`, dir, ...caseArgs(dir) });
  }
}

// `--corpus-child DIR`: the corpus once with the persistent cache in DIR, seconds on stdout.
const childAt = args.indexOf("--corpus-child");
if (childAt >= 0) {
  const { DiskRenderCache } = await import(path.join(repoRoot, "dist/cache/store.js"));
  const cache = new DiskRenderCache(args[childAt + 1]);
  const t = process.hrtime.bigint();
  for (const c of cases) slipwayInProcess(c.dir, c.argv, cache);
  console.log(seconds(t));
  process.exit(0);
}
// `--pool-child THREADS`: the corpus's chart releases through the platform's render pool (below).
const poolAt = args.indexOf("--pool-child");
if (poolAt >= 0) {
  const { renderReleases } = await import(path.join(repoRoot, "dist/helm/pool/index.js"));
  const { loadChartDir } = await import(path.join(repoRoot, "dist/helm/chart-source.js"));
  const { composeUserValues } = await import(path.join(repoRoot, "dist/helm/values.js"));
  const cpu = process.cpuUsage();
  const main = mainThreadSeconds();
  const t = process.hrtime.bigint();
  const jobs = cases.flatMap((c) => {
    const job = poolJobOf(c);
    if (job === undefined) return [];
    const files = c.meta.values.map((v) => ({ name: v, text: readFileSync(path.join(c.dir, v), "utf8") }));
    return [
      {
        chart: loadChartDir(path.resolve(c.dir, c.meta.chart)),
        job: { ...job, values: composeUserValues({ files }) },
      },
    ];
  });
  const outcomes = renderReleases(jobs, { threads: Number(args[poolAt + 1]) });
  const wall = seconds(t);
  const digest = createHash("sha256");
  for (const o of outcomes) {
    if (!o.ok) digest.update(`error\0${o.error}\0`);
    else
      for (const m of [...o.release.manifests, ...o.release.hooks])
        digest.update(`${m.path}\0${m.content}\0`);
  }
  const mainEnd = mainThreadSeconds();
  console.log(
    JSON.stringify({
      jobs: jobs.length,
      wall,
      cpu: cpuSeconds(cpu),
      main: main === undefined || mainEnd === undefined ? undefined : mainEnd - main,
      digest: digest.digest("hex"),
    }),
  );
  process.exit(0);
}

const cpu0 = process.cpuUsage();
const main0 = mainThreadSeconds();
let t0 = process.hrtime.bigint();
const ours = cases.map((c) => slipwayInProcess(c.dir, c.argv));
const slipwayCorpus = seconds(t0);
const slipwayCorpusCpu = cpuSeconds(cpu0);
const main1 = mainThreadSeconds();
const slipwayCorpusMain = main0 === undefined || main1 === undefined ? undefined : main1 - main0;
const sample = helmSample > 0 ? cases.slice(0, helmSample) : cases;
const children0 = childrenSeconds();
t0 = process.hrtime.bigint();
const theirs = sample.map((c) => helmRun(c.dir, c.argv));
const helmCorpus = seconds(t0);
const helmCorpusAll = (helmCorpus * cases.length) / sample.length;
const children1 = childrenSeconds();
const helmCorpusCpuAll =
  children0 === undefined || children1 === undefined
    ? undefined
    : ((children1 - children0) * cases.length) / sample.length;
let same = 0;
sample.forEach((c, i) => {
  const a = ours[i];
  const b = theirs[i];
  if (
    c.meta.nondeterministic
      ? a.code === 0 && b.code === 0
      : a.code === b.code && (a.code !== 0 || a.stdout === b.stdout)
  ) {
    same++;
  }
});
// The corpus in a fresh process with Slipway's persistent cache (parsed templates, compiled
// schemas): emptied first (the run also writes), then warm.
const corpusScratch = mkdtempSync(path.join(tmpdir(), "slipway-bench-corpus-"));
const corpusChild = () =>
  Number(
    execFileSync(
      process.execPath,
      [...binFlags, fileURLToPath(import.meta.url), "--corpus-child", corpusScratch],
      { encoding: "utf8", maxBuffer: 1 << 28 },
    ).trim(),
  );
const corpusCold = corpusChild();
const corpusWarm = corpusChild();
rmSync(corpusScratch, { recursive: true, force: true });
console.log(
  `helm corpus (${cases.length} cases): slipway, one process ${slipwayCorpus.toFixed(2)} s (CPU ${slipwayCorpusCpu.toFixed(2)} s${slipwayCorpusMain === undefined ? "" : `, main thread ${slipwayCorpusMain.toFixed(2)} s`}) | helm template loop ${helmCorpusAll.toFixed(1)} s${helmCorpusCpuAll === undefined ? "" : ` (CPU ${helmCorpusCpuAll.toFixed(1)} s)`}${sample.length < cases.length ? ` (extrapolated from ${sample.length})` : ""} | ${ratio(helmCorpusAll, slipwayCorpus)} faster${helmCorpusCpuAll === undefined ? "" : `, ${ratio(helmCorpusCpuAll, slipwayCorpusCpu)} less CPU`}; ${same}/${sample.length} outcomes identical; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(
  `helm corpus, fresh process with the persistent cache: warm ${corpusWarm.toFixed(2)} s (${ratio(helmCorpusAll, corpusWarm)} faster), cold ${corpusCold.toFixed(2)} s (${ratio(helmCorpusAll, corpusCold)})`,
);

// 1b. The corpus's chart releases (cases/ whose flags a release job carries: values files, API and
// Kubernetes versions, schema validation) as the platform renders HelmReleases: one batch through
// the render pool (src/helm/pool), in a fresh process per worker count. The pool's default on
// two cores is no worker (workerCount); the figures say what workers would cost or save here.
// Outputs must not depend on the worker count: their digests are compared.
{
  const poolRuns = Math.min(runs, 3);
  const counts = [0, 1, 2];
  const results = counts.map(() => []);
  for (let r = 0; r < poolRuns; r++) {
    counts.forEach((n, i) => {
      const out = execFileSync(
        process.execPath,
        [...binFlags, fileURLToPath(import.meta.url), "--pool-child", String(n)],
        { encoding: "utf8", maxBuffer: 1 << 28 },
      );
      results[i].push(JSON.parse(out.trim().split("\n").at(-1)));
    });
  }
  const digests = new Set(results.flat().map((x) => x.digest));
  const figure = (xs) => {
    const main = xs.every((x) => x.main !== undefined)
      ? `, main thread ${median(xs.map((x) => x.main)).toFixed(2)} s`
      : "";
    return `${median(xs.map((x) => x.wall)).toFixed(2)} s (CPU ${median(xs.map((x) => x.cpu)).toFixed(2)} s${main})`;
  };
  console.log(
    `helm corpus, its ${results[0][0].jobs} chart releases through the render pool, fresh process (median of ${poolRuns}): ` +
      counts.map((n, i) => `${n} worker${n === 1 ? "" : "s"} ${figure(results[i])}`).join(" | ") +
      `; outputs ${digests.size === 1 ? "identical" : "DIFFER"} whatever the worker count; ${availableParallelism()} cores, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );
}

// 2. app-template, per release.
const appCases = cases.filter((c) => c.id.startsWith("cases/app-template-4.1.1__rw-"));
for (const c of appCases) slipwayInProcess(c.dir, c.argv); // warm: charts loaded and parsed once
t0 = process.hrtime.bigint();
for (let r = 0; r < runs; r++) for (const c of appCases) slipwayInProcess(c.dir, c.argv);
const slipwayPer = (seconds(t0) / (runs * appCases.length)) * 1000;
t0 = process.hrtime.bigint();
for (const c of appCases) helmRun(c.dir, c.argv);
const helmPer = (seconds(t0) / appCases.length) * 1000;
console.log(
  `app-template, ${appCases.length} real HelmReleases: slipway ${slipwayPer.toFixed(1)} ms per release (one process, warm) | helm template ${helmPer.toFixed(0)} ms per release | ${ratio(helmPer, slipwayPer)} faster`,
);

// 3. kube-prometheus-stack, one release, fresh processes.
const kps = path.join(corpus, "charts/kube-prometheus-stack-88.3.0");
const bin = path.join(repoRoot, "bin/slipway.js");
// Grafana's admin password is random (and a checksum hashes it): pinned, so outputs compare.
const kpsArgs = ["template", "kps", kps, "-n", "monitoring", "--set", "grafana.adminPassword=bench"];
// Slipway keeps compiled code and parsed templates in its cache directory: each figure names the
// state of a scratch cache — none (--no-cache), cold (emptied before every run, so the run also
// writes) and warm (filled by an earlier run).
const scratch = mkdtempSync(path.join(tmpdir(), "slipway-bench-helm-"));
const slipwayKps = (mode) => {
  if (mode === "cold") rmSync(scratch, { recursive: true, force: true });
  const t = process.hrtime.bigint();
  const r = spawnSync(bin, ["helm", ...kpsArgs, ...(mode === "none" ? ["--no-cache"] : [])], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
    env: { ...process.env, SLIPWAY_CACHE_DIR: scratch, SLIPWAY_NO_CACHE: "" },
  });
  return { ...r, seconds: seconds(t) };
};
const slipwayRuns = { none: [], cold: [], warm: [] };
const helmRuns = [];
for (let r = 0; r < runs; r++) {
  slipwayRuns.none.push(slipwayKps("none").seconds);
  slipwayRuns.cold.push(slipwayKps("cold").seconds);
  const a = slipwayKps("warm");
  slipwayRuns.warm.push(a.seconds);
  t0 = process.hrtime.bigint();
  const b = spawnSync(helm, kpsArgs, {
    encoding: "utf8",
    env: helmEnv,
    maxBuffer: 1 << 28,
  });
  helmRuns.push(seconds(t0));
  if (r === 0 && (a.status !== 0 || a.stdout !== b.stdout))
    console.log(`  kube-prometheus-stack: outputs differ (slipway exit ${a.status})`);
}
rmSync(scratch, { recursive: true, force: true });
const h = median(helmRuns);
const ms = (x) => `${(x * 1000).toFixed(0)} ms`;
const figure = (mode) => `${ms(median(slipwayRuns[mode]))} (${ratio(h, median(slipwayRuns[mode]))})`;
console.log(
  `kube-prometheus-stack, one release (fresh process, median of ${runs}): helm template ${ms(h)} | slipway, warm cache ${figure("warm")}, cold cache ${figure("cold")}, --no-cache ${figure("none")}`,
);
