import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildYaml } from "../../../src/kustomize/build.js";
import { builtinSchemaRegistry, strategicMergePatch } from "../../../src/kustomize/patch/index.js";
import type { YamlMap } from "../../../src/kustomize/types.js";
import { parseYaml } from "../../../src/yaml/index.js";
import { requires } from "../../support/env.js";
import { kubectlKustomize } from "../../support/kubectl.js";

/**
 * kyaml keeps a target's explicit null (`null`, `~`) that a strategic merge patch does not
 * mention, and drops an empty one (`key:`, `key: !!null`): the node's Value is "" (merge2.go
 * VisitMap). Found on billimek/k8s-gitops, where a Flux Kustomization patches every HelmRelease
 * and `JVM_INIT_HEAP_SIZE:` vanished from kubectl's output but not from Slipway's.
 */
const registry = builtinSchemaRegistry();
const y = (text: string) => parseYaml(text, "t.yaml") as YamlMap;

describe("strategic merge: nulls written empty", () => {
  it("drops an empty null the patch does not mention, keeps explicit ones", () => {
    const target = y("kind: X\nmetadata: {name: a}\nspec:\n  a:\n  b: null\n  c: ~\n  d: !!null\n  e: 1\n");
    const out = strategicMergePatch(target, y("spec: {e: 2}"), undefined, registry);
    expect(out?.spec).toEqual({ b: null, c: null, e: 2 });
  });

  it("keeps an empty null in a list the walk does not enter", () => {
    const target = y("spec:\n  list:\n  - a:\n    b: 1\n");
    expect(strategicMergePatch(target, y("other: 1"), undefined)?.spec).toEqual({
      list: [{ a: null, b: 1 }],
    });
  });

  it("survives copies: through anchors, merge keys and a base's clone", () => {
    const target = y("x: &n\ny: *n\nm: &m\n  e:\n  f: null\nn:\n  <<: *m\n  g: 1\n");
    expect(strategicMergePatch(target, y("z: 1"), undefined)).toEqual({
      m: { f: null },
      n: { f: null, g: 1 },
      z: 1,
    });
  });

  it("a patch's null clears the field whichever way it is written", () => {
    expect(strategicMergePatch(y("a: 1\nb: 2\nc: 3"), y("a:\nb: null\n"), undefined)).toEqual({ c: 3 });
  });
});

// The same cases built end to end, compared with kubectl when it is there; the expected
// outputs were printed by kubectl 1.32 (kustomize v5.5.0).
const cases: Array<{ name: string; files: Record<string, string>; dir: string; expected: string }> = [
  {
    name: "a Flux-style patch on every HelmRelease drops empty values",
    dir: ".",
    files: {
      "kustomization.yaml":
        "resources: [r.yaml]\npatches:\n  - patch: |-\n      apiVersion: helm.toolkit.fluxcd.io/v2\n      kind: HelmRelease\n      metadata:\n        name: _\n      spec:\n        timeout: 10m\n    target:\n      kind: HelmRelease\n",
      "r.yaml":
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: a\nspec:\n  values:\n    env:\n      A:\n      B: x\n      C: null\n      D: ~\n      F: !!null\n    list:\n      - a:\n        b: 1\n  other:\n",
    },
    expected:
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: a\nspec:\n  timeout: 10m\n  values:\n    env:\n      B: x\n      C: null\n      D: null\n    list:\n    - a: null\n      b: 1\n",
  },
  {
    name: "without a patch, empty values print as null",
    dir: ".",
    files: {
      "kustomization.yaml": "resources: [r.yaml]\n",
      "r.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nx:\nw: null\n",
    },
    expected: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nw: null\nx: null\n",
  },
  {
    name: "an overlay's patch on a base's empty value; JSON 6902 first makes nulls explicit",
    dir: "ov",
    files: {
      "base/kustomization.yaml": "resources: [r.yaml]\n",
      "base/r.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nx:\n",
      "base2/kustomization.yaml": "resources: [r.yaml]\n",
      "base2/r.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\nx:\n",
      "ov/kustomization.yaml":
        "resources: [../base, ../base2]\npatches:\n  - patch: |-\n      - op: add\n        path: /w\n        value: 1\n    target: {kind: Secret}\n  - patch: |-\n      apiVersion: v1\n      kind: ConfigMap\n      metadata: {name: a}\n      z: 1\n  - patch: |-\n      apiVersion: v1\n      kind: Secret\n      metadata: {name: b}\n      z: 1\n",
    },
    expected:
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nz: 1\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\nw: 1\nx: null\nz: 1\n",
  },
];

describe("build: empty nulls under patches, as kubectl prints them", () => {
  const root = mkdtempSync(path.join(tmpdir(), "slipway-empty-null-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const dirOf = (i: number) => {
    const c = cases[i]!;
    const base = path.join(root, String(i));
    for (const [f, text] of Object.entries(c.files)) {
      mkdirSync(path.dirname(path.join(base, f)), { recursive: true });
      writeFileSync(path.join(base, f), text);
    }
    return path.join(base, c.dir);
  };
  const dirs = cases.map((_, i) => dirOf(i));

  it.each(cases.map((c, i) => [c.name, i] as const))("%s", (_, i) => {
    expect(buildYaml(dirs[i]!)).toBe(cases[i]!.expected);
  });

  describe.runIf(requires("kubectl"))("kubectl agrees", () => {
    it.each(cases.map((c, i) => [c.name, i] as const))("%s", async (_, i) => {
      const r = await kubectlKustomize(dirs[i]!);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(cases[i]!.expected);
    });
  });
});
