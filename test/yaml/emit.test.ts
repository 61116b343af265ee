import { describe, expect, it } from "vitest";
import { SlipwayError } from "../../src/errors.js";
import { emitYaml, emitYamlStream, formatNumber } from "../../src/yaml/index.js";

// Expected strings below were printed by kubectl kustomize v5.5.0 (kubectl v1.32.4).
describe("emitYaml", () => {
  it.each([
    ["yes", '"yes"'],
    ["n", '"n"'],
    ["on", '"on"'],
    ["1.0", '"1.0"'],
    ["0x1", '"0x1"'],
    ["0o17", '"0o17"'],
    ["1:20", '"1:20"'],
    ["2001-12-14", '"2001-12-14"'],
    ["2001-12-14T21:59:43", "2001-12-14T21:59:43"],
    ["~", '"~"'],
    ["", '""'],
    ["<<", "<<"],
    ["- a", "'- a'"],
    ["a: b", "'a: b'"],
    ["a #b", "'a #b'"],
    ["a#b", "a#b"],
    [" a", "' a'"],
    ["'a", "'''a'"],
    ["-a", "-a"],
    [":a", ":a"],
    ["a:", "'a:'"],
    ["@a", "'@a'"],
    ["---", "'---'"],
    ["a\tb", '"a\\tb"'],
    ["😀 x", '"\\U0001F600 x"'],
    ["\ufeffa", '"\\uFEFF\\x61"'],
    ["a\u0085b", "a b"],
    ["a\u00a0b", "a\u00a0b"],
    ["a\0b", '"a\\0b"'],
  ])("%j", (input, expected) => {
    expect(emitYaml({ k: input })).toBe(`k: ${expected}\n`);
  });

  it("uses literal blocks with the right chomping and indentation hints", () => {
    expect(emitYaml({ a: "x\ny\n", b: "x\ny", c: "a\n\nb\n\n", d: " a\nb", e: "\na", f: "a \nb" })).toBe(
      'a: |\n  x\n  y\nb: |-\n  x\n  y\nc: |+\n  a\n\n  b\n\nd: |2-\n   a\n  b\ne: |2-\n\n  a\nf: "a \\nb"\n',
    );
  });

  it("folds long scalars past column 80", () => {
    const long = "aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee fffffffff ggggggggg hhhhhhhhh iiiiiiiii";
    expect(emitYaml({ spec: { long } })).toBe(
      "spec:\n  long: aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee fffffffff ggggggggg hhhhhhhhh\n    iiiiiiiii\n",
    );
  });

  it("lays out sequences, empty collections and complex keys like go-yaml v2", () => {
    expect(emitYaml({ a: [[], {}, ["x", ["y"]], { k: [1] }], "m\nk": 1, e: {}, n: null })).toBe(
      'a:\n- []\n- {}\n- - x\n  - - "y"\n- k:\n  - 1\ne: {}\n? |-\n  m\n  k\n: 1\n"n": null\n',
    );
  });

  it("joins documents with ---", () => {
    expect(emitYamlStream([{ a: 1 }, { b: 2 }])).toBe("a: 1\n---\nb: 2\n");
  });

  it("refuses what kubectl refuses", () => {
    expect(() => emitYaml({ a: "x\u007f" })).toThrow(SlipwayError);
    expect(() => emitYaml({ a: Number.POSITIVE_INFINITY })).toThrow(/unsupported value/);
    expect(() => emitYaml({ "a\u0085b": 1 })).toThrow(SlipwayError);
  });
});

describe("numbers", () => {
  it.each([
    [1, "1"],
    [1e20, "1e+20"],
    [1234567.5, "1.2345675e+06"],
    [123456.5, "123456.5"],
    [1e-5, "1e-05"],
    [0.0001, "0.0001"],
    [1e19, "10000000000000000000"],
    [2 ** 63, "9223372036854776000"],
    [-(2 ** 63), "-9.223372036854776e+18"],
    [-0, "0"],
    [1e21, "1e+21"],
    [9007199254740993n, "9007199254740993"],
    [2n ** 64n, "1.8446744073709552e+19"],
  ])("%s", (n, expected) => {
    expect(formatNumber(n)).toBe(expected);
  });
});
