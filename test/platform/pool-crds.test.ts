/**
 * poolCrds: the CRDs of a cluster's builds, asked after every build by the renders started
 * ahead (ReleasesAhead); a build's objects are gone through once, not at every question.
 */
import { describe, expect, it } from "vitest";
import type { KObject } from "../../src/kustomize/types.js";
import { poolCrds } from "../../src/platform/helmreleases.js";
import type { Cluster, RenderedResource } from "../../src/platform/model.js";

describe("poolCrds", () => {
  it("gives each build's CRDs in build order, reading a build's objects once", () => {
    let reads = 0;
    const resource = (kind: string, name: string): RenderedResource => {
      const object: KObject = { apiVersion: "v1", kind, metadata: { name } };
      return {
        get object() {
          reads++;
          return object;
        },
      } as unknown as RenderedResource;
    };
    const build = (...resources: RenderedResource[]) => ({ resources });
    const cluster = {
      kustomizations: [
        build(resource("CustomResourceDefinition", "a"), resource("ConfigMap", "x")),
        build(resource("Deployment", "y")),
      ],
    } as unknown as Cluster;
    const names = () => poolCrds(cluster).map((o) => (o.metadata as { name: string }).name);
    expect(names()).toEqual(["a"]);
    const first = reads;
    // A later build: only its objects are read.
    cluster.kustomizations.push(build(resource("CustomResourceDefinition", "b")) as never);
    expect(names()).toEqual(["a", "b"]);
    expect(reads - first).toBe(2);
  });
});
