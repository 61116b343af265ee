/**
 * The render cache's packs (src/cache/pack.ts, pack-writes.ts): a run's entries of a unit go
 * into one file when it ends; reads of the run find them before; packs stay few over runs; a
 * pack that lies, is damaged or goes away while read is a miss, never an error or another
 * entry's body; two processes writing at once keep each other's entries.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodePack, readPackIndex } from "../../src/cache/pack.js";
import { flushWrites, MAX_PACKS } from "../../src/cache/pack-writes.js";
import { DiskRenderCache, removeRenders } from "../../src/cache/store.js";
import { doIdleWork } from "../../src/idle-work.js";
import { storedEntries } from "../support/cache-entries.js";
import { repoRoot } from "../support/env.js";

const CODE = "c".repeat(64);
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-packs-"));
});
afterEach(() => {
  flushWrites();
  fs.rmSync(dir, { recursive: true, force: true });
});

const deferred = () => new DiskRenderCache(dir, CODE, { deferWrites: true });
const packsOf = (cache: DiskRenderCache, unit: string) =>
  fs.existsSync(cache.unitDir(unit)) ? fs.readdirSync(cache.unitDir(unit)).sort() : [];

describe("deferred writes", () => {
  it("a run's entries of a unit are one pack, written at the flush; the run reads them before", () => {
    const cache = deferred();
    const keys = Array.from({ length: 40 }, (_, i) => cache.key(i % 2 ? "odd" : "even", `inputs ${i}`));
    for (const [i, k] of keys.entries()) cache.put(k, { i });
    cache.putBytes(cache.key("bytes", "b"), new Uint8Array([1, 2, 3]));
    expect(fs.existsSync(cache.dir)).toBe(false);
    expect(cache.get(keys[7]!)).toEqual({ i: 7 });
    expect(cache.getBytes(cache.key("bytes", "b"))).toEqual(Buffer.from([1, 2, 3]));
    expect(cache.mayHold("odd")).toBe(true);
    flushWrites();
    expect([
      packsOf(cache, "odd").length,
      packsOf(cache, "even").length,
      packsOf(cache, "bytes").length,
    ]).toEqual([1, 1, 1]);
    const next = new DiskRenderCache(dir, CODE);
    for (const [i, k] of keys.entries()) expect(next.get(k)).toEqual({ i });
    expect(next.getBytes(next.key("bytes", "b"))).toEqual(Buffer.from([1, 2, 3]));
    expect(next.stats).toMatchObject({ hits: 41, misses: 0, rejected: 0 });
  });

  it("entries sealed while the thread would wait (idle work) are written as sealing at the flush writes them", () => {
    const cache = deferred();
    const keys = Array.from({ length: 6 }, (_, i) => cache.key("idle", `inputs ${i}`));
    for (const [i, k] of keys.entries()) cache.put(k, { i });
    cache.put(keys[2]!, { i: "again" });
    // Six entries queued, one of them twice: the replaced one is not sealed.
    let steps = 0;
    while (doIdleWork()) steps++;
    expect(steps).toBe(6);
    expect(cache.get(keys[3]!)).toEqual({ i: 3 });
    cache.put(cache.key("idle", "after"), { late: true });
    flushWrites();
    expect(doIdleWork()).toBe(false);
    const next = new DiskRenderCache(dir, CODE);
    for (const [i, k] of keys.entries()) expect(next.get(k)).toEqual({ i: i === 2 ? "again" : i });
    expect(next.get(next.key("idle", "after"))).toEqual({ late: true });
    expect(packsOf(cache, "idle").length).toBe(1);
  });

  it("an entry written again is read as written last, before and after the flush", () => {
    const cache = deferred();
    const key = cache.key("hint", "x");
    cache.put(key, { v: 1 });
    flushWrites();
    expect(cache.get(key)).toEqual({ v: 1 });
    cache.put(key, { v: 2 });
    expect(cache.get(key)).toEqual({ v: 2 });
    flushWrites();
    expect(cache.get(key)).toEqual({ v: 2 });
    expect(new DiskRenderCache(dir, CODE).get(key)).toEqual({ v: 2 });
  });

  it("a run that read a unit's entries from two packs writes them into its own: the next run reads one pack", () => {
    const first = deferred();
    const a = first.key("unit", "a");
    first.put(a, { a: 1 });
    flushWrites();
    const second = deferred();
    const b = second.key("unit", "b");
    expect(second.get(a)).toEqual({ a: 1 });
    second.put(b, { b: 1 });
    flushWrites();
    expect(packsOf(second, "unit")).toHaveLength(2);
    // A third run reads both packs and writes nothing new: it writes what it read, in one pack.
    const third = deferred();
    expect([third.get(a), third.get(b)]).toEqual([{ a: 1 }, { b: 1 }]);
    flushWrites();
    const packs = packsOf(third, "unit");
    expect(packs).toHaveLength(3);
    const newest = readPackIndex(path.join(third.unitDir("unit"), packs.at(-1)!));
    expect(typeof newest === "string" ? [] : [...newest.entries.keys()].sort()).toEqual([a.id, b.id].sort());
    // …and a run that read one pack only writes nothing.
    const fourth = deferred();
    expect([fourth.get(a), fourth.get(b)]).toEqual([{ a: 1 }, { b: 1 }]);
    flushWrites();
    expect(packsOf(fourth, "unit")).toHaveLength(3);
  });

  it(`a unit keeps at most ${MAX_PACKS} packs: the least recently used go, never one the run read`, () => {
    const used = deferred();
    const kept = used.key("unit", "kept");
    used.put(kept, { kept: true });
    flushWrites();
    // Its time says it was used long ago (a read refreshes it once a day only).
    const [keptPack] = packsOf(used, "unit");
    const old = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    fs.utimesSync(path.join(used.unitDir("unit"), keptPack!), old, old);
    const oldest = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    for (let i = 0; i < MAX_PACKS + 4; i++) {
      const run = deferred();
      run.put(run.key("unit", `run ${i}`), { i });
      flushWrites();
      if (i === 0)
        fs.utimesSync(path.join(run.unitDir("unit"), packsOf(run, "unit").at(-1)!), oldest, oldest);
    }
    // Past the bound now (eviction keeps none of the run's reads: this run read nothing).
    expect(packsOf(used, "unit").length).toBeLessThanOrEqual(MAX_PACKS);
    const last = deferred();
    expect(last.get(last.key("unit", "run 0"))).toBeUndefined();
    expect(last.get(last.key("unit", `run ${MAX_PACKS + 3}`))).toEqual({ i: MAX_PACKS + 3 });
    // A run that reads the oldest pack keeps it through its own eviction.
    const reader = deferred();
    const stale = reader.key("unit", "stale");
    fs.writeFileSync(
      path.join(reader.unitDir("unit"), "000000000-0000-0-old.pack"),
      Buffer.concat(encodePack([{ id: stale.id, bytes: sealedBy(stale, { s: 1 }) }])),
    );
    fs.utimesSync(path.join(reader.unitDir("unit"), "000000000-0000-0-old.pack"), old, old);
    expect(reader.get(stale)).toEqual({ s: 1 });
    reader.put(reader.key("unit", "new"), {});
    flushWrites();
    expect(packsOf(reader, "unit")).toContain("000000000-0000-0-old.pack");
    expect(packsOf(reader, "unit").length).toBeLessThanOrEqual(MAX_PACKS);
  });
});

/** An entry as a cache that writes at once seals it (the one entry of its pack). */
function sealedBy(key: ReturnType<DiskRenderCache["key"]>, body: unknown): Buffer {
  const other = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-packs-seal-"));
  try {
    const c = new DiskRenderCache(other, CODE);
    c.put(key, body);
    const [pack] = fs.readdirSync(c.unitDir(key.unit));
    const bytes = fs.readFileSync(path.join(c.unitDir(key.unit), pack!));
    const index = readPackIndex(path.join(c.unitDir(key.unit), pack!));
    if (typeof index === "string") throw new Error("no pack");
    const slot = index.entries.get(key.id)!;
    return bytes.subarray(index.dataStart + slot.offset, index.dataStart + slot.offset + slot.length);
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
  }
}

