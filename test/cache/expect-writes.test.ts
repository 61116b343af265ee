/**
 * The loader's hint to the render cache (RenderCache.expectWrites): a repository with many Flux
 * Kustomizations and no post-processed build in the cache is a cold run that writes many entries,
 * so the cache may start its writer thread at once; a small repository or a warm cache gets no
 * hint (its few writes stay synchronous, see src/cache/background-writes.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CacheKey, DiskRenderCache, type RenderCache } from "../../src/cache/store.js";
import { loadPlatform } from "../../src/platform/index.js";
import { tempTree } from "../support/cli.js";
import { fluxKs, SYNC } from "../support/flux.js";

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A repository whose cluster applies `n` Flux Kustomizations, each building one ConfigMap. */
function repo(n: number): string {
  const files: Record<string, string> = { "clusters/c/flux-system/gotk-sync.yaml": SYNC };
  for (let i = 0; i < n; i++) {
    files[`clusters/c/ks-${i}.yaml`] = fluxKs(`app-${i}`, `./apps/app-${i}`);
    files[`apps/app-${i}/cm.yaml`] =
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: default\n`;
  }
  const root = tempTree(files);
  temps.push(root);
  return root;
}

/** A cache in memory that answers mayHold as told and counts the hints. */
class HintedCache implements RenderCache {
  readonly stats = { hits: 0, misses: 0, writes: 0, rejected: 0 };
  hints = 0;
  private readonly keys: DiskRenderCache;
  constructor(private readonly holds: boolean) {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-expect-writes-"));
    temps.push(dir);
    this.keys = new DiskRenderCache(dir, "code");
  }
  key(unit: string, inputs: string): CacheKey {
    return this.keys.key(unit, inputs);
  }
  get(): unknown {
    this.stats.misses++;
    return undefined;
  }
  put(): void {
    this.stats.writes++;
  }
  mayHold(): boolean {
    return this.holds;
  }
  expectWrites(): void {
    this.hints++;
  }
}

describe("render cache: the loader's hint that a run writes many entries", () => {
  it("is given for many Flux Kustomizations and a cache without post-processed builds", () => {
    const cache = new HintedCache(false);
    const p = loadPlatform(repo(10), { renderCache: cache, charts: false });
    expect(p.clusters[0]?.kustomizations.length).toBeGreaterThanOrEqual(10);
    expect(cache.hints).toBe(1);
  });

  it("is not given for a small repository, nor when the cache may hold the builds", () => {
    const small = new HintedCache(false);
    loadPlatform(repo(2), { renderCache: small, charts: false });
    expect(small.hints).toBe(0);
    const warm = new HintedCache(true);
    loadPlatform(repo(10), { renderCache: warm, charts: false });
    expect(warm.hints).toBe(0);
  });

  it("changes nothing a run renders", () => {
    const root = repo(10);
    const json = (cache: RenderCache | false) =>
      JSON.stringify(loadPlatform(root, { renderCache: cache, charts: false }), (k, v) =>
        k === "renderMs" ? undefined : v,
      );
    expect(json(new HintedCache(false))).toBe(json(false));
  });
});
