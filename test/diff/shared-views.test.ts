import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadChangedOnly } from "../../src/diff/changed.js";
import { diffRevisions, openRevisions } from "../../src/diff/revision.js";
import { changedPaths, type GitFileSystem } from "../../src/fs/git.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { fluxKs, SYNC } from "../support/flux.js";
import { GitFixture } from "./git-fixture.js";

/**
 * A changed-only diff asks each revision about its directories once: the loads and the reuse
 * checks (read-sets.ts) read through one confined view per revision, which keeps every listing
 * it made. With views of their own, the reuse checks listed every directory the loads had
 * listed again, on both revisions.
 */
const cm = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: apps\ndata:\n  value: "${value}"\n`;

function files(value: string): Record<string, string> {
  return {
    "clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "clusters/c/apps.yaml": fluxKs("apps", "./apps"),
    "apps/kustomization.yaml": "resources:\n  - web/ks.yaml\n  - api/ks.yaml\n",
    "apps/web/ks.yaml": fluxKs("web", "./apps/web/app"),
    "apps/web/app/kustomization.yaml": "resources:\n  - config.yaml\n",
    "apps/web/app/config.yaml": cm("web", value),
    "apps/api/ks.yaml": fluxKs("api", "./apps/api/app"),
    "apps/api/app/kustomization.yaml": "resources:\n  - config.yaml\n  - ../../shared\n",
    "apps/api/app/config.yaml": cm("api", "same"),
    "apps/shared/kustomization.yaml": "resources:\n  - config.yaml\n",
    "apps/shared/config.yaml": cm("shared", "same"),
  };
}

/**
 * Counts the typed listings of each directory asked of `fs`: a confined view lists a directory
 * that way once, and keeps it (the links a generated kustomization leaves out are asked apart).
 */
function countListings(fs: GitFileSystem): Map<string, number> {
  const counts = new Map<string, number>();
  const typed = fs.readDirTyped.bind(fs);
  vi.spyOn(fs, "readDirTyped").mockImplementation((p) => {
    counts.set(p, (counts.get(p) ?? 0) + 1);
    return typed(p);
  });
  return counts;
}

describe("a changed-only diff's reads of each revision", () => {
  let repo: GitFixture | undefined;
  afterEach(() => {
    repo?.cleanup();
    repo = undefined;
    vi.restoreAllMocks();
  });

  it("list each directory once, loads and reuse checks together, and report what a full diff does", () => {
    repo = new GitFixture();
    const base = repo.write(files("one")).commit("base");
    const head = repo.write(files("two")).commit("edit");
    const masker = createSecretMasker(Buffer.alloc(32, 1));
    const changed = new Set(changedPaths(repo.dir, base).map((p) => path.posix.join(repo!.dir, p)));
    const opened = openRevisions(repo.dir, base, head);
    const listed = { base: countListings(opened.base), head: countListings(opened.head as GitFileSystem) };
    const r = loadChangedOnly(repo.dir, opened.base, opened.head, changed, { charts: false });
    // api (and the shared base it reads) is taken from the head: the reuse checks looked at it.
    expect(r.reused).toBe(1);
    expect(listed.base.get(path.posix.join(repo.dir, "apps/shared"))).toBe(1);
    for (const side of ["base", "head"] as const) {
      const twice = [...listed[side]].filter(([, n]) => n > 1).map(([p]) => p);
      expect(twice, side).toEqual([]);
    }
    const fast = diffRevisions({ repo: repo.dir, base, head, changedOnly: true, masker, charts: false });
    const full = diffRevisions({ repo: repo.dir, base, head, changedOnly: false, masker, charts: false });
    expect(JSON.stringify({ ...fast.report, changedOnly: false })).toBe(JSON.stringify(full.report));
    expect(fast.report.summary).toMatchObject({ changed: 1 });
  });
});
