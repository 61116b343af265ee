import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { loadChangedOnly } from "../../src/diff/changed.js";
import { type DiffReport, diffRevisions, openRevisions } from "../../src/diff/index.js";
import { changedPaths } from "../../src/fs/git.js";
import { directoryChartProvider } from "../../src/helmrelease/charts.js";
import type { KObject } from "../../src/kustomize/types.js";
import type { KnownReleaseKey, ReleaseKeyMemo } from "../../src/platform/release-cache.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { fluxKs, helmRelease, SYNC } from "../support/flux.js";
import { GitFixture } from "./git-fixture.js";

/**
 * A changed-only diff's base takes the head's objects with every Flux Kustomization it reuses,
 * HelmReleases included, and takes the head's render cache key for such a release instead of
 * keying it again (releaseKeyMemo). The key is the head's only while every other input is the
 * same: here the HelmRelease's Flux Kustomization is reused while what its render reads changes
 * elsewhere (the ConfigMap its valuesFrom names, the chart's templates), and the changed-only
 * report must still be the full one, the change shown.
 */
const values = (replicas: number) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-values\n  namespace: apps\ndata:\n  values.yaml: |\n    replicas: ${replicas}\n`;
const deployment = (label: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    tier: ${label}
spec:
  replicas: {{ .Values.replicas }}
`;

function platform(): Record<string, string> {
  return {
    "clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "clusters/c/config.yaml": fluxKs("config", "./config"),
    "clusters/c/apps.yaml": fluxKs("apps", "./apps"),
    "config/values.yaml": values(1),
    "apps/web.yaml": helmRelease(
      "web",
      "apps",
      "      chart: ./charts/web\n      sourceRef:\n        kind: GitRepository\n        name: flux-system\n        namespace: flux-system\n",
      "  valuesFrom:\n    - kind: ConfigMap\n      name: web-values\n",
    ),
    "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
    "charts/web/values.yaml": "replicas: 2\n",
    "charts/web/templates/deployment.yaml": deployment("front"),
    "README.md": "a platform\n",
  };
}

const comparable = (r: DiffReport) => JSON.stringify({ ...r, changedOnly: undefined });

describe("a changed-only diff's base keys a release the head keyed only when its inputs are the same", () => {
  let repo: GitFixture | undefined;
  let cacheDir: string | undefined;
  afterEach(() => {
    repo?.cleanup();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
    repo = undefined;
    cacheDir = undefined;
  });

  it.each([
    ["the ConfigMap its values come from", { "config/values.yaml": values(3) }, "replicas"],
    ["its chart's templates", { "charts/web/templates/deployment.yaml": deployment("back") }, "tier"],
    ["nothing it reads", { "README.md": "a platform, edited\n" }, undefined],
  ])("%s changed", (_, edit, field) => {
    repo = new GitFixture();
    const base = repo.write(platform()).commit("base");
    const head = repo.write(edit).commit("edit");
    cacheDir = mkdtempSync(path.join(tmpdir(), "slipway-release-keys-"));
    const renderCache = new DiskRenderCache(cacheDir, "test-code-identity");
    const masker = createSecretMasker(Buffer.alloc(32, 3));
    const opts = { repo: repo.dir, base, head, masker, charts: directoryChartProvider({}), renderCache };
    // Cold, then warm: both revisions' renders are in the cache for the runs compared.
    diffRevisions({ ...opts, changedOnly: false });
    const full = diffRevisions({ ...opts, changedOnly: false }).report;
    const fast = diffRevisions({ ...opts, changedOnly: true });
    expect(fast.reused).toBeGreaterThan(0);
    expect(comparable(fast.report)).toBe(comparable(full));
    const changedFields = JSON.stringify(full.clusters);
    if (field === undefined) expect(full.clusters).toEqual([]);
    else expect(changedFields).toContain(field);
  });

  it("the base takes the head's key for the head's own HelmRelease object", () => {
    repo = new GitFixture();
    const base = repo.write(platform()).commit("base");
    const head = repo.write({ "README.md": "edited\n" }).commit("edit");
    cacheDir = mkdtempSync(path.join(tmpdir(), "slipway-release-keys-"));
    const renderCache = new DiskRenderCache(cacheDir, "test-code-identity");
    const charts = directoryChartProvider({});
    const changed = new Set(changedPaths(repo.dir, base).map((p) => path.posix.join(repo!.dir, p)));
    const load = (memo: ReleaseKeyMemo) => {
      const opened = openRevisions(repo!.dir, base, head);
      return loadChangedOnly(repo!.dir, opened.base, opened.head, changed, {
        renderCache,
        charts,
        releaseKeyMemo: memo,
      });
    };
    load(new WeakMap()); // warms the cache
    const memo = new CountingMemo();
    const r = load(memo);
    const release = (p: typeof r.head) => p.clusters[0]!.helmReleases[0]!;
    expect(release(r.base).object).toBe(release(r.head).object);
    // Keyed once, at the head; the base found the key.
    expect(memo.sets).toBe(1);
    expect(memo.found).toBe(1);
    expect(memo.get(release(r.head).object)?.sources.map(([key, o]) => [key, o !== undefined])).toEqual([
      ["ConfigMap/apps/web-values", true],
    ]);
    expect(release(r.base).status).toBe("rendered");
    expect(release(r.base).resources?.map((x) => x.object)).toEqual(
      release(r.head).resources?.map((x) => x.object),
    );
  });
});

/** A memo that counts the keys set and the lookups that found one. */
class CountingMemo extends WeakMap<KObject, KnownReleaseKey> {
  sets = 0;
  found = 0;
  override get(o: KObject): KnownReleaseKey | undefined {
    const known = super.get(o);
    if (known !== undefined) this.found++;
    return known;
  }
  override set(o: KObject, known: KnownReleaseKey): this {
    this.sets++;
    return super.set(o, known);
  }
}
