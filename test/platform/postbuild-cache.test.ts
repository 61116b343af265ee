/**
 * Post-processed Flux builds in the render cache (src/platform/build-cache.ts, POSTBUILD_UNIT):
 * a warm load takes a Kustomization's substituted, labelled objects from the cache only while
 * the build, the Flux Kustomization object and its variables are the same. Oracle: the same
 * repository loaded without any cache. Each case edits one input post-processing reads and
 * checks that the warm model equals the uncached one, and whether the entry was served.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import {
  BUILD_READS_UNIT,
  BUILD_UNIT,
  POSTBUILD_UNIT,
  type PostBuild,
  type PostBuildMemo,
} from "../../src/platform/build-cache.js";
import { loadPlatform, type Platform } from "../../src/platform/index.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function newCache(): DiskRenderCache {
  const d = mkdtempSync(path.join(tmpdir(), "slipway-postbuild-cache-"));
  dirs.push(d);
  return new DiskRenderCache(d, "test-code-identity");
}

/**
 * A load's memo of post-processed builds: it keeps each one the cache served (a read set of its
 * entry held), so its size says how many Kustomizations took their objects from the cache.
 */
class ServedBuilds extends Map<string, PostBuild> implements PostBuildMemo {}

const SYNC = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 5m, url: https://example.com/platform.git, ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 10m, path: ./clusters/prod, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}
`;

function app(opts: { name?: string; vars?: string; from?: string; common?: string } = {}): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: ${opts.name ?? "app"}, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps/app
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substitute: {${opts.vars ?? "ENV: prod"}}
    substituteFrom:
      - {kind: ConfigMap, name: ${opts.from ?? "vars"}}
${opts.common ? `  commonMetadata: {labels: {${opts.common}}}\n` : ""}`;
}

const vars = (region: string, name = "vars") =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: flux-system}\ndata: {REGION: ${region}}\n`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: apps}
spec:
  template:
    spec:
      containers:
        - name: web
          image: "registry.example.com/web:1.0"
          env:
            - {name: ENV, value: "\${ENV}"}
            - {name: REGION, value: "\${REGION:=none}"}
`;

function repo(): MemoryFileSystem {
  return new MemoryFileSystem({
    "/repo/clusters/prod/flux-system/gotk-sync.yaml": SYNC,
    "/repo/clusters/prod/app.yaml": app(),
    "/repo/clusters/prod/vars.yaml": vars("eu"),
    "/repo/apps/app/kustomization.yaml": "resources:\n  - deployment.yaml\n",
    "/repo/apps/app/deployment.yaml": DEPLOYMENT,
  });
}

function model(p: Platform): string {
  return JSON.stringify(p, (k, v) => (k === "renderMs" ? undefined : typeof v === "bigint" ? `${v}n` : v));
}

function load(fs: MemoryFileSystem, cache: DiskRenderCache | false, served = new ServedBuilds()): Platform {
  return loadPlatform("/repo", { fs, charts: false, renderCache: cache, postBuildMemo: served });
}

/** A warm load, equal to an uncached one, and how many Kustomizations the cache served. */
function warmLoad(fs: MemoryFileSystem, cache: DiskRenderCache): { warm: Platform; postHits: number } {
  const served = new ServedBuilds();
  const warm = load(fs, cache, served);
  expect(model(warm)).toBe(model(load(fs, false)));
  return { warm, postHits: served.size };
}

/** Loads cold, applies `edit`, loads warm; the warm model must equal an uncached load. */
function afterEdit(edit: (fs: MemoryFileSystem) => void): { warm: Platform; postHits: number } {
  const fs = repo();
  const cache = newCache();
  load(fs, cache);
  edit(fs);
  return warmLoad(fs, cache);
}

function env(p: Platform): unknown {
  const k = p.clusters[0]!.kustomizations.find((x) => x.name === "app" || x.name === "renamed")!;
  const d = k.resources.find((r) => r.object.kind === "Deployment")!;
  return { labels: (d.object.metadata as { labels?: unknown }).labels, env: JSON.stringify(d.object.spec) };
}

