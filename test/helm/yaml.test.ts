import { describe, expect, it } from "vitest";
import {
  formatFloat32G,
  rawToGo,
  readRawYaml,
  readRawYamlFull,
  readValuesDocuments,
  readYaml,
  splitYamlDocuments,
} from "../../src/helm/yaml.js";
import { goJson } from "./go-json.js";

// Expected JSON is what Helm 4.1.4 printed with `toJson .Values` for the same values file.
describe("readValuesDocuments (sigs.k8s.io/yaml over go-yaml v2)", () => {
  it.each([
    [
      "YAML 1.1 booleans",
      "b: [y, Y, yes, Yes, YES, n, NO, on, Off, true, False, \"yes\", 'on']",
      '{"b":[true,true,true,true,true,false,false,true,false,true,false,"yes","on"]}',
    ],
    ["nulls", "nl: [~, null, Null, NULL, ]", '{"nl":[null,null,null,null]}'],
    [
      "integers become float64",
      "i: [0x1F, 0o17, 017, 0b101, 1_000, -42, +7, 9223372036854775807, 18446744073709551615, 99999999999999999999]",
      '{"i":[31,15,15,5,1000,-42,7,9223372036854776000,18446744073709552000,100000000000000000000]}',
    ],
    [
      "floats",
      "f: [1.5, .5, 1e3, 1.0, -0.0, 1_000.5, 6.02e+23, 1e-7, 0.1]",
      '{"f":[1.5,0.5,1000,1,-0,1000.5,6.02e+23,1e-7,0.1]}',
    ],
    [
      "strings that look like other things",
      's: [1:20, 2001-12-14, 2001-12-14t21:59:43.10-05:00, 0x, 1e, .5e, 0b2, "0x10", ._5, 1__0]',
      '{"s":["1:20","2001-12-14","2001-12-14t21:59:43.10-05:00","0x","1e",".5e","0b2","0x10","._5",10]}',
    ],
    [
      "non-string keys",
      "k:\n  1: int\n  0x10: hex\n  1.5: float\n  0.1: f2\n  1e6: big\n  yes: yb\n  n: nb\n  ~x: tilde\n",
      '{"k":{"0.1":"f2","1":"int","1.5":"float","16":"hex","1e+06":"big","false":"nb","true":"yb","~x":"tilde"}}',
    ],
    [
      "merge keys in go-yaml v2 order",
      "base: &b {a: 1, b: 2}\nmerged:\n  a: 0\n  <<: *b\n  c: 3\nm2:\n  <<: [{x: 1}, {x: 2, z: 2}]\n",
      '{"base":{"a":1,"b":2},"m2":{"x":1,"z":2},"merged":{"a":1,"b":2,"c":3}}',
    ],
    ["duplicate keys: the last wins", "d:\n  k: 1\n  k: 2\n", '{"d":{"k":2}}'],
    ["folded scalars as the spec folds them", "f: >\n  a\n    b\n  c\n", '{"f":"a\\n  b\\nc\\n"}'],
    [
      "documents merge",
      "a: 1\nb: {x: 1}\n---\nb: {z: 2}\n--- # c\nc: 3\n",
      '{"a":1,"b":{"x":1,"z":2},"c":3}',
    ],
    ["empty documents", "---\n---\n", "{}"],
    // Helm 4.1.4: YAMLReader keeps a separator read before any content in that document, so the
    // BOM after it is no stream start; after a document, the next one starts past the separator.
    ["a BOM after a leading separator is content", "---\n\ufeffb: 2\n", '{"\ufeffb":2}'],
    [
      "a BOM after a separator that ends a document starts a stream",
      "x: 1\n---\n\ufeffb: 2\n",
      '{"b":2,"x":1}',
    ],
    ["a BOM at the start of the file starts a stream", "\ufeffb: 2\n", '{"b":2}'],
  ])("%s", (_, text, expected) => {
    expect(goJson(readValuesDocuments(text, "v.yaml"))).toBe(expected);
  });

  it("refuses NaN and infinities, as the JSON step does", () => {
    expect(() => readValuesDocuments("a: .inf\n", "v.yaml")).toThrow(/unsupported value: \+Inf/);
  });

  it("refuses a document that is not a map", () => {
    expect(() => readValuesDocuments("- a\n", "v.yaml")).toThrow(/cannot unmarshal array/);
  });

  it("reports the line of a syntax error in the whole stream", () => {
    try {
      readValuesDocuments("a: 1\n---\nb: [\n", "v.yaml");
      expect.unreachable();
    } catch (e) {
      expect((e as { file: string }).file).toBe("v.yaml");
      expect((e as { line: number }).line).toBeGreaterThanOrEqual(3);
    }
  });

  it("refuses a separator followed by content", () => {
    expect(() => splitYamlDocuments("a: 1\n--- b: 2\n")).toThrow(/invalid Yaml document separator/);
  });

  it("reads scalars and lists as fromYaml would", () => {
    expect(goJson(readYaml("- 1\n- on\n"))).toBe("[1,true]");
    expect(readYaml("")).toBe(null);
  });

  it("formats float keys as float32 'g'", () => {
    expect(formatFloat32G(0.1)).toBe("0.1");
    expect(formatFloat32G(1e6)).toBe("1e+06");
    expect(formatFloat32G(123456.7)).toBe("123456.7");
    expect(formatFloat32G(1.00000001)).toBe("1");
  });
});

