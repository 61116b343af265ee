import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { goYamlKeyLess, runesLess, sortKeys } from "../../src/yaml/keysort.js";

describe("go-yaml v2 key order", () => {
  it("puts non-letters before letters and compares letters by code point", () => {
    // two non-digits compare by code point; a non-digit comes before a digit run
    expect(sortKeys(["b", "a", "B", "_x", "1", "-"])).toEqual(["-", "_x", "1", "B", "a", "b"]);
    expect(sortKeys(["spec", "metadata", "kind", "apiVersion"])).toEqual([
      "apiVersion",
      "kind",
      "metadata",
      "spec",
    ]);
  });

  it("compares digit runs as numbers", () => {
    expect(sortKeys(["a10", "a9", "a1", "a100"])).toEqual(["a1", "a9", "a10", "a100"]);
    expect(sortKeys(["v10", "v2", "v1"])).toEqual(["v1", "v2", "v10"]);
  });

  it("orders equal numbers by run length (leading zeros last)", () => {
    expect(goYamlKeyLess("a1", "a01")).toBe(true);
    expect(goYamlKeyLess("a01", "a1")).toBe(false);
    expect(goYamlKeyLess("a01", "a001")).toBe(true);
  });

  it("treats a zero inside a number differently from a leading zero", () => {
    // "10" vs "1a": at index 1, '0' vs 'a': a letter sorts after a non-letter
    expect(goYamlKeyLess("10", "1a")).toBe(true);
    expect(sortKeys(["0x10", "1", "1.5", "true", "apiVersion"])).toEqual([
      "0x10",
      "1",
      "1.5",
      "apiVersion",
      "true",
    ]);
  });

  it("puts a prefix first", () => {
    expect(sortKeys(["ab", "a", "abc"])).toEqual(["a", "ab", "abc"]);
  });

  it("treats non-ASCII letters as letters", () => {
    expect(sortKeys(["é", "z", "1"])).toEqual(["1", "z", "é"]);
  });

  it("is deterministic where Less is not transitive (kubectl is not: it depends on Go's map order)", () => {
    const keys = ["k120", "k12a", "k13", ...Array.from({ length: 20 }, (_, i) => `x${i}`)];
    const once = sortKeys([...keys]);
    expect(sortKeys([...keys])).toEqual(once);
    expect(
      goYamlKeyLess("k120", "k12a") && goYamlKeyLess("k12a", "k13") && goYamlKeyLess("k13", "k120"),
    ).toBe(true);
  });

  it("is deterministic for long key lists", () => {
    const keys = Array.from({ length: 500 }, (_, i) => `k${(i * 7919) % 1000}`);
    const expected = [...new Set(keys)].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    expect(sortKeys([...new Set(keys)])).toEqual(expected);
  });
});

describe("goYamlKeyLess's quick path agrees with the rune-by-rune comparison (property)", () => {
  // ASCII letters, digits and zeros, other scripts' letters and digits, astral letters and
  // digits, lone surrogates and punctuation; long digit runs reach int64 wrapping.
  const unit = fc.constantFrom(
    ..."aAzZ0019-_./ é日",
    "٠",
    "٣",
    "😀",
    "𝟎",
    "𝟗",
    "\ud800",
    "\udc00",
    "00000000",
    "12345678",
    "99999999",
  );
  const key = fc.array(unit, { maxLength: 8 }).map((us) => us.join(""));

  it("on generated keys", () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(goYamlKeyLess(a, b)).toBe(runesLess(a, b));
      }),
      { numRuns: 20000, seed: Number(process.env.SLIPWAY_FUZZ_SEED ?? 20261203) },
    );
  });

  it("on keys sharing a prefix", () => {
    fc.assert(
      fc.property(key, key, key, (p, a, b) => {
        expect(goYamlKeyLess(p + a, p + b)).toBe(runesLess(p + a, p + b));
      }),
      { numRuns: 20000, seed: Number(process.env.SLIPWAY_FUZZ_SEED ?? 20261203) },
    );
  });
});
