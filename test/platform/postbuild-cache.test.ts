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
import { POSTBUILD_UNIT } from "../../src/platform/build-cache.js";
import { loadPlatform, type Platform } from "../../src/platform/index.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A disk cache counting the post-build entries it serves. */
function newCache(): DiskRenderCache & { postHits: number } {
  const d = mkdtempSync(path.join(tmpdir(), "slipway-postbuild-cache-"));
  dirs.push(d);
  const cache = Object.assign(new DiskRenderCache(d, "test-code-identity"), { postHits: 0 });
  const get = cache.get.bind(cache);
  cache.get = (key) => {
    const body = get(key);
    if (body !== undefined && key.unit === POSTBUILD_UNIT) cache.postHits++;
    return body;
  };
  return cache;
}

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

function load(fs: MemoryFileSystem, cache: DiskRenderCache | false): Platform {
  return loadPlatform("/repo", { fs, charts: false, renderCache: cache });
}

/** Loads cold, applies `edit`, loads warm; the warm model must equal an uncached load. */
function afterEdit(edit: (fs: MemoryFileSystem) => void): { warm: Platform; postHits: number } {
  const fs = repo();
  const cache = newCache();
  load(fs, cache);
  edit(fs);
  cache.postHits = 0;
  const warm = load(fs, cache);
  expect(model(warm)).toBe(model(load(fs, false)));
  return { warm, postHits: cache.postHits };
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
    cache.postHits = 0;
    expect(model(load(fs, cache))).toBe(model(load(fs, false)));
    expect(cache.postHits).toBe(1); // the root only
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
    cache.postHits = 0;
    expect(model(load(fs, cache))).toBe(model(load(fs, false)));
    expect(cache.postHits).toBe(0); // the root outputs a Secret, the app reads one
  });
});
