/**
 * postRender over objects the caller gives up (a release's freshly parsed output): labelled in
 * place, not copied; over objects it does not own, the input is left as it was.
 */
import { describe, expect, it } from "vitest";
import { postRender } from "../../src/helmrelease/postrender.js";
import type { ReleaseSpec } from "../../src/helmrelease/spec.js";
import type { KObject } from "../../src/kustomize/types.js";

const spec = {
  namespace: "flux-system",
  name: "app",
  postRenderers: [],
  commonMetadata: { labels: { team: "a" } },
} as unknown as ReleaseSpec;

const objects = (): KObject[] => [
  { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", labels: { x: "1" } } },
  { apiVersion: "v1", kind: "Service" },
];

const labelled = [
  {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: "c",
      labels: {
        x: "1",
        team: "a",
        "helm.toolkit.fluxcd.io/name": "app",
        "helm.toolkit.fluxcd.io/namespace": "flux-system",
      },
    },
  },
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      labels: {
        team: "a",
        "helm.toolkit.fluxcd.io/name": "app",
        "helm.toolkit.fluxcd.io/namespace": "flux-system",
      },
    },
  },
];

describe("postRender", () => {
  it("labels objects it owns in place", () => {
    const input = objects();
    const out = postRender(input, spec, true);
    expect(out).toEqual(labelled);
    expect(out[0]).toBe(input[0]);
    expect(out[1]).toBe(input[1]);
  });

  it("leaves objects it does not own unchanged", () => {
    const input = objects();
    const out = postRender(input, spec);
    expect(out).toEqual(labelled);
    expect(out[0]).not.toBe(input[0]);
    expect(input).toEqual(objects());
  });
});
