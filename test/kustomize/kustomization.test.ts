import { describe, expect, it } from "vitest";
import type { SlipwayError } from "../../src/errors.js";
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

/**
 * kustomize reads its kustomization file with sigs.k8s.io/yaml, which decodes the first
 * document only (go-yaml v2's Unmarshal): an empty first document is an empty kustomization
 * whatever follows, and later documents are never read. Each row: the file, and what kubectl
 * v1.32 (kustomize v5.5.0) prints: the built stream, or its error's words.
 */
const CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
const firstDocument: Array<[string, string, { yaml: string } | { error: string }]> = [
  ["two document starts", "---\n---\nresources: [cm.yaml]\n", { error: "kustomization.yaml is empty" }],
  [
    "a comment-only document first",
    "---\n# c\n---\nresources: [cm.yaml]\n",
    { error: "kustomization.yaml is empty" },
  ],
  [
    "an ended empty document first",
    "---\n...\n---\nresources: [cm.yaml]\n",
    { error: "kustomization.yaml is empty" },
  ],
  [
    "a null document first",
    "--- null\n---\nresources: [cm.yaml]\n",
    { error: "kustomization.yaml is empty" },
  ],
  ["a lone document start", "---\n", { error: "kustomization.yaml is empty" }],
  ["comments only", "# nothing\n", { error: "kustomization.yaml is empty" }],
  ["no bytes", "", { error: "kustomization.yaml is empty" }],
  [
    "a document end first",
    "...\n",
    { error: "invalid Kustomization: yaml: did not find expected node content" },
  ],
  [
    "a document end after a comment",
    "# c\n...\nresources: []\n",
    { error: "invalid Kustomization: yaml: line 1: did not find expected node content" },
  ],
  ["comments before the first document start", "# c\n---\nresources: [cm.yaml]\n", { yaml: CM }],
  ["a second document is not read", "resources: [cm.yaml]\n---\nnamePrefix: x-\n", { yaml: CM }],
  ["a broken second document is not read", "resources: [cm.yaml]\n---\nnamePrefix: [\n", { yaml: CM }],
];

describe("a kustomization file's first document is the kustomization", () => {
  it.each(firstDocument)("%s", (_, text, expected) => {
    const fs = new MemoryFileSystem({ "/k/kustomization.yaml": text, "/k/cm.yaml": CM });
    if ("yaml" in expected) expect(buildYaml("/k", { fs })).toBe(expected.yaml);
    else expect(() => buildYaml("/k", { fs })).toThrow(expected.error);
  });
});

describe.runIf(requires("kubectl"))("a kustomization file's first document, against kubectl", () => {
  it.each(firstDocument)("%s", async (_, text, expected) => {
    const r = await kubectlKustomize(tempTree({ "kustomization.yaml": text, "cm.yaml": CM }));
    if ("yaml" in expected) expect(r).toMatchObject({ ok: true, stdout: expected.yaml });
    else
      expect({ ok: r.ok, has: r.stderr.includes(`err="${expected.error}"`) }).toEqual({
        ok: false,
        has: true,
      });
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

  it("a Component listed under resources: names the file that lists it, at the entry (carpenike)", () => {
    const fs = new MemoryFileSystem({
      "/k/kustomization.yaml": "resources:\n- app\n",
      "/k/app/kustomization.yaml": "resources:\n  - cm.yaml\n  - ../../comp/volsync  # shared\n",
      "/k/app/cm.yaml": CM,
      "/comp/volsync/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: []\n",
    });
    let err: SlipwayError | undefined;
    try {
      buildYaml("/k", { fs });
    } catch (e) {
      err = e as SlipwayError;
    }
    expect([err?.message, err?.file, err?.line]).toEqual([
      "accumulating resources (in 'app' → '../../comp/volsync'): expected kind != 'Component' for path '/comp/volsync' (/comp/volsync/kustomization.yaml is a Component: list it under components:, not resources:)",
      "/k/app/kustomization.yaml",
      3,
    ]);
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

/**
 * A resource file whose objects clash with an earlier file's: kustomize names the later file and
 * the id that clashes. Files are appended in batches and replayed one by one on a conflict; the
 * replay must not meet the batch's own half-added objects (it named the first file, or the later
 * file's first object, before).
 */
describe("a duplicate id across resource files", () => {
  const ks = (name: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: flux-system\n`;
  const trees: Array<[string, Record<string, string>]> = [
    [
      "adjacent files",
      {
        "kustomization.yaml": "resources:\n- apps.yaml\n- infrastructure.yaml\n",
        "apps.yaml": ks("apps"),
        "infrastructure.yaml": `${ks("infrastructure")}---\n${ks("apps")}`,
      },
    ],
    [
      "a directory between them",
      {
        "kustomization.yaml": "resources:\n- apps.yaml\n- sub\n- infrastructure.yaml\n",
        "apps.yaml": ks("apps"),
        "sub/kustomization.yaml": "resources:\n- cm.yaml\n",
        "sub/cm.yaml": ks("other"),
        "infrastructure.yaml": `${ks("infrastructure")}---\n${ks("apps")}`,
      },
    ],
  ];
  const expected =
    "'infrastructure.yaml': may not add resource with an already registered id: ConfigMap.v1.[noGrp]/apps.flux-system";
  it.each(trees)("%s: the later file and the clashing id", (_, files) => {
    const fs = new MemoryFileSystem(
      Object.fromEntries(Object.entries(files).map(([k, v]) => [`/k/${k}`, v])),
    );
    expect(() => buildYaml("/k", { fs })).toThrow(expected);
  });
  describe.runIf(requires("kubectl"))("against kubectl", () => {
    it.each(trees)("%s", async (_, files) => {
      const r = await kubectlKustomize(tempTree(files));
      expect(r.ok).toBe(false);
      expect(r.stderr).toContain(
        "merging resources from 'infrastructure.yaml': may not add resource with an already registered id: ConfigMap.v1.[noGrp]/apps.flux-system",
      );
    });
  });
});
