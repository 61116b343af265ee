import { describe, expect, it } from "vitest";
import { compareGoStrings } from "../../../src/helm/template/value.js";

/** Go compares strings by their UTF-8 bytes; Buffer.compare of the encodings is that order. */
const oracle = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe("compareGoStrings", () => {
  it.each([
    ["ascii", "a/b", "a/c"],
    ["prefix", "a/b", "a/bc"],
    ["equal", "x", "x"],
    ["BMP above the surrogates vs a pair", "\uffff", "\u{10000}"],
    ["U+E000 vs a pair", "\ue000z", "\u{1f600}"],
    ["pair vs ASCII after a shared prefix", "k/\u{1f600}", "k/z"],
  ])("%s", (_, a, b) => {
    expect(Math.sign(compareGoStrings(a, b))).toBe(Math.sign(oracle(a, b)));
    expect(Math.sign(compareGoStrings(b, a))).toBe(Math.sign(oracle(b, a)));
  });

  it("agrees with byte order on seeded random well-formed strings (ASCII, BMP, pairs)", () => {
    let seed = 4242;
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
      "\ue000",
      "\uffff",
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
      expect(Math.sign(compareGoStrings(a, b)), JSON.stringify([a, b])).toBe(Math.sign(oracle(a, b)));
    }
  });
});
