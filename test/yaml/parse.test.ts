import { describe, expect, it } from "vitest";
import { SlipwayError } from "../../src/errors.js";
import {
  emitYaml,
  parseYaml,
  parseYamlDocuments,
  parseYamlDocumentsWithPositions,
  toJsonCompatible,
} from "../../src/yaml/index.js";

function value(scalar: string): unknown {
  return (parseYaml(`v: ${scalar}\n`, "t.yaml") as { v: unknown }).v;
}

function errorOf(text: string): SlipwayError {
  try {
    parseYamlDocuments(text, "res.yaml");
  } catch (err) {
    if (err instanceof SlipwayError) return err;
    throw err;
  }
  throw new Error("expected an error");
}

describe("scalar resolution (go-yaml v3, then the JSON round trip)", () => {
  it.each([
    ["true", true],
    ["True", true],
    ["FALSE", false],
    ["yes", "yes"],
    ["on", "on"],
    ["~", null],
    ["null", null],
    ["", null],
    ["0x1F", 31],
    ["0o17", 15],
    ["0777", 511],
    ["0b101", 5],
    ["-0b11", -3],
    ["1_000", 1000],
    ["08", 8],
    ["+.5", 0.5],
    [".5_5", 0.55],
    ["1e400", "1e400"],
    ["0x", "0x"],
    ["1:20", "1:20"],
    ["9007199254740993", 9007199254740993n],
    ["18446744073709551615", 18446744073709551615n],
    ["2001-12-14", "2001-12-14T00:00:00Z"],
    ["2001-12-14 21:59:43.10", "2001-12-14T21:59:43.1Z"],
    ["2001-12-14t21:59:43.1000-05:00", "2001-12-14T21:59:43.1-05:00"],
    ["2001-02-30", "2001-02-30"],
    ["2001-12-14T21:59:43", "2001-12-14T21:59:43"],
    ['"1"', "1"],
    ["'true'", "true"],
    ["!!str 1", "1"],
    ["!!int '12'", 12],
    ["!!float 1", 1],
    ["!!binary aGVsbG8=", "hello"],
    ["!custom x", "x"],
    ["!!timestamp 2001-12-14", "2001-12-14T00:00:00Z"],
    ["<<", "<<"],
  ])("%s", (src, expected) => {
    expect(value(src)).toEqual(expected);
  });

  it("keeps flow-collection quirks of kustomize's re-emission", () => {
    expect(parseYaml("a: {x: , y: 2001-12-14 1:2:3, z: 2001-12-14}\n", "t")).toEqual({
      a: { x: "", y: "2001-12-14 1:2:3", z: "2001-12-14T00:00:00Z" },
    });
  });

  it("gives top-level non-string keys their text and expands anchors, aliases and merges", () => {
    const doc = parseYaml(
      "1: a\ntrue: b\nbase: &b {x: 1, y: 2}\nm:\n  <<: [*b, {z: 3, x: 9}]\n  y: 5\n",
      "t",
    );
    expect(doc).toEqual({ 1: "a", true: "b", base: { x: 1, y: 2 }, m: { x: 1, y: 5, z: 3 } });
  });

  it("merges a key written `!!merge <<`, as go-yaml does (truxnell/home-cluster's ServiceMonitor)", () => {
    // kubectl kustomize: matchLabels gets both labels. Slipway failed ("tagged … merge, not a
    // string"); before that, it dropped the merge and printed matchLabels: {}.
    const text = "labels: &l {a: 1, b: 2}\nselector:\n  matchLabels:\n    !!merge <<: *l\n    c: 3\n";
    expect(parseYaml(text, "t")).toEqual({
      labels: { a: 1, b: 2 },
      selector: { matchLabels: { a: 1, b: 2, c: 3 } },
    });
  });

  it("drops quoted << keys as kustomize does", () => {
    expect(parseYaml('a:\n  "<<": {x: 1}\n  b: 1\n', "t")).toEqual({ a: { b: 1 } });
  });

  it("copies aliased values so later edits do not leak", () => {
    const doc = parseYaml("a: &x {k: 1}\nb: *x\n", "t") as { a: { k: number }; b: { k: number } };
    doc.a.k = 2;
    expect(doc.b.k).toBe(1);
  });
});

