import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { buildYaml } from "../../src/kustomize/build.js";
import { requires } from "../support/env.js";
import { kubectlKustomize } from "../support/kubectl.js";

// kyaml reads annotations, labels, names and namespaces by their text (a scalar node's Value),
// and kustomize sets every annotation again from that text at the end of a build
// (src/yaml/scalar-text.ts). Every expected text below is what kubectl kustomize (kustomize
// v5.5.0) printed for the files; with kubectl present each case is also built by it again.

interface Case {
  name: string;
  files: Record<string, string>;
  expected: string;
}

const cases: Case[] = [
  {
    name: "annotations print as written, however they resolve (both readers: the tagged file takes the full one)",
    files: {
      "cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations:
    a: 0x10
    b: ~
    c: 1:20
    d: 2001-12-14
    e: yes
    f: 012
    g: .inf
    h: 1_000
    i: null
    j:
    k: True
    l: 1.0
    m: foo
      bar
    n: >
      a
        b
      c
  labels:
    l: 0x10
data:
  k: 0x10
  k2: ~
`,
      "kustomization.yaml": `resources: [cm.yaml, tagged.yaml]
`,
      "tagged.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: t
  annotations:
    a: !!int 0x10
    b: &x 0x20
    c: *x
    d: 2001-12-14 21:59:43.10 -25:00
`,
    },
    expected: `apiVersion: v1
data:
  k: 16
  k2: null
kind: ConfigMap
metadata:
  annotations:
    a: "0x10"
    b: "~"
    c: "1:20"
    d: "2001-12-14"
    e: "yes"
    f: "012"
    g: ".inf"
    h: "1_000"
    i: "null"
    j: ""
    k: "True"
    l: "1.0"
    m: foo bar
    "n": |
      a
        b
      c
  labels:
    l: 16
  name: c
---
apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    a: "0x10"
    b: "0x20"
    c: "0x20"
    d: 2001-12-14 21:59:43.10 -25:00
  name: t
`,
  },
  {
    name: "a JSON patch of the object resolves them first: numbers and nulls as JSON has them, folded text as go-yaml rewrites it",
    files: {
      "cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations:
    a: 0x10
    b: ~
    d: 2001-12-14
    e:
    n: >
      a
        b
      c
`,
      "kustomization.yaml": `resources: [cm.yaml]
patches:
- target: {kind: ConfigMap}
  patch: |
    - op: add
      path: /data
      value: {x: y}
`,
    },
    expected: `apiVersion: v1
data:
  x: true
kind: ConfigMap
metadata:
  annotations:
    a: "16"
    b: "null"
    d: "2001-12-14T00:00:00Z"
    e: "null"
    "n": |
      a

        b
      c
  name: c
`,
  },
  {
    name: "a strategic-merge patch's annotation brings its own text, a target's untouched one keeps its",
    files: {
      "cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations:
    a: 0x10
    b: 16
    c: 0x10
    d: ~
  labels:
    l: 0x10
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: d
`,
      "kustomization.yaml": `resources: [cm.yaml]
patches:
- patch: |
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: c
      annotations:
        a: 16
        b: 0x10
        e: 012
      labels:
        m: 0x10
- patch: |
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: d
      annotations:
        a: 0x10
        z: 1_0
`,
    },
    expected: `apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    a: "16"
    b: "0x10"
    c: "0x10"
    d: "~"
    e: "012"
  labels:
    l: 16
    m: 16
  name: c
---
apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    a: "0x10"
    z: "1_0"
  name: d
`,
  },
  {
    name: "a strategic-merge patch with a target has its labels and annotations set as strings first",
    files: {
      "cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations:
    a: x
  labels:
    l: y
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: d
  annotations:
    a: x
  labels:
    l: y
`,
      "kustomization.yaml": `resources: [cm.yaml]
patches:
- target: {name: c}
  patch: |-
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: c
      annotations: null
      labels:
        m: -0.0
        n: {x: 1}
- patch: |-
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: d
      annotations: null
      labels:
        m: -0.0
`,
    },
    expected: `apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    a: x
  labels:
    l: "y"
    m: "-0.0"
    "n": ""
  name: c
---
apiVersion: v1
kind: ConfigMap
metadata:
  labels:
    l: "y"
    m: 0
  name: d
`,
  },
  {
    name: "names, namespaces and label selectors read the text: a suffix appends to it, a selector matches it",
    files: {
      "cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: 0x10
  labels:
    l: 0x10
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: 1_000
  namespace: 012
  labels:
    l: 16
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: "1"
`,
      "kustomization.yaml": `resources: [cm.yaml]
nameSuffix: "0"
patches:
- target: {labelSelector: "l=0x10"}
  patch: |-
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: x
      labels: {matched: "yes"}
`,
    },
    expected: `apiVersion: v1
kind: ConfigMap
metadata:
  labels:
    l: 16
  name: 10000
  namespace: 10
---
apiVersion: v1
kind: ConfigMap
metadata:
  labels:
    l: 16
    matched: "yes"
  name: 256
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: "10"
`,
  },
  {
    name: "after a JSON patch each annotation is the text the round trip left (a float64 as go-yaml writes it), a later patch finds strings",
    files: {
      "cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations:
    a: 1000000
    b: -0.0
    c: true
    d: {x: 1}
`,
      "kustomization.yaml": `resources: [cm.yaml]
patches:
- target: {kind: ConfigMap}
  patch: |
    - op: add
      path: /data
      value: {x: y}
- target: {kind: ConfigMap}
  patch: |
    - op: copy
      from: /metadata/annotations/a
      path: /data/a
`,
    },
    expected: `apiVersion: v1
data:
  a: "1e+06"
  x: true
kind: ConfigMap
metadata:
  annotations:
    a: "1e+06"
    b: "-0"
    c: "true"
    d: ""
  name: c
`,
  },
  {
    name: "a name, namespace or label JSON cannot hold is no failure while kustomize holds it by its text and replaces it",
    files: {
      "cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  namespace: .nan
  labels:
    l: x
`,
      "kustomization.yaml": `resources: [cm.yaml]
namespace: ns
patches:
- target: {kind: ConfigMap}
  patch: |-
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: c
      labels:
        l: .inf
`,
    },
    expected: `apiVersion: v1
kind: ConfigMap
metadata:
  labels:
    l: ".inf"
  name: c
  namespace: ns
`,
  },
];

