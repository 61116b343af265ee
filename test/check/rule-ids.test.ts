import { describe, expect, it } from "vitest";
import { allRules } from "../../src/check/rules/index.js";
import { allRuleIds } from "../../src/check/rules/ids.js";

describe("allRuleIds", () => {
  it("names every rule of allRules, in order", () => {
    expect(allRuleIds).toEqual(allRules.map((r) => r.id));
  });
});
