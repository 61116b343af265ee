import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyJson6902,
  classifyPatch,
  isJson6902Patch,
  json6902Operations,
  parseJson6902Patch,
} from "../../../src/kustomize/patch/index.js";
import type { YamlValue } from "../../../src/kustomize/types.js";

const doc = (): YamlValue => ({ data: { a: "1", "x/y": 2, "t~": 3 }, list: ["x", "y", "z"] });
const apply = (ops: string) => applyJson6902(doc(), parseJson6902Patch(ops, "p.json"), "p.json");

describe("parseJson6902Patch", () => {
  it("reads JSON and YAML (YAML 1.1 scalars, as sigs.k8s.io/yaml)", () => {
    expect(parseJson6902Patch('[{"op":"add","path":"/a","value":1}]')).toEqual([
      { op: "add", path: "/a", value: 1 },
    ]);
    expect(parseJson6902Patch("- op: add\n  path: /a\n  value: yes\n")).toEqual([
      { op: "add", path: "/a", value: true },
    ]);
  });
  it("rejects a map or invalid JSON", () => {
    expect(() => parseJson6902Patch("op: add\n", "p.yaml")).toThrow(/list of operations/);
    expect(() => parseJson6902Patch("[{op: add}]", "p.yaml")).toThrow(/invalid JSON6902/);
  });
});

describe("applyJson6902", () => {
  it("add/remove/replace/move/copy/test", () => {
    expect(apply('[{"op":"add","path":"/data/b","value":"2"}]')).toMatchObject({ data: { b: "2" } });
    expect(apply('[{"op":"add","path":"/list/-","value":"w"}]')).toMatchObject({
      list: ["x", "y", "z", "w"],
    });
    expect(apply('[{"op":"add","path":"/list/-1","value":"w"}]')).toMatchObject({
      list: ["x", "y", "z", "w"],
    });
    expect(apply('[{"op":"add","path":"/list/01","value":"w"}]')).toMatchObject({
      list: ["x", "w", "y", "z"],
    });
    expect(apply('[{"op":"remove","path":"/list/-1"}]')).toMatchObject({ list: ["x", "y"] });
    expect(apply('[{"op":"replace","path":"/data/missing","value":"v"}]')).toMatchObject({
      data: { missing: "v" },
    });
    expect(apply('[{"op":"move","from":"/data/a","path":"/moved"}]')).toMatchObject({ moved: "1" });
    expect(apply('[{"op":"copy","from":"/list","path":"/copy"}]')).toMatchObject({ copy: ["x", "y", "z"] });
    expect(apply('[{"op":"test","path":"/data/a","value":"1"}]')).toEqual(doc());
  });
  it("unescapes ~1 and ~0 and ignores the first path segment like evanphx/json-patch", () => {
    expect(apply('[{"op":"remove","path":"/data/x~1y"},{"op":"remove","path":"/data/t~0"}]')).toEqual({
      data: { a: "1" },
      list: ["x", "y", "z"],
    });
    expect(apply('[{"op":"add","path":"data/b","value":1}]')).toMatchObject({ b: 1 });
  });
  it("fails with a message naming the operation", () => {
    expect(() => apply('[{"op":"test","path":"/data/a","value":"2"}]')).toThrow(
      /operation 1 \(test at "\/data\/a"\)/,
    );
    expect(() => apply('[{"op":"remove","path":"/data/zz"}]')).toThrow(/nonexistent key: zz/);
    expect(() => apply('[{"op":"add","path":"/list/9","value":1}]')).toThrow(/invalid index/);
    expect(() => apply('[{"op":"add","path":"/no/such","value":1}]')).toThrow(/missing path/);
    expect(() => apply('[{"op":"frob","path":"/a"}]')).toThrow(/Unexpected kind: frob/);
    expect(() => apply('[{"op":"add","path":"","value":1}]')).toThrow(/missing path/);
  });
  it("does not modify its input", () => {
    const input = doc();
    applyJson6902(input, [{ op: "remove", path: "/data" }]);
    expect(input).toEqual(doc());
  });
});

describe("classifyPatch", () => {
  it("decides between JSON6902 and strategic merge as kustomize's PatchTransformer does", () => {
    expect(classifyPatch('[{"op":"add","path":"/a","value":1}]')).toBe("json6902");
    expect(classifyPatch("- op: add\n  path: /a\n")).toBe("json6902");
    expect(classifyPatch("apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Secret\n")).toBe(
      "strategic-merge",
    );
    expect(classifyPatch("")).toBe("json6902");
    expect(() => classifyPatch("# just a comment\n")).toThrow(/both an SM and JSON patch/);
    expect(isJson6902Patch("kind: Foo\n")).toBe(false);
  });
});

describe("json6902Operations", () => {
  // The one-parse classification must agree with classifying and then parsing, whatever the text.
  const reference = (text: string) => (isJson6902Patch(text) ? parseJson6902Patch(text) : undefined);
  const lines = [
    "apiVersion: v1",
    "kind: Foo",
    "a:b",
    "a:\tb",
    "a: |",
    "  text",
    "- op: add",
    "  path: /a",
    "  value: yes",
    "- null",
    "- 3",
    "[]",
    '[{"op":"remove","path":"/x"}]',
    "---",
    "--- !!seq",
    "%YAML 1.1",
    "# comment",
    "",
    "   ",
    "\ufeffkind: Foo",
    "~",
    "null",
    "plain scalar",
    "? complex",
    ": value",
    "&anchor",
    "- *anchor",
    "!!map",
    "\tkey: v",
    "key with space: v",
    "k.e/y-1_x: v",
    "x: [1, 2",
  ];
  it("agrees with classifyPatch followed by parseJson6902Patch", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...lines), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (ls, crlf) => {
          const text = ls.join(crlf ? "\r\n" : "\n");
          if (text === "") return;
          expect(json6902Operations(text)).toEqual(reference(text));
        },
      ),
      { numRuns: 2000, seed: 6902 },
    );
  });
  it("skips the parse for a mapping, and still reads operations behind comments", () => {
    expect(json6902Operations("# c\n\napiVersion: v1\nkind: X\n")).toBeUndefined();
    expect(json6902Operations("# c\n- op: add\n  path: /a\n  value: 1\n")).toEqual([
      { op: "add", path: "/a", value: 1 },
    ]);
  });
});
