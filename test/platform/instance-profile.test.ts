import { describe, expect, it } from "vitest";
import { ks } from "../support/flux.js";
import { loadMemoryPlatform } from "../support/memory-platform.js";

/**
 * A cluster found by a flux-instance HelmRelease whose chart is not in the chart cache (deedee-ops'
 * home-ops): the FluxInstance is never rendered and its values name no version, and the reason a
 * strict substitution gives must not claim there is no FluxInstance.
 */
function repo(): Record<string, string> {
  return {
    "kubernetes/apps/flux-system/flux-instance/helmrelease.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: flux-instance, namespace: flux-system}
spec:
  chartRef: {kind: OCIRepository, name: flux-instance}
  values:
    instance:
      sync: {kind: GitRepository, url: "https://example.com/repo", ref: refs/heads/main, path: kubernetes/flux/cluster}
`,
    "kubernetes/flux/cluster/ks.yaml": ks(
      "cluster-apps",
      "  path: ./kubernetes/apps\n  postBuild:\n    substitute: {A: a}\n",
    ),
    "kubernetes/apps/kustomization.yaml":
      "resources: [flux-system/flux-instance/helmrelease.yaml, cm.yaml]\n",
    "kubernetes/apps/cm.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: apps}\ndata:\n  k: ${UNSET}\n",
  };
}

describe("the strict reason of a cluster whose flux-instance release names no Flux version", () => {
  it("without one, the strict reason names the FluxInstance that leaves the version unsaid", () => {
    const p = loadMemoryPlatform(repo());
    const app = p.clusters[0]!.kustomizations.find((k) => k.id === "flux-system/cluster-apps")!;
    expect(app.status).toBe("failed");
    expect(app.errors[0]!.message).toContain(
      "(strict: Slipway assumes Flux 2.9 by default: the cluster's FluxInstance (kubernetes/apps/flux-system/flux-instance/helmrelease.yaml:1) names no version Slipway can read, whose kustomize-controller",
    );
  });
});
