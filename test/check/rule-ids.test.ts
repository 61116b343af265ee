import { describe, expect, it } from "vitest";
import { allRuleIds } from "../../src/check/rules/ids.js";
import { allRules } from "../../src/check/rules/index.js";

describe("allRuleIds", () => {
  it("names every rule of allRules, in order", () => {
    expect(allRuleIds).toEqual(allRules.map((r) => r.id));
  });
});
