import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeGraph } from "../../src/graph/index.js";
import {
  type Cluster,
  type FluxKustomization,
  graphNodes,
  loadPlatform,
  OWNER_NAME_LABEL,
  platformErrors,
} from "../../src/platform/index.js";
import { repoRoot } from "../support/env.js";

const fixtures = path.join(repoRoot, "test/fixtures/flux");
const load = (name: string) => loadPlatform(path.join(fixtures, name));

function cluster(p: { clusters: Cluster[] }, name: string): Cluster {
  const c = p.clusters.find((x) => x.name === name);
  if (!c) throw new Error(`no cluster ${name}: ${p.clusters.map((x) => x.name).join(", ")}`);
  return c;
}
function ks(c: Cluster, id: string): FluxKustomization {
  const k = c.kustomizations.find((x) => x.id === id);
  if (!k) throw new Error(`no ${id} in ${c.name}`);
  return k;
}
const names = (k: FluxKustomization) =>
  k.resources.map((r) => `${r.object.kind}/${(r.object.metadata as { name: string }).name}`);

describe("seed layouts", () => {
  it("000: plain kustomize stacks declared in slipway.yaml", () => {
    const p = load("seed-000-stacks");
    expect(p.clusters.map((c) => [c.name, c.mode, c.discoveredBy])).toEqual([
      ["dev", "kustomize", "config"],
      ["preprod", "kustomize", "config"],
    ]);
    const k = cluster(p, "dev").kustomizations[0]!;
    // kubectl order (Namespace first), no Flux owner labels; the platform-infra layer's vendored
    // chart is rendered as `kustomize build --enable-helm` renders it (CRDs included), then patched.
    expect(names(k)).toEqual([
      "Namespace/cert-manager",
      "Namespace/restate-operator",
      "CustomResourceDefinition/restateclusters.restate.dev",
      "Service/sample",
      "Deployment/restate-operator",
      "ClusterIssuer/step-dev",
    ]);
    const operator = k.resources.find((r) => r.object.kind === "Deployment")!.object as {
      spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
    };
    expect(operator.spec.replicas).toBe(2);
    expect(operator.spec.template.spec.containers[0]!.image).toBe(
      "ghcr.io/restatedev/restate-operator:1.4.0",
    );
    expect(k.resources.every((r) => !JSON.stringify(r.object).includes(OWNER_NAME_LABEL))).toBe(true);
    expect(platformErrors(p)).toEqual([]);
  });

  it("001: clusters/<env> with apps/<svc>/{base,overlays,components}; OCIRepository source is external", () => {
    const p = load("seed-001-datum");
    expect(p.clusters.map((c) => c.name)).toEqual(["production", "staging"]);
    const staging = cluster(p, "staging");
    const app = ks(staging, "flux-system/activity-system");
    expect(app.dir).toBe("apps/activity-system/overlays/staging");
    expect(names(app)).toContain("ServiceMonitor/activity");
    expect(names(ks(cluster(p, "production"), "flux-system/activity-system"))).not.toContain(
      "ServiceMonitor/activity",
    );
    const oci = staging.sources.find((s) => s.kind === "OCIRepository")!;
    expect((oci.object.spec as { ref: { semver: string } }).ref.semver).toBe(">=0.0.0-0");
    expect(oci.namespace).toBe("activity-system");
    const api = ks(staging, "activity-system/activity-apiserver");
    expect(api.status).toBe("external");
    expect(api.appliedBy).toBe("flux-system/activity-system");
    expect(api.definedAt).toEqual({ file: "apps/activity-system/base/apiserver.yaml", line: 1 });
    expect(platformErrors(p)).toEqual([]);
  });

  it("002: HelmRelease values substituted per cluster and re-typed as YAML 1.1", () => {
    const p = load("seed-002-episodic");
    for (const [name, replicas] of [
      ["sandbox", 1],
      ["production", 3],
    ] as const) {
      const c = cluster(p, name);
      expect(c.helmReleases.map((h) => `${h.namespace}/${h.name}`)).toEqual(["traefik/traefik"]);
      const hr = c.helmReleases[0]!;
      expect(
        (hr.object.spec as { values: { deployment: { replicas: unknown } } }).values.deployment.replicas,
      ).toBe(replicas);
      expect(hr.chartSource).toEqual({ kind: "HelmRepository", name: "traefik", namespace: "flux-system" });
      expect(c.sources.map((s) => `${s.kind}/${s.name}`)).toEqual([
        "GitRepository/flux-system",
        "HelmRepository/traefik",
      ]);
    }
    expect(platformErrors(p)).toEqual([]);
  });

  it("003: nested cluster paths, substituteFrom a ConfigMap rendered in the same cluster", () => {
    const p = load("seed-003-fleet");
    expect(p.clusters.map((c) => c.name)).toEqual([
      "dev/clusters/services-amer",
      "prod/clusters/services-amer",
    ]);
    const prod = cluster(p, "prod/clusters/services-amer");
    const pg = ks(prod, "flux-system/postgresql-cluster").resources[0]!;
    expect((pg.object.spec as { instances: unknown }).instances).toBe(3);
    expect(pg.source).toEqual({ file: "apps/base/postgresql/cluster.yaml", line: 1 });
    expect(pg.kustomization).toBe("flux-system/postgresql-cluster");
    const ns = ks(prod, "flux-system/traefik").resources[0]!.object.metadata as {
      labels: Record<string, string>;
    };
    expect(ns.labels).toEqual({
      env: "prod",
      "kustomize.toolkit.fluxcd.io/name": "traefik",
      "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
    });
    const a = analyzeGraph(graphNodes(p, ["prod/clusters/services-amer"]));
    // The cluster root applies every other Kustomization, so it is the first layer.
    expect(a.layers.length).toBe(4);
    expect(a.criticalPath).toEqual([
      "Kustomization/flux-system/flux-system",
      "Kustomization/flux-system/cnpg-operator",
      "Kustomization/flux-system/postgresql-cluster",
      "Kustomization/flux-system/n8n",
    ]);
    expect(platformErrors(p)).toEqual([]);
  });

  it("004: bootstrap path is flux-system itself; targetNamespace and spec.images merge", () => {
    const p = load("seed-004-sre");
    expect(p.clusters.map((c) => c.name)).toEqual(["bootstrap"]);
    const c = p.clusters[0]!;
    const backend = ks(c, "flux-system/backend-staging").resources[0]!.object as {
      metadata: { namespace: string };
      spec: { template: { spec: { containers: Array<{ image: string }> } } };
    };
    expect(backend.metadata.namespace).toBe("staging");
    expect(backend.spec.template.spec.containers[0]!.image).toBe("ghcr.io/example/backend:staging-abc123");
    expect(platformErrors(p)).toEqual([]);
  });
});

