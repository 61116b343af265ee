/**
 * End to end over a fleet/infra/apps trio laid out like the Flux Operator "d2" reference
 * architecture (test/fixtures/d2): FluxInstance-bootstrapped clusters, tenants handed out by
 * ResourceSets whose inputs are substituted from the cluster's runtime ConfigMap, generated
 * GitRepositories mapped to the sibling repositories, and components delivered as ResourceSets.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import { analyzeGraph } from "../../src/graph/index.js";
import { missingSprigFunctions } from "../../src/operator/funcs.js";
import { graphNodes, loadPlatform } from "../../src/platform/index.js";
import { repoRoot } from "../support/env.js";

const hasQuote = !missingSprigFunctions().includes("quote");
const d2 = path.join(repoRoot, "test/fixtures/d2");
const platform = loadPlatform(path.join(d2, "fleet"), { allowedPaths: [d2] });

function appliers(cluster: string) {
  const c = platform.clusters.find((x) => x.name === cluster)!;
  return Object.fromEntries(c.kustomizations.map((k) => [`${k.kind ?? "Kustomization"} ${k.id}`, k.status]));
}

describe("d2-shaped fleet", () => {
  it("renders both clusters through tenants' ResourceSets into the infra and apps repositories", () => {
    expect(platform.clusters.map((c) => c.name).sort()).toEqual(["production", "staging"]);
    expect(platform.errors).toEqual([]);
    expect(appliers("staging")).toEqual({
      "Kustomization flux-system/flux-system": "rendered",
      "Kustomization flux-system/tenants": "rendered",
      "ResourceSet ResourceSet/flux-system/infra": "rendered",
      "ResourceSet ResourceSet/flux-system/apps": "rendered",
      "Kustomization flux-system/infra": "rendered",
      "Kustomization flux-system/apps": "rendered",
      "ResourceSet ResourceSet/apps/podinfo": "rendered",
      // Its template calls sprig's quote: not rendered while Slipway's function table lacks it.
      "ResourceSet ResourceSet/flux-system/cert-manager": hasQuote ? "rendered" : "external",
    });
  });

  it.runIf(hasQuote)("renders the component ResourceSet patched per environment (sprig's quote)", () => {
    for (const [env, version, cluster] of [
      ["staging", "1.x", "staging-1"],
      ["production", "1.17.x", "production-1"],
    ] as const) {
      const c = platform.clusters.find((x) => x.name === env)!;
      const rs = c.kustomizations.find((k) => k.id === "ResourceSet/flux-system/cert-manager")!;
      const repo = rs.resources.find((r) => r.object.kind === "OCIRepository")!.object;
      expect((repo.spec as { ref: unknown }).ref).toEqual({ semver: version });
      const hr = c.helmReleases.find((h) => h.name === "cert-manager")!;
      expect((hr.object.spec as { values: { podLabels: unknown } }).values.podLabels).toEqual({ cluster });
    }
  });

  it("substitutes the cluster's runtime info into ResourceSet inputs and follows the generated Kustomizations", () => {
    for (const env of ["staging", "production"]) {
      const c = platform.clusters.find((x) => x.name === env)!;
      const apps = c.kustomizations.find((k) => k.id === "flux-system/apps")!;
      expect(apps.dir).toBe(`../apps/${env}`);
      expect(apps.appliedBy).toBe("ResourceSet/flux-system/apps");
      const podinfo = c.helmReleases.find((h) => h.name === "podinfo-frontend")!;
      expect(podinfo).toMatchObject({ namespace: "apps", kustomization: "ResourceSet/apps/podinfo" });
      const replicas = (podinfo.object.spec as { values: { replicaCount: number } }).values.replicaCount;
      expect(replicas).toBe(env === "staging" ? 1 : 3);
    }
  });

  it("puts the ResourceSet dependency in the graph and reports no error findings", () => {
    const analysis = analyzeGraph(graphNodes(platform));
    expect(analysis.missing).toEqual([]);
    expect(analysis.cycles).toEqual([]);
    const edge = (a: string, b: string) =>
      analysis.edges.some((e) => e.dependent === `staging/${a}` && e.dependsOn === `staging/${b}`);
    expect(edge("ResourceSet/flux-system/apps", "ResourceSet/flux-system/infra")).toBe(true);
    expect(edge("HelmRelease/apps/podinfo-frontend", "ResourceSet/apps/podinfo")).toBe(true);
    const result = runCheck(platform, { rules: allRules });
    expect(result.findings.filter((f) => f.severity === "error").map((f) => f.message)).toEqual([]);
    expect(result.findings.filter((f) => f.rule === "not-rendered-offline").map((f) => f.message)).toEqual(
      hasQuote ? [] : [expect.stringContaining('"quote"'), expect.stringContaining('"quote"')],
    );
  });
});
