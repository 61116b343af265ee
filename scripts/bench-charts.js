#!/usr/bin/env node
// Benchmark: pulls N charts from a loopback docker-registry (OCI) and a loopback Helm repository
// (index.yaml over HTTP) with `slipway charts pull` (one process, concurrent, versions resolved
// from ranges) and with a `helm pull` loop (one process per chart, exact versions), and prints
// both times and the ratio. Needs /usr/bin/docker-registry and the Helm oracle.
// Usage: npm run build && node scripts/bench-charts.js [--charts N]
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const i = args.indexOf("--charts");
const n = i >= 0 ? Number(args[i + 1]) : 20;
const helm =
  process.env.HELM ??
  execFileSync("bash", [path.join(repoRoot, "../shared/tools/get-helm.sh")], { encoding: "utf8" }).trim();
const work = mkdtempSync(path.join(tmpdir(), "slipway-bench-charts-"));
const env = {
  ...process.env,
  HELM_CONFIG_HOME: path.join(work, "hc"),
  HELM_CACHE_HOME: path.join(work, "hk"),
};
const sh = (a) => execFileSync(helm, a, { env, stdio: ["ignore", "pipe", "pipe"] });

const freePort = () =>
  new Promise((resolve) => {
    const s = http.createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });

// Charts: n names, two versions each (the range picks the higher).
const pkgs = path.join(work, "pkgs");
mkdirSync(pkgs, { recursive: true });
for (let c = 0; c < n; c++) {
  const dir = path.join(work, "src", `chart${c}`);
  mkdirSync(path.join(dir, "templates"), { recursive: true });
  writeFileSync(path.join(dir, "Chart.yaml"), `apiVersion: v2\nname: chart${c}\nversion: 0.0.0\n`);
  writeFileSync(path.join(dir, "values.yaml"), `payload: "${"x".repeat(20000)}"\n`);
  writeFileSync(
    path.join(dir, "templates", "cm.yaml"),
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  p: {{ .Values.payload }}\n",
  );
  for (const v of ["1.0.0", "1.1.0"]) sh(["package", dir, "--version", v, "-d", pkgs]);
}

const regPort = await freePort();
const regDir = path.join(work, "registry");
mkdirSync(regDir);
writeFileSync(
  path.join(regDir, "config.yml"),
  `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${regDir}/data\nhttp:\n  addr: 127.0.0.1:${regPort}\n  secret: bench\n`,
);
const registry = spawn("/usr/bin/docker-registry", ["serve", path.join(regDir, "config.yml")], {
  stdio: "ignore",
});
for (let t = 0; t < 200; t++) {
  try {
    if ((await fetch(`http://127.0.0.1:${regPort}/v2/`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 50));
}
for (let c = 0; c < n; c++)
  for (const v of ["1.0.0", "1.1.0"])
    sh(["push", path.join(pkgs, `chart${c}-${v}.tgz`), `oci://127.0.0.1:${regPort}/charts`, "--plain-http"]);

const site = path.join(work, "site");
mkdirSync(site);
for (let c = 0; c < n; c++)
  for (const v of ["1.0.0", "1.1.0"])
    copyFileSync(path.join(pkgs, `chart${c}-${v}.tgz`), path.join(site, `chart${c}-${v}.tgz`));
sh(["repo", "index", site]);
const server = http
  .createServer((req, res) => {
    const f = path.join(site, path.basename(new URL(req.url, "http://x").pathname));
    try {
      statSync(f);
      res.end(readFileSync(f));
    } catch {
      res.writeHead(404).end();
    }
  })
  .listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const webPort = server.address().port;

// The platform repository: n HelmReleases on OCI, n on the HTTP repository, ranges "^1.0.0".
const repo = path.join(work, "platform");
mkdirSync(path.join(repo, "clusters", "dev"), { recursive: true });
writeFileSync(path.join(repo, "slipway.yaml"), "clusters:\n  - name: dev\n    path: clusters/dev\n");
const docs = [
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: oci\n  namespace: flux-system\nspec:\n  type: oci\n  insecure: true\n  url: oci://127.0.0.1:${regPort}/charts\n`,
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  url: http://127.0.0.1:${webPort}\n`,
];
for (let c = 0; c < n; c++)
  for (const src of ["oci", "web"])
    docs.push(
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${src}-${c}\n  namespace: apps\nspec:\n  chart:\n    spec:\n      chart: chart${c}\n      version: "^1.0.0"\n      sourceRef:\n        kind: HelmRepository\n        name: ${src}\n        namespace: flux-system\n`,
    );
writeFileSync(path.join(repo, "clusters", "dev", "all.yaml"), docs.join("---\n"));

const time = async (fn) => {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
};
const run = (cmd, a, o = {}) =>
  new Promise((resolve, reject) => {
    const p = spawn(cmd, a, { stdio: ["ignore", "ignore", "pipe"], env, ...o });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${a.join(" ")}: ${err}`))));
  });

const slipway = path.join(repoRoot, "bin", "slipway.js");
const cold = await time(() =>
  run("node", [slipway, "charts", "pull", repo, "--cache-dir", path.join(work, "cache")]),
);
const warm = await time(() =>
  run("node", [slipway, "charts", "pull", repo, "--cache-dir", path.join(work, "cache")]),
);
const out = path.join(work, "helm-out");
mkdirSync(out);
const helmOci = await time(async () => {
  for (let c = 0; c < n; c++)
    await run(helm, [
      "pull",
      `oci://127.0.0.1:${regPort}/charts/chart${c}`,
      "--version",
      "1.1.0",
      "--plain-http",
      "-d",
      out,
    ]);
});
const helmWeb = await time(async () => {
  for (let c = 0; c < n; c++)
    await run(helm, [
      "pull",
      `chart${c}`,
      "--repo",
      `http://127.0.0.1:${webPort}`,
      "--version",
      "^1.0.0",
      "-d",
      out,
    ]);
});
registry.kill("SIGKILL");
server.close();
rmSync(work, { recursive: true, force: true });

const row = (label, s, h) =>
  console.log(
    `${label.padEnd(44)} slipway ${s.toFixed(2)} s   helm ${h.toFixed(2)} s   ratio ${(h / s).toFixed(1)}×`,
  );
console.log(`${2 * n} HelmReleases (${n} charts over OCI + ${n} over an HTTP Helm repository), loopback:`);
row(`cold cache, all ${2 * n} charts (helm: pull loop)`, cold, helmOci + helmWeb);
console.log(`  helm pull loop: OCI ${helmOci.toFixed(2)} s, HTTP ${helmWeb.toFixed(2)} s`);
console.log(
  `warm cache (nothing to fetch)               slipway ${warm.toFixed(2)} s (includes rendering the repository)`,
);