// Expected messages are what Helm 4.1.4's fromYaml returned for the same text.
describe("YAML errors in go-yaml's words", () => {
  it.each([
    ["a: [unclosed", "yaml: line 1: did not find expected ',' or ']'"],
    ["a: {unclosed", "yaml: line 1: did not find expected ',' or '}'"],
    ["a: [1, 2\nb: 3", "yaml: line 1: did not find expected ',' or ']'"],
    ["kind: Broken\nkey: [unclosed", "yaml: line 2: did not find expected ',' or ']'"],
    // Unclosed where a node may start (after `[`, `{` or `,`, at the end of the input or document).
    ["a: [", "yaml: line 1: did not find expected node content"],
    ["a: {b: 1,", "yaml: line 1: did not find expected node content"],
    ["a: [1, # c", "yaml: line 1: did not find expected node content"],
    ["a: [1,\n  2,\n", "yaml: line 2: did not find expected node content"],
    ["x: 1\ny: 2\na: [\n\n", "yaml: line 4: did not find expected node content"],
    ["a: [1,\n# c\n", "yaml: line 2: did not find expected node content"],
    ["a: [\n---\n", "yaml: line 1: did not find expected node content"],
    ["a: [1, 2\nb: [", "yaml: line 1: did not find expected ',' or ']'"],
    ["a: [1\n---\nb: 2", "yaml: line 1: did not find expected ',' or ']'"],
    ["a: b: c", "yaml: mapping values are not allowed in this context"],
    ["key: value\n  extra: indented", "yaml: line 2: mapping values are not allowed in this context"],
    ["a:\n  - x\n  y: z", "yaml: line 2: did not find expected '-' indicator"],
    ["- a\nb: c", "yaml: line 1: did not find expected '-' indicator"],
    ["a: |\n  ok\n bad", "yaml: line 2: did not find expected key"],
    ["a: 'unterminated", "yaml: found unexpected end of stream"],
    ["a:\n\tb: 1", "yaml: line 2: found character that cannot start any token"],
    ["a: @foo", "yaml: found character that cannot start any token"],
    ["a: [1, 2]]", "yaml: did not find expected key"],
    ['a: "bad \\q escape"', "yaml: found unknown escape character"],
    ["a: *unknown", "yaml: unknown anchor 'unknown' referenced"],
    ["a: !!int foo", "yaml: cannot decode !!str `foo` as a !!int"],
  ])("%j", (text, message) => {
    expect(() => readYaml(text)).toThrow(message);
    try {
      readYaml(text);
    } catch (e) {
      expect((e as Error).message).toBe(message);
    }
  });
});