describe("packs that lie or are damaged", () => {
  const index = (entries: unknown) => `${JSON.stringify({ "slipway-pack": 1, entries })}\n`;
  it.each<[string, (id: string, entry: Buffer) => Buffer | string]>([
    ["no index line", () => "no newline"],
    ["an index that is not JSON", () => "{not json\n"],
    [
      "another format",
      (id, e) =>
        Buffer.concat([
          Buffer.from(`${JSON.stringify({ "slipway-pack": 2, entries: [[id, 0, e.length]] })}\n`),
          e,
        ]),
    ],
    ["an entry past the end", (id, e) => Buffer.concat([Buffer.from(index([[id, 0, e.length + 1]])), e])],
    ["a negative offset", (id, e) => Buffer.concat([Buffer.from(index([[id, -1, e.length]])), e])],
    ["a fractional length", (id, e) => Buffer.concat([Buffer.from(index([[id, 0, 1.5]])), e])],
    ["an entry that is not a triple", (id, e) => Buffer.concat([Buffer.from(index([[id, 0]])), e])],
    ["entries that are not a list", (id, e) => Buffer.concat([Buffer.from(index({ id })), e])],
    [
      "an entry one byte off",
      (id, e) => Buffer.concat([Buffer.from(index([[id, 0, e.length]])), Buffer.from("x"), e]),
    ],
  ])("%s: a rejected miss", (_, make) => {
    const cache = new DiskRenderCache(dir, CODE);
    const key = cache.key("unit", "x");
    const entry = sealedBy(key, { a: 1 });
    fs.mkdirSync(cache.unitDir("unit"), { recursive: true });
    fs.writeFileSync(path.join(cache.unitDir("unit"), "0.pack"), make(key.id, entry));
    expect(cache.get(key)).toBeUndefined();
    expect(cache.stats).toMatchObject({ hits: 0, misses: 1, rejected: 1 });
    // A whole pack beside it serves.
    cache.put(key, { a: 1 });
    expect(cache.get(key)).toEqual({ a: 1 });
  });

  it("an index naming an entry over another entry's bytes: a rejected miss, never the other body", () => {
    const cache = new DiskRenderCache(dir, CODE);
    const key = cache.key("unit", "x");
    const other = cache.key("unit", "y");
    fs.mkdirSync(cache.unitDir("unit"), { recursive: true });
    fs.writeFileSync(
      path.join(cache.unitDir("unit"), "0.pack"),
      Buffer.concat(encodePack([{ id: key.id, bytes: sealedBy(other, { secret: 1 }) }])),
    );
    expect(cache.get(key)).toBeUndefined();
    expect(cache.stats).toMatchObject({ misses: 1, rejected: 1 });
  });

  it("a pack removed after it was listed (a prune, another run's eviction): a miss, not an error", () => {
    const writer = new DiskRenderCache(dir, CODE);
    const small = writer.key("unit", "small");
    const large = writer.key("unit", "large");
    writer.put(small, { s: 1 });
    // Larger than what is read with the index: its entries are read from the file when asked.
    writer.put(large, { l: "x".repeat(200_000) });
    const reader = new DiskRenderCache(dir, CODE);
    expect(reader.get(small)).toEqual({ s: 1 });
    removeRenders(dir, "clear");
    expect(reader.get(large)).toBeUndefined();
    expect(reader.stats).toMatchObject({ hits: 1, misses: 1, rejected: 0 });
  });
});

