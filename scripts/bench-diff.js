// Diff benchmark (issue 6): a generated platform of 1,000 Flux Kustomizations in a temporary
// Git repository, one file changed in one commit. Times `slipway diff` changed-only against a
// full render of both revisions and checks that both give the same report.
// Target: changed-only under 1 s. Run `npm run build` first.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { diffRevisions } from "../dist/diff/index.js";
import { clearBlobCache } from "../dist/fs/git.js";
import { clearParsedFiles } from "../dist/kustomize/target.js";
import { createSecretMasker } from "../dist/sops/index.js";

const COUNT = Number(process.argv[2] ?? 1000);
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
const time = (changedOnly) => {
  // Each measured run starts cold, as a CLI invocation does.
  clearParsedFiles();
  clearBlobCache();
  const t = performance.now();
  const r = diffRevisions({ repo: dir, base, head, changedOnly, masker });
  return { ms: performance.now() - t, r };
};
time(true); // warm up the JIT and the page cache
const fast = time(true);
const full = time(false);
rmSync(dir, { recursive: true, force: true });

const strip = (report) => JSON.stringify({ ...report, changedOnly: undefined });
const identical = strip(fast.r.report) === strip(full.r.report);
const s = full.r.report.summary;
console.log(`platform: ${COUNT} Flux Kustomizations (+ root), one file changed`);
console.log(`full diff:         ${full.ms.toFixed(0)} ms`);
console.log(
  `changed-only diff: ${fast.ms.toFixed(0)} ms (${fast.r.skipped} directories not built, ${(full.ms / fast.ms).toFixed(1)}× faster)`,
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
if (fast.ms >= 1000) console.log("note: changed-only is above the 1 s target on this machine");
