import { describe, expect, it } from "vitest";
import { graphNodeOf } from "../../src/graph/nodes.js";

describe("graphNodeOf", () => {
  it("reads Flux Kustomizations and HelmReleases of any API version", () => {
    expect(
      graphNodeOf(
        {
          apiVersion: "kustomize.toolkit.fluxcd.io/v1",
          kind: "Kustomization",
          metadata: { name: "apps", namespace: "flux-system" },
          spec: { dependsOn: [{ name: "infra" }, { name: "db", namespace: "data" }, { bad: 1 }] },
        },
        "dev",
      ),
    ).toEqual({
      id: "Kustomization/flux-system/apps",
      kind: "Kustomization",
      namespace: "flux-system",
      name: "apps",
      cluster: "dev",
      dependsOn: [{ name: "infra" }, { name: "db", namespace: "data" }],
    });
    const hr = graphNodeOf(
      { apiVersion: "helm.toolkit.fluxcd.io/v2beta1", kind: "HelmRelease", metadata: { name: "redis" } },
      "prod",
      "cache",
    );
    expect(hr).toMatchObject({ id: "HelmRelease/cache/redis", dependsOn: [] });
  });

  it("ignores other objects, including kustomize's own Kustomization", () => {
    expect(
      graphNodeOf({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization" }, "dev"),
    ).toBeUndefined();
    expect(
      graphNodeOf({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }, "dev"),
    ).toBeUndefined();
  });
});
