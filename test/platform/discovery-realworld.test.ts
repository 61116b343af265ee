import { readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPlatform } from "../../src/platform/index.js";
import { repoRoot, requires, sharedDir } from "../support/env.js";

/**
 * Exactly the clusters of each real repository, verified by hand from its layout (the reason
 * says why). A phantom cluster, a lost one, or one found the wrong way fails here.
 */
const expected: Record<string, { clusters: Array<[name: string, path: string, by: string]>; why: string }> = {
  "billimek__k8s-gitops": {
    clusters: [["cluster", "setup/flux/cluster", "flux-instance"]],
    why: "flux-operator: the flux-instance chart's HelmRelease syncs setup/flux/cluster, whose cluster.yaml applies kubernetes/ (apps there are plain folders and ResourceSets, no sync objects)",
  },
  "bjw-s-labs__home-ops": {
    clusters: [["cluster", "kubernetes/flux/cluster", "flux-instance"]],
    why: "flux-operator: the flux-instance HelmRelease syncs kubernetes/flux/cluster; ~90 app ks.yaml files are applied from it, not clusters",
  },
  "fluxcd__flux2-hub-spoke-example": {
    clusters: [["hub", "hub", "top-level"]],
    why: "one Flux installation (hub, gotk-sync.yaml is a placeholder); clusters/{staging,production} are applied from hub/*.yaml through kubeConfig, not Flux installations of their own",
  },
  "fluxcd__flux2-kustomize-helm-example": {
    clusters: [
      ["production", "clusters/production", "top-level"],
      ["staging", "clusters/staging", "top-level"],
    ],
    why: "clusters/<env> with flux-system/ (gotk-sync.yaml is a placeholder comment): apps.yaml, infrastructure.yaml are the top-level Kustomizations",
  },
  "fluxcd__flux2-monitoring-example": {
    clusters: [["test", "clusters/test", "top-level"]],
    why: "a single clusters/test with a placeholder gotk-sync.yaml",
  },
  "fluxcd__flux2-multi-tenancy": {
    clusters: [
      ["production", "clusters/production", "top-level"],
      ["staging", "clusters/staging", "top-level"],
    ],
    why: "clusters/<env>; the tenants' own Kustomizations (tenants/base/dev-team) are applied from there, not clusters",
  },
  "giantswarm__gitops-template": {
    clusters: [["MC_NAME", "management-clusters/MC_NAME", "top-level"]],
    why: "a template with one management cluster (MC_NAME placeholder); workload clusters under organizations/ are applied by it",
  },
  "onedr0p__home-ops": {
    clusters: [["cluster", "kubernetes/flux/cluster", "flux-instance"]],
    why: "flux-operator: the flux-instance HelmRelease syncs kubernetes/flux/cluster; per-app ks.yaml folders are applied from it",
  },
  "stefanprodan__gitops-istio": {
    clusters: [["my-cluster", "clusters/my-cluster", "top-level"]],
    why: "a single clusters/my-cluster (bootstrap objects not committed)",
  },
};

describe("discovery on ../shared/realworld: exactly the hand-verified clusters", () => {
  const run = requires("shared");
  it.runIf(run)("covers every repository of the corpus (a new one needs its expectation)", () => {
    const dirs = readdirSync(path.join(sharedDir, "realworld")).filter((d) =>
      statSync(path.join(sharedDir, "realworld", d)).isDirectory(),
    );
    expect(dirs.sort()).toEqual(Object.keys(expected).sort());
  });
  for (const [repo, { clusters, why }] of Object.entries(expected)) {
    it.runIf(run)(`${repo}: ${why}`, () => {
      const p = loadPlatform(path.join(sharedDir, "realworld", repo));
      expect(p.clusters.map((c) => [c.name, c.path, c.discoveredBy])).toEqual(clusters);
      // Every cluster says how it was found.
      for (const c of p.clusters) expect(c.reason).toBeTruthy();
      // No discovery errors (a sync file that does not parse, a file too large to scan).
      expect(p.errors).toEqual([]);
    });
  }
});

it("examples/platform: the three clusters its Flux sync objects define", () => {
  const p = loadPlatform(path.join(repoRoot, "examples/platform"));
  expect(p.clusters.map((c) => [c.name, c.path, c.discoveredBy])).toEqual([
    ["dev", "clusters/dev", "sync"],
    ["production", "clusters/production", "sync"],
    ["staging", "clusters/staging", "sync"],
  ]);
  expect(p.discovery?.notes).toEqual([]);
});
