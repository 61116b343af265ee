import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { loadChangedOnly } from "../../src/diff/changed.js";
import { comparePlatforms, diffRevisions, openRevisions } from "../../src/diff/revision.js";
import { changedPaths } from "../../src/fs/git.js";
import type { PostBuild, PostBuildMemo } from "../../src/platform/build-cache.js";
import type { Platform } from "../../src/platform/index.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { fluxKs, SYNC } from "../support/flux.js";
import { GitFixture } from "./git-fixture.js";

/**
 * A changed-only diff's base rebuilds every Flux Kustomization whose build may read a changed
 * file: the parent of an edited app lists the app's directory, so it is rebuilt, yet it reads
 * the post-processed entry the head read. Both platforms then hold the objects decoded once
 * (compare.ts finds them equal without a walk), which is sound only while loading never changes
 * an object it took from the cache: a memo that freezes what it keeps proves that here.
 */
const cm = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: apps\ndata:\n  value: "${value}"\n`;

function files(value: string): Record<string, string> {
  return {
    "clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "clusters/c/apps.yaml": fluxKs("apps", "./apps"),
    "apps/kustomization.yaml": "resources:\n  - namespace.yaml\n  - web/ks.yaml\n  - api/ks.yaml\n",
    "apps/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n",
    "apps/web/ks.yaml": fluxKs("web", "./apps/web/app"),
    "apps/web/app/kustomization.yaml": "resources:\n  - config.yaml\n",
    "apps/web/app/config.yaml": cm("web", value),
    "apps/api/ks.yaml": fluxKs("api", "./apps/api/app"),
    "apps/api/app/kustomization.yaml": "resources:\n  - config.yaml\n",
    "apps/api/app/config.yaml": cm("api", "same"),
  };
}

function deepFreeze(v: unknown): void {
  if (typeof v !== "object" || v === null || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const x of Object.values(v)) deepFreeze(x);
}

/** A memo whose every kept build is frozen, objects, sources, transformers and patches. */
class FreezingMemo extends Map<string, PostBuild> implements PostBuildMemo {
  override set(key: string, build: PostBuild): this {
    for (const o of build.objects) {
      deepFreeze(o.object);
      deepFreeze(o.from.touchedBy);
      deepFreeze(o.from.patches);
    }
    return super.set(key, build);
  }
}

const objectsOf = (p: Platform, id: string) =>
  p.clusters[0]!.kustomizations.find((k) => k.id === id)!.resources.map((r) => r.object);

describe("post-processed builds shared by a changed-only diff's two revisions", () => {
  let repo: GitFixture | undefined;
  let cacheDir: string | undefined;
  afterEach(() => {
    repo?.cleanup();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
    repo = undefined;
    cacheDir = undefined;
  });

  it("the rebuilt parent of an edited app holds the head's objects, and loading changes none", () => {
    repo = new GitFixture();
    const base = repo.write(files("one")).commit("base");
    const head = repo.write(files("two")).commit("edit");
    cacheDir = mkdtempSync(path.join(tmpdir(), "slipway-shared-post-builds-"));
    const renderCache = new DiskRenderCache(cacheDir, "test-code-identity");
    const masker = createSecretMasker(Buffer.alloc(32, 1));
    const full = diffRevisions({ repo: repo.dir, base, head, changedOnly: false, masker, renderCache });
    const changed = new Set(changedPaths(repo.dir, base).map((p) => path.posix.join(repo!.dir, p)));

    const memo = new FreezingMemo();
    const opened = openRevisions(repo.dir, base, head);
    const r = loadChangedOnly(repo.dir, opened.base, opened.head, changed, {
      renderCache,
      postBuildMemo: memo,
    });
    // The root and web are built again at the base (web's file changed; the root lists its
    // directory), api is taken from the head.
    expect(r.reused).toBe(1);
    expect(memo.size).toBeGreaterThan(0);
    const atHead = objectsOf(r.head, "flux-system/apps");
    expect(atHead.length).toBe(3);
    expect(objectsOf(r.base, "flux-system/apps").every((o, i) => o === atHead[i])).toBe(true);
    expect(objectsOf(r.base, "flux-system/web")[0]).not.toBe(objectsOf(r.head, "flux-system/web")[0]);

    const report = comparePlatforms(r.base, r.head, { masker, base, head, changedOnly: false });
    expect(JSON.stringify(report)).toBe(JSON.stringify(full.report));
    expect(report.summary).toMatchObject({ changed: 1 });
  });
});