describe("documents", () => {
  it("omits empty and null documents and reports where each starts", () => {
    const docs = parseYamlDocuments("# only a comment\n---\n---\nkind: A\n---\n~\n---\n\n\nkind: B\n", "f");
    expect(docs).toEqual([
      { value: { kind: "A" }, line: 4 },
      { value: { kind: "B" }, line: 10 },
    ]);
  });

  it("maps paths to source lines lazily", () => {
    const [doc] = parseYamlDocumentsWithPositions(
      "kind: A\nspec:\n  containers:\n  - name: x\n    image: nginx\n  base: &b {p: 1}\n  m:\n    <<: *b\n",
      "f",
    );
    expect(doc?.lineOf(["spec", "containers", 0, "image"])).toBe(5);
    expect(doc?.lineOf(["spec"])).toBe(2);
    expect(doc?.lineOf(["spec", "m", "p"])).toBe(6);
    expect(doc?.lineOf(["spec", "missing"])).toBeUndefined();
  });
});

describe("errors carry file:line:col", () => {
  it("syntax errors", () => {
    const err = errorOf("a: 1\nb: [1, 2\nc: 3\n");
    expect(err.file).toBe("res.yaml");
    expect(err.line).toBeGreaterThanOrEqual(2);
    expect(err.format()).toMatch(/^res\.yaml:\d+:\d+: /);
  });

  it("duplicate keys", () => {
    const err = errorOf("kind: A\nspec:\n  a: 1\n  a: 2\n");
    expect([err.line, err.column]).toEqual([4, 3]);
    expect(err.message).toContain('mapping key "a" already defined at line 3');
  });

  it("values kustomize cannot print", () => {
    expect(errorOf("spec:\n  a: .inf\n").format()).toMatch(/^res\.yaml:2:6: json: unsupported value: \+Inf/);
    expect(errorOf("spec:\n  a: .nan\n").message).toContain("NaN");
    expect(errorOf("spec:\n  k: {1: a}\n").format()).toMatch(/^res\.yaml:2:7: mapping key 1 is a int/);
    expect(errorOf("spec:\n  ~: a\n").message).toContain("null");
    expect(errorOf("spec:\n  a: !!int 1.5\n").message).toContain("cannot decode !!float `1.5` as a !!int");
    expect(errorOf("spec:\n  a: 2001-12-14T21:59:43+24:00\n").message).toContain("timezone hour");
    expect(errorOf('spec:\n  a: "\\ud800"\n').message).toContain("invalid Unicode character escape");
    expect(errorOf("spec:\n  a:\n    <<: 1\n").message).toContain("map merge requires map");
    expect(errorOf("a: x\u007fy\n").format()).toMatch(/^res\.yaml:1:5: control characters are not allowed/);
  });

  it("undefined and self-referencing aliases", () => {
    expect(errorOf("a: *nope\n").line).toBe(1);
    expect(errorOf("a: &x [*x]\n").message).toMatch(/contains itself|anchor|alias/i);
  });

  it("alias bombs fail fast instead of hanging", () => {
    let bomb = 'a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n';
    for (let i = 1; i < 10; i++) {
      const prev = `*a${i - 1}`;
      bomb += `a${i}: &a${i} [${Array(9).fill(prev).join(", ")}]\n`;
    }
    const start = Date.now();
    expect(errorOf(bomb).message).toContain("excessive aliasing");
    expect(Date.now() - start).toBeLessThan(5000);
  });
});

describe("values built in code", () => {
  it("print like kustomize after toJsonCompatible", () => {
    const v = toJsonCompatible({ a: 1.0, b: 2n, c: undefined, d: [undefined], e: -0 });
    expect(v).toEqual({ a: 1, b: 2, d: [null], e: 0 });
    expect(emitYaml(v)).toBe("a: 1\nb: 2\nd:\n- null\ne: 0\n");
  });
});
