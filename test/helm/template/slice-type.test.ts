import { describe, expect, it } from "vitest";
import { elemTypeOf, goTypeName, sliceOf } from "../../../src/helm/template/value.js";

describe("sliceOf", () => {
  it("tags a typed slice with its element type", () => {
    const typed = sliceOf(["a", "b"], "string");
    expect(elemTypeOf(typed)).toBe("string");
    expect(goTypeName(typed)).toBe("[]string");
  });

  it("leaves a []interface {} untagged: an untagged array already is one", () => {
    const items = ["a", 1];
    expect(sliceOf(items, "interface {}")).toBe(items);
    expect(Object.getOwnPropertySymbols(items)).toEqual([]);
    expect(elemTypeOf(items)).toBe("interface {}");
    expect(goTypeName(items)).toBe("[]interface {}");
  });

  it("keeps the tag off the array: out of enumeration, equality and copies", () => {
    const typed = sliceOf(["a"], "string");
    expect(Object.keys(typed)).toEqual(["0"]);
    expect(Object.getOwnPropertySymbols(typed)).toEqual([]);
    expect(Object.getOwnPropertyNames(typed)).toEqual(["0", "length"]);
    expect(elemTypeOf(typed.slice())).toBe("interface {}");
  });
});
