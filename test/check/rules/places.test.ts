import { describe, expect, it } from "vitest";
import { groupByPlace, someOf } from "../../../src/check/rules/places.js";

describe("one finding per place", () => {
  it("groups in first-seen order, items in their order", () => {
    const items = ["a.yaml:1 x", "b.yaml:2 y", "a.yaml:1 z", "c.yaml:3 w", "b.yaml:2 v"];
    expect(groupByPlace(items, (s) => s.split(" ")[0]!)).toEqual([
      ["a.yaml:1 x", "a.yaml:1 z"],
      ["b.yaml:2 y", "b.yaml:2 v"],
      ["c.yaml:3 w"],
    ]);
  });

  it.each([
    [[], ""],
    [["a"], "a"],
    [["a", "b", "c"], "a, b, c"],
    [["a", "b", "c", "d", "e"], "a, b, c and 2 more"],
  ])("names at most three of %j: %s", (names, text) => {
    expect(someOf(names, 3)).toBe(text);
  });
});
