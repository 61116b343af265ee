import { describe, expect, it } from "vitest";
import {
  detectFlux,
  distributionVersion,
  fluxMinorOf,
  resolveProfile,
  strictSubstitutionReason,
} from "../../src/flux/profile.js";
import type { KObject } from "../../src/kustomize/types.js";
import { parseConfig } from "../../src/platform/index.js";

describe("fluxMinorOf: what a declared Flux version means", () => {
  it.each([
    ["2.9", "2.9"],
    ["v2.7.3", "2.7"],
    ["2.7.x", "2.7"],
    ["2.x", "2.9"],
    ["*", "2.9"],
    [">=2.5.0 <2.8.0", "2.7"],
    ["~2.6.0", "2.6"],
    ["v2.12.0", "2.9"],
    ["2.0.0-rc.1", "2.0"],
    ["v0.36.0", "2.0"],
    ["1.25.0", undefined],
    ["not a version", undefined],
  ])("%s → %s", (v, want) => {
    expect(fluxMinorOf(v)).toBe(want);
  });
});

describe("resolveProfile", () => {
  it("defaults to Flux 2.9: strict substitution on, Helm 4 post-render hooks combined", () => {
    const p = resolveProfile(undefined, undefined);
    expect(p).toMatchObject({
      version: "2.9",
      minor: "2.9",
      origin: "default",
      postRenderStrategy: "combined",
    });
    expect(p.featureGates.StrictPostBuildSubstitutions).toBe(true);
    expect(p.featureGates.ExternalArtifact).toBe(false);
  });

  it("a detected version it cannot place is an assumption, not a known version (symbiontik's Flux v0.36.0 read as 2.9)", () => {
    const at = { file: "cluster/base/flux-system/gotk-components.yaml", line: 1 };
    expect(resolveProfile(undefined, { origin: "flux-install", version: "v0.36.0", at })).toMatchObject({
      minor: "2.0",
      origin: "flux-install",
    });
    const odd = resolveProfile(undefined, { origin: "flux-install", version: "1.25.0", at });
    expect(odd).toMatchObject({ minor: "2.9", origin: "default" });
    expect(odd.originAt).toBeUndefined();
  });

  it("follows the Flux minor: before 2.9 substitution is lenient, before 2.8 hooks are not post-rendered", () => {
    const p = resolveProfile({ flux: "2.7" }, undefined);
    expect(p.featureGates.StrictPostBuildSubstitutions).toBe(false);
    expect(p.postRenderStrategy).toBe("nohooks");
    expect(resolveProfile({ flux: "2.8" }, undefined).postRenderStrategy).toBe("combined");
  });

  it("slipway.yaml wins over the cluster's Flux installation; explicit gates are listed", () => {
    const p = resolveProfile(
      { featureGates: { StrictPostBuildSubstitutions: false } },
      { origin: "FluxInstance", version: "2.6.x", components: ["source-controller", "source-watcher"] },
    );
    expect(p).toMatchObject({
      minor: "2.6",
      origin: "FluxInstance",
      explicitGates: ["StrictPostBuildSubstitutions"],
    });
    expect(p.featureGates.ExternalArtifact).toBe(true);
    expect(p.featureGates.StrictPostBuildSubstitutions).toBe(false);
    expect(
      resolveProfile(
        { flux: "2.8", postRenderStrategy: "separate" },
        { origin: "FluxInstance", version: "2.5" },
      ),
    ).toMatchObject({
      minor: "2.8",
      origin: "slipway.yaml",
      postRenderStrategy: "separate",
    });
  });

  it("UseHelm3Defaults brings back the nohooks post-render strategy", () => {
    expect(resolveProfile({ featureGates: { UseHelm3Defaults: true } }, undefined).postRenderStrategy).toBe(
      "nohooks",
    );
  });
});