describe("block scalars at the end of the input (go-yaml v2, as fromYaml sees them)", () => {
  // Expected values are what Helm 4.1.4's fromYaml | toJson printed.
  it.each([
    ["a: |\n  x", '{"a":"x"}'],
    ["a: |+\n  x", '{"a":"x"}'],
    ["a: >\n  x\n  y", '{"a":"x y"}'],
    ["a: |\n  x\n\n", '{"a":"x\\n"}'],
    ["a: |+\n  x\n\n", '{"a":"x\\n\\n"}'],
    ["a: |\n  x\nb: 1", '{"a":"x\\n","b":1}'],
    ["a:\n  b: |\n    x", '{"a":{"b":"x"}}'],
    ["a: |\n  x\n ", '{"a":"x\\n"}'],
    ["a: |\n  x\n    ", '{"a":"x\\n  "}'],
  ])("%j", (text, json) => {
    expect(goJson(readYaml(text))).toBe(json);
    // the full path too (the fast reader takes these)
    expect(goJson(rawToGo(readRawYamlFull(text)))).toBe(json);
  });
});

describe("what go-yaml's scanner reads where the yaml package would fail or read otherwise", () => {
  // Expected values are what Helm 4.1.4's fromYaml | toJson printed (which writes U+2028 and
  // U+2029 as \u2028 and \u2029; goJson keeps them).
  it.each([
    ["a block scalar header at its key's indentation", "a:\n  b:\n  |\n    x\n", '{"a":{"b":"x\\n"}}'],
    [
      "flow collection lines as shallow as the block",
      "a: [b,\nc]\nd: {e: 1,\nf: 2}\n",
      '{"a":["b","c"],"d":{"e":1,"f":2}}',
    ],
    ["a quoted scalar closed at column 0", 'a: "x\n"\nb: 1\n', '{"a":"x ","b":1}'],
    [
      "U+2028 and U+0085 between tokens, U+2028 inside a scalar",
      'a: b\u2028c: d\u0085e: "f\u2028  g"\n',
      '{"a":"b","c":"d","e":"f\u2028g"}',
    ],
    [
      "U+2029 and U+2028 inside scalars",
      "a: 'x\u2029  y'\nb: |\n  z\u2028  w\n",
      '{"a":"x\u2029y","b":"z\u2028w\\n"}',
    ],
    [
      "U+2028 ending a kept block scalar, in a text a quoted scalar's repair re-reads",
      'data:\n  h: |+\n    i\u2028    j\u2028\u2028  motd: "first\nsecond"\n',
      '{"data":{"h":"i\u2028j\u2028\u2028","motd":"first second"}}',
    ],
    [
      "an indentation indicator keeps the blanks past it on lines of only blanks",
      "a: >1-\n     \nb: |1+\n    \n\nc:\n- |2\n     \n",
      '{"a":"    ","b":"   \\n\\n","c":["   \\n"]}',
    ],
  ])("%s", (_, text, json) => {
    expect(goJson(readYaml(text))).toBe(json);
  });
});

describe("readYaml reads the first document only (go-yaml v2 Unmarshal)", () => {
  it("ignores what follows ---, including an empty or broken second document", () => {
    expect(readYaml("a: 1\n---\n")).toEqual(readYaml("a: 1\n"));
    expect(readYaml("a: 1\n---\nb: [")).toEqual(readYaml("a: 1\n"));
    expect(readYaml("---\na: 1\n---\nb: 2\n")).toEqual(readYaml("a: 1\n"));
    expect(readYaml("# only a comment\n")).toBe(null);
  });
});

describe("collections nested beyond Slipway's limit", () => {
  // Composed recursively, ~1,000 levels exhausted the stack; inside V8's regexp compiler that
  // aborted the process (fromYaml of a chart file, a values file).
  it.each([
    ["flow sequences", `${"[".repeat(1000)}${"]".repeat(1000)}`],
    ["flow mappings", `${"{a: ".repeat(300)}1${"}".repeat(300)}`],
    ["under a key, on line 2", `k: v\nx: ${"[".repeat(5000)}${"]".repeat(5000)}`],
  ])("%s are one YAML error naming the line", (_, text) => {
    expect(() => readRawYaml(text, "values.yaml")).toThrow(
      /^yaml: line \d+: collections nested deeper than 256 levels/,
    );
  });

  it("256 levels still read", () => {
    expect(readRawYaml(`${"[".repeat(256)}${"]".repeat(256)}`)).toBeDefined();
  });
});
