import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CharGuard, FAST_REFUSED, GO_YAML_FORBIDDEN } from "../../src/yaml/char-guard.js";

// Characters on both sides of every range edge of the classes, lone and paired surrogates.
const EDGES = [
  "\t",
  "\n",
  "\r",
  "\x00",
  "\x0b",
  "\x1f",
  " ",
  "~",
  "\x7f",
  "\x84",
  "\x85",
  "\x86",
  "\x9f",
  "\xa0",
  "\u2027",
  "\u2028",
  "\u2029",
  "\u202a",
  "\ud7ff",
  "\ud800",
  "\udbff",
  "\udc00",
  "\udfff",
  "\ue000",
  "\ufefe",
  "\ufeff",
  "\uff00",
  "\ufffd",
  "\ufffe",
  "\uffff",
  "\u{10000}",
  "\u{1f680}",
  "\u{10ffff}",
  "a",
];

const sameAsExact = (guard: CharGuard, s: string) => {
  expect(guard.exec(s)?.index).toBe(guard.exact.exec(s)?.index);
  expect(guard.exec(s)?.[0]).toBe(guard.exact.exec(s)?.[0]);
  expect(guard.test(s)).toBe(guard.exact.test(s));
};

describe.each([
  ["GO_YAML_FORBIDDEN", GO_YAML_FORBIDDEN],
  ["FAST_REFUSED", FAST_REFUSED],
])("%s answers as its exact class", (_, guard) => {
  it("for every edge character alone, after text and in pairs", () => {
    sameAsExact(guard, "");
    for (const a of EDGES) {
      // at the start, in the middle and at the end of a long text
      sameAsExact(guard, `${a}${"key: value\n".repeat(100)}`);
      sameAsExact(guard, `${"key: value\n".repeat(50)}${a}${"key: value\n".repeat(50)}`);
      sameAsExact(guard, `${"key: value\n".repeat(100)}${a}`);
      sameAsExact(guard, a);
      sameAsExact(guard, `key: ${a}`);
      for (const b of EDGES) sameAsExact(guard, `x${a}${b}y`);
    }
  });

  it("for random texts of edge characters and UTF-16 code units", () => {
    const unit = fc.oneof(
      fc.constantFrom(...EDGES),
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    );
    fc.assert(fc.property(fc.array(unit, { maxLength: 12 }), (units) => sameAsExact(guard, units.join(""))));
  });
});
