/**
 * The tree codec (src/helm/template/tree-codec.ts) against the parser: every template file of the
 * Helm conformance corpus, encoded to bytes and decoded, gives trees equal to the parser's (every
 * field, every node's tree), and data that is not an encoding (hand-made, truncated, or a valid
 * encoding with a word changed) is refused with TreeDecodeError or decodes, never anything else.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultFuncs } from "../../../src/helm/default-funcs.js";
import type { BranchNode, Node, Tree } from "../../../src/helm/template/node.js";
import { parseText } from "../../../src/helm/template/parse.js";
import { decodeParses, encodeParses, TreeDecodeError } from "../../../src/helm/template/tree-codec.js";
import { requires } from "../../support/env.js";
import { corpus, templateFiles } from "../corpus.js";

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

/**
 * Decoded trees as plain objects, every body decoded later (a LazyListNode, whose `nodes` is a
 * getter that toEqual and Object.values do not see) read: the same graph, trees shared.
 */
function plain<T>(x: T, seen = new Map<object, unknown>()): T {
  if (x === null || typeof x !== "object") return x;
  const known = seen.get(x);
  if (known !== undefined) return known as T;
  if (x instanceof Map) {
    const out = new Map();
    seen.set(x, out);
    for (const [k, v] of x) out.set(k, plain(v, seen));
    return out as T;
  }
  if (Array.isArray(x)) {
    const out: unknown[] = [];
    seen.set(x, out);
    for (const v of x) out.push(plain(v, seen));
    return out as T;
  }
  const out: Record<string, unknown> = {};
  seen.set(x, out);
  const src = x as Record<string, unknown>;
  const keys = Object.keys(src).filter(
    (k) => k !== "source" && k !== "start" && k !== "end" && k !== "count" && k !== "decoded",
  );
  if (src.type === "list") keys.push("nodes");
  for (const k of keys) out[k] = plain(src[k], seen);
  return out as T;
}

/** Through bytes, as the cache stores them (a copy at an odd offset, as a Buffer from a pool may sit). */
function roundTrip(trees: Map<string, Tree>, text: string, functions: string[] = []): Map<string, Tree> {
  const bytes = encodeParses([{ trees, functions }])!;
  const shifted = new Uint8Array(bytes.length + 1).subarray(1);
  shifted.set(bytes);
  const [decoded] = decodeParses(shifted, [text]);
  expect(decoded!.functions).toEqual(functions);
  return plain(decoded!.trees);
}

/** Bytes of a hand-made encoding: MAGIC, the string table, then `words`. */
function handMade(table: string[], words: number[], magic = 0x535e0304): Uint8Array {
  const json = Buffer.from(JSON.stringify(table));
  const padded = (json.length + 3) & ~3;
  const out = new Uint8Array(8 + padded + words.length * 4);
  new Int32Array(out.buffer, 0, 2).set([magic, json.length]);
  out.set(json, 8);
  new Int32Array(out.buffer, 8 + padded).set(words);
  return out;
}

