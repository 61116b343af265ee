/**
 * poolInputsOfBuilds: the ConfigMaps, Secrets and CRD API versions of a cluster's builds, asked
 * after every build by the renders started ahead (ReleasesAhead): what objectPool and
 * crdApiVersions(poolCrds) give, and a build's objects are gone through once, not at every
 * question.
 */
import { describe, expect, it } from "vitest";
import type { KObject } from "../../src/kustomize/types.js";
import { type BuildInputsMemo, poolInputsOfBuilds } from "../../src/platform/helmreleases.js";
import type { Cluster, RenderedResource } from "../../src/platform/model.js";

describe("poolInputsOfBuilds", () => {
  it("gives the builds' pool (first one wins) and CRD API versions in build order, reading a build's objects once", () => {
    // Reads of objects, by build.
    const reads = [0, 0];
    const resource = (build: number, object: KObject): RenderedResource =>
      ({
        get object() {
          reads[build]!++;
          return object;
        },
      }) as unknown as RenderedResource;
    const configMap = (build: number, name: string, data: string) =>
      resource(build, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace: "ns" },
        data: { data },
      });
    const crd = (build: number, group: string, kind: string) =>
      resource(build, {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: `${kind.toLowerCase()}s.${group}` },
        spec: { group, names: { kind }, versions: [{ name: "v1" }] },
      });
    const cluster = {
      name: "c",
      kustomizations: [
        { resources: [configMap(0, "a", "first"), crd(0, "x.io", "X")] },
        { resources: [resource(0, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } })] },
      ],
    } as unknown as Cluster;
    const memo: BuildInputsMemo = new WeakMap();
    const ask = () => {
      const { pool, crdApis } = poolInputsOfBuilds(cluster, undefined, memo);
      return { pool: [...pool].map(([k, o]) => [k, (o.data as { data: string }).data]), crdApis };
    };
    expect(ask()).toEqual({ pool: [["ConfigMap/ns/a", "first"]], crdApis: ["x.io/v1", "x.io/v1/X"] });
    const first = reads[0];
    // A later build: only its objects are read; the first ConfigMap of a name stays.
    cluster.kustomizations.push({
      resources: [configMap(1, "a", "second"), configMap(1, "b", "b"), crd(1, "y.io", "Y")],
    } as never);
    expect(ask()).toEqual({
      pool: [
        ["ConfigMap/ns/a", "first"],
        ["ConfigMap/ns/b", "b"],
      ],
      crdApis: ["x.io/v1", "x.io/v1/X", "y.io/v1", "y.io/v1/Y"],
    });
    expect(reads[0]).toBe(first);
    // Asked again with no new build: nothing is read.
    const second = reads[1];
    ask();
    expect(reads).toEqual([first, second]);
  });
});
