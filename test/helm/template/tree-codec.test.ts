/**
 * The tree codec (src/helm/template/tree-codec.ts) against the parser: every template file of the
 * Helm conformance corpus, encoded, passed through JSON as the persistent cache stores it and
 * decoded, gives trees equal to the parser's (every field, every node's tree), and data that is
 * not an encoding is refused.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultFuncs } from "../../../src/helm/default-funcs.js";
import type { Node, Tree } from "../../../src/helm/template/node.js";
import { parseText } from "../../../src/helm/template/parse.js";
import { decodeTrees, encodeTrees, TreeDecodeError } from "../../../src/helm/template/tree-codec.js";
import { requires } from "../../support/env.js";
import { corpus } from "../corpus.js";

const funcs = defaultFuncs({});
const BUILTINS = [
  "and",
  "or",
  "not",
  "len",
  "index",
  "slice",
  "print",
  "printf",
  "println",
  "html",
  "js",
  "urlquery",
  "call",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
];
const hasFunction = (f: string) => funcs.has(f) || BUILTINS.includes(f);

const parse = (name: string, text: string) => parseText(name, text, { hasFunction });

/** JSON in between, as the cache stores bodies. */
const roundTrip = (trees: Map<string, Tree>, text: string) =>
  decodeTrees(JSON.parse(JSON.stringify(encodeTrees(trees))), text);

/** Every node of a tree belongs to it. */
function checkOwner(n: Node | null, tr: Tree): void {
  if (n === null) return;
  expect(n.tr).toBe(tr);
  for (const v of Object.values(n)) {
    if (Array.isArray(v))
      for (const x of v) if (x && typeof x === "object" && "type" in x) checkOwner(x as Node, tr);
    if (v && typeof v === "object" && "type" in v && v !== tr) checkOwner(v as Node, tr);
  }
}

function templateFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const abs = path.join(dir, e);
    if (statSync(abs).isDirectory()) templateFiles(abs, out);
    else if (abs.includes(`${path.sep}templates${path.sep}`)) out.push(abs);
  }
  return out;
}

describe("tree codec", () => {
  it.each([
    [
      "numbers",
      "{{ -0.0 }} {{ 1e308 }} {{ 0xFFFFFFFFFFFFFFFF }} {{ -9223372036854775808 }} {{ 1i }} {{ 'a' }} {{ 0x1p-2 }}",
    ],
    [
      "control",
      '{{ define "d" }}{{ range $i, $e := .L }}{{ if $e }}{{ break }}{{ else }}{{ continue }}{{ end }}{{ end }}{{ end }}{{ template "d" . }}',
    ],
    ["with else with", "{{ with .A }}a{{ else with .B }}b{{ else }}c{{ end }}"],
    [
      "chains and pipes",
      '{{ $x := (index .M "a").B.C | default "z" }}{{ $x = nil | default 1 }}{{ (.X).Y }}{{ true }}{{/* c */}}',
    ],
    ["trimmed text", 'a  \n{{- .A -}}\n  b {{ block "blk" . }}body{{ end }}'],
  ])("%s: decode(encode(parse)) equals the parse", (_, text) => {
    const trees = parse("t", text);
    const decoded = roundTrip(trees, text);
    expect(decoded).toEqual(trees);
    expect([...decoded.keys()]).toEqual([...trees.keys()]);
    for (const tree of decoded.values()) checkOwner(tree.root, tree);
  });

  it("keeps -0, NaN-free floats and 64-bit integers exactly", () => {
    const text = "{{ -0.0 }}{{ 18446744073709551615 }}";
    const decoded = roundTrip(parse("t", text), text);
    const nodes = decoded
      .get("t")!
      .root.nodes.map((n) => (n.type === "action" ? n.pipe.cmds[0]!.args[0] : n));
    expect(Object.is((nodes[0] as { float64: number }).float64, -0)).toBe(true);
    expect((nodes[1] as { uint64: bigint }).uint64).toBe(18446744073709551615n);
  });

  it.each([
    ["not a list", {}],
    ["bad tree", [["t"]]],
    ["unknown kind", [["t", "t", "{{", "}}", [99, 0]]]],
    ["root not a list", [["t", "t", "{{", "}}", [8, 0]]]],
    ["text beyond the file", [["t", "t", "{{", "}}", [0, 0, [[1, 0, 1000]]]]]],
    [
      "bad integer",
      [
        [
          "t",
          "t",
          "{{",
          "}}",
          [0, 0, [[3, 0, 1, [4, 0, 1, 0, [], [[5, 0, [[13, 0, "1", 1, "1x", "0", 1, 0, 0]]]]]]]],
        ],
      ],
    ],
  ])("refuses %s", (_, data) => {
    expect(() => decodeTrees(data, "short")).toThrow(TreeDecodeError);
  });

  it.runIf(requires("shared"))("round-trips every template file of the conformance corpus", () => {
    let files = 0;
    for (const group of ["templates", "cases", "charts"]) {
      for (const file of templateFiles(path.join(corpus, group))) {
        const text = readFileSync(file, "utf8");
        let trees: Map<string, Tree>;
        try {
          trees = parse(file, text);
        } catch {
          continue; // the corpus's parse-error cases
        }
        const decoded = roundTrip(trees, text);
        expect(decoded, file).toEqual(trees);
        for (const tree of decoded.values()) checkOwner(tree.root, tree);
        files++;
      }
    }
    expect(files).toBeGreaterThan(1000);
  });
});
