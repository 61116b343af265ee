/**
 * A UTF-8 byte order mark at the start of the files a kustomize build reads (src/yaml/bom.ts):
 * go-yaml drops one at the start of a stream only, kyaml reads each document of a resource
 * file as a stream of its own, and anywhere else it is content (a key that starts with it is
 * another key). Each row is built by `kubectl kustomize` (the oracle) and by Slipway: the same
 * outcome, the same bytes, and kubectl's words where Slipway claims them.
 */
import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { quote as goQuote } from "../../src/helm/template/quote.js";
import { buildYaml } from "../../src/kustomize/build.js";
import { parseYaml } from "../../src/yaml/index.js";
import { tempTree } from "../support/cli.js";
import { requires } from "../support/env.js";
import { kubectlKustomize } from "../support/kubectl.js";

const BOM = "\ufeff";
const cm = (name: string, nl = "\n") =>
  ["apiVersion: v1", "kind: ConfigMap", "metadata:", `  name: ${name}`, ""].join(nl);
const KS = "resources: [cm.yaml]\n";

type Row = [string, Record<string, string>, { yaml: string } | { error: string }];

const rows: Row[] = [
  ["a resource file", { "kustomization.yaml": KS, "cm.yaml": BOM + cm("a") }, { yaml: cm("a") }],
  ["the kustomization file", { "kustomization.yaml": BOM + KS, "cm.yaml": cm("a") }, { yaml: cm("a") }],
  [
    "a kustomization file holding a sequence",
    { "kustomization.yaml": `${BOM}- resources\n` },
    {
      error: "invalid Kustomization: json: cannot unmarshal array into Go value of type types.Kustomization",
    },
  ],
  [
    "the kustomization file after a leading document start (content there)",
    { "kustomization.yaml": `---\n${BOM}resources:\n- cm.yaml\n`, "cm.yaml": cm("a") },
    // Go's %q: the BOM is no printable character.
    { error: 'invalid Kustomization: json: unknown field "\\ufeffresources"' },
  ],
  [
    "unknown fields with unprintable characters (the first in Go's sorted key order is named)",
    { "kustomization.yaml": 'resources: [cm.yaml]\nfoo\tbar: 1\n"a\\u00e9\\u0001": 1\n', "cm.yaml": cm("a") },
    { error: 'invalid Kustomization: json: unknown field "a\u00e9\\x01"' },
  ],
  [
    "a JSON 6902 patch in YAML (a top-level sequence)",
    {
      "kustomization.yaml": `${KS}patches:\n- path: p.yaml\n  target: {kind: ConfigMap}\n`,
      "cm.yaml": cm("a"),
      "p.yaml": `${BOM}- op: add\n  path: /data\n  value: {z: "3"}\n`,
    },
    { yaml: `apiVersion: v1\ndata:\n  z: "3"\nkind: ConfigMap\nmetadata:\n  name: a\n` },
  ],
  [
    "the second document of a resource file",
    { "kustomization.yaml": KS, "cm.yaml": `${cm("a")}---\n${BOM}${cm("b")}` },
    { yaml: `${cm("a")}---\n${cm("b")}` },
  ],
  [
    "a document after a separator with a comment, CR-LF",
    { "kustomization.yaml": KS, "cm.yaml": `${cm("a", "\r\n")}--- # c\r\n${BOM}${cm("b", "\r\n")}` },
    { yaml: `${cm("a")}---\n${cm("b")}` },
  ],
  [
    "a resource file after a leading document start (content there)",
    { "kustomization.yaml": KS, "cm.yaml": `---\n${BOM}${cm("a")}` },
    {
      yaml: `"\\uFEFF\\x61\\x70\\x69\\x56\\x65\\x72\\x73\\x69\\x6F\\x6E": v1\nkind: ConfigMap\nmetadata:\n  name: a\n`,
    },
  ],
  [
    "a line inside a document (content there)",
    { "kustomization.yaml": KS, "cm.yaml": `${cm("a")}${BOM}data:\n  x: y\n` },
    {
      yaml: `"\\uFEFF\\x64\\x61\\x74\\x61":\n  x: "y"\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n`,
    },
  ],
];

describe("a byte order mark", () => {
  it("before a top-level sequence is no content", () => {
    expect(parseYaml(`${BOM}- a`, "f")).toEqual(["a"]);
  });

  it.each(rows)("%s", (_, files, expected) => {
    const fs = new MemoryFileSystem(
      Object.fromEntries(Object.entries(files).map(([p, t]) => [`/k/${p}`, t])),
    );
    if ("yaml" in expected) expect(buildYaml("/k", { fs })).toBe(expected.yaml);
    else expect(() => buildYaml("/k", { fs })).toThrow(expected.error);
  });
});

describe.runIf(requires("kubectl"))("a byte order mark, against kubectl", () => {
  it.each(rows)("%s", async (_, files, expected) => {
    const r = await kubectlKustomize(tempTree(files));
    if ("yaml" in expected) expect(r).toMatchObject({ ok: true, stdout: expected.yaml });
    // klog prints the error %q-quoted once more.
    else
      expect({ ok: r.ok, has: r.stderr.includes(goQuote(expected.error).slice(1, -1)) }).toEqual({
        ok: false,
        has: true,
      });
  });
});
