/**
 * helm-controller reads a release's manifests into a kustomize ResMap in each post-renderer
 * (internal/postrender/transformer.go NewResMapFromBytes; the origin-labels renderer always
 * runs), so a chart that renders one object twice fails the release, as kustomize's
 * resWrangler.Append refuses a second resource with a registered id — namespaces compared with
 * "" and "default" as one. `helm template` alone prints both.
 */
import { describe, expect, it } from "vitest";
import { PostRenderError, postRender } from "../../src/helmrelease/postrender.js";
import type { ReleaseSpec } from "../../src/helmrelease/spec.js";
import type { KObject } from "../../src/kustomize/types.js";

const spec = (postRenderers: ReleaseSpec["postRenderers"] = []) =>
  ({ namespace: "apps", name: "web", postRenderers }) as unknown as ReleaseSpec;

const cm = (name: string, namespace?: string, apiVersion = "v1"): KObject => ({
  apiVersion,
  kind: "ConfigMap",
  metadata: { name, ...(namespace !== undefined ? { namespace } : {}) },
});

describe("post-rendering refuses objects with one id", () => {
  it.each([
    ["the same object twice", [cm("a"), cm("a")], "ConfigMap.v1.[noGrp]/a.[noNs]"],
    ["no namespace and default", [cm("a"), cm("a", "default")], "ConfigMap.v1.[noGrp]/a.default"],
  ])("%s", (_, objects, id) => {
    expect(() => postRender(objects, spec())).toThrow(PostRenderError);
    expect(() => postRender(objects, spec())).toThrow(
      `may not add resource with an already registered id: ${id}`,
    );
  });

  it.each([
    ["other names", [cm("a"), cm("b")]],
    ["other namespaces", [cm("a", "x"), cm("a", "y")]],
    ["an explicit namespace and none (Helm fills it in later)", [cm("a"), cm("a", "apps")]],
    ["other API versions", [cm("a"), cm("a", undefined, "example.com/v1")]],
  ])("lets %s through", (_, objects) => {
    expect(postRender(objects, spec())).toHaveLength(2);
  });

  it("with a kustomize post-renderer, its own build refuses them", () => {
    const withPatch = spec([{ patches: [{ patch: "[]", target: { kind: "Nothing" } }], images: [] }]);
    expect(() => postRender([cm("a"), cm("a")], withPatch)).toThrow(
      /post-renderer \(kustomize\) fails: .*already registered id/,
    );
  });
});
