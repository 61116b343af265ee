/**
 * Property (issue 16): for every repository of ../shared/realworld and examples/platform, with
 * the charts of ../shared/conformance/helm standing in for the chart cache, the model and
 * `check`'s JSON are byte-identical without the render cache, with a cold one and with a warm
 * one (rendered HelmReleases and built Flux Kustomizations both served from it).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskRenderCache, type RenderCache } from "../../src/cache/store.js";
import { runCheck } from "../../src/check/engine.js";
import { formatJson } from "../../src/check/report/json.js";
import { allRules } from "../../src/check/rules/index.js";
import { forgetParsedTemplates } from "../../src/helm/engine.js";
import { forgetValidators } from "../../src/helm/schema.js";
import { directoryChartProvider } from "../../src/helmrelease/charts.js";
import { loadPlatformWithSecrets, maskedPlatform } from "../../src/platform/decrypt.js";
import type { Platform } from "../../src/platform/index.js";
import { RELEASE_SUMMARY_UNIT, RELEASE_UNIT } from "../../src/platform/release-cache.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { conformanceChartDirs } from "../support/conformance-charts.js";
import { requires, sharedDir } from "../support/env.js";

const realworld = path.join(sharedDir, "realworld");
const repos = requires("shared")
  ? [
      ...readdirSync(realworld)
        .filter((d) => statSync(path.join(realworld, d)).isDirectory())
        .map((d) => path.join(realworld, d)),
      path.resolve(import.meta.dirname, "../../examples/platform"),
    ]
  : [];

function chartProvider() {
  return directoryChartProvider(conformanceChartDirs());
}

const cacheDir = mkdtempSync(path.join(tmpdir(), "slipway-rc-realworld-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const missed = new WeakMap<RenderCache, string[]>();
const served = new WeakMap<RenderCache, string[]>();

/** A disk cache that remembers the unit of every miss and every hit. */
function diskCache(): DiskRenderCache {
  const cache = new DiskRenderCache(cacheDir);
  const units: string[] = [];
  const hits: string[] = [];
  const get = cache.get.bind(cache);
  cache.get = (key) => {
    const body = get(key);
    (body === undefined ? units : hits).push(key.unit);
    return body;
  };
  const getBytes = cache.getBytes.bind(cache);
  cache.getBytes = (key) => {
    const bytes = getBytes(key);
    (bytes === undefined ? units : hits).push(key.unit);
    return bytes;
  };
  missed.set(cache, units);
  served.set(cache, hits);
  return cache;
}

function misses(cache: RenderCache): string[] {
  return missed.get(cache) ?? [];
}

function modelJson(p: Platform): string {
  return JSON.stringify(p, (k, v) => (k === "renderMs" ? undefined : typeof v === "bigint" ? `${v}n` : v));
}

async function outputs(repo: string, cache: RenderCache | false): Promise<{ model: string; check: string }> {
  const { platform } = await loadPlatformWithSecrets(repo, {
    identities: [],
    charts: chartProvider(),
    renderCache: cache,
  });
  const check = formatJson(runCheck(maskedPlatform(platform, createSecretMasker()), { rules: allRules }));
  return { model: modelJson(platform), check };
}

describe.skipIf(repos.length === 0)(
  "render cache on ../shared/realworld and examples/platform: cold == warm == none",
  () => {
    it.each(repos)(
      "%s",
      async (repo) => {
        const none = await outputs(repo, false);
        // What this process parsed and compiled is forgotten, so the cold run keeps its parses
        // and schemas in the cache (and the run below must read them from there).
        forgetParsedTemplates();
        forgetValidators();
        const coldCache = diskCache();
        const cold = await outputs(repo, coldCache);
        const warmCache = diskCache();
        const warm = await outputs(repo, warmCache);
        expect(cold.model).toBe(none.model);
        expect(warm.model).toBe(none.model);
        expect(cold.check).toBe(none.check);
        expect(warm.check).toBe(none.check);
        // Everything stored cold is served warm: nothing is rendered and stored again (but for
        // examples/platform's HelmReleases with secret values, which are never stored).
        expect(misses(warmCache).filter((u) => u.startsWith("flux-build"))).toEqual([]);
        if (!repo.endsWith("examples/platform")) expect(misses(warmCache)).toEqual([]);
        expect(warmCache.stats.writes).toBe(0);
        // Every entry read is a hit; a release's objects are read only when looked at (a
        // release rendered again with CRDs other charts template is looked at once, afterwards).
        expect(warmCache.stats.hits).toBeGreaterThan(0);
        expect(warmCache.stats.hits).toBeLessThanOrEqual(coldCache.stats.hits + coldCache.stats.writes);
        // Flux Kustomization builds are among them (every repository has some).
        expect(coldCache.stats.writes).toBeGreaterThan(0);
        // Rendered releases gone (a pull request that changes them): they render again, to
        // the same bytes, from the parsed templates the cold run kept (charts of 32 KB of
        // templates or more that two releases used); a chart one release used was parsed
        // cold and only marked (src/helm/persisted-parse.ts): this run parses it and keeps it.
        const dropReleases = () => {
          rmSync(path.join(coldCache.dir, RELEASE_UNIT), { recursive: true, force: true });
          rmSync(path.join(coldCache.dir, RELEASE_SUMMARY_UNIT), { recursive: true, force: true });
          forgetParsedTemplates();
          forgetValidators();
        };
        dropReleases();
        const partialCache = diskCache();
        const partial = await outputs(repo, partialCache);
        expect(partial.model).toBe(none.model);
        expect(partial.check).toBe(none.check);
        const parseMisses = misses(partialCache).filter((u) => u === "helm-parse").length;
        expect(served.get(partialCache)?.filter((u) => u === "helm-parse-seen").length ?? 0).toBe(
          parseMisses,
        );
        if (repo.endsWith("bjw-s-labs__home-ops"))
          expect(served.get(partialCache)?.filter((u) => u === "helm-parse").length).toBeGreaterThan(0);
        // Once more: every parse is served now, to the same bytes.
        // (A schema that does not compile is not kept: it is compiled, and fails, again.)
        dropReleases();
        const againCache = diskCache();
        const again = await outputs(repo, againCache);
        expect(again.model).toBe(none.model);
        expect(again.check).toBe(none.check);
        expect(misses(againCache).filter((u) => u === "helm-parse")).toEqual([]);
      },
      600_000,
    );
  },
);
