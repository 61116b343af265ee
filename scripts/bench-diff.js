// Diff benchmark: a generated platform of 1,000 Flux Kustomizations in a temporary Git
// repository, one file changed in one commit, then each real-world repository with one
// edited value. Times `slipway diff` changed-only against a full render of both revisions
// (cold runs, medians of three, wall and CPU time) and checks that both give the same report.
// Last, issue 16's target: the largest repository with HelmReleases and a warm render cache
// (`--warm-only` runs just that). Run `npm run build` first.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { diffRevisions } from "../dist/diff/index.js";
import { clearBlobCache } from "../dist/fs/git.js";
import { clearParsedFiles } from "../dist/kustomize/target.js";
import { loadPlatform } from "../dist/platform/index.js";
import { createSecretMasker } from "../dist/sops/index.js";
import { twoCommitCopy } from "./bench-history.js";

const COUNT = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1000);
/** The largest repository of ../shared/realworld (most Flux Kustomizations and HelmReleases). */
const LARGEST = "bjw-s-labs__home-ops";
const corpus = path.join(
  path.resolve(import.meta.dirname, "..", process.env.SLIPWAY_SHARED ?? "../shared"),
  "realworld",
);
// --warm-only: only issue 16's target figure (the largest repository, warm cache, HelmReleases).
if (process.argv.includes("--warm-only")) {
  await warmLargest();
  process.exit(0);
}
const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-bench-diff-")));
const write = (p, text) => {
  mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
  writeFileSync(path.join(dir, p), text);
};
const git = (...args) =>
  execFileSync("git", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] })
    .toString()
    .trim();

function deployment(i, tag) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  namespace: apps
spec:
  replicas: 2
  selector:
    matchLabels:
      app: svc-${i}
  template:
    metadata:
      labels:
        app: svc-${i}
    spec:
      containers:
        - name: app
          image: registry.example.com/svc-${i}:${tag}
          env:
            - name: ENV
              value: "\${env}"
          ports:
            - containerPort: 8080
`;
}

write(
  "clusters/prod/flux-system/gotk-sync.yaml",
  `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 5m, url: https://example.com/platform.git, ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 10m, path: ./clusters/prod, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}
`,
);
const entries = ["flux-system/gotk-sync.yaml"];
for (let i = 0; i < COUNT; i++) {
  entries.push(`apps/svc-${i}.yaml`);
  write(
    `clusters/prod/apps/svc-${i}.yaml`,
    `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: svc-${i}, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps/svc-${i}
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild: {substitute: {env: prod}}
`,
  );
  write(`apps/svc-${i}/kustomization.yaml`, "resources:\n  - deployment.yaml\n  - service.yaml\n");
  write(`apps/svc-${i}/deployment.yaml`, deployment(i, "1.0.0"));
  write(
    `apps/svc-${i}/service.yaml`,
    `apiVersion: v1
