import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { buildYaml } from "../../src/kustomize/build.js";

// kustomize decodes a kustomization file through sigs.k8s.io/yaml (go-yaml v2 scalars, then JSON)
// into Go structs with encoding/json, which refuses unknown fields and values of the wrong type.
// Every expected text below is what kubectl kustomize (kustomize v5.5.0) printed for the file.

const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n";
const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n}\n";

function build(kustomization: string): string {
  const fs = new MemoryFileSystem({
    "/k/kustomization.yaml": `resources: [cm.yaml]\n${kustomization}\n`,
    "/k/cm.yaml": cm,
  });
  return buildYaml("/k", { fs });
}

const refused: Array<[string, string]> = [
  [
    "patches: [{target: {name: n}, patch: '[]'}]",
    "json: cannot unmarshal bool into Go struct field Selector.patches.target.name of type string",
  ],
  [
    "commonLabels: {a: yes}",
    "json: cannot unmarshal bool into Go struct field Kustomization.commonLabels of type string",
  ],
  [
    "namePrefix: on",
    "json: cannot unmarshal bool into Go struct field Kustomization.namePrefix of type string",
  ],
  [
    "namePrefix: 1",
    "json: cannot unmarshal number into Go struct field Kustomization.namePrefix of type string",
  ],
  [
    "images: [{name: a, newTag: 1.20}]",
    "json: cannot unmarshal number into Go struct field Image.images.newTag of type string",
  ],
  ["images: [{name: a, newTag: 1.20, foo: 1}]", 'json: unknown field "foo"'],
  [
    "replicas: [{name: a, count: 1.5}]",
    "json: cannot unmarshal number 1.5 into Go struct field Replica.replicas.count of type int64",
  ],
  [
    "replicas: [{name: a, count: 1e21}]",
    "json: cannot unmarshal number 1e+21 into Go struct field Replica.replicas.count of type int64",
  ],
  [
    'replicas: [{name: a, count: "3"}]',
    "json: cannot unmarshal string into Go struct field Replica.replicas.count of type int64",
  ],
  [
    "patches: [x]",
    "json: cannot unmarshal string into Go struct field Kustomization.patches of type types.Patch",
  ],
  [
    "patches: {a: b}",
    "json: cannot unmarshal object into Go struct field Kustomization.patches of type []types.Patch",
  ],
  [
    "commonLabels: {a: [1]}",
    "json: cannot unmarshal array into Go struct field Kustomization.commonLabels of type string",
  ],
  [
    'labels: [{pairs: {a: b}, includeSelectors: "true"}]',
    "json: cannot unmarshal string into Go struct field Label.labels.includeSelectors of type bool",
  ],
  [
    "labels: [{pairs: {x: y}}]",
    "json: cannot unmarshal bool into Go struct field Label.labels.pairs of type string",
  ],
  // Go decodes the keys in sorted order and reports the first error: namePrefix before valuesInline.
  [
    "valuesInline: 1\nnamePrefix: 1",
    "json: cannot unmarshal number into Go struct field Kustomization.namePrefix",
  ],
  [
    "sortOptions: {order: 1}",
    "json: cannot unmarshal number into Go struct field SortOptions.sortOptions.order of type types.SortOrder",
  ],
  [
    "vars: [{name: a, objref: 1}]",
    "json: cannot unmarshal number into Go struct field Var.vars.objref of type types.Target",
  ],
  [
    "replacements: [{targets: [1]}]",
    "json: cannot unmarshal number into Go struct field ReplacementField.replacements.targets of type types.TargetSelector",
  ],
  [
    "replacements: [{targets: [{select: 1}]}]",
    "json: cannot unmarshal number into Go struct field TargetSelector.replacements.targets.select of type types.Selector",
  ],
  [
    "generatorOptions: {labels: {a: 1}}",
    "json: cannot unmarshal number into Go struct field GeneratorOptions.generatorOptions.labels of type string",
  ],
  [
    "resources: [cm.yaml, 1]",
    "json: cannot unmarshal number into Go struct field Kustomization.resources of type string",
  ],
];

describe("kustomization fields decoded as Go's encoding/json decodes them", () => {
  it.each(refused)("%j", (text, message) => {
    expect(() => build(text)).toThrow(`invalid Kustomization: ${message}`);
  });

  it("reads YAML 1.1 booleans where a bool is wanted (includeSelectors: yes)", () => {
    const fs = new MemoryFileSystem({
      "/k/kustomization.yaml": "resources: [d.yaml]\nlabels: [{pairs: {a: b}, includeSelectors: yes}]\n",
      "/k/d.yaml": deployment,
    });
    expect(buildYaml("/k", { fs })).toBe(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    a: b\n  name: d\nspec:\n  replicas: 1\n" +
        "  selector:\n    matchLabels:\n      a: b\n  template:\n    metadata:\n      labels:\n        a: b\n",
    );
  });

  it("reads an exponent as the integer it is (count: 1e3)", () => {
    const fs = new MemoryFileSystem({
      "/k/kustomization.yaml": "resources: [d.yaml]\nreplicas: [{name: d, count: 1e3}]\n",
      "/k/d.yaml": deployment,
    });
    expect(buildYaml("/k", { fs })).toContain("replicas: 1000");
  });

  it("lets a repeated key win before JSON sees the value it replaces (.inf)", () => {
    expect(build("namePrefix: .inf\nnamePrefix: a-")).toContain("  name: a-n\n");
  });

  it("keeps an int64 count beyond 2^53 exact", () => {
    const fs = new MemoryFileSystem({
      "/k/kustomization.yaml": "resources: [d.yaml]\nreplicas: [{name: d, count: 9223372036854775807}]\n",
      "/k/d.yaml": deployment,
    });
    expect(buildYaml("/k", { fs })).toContain("replicas: 9223372036854775807\n");
  });

  it("matches field names in any case at every level, and merges maps given twice", () => {
    const out = build(
      "commonLabels: {a: b}\nCommonLabels: {c: d}\nnamePrefix: a-\nNamePrefix: b-\n" +
        'Patches: [{Target: {Kind: ConfigMap}, Patch: \'[{"op": "add", "path": "/data", "value": {"k": "v"}}]\'}]',
    );
    expect(out).toBe(
      "apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  labels:\n    a: b\n    c: d\n  name: a-n\n",
    );
  });

  it("keeps a timestamp as its text and a null map value as empty", () => {
    const out = build("commonAnnotations: {a: null, b: '', c: 2001-12-14}");
    expect(out).toContain('  annotations:\n    a: ""\n    b: ""\n    c: "2001-12-14"\n');
  });
});

