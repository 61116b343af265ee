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

/**
 * Two BOMs at the start of a stream: go-yaml drops the first and then, while its read buffer
 * starts with the second, skips the first character of each line it starts a token on
 * (src/yaml/bom.ts). kubectl fails these files or reads another, by where its reads fall; Slipway
 * refuses each with one error naming the file and the document's line.
 */
const twoBoms: Array<[string, Record<string, string>, string]> = [
  ["a resource file", { "kustomization.yaml": KS, "cm.yaml": BOM + BOM + cm("a") }, "/k/cm.yaml:1"],
  [
    "the second document of a resource file",
    { "kustomization.yaml": KS, "cm.yaml": `${cm("a")}---\n${BOM}${BOM}${cm("b")}` },
    "/k/cm.yaml:6",
  ],
  [
    "a document after a separator with a comment, CR-LF",
    { "kustomization.yaml": KS, "cm.yaml": `${cm("a", "\r\n")}--- # c\r\n${BOM}${BOM}${cm("b", "\r\n")}` },
    "/k/cm.yaml:6",
  ],
  [
    "the kustomization file",
    { "kustomization.yaml": `${BOM}${BOM}resources:\n- cm.yaml\n`, "cm.yaml": cm("a") },
    "/k/kustomization.yaml:1",
  ],
];
// kubectl builds this one as written: only the first line is read before the skipped characters.
const oneLine = `${BOM}${BOM}{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}\n`;

describe("two byte order marks", () => {
  it.each([
    ...twoBoms,
    ["a one-line flow mapping", { "kustomization.yaml": KS, "cm.yaml": oneLine }, "/k/cm.yaml:1"] as const,
  ])("at the start of %s are refused, naming the file", (_, files, place) => {
    const fs = new MemoryFileSystem(
      Object.fromEntries(Object.entries(files).map(([p, t]) => [`/k/${p}`, t])),
    );
    expect(() => buildYaml("/k", { fs })).toThrow(/starts with two byte order marks/);
    try {
      buildYaml("/k", { fs });
    } catch (e) {
      expect(String((e as Error & { format?: () => string }).format?.() ?? e)).toContain(place);
    }
  });
});

describe.runIf(requires("kubectl"))("two byte order marks, against kubectl", () => {
  it.each(twoBoms)("at the start of %s fail kubectl too", async (_, files) => {
    expect((await kubectlKustomize(tempTree(files))).ok).toBe(false);
  });
});
