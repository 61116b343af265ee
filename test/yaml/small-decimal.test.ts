/**
 * smallDecimal (src/yaml/numbers.ts) is a shortcut of intValue(goParseInt(s)): wherever it
 * answers, it answers the same number (never -0), over generated texts around its edges.
 */
import { describe, expect, it } from "vitest";
import { goParseInt, intValue, smallDecimal } from "../../src/yaml/numbers.js";

function texts(): string[] {
  const out = [
    "0",
    "+0",
    "-0",
    "00",
    "07",
    "08",
    "0x1f",
    "0b1",
    "0o7",
    "1e3",
    "1.0",
    "",
    "+",
    "-",
    " 1",
    "1 ",
  ];
  for (const sign of ["", "+", "-"])
    for (let digits = 1; digits <= 20; digits++) {
      out.push(
        `${sign}${"9".repeat(digits)}`,
        `${sign}1${"0".repeat(digits - 1)}`,
        `${sign}0${"1".repeat(digits)}`,
      );
      out.push(`${sign}${String(2 ** 53 + digits)}`, `${sign}${String(Number.MAX_SAFE_INTEGER)}`);
    }
  let seed = 20261204;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  const alphabet = "0123456789+-_.xXbBoOe ";
  for (let i = 0; i < 20_000; i++) {
    let s = "";
    const len = 1 + (next() % 18);
    for (let j = 0; j < len; j++) s += alphabet[next() % (j === 0 ? alphabet.length : 10)];
    out.push(s);
  }
  return out;
}

describe("smallDecimal", () => {
  it("answers as intValue(goParseInt(s)) wherever it answers, and answers for 0 and short decimals", () => {
    let answered = 0;
    for (const s of texts()) {
      const small = smallDecimal(s);
      if (small === undefined) continue;
      answered++;
      const slow = goParseInt(s);
      expect(slow, s).not.toBeUndefined();
      expect(Object.is(small, intValue(slow!)), s).toBe(true);
    }
    expect(answered).toBeGreaterThan(1000);
    expect(smallDecimal("0")).toBe(0);
    expect(smallDecimal("-0")).toBeUndefined();
    expect(smallDecimal("999999999999999")).toBe(999999999999999);
    expect(smallDecimal("9999999999999999")).toBeUndefined();
  });
});