describe("JSON 6902 patch values read as sigs.k8s.io/yaml reads them (go-yaml v2)", () => {
  it("leaves sexagesimals and timestamps as text and reads 0o octal", () => {
    const out = build(
      "patches:\n- target: {kind: ConfigMap}\n  patch: |\n    - op: add\n      path: /data\n" +
        "      value: {a: on, b: 0x10, c: 1:20, d: 2001-12-14, e: y, f: ~, g: 0o17, h: 190:20:30.15, i: }",
    );
    expect(out).toContain(
      'data:\n  a: true\n  b: 16\n  c: "1:20"\n  d: "2001-12-14"\n  e: true\n  f: null\n  g: 15\n  h: "190:20:30.15"\n  i: null\n',
    );
  });
});

describe("a JSON 6902 patch's round trip through Go's encoding/json", () => {
  it("makes every number of the patched object a float64", () => {
    const fs = new MemoryFileSystem({
      "/k/kustomization.yaml":
        "resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: |-\n    - {op: add, path: /data/z, value: 9007199254740993}\n",
      "/k/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: n\ndata:\n  x: 9223372036854775807\n  y: 12345678901234567890\n",
    });
    expect(buildYaml("/k", { fs })).toBe(
      'apiVersion: v1\ndata:\n  x: 9223372036854776000\n  "y": 12345678901234567000\n  z: 9007199254740992\nkind: ConfigMap\nmetadata:\n  name: "n"\n',
    );
  });
});

describe("an image set by the images transformer", () => {
  // filtersutil.SetScalar leaves the node untagged, and kustomize's output resolves it (go-yaml v3).
  it.each([
    ["0x10", "16"],
    ["true", "true"],
    ["null", "null"],
    ["1e3", "1000"],
    ["2001-12-14", '"2001-12-14T00:00:00Z"'],
    ["0o17", "15"],
    ["my/app", "my/app"],
  ])("newName %j prints as %s", (newName, printed) => {
    const fs = new MemoryFileSystem({
      "/k/kustomization.yaml": `resources: [d.yaml]\nimages: [{name: nginx, newName: '${newName}'}]\n`,
      "/k/d.yaml":
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: a, image: nginx}\n",
    });
    expect(buildYaml("/k", { fs })).toContain(`      - image: ${printed}\n`);
  });
});

describe("a configurations file read as sigs.k8s.io/yaml.UnmarshalStrict reads it", () => {
  const files = (conf: string) =>
    new MemoryFileSystem({
      "/k/kustomization.yaml": "resources: [cm.yaml]\nconfigurations: [conf.yaml]\ncommonLabels: {a: b}\n",
      "/k/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
      "/k/conf.yaml": conf,
    });

  it("takes `create: yes` as true", () => {
    const fs = files("commonLabels:\n- path: data/lbl\n  kind: ConfigMap\n  create: yes\n");
    expect(buildYaml("/k", { fs })).toBe(
      "apiVersion: v1\ndata:\n  lbl:\n    a: b\nkind: ConfigMap\nmetadata:\n  labels:\n    a: b\n  name: cm\n",
    );
  });

  it("refuses a string where a bool is wanted", () => {
    const fs = files('commonLabels:\n- path: data/lbl\n  kind: ConfigMap\n  create: "yes"\n');
    expect(() => buildYaml("/k", { fs })).toThrow(
      "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field FieldSpec.commonLabels.create of type bool",
    );
  });
});

describe("a replacement file read as sigs.k8s.io/yaml.Unmarshal reads it", () => {
  it("takes `create: yes` as true", () => {
    const fs = new MemoryFileSystem({
      "/k/kustomization.yaml": "resources: [cm.yaml]\nreplacements: [{path: r.yaml}]\n",
      "/k/cm.yaml":
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: src\ndata:\n  v: "on"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dst\n',
      "/k/r.yaml":
        "source: {name: src, fieldPath: data.v}\ntargets: [{select: {name: dst}, fieldPaths: [data.new], options: {create: yes}}]\n",
    });
    expect(buildYaml("/k", { fs })).toBe(
      'apiVersion: v1\ndata:\n  new: "on"\nkind: ConfigMap\nmetadata:\n  name: dst\n---\napiVersion: v1\ndata:\n  v: "on"\nkind: ConfigMap\nmetadata:\n  name: src\n',
    );
  });
});
