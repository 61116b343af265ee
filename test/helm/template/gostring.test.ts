import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  byteSlice,
  decodeRune,
  runeCount,
  utf8Decode,
  utf8Encode,
  utf8Length,
} from "../../../src/helm/template/gostring.js";
import { canBackquote, quote, quoteRune, quoteToASCII, unquote } from "../../../src/helm/template/quote.js";

describe("Go strings as bytes", () => {
  it("round-trips any byte sequence (invalid UTF-8 kept byte for byte)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect([...utf8Encode(utf8Decode(bytes))]).toEqual([...bytes]);
      }),
    );
  });

  it("agrees with TextEncoder on well-formed text, and len is the byte count", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (s) => {
        const bytes = new TextEncoder().encode(s);
        expect([...utf8Encode(s)]).toEqual([...bytes]);
        expect(utf8Length(s)).toBe(bytes.length);
        expect(utf8Decode(bytes)).toBe(s);
      }),
    );
  });

  it("decodes rune by rune as Go ranges over a string (native path for valid UTF-8, BOM kept)", () => {
    // The reference: utf8.DecodeRune in a loop, an invalid byte escaped alone.
    const reference = (b: Uint8Array, start: number, end: number): string => {
      let out = "";
      for (let i = start; i < end; ) {
        const [cp, size] = decodeRune(b, i, end);
        out += cp < 0 ? String.fromCharCode(0xdc00 + b[i]!) : String.fromCodePoint(cp);
        i += size;
      }
      return out;
    };
    const pieces = [
      [0x41],
      [0x0a],
      [0xef, 0xbb, 0xbf], // byte order mark
      [0xc3, 0xa9],
      [0xe2, 0x82, 0xac],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xed, 0xa0, 0x80], // an encoded surrogate
      [0xc0, 0x80], // overlong
      [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
      [0xff],
      [0x80],
      [0xe2, 0x82], // truncated
    ];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: pieces.length - 1 }), { maxLength: 24 }),
        fc.nat(),
        fc.nat(),
        (picks, a, z) => {
          const bytes = Uint8Array.from(picks.flatMap((i) => pieces[i]!));
          const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
          const end = start + (bytes.length === 0 ? 0 : z % (bytes.length - start + 1));
          expect(utf8Decode(bytes, start, end)).toBe(reference(bytes, start, end));
          expect(utf8Decode(bytes)).toBe(reference(bytes, 0, bytes.length));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("counts and slices like Go", () => {
    const broken = utf8Decode(new Uint8Array([0x68, 0xc3, 0xa9, 0xc3])); // "hé" + a lone lead byte
    expect(utf8Length(broken)).toBe(4);
    expect(runeCount(broken)).toBe(3);
    expect(byteSlice("héllo", 0, 2)).toBe(utf8Decode(new Uint8Array([0x68, 0xc3])));
    expect(byteSlice("héllo", 1, 3)).toBe("é");
    expect(runeCount("a😀b")).toBe(3);
  });

  it("decodes runes as utf8.DecodeRune, rejecting overlongs and surrogates", () => {
    expect(decodeRune(new Uint8Array([0xc0, 0x80]), 0)).toEqual([-1, 1]);
    expect(decodeRune(new Uint8Array([0xed, 0xa0, 0x80]), 0)).toEqual([-1, 1]);
    expect(decodeRune(new Uint8Array([0xf0, 0x9f, 0x98, 0x80]), 0)).toEqual([0x1f600, 4]);
  });
});

describe("strconv quoting", () => {
  it.each([
    ["plain", '"plain"'],
    ['q"b\\', '"q\\"b\\\\"'],
    ["\x07\b\f\n\r\t\v\x00\x7f", '"\\a\\b\\f\\n\\r\\t\\v\\x00\\x7f"'],
    ["é\u00a0\u2028😀", '"é\\u00a0\\u2028😀"'],
    [utf8Decode(new Uint8Array([0xff, 0x41])), '"\\xffA"'],
  ])("quote %j", (s, want) => {
    expect(quote(s)).toBe(want);
  });

  it("quotes to ASCII and runes", () => {
    expect(quoteToASCII("é😀")).toBe('"\\u00e9\\U0001f600"');
    expect(quoteRune(0x41)).toBe("'A'");
    expect(quoteRune(0x27)).toBe("'\\''");
    expect(quoteRune(0xd800)).toBe("'�'");
    expect(canBackquote("a\tb")).toBe(true);
    expect(canBackquote("a`b")).toBe(false);
    expect(canBackquote("a\nb")).toBe(false);
  });

  it("unquotes Go literals, and round-trips quote", () => {
    expect(unquote('"\\x41\\101\\u00e9\\U0001F600"')).toBe("AAé😀");
    expect(unquote('"\\xc3\\xa9"')).toBe("é");
    expect(unquote("`a\\tb`")).toBe("a\\tb");
    expect(unquote("'\\n'")).toBe("\n");
    expect(unquote('"\\q"')).toBeUndefined();
    expect(unquote("'ab'")).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), (s) => {
        expect(unquote(quote(s))).toBe(s);
      }),
    );
  });
});
