/**
 * Entry bodies written in ASCII (value-codec.ts's asciiJson): characters past ASCII as `\u`
 * escapes, so that a reader takes the text as Latin-1 bytes instead of decoding UTF-8; the
 * values read back are the values written, and an entry written with raw UTF-8 (before this
 * change) still reads.
 */
import { isAscii } from "node:buffer";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { flushWrites } from "../../src/cache/pack-writes.js";
import { DiskRenderCache } from "../../src/cache/store.js";
import { asciiJson, entryText, JsonText } from "../../src/cache/value-codec.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(path.join(tmpdir(), "slipway-ascii-entries-"));
  dirs.push(d);
  return d;
}

/** Strings past ASCII: Latin-1, the BMP, astral characters (surrogate pairs), a lone surrogate, NUL. */
const texts = [
  "café",
  "“exported_”",
  "日本語",
  "emoji 😀 and 🚀",
  "lone \ud800 surrogate",
  "nul \u0000 ok",
  "plain",
];

describe("ASCII entry bodies", () => {
  it.each([
    ["at once", false],
    ["deferred", true],
  ])("%s writes: bodies are stored in ASCII and read back as written", (_, deferWrites) => {
    const dir = temp();
    const cache = new DiskRenderCache(dir, "code", { deferWrites });
    const body = { texts, byKey: Object.fromEntries(texts.map((t, i) => [t, i])) };
    const parts = ['{"a":', JSON.stringify(texts[1]), ',"b":', JSON.stringify(texts[3]), "}"];
    const plainKey = cache.key("unit", "plain");
    const partsKey = cache.key("unit", "parts");
    cache.put(plainKey, body);
    cache.put(partsKey, new JsonText(parts));
    flushWrites();
    const reader = new DiskRenderCache(dir, "code");
    // getBytes gives an entry's plaintext as stored.
    for (const key of [plainKey, partsKey]) expect(isAscii(reader.getBytes(key)!)).toBe(true);
    expect(reader.get(plainKey)).toEqual(body);
    expect(reader.get(partsKey)).toEqual({ a: texts[1], b: texts[3] });
    expect(reader.stats.rejected).toBe(0);
  });

  it("an entry stored with raw UTF-8 still reads", () => {
    const dir = temp();
    const cache = new DiskRenderCache(dir, "code");
    const key = cache.key("unit", "utf8");
    const text = JSON.stringify({ texts });
    // putBytes stores bytes as given: the UTF-8 text a writer before asciiJson stored.
    cache.putBytes(key, Buffer.from(text, "utf8"));
    expect(new DiskRenderCache(dir, "code").get(key)).toEqual({ texts });
  });

  it("asciiJson's text parses to the same value, for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (v, s) => {
        for (const value of [v, s, { [s]: v }]) {
          const text = JSON.stringify(value);
          const ascii = asciiJson(text);
          expect(isAscii(Buffer.from(ascii, "utf8"))).toBe(true);
          expect(JSON.parse(ascii)).toEqual(JSON.parse(text));
          expect(entryText(Buffer.from(ascii, "latin1"))).toBe(ascii);
        }
      }),
    );
  });
});
