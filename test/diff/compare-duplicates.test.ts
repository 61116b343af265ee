/**
 * A rendered Kustomization may hold one identity twice (kustomize refuses it in one build, but
 * a side is what Flux would apply, and a broken revision is what a diff is asked about): the
 * n-th object of the head is compared with the n-th of the base, so an unchanged pair is no
 * difference and a change shows on the copy that changed.
 */
import { describe, expect, it } from "vitest";
import { diffKustomization, type KustomizationSide } from "../../src/diff/compare.js";
import type { KObject } from "../../src/kustomize/types.js";
import { createSecretMasker } from "../../src/sops/index.js";

const masker = createSecretMasker(Buffer.alloc(32, 3));

const cm = (name: string, value: string): KObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "apps" },
  data: { value },
});

const side = (objects: KObject[]): KustomizationSide => ({
  cluster: "prod",
  id: "flux-system/apps",
  status: "rendered",
  object: { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", metadata: { name: "apps" } },
  errors: [],
  warnings: [],
  objects: objects.map((object) => ({ object })),
});

const changes = (before: KObject[], after: KObject[]) =>
  (diffKustomization(side(before), side(after), { masker })?.objects ?? []).map((o) => [
    o.change,
    o.name,
    o.fields.map((f) => f.path).join(","),
  ]);

describe("diff of a side holding one identity twice", () => {
  it("the same two objects on both sides are no difference", () => {
    expect(changes([cm("a", "1"), cm("a", "2")], [cm("a", "1"), cm("a", "2")])).toEqual([]);
  });

  it("a change to the second copy is one change", () => {
    expect(changes([cm("a", "1"), cm("a", "2")], [cm("a", "1"), cm("a", "3")])).toEqual([
      ["changed", "a", "data.value"],
    ]);
  });

  it("a copy dropped is one removal, a copy added one addition", () => {
    expect(changes([cm("a", "1"), cm("a", "2"), cm("b", "1")], [cm("a", "1"), cm("b", "1")])).toEqual([
      ["removed", "a", ""],
    ]);
    expect(changes([cm("a", "1")], [cm("a", "1"), cm("a", "1")])).toEqual([["added", "a", ""]]);
  });

  it("removals keep the base's order", () => {
    expect(changes([cm("x", "1"), cm("y", "1"), cm("x", "2")], [])).toEqual([
      ["removed", "x", ""],
      ["removed", "y", ""],
      ["removed", "x", ""],
    ]);
  });
});
