/**
 * jsonStepMayFail (src/helm/manifests.ts) asks the one case-insensitive pattern it was written as
 * in four parts: the answers must be the pattern's, on generated texts made of the characters
 * the pattern looks at and on the documents of the realworld repositories' charts.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { jsonStepMayFail } from "../../src/helm/manifests.js";
import { requires, sharedDir } from "../support/env.js";
import { Rng } from "../support/random.js";

/** The pattern as it was, with the `i` flag. */
const WHOLE = new RegExp(
  [
    String.raw`\.(?:nan|inf)\b`,
    String.raw`(?:^|[\n{,[])[ \t-]*(?:\?|:|~[ \t]*:|null[ \t]*:)(?:[ \t\r\n]|$)`,
    String.raw`\d{19}|0[xX][0-9a-fA-F]{16}|0[bB][01]{63}|0[oO]?[0-7]{21}`,
  ].join("|"),
  "i",
);

// Pieces of what the pattern matches, and characters around them (letters in both cases, the
// Kelvin sign and dotless i, which fold to ASCII letters only under the `u` flag).
const PIECES = [
  ".",
  "nan",
  "NaN",
  "inf",
  "INF",
  "iNf",
  "null",
  "NULL",
  "nUlL",
  "~",
  "?",
  ":",
  "-",
  " ",
  "\t",
  "\r",
  "\n",
  "{",
  ",",
  "[",
  "0",
  "1",
  "7",
  "8",
  "9",
  "0x",
  "0X",
  "0b",
  "0B",
  "0o",
  "0O",
  "a",
  "F",
  "x",
  "_",
  "é",
  "\u212a",
  "\u0131",
  "1234567890",
  "0123456701234567",
  "01010101010101010101",
  "key: value",
  "- item",
  "  ",
  "\n  ",
];

describe("jsonStepMayFail", () => {
  it("answers as the one pattern on generated texts", () => {
    const rng = new Rng(16);
    let matched = 0;
    for (let i = 0; i < 20000; i++) {
      let text = "";
      const n = rng.int(12);
      for (let j = 0; j < n; j++) {
        const piece = rng.pick(PIECES);
        text += rng.chance(0.1) ? piece.repeat(1 + rng.int(25)) : piece;
      }
      const want = WHOLE.test(text);
      if (want) matched++;
      expect(jsonStepMayFail(text), JSON.stringify(text)).toBe(want);
    }
    // both answers are well represented
    expect(matched).toBeGreaterThan(2000);
    expect(matched).toBeLessThan(18000);
  });

  it("answers as the one pattern at the edges of what it matches", () => {
    for (const text of [
      "",
      ":",
      "? ",
      ":x",
      "a: b\n: c",
      "{? a}",
      "[~ :",
      "- - null :\n",
      "Null:",
      "nulL:x",
      "v: .NaN",
      "v: .Inf",
      "v: .infinity",
      "v: -.inf\n",
      "1234567890123456789",
      "123456789012345678",
      "0x123456789abcdef0",
      "0x123456789abcdef",
      `0b${"1".repeat(63)}`,
      `0B${"1".repeat(62)}`,
      `0o${"7".repeat(21)}`,
      `0${"7".repeat(21)}`,
    ])
      expect(jsonStepMayFail(text), JSON.stringify(text)).toBe(WHOLE.test(text));
  });

  it.runIf(requires("shared"))("answers as the one pattern on the realworld repositories' YAML files", () => {
    const root = path.join(sharedDir, "realworld");
    let files = 0;
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.name === ".git") continue;
        const abs = path.join(dir, e.name);
        if (e.isDirectory()) walk(abs);
        else if (/\.ya?ml$/.test(e.name)) {
          const text = readFileSync(abs, "utf8");
          files++;
          for (const doc of text.split(/^---/m)) expect(jsonStepMayFail(doc), abs).toBe(WHOLE.test(doc));
        }
      }
    };
    walk(root);
    expect(files).toBeGreaterThan(1000);
  });
});
