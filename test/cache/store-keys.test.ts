import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";

/**
 * An entry's name and seal are sha256 of `slipway-cache <format> <purpose>\0<code>\0<unit>\0`
 * followed by the inputs (store.ts), computed in one shot: the same digests as hashing the
 * prefix and the inputs one after the other, whatever the inputs hold (non-ASCII, a lone
 * surrogate, NUL), and the unit's packs are where path.join puts them.
 */
describe("DiskRenderCache keys", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-keys-"));
  const cache = new DiskRenderCache(dir, "c0de");
  const streamed = (purpose: string, unit: string, inputs: string) =>
    createHash("sha256").update(`slipway-cache 3 ${purpose}\0c0de\0${unit}\0`).update(inputs);

  it("are the documented digests of the prefix and the inputs", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("flux-build", "helm-release", "check-result"),
        fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.constantFrom("\ud800", "a\u0000b", "")),
        (unit, inputs) => {
          const key = cache.key(unit, inputs);
          expect(key.id).toBe(streamed("name", unit, inputs).digest("hex"));
          expect(key.seal.equals(streamed("seal", unit, inputs).digest())).toBe(true);
          expect(cache.unitDir(unit)).toBe(path.join(dir, "renders", "c0de", unit));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("derive the seal when first asked for, the same one every time, also on a key extended in place", () => {
    const key = Object.assign(cache.key("unit-s", "inputs"), { summary: cache.key("unit-t", "inputs") });
    const first = key.seal;
    expect(first.equals(streamed("seal", "unit-s", "inputs").digest())).toBe(true);
    expect(key.seal).toBe(first);
    expect(key.summary.seal.equals(streamed("seal", "unit-t", "inputs").digest())).toBe(true);
    // A key whose seal was never asked for seals and opens its entry with the documented one.
    const other = new DiskRenderCache(dir, "c0de");
    cache.put(cache.key("unit-s", "later"), { v: 3 });
    expect(other.get(other.key("unit-s", "later"))).toEqual({ v: 3 });
  });

  it("put and get agree through the memoised unit directories", () => {
    const a = cache.key("unit-a", "x");
    const b = cache.key("unit-b", "x");
    cache.put(a, { v: 1 });
    cache.put(b, { v: 2 });
    expect(cache.get(a)).toEqual({ v: 1 });
    expect(cache.get(b)).toEqual({ v: 2 });
    expect(cache.get(cache.key("unit-a", "y"))).toBeUndefined();
  });
});