describe("edge cases", () => {
  const p = load("edge-cases");
  const c = cluster(p, "test");

  it("reports a missing path on that Kustomization only", () => {
    const broken = ks(c, "flux-system/broken");
    expect(broken.status).toBe("failed");
    expect(broken.errors[0]!.message).toMatch(/kustomization path not found: '.\/does\/not\/exist'/);
    expect(platformErrors(p)).toHaveLength(1);
  });

  it("skips suspended Kustomizations and reports external sources", () => {
    expect(ks(c, "flux-system/paused").status).toBe("suspended");
    const ext = ks(c, "flux-system/other-team");
    expect(ext.status).toBe("external");
    expect(ext.warnings[0]).toMatch(/GitRepository flux-system\/other-team is not this repository/);
  });

  it("generates kustomization.yaml as Flux does: .yaml/.yml only, byte order, kustomization dirs as one resource", () => {
    const plain = ks(c, "flux-system/plain-dir");
    expect(plain.generatedKustomization).toBe(true);
    expect(names(plain)).toEqual([
      "ConfigMap/plain-capital-a",
      "ConfigMap/plain-b",
      "ConfigMap/plain-kdir-d",
      "ConfigMap/plain-sub-c",
    ]);
  });

  it("substitutes variables in a child's spec.path from the parent's postBuild", () => {
    const regional = ks(c, "flux-system/regional");
    expect(regional.path).toBe("./apps/regions/eu-west");
    expect(names(regional)).toEqual(["ConfigMap/region-eu-west"]);
    expect(regional.appliedBy).toBe("flux-system/parent");
  });

  it("graph: cycle path, missing target, cross-namespace HelmRelease dependsOn", () => {
    const a = analyzeGraph(graphNodes(p));
    expect(a.cycles).toEqual([
      [
        "Kustomization/flux-system/a",
        "Kustomization/flux-system/b",
        "Kustomization/flux-system/c",
        "Kustomization/flux-system/a",
      ],
    ]);
    expect(a.missing.map((m) => `${m.kind}/${m.namespace}/${m.name}`).sort()).toEqual([
      "HelmRelease/shared/cache",
      "Kustomization/flux-system/ghost",
    ]);
    expect(a.edges).toContainEqual({ dependent: "HelmRelease/apps/web", dependsOn: "HelmRelease/apps/db" });
  });
});

describe("top-level Flux Kustomizations without sync objects", () => {
  it("finds the cluster directory and not a tenant base that a cluster applies", () => {
    const p = load("top-level");
    expect(p.clusters.map((c) => [c.name, c.discoveredBy])).toEqual([["my-cluster", "top-level"]]);
    const c = p.clusters[0]!;
    expect(c.kustomizations[0]!.synthetic).toBe(true);
    // team's sourceRef namespace defaults to its own (team), which has no flux-system GitRepository.
    expect(ks(c, "team/team").status).toBe("external");
  });
});

describe("the example platform", () => {
  it("renders every cluster with no errors", () => {
    const p = loadPlatform(path.join(repoRoot, "examples/platform"));
    expect(p.clusters.map((c) => c.name)).toEqual(["dev", "production", "staging"]);
    expect(platformErrors(p)).toEqual([]);
    for (const c of p.clusters) {
      expect(c.kustomizations.every((k) => k.status === "rendered")).toBe(true);
      expect(c.helmReleases.length).toBeGreaterThan(5);
    }
  });
});