/** Node words: [kind | pos << 5, …] (pos 0 here); LIST 0 (count, words of the items, items), TEXT 1, ACTION 3, PIPE 4, COMMAND 5, DOT 8, NUMBER 13, STRING 14. */
// 1 parse, no functions, 1 tree "t" (delimiters "{{" "}}", nesting 0 bytes)
const oneTree = (root: number[]) => [1, 0, 1, 0, 0, 1, 2, 0, ...root];

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
    // Kept as slices of the text (the inside of the quotes, or an unquoted text from the table).
    [
      "string literals",
      '{{ "plain" }}{{ `raw {"a": 1}` }}{{ "esc\\n\\"q\\"" }}{{ `cr\r\nlf` }}{{ "" }}{{ `` }}',
    ],
  ])("%s: decode(encode(parse)) equals the parse", (_, text) => {
    const trees = parse("t", text);
    const decoded = roundTrip(trees, text);
    expect(decoded).toEqual(trees);
    expect([...decoded.keys()]).toEqual([...trees.keys()]);
    for (const tree of decoded.values()) checkOwner(tree.root, tree);
  });

  it("keeps string literals out of the string table when they are the text's own", () => {
    const dashboard = `{"panels": [${'{"x": 1}, '.repeat(200)}]}`;
    const text = `{{ \`${dashboard}\` }}{{ "a\\tb" }}`;
    const bytes = encodeParses([{ trees: parse("t", text), functions: [] }])!;
    const tableBytes = new Int32Array(bytes.buffer, bytes.byteOffset, 2)[1]!;
    expect(tableBytes).toBeLessThan(100);
    expect(roundTrip(parse("t", text), text)).toEqual(parse("t", text));
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

  it("the hand-made encoding reads (so the refusals below refuse what they say)", () => {
    const [parse] = decodeParses(handMade(["t", "{{", "}}"], oneTree([0, 1, 3, 1, 0, 5])), ["short"]);
    expect(parse!.trees.get("t")!.root.nodes[0]).toMatchObject({ type: "text", text: "short" });
  });

  const table = ["t", "{{", "}}", "1", "1x", "0"];
  const numberIn = (int64: number) => [
    ...[0, 1, 17], // a list of one node, in 17 words
    ...[3, 1], // an action on line 1
    ...[4, 1, 0, 0, 1], // its pipeline: line 1, no assignment, no declarations, one command
    ...[5, 1], // a command of one argument
    ...[13, 3, 1, int64, 5, 3, 3, 3], // the number "1": an int, int64 from the table, uint64 "0", floats "1"
  ];
  it.each([
    ["no bytes", new Uint8Array(0)],
    ["a length not a multiple of 4", new Uint8Array(13)],
    ["the other byte order", handMade(table, oneTree([0, 0, 0]), 0x04035e53)],
    ["a string table past the end", new Uint8Array(new Int32Array([0x535e0304, 1000]).buffer)],
    ["a string table that is not JSON", handMade(["x"], []).fill(0x7b, 8, 12)],
    ["unknown kind", handMade(table, oneTree([31]))],
    ["root not a list", handMade(table, oneTree([8]))],
    ["a negative position", handMade(table, oneTree([0, 1, 1, -1]))],
    ["text beyond the file", handMade(table, oneTree([0, 1, 3, 1, 0, 1000]))],
    ["a bad text form", handMade(table, oneTree([0, 1, 3, 1, 7, 1]))],
    ["a string index past the table", handMade(table, oneTree([0, 1, 2, 2, 99]))],
    ["a negative string index", handMade(table, oneTree([0, 1, 2, 2, -1]))],
    ["a count past the end", handMade(table, oneTree([0, 1_000_000, 0]))],
    ["an extent past the end", handMade(table, oneTree([0, 1, 1_000, 2, 1]))],
    ["items that do not take the extent", handMade(table, oneTree([0, 1, 3, 2, 1, 0]))],
    ["a negative count", handMade(table, oneTree([0, -1, 0]))],
    ["a bad integer", handMade(table, oneTree(numberIn(4)))],
    ["a bad string form", handMade(table, oneTree([0, 1, 2, 14, 7]))],
    ["a string beyond the file", handMade(table, oneTree([0, 1, 3, 14, 1, 1000]))],
    ["a string shorter than its quotes", handMade(table, oneTree([0, 1, 3, 14, 1, 1]))],
    ["a negative nesting", handMade(table, [1, 0, 1, 0, 0, 1, 2, -840, 0, 0, 0])],
    ["data after the last parse", handMade(table, [...oneTree([0, 0, 0]), 0])],
    ["more parses than texts", handMade(table, [2, 0, 0, 0, 0])],
  ])("refuses %s", (_, bytes) => {
    // At once, or (inside a root or a body, decoded later) when the trees are read.
    expect(() => plain(decodeParses(bytes, ["short"]))).toThrow(TreeDecodeError);
  });

  it("refuses nodes nested deeper than it reads, without overflowing the stack", () => {
    // 60,000 nested single-command pipelines (parentheses): PIPE, COMMAND, PIPE, …
    const depth = 60_000;
    const words = [0, 1, 0, 3, 1];
    for (let i = 0; i < depth; i++) words.push(4, 1, 0, 0, 1, 5, 1);
    words.push(8);
    words[2] = words.length - 3;
    expect(() => plain(decodeParses(handMade(table, oneTree(words)), ["short"]))).toThrow(TreeDecodeError);
  });

  it("does not encode trees nested deeper than it decodes (they are parsed in every run)", () => {
    const deep = (n: number) => `{{ ${"(".repeat(n)}1${")".repeat(n)} }}`;
    expect(encodeParses([{ trees: parse("t", deep(500)), functions: [] }])).toBeDefined();
    expect(encodeParses([{ trees: parse("t", deep(3_000)), functions: [] }])).toBeUndefined();
  });

  it("decodes a tree's root when it is first read, once: a tree never executed is never decoded", () => {
    const text = '{{ define "unused" }}{{ .X }}{{ end }}a{{ .B }}';
    const bytes = encodeParses([{ trees: parse("t", text), functions: [] }])!;
    const [decoded] = decodeParses(bytes, [text]);
    const root = decoded!.trees.get("unused")!.root;
    expect(root.constructor.name).toBe("LazyListNode");
    expect((root as unknown as { decoded: unknown }).decoded).toBeUndefined();
    expect(root.nodes).toBe(root.nodes);
    expect((root as unknown as { decoded: unknown }).decoded).toBe(root.nodes);
    expect(plain(decoded!.trees)).toEqual(parse("t", text));
  });

  it("decodes the body of an if, range or with when it is first read, once", () => {
    const text = "{{ if .A }}a{{ .B }}{{ else }}{{ range .L }}c{{ end }}{{ end }}";
    const bytes = encodeParses([{ trees: parse("t", text), functions: [] }])!;
    const [decoded] = decodeParses(bytes, [text]);
    const branch = decoded!.trees.get("t")!.root.nodes[0] as BranchNode;
    expect(branch.list.constructor.name).toBe("LazyListNode");
    expect(branch.list.nodes).toBe(branch.list.nodes);
    expect(branch.list.nodes.map((n) => n.type)).toEqual(["text", "action"]);
    expect((branch.elseList!.nodes[0] as BranchNode).list.nodes[0]).toMatchObject({
      type: "text",
      text: "c",
    });
    expect(plain(decoded!.trees)).toEqual(parse("t", text));
  });

  it("every truncation and every changed word of an encoding is refused or decodes; nothing else", () => {
    const text =
      '{{ define "d" }}{{ range $i, $e := .L }}{{ if $e }}{{ 1.5 | printf "%v" }}{{ end }}{{ end }}{{ end }}' +
      '{{ template "d" . }}{{ with .A }}a{{ else }}{{ (index .M "a").B | default nil }}{{ end }}';
    const bytes = encodeParses([{ trees: parse("t", text), functions: ["printf", "default"] }])!;
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    const tryDecode = (b: Uint8Array) => {
      try {
        // Every body read: a body decoded later throws only TreeDecodeError too.
        plain(decodeParses(b, [text]));
      } catch (e) {
        if (!(e instanceof TreeDecodeError)) throw e;
      }
    };
    for (let cut = 0; cut < bytes.length; cut += 4)
      expect(() => decodeParses(bytes.slice(0, cut), [text]), `cut at ${cut}`).toThrow(TreeDecodeError);
    for (let i = 0; i < words.length; i++) {
      for (const value of [0, 1, 2, -1, 0x7fffffff, words[i]! + 1, words[i]! - 1]) {
        const changed = bytes.slice();
        new Int32Array(changed.buffer)[i] = value;
        tryDecode(changed);
      }
    }
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
