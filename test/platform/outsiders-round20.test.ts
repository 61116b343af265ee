import { describe, expect, it } from "vitest";
import { fluxKs } from "../support/flux.js";
import { clusterRows, loadMemoryPlatform } from "../support/memory-platform.js";

/**
 * Layouts of public repositories Slipway had not curated (round 20), cut down to what made a
 * cluster go missing or be misnamed.
 */

const cm = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: default}\ndata: {a: b}\n`;

/** A stage's folder as Terraform's FluxInstance bootstrap lays it out (its sync path is a variable). */
const stage = (env: string): Record<string, string> => ({
  [`kubernetes/clusters/${env}/flux-system/kustomization.yaml`]: "resources:\n  - flux-instance.yaml\n",
  [`kubernetes/clusters/${env}/flux-system/flux-instance.yaml`]:
    "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata: {name: flux, namespace: flux-system}\nspec:\n  distribution: {version: 2.x, registry: ghcr.io/fluxcd}\n  sync:\n    kind: GitRepository\n    url: https://example.com/repo\n    ref: refs/heads/main\n    path: .${source_repo_cluster_directory}\n",
  [`kubernetes/clusters/${env}/apps.yaml`]: fluxKs("apps", `./kubernetes/apps/${env}`),
  [`kubernetes/clusters/${env}/system.yaml`]: fluxKs("system", `./kubernetes/system/${env}`),
  [`kubernetes/apps/${env}/cm.yaml`]: cm(`apps-${env}`),
  [`kubernetes/system/${env}/cm.yaml`]: cm(`system-${env}`),
});

describe("discovery: a bootstrap's folder under the path of a test harness no cluster applies (ToaHartor/maisonneux)", () => {
  // Terraform bootstraps kubernetes/clusters/<workspace> (production, staging). A CI harness
  // (flate) builds kubernetes/clusters/test/config, whose ks.yaml builds ./kubernetes/clusters/
  // production with mock secrets; nothing applies the harness. Production counted as applied by
  // it and was never a candidate: only staging was found.
  const files: Record<string, string> = {
    ...stage("production"),
    ...stage("staging"),
    "kubernetes/clusters/test/ks.yaml": fluxKs("kustomization-test", "./kubernetes/clusters/test/config"),
    "kubernetes/clusters/test/config/kustomization.yaml": "resources:\n  - config.yaml\n  - ks.yaml\n",
    "kubernetes/clusters/test/config/config.yaml": cm("general-config"),
    "kubernetes/clusters/test/config/ks.yaml": fluxKs("test", "./kubernetes/clusters/production"),
  };

  it("finds production beside staging; the harness stays no cluster", () => {
    const p = loadMemoryPlatform(files);
    expect(clusterRows(p)).toEqual([
      ["production", "kubernetes/clusters/production", "top-level"],
      ["staging", "kubernetes/clusters/staging", "top-level"],
    ]);
    const notes = (p.discovery?.notes ?? []).map((n) => n.message).join("\n");
    expect(notes).toContain("kustomization-test is applied by nothing in this repository");
  });

  it("a folder under the path of a cluster's Kustomization is that cluster's, not a cluster of its own", () => {
    // The same harness made a cluster by a flux-system folder of its own: production is what it applies.
    const p = loadMemoryPlatform({
      ...files,
      "kubernetes/clusters/test/flux-system/kustomization.yaml": "resources: []\n",
    });
    expect(clusterRows(p).map((r) => r[0])).toEqual(["staging", "test"]);
  });

  it("a folder without a bootstrap's marks under such a harness is still no cluster", () => {
    const bare = Object.fromEntries(
      Object.entries(files).filter(([f]) => !f.startsWith("kubernetes/clusters/production/flux-system/")),
    );
    expect(clusterRows(loadMemoryPlatform(bare)).map((r) => r[0])).toEqual(["staging"]);
  });
});

describe("discovery: a cluster whose Flux root is its folder's flux/ (tvories/k8s-gitops)", () => {
  // k8s/clusters/nas/README.md: `kubectl apply --kustomize ./flux/config` from the nas folder; its
  // Kustomization builds ./k8s/clusters/nas/flux. Beside cluster-0 and cluster-test it was a
  // cluster named "flux" (the tool), not "nas".
  it("is named after the folder holding flux/", () => {
    const p = loadMemoryPlatform({
      "k8s/clusters/cluster-0/deploy-cluster.yaml": fluxKs("cluster", "./k8s/clusters/cluster-0/flux"),
      "k8s/clusters/cluster-0/kustomization.yaml": "resources:\n  - deploy-cluster.yaml\n",
      "k8s/clusters/cluster-0/flux/cm.yaml": cm("zero"),
      "k8s/clusters/nas/flux/config/kustomization.yaml": "resources:\n  - cluster.yaml\n",
      "k8s/clusters/nas/flux/config/cluster.yaml": fluxKs("cluster", "./k8s/clusters/nas/flux"),
      "k8s/clusters/nas/flux/kustomization.yaml": "resources:\n  - cm.yaml\n",
      "k8s/clusters/nas/flux/cm.yaml": cm("nas"),
    });
    expect(clusterRows(p)).toEqual([
      ["cluster-0", "k8s/clusters/cluster-0", "top-level"],
      ["nas", "k8s/clusters/nas/flux", "top-level"],
    ]);
  });
});
