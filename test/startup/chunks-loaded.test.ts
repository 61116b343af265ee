/**
 * What a command's start-up loads (issue 16): the built CLI, run with SLIPWAY_TRACE_CHUNKS, names
 * each bundle chunk it loads; the modules in those chunks (rolldown marks each with its dist/
 * path) must not include the code the run never uses. By content, not by time: `--version` loads
 * neither the platform nor node:crypto, `build` without --enable-helm not the Helm engine, a
 * `check` answered from the result cache neither the kustomize build nor the Helm engine, and a
 * `diff` or `graph` whose renders the render cache holds not the Helm engine (the
 * platform loader's render points load it when one renders: src/helm/engine-access.ts).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/env.js";
import { fluxKs, fluxSync, helmRelease } from "../support/flux.js";
import { scratchDirs } from "../support/scratch.js";

const temps = scratchDirs();
const bundleDir = path.join(repoRoot, "dist/bundle");
const built = existsSync(path.join(bundleDir, "start.js"));
if (!built) process.stderr.write("[skipped] start-up chunk suites need dist/ (npm run build)\n");

/** The bin with the chunk trace on; the exit code, stdout and the dist/ modules of the chunks it loaded. */
function traced(args: string[], cacheDir: string) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, "bin/slipway.js"), ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: { ...process.env, SLIPWAY_NO_CACHE: "", SLIPWAY_CACHE_DIR: cacheDir, SLIPWAY_TRACE_CHUNKS: "1" },
  });
  const chunks = [...r.stderr.matchAll(/^slipway: chunk (\S+) \d+ bytes/gm)].map((m) => m[1]!);
  const modules = new Set<string>();
  for (const chunk of chunks.filter((c) => !c.startsWith(".."))) {
    const source = readFileSync(path.join(bundleDir, chunk), "utf8");
    for (const m of source.matchAll(/^\/\/ (dist\/\S+\.js)$/gm)) modules.add(m[1]!);
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, chunks, modules };
}

/** The modules a run must not have loaded, of those given. */
const loadedOf = (modules: Set<string>, unwanted: string[]) => unwanted.filter((m) => modules.has(m));

const helmEngine = ["dist/helm/template/exec.js", "dist/helm/render.js", "dist/helm/funcs/index.js"];
const kustomizeBuild = ["dist/kustomize/target.js"];
const platform = ["dist/platform/load.js"];