kind: Service
metadata: {name: svc-${i}, namespace: apps}
spec: {selector: {app: svc-${i}}, ports: [{port: 80, targetPort: 8080}]}
`,
  );
}
write("clusters/prod/kustomization.yaml", `resources:\n${entries.map((e) => `  - ${e}`).join("\n")}\n`);
git("init", "-q", "-b", "main");
const commit = (msg) => {
  git("add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", msg);
  return git("rev-parse", "HEAD");
};
const base = commit("platform");
const changed = Math.floor(COUNT / 2);
write(`apps/svc-${changed}/deployment.yaml`, deployment(changed, "1.1.0"));
const head = commit("bump one image");

const masker = createSecretMasker(Buffer.alloc(32, 1));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** One cold run (as a CLI invocation is): wall and CPU time. */
const once = (repo, base, head, changedOnly) => {
  clearParsedFiles();
  clearBlobCache();
  const t = performance.now();
  const c = cpuMs();
  const r = diffRevisions({ repo, base, head, changedOnly, masker });
  return { ms: performance.now() - t, cpu: cpuMs() - c, r };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Medians of `runs` alternating runs of each mode (the machine is shared: CPU time is the steadier number). */
const measure = (repo, base, head, runs = 3) => {
  once(repo, base, head, true); // warm up the JIT and the page cache
  const fast = [];
  const full = [];
  for (let i = 0; i < runs; i++) {
    fast.push(once(repo, base, head, true));
    full.push(once(repo, base, head, false));
  }
  const strip = (report) => JSON.stringify({ ...report, changedOnly: undefined });
  return {
    fast: { ms: median(fast.map((x) => x.ms)), cpu: median(fast.map((x) => x.cpu)), r: fast[0].r },
    full: { ms: median(full.map((x) => x.ms)), cpu: median(full.map((x) => x.cpu)), r: full[0].r },
    identical: fast.every((x, i) => strip(x.r.report) === strip(full[i].r.report)),
  };
};

const { fast, full, identical } = measure(dir, base, head);
rmSync(dir, { recursive: true, force: true });

const s = full.r.report.summary;
const line = (m) => `${m.ms.toFixed(0)} ms wall, ${m.cpu.toFixed(0)} ms CPU`;
console.log(`platform: ${COUNT} Flux Kustomizations (+ root), one file changed`);
console.log(`full diff:         ${line(full)}`);
console.log(
  `changed-only diff: ${line(fast)} (${fast.r.reused} Flux Kustomizations of the base reused from the head; ${(full.cpu / fast.cpu).toFixed(1)}× less CPU)`,
);
console.log(
  `report: ${s.kustomizations} Flux Kustomization, ${s.changed} changed object; identical: ${identical}`,
);
if (!identical) {
  console.error("changed-only and full reports differ");
  process.exit(1);
}
if (s.kustomizations !== 1 || s.changed !== 1) {
  console.error("expected exactly one changed object");
  process.exit(1);
}

// The real-world corpus (../shared/realworld), when present: one scalar edit in a file that
// a Flux Kustomization renders, committed, per repository.
if (existsSync(corpus)) {
  console.log("\nreal-world repositories (one edited value in a rendered file, committed):");
  console.log(
    "repository                              full (wall / CPU)        changed-only (wall / CPU)   reused  identical",
  );
  for (const name of readdirSync(corpus).sort()) {
    if (!statSync(path.join(corpus, name)).isDirectory()) continue;
    const { copy, b, h, file } = editedHistory(name, "slipway-bench-diff-rw-");
    const m = measure(copy, b, h);
    rmSync(copy, { recursive: true, force: true });
    const col = (x) => `${x.ms.toFixed(0).padStart(6)} / ${x.cpu.toFixed(0).padStart(6)} ms`;
    console.log(
      `${name.padEnd(40)}${col(m.full).padEnd(25)}${col(m.fast).padEnd(28)}${String(m.fast.r.reused).padStart(6)}  ${m.identical}${file ? "" : " (no edit)"}`,
    );
  }
}

await warmLargest();

/**
 * A git copy of the corpus repository `name` with two commits: as it is (b), and with one
 * rendered value edited (h).
 */
function editedHistory(name, prefix, options) {
  const copy = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  const { b, h, edited } = twoCommitCopy(path.join(corpus, name), copy, editOneRenderedValue, options);
  return { copy, b, h, file: edited };
}

/** Appends "-bench" to a plain value of an object that the last Flux Kustomization renders. */
function editOneRenderedValue(root) {
  const p = loadPlatform(root);
  for (const c of p.clusters) {
    // The last Flux Kustomization found is a leaf (one app), as most pull requests touch.
    for (const k of [...c.kustomizations].reverse()) {
      for (const r of k.resources) {
        if (!r.source || r.source.file.endsWith("gotk-components.yaml")) continue;
        const abs = path.join(root, r.source.file);
        const lines = readFileSync(abs, "utf8").split("\n");
        const i = lines.findIndex(
          (l, n) =>
            n >= r.source.line - 1 &&
            n < r.source.line + 40 &&
            /^\s+(app|[\w.-]+\/name|LOG_LEVEL|[a-z_]+): [a-z][\w.-]*$/.test(l),
        );
        if (i < 0) continue;
        lines[i] = `${lines[i]}-bench`;
        writeFileSync(abs, lines.join("\n"));
        return r.source.file;
      }
    }
  }
  return undefined;
}

// Issue 16's target: a one-file change, changed-only diff of the largest repository with its
// HelmReleases rendered (charts of ../shared/conformance/helm standing in for the chart cache)
// and a warm render cache (a private one, warmed by a full diff first): < 100 ms.
async function warmLargest() {
  if (!existsSync(corpus) || !existsSync(path.join(corpus, LARGEST))) return;
  const { DiskRenderCache } = await import("../dist/cache/store.js");
  const { directoryChartProvider } = await import("../dist/helmrelease/charts.js");
  const { readYaml } = await import("../dist/helm/yaml.js");
  const chartsDir = path.join(corpus, "..", "conformance/helm/charts");
  const byName = {};
  for (const d of readdirSync(chartsDir)) {
    const chart = readYaml(readFileSync(path.join(chartsDir, d, "Chart.yaml"), "utf8"));
    byName[String(chart.get("name"))] = path.join(chartsDir, d);
  }
  const charts = directoryChartProvider(byName);
  const { copy, b, h } = editedHistory(LARGEST, "slipway-bench-diff-warm-", { pack: true });
  const cacheDir = mkdtempSync(path.join(tmpdir(), "slipway-bench-diff-cache-"));
  const renderCache = new DiskRenderCache(cacheDir);
  const masker = createSecretMasker(Buffer.alloc(32, 1));
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const run = (changedOnly) => {
    clearParsedFiles();
    clearBlobCache();
    const t = performance.now();
    const c = cpuMs();
    const r = diffRevisions({ repo: copy, base: b, head: h, changedOnly, masker, charts, renderCache });
    // Only the figures and the report's text are kept: a run that kept the platforms of the runs
    // before it would collect a heap a fresh process does not have.
    const ms = performance.now() - t;
    return {
      ms,
      cpu: cpuMs() - c,
      report: JSON.stringify({ ...r.report, changedOnly: undefined }),
      releases: r.head.clusters.reduce((n, c) => n + c.helmReleases.length, 0),
    };
  };
  run(false); // warms the cache with both revisions
  const full = [];
  const fast = [];
  for (let i = 0; i < 7; i++) {
    fast.push(run(true));
    if (i < 3) full.push(run(false));
  }
  rmSync(copy, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
  const med = (xs, k) => median(xs.map((x) => x[k])).toFixed(0);
  const releases = fast[0].releases;
  console.log(
    `\n${LARGEST}, ${releases} HelmReleases rendered, warm render cache, one edited value (target < 100 ms changed-only):`,
  );
  console.log(
    `  full diff:         ${med(full, "ms")} ms wall, ${med(full, "cpu")} ms CPU (median of ${full.length})`,
  );
  console.log(
    `  changed-only diff: ${med(fast, "ms")} ms wall, ${med(fast, "cpu")} ms CPU (median of ${fast.length}); identical: ${fast.every((x) => x.report === full[0].report)}`,
  );
}
