import { describe, expect, it } from "vitest";
import { MAX_REGEXP_SUBJECT } from "../../../src/re2.js";
import { render } from "./table.js";

// Strings past Slipway's limit for the regexp functions fail at the call, naming the function,
// instead of exhausting the heap; strings up to it are matched as before.
describe("the regexp functions' string limit", () => {
  const over = `(repeat ${MAX_REGEXP_SUBJECT + 1} "a")`;
  const at = `(repeat ${MAX_REGEXP_SUBJECT} "a")`;
  const calls: Array<[string, (s: string) => string]> = [
    ["regexMatch", (s) => `regexMatch "b" ${s}`],
    ["mustRegexMatch", (s) => `mustRegexMatch "b" ${s}`],
    ["regexFindAll", (s) => `regexFindAll "b" ${s} -1`],
    ["regexFind", (s) => `regexFind "b" ${s}`],
    ["regexReplaceAll", (s) => `regexReplaceAll "b" ${s} "c" | len`],
    ["regexReplaceAllLiteral", (s) => `regexReplaceAllLiteral "b" ${s} "c" | len`],
    ["regexSplit", (s) => `regexSplit "b" ${s} -1 | len`],
    ["mustRegexSplit", (s) => `mustRegexSplit "b" ${s} -1 | len`],
  ];
  for (const [name, call] of calls) {
    it(`${name} refuses a string past the limit`, () => {
      const r = render(call(over));
      expect(r.error).toBe(true);
      expect(r.text).toContain(`${name}: a string of ${MAX_REGEXP_SUBJECT + 1} characters is more than`);
    });
  }

  it("matches a string at the limit", () => {
    expect(render(`regexReplaceAll "b" ${at} "c" | len`)).toEqual({
      text: String(MAX_REGEXP_SUBJECT),
      error: false,
    });
    // regexMatch swallows a bad pattern (false) but not a string past the limit.
    expect(render(`regexMatch "(" "a"`)).toEqual({ text: "false", error: false });
  });
});
