#!/usr/bin/env node
// Benchmark: renders a generated repository (services × overlays sharing bases and components)
// with Slipway in one process and with a `kubectl kustomize` loop, and prints both times and the
// ratio; then the wall time of one small overlay each way (cold start included).
// Usage: npm run bench -- [--services N] [--kubectl-sample N]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
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
        path: /spec/template/metadata/annotations/prometheus.io~1port
        value: "9090"
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
const kubectlPart = time(() => {
  for (const d of sample) execFileSync(kubectl, ["kustomize", d], { stdio: ["ignore", "ignore", "inherit"] });
});
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
