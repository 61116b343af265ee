/**
 * `.Files.Glob`'s dialect (src/helm/glob.ts) runs on RE2: the same answers as the backtracking
 * engine it ran on before (seeded patterns and names, both engines over the same expression),
 * and a pattern built to backtrack answers at once. Go's path.Match: test/go/path-match.test.ts.
 */
import { describe, expect, it } from "vitest";
import { compileGobwasGlob } from "../../src/helm/glob.js";
import { Rng } from "../support/random.js";

const PIECES = [
  "*",
  "**",
  "?",
  "a",
  "b",
  "/",
  ".",
  "[ab]",
  "[!a]",
  "[^a]",
  "[a-c]",
  "[]a]",
  "{a,b}",
  "{a,}",
  "\\*",
  "é",
  "-",
];
const NAMES = ["a", "b", "ab", "a/b", "a.b", "aa/bb/cc", "", "é", "*", "c", "-", "]", "a/", "/a", "b.a.b"];

/** The expression on JavaScript's engine, as it ran before (an empty class was `(?!)`). */
const onJs = (source: string) => new RegExp(source.replaceAll("[^\\x{0}-\\x{10FFFF}]", "(?!)"), "u");

describe(".Files.Glob's dialect on RE2", () => {
  it("match as JavaScript's engine matched the same expressions (seeded)", () => {
    const rng = new Rng(77);
    let compared = 0;
    for (let n = 0; n < 3000; n++) {
      const pattern = Array.from({ length: 1 + rng.int(5) }, () => rng.pick(PIECES)).join("");
      const re = compileGobwasGlob(pattern);
      if (!re) continue;
      const js = onJs(re.source);
      for (const name of NAMES) {
        expect(re.test(name), `${pattern} ~ ${JSON.stringify(name)} (${re.source})`).toBe(js.test(name));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(40_000);
  });

  it("a pattern that backtracks on a file name answers without hanging", () => {
    const pattern = `${"*a".repeat(14)}*b`;
    const name = "a".repeat(60);
    expect(compileGobwasGlob(pattern)?.test(name)).toBe(false);
    expect(compileGobwasGlob(pattern)?.test(`${name}b`)).toBe(true);
  });
});
