import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type CacheKey, DiskRenderCache } from "../../src/cache/store.js";
import { type DiffReport, diffRevisions } from "../../src/diff/index.js";
import { directoryChartProvider } from "../../src/helmrelease/charts.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { fluxKs, helmRelease, SYNC } from "../support/flux.js";
import { GitFixture } from "./git-fixture.js";

/**
 * A changed-only diff leaves out the HelmReleases whose render is the same at both revisions
 * without decoding their objects (src/diff/shared-renders.ts): the copies it compares instead
 * must not read the lazy `resources` of the releases they copy, which would read the release's
 * render cache entry. The report stays the full diff's.
 */
function platform(replicas: number): Record<string, string> {
  return {
    "clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "clusters/c/apps.yaml": fluxKs("apps", "./apps"),
    "apps/web.yaml": helmRelease(
      "web",
      "apps",
      "      chart: ./charts/web\n      sourceRef:\n        kind: GitRepository\n        name: flux-system\n        namespace: flux-system\n",
    ),
    "apps/config.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\ndata:\n  replicas: "${replicas}"\n`,
    "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
    "charts/web/values.yaml": "replicas: 2\n",
    "charts/web/templates/deployment.yaml":
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n",
  };
}

/** A disk cache that counts the entries read per unit. */
class CountingCache extends DiskRenderCache {
  readonly reads = new Map<string, number>();
  override get(key: CacheKey): unknown | undefined {
    this.reads.set(key.unit, (this.reads.get(key.unit) ?? 0) + 1);
    return super.get(key);
  }
}

const comparable = (r: DiffReport) => JSON.stringify({ ...r, changedOnly: undefined });

describe("a changed-only diff does not read the objects of a release rendered alike at both revisions", () => {
  let repo: GitFixture | undefined;
  let cacheDir: string | undefined;
  afterEach(() => {
    repo?.cleanup();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  it("reads no release render, and reports what the full diff does", () => {
    repo = new GitFixture();
    const base = repo.write(platform(1)).commit("base");
    const head = repo.write({ "apps/config.yaml": platform(3)["apps/config.yaml"]! }).commit("edit");
    cacheDir = mkdtempSync(path.join(tmpdir(), "slipway-shared-renders-"));
    const renderCache = new CountingCache(cacheDir, "test-code-identity");
    const opts = {
      repo: repo.dir,
      base,
      head,
      masker: createSecretMasker(Buffer.alloc(32, 5)),
      charts: directoryChartProvider({}),
      renderCache,
    };
    const full = diffRevisions({ ...opts, changedOnly: false }).report; // also warms the cache
    renderCache.reads.clear();
    const fast = diffRevisions({ ...opts, changedOnly: true });
    // The release was rendered from the cache at both revisions (its summary read), its objects not.
    expect(fast.head.clusters[0]!.helmReleases[0]!.status).toBe("rendered");
    expect(renderCache.reads.get("helm-release-summary")).toBeGreaterThan(0);
    expect(renderCache.reads.get("helm-release") ?? 0).toBe(0);
    expect(comparable(fast.report)).toBe(comparable(full));
    expect(JSON.stringify(full.clusters)).toContain("replicas");
  });
});
