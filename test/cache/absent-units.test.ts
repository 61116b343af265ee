/**
 * The commands' cache (memoAbsentUnits, src/cache/store.ts): a unit directory found absent holds
 * only the entries caches of this thread write there afterwards; entries another process wrote
 * meanwhile are misses until the next such cache is made. A default cache looks every time.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(path.join(tmpdir(), "slipway-absent-units-"));
  dirs.push(d);
  return d;
}

const code = "a".repeat(64);
const body = { resources: [], warnings: ["w"] };

/** An entry of `unit` written by "another process": made in a scratch cache, copied in. */
function writtenElsewhere(cacheDir: string, unit: string, inputs: string): void {
  const other = temp();
  const w = new DiskRenderCache(other, code);
  w.put(w.key(unit, inputs), body);
  cpSync(path.join(other, "renders"), path.join(cacheDir, "renders"), { recursive: true });
}

describe("render cache: unit directories found absent", () => {
  it("a memoising cache misses there until it or another cache of this thread writes", () => {
    const dir = temp();
    const c = new DiskRenderCache(dir, code, { memoAbsentUnits: true });
    const k = c.key("helm-release", "one");
    expect(c.get(k)).toBeUndefined();
    writtenElsewhere(dir, "helm-release", "one");
    // Another process's entry: a miss for this cache, a hit for a default one and for the next
    // memoising cache made.
    expect(c.get(k)).toBeUndefined();
    expect(new DiskRenderCache(dir, code).get(k)).toStrictEqual(body);
    expect(new DiskRenderCache(dir, code, { memoAbsentUnits: true }).get(k)).toStrictEqual(body);
  });

  it("entries written through any cache of this thread are read; others stay misses", () => {
    const dir = temp();
    const c = new DiskRenderCache(dir, code, { memoAbsentUnits: true });
    const k1 = c.key("flux-build", "one");
    const k2 = c.key("flux-build", "two");
    expect(c.get(k1)).toBeUndefined();
    new DiskRenderCache(dir, code).put(k2, body);
    expect(c.get(k2)).toStrictEqual(body);
    expect(c.get(k1)).toBeUndefined();
    writtenElsewhere(dir, "flux-build", "three");
    expect(c.get(c.key("flux-build", "three"))).toBeUndefined();
    c.put(k1, body);
    expect(c.get(k1)).toStrictEqual(body);
    expect(c.stats).toMatchObject({ hits: 2, misses: 3, rejected: 0 });
  });

  it("a unit mayHold finds absent is memoised as a read's would be", () => {
    const dir = temp();
    const c = new DiskRenderCache(dir, code, { memoAbsentUnits: true });
    expect(c.mayHold("check-source-lines")).toBe(false);
    const own = c.key("check-source-lines", "own");
    c.put(own, body);
    writtenElsewhere(dir, "check-source-lines", "other");
    // Its own entry is read; another process's, written after the answer, is a miss.
    expect(c.get(own)).toStrictEqual(body);
    expect(c.get(c.key("check-source-lines", "other"))).toBeUndefined();
    expect(new DiskRenderCache(dir, code).get(c.key("check-source-lines", "other"))).toStrictEqual(body);
  });

  it("other units are unaffected", () => {
    const dir = temp();
    const c = new DiskRenderCache(dir, code, { memoAbsentUnits: true });
    expect(c.get(c.key("helm-release", "one"))).toBeUndefined();
    writtenElsewhere(dir, "chart-facts", "x");
    expect(c.get(c.key("chart-facts", "x"))).toStrictEqual(body);
  });
});
