/**
 * toYaml's texts are kept by what they were made of (src/helm/funcs/go/to-yaml.ts): a map
 * changed after its text was kept must print its new contents, however it was changed and
 * wherever it sits; equal contents print alike; errors still come from the full path.
 */
import { describe, expect, it } from "vitest";
import { marshalYaml } from "../../../src/helm/funcs/go/to-yaml.js";
import { buildFuncMap } from "../../../src/helm/funcs/index.js";
import { TemplateSet } from "../../../src/helm/template/index.js";
import { GoInt, GoMap } from "../../../src/helm/template/value.js";
import { ctx } from "./table.js";

describe("toYaml's kept texts", () => {
  it("follow changes to a map printed before, at any depth", () => {
    const inner = new GoMap([["b", 1]]);
    const outer = new GoMap([
      ["a", inner],
      ["l", [inner, "x"]],
    ]);
    expect(marshalYaml(outer)).toBe("a:\n  b: 1\nl:\n- b: 1\n- x\n");
    inner.set("b", 2);
    expect(marshalYaml(outer)).toBe("a:\n  b: 2\nl:\n- b: 2\n- x\n");
    // A fresh map holding the changed one.
    expect(marshalYaml(new GoMap([["z", inner]]))).toBe("z:\n  b: 2\n");
    inner.set("c", new GoInt("int64", 3n));
    expect(marshalYaml(outer)).toBe("a:\n  b: 2\n  c: 3\nl:\n- b: 2\n  c: 3\n- x\n");
    inner.delete("b");
    expect(marshalYaml(outer)).toBe("a:\n  c: 3\nl:\n- c: 3\n- x\n");
    inner.clear();
    expect(marshalYaml(outer)).toBe("a: {}\nl:\n- {}\n- x\n");
  });

  it("take a key set again to the value it holds as no change", () => {
    const m = new GoMap([["name", "x"]]);
    expect(marshalYaml(m)).toBe("name: x\n");
    m.set("name", "x");
    expect(marshalYaml(m)).toBe("name: x\n");
    m.set("name", "w");
    expect(marshalYaml(m)).toBe("name: w\n");
    // A new key holding undefined is a change (printed as null).
    m.set("u", undefined);
    expect(marshalYaml(m)).toBe("name: w\nu: null\n");
  });

  it("print equal contents alike and different ones apart", () => {
    const a = new GoMap([["k", new GoMap([["v", "1"]])]]);
    const b = new GoMap([["k", new GoMap([["v", "1"]])]]);
    expect(marshalYaml(a)).toBe('k:\n  v: "1"\n');
    expect(marshalYaml(b)).toBe('k:\n  v: "1"\n');
    expect(marshalYaml(new GoMap([["k", new GoMap([["v", 1]])]]))).toBe("k:\n  v: 1\n");
    expect(marshalYaml(new GoMap([["k", new GoMap([["v", true]])]]))).toBe("k:\n  v: true\n");
    expect(marshalYaml(new GoMap([["k", new GoMap([["v", null]])]]))).toBe("k:\n  v: null\n");
    expect(marshalYaml([new GoMap([["v", "1"]])])).toBe('- v: "1"\n');
  });

  it("leave cycles and refused numbers to the full path, every time", () => {
    const c = new GoMap([["k", 1]]);
    c.set("self", c);
    for (let i = 0; i < 2; i++) {
      expect(() => marshalYaml(c)).toThrow("encountered a cycle via map[string]interface {}");
      expect(() => marshalYaml(new GoMap([["x", c]]))).toThrow("encountered a cycle");
    }
    const nan = new GoMap([["n", Number.NaN]]);
    for (let i = 0; i < 2; i++) expect(() => marshalYaml(nan)).toThrow("unsupported value: NaN");
  });

  it("see a template's set, unset and merge", () => {
    const set = new TemplateSet(buildFuncMap(), { missingKey: "zero", name: "gotpl" });
    set.parse(
      "t",
      [
        '{{- $d := dict "a" (dict "b" 1) "c" (list 1) -}}',
        "{{ toYaml $d }};",
        '{{ $_ := set $d.a "b" 2 }}{{ toYaml $d }};',
        '{{ $_ := unset $d.a "b" }}{{ toYaml $d }};',
        '{{ $_ := merge $d.a (dict "m" "x") }}{{ toYaml $d }};',
        '{{ $_ := mergeOverwrite $d.a (dict "m" "z") }}{{ toYaml (dict "w" $d.a) }}',
      ].join(""),
    );
    expect(set.execute("t", null, ctx)).toBe(
      "a:\n  b: 1\nc:\n- 1;a:\n  b: 2\nc:\n- 1;a: {}\nc:\n- 1;a:\n  m: x\nc:\n- 1;w:\n  m: z",
    );
  });

  it("keep scalars' texts by value and type, errors never", () => {
    for (let round = 0; round < 2; round++) {
      expect(marshalYaml("1")).toBe('"1"\n');
      expect(marshalYaml(1)).toBe("1\n");
      expect(marshalYaml("true")).toBe('"true"\n');
      expect(marshalYaml(true)).toBe("true\n");
      expect(marshalYaml("yes")).toBe('"yes"\n');
      expect(marshalYaml("a b")).toBe("a b\n");
      expect(marshalYaml(1.5)).toBe("1.5\n");
      expect(marshalYaml(-0)).toBe(marshalYaml(0));
      expect(marshalYaml("two\nlines")).toBe("|-\n  two\n  lines\n");
      expect(() => marshalYaml("\u007f")).toThrow("control characters are not allowed");
      expect(() => marshalYaml(Number.NaN)).toThrow("unsupported value: NaN");
    }
  });
});