describe("detectFlux: the Flux a cluster installs", () => {
  const obj = (o: object) => ({ object: o as KObject, source: { file: "f.yaml", line: 3 } });
  it("reads a FluxInstance's distribution version and components", () => {
    expect(
      detectFlux([
        obj({
          apiVersion: "fluxcd.controlplane.io/v1",
          kind: "FluxInstance",
          metadata: { name: "flux", namespace: "flux-system" },
          spec: { distribution: { version: "2.7.x" }, components: ["source-controller", "source-watcher"] },
        }),
      ]),
    ).toEqual({
      origin: "FluxInstance",
      version: "2.7.x",
      at: { file: "f.yaml", line: 3 },
      components: ["source-controller", "source-watcher"],
    });
  });

  it("reads flux install manifests: the version label, controllers and their --feature-gates", () => {
    const labels = { "app.kubernetes.io/part-of": "flux", "app.kubernetes.io/version": "v2.8.1" };
    const deploy = (name: string, args: string[]) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: "flux-system", labels },
      spec: { template: { spec: { containers: [{ name: "manager", args }] } } },
    });
    const d = detectFlux([
      obj({ apiVersion: "v1", kind: "Namespace", metadata: { name: "flux-system", labels } }),
      obj(
        deploy("kustomize-controller", [
          "--events-addr=x",
          "--feature-gates=StrictPostBuildSubstitutions=false,ExternalArtifact=true",
        ]),
      ),
      obj(deploy("helm-controller", ["--feature-gates=DisableChartDigestTracking=true"])),
    ]);
    expect(d).toEqual({
      origin: "flux-install",
      version: "v2.8.1",
      at: { file: "f.yaml", line: 3 },
      components: ["kustomize-controller", "helm-controller"],
      featureGates: {
        StrictPostBuildSubstitutions: false,
        ExternalArtifact: true,
        DisableChartDigestTracking: true,
      },
    });
    const p = resolveProfile(undefined, d);
    expect(p.featureGates).toMatchObject({
      StrictPostBuildSubstitutions: false,
      DisableChartDigestTracking: true,
    });
  });

  it("reads the tag of an OCIRepository of Flux's install manifests (truxnell: v2.2.2, where v2beta2 is served)", () => {
    const repo = (url: string, ref: object) =>
      obj({
        apiVersion: "source.toolkit.fluxcd.io/v1beta2",
        kind: "OCIRepository",
        metadata: { name: "flux-manifests", namespace: "flux-system" },
        spec: { interval: "10m", url, ref },
      });
    const d = detectFlux([repo("oci://ghcr.io/fluxcd/flux-manifests", { tag: "v2.2.2" })]);
    expect(d).toEqual({ origin: "flux-manifests", version: "v2.2.2", at: { file: "f.yaml", line: 3 } });
    const p = resolveProfile(undefined, d);
    expect([p.minor, p.origin]).toEqual(["2.2", "flux-manifests"]);
    expect(strictSubstitutionReason(p, undefined)).toContain(
      'from the tag "v2.2.2" of the OCIRepository of Flux\'s install manifests',
    );
    // A PodMonitor labelled part of Flux, with no version, leaves the version to the tag.
    const monitor = obj({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata: { name: "flux-system", labels: { "app.kubernetes.io/part-of": "flux" } },
    });
    expect(
      detectFlux([monitor, repo("oci://ghcr.io/fluxcd/flux-manifests", { tag: "v2.2.2" })]),
    ).toMatchObject({
      origin: "flux-manifests",
      version: "v2.2.2",
    });
    // Another artifact (an app's chart) says nothing about Flux.
    expect(detectFlux([repo("oci://ghcr.io/bjw-s/helm/app-template", { tag: "v2.2.2" })])).toBeUndefined();
  });

  it("a range across minors is unknown when the operator's manifests artifact is pinned (MatherlyNet)", () => {
    const pinned = "oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests:v0.38.1";
    expect(distributionVersion({ version: "2.x", artifact: pinned })).toBeUndefined();
    expect(
      distributionVersion({ version: "2.x", artifact: `${pinned.split(":v")[0]}@sha256:abc` }),
    ).toBeUndefined();
    expect(distributionVersion({ version: "2.7.x", artifact: pinned })).toBe("2.7.x");
    expect(distributionVersion({ version: "2.9.4", artifact: pinned })).toBe("2.9.4");
    expect(distributionVersion({ version: "2.x" })).toBe("2.x");
    expect(distributionVersion({ version: "2.x", artifact: `${pinned.split(":v")[0]}:latest` })).toBe("2.x");
    const instance = obj({
      apiVersion: "fluxcd.controlplane.io/v1",
      kind: "FluxInstance",
      metadata: { name: "flux", namespace: "flux-system" },
      spec: { distribution: { version: "2.x", artifact: pinned } },
    });
    expect(resolveProfile(undefined, detectFlux([instance])).origin).toBe("default");
  });

  it("nothing to detect", () => {
    expect(
      detectFlux([obj({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } })]),
    ).toBeUndefined();
  });
});

