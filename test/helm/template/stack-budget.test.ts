/**
 * The executor charges each tree's nesting to the stack budget before running it. The parser
 * records it as it parses; trees read back from the persisted parse cache are walked instead.
 * Both must agree (the parser may count a {{block}} body once more), or a cached tree would
 * run deeper than its charge.
 */
import { describe, expect, it } from "vitest";
import type { Tree } from "../../../src/helm/template/node.js";
import { parseText } from "../../../src/helm/template/parse.js";
import { LEVEL_BYTES, nestingBytes, stackSizeKb } from "../../../src/helm/template/stack-budget.js";

const parse = (text: string) => parseText("t", text, { hasFunction: () => true });

describe("tree nesting charged to the stack budget", () => {
  const texts = [
    "plain text",
    "{{ .a }}",
    "{{ f (g (h 1)) }}",
    "{{ if 1 }}{{ if 2 }}{{ with 3 }}x{{ end }}{{ end }}{{ end }}",
    "{{ if 0 }}a{{ else if 1 }}b{{ else if (f (g 2)) }}c{{ else }}d{{ end }}",
    "{{ range $i, $v := . }}{{ if (f $v) }}{{ (g (h $i)) }}{{ end }}{{ else }}none{{ end }}",
    '{{ define "d" }}{{ if 1 }}{{ if 2 }}{{ (f 1) }}{{ end }}{{ end }}{{ end }}{{ template "d" (f (g 1)) }}',
    '{{ if 1 }}{{ block "b" . }}{{ with . }}{{ (f .) }}{{ end }}{{ end }}{{ end }}',
    `${"{{ if 1 }}".repeat(40)}{{ ${"(f ".repeat(20)}1${")".repeat(20)} }}${"{{ end }}".repeat(40)}`,
  ];
  it("is recorded by the parser for every tree, never below the walk of a cached tree", () => {
    for (const text of texts) {
      for (const tree of parse(text).values()) {
        expect(tree.nestingBytes % LEVEL_BYTES).toBe(0);
        const walked = nestingBytes({ ...tree, nestingBytes: -1 } as Tree);
        expect(tree.nestingBytes).toBeGreaterThanOrEqual(walked);
        expect(tree.nestingBytes - walked).toBeLessThanOrEqual(LEVEL_BYTES);
      }
    }
    const deep = parse(texts[texts.length - 1]!).get("t")!;
    expect(deep.nestingBytes).toBe(60 * LEVEL_BYTES);
  });
  it("reads node's --stack-size (vitest runs with 3900)", () => {
    expect(stackSizeKb()).toBe(3900);
  });
});
