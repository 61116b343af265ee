/** The dashboard/report model on the d2 fleet: ResourceSets are nodes of their own kind, placed in the graph. */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import { loadPlatform } from "../../src/platform/index.js";
import { SecretValues } from "../../src/platform/masking.js";
import { nodeDetails } from "../../src/report/details.js";
import { analyzeCluster, clusterView } from "../../src/report/overview.js";
import { Redactor } from "../../src/report/redact.js";
import { repoRoot } from "../support/env.js";

const d2 = path.join(repoRoot, "test/fixtures/d2");

describe("report model with ResourceSets", () => {
  const platform = loadPlatform(path.join(d2, "fleet"), { allowedPaths: [d2] });
  const cluster = platform.clusters.find((c) => c.name === "staging")!;
  const findings = runCheck(platform, { rules: allRules }).findings;
  const redact = new Redactor(new SecretValues());
  const analysis = analyzeCluster(cluster);
  const view = clusterView(cluster, analysis, findings, redact);

  it("a ResourceSet is a ResourceSet node with its layer, and what it applies points at it", () => {
    const apps = view.nodes.find((n) => n.id === "ResourceSet/flux-system/apps")!;
    expect(apps).toMatchObject({
      kind: "ResourceSet",
      status: "rendered",
      appliedBy: "Kustomization/flux-system/tenants",
    });
    expect(apps.layer).not.toBeNull();
    const infra = view.nodes.find((n) => n.id === "ResourceSet/flux-system/infra")!;
    expect(apps.layer!).toBeGreaterThan(infra.layer!);
    const ids = new Set(view.nodes.map((n) => n.id));
    for (const n of view.nodes)
      if (n.appliedBy) expect(ids.has(n.appliedBy), `${n.id} ← ${n.appliedBy}`).toBe(true);
    expect(view.nodes.find((n) => n.id === "Kustomization/flux-system/apps")!.appliedBy).toBe(
      "ResourceSet/flux-system/apps",
    );
    expect(view.nodes.find((n) => n.id === "HelmRelease/apps/podinfo-frontend")!.appliedBy).toBe(
      "ResourceSet/apps/podinfo",
    );
  });

  it("its details list what it generates and the Kustomizations it creates", () => {
    const details = nodeDetails(cluster, analysis, findings, "ResourceSet/flux-system/apps", redact)!;
    expect(details.objects.map((o) => `${o.kind}/${o.name}`)).toContain("Kustomization/apps");
    expect(details.children).toContain("Kustomization/flux-system/apps");
    expect(details.dependsOn).toContain("ResourceSet/flux-system/infra");
  });
});