describe("slipway.yaml profile section", () => {
  it.each([
    ["profile:\n  flux: 3\n", "profile.flux must be a Flux 2 version"],
    [
      "profile:\n  featureGates:\n    NoSuchGate: true\n",
      "profile.featureGates.NoSuchGate is not a feature gate Slipway knows",
    ],
    [
      "profile:\n  featureGates:\n    ExternalArtifact: yes please\n",
      "profile.featureGates.ExternalArtifact must be true or false",
    ],
    [
      "profile:\n  postRenderStrategy: all\n",
      "profile.postRenderStrategy must be one of nohooks, combined, separate",
    ],
    ["profile:\n  other: 1\n", "unknown field 'profile.other'"],
    ["inputProviders:\n  - name: x\n    namespace: y\n", "inputProviders[0].file must be a non-empty string"],
  ])("%j is rejected", async (text, message) => {
    const { parseYaml } = await import("../../src/yaml/index.js");
    expect(() => parseConfig(parseYaml(text, "slipway.yaml"), "slipway.yaml")).toThrow(message);
  });

  it("accepts a full profile", async () => {
    const { parseYaml } = await import("../../src/yaml/index.js");
    const c = parseConfig(
      parseYaml(
        "profile:\n  flux: 2.8\n  featureGates:\n    DisableChartDigestTracking: true\n  postRenderStrategy: nohooks\n",
        "slipway.yaml",
      ),
      "slipway.yaml",
    );
    expect(c.profile).toEqual({
      flux: "2.8",
      featureGates: { DisableChartDigestTracking: true },
      postRenderStrategy: "nohooks",
    });
  });
});

describe("strictSubstitutionReason: the strict-mode error says which Flux Slipway assumed, and from where", () => {
  const instance = {
    version: "2.x",
    origin: "FluxInstance" as const,
    at: { file: "flux/instance.yaml", line: 3 },
  };
  it.each([
    [
      "a FluxInstance's range",
      undefined,
      instance,
      'Slipway assumes Flux 2.9 from the FluxInstance\'s spec.distribution.version "2.x" (flux/instance.yaml:3), whose kustomize-controller substitutes strictly by default (set profile.flux in slipway.yaml if the cluster runs another)',
    ],
    [
      "slipway.yaml profile.flux over the FluxInstance",
      { flux: "v2.9.1" },
      instance,
      'Slipway assumes Flux 2.9 from slipway.yaml profile.flux "v2.9.1", whose kustomize-controller substitutes strictly by default (set profile.flux in slipway.yaml if the cluster runs another)',
    ],
    [
      "Flux install manifests",
      undefined,
      { version: "v2.9.0", origin: "flux-install" as const },
      'Slipway assumes Flux 2.9 from the app.kubernetes.io/version label "v2.9.0" of the cluster\'s Flux install manifests, whose kustomize-controller substitutes strictly by default (set profile.flux in slipway.yaml if the cluster runs another)',
    ],
    [
      "the gate set in slipway.yaml",
      { flux: "2.7", featureGates: { StrictPostBuildSubstitutions: true } },
      undefined,
      "slipway.yaml profile.featureGates sets StrictPostBuildSubstitutions: true",
    ],
    [
      "the gate set on the controller",
      undefined,
      {
        version: "v2.7.0",
        origin: "flux-install" as const,
        featureGates: { StrictPostBuildSubstitutions: true },
      },
      "kustomize-controller's --feature-gates sets StrictPostBuildSubstitutions=true",
    ],
  ])("%s", (_, config, detected, reason) => {
    expect(strictSubstitutionReason(resolveProfile(config, detected), config)).toBe(reason);
  });
});