describe.skipIf(!built)("what start-up loads", () => {
  it("--version: the entry's few chunks, no command's, and not node:crypto", () => {
    const version = traced(["--version"], temps.make("slipway-chunks-"));
    expect(version.code).toBe(0);
    expect(version.chunks.length).toBeGreaterThan(0);
    expect(
      loadedOf(version.modules, [...helmEngine, ...kustomizeBuild, ...platform, "dist/cli/check.js"]),
    ).toEqual([]);
    // Which Node modules the process loaded: node:crypto is loaded when first used.
    const script = `const { startBundle } = require(${JSON.stringify(path.join(bundleDir, "start.js"))});
const { main } = startBundle(${JSON.stringify(`${bundleDir}${path.sep}`)}, ["--version"]);
main(["--version"]).then(() => process.stderr.write(JSON.stringify(process.moduleLoadList)));`;
    const r = spawnSync(process.execPath, ["-e", script], {
      encoding: "utf8",
      env: { ...process.env, SLIPWAY_CACHE_DIR: temps.make("slipway-chunks-") },
    });
    expect(r.stdout).toMatch(/^slipway \d/);
    const nodeModules = JSON.parse(r.stderr) as string[];
    expect(nodeModules).toContain("NativeModule vm");
    expect(nodeModules.filter((m) => /\bcrypto\b/.test(m))).toEqual([]);
  });

  it("build: the Helm engine only with --enable-helm", () => {
    const cache = temps.make("slipway-chunks-");
    const plain = traced(["build", path.join(repoRoot, "examples/hello/overlays/dev")], cache);
    expect(plain.code).toBe(0);
    expect(plain.modules.has("dist/kustomize/target.js")).toBe(true);
    expect(loadedOf(plain.modules, helmEngine)).toEqual([]);
    const helm = traced(
      ["build", "--enable-helm", path.join(repoRoot, "examples/hello/overlays/dev")],
      cache,
    );
    expect(helm.stdout).toBe(plain.stdout);
    expect(loadedOf(helm.modules, helmEngine)).toEqual(helmEngine);
  });

  it("check answered from the result cache: neither the kustomize build nor the Helm engine", () => {
    // A copy: the result cache is not used for a tree with links out of it (the examples' .git).
    const repo = path.join(temps.make("slipway-chunks-repo-"), "platform");
    cpSync(path.join(repoRoot, "examples/platform"), repo, { recursive: true });
    const cache = temps.make("slipway-chunks-");
    const args = ["check", repo, "--format", "json"];
    const first = traced(args, cache);
    // The run that stores the result renders: the modules this test looks for are in the bundle.
    // (The example renders no chart: the Helm engine is not loaded even then.)
    expect(loadedOf(first.modules, [...helmEngine, ...kustomizeBuild, ...platform])).toEqual([
      ...kustomizeBuild,
      ...platform,
    ]);
    const hit = traced(args, cache);
    expect(hit.stdout).toBe(first.stdout);
    expect(loadedOf(hit.modules, [...helmEngine, ...kustomizeBuild, ...platform])).toEqual([]);
  });

  it("diff and graph whose renders the render cache holds: not the Helm engine", () => {
    const repo = chartRepository();
    const cache = temps.make("slipway-chunks-");
    const diff = ["diff", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", "json"];
    // The first run renders the chart at both revisions (the engine is loaded) and stores them.
    const first = traced(diff, cache);
    expect(first.code, first.stderr).toBe(1);
    expect(loadedOf(first.modules, helmEngine)).toEqual(helmEngine);
    const warm = traced(diff, cache);
    expect(warm.code).toBe(1);
    expect(warm.stdout).toBe(first.stdout);
    expect(warm.modules.has("dist/platform/load.js")).toBe(true);
    expect(loadedOf(warm.modules, helmEngine)).toEqual([]);
    // graph of the working tree (the head's render is cached), then after an edit of the release's
    // values (a render the cache does not hold: the engine loads on the way), then again.
    const graph = ["graph", repo, "--format", "json"];
    const cached = traced(graph, cache);
    expect(cached.code, cached.stderr).toBe(0);
    expect(loadedOf(cached.modules, helmEngine)).toEqual([]);
    const release = path.join(repo, "apps/helmrelease.yaml");
    writeFileSync(release, readFileSync(release, "utf8").replace("replicas: 3", "replicas: 4"));
    const edited = traced(graph, cache);
    expect(edited.code).toBe(0);
    expect(loadedOf(edited.modules, helmEngine)).toEqual(helmEngine);
    const again = traced(graph, cache);
    expect(again.stdout).toBe(edited.stdout);
    expect(loadedOf(again.modules, helmEngine)).toEqual([]);
  });
});

/**
 * A Git repository (two commits: a value edited) with one HelmRelease of a chart in the repository
 * itself, rendered from the GitRepository flux-system.
 */
function chartRepository(): string {
  const repo = path.join(temps.make("slipway-chunks-repo-"), "platform");
  const files: Record<string, string> = {
    "clusters/prod/flux-system/gotk-sync.yaml": fluxSync("./clusters/prod"),
    "clusters/prod/apps.yaml": fluxKs("apps", "./apps"),
    "apps/kustomization.yaml": "resources:\n  - helmrelease.yaml\n",
    "apps/helmrelease.yaml": helmRelease(
      "demo",
      "apps",
      "      chart: ./charts/demo\n      sourceRef:\n        kind: GitRepository\n        name: flux-system\n        namespace: flux-system\n",
      "  values:\n    replicas: 2\n",
    ),
    "charts/demo/Chart.yaml": "apiVersion: v2\nname: demo\nversion: 1.0.0\n",
    "charts/demo/values.yaml": "replicas: 1\n",
    "charts/demo/templates/configmap.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  replicas: {{ .Values.replicas | quote }}\n",
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    writeFileSync(path.join(repo, file), text);
  }
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: repo });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  writeFileSync(
    path.join(repo, "apps/helmrelease.yaml"),
    files["apps/helmrelease.yaml"]!.replace("replicas: 2", "replicas: 3"),
  );
  git("commit", "-q", "-am", "edit");
  return repo;
}
