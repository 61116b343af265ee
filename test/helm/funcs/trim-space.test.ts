/**
 * strings.TrimSpace by code unit (src/helm/funcs/go/strings.ts) against Go's definition read
 * rune by rune: strings of white space (ASCII, Latin-1 and the White_Space runes), letters,
 * surrogate pairs, lone surrogates and escaped invalid bytes (U+DC80–DCFF) trim alike.
 */
import { describe, expect, it } from "vitest";
import { trimSpace } from "../../../src/helm/funcs/go/strings.js";
import { isSpace } from "../../../src/helm/funcs/go/unicode.js";
import { Rng } from "../../support/random.js";

/** Go's TrimSpace rune by rune; an escaped invalid byte is U+FFFD to Go, which is no space. */
function byRunes(s: string): string {
  const runes = Array.from(s);
  const rune = (u: string): number => {
    const r = u.codePointAt(0)!;
    return r >= 0xdc80 && r <= 0xdcff ? 0xfffd : r;
  };
  let a = 0;
  let b = runes.length;
  while (a < b && isSpace(rune(runes[a]!))) a++;
  while (b > a && isSpace(rune(runes[b - 1]!))) b--;
  return runes.slice(a, b).join("");
}

const PIECES = [
  " ",
  "\t",
  "\n",
  "\v",
  "\f",
  "\r",
  "\u0085",
  "\u00a0",
  "\u1680",
  "\u2000",
  "\u200a",
  "\u2028",
  "\u2029",
  "\u202f",
  "\u205f",
  "\u3000",
  "\u200b",
  "\ufeff",
  "x",
  "é",
  "😀",
  "\ud83d",
  "\ude00",
  "\udc80",
  "\udcff",
  "\ud800\u2028",
  "\u2028\udfff",
];

describe("trimSpace", () => {
  it("cuts where a cut by runes does, for random strings of spaces, pairs and lone surrogates", () => {
    const rng = new Rng(16);
    for (let i = 0; i < 5000; i++) {
      let s = "";
      for (let n = rng.int(8); n > 0; n--) s += rng.pick(PIECES);
      expect(trimSpace(s), JSON.stringify(s)).toBe(byRunes(s));
    }
  });
  it("returns an untrimmed string as it is", () => {
    expect(trimSpace("a b")).toBe("a b");
    expect(trimSpace(" \u3000")).toBe("");
  });
});
