/**
 * The entries' format is in each entry's header (store.ts): an entry another format wrote under
 * the same name — an older Slipway's, whose bodies are laid out otherwise — is refused as an
 * untrusted entry (a miss, counted as rejected) even though it opens with the key's seal, and a
 * write heals it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writePack } from "../../src/cache/pack-writes.js";
import { sealEntry } from "../../src/cache/seal.js";
import { DiskRenderCache } from "../../src/cache/store.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "slipway-entry-format-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `body` as an entry of format `format` under `key`, sealed with the key's own seal. */
function plant(cache: DiskRenderCache, unit: string, inputs: string, format: number, body: unknown): void {
  const key = cache.key(unit, inputs);
  const bytes = sealEntry(format, {
    id: key.id,
    key: key.seal,
    iv: Buffer.alloc(12, 7),
    plain: JSON.stringify(body),
  });
  writePack(cache.unitDir(unit), [{ id: key.id, bytes }]);
}

describe("render cache entry format", () => {
  it("serves an entry of its own format", () => {
    const cache = new DiskRenderCache(dir, "test-code-identity");
    plant(cache, "flux-postbuild", "inputs", 3, { sets: [] });
    expect(cache.get(cache.key("flux-postbuild", "inputs"))).toEqual({ sets: [] });
    expect(cache.stats.rejected).toBe(0);
  });

  it.each([2, 4])("refuses an entry of format %i under its name, and a write heals it", (format) => {
    const cache = new DiskRenderCache(dir, "test-code-identity");
    plant(cache, "flux-postbuild", "inputs", format, { sets: [] });
    const key = cache.key("flux-postbuild", "inputs");
    expect(cache.get(key)).toBeUndefined();
    expect(cache.stats).toMatchObject({ hits: 0, misses: 1, rejected: 1 });
    cache.put(key, { sets: [1] });
    const fresh = new DiskRenderCache(dir, "test-code-identity");
    expect(fresh.get(fresh.key("flux-postbuild", "inputs"))).toEqual({ sets: [1] });
  });
});
