/**
 * jsonString (Go's appendString) against the char-by-char reference it replaced, over seeded
 * random strings made of the characters its rules single out: controls, " and \, < > &,
 * U+2028/2029, the invalid-byte stand-ins U+DC80–DCFF (alone, or the low half of a pair),
 * other lone surrogates, astral pairs and plain text. Replay a seed with SLIPWAY_FUZZ_SEED.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonString } from "../../../src/helm/funcs/go/json-encode.js";
import { referenceJsonString } from "./json-string-reference.js";

const seed = Number(process.env.SLIPWAY_FUZZ_SEED ?? 20261204);

const range = (lo: number, hi: number) => fc.integer({ min: lo, max: hi });
const codeUnit = fc.oneof(
  range(0x00, 0x1f),
  fc.constantFrom(0x22, 0x5c, 0x3c, 0x3e, 0x26, 0x2f, 0x7f, 0x2028, 0x2029, 0xfffd, 0xfeff),
  range(0x20, 0x7e),
  range(0x80, 0xd7ff),
  range(0xd800, 0xdbff), // high surrogates: alone, or pairing with whatever follows
  range(0xdc00, 0xdc7f),
  range(0xdc80, 0xdcff), // invalid UTF-8 bytes as Slipway's strings carry them
  range(0xdd00, 0xdfff),
  range(0xe000, 0xffff),
);
const text = fc.array(codeUnit, { maxLength: 40 }).map((units) => String.fromCharCode(...units));

describe("jsonString", () => {
  it("matches the char-by-char reference, with and without HTML escaping", () => {
    fc.assert(
      fc.property(text, fc.boolean(), (s, html) => {
        expect(jsonString(s, html)).toBe(referenceJsonString(s, html));
      }),
      { numRuns: 20000, seed },
    );
  });

  it("quotes a string with nothing to escape as it is", () => {
    expect(jsonString("nginx:1.27 ünïcode 😀")).toBe('"nginx:1.27 ünïcode 😀"');
    expect(jsonString("")).toBe('""');
  });

  it("keeps Go's rules at run boundaries", () => {
    expect(jsonString('a<b>&"\\\n')).toBe('"a\\u003cb\\u003e\\u0026\\"\\\\\\n"');
    expect(jsonString("<&>", false)).toBe('"<&>"');
    expect(jsonString("\u2028x\u2029", false)).toBe('"\\u2028x\\u2029"');
    expect(jsonString("\udc80\ud800\udc80\udcff")).toBe('"\\ufffd\ud800\udc80\\ufffd"');
    expect(jsonString("\ud800\ud800\udcff")).toBe('"\ud800\ud800\udcff"');
    expect(jsonString("\u0000\u001f\u007f")).toBe('"\\u0000\\u001f\u007f"');
  });
});
