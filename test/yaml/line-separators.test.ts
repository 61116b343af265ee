import { describe, expect, it } from "vitest";
import { goBlockScalarValue, goFlowScalarValue } from "../../src/yaml/line-separators.js";

// go-yaml's values, as kubectl kustomize prints them (test/kustomize/yaml-streams.test.ts builds
// some of these against kubectl).
describe("LS and PS inside a scalar, as go-yaml reads them", () => {
  it.each([
    ["a\u2028    b", "PLAIN", "a\u2028b"],
    ["a  \u2028  b", "PLAIN", "a\u2028b"],
    ["a\n  b", "PLAIN", "a b"],
    ['"a\u2028 b"', "QUOTE_DOUBLE", "a\u2028b"],
    ['"a\u2028\n  b"', "QUOTE_DOUBLE", "a\u2028\nb"],
    ['"a\n\u2028  b"', "QUOTE_DOUBLE", "a\u2028b"],
    ['"a\\\u2028  b"', "QUOTE_DOUBLE", "ab"],
    ['"\\x41\\u00e9\\t\u2029b"', "QUOTE_DOUBLE", "Aé\t\u2029b"],
    ["'it''s \u2029  x'", "QUOTE_SINGLE", "it's\u2029x"],
  ] as const)("%j (%s)", (source, style, value) => {
    expect(goFlowScalarValue(source, style)).toBe(value);
  });

  it.each([
    ["|\n  x\u2028  y\n  z\n", 2, "x\u2028y\nz\n"],
    [">\n  x\u2028  y\n  z\n", 2, "x\u2028y z\n"],
    [">\n  x\n  y\u2028  z\n\n  w\n", 2, "x y\u2028z\nw\n"],
    ["|-\n  x\u2028\n  y\u2029\n", 2, "x\u2028\ny"],
    ["|+\n  x\u2028\u2028\n\n", 2, "x\u2028\u2028\n\n"],
    ["|\u2028  x\n", 2, "x\n"],
    ["|\n  x\n      ", 2, "x\n    "],
  ] as const)("%j (indentation %i)", (source, indent, value) => {
    expect(goBlockScalarValue(source, indent)).toBe(value);
  });
});
