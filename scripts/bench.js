#!/usr/bin/env node
// Benchmark: renders a generated repository (services × overlays sharing bases and components)
// with Slipway in one process and with a `kubectl kustomize` loop, and prints both times and the
// ratio; then the wall time of one small overlay each way (cold start included).
// Usage: npm run bench -- [--services N] [--kubectl-sample N]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { outputNameFor } = await import(path.join(repoRoot, "dist/cli/build.js"));
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const services = flag("--services", 300);
const kubectlSample = flag("--kubectl-sample", 0);
const kubectl = process.env.KUBECTL ?? "/usr/bin/kubectl";
const envs = ["dev", "staging", "production"];
const work = path.join(repoRoot, ".bench", "repo");

function write(p, text) {
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
}

function generate() {
  rmSync(work, { recursive: true, force: true });
  write(
    path.join(work, "components/monitoring/kustomization.yaml"),
    `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
commonAnnotations:
  prometheus.io/scrape: "true"
patches:
  - target:
      kind: Deployment
    patch: |-
      - op: add
        path: /spec/template/metadata/annotations
        value:
          prometheus.io/port: "9090"
`,
  );
  for (let s = 0; s < services; s++) {
    const svc = `svc-${String(s).padStart(3, "0")}`;
    const base = path.join(work, "apps", svc, "base");
    write(
      path.join(base, "kustomization.yaml"),
      `resources:
  - deployment.yaml
  - service.yaml
labels:
  - pairs:
      app.kubernetes.io/name: ${svc}
    includeSelectors: true
configMapGenerator:
  - name: ${svc}-config
    literals:
      - LOG_LEVEL=info
      - FEATURE_X="on"
`,
    );
    write(
      path.join(base, "deployment.yaml"),
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${svc}
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/${svc}:1.0.0
          ports:
            - containerPort: 8080
          envFrom:
            - configMapRef:
                name: ${svc}-config
          resources:
            requests: {cpu: 50m, memory: 64Mi}
            limits: {cpu: 500m, memory: 256Mi}
`,
    );
    write(
      path.join(base, "service.yaml"),
      `apiVersion: v1
kind: Service
metadata:
  name: ${svc}
spec:
  ports:
    - port: 80
      targetPort: 8080
`,
    );
    envs.forEach((env, i) => {
      write(
        path.join(work, "apps", svc, "overlays", env, "kustomization.yaml"),
        `resources:
  - ../../base
components:
  - ../../../../components/monitoring
namespace: ${env}
namePrefix: ${env}-
images:
  - name: registry.example.com/${svc}
    newTag: "1.${i}.${s}"
replicas:
  - name: ${svc}
    count: ${i + 1}
configMapGenerator:
  - name: ${svc}-config
    behavior: merge
    literals:
      - ENVIRONMENT=${env}
patches:
  - target:
      kind: Deployment
    patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: any
      spec:
        template:
          spec:
            containers:
              - name: app
                env:
                  - name: ENV
                    value: ${env}
`,
      );
    });
  }
}

function overlayDirs() {
  const out = [];
  for (let s = 0; s < services; s++) {
    for (const env of envs)
      out.push(path.join(work, "apps", `svc-${String(s).padStart(3, "0")}`, "overlays", env));
  }
  return out;
}

function time(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

generate();
const dirs = overlayDirs();
const slipwayBin = path.join(repoRoot, "bin", "slipway.js");
const outDir = path.join(repoRoot, ".bench", "out");
rmSync(outDir, { recursive: true, force: true });

console.log(
  `generated ${services} services × ${envs.length} overlays = ${dirs.length} kustomizations under ${work}`,
);
const slipwayAll = time(() => {
  const r = spawnSync(process.execPath, [slipwayBin, "build", ...dirs, "--out-dir", outDir], {
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error("slipway build failed");
});
console.log(`slipway, one process, all overlays: ${slipwayAll.toFixed(2)} s`);

const sample = kubectlSample > 0 ? dirs.slice(0, kubectlSample) : dirs;
const kubectlOut = [];
const kubectlPart = time(() => {
  for (const d of sample)
    kubectlOut.push(execFileSync(kubectl, ["kustomize", d], { stdio: ["ignore", "pipe", "inherit"] }));
});
const mismatches = sample.filter(
  (d, i) => readFileSync(path.join(outDir, outputNameFor(d)), "utf8") !== kubectlOut[i].toString("utf8"),
);
console.log(
  `outputs compared with kubectl: ${sample.length - mismatches.length}/${sample.length} byte-identical`,
);
const kubectlAll = (kubectlPart * dirs.length) / sample.length;
console.log(
  `kubectl kustomize loop: ${kubectlAll.toFixed(2)} s${sample.length < dirs.length ? ` (extrapolated from ${sample.length} overlays)` : ""}`,
);
console.log(`ratio (kubectl / slipway), whole repository: ${(kubectlAll / slipwayAll).toFixed(1)}×`);

const small = dirs[0];
const reps = 10;
const slipwayOne =
  time(() => {
    for (let i = 0; i < reps; i++)
      execFileSync(process.execPath, [slipwayBin, "build", small], { stdio: "ignore" });
  }) / reps;
const kubectlOne =
  time(() => {
    for (let i = 0; i < reps; i++) execFileSync(kubectl, ["kustomize", small], { stdio: "ignore" });
  }) / reps;
console.log(
  `one small overlay (mean of ${reps}, cold start included): slipway ${(slipwayOne * 1000).toFixed(0)} ms, kubectl ${(kubectlOne * 1000).toFixed(0)} ms, slipway/kubectl ${(slipwayOne / kubectlOne).toFixed(2)}×`,
);

// ---------------------------------------------------------------------------------------------
// Platform rendering: a generated repository with 1,000 Flux Kustomizations in one cluster,
// and the real-world corpus, rendered by `slipway render` (time and peak memory), compared
// with a `kubectl kustomize` loop over the same paths.
const fluxCount = flag("--flux-kustomizations", 1000);
const platformDir = path.join(repoRoot, ".bench", "platform");

function generatePlatform() {
  rmSync(platformDir, { recursive: true, force: true });
  write(
    path.join(platformDir, "clusters/prod/flux-system/gotk-sync.yaml"),
    `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  ref:
    branch: main
  url: https://example.com/platform.git
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/prod
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
  );
  const ks = [];
  for (let i = 0; i < fluxCount; i++) {
    const name = `app-${String(i).padStart(4, "0")}`;
    const dependsOn =
      i > 0 && i % 10 !== 0 ? `  dependsOn:\n    - name: app-${String(i - 1).padStart(4, "0")}\n` : "";
    ks.push(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/${name}
  prune: true
  targetNamespace: ${name}
${dependsOn}  sourceRef:
    kind: GitRepository
    name: flux-system
  postBuild:
    substitute:
      replicas: "${1 + (i % 3)}"
`);
    write(
      path.join(platformDir, "apps", name, "kustomization.yaml"),
      "resources:\n  - ../../base\nnamePrefix: x-\n",
    );
  }
  write(path.join(platformDir, "clusters/prod/apps.yaml"), ks.join("---\n"));
  write(path.join(platformDir, "base/kustomization.yaml"), "resources:\n  - deployment.yaml\n");
  write(
    path.join(platformDir, "base/deployment.yaml"),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: \${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
`,
  );
  return Array.from({ length: fluxCount }, (_, i) =>
    path.join(platformDir, "apps", `app-${String(i).padStart(4, "0")}`),
  );
}

/** Runs a command under /usr/bin/time and returns wall seconds and peak RSS in MiB. */
function measured(cmd, argv) {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", cmd, ...argv], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const last = r.stderr.trim().split("\n").pop() ?? "";
  const [secs, kb] = last.split(" ").map(Number);
  return { ok: r.status === 0, secs, mib: kb / 1024, stderr: r.stderr };
}

const appDirs = generatePlatform();
const renderOut = path.join(repoRoot, ".bench", "rendered");
const plat = measured(process.execPath, [slipwayBin, "render", platformDir, "--out", renderOut]);
console.log(
  `\nrender: generated platform, ${fluxCount} Flux Kustomizations: ${plat.secs.toFixed(2)} s, peak ${plat.mib.toFixed(0)} MiB${plat.ok ? "" : " (FAILED)"}`,
);
const kSample = appDirs.slice(
  0,
  Math.min(appDirs.length, kubectlSample > 0 ? kubectlSample : appDirs.length),
);
const kTime =
  (time(() => {
    for (const d of kSample)
      execFileSync(kubectl, ["kustomize", "--load-restrictor", "LoadRestrictionsNone", d], {
        stdio: "ignore",
      });
  }) *
    appDirs.length) /
  kSample.length;
console.log(
  `kubectl kustomize loop over the same ${appDirs.length} paths: ${kTime.toFixed(2)} s${kSample.length < appDirs.length ? ` (extrapolated from ${kSample.length})` : ""}; ratio ${(kTime / plat.secs).toFixed(1)}×`,
);

const corpus = path.resolve(repoRoot, "../shared/realworld");
try {
  const repos = (await import("node:fs"))
    .readdirSync(corpus, { withFileTypes: true })
    .filter((d) => d.isDirectory());
  let total = 0;
  let peak = 0;
  for (const r of repos) {
    const m = measured(process.execPath, [
      slipwayBin,
      "render",
      path.join(corpus, r.name),
      "--out",
      path.join(renderOut, r.name),
    ]);
    total += m.secs;
    peak = Math.max(peak, m.mib);
    console.log(`render: ${r.name}: ${m.secs.toFixed(2)} s, peak ${m.mib.toFixed(0)} MiB`);
  }
  console.log(
    `render: real-world corpus (${repos.length} repositories): ${total.toFixed(2)} s, peak ${peak.toFixed(0)} MiB`,
  );
} catch {
  console.log("render: ../shared/realworld not found; real-world corpus skipped");
}

// Helm: the conformance corpus, app-template per release and kube-prometheus-stack vs Helm v4.1.4.
const helmBench = spawnSync(
  process.execPath,
  ["--stack-size=3900", path.join(repoRoot, "scripts/bench-helm.js")],
  {
    stdio: "inherit",
  },
);
if (helmBench.status !== 0) console.log("helm bench failed");

// Issue 16's fleet figures: realworld builds vs a kubectl loop, check of the largest repository with
// its HelmReleases (cold, warm), peak memory per repository.
const fleetBench = spawnSync(process.execPath, [path.join(repoRoot, "scripts/bench-fleet.js")], {
  stdio: "inherit",
});
if (fleetBench.status !== 0) console.log("fleet bench failed");

// Issue 16's changed-only diff: the largest repository, warm render cache, one edited value, in
// one process under the node flags the CLI runs with (bin/slipway.js's #! line).
const cliFlags = readFileSync(path.join(repoRoot, "bin/slipway.js"), "utf8")
  .split("\n", 1)[0]
  .split(" ")
  .slice(3);
const diffBench = spawnSync(
  process.execPath,
  [...cliFlags, path.join(repoRoot, "scripts/bench-diff.js"), "--warm-only"],
  {
    stdio: "inherit",
  },
);
if (diffBench.status !== 0) console.log("diff bench failed");

// Issues 11 and 16: the fixed cost of a fresh process (--version, helm template of podinfo and
// kube-prometheus-stack beside `helm template`), median wall and CPU time of several runs.
const startupBench = spawnSync(process.execPath, [path.join(repoRoot, "scripts/bench-startup.js")], {
  stdio: "inherit",
});
if (startupBench.status !== 0) console.log("startup bench failed");
