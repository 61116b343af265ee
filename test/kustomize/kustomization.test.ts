import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { buildYaml } from "../../src/kustomize/build.js";
import { tempTree } from "../support/cli.js";
import { requires } from "../support/env.js";
import { kubectlKustomize } from "../support/kubectl.js";

/**
 * kustomize's CheckEmpty compares the decoded Go struct with an empty one: a nil slice or map is
 * empty, an empty one (`[]`, `{}`) is not. Expectations observed with kubectl 1.32.
 */
const cases: Array<[string, boolean]> = [
  ["resources: []", true],
  ["commonLabels: {}", true],
  ["metadata: {}", true],
  ["generatorOptions: {}", true],
  ["openapi: {}", true],
  ["buildMetadata: []", true],
  ["kind: Kustomization\nresources: []", true],
  ["helmCharts: []", true],
  ["labels: []", true],
  ["patchesStrategicMerge: []", true],
  ["replacements: []", true],
  ["crds: []", true],
  // moved into another list before the check: append(nil, nothing...) stays nil
  ["bases: []", false],
  ["imageTags: []", false],
  ["helmChartInflationGenerator: []", false],
  ["bases: []\nimageTags: []", false],
  // null and "" decode to the zero value
  ['namePrefix: ""', false],
  ["commonLabels: ~", false],
  ["resources:", false],
  ['namespace: ""\nresources: ~', false],
  ["apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization", false],
];

describe("an empty kustomization", () => {
  it.each(cases)("%j builds: %s", (text, builds) => {
    const fs = new MemoryFileSystem({ "/k/kustomization.yaml": `${text}\n` });
    if (builds) expect(buildYaml("/k", { fs })).toBe("");
    else expect(() => buildYaml("/k", { fs })).toThrow("kustomization.yaml is empty");
  });
});

describe.runIf(requires("kubectl"))("an empty kustomization, against kubectl", () => {
  it.each(cases)("%j", async (text, builds) => {
    const dir = tempTree({ "kustomization.yaml": `${text}\n` });
    const r = await kubectlKustomize(dir);
    expect(r.ok).toBe(builds);
    if (builds) expect(r.stdout).toBe("");
  });
});

describe("an error inside nested bases", () => {
  it("names the innermost file and lists the bases it was reached through once", () => {
    const fs = new MemoryFileSystem({
      "/k/kustomization.yaml": "resources:\n- b\n",
      "/k/b/kustomization.yaml": "resources:\n- c\n",
      "/k/b/c/kustomization.yaml": "resources:\n- missing.yaml\n",
    });
    let message = "";
    try {
      buildYaml("/k", { fs });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      "accumulating resources (in 'b' → 'c'): 'missing.yaml': no such file or directory (/k/b/c/missing.yaml)",
    );
    expect((message.match(/accumulating resources/g) ?? []).length).toBe(1);
  });

  it("says which base has no kustomization file", () => {
    const fs = new MemoryFileSystem({ "/k/kustomization.yaml": "resources:\n- base\n", "/k/base/x.txt": "" });
    expect(() => buildYaml("/k", { fs })).toThrow(
      "accumulating resources (in 'base'): unable to find one of 'kustomization.yaml'",
    );
  });
});

/**
 * Generator source lists decode into Go []string: a value that is not a string fails the file
 * with Go's JSON message, the one kubectl prints (a `- key=a: b` literal is a map), instead of
 * being read as JavaScript spells it ("[object Object]", "5" as a file name).
 */
const badSources: Array<[string, string]> = [
  [
    "configMapGenerator:\n  - name: v\n    literals:\n      - values.yaml=foo: bar",
    "invalid Kustomization: json: cannot unmarshal object into Go struct field ConfigMapArgs.configMapGenerator.literals of type string",
  ],
  [
    "secretGenerator:\n  - name: v\n    files:\n      - [a]",
    "invalid Kustomization: json: cannot unmarshal array into Go struct field SecretArgs.secretGenerator.files of type string",
  ],
  [
    "configMapGenerator:\n  - name: v\n    envs:\n      - 5",
    "invalid Kustomization: json: cannot unmarshal number into Go struct field ConfigMapArgs.configMapGenerator.envs of type string",
  ],
  [
    "configMapGenerator:\n  - name: v\n    literals:\n      - true",
    "invalid Kustomization: json: cannot unmarshal bool into Go struct field ConfigMapArgs.configMapGenerator.literals of type string",
  ],
];

describe("generator sources that are not strings", () => {
  it.each(badSources)("%j", (text, message) => {
    const fs = new MemoryFileSystem({ "/k/kustomization.yaml": `${text}\n`, "/k/5": "A=1\n" });
    expect(() => buildYaml("/k", { fs })).toThrow(message);
  });
});

describe.runIf(requires("kubectl"))("generator sources that are not strings, against kubectl", () => {
  it.each(badSources)("%j", async (text, message) => {
    const r = await kubectlKustomize(tempTree({ "kustomization.yaml": `${text}\n`, "5": "A=1\n" }));
    expect(r.ok).toBe(false);
    expect(r.stderr).toContain(message);
  });
});
