import { cpSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { imagesCommand } from "../../src/cli/images.js";
import { GitFixture } from "../diff/git-fixture.js";
import { captureOutput } from "../support/capture.js";
import { repoRoot } from "../support/env.js";
import { demoKeyFile } from "../support/flux.js";

describe("slipway images on examples/platform", () => {
  const repo = new GitFixture();
  cpSync(path.join(repoRoot, "examples/platform"), repo.dir, { recursive: true });
  repo.commit("platform");
  afterAll(() => repo.cleanup());
  afterEach(() => {
    repo.git("checkout", "-q", "--", ".");
    repo.git("clean", "-qfd");
  });
  const run = (...args: string[]) =>
    captureOutput(() =>
      imagesCommand([...args.slice(0, 1), repo.dir, "--age-key-file", demoKeyFile, ...args.slice(1)]),
    );

  it("list: every image per cluster, where it is set and its ImagePolicy", async () => {
    const r = await run("list", "--cluster", "dev");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`cluster dev
  ghcr.io/acme-platform/backend:main-4c1d2e9-1763650512
    used by   Deployment backend/backend spec.template.spec.containers[name=backend] (Flux Kustomization flux-system/backend)
    set at    apps/backend/overlays/dev/kustomization.yaml:10 (newTag)
    policy    ImagePolicy flux-system/backend (:tag marker): numerical asc, tags ^main-[a-f0-9]+-(?P<ts>[0-9]+)$
  ghcr.io/acme-platform/frontend:main-9b07f3a-1763651904
    used by   Deployment frontend/frontend spec.template.spec.containers[name=frontend] (Flux Kustomization flux-system/frontend)
    set at    apps/frontend/overlays/dev/kustomization.yaml:8 (newTag)
    policy    ImagePolicy flux-system/frontend (:tag marker): numerical asc, tags ^main-[a-f0-9]+-(?P<ts>[0-9]+)$
  ghcr.io/stefanprodan/podinfo:6.9.2
    used by   Deployment verify/podinfo spec.template.spec.containers[name=podinfo] (Flux Kustomization flux-system/verify)
    set at    apps/verify/deployment.yaml:25 (image)
`);
    const json = JSON.parse((await run("list", "--format", "json")).stdout);
    expect(json.images).toHaveLength(8); // 3 in dev and staging, 2 in production (no verify)
  });

  it("set --cluster: edits that cluster's overlay only; a file shared with others is refused", async () => {
    const r = await run("set", "ghcr.io/acme-platform/frontend:2.6.0", "--cluster", "staging", "--write");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Wrote 1 file: apps/frontend/overlays/staging/kustomization.yaml");
    expect(
      repo
        .git("diff", "-U0")
        .split("\n")
        .filter((l) => /^[+-][^+-]/.test(l)),
    ).toEqual([
      '-    newTag: 2.5.0-rc.1 # {"$imagepolicy": "flux-system:frontend:tag"}',
      '+    newTag: 2.6.0 # {"$imagepolicy": "flux-system:frontend:tag"}',
    ]);
    repo.git("checkout", "-q", "--", ".");
    const shared = await run("set", "ghcr.io/stefanprodan/podinfo:6.9.3", "--cluster", "dev", "--write");
    expect(shared.code).toBe(1);
    expect(shared.stdout).toContain(
      "✗ image ghcr.io/stefanprodan/podinfo is set in apps/verify/deployment.yaml:25, which staging also uses: setting it here would change staging too [SHARED_BASE]",
    );
    expect(repo.git("status", "--porcelain")).toBe("");
    const everywhere = await run("set", "ghcr.io/stefanprodan/podinfo:6.9.3");
    expect(everywhere.code).toBe(0);
    expect(everywhere.stdout).toContain("Plan only: 1 file would change.");
    const none = await run("set", "ghcr.io/acme-platform/nothing:1.0.0");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no cluster runs ghcr.io/acme-platform/nothing");
  });

  it("update --policies: what image automation would write, then nothing more", async () => {
    const tags = path.join(repo.dir, "tags.txt");
    writeFileSync(
      tags,
      "# IMAGE:TAG per line\nghcr.io/acme-platform/backend:1.9.0\nghcr.io/acme-platform/backend:1.9.1-rc.1\nghcr.io/acme-platform/backend:main-77aa001-1763700000\nghcr.io/acme-platform/backend:1.9.1.sig\n",
    );
    const r = await run("update", "--policies", "--tags", tags, "--write");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "ImagePolicy flux-system/backend in production (semver >=1.0.0): ghcr.io/acme-platform/backend:1.9.0 (from 4 candidate tags)",
    );
    expect(r.stdout).toContain(
      "ImagePolicy flux-system/frontend in production (semver >=1.0.0): no candidate tags for ghcr.io/acme-platform/frontend",
    );
    expect(r.stdout).toContain("Wrote 3 files:");
    expect(
      readFileSync(path.join(repo.dir, "apps/backend/overlays/staging/kustomization.yaml"), "utf8"),
    ).toContain('newTag: 1.9.1-rc.1 # {"$imagepolicy": "flux-system:backend:tag"}');
    const again = await run("update", "--policies", "--tags", tags);
    expect(again.stdout).toContain("Nothing to change.");
    expect((await run("update", "--tags", tags)).code).toBe(2);
    expect((await run("update", "--policies")).code).toBe(2);
  });
});