describe("post-processed build cache", () => {
  it("serves an unchanged repository (every Kustomization from its entry)", () => {
    const { warm, postHits } = afterEdit(() => {});
    expect(postHits).toBe(2); // the root and the app

    expect(JSON.stringify(env(warm))).toContain("eu");
  });

  it.each([
    [
      "an inline variable",
      (fs: MemoryFileSystem) => fs.write("/repo/clusters/prod/app.yaml", app({ vars: "ENV: staging" })),
      "staging",
      0,
    ],
    [
      "a substituteFrom ConfigMap's value",
      (fs: MemoryFileSystem) => fs.write("/repo/clusters/prod/vars.yaml", vars("us")),
      "us",
      0,
    ],
    [
      "the ConfigMap substituteFrom names",
      (fs: MemoryFileSystem) => {
        fs.write("/repo/clusters/prod/vars.yaml", `${vars("eu")}---\n${vars("ap", "other")}`);
        fs.write("/repo/clusters/prod/app.yaml", app({ from: "other" }));
      },
      "ap",
      0,
    ],
    [
      "the Kustomization's name (owner labels)",
      (fs: MemoryFileSystem) => fs.write("/repo/clusters/prod/app.yaml", app({ name: "renamed" })),
      "renamed",
      0,
    ],
    [
      "commonMetadata",
      (fs: MemoryFileSystem) => fs.write("/repo/clusters/prod/app.yaml", app({ common: "team: a" })),
      '"team":"a"',
      0,
    ],
    [
      "a built file",
      (fs: MemoryFileSystem) => fs.write("/repo/apps/app/deployment.yaml", DEPLOYMENT.replace("1.0", "2.0")),
      "web:2.0",
      1,
    ],
  ])("misses when %s changes", (_, edit, expected, rootHits) => {
    const { warm, postHits } = afterEdit(edit);
    expect(JSON.stringify(env(warm))).toContain(expected);
    // The app's entry never serves; the root's does when its build is not what changed.
    expect(postHits).toBe(rootHits);
  });

  it("keeps nothing for a Kustomization whose objects have secret fields", () => {
    const fs = repo();
    fs.write(
      "/repo/apps/app/secret.yaml",
      "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: apps}\nstringData: {password: hunter2}\n",
    );
    fs.write("/repo/apps/app/kustomization.yaml", "resources:\n  - deployment.yaml\n  - secret.yaml\n");
    const cache = newCache();
    load(fs, cache);
    expect(warmLoad(fs, cache).postHits).toBe(1); // the root only
  });

  it("keeps nothing for a Kustomization that substitutes from a Secret", () => {
    const fs = repo();
    fs.write(
      "/repo/clusters/prod/vars.yaml",
      "apiVersion: v1\nkind: Secret\nmetadata: {name: vars, namespace: flux-system}\nstringData: {REGION: eu}\n",
    );
    fs.write("/repo/clusters/prod/app.yaml", app().replace("kind: ConfigMap", "kind: Secret"));
    const cache = newCache();
    load(fs, cache);
    expect(warmLoad(fs, cache).postHits).toBe(0); // the root outputs a Secret, the app reads one
  });
});

/** A disk cache noting the unit of every entry it is asked for, and whether it had it. */
function countingCache(): DiskRenderCache & { reads: string[]; missed: string[] } {
  const cache = Object.assign(newCache(), { reads: [] as string[], missed: [] as string[] });
  const get = cache.get.bind(cache);
  cache.get = (key) => {
    const body = get(key);
    cache.reads.push(key.unit);
    if (body === undefined) cache.missed.push(key.unit);
    return body;
  };
  return cache;
}

describe("post-processed build entries", () => {
  it("a warm load reads one entry per Kustomization: neither the read manifest nor the build's output", () => {
    const fs = repo();
    const cache = countingCache();
    load(fs, cache);
    cache.reads = [];
    expect(warmLoad(fs, cache).postHits).toBe(2);
    // The root is built first, to read its own spec; the app reads its post-processed entry alone.
    expect(cache.reads).toEqual([BUILD_READS_UNIT, BUILD_UNIT, POSTBUILD_UNIT, POSTBUILD_UNIT]);
  });

  it("a Kustomization whose build fails is said so in its entry once: a warm load neither misses nor writes", () => {
    const fs = repo();
    fs.write("/repo/apps/app/kustomization.yaml", "resources:\n  - deployment.yaml\n  - missing.yaml\n");
    const cache = countingCache();
    load(fs, cache);
    const writes = cache.stats.writes;
    cache.missed = [];
    const { warm } = warmLoad(fs, cache);
    expect(warm.clusters[0]!.kustomizations.find((k) => k.name === "app")!.status).toBe("failed");
    expect(cache.missed).toEqual([]);
    expect(cache.stats.writes).toBe(writes);
    // Fixed, the build is stored and served again.
    fs.write("/repo/apps/app/kustomization.yaml", "resources:\n  - deployment.yaml\n");
    warmLoad(fs, cache);
    expect(warmLoad(fs, cache).postHits).toBe(2);
  });

  it("an entry whose read set holds but whose objects do not read is a miss, built again", () => {
    const fs = repo();
    const cache = countingCache();
    load(fs, cache);
    // What a damaged (yet sealed) entry could say: a read set that always holds, objects that are not.
    const get = cache.get.bind(cache);
    cache.get = (key) =>
      key.unit === POSTBUILD_UNIT
        ? { sets: [{ records: [], digest: "0".repeat(64), build: { dir: 1 } }] }
        : get(key);
    const { warm, postHits } = warmLoad(fs, cache);
    expect(postHits).toBe(0);
    expect(JSON.stringify(env(warm))).toContain("eu");
  });
});
