import { describe, expect, it } from "vitest";
import { parseYaml } from "../../src/yaml/index.js";

/** Values kubectl (kustomize v5.5.0) prints for these inputs, observed with kubectl 1.32. */
describe("block scalars as kustomize reads them", () => {
  it.each([
    ["literal at end of file without a line break", "x: |\n  a\n  b", "a\nb"],
    ["keep chomping at end of file without a line break", "x: |+\n  a\n  b", "a\nb"],
    ["folded at end of file without a line break", "x: >\n  a\n  b", "a b"],
    ["literal with a final line break", "x: |\n  a\n  b\n", "a\nb\n"],
    ["a last line of spaces only still ends the content line", "x: |\n  a\n  ", "a\n"],
    [
      "folded, more-indented line: go-yaml v3's writer adds an empty line",
      "x: >-\n  a\n    b\n  c\n",
      "a\n\n  b\nc",
    ],
    [
      "... not when a line ends in spaces (written double-quoted)",
      "x: >-\n  a\n    b  \n  c\n",
      "a\n  b  \nc",
    ],
    ["... not when the value ends in spaces", "x: >-\n  a\n    b\n  c  \n", "a\n  b\nc  "],
    ["a value starting with a blank folds its kept line breaks", "x: >2-\n   a\n  b\n\n  c\n", " a\nb c"],
    ["keep chomping gains the writer's empty line", "x: >+\n  a\n\ny: z\n", "a\n\n\n"],
    ["a leading empty line survives", "x: >-\n\n  a\n  b\n", "\na b"],
    ["a tab inside a more-indented line", "x: >-\n  a\n  \t b\n  c\n", "a\n\n\t b\nc"],
  ])("%s", (_, text, value) => {
    expect((parseYaml(text, "t.yaml") as Record<string, unknown>).x).toBe(value);
  });

  it.each([
    ["a tab where the indentation is detected", "x: |\n  \tabc\n"],
    ["a value that starts with a tab cannot be written back", "x: |2\n  \tabc\n  d\n"],
    ["a tab after an empty first line", "x: >\n\n  \tabc\n"],
  ])("rejects %s, as kubectl does", (_, text) => {
    expect(() => parseYaml(text, "t.yaml")).toThrow(
      "found a tab character where an indentation space is expected",
    );
  });
});
