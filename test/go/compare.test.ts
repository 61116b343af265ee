import { describe, expect, it } from "vitest";
import { compareGoStrings, sortGoStrings } from "../../src/go/compare.js";
import { utf8Encode } from "../../src/helm/template/gostring.js";

/**
 * Go's strings.Compare is byte order of the strings' bytes. For a string without lone surrogates
 * those are its UTF-8 encoding, and a lone surrogate encodes as U+FFFD (EF BF BD): Buffer.from.
 * The Helm engine holds an invalid byte 0x80–0xFF as the lone U+DC80–DCFF (gostring.ts), whose
 * utf8Encode restores it: for strings with those, the oracle is utf8Encode.
 */
const ESCAPED = /[\udc80-\udcff]/;
const oracle = (a: string, b: string) =>
  ESCAPED.test(a) || ESCAPED.test(b)
    ? Buffer.compare(utf8Encode(a), utf8Encode(b))
    : Buffer.compare(Buffer.from(a), Buffer.from(b));

function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

describe("compareGoStrings", () => {
  it.each([
    ["ascii", "a/b", "a/c"],
    ["prefix", "a/b", "a/bc"],
    ["equal", "x", "x"],
    ["BMP above the surrogates vs a pair", "\uffff", "\u{10000}"],
    ["U+E000 vs a pair", "\ue000z", "\u{1f600}"],
    ["pair vs ASCII after a shared prefix", "k/\u{1f600}", "k/z"],
    ["lone high surrogate at the cut", "a\ud800", "a\ud800\udc00"],
    ["lone high surrogate before a differing unit", "a\ud800b", "a\ud800\udc00"],
    ["lone surrogate vs U+FFFD (equal bytes)", "\ud800", "\ufffd"],
    ["two different lone surrogates (equal bytes)", "\ud800x", "\udbffx"],
    ["lone low vs pair", "\udc00", "\ud800\udc00"],
    ["lone surrogate vs U+FFFE", "\udfff", "\ufffe"],
    ["escaped byte 0x80 vs é (C3 A9)", "\udc80", "é"],
    ["escaped byte 0xFF vs U+FFFD (EF BF BD)", "\udcff", "\ufffd"],
    ["escaped byte 0xC3 vs é (C3 A9): a prefix", "\udcc3", "é"],
  ])("%s", (_, a, b) => {
    expect(Math.sign(compareGoStrings(a, b))).toBe(Math.sign(oracle(a, b)));
    expect(Math.sign(compareGoStrings(b, a))).toBe(Math.sign(oracle(b, a)));
  });

  const alphabet = [
    "a",
    "b",
    "/",
    "\x7f",
    "\x80",
    "é",
    "\u07ff",
    "\u0800",
    "\ud7ff",
    "\ue000",
    "\ufffd",
    "\ufffe",
    "\uffff",
    "\u{10000}",
    "\u{1f600}",
    "\u{10ffff}",
    // lone surrogates: high, low, and the low ones that stand for bytes in the Helm engine
    "\ud800",
    "\udbff",
    "\udc00",
    "\udc7f",
    "\udfff",
    "\udc80",
    "\udcc3",
    "\udcff",
  ];

  it("agrees with byte order on seeded random strings mixing ASCII, BMP, pairs, lone surrogates and escaped bytes", () => {
    const rnd = seeded(12345);
    const gen = () => {
      let s = "";
      const n = Math.floor(rnd() * 6);
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      return s;
    };
    for (let i = 0; i < 50000; i++) {
      const a = gen();
      // Shared prefixes, and prefixes cut through a pair (the halves of an astral character).
      const r = rnd();
      const b =
        r < 0.3 ? a + gen() : r < 0.45 ? a.slice(0, Math.floor(rnd() * (a.length + 1))) + gen() : gen();
      expect(Math.sign(compareGoStrings(a, b)), JSON.stringify([a, b])).toBe(Math.sign(oracle(a, b)));
    }
  });

  it("sorts a seeded random list as sorting by bytes does", () => {
    const rnd = seeded(777);
    const list = Array.from({ length: 2000 }, () => {
      let s = "k/";
      const n = Math.floor(rnd() * 5);
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      return s;
    });
    const bytes = (s: string) => (ESCAPED.test(s) ? Buffer.from(utf8Encode(s)) : Buffer.from(s));
    const expected = [...list].sort((a, b) => Buffer.compare(bytes(a), bytes(b))).map(bytes);
    expect([...list].sort(compareGoStrings).map(bytes)).toEqual(expected);
    // sortGoStrings: the same order, with surrogates (the comparator) and without (default sort).
    expect(sortGoStrings([...list]).map(bytes)).toEqual(expected);
    const bmp = list.filter((s) => !/[\ud800-\udfff]/.test(s));
    expect(bmp.length).toBeGreaterThan(100);
    expect(sortGoStrings([...bmp])).toEqual([...bmp].sort(compareGoStrings));
  });
});