describe("two processes writing one unit at once", () => {
  it("keep each other's entries: both packs are there and whole", async () => {
    const script = (who: string) => `
      const { DiskRenderCache } = await import(${JSON.stringify(path.join(repoRoot, "dist/cache/store.js"))});
      const c = new DiskRenderCache(${JSON.stringify(dir)}, ${JSON.stringify(CODE)}, { deferWrites: true });
      for (let i = 0; i < 200; i++) c.put(c.key("unit", "${who} " + i), { who: "${who}", i, pad: "x".repeat(2000) });
    `;
    const child = (who: string) =>
      new Promise<number>((resolve) => {
        spawn(process.execPath, ["--input-type=module", "-e", script(who)], { stdio: "inherit" })
          .on("error", () => resolve(-1))
          .on("close", (code) => resolve(code ?? -1));
      });
    expect(await Promise.all([child("a"), child("b")])).toEqual([0, 0]);
    const reader = new DiskRenderCache(dir, CODE);
    expect(packsOf(reader, "unit")).toHaveLength(2);
    for (const who of ["a", "b"])
      for (let i = 0; i < 200; i++)
        expect(reader.get(reader.key("unit", `${who} ${i}`))).toMatchObject({ who, i });
    expect(reader.stats.rejected).toBe(0);
    expect(storedEntries(reader.dir)).toHaveLength(400);
  });
});
