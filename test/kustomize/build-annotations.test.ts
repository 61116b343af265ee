import { describe, expect, it } from "vitest";
import { buildYaml } from "../../src/kustomize/build.js";
import { tempTree } from "../support/cli.js";
import { requires } from "../support/env.js";
import { kubectlKustomize } from "../support/kubectl.js";

/**
 * kustomize keeps its bookkeeping (previous names after a namespace change, a rename or a JSON
 * patch, prefixes, a generator's behaviour) as annotations during a build, so such an object has
 * a `metadata.annotations` map even without an annotation of its own. Later steps see it: a JSON
 * patch `add /metadata/annotations/x` applies (before, Slipway failed the build), and an
 * AnnotationsTransformer whose field spec does not `create` writes (before, Slipway left the
 * object bare: ToaHartor/maisonneux's 32 kustomizations with `namespace:` and such a transformer).
 * The map goes at the end when nothing else is in it.
 */
const RESOURCES = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
data: {x: "1"}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx
---
apiVersion: v1
kind: Namespace
metadata:
  name: nsx
`;

const TRANSFORMER = `apiVersion: builtin
kind: AnnotationsTransformer
metadata:
  name: without-create
annotations:
  team: ai
fieldSpecs:
  - path: metadata/annotations
`;

function tree(kustomization: string): string {
  return tempTree({
    "kustomization.yaml": kustomization,
    "res.yaml": RESOURCES,
    "ann.yaml": TRANSFORMER,
    "folded.yaml": FOLDED,
  });
}

const JSON_PATCH = `resources: [res.yaml]
patches:
  - target: {kind: Deployment}
    patch: |
      - op: add
        path: /metadata/annotations/x
        value: patched
`;

const LEGACY_JSON_PATCH = `resources: [res.yaml]
patchesJson6902:
  - target: {group: apps, version: v1, kind: Deployment, name: web}
    patch: |
      - op: add
        path: /metadata/annotations/x
        value: patched
`;

/**
 * A folded annotation with a more-indented line, as Kyverno policy descriptions have them
 * (webgrip/homelab-cluster): kustomize sets every annotation again as a plain string at the end,
 * so go-yaml v3's folded round trip (goFoldedText), which data keeps, never reaches it.
 */
const FOLDED = `apiVersion: v1
kind: ConfigMap
metadata:
  name: folded
  annotations:
    description: >-
      Two controls:

        1. an owner label
data:
  description: >-
    Two controls:

      1. an owner label
`;

const cases: Array<[string, string]> = [
  ["a JSON patch adds an annotation to an object without any", JSON_PATCH],
  [
    "a transformer without create, after namespace",
    "resources: [res.yaml]\ntransformers: [ann.yaml]\nnamespace: zz\n",
  ],
  [
    "a transformer without create, after namePrefix",
    "resources: [res.yaml]\ntransformers: [ann.yaml]\nnamePrefix: p-\n",
  ],
  [
    "a transformer without create, on a generated ConfigMap",
    "resources: [res.yaml]\ntransformers: [ann.yaml]\nconfigMapGenerator: [{name: g, literals: [k=v], options: {disableNameSuffixHash: true}}]\n",
  ],
  ["a transformer without create, nothing else", "resources: [res.yaml]\ntransformers: [ann.yaml]\n"],
  ["namespace alone", "resources: [res.yaml]\nnamespace: zz\n"],
  ["a folded annotation", "resources: [folded.yaml]\n"],
];

describe("kustomize's build annotations", () => {
  it("let a JSON patch add under /metadata/annotations", () => {
    expect(buildYaml(tree(JSON_PATCH))).toContain(
      "kind: Deployment\nmetadata:\n  annotations:\n    x: patched\n  name: web\n",
    );
  });

  it("let a field spec without create write the annotations of objects kustomize recorded", () => {
    const out = buildYaml(tree("resources: [res.yaml]\ntransformers: [ann.yaml]\nnamespace: zz\n"));
    expect(out.match(/annotations:\n {4}team: ai\n/g)).toHaveLength(3);
    // An object kustomize recorded nothing for has no map to write into.
    expect(buildYaml(tree("resources: [res.yaml]\ntransformers: [ann.yaml]\n"))).not.toContain("team: ai");
  });

  it("are not kept by the legacy patchesJson6902, whose add under /metadata/annotations fails", () => {
    expect(() => buildYaml(tree(LEGACY_JSON_PATCH))).toThrow(/missing path: "\/metadata\/annotations\/x"/);
  });

  it("are written again at the end: a folded annotation keeps the spec's text, data does not", () => {
    const out = buildYaml(tree("resources: [folded.yaml]\n"));
    expect(out).toContain(
      "  annotations:\n    description: |-\n      Two controls:\n\n        1. an owner label\n",
    );
    expect(out).toContain("  description: |-\n    Two controls:\n\n\n      1. an owner label\n");
  });

  it("leave no empty map behind", () => {
    const out = buildYaml(tree("resources: [res.yaml]\nnamespace: zz\nnamePrefix: p-\n"));
    expect(out).not.toContain("annotations");
  });

  describe.runIf(requires("kubectl"))("against kubectl kustomize", () => {
    it("patchesJson6902 fails as kubectl does", async () => {
      expect((await kubectlKustomize(tree(LEGACY_JSON_PATCH))).ok).toBe(false);
    });

    it.each(cases)("%s", async (_, k) => {
      const dir = tree(k);
      const want = await kubectlKustomize(dir);
      expect(want.ok).toBe(true);
      expect(buildYaml(dir)).toBe(want.stdout);
    });
  });
});
