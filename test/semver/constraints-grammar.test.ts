/**
 * The constraint grammar run by JavaScript's engine (NativeGrammarRegexp) against the same four
 * expressions run by the RE2 port (GoRegexp, Go's semantics): every method the parser uses gives
 * the same answer on seeded constraint-like strings, spacing of every Go and Unicode kind included.
 */
import { describe, expect, it } from "vitest";
import { GoRegexp } from "../../src/go/regexp.js";
import {
  GRAMMAR,
  NativeGrammarRegexp,
  parseConstraints,
  VALID_LINEAR,
} from "../../src/semver/constraints.js";

const TOKENS = [
  "1",
  "2",
  "10",
  "0",
  ".",
  ".3",
  ".x",
  ".X",
  ".*",
  "x",
  "X",
  "*",
  "|",
  "v",
  "-",
  " - ",
  "-beta.1",
  "-rc-1",
  "+build.5",
  "+",
  " ",
  "  ",
  "\t",
  "\n",
  "\r",
  "\f",
  "\v",
  "\u00a0",
  "\u2003",
  ",",
  ", ",
  "||",
  " || ",
  "=",
  "!=",
  ">",
  "<",
  ">=",
  "=>",
  "<=",
  "=<",
  "~",
  "~>",
  "^",
  "a",
  "é",
  "1.2.3",
  "1.2",
  ">= 1.0.0-0",
];

function generator(seed: number) {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
  return () => {
    let out = "";
    const n = 1 + Math.floor(rnd() * 8);
    for (let i = 0; i < n; i++) out += TOKENS[Math.floor(rnd() * TOKENS.length)];
    return out;
  };
}

describe("constraint grammar: JavaScript's engine against RE2's", () => {
  for (const [name, source] of Object.entries(GRAMMAR)) {
    it(`${name}: same matches, substrings and groups on 4000 seeded strings`, () => {
      const go = new GoRegexp(source);
      const js = new NativeGrammarRegexp(source);
      const gen = generator(name.length * 7919);
      const fixed = [
        "",
        ">=1.19.0-0",
        "1.2 - 1.4.5",
        ">1.0 <2.0 || ~3.x",
        "^1.2.x-beta+meta",
        "\v1.0",
        "1.0\n",
      ];
      for (let i = 0; i < 4000 + fixed.length; i++) {
        const s = i < fixed.length ? fixed[i]! : gen();
        const where = JSON.stringify(s);
        expect(js.matchString(s), where).toBe(go.matchString(s));
        expect(js.findAll(s), where).toEqual(go.findAll(s));
        expect(js.findSubmatch(s), where).toEqual(go.findSubmatch(s));
        expect(js.findAllSubmatch(s), where).toEqual(go.findAllSubmatch(s));
      }
    });
  }
});

describe("the validity check: upstream's expression (RE2) against the linear one (JavaScript)", () => {
  it("accepts the same strings, 20000 seeded ones and runs of spaces and commas", () => {
    const go = new GoRegexp(GRAMMAR.valid);
    const js = new NativeGrammarRegexp(VALID_LINEAR);
    const gen = generator(20261204);
    const gaps = ["", " ", "  ", "   ", ",", " ,", ", ", " , ", ",,", "\t", " \n "];
    const fixed: string[] = [];
    for (const a of gaps)
      for (const b of gaps) fixed.push(`1${a}>=2${b}`, `${a}~1.2${b}3-rc.1${a}`, `=${a}1${b},${a}^2`);
    for (let i = 0; i < 20000 + fixed.length; i++) {
      const s = i < fixed.length ? fixed[i]! : gen() + gen();
      expect(js.matchString(s), JSON.stringify(s)).toBe(go.matchString(s));
    }
  });

  it("a constraint built to backtrack is refused at once (it took seconds, then hours)", () => {
    // Each gap of three spaces could be shared out among four quantifiers: ~4^n tries.
    for (const gap of ["   ", "    ", " ,  "]) {
      const text = `1${`${gap}1`.repeat(40)} !`;
      expect(() => parseConstraints(text)).toThrow(/improper constraint/);
    }
  });

  it("a long run of spaces is read in linear time (quadratic, 200,000 spaces took a minute)", () => {
    expect(() => parseConstraints(`1${" ".repeat(200_000)}!`)).toThrow(/improper constraint/);
    expect(() => parseConstraints(`>=${" ".repeat(200_000)}1 !`)).toThrow(/improper constraint/);
    // Long but valid: the same answer as a short one.
    const long = `>= 1.0.0${" ".repeat(300)}< 2.0.0`;
    expect(String(parseConstraints(long))).toBe(String(parseConstraints(">= 1.0.0 < 2.0.0")));
    expect(String(parseConstraints(`1.0${" ".repeat(300)}-${" ".repeat(300)}2.0`))).toBe(">=1.0 <=2.0");
  });
});
