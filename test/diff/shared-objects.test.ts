import { describe, expect, it } from "vitest";
import { diffKustomization, type KustomizationSide } from "../../src/diff/compare.js";
import { releasesNotCompared } from "../../src/diff/coverage.js";
import type { KObject } from "../../src/kustomize/types.js";
import type { Cluster, HelmReleaseInfo } from "../../src/platform/model.js";
import { createSecretMasker } from "../../src/sops/index.js";

/**
 * A changed-only diff's base takes every unchanged Flux Kustomization from the head, objects and
 * all, so most of what the comparison meets is one object on both sides. Such objects are equal
 * without being read: these tests hand over objects that throw when written or keyed, and a
 * comparison that reads them fails.
 */

/** An object whose JSON text and identity are never to be read. */
function untouchable(kind: string, name: string): KObject {
  const o = { apiVersion: "v1", kind, metadata: { namespace: "apps", name } } as KObject;
  Object.defineProperty(o, "toJSON", {
    enumerable: false,
    value: () => {
      throw new Error(`${kind} ${name} written`);
    },
  });
  return o;
}

function release(object: KObject): HelmReleaseInfo {
  return {
    name: "web",
    namespace: "apps",
    kustomization: "flux-system/apps",
    object,
    chartMissing: "chart web 1.0.0 is not in the chart cache",
  } as unknown as HelmReleaseInfo;
}

function cluster(objects: KObject[], releases: HelmReleaseInfo[]): Cluster {
  return {
    name: "c",
    kustomizations: [{ id: "flux-system/apps", resources: objects.map((object) => ({ object })) }],
    helmReleases: releases,
  } as unknown as Cluster;
}

describe("objects shared by both sides are equal unread", () => {
  it("an unrendered HelmRelease and the ConfigMap its values come from, the same at both sides", () => {
    const values = untouchable("ConfigMap", "web-values");
    const hr = untouchable("HelmRelease", "web");
    (hr as { spec?: unknown }).spec = { valuesFrom: [{ kind: "ConfigMap", name: "web-values" }] };
    const base = cluster([values, hr], [release(hr)]);
    const head = cluster([values, hr], [release(hr)]);
    expect(releasesNotCompared("c", base, head)).toEqual([]);
  });

  it("a ConfigMap changed between the sides is still written and found different", () => {
    const hr = untouchable("HelmRelease", "web");
    (hr as { spec?: unknown }).spec = { valuesFrom: [{ kind: "ConfigMap", name: "web-values" }] };
    const cm = (replicas: string) =>
      ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { namespace: "apps", name: "web-values" },
        data: { replicas },
      }) as KObject;
    const base = cluster([cm("1"), hr], [release(hr)]);
    const head = cluster([cm("2"), hr], [release(hr)]);
    expect(releasesNotCompared("c", base, head).map((n) => n.id)).toEqual(["HelmRelease apps/web"]);
    const same = cluster([cm("1"), hr], [release(hr)]);
    expect(releasesNotCompared("c", base, same)).toEqual([]);
  });

  it("a Kustomization side pair holding the same objects in the same order", () => {
    const keyed = (name: string) => {
      const o = { apiVersion: "v1", kind: "ConfigMap" } as KObject;
      Object.defineProperty(o, "metadata", {
        enumerable: true,
        get: () => {
          throw new Error(`${name} keyed`);
        },
      });
      return o;
    };
    const objects = [keyed("a"), keyed("b")];
    const side = (): KustomizationSide => ({
      cluster: "c",
      id: "flux-system/apps",
      status: "rendered",
      object: { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization" } as KObject,
      errors: [],
      warnings: [],
      objects: objects.map((object) => ({ object })),
    });
    expect(
      diffKustomization(side(), side(), { masker: createSecretMasker(Buffer.alloc(32, 1)) }),
    ).toBeUndefined();
  });
});