function build(files: Record<string, string>): string {
  const fs = new MemoryFileSystem(Object.fromEntries(Object.entries(files).map(([p, c]) => [`/k/${p}`, c])));
  return buildYaml("/k", { fs });
}

const infPatched: Record<string, string> = {
  "kustomization.yaml": `resources: [cm.yaml]
patches:
- target: {kind: ConfigMap}
  patch: |
    - op: add
      path: /data
      value: {x: y}
`,
  "cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations:
    g: .inf
`,
};

describe("scalar text of annotations, labels and names", () => {
  for (const c of cases) it(c.name, () => expect(build(c.files)).toBe(c.expected));

  it("an annotation JSON cannot hold fails only where a JSON patch makes JSON of its object", () => {
    expect(() => build(infPatched)).toThrow("json: unsupported value: +Inf");
  });

  it("an annotation written as a map or list is printed as its node's text, empty", () => {
    const files = {
      "kustomization.yaml": "resources: [cm.yaml]\n",
      "cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    d: {x: 1}\n    e: [1]\n    f: []\n",
    };
    // kubectl kustomize printed:
    expect(build(files)).toBe(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    d: ""\n    e: ""\n    f: ""\n  name: c\n',
    );
  });

  it("a label JSON cannot hold fails when kustomize prints its object", () => {
    const files = {
      "kustomization.yaml": "resources: [cm.yaml]\n",
      "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    l: .inf\n",
    };
    expect(() => build(files)).toThrow("json: unsupported value: +Inf (kustomize cannot print .inf)");
  });
});

const root = mkdtempSync(path.join(tmpdir(), "slipway-scalar-text-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.runIf(requires("kubectl"))("the same cases built by kubectl", () => {
  for (const [i, c] of [...cases, { name: "inf", files: infPatched, expected: "" }].entries()) {
    it(c.name, async () => {
      const dir = path.join(root, String(i));
      mkdirSync(dir, { recursive: true });
      for (const [p, content] of Object.entries(c.files)) writeFileSync(path.join(dir, p), content);
      const k = await kubectlKustomize(dir);
      if (c.expected === "") expect(k.ok).toBe(false);
      else expect(k.stdout).toBe(c.expected);
    });
  }
});
