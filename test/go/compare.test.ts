import { describe, expect, it } from "vitest";
import { compareUtf8 } from "../../src/go/compare.js";

/** Go's strings.Compare is byte order of UTF-8, which Buffer.compare of the encodings gives. */
const oracle = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe("compareUtf8", () => {
  it.each([
    ["ascii", "a/b", "a/c"],
    ["prefix", "a/b", "a/bc"],
    ["equal", "x", "x"],
    ["BMP above the surrogates vs a pair", "\uffff", "\u{10000}"],
    ["U+E000 vs a pair", "\ue000z", "\u{1f600}"],
    ["lone high surrogate at the cut", "a\ud800", "a\ud800\udc00"],
    ["lone surrogate vs U+FFFD", "\ud800", "\ufffd"],
    ["lone low vs pair", "\udc00", "\ud800\udc00"],
  ])("%s", (_, a, b) => {
    expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(oracle(a, b)));
    expect(Math.sign(compareUtf8(b, a))).toBe(Math.sign(oracle(b, a)));
  });

  it("agrees with byte order on seeded random strings mixing ASCII, BMP, surrogates and pairs", () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const alphabet = [
      "a",
      "b",
      "/",
      "é",
      "\u07ff",
      "\u0800",
      "\ud7ff",
      "\ud800",
      "\udbff",
      "\udc00",
      "\udfff",
      "\ue000",
      "\uffff",
      "\ufffd",
      "\u{10000}",
      "\u{10ffff}",
    ];
    const gen = () => {
      let s = "";
      const n = Math.floor(rnd() * 5);
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      return s;
    };
    for (let i = 0; i < 20000; i++) {
      const a = gen();
      const b = rnd() < 0.3 ? a + gen() : gen();
      expect(Math.sign(compareUtf8(a, b)), JSON.stringify([a, b])).toBe(Math.sign(oracle(a, b)));
    }
  });
});
