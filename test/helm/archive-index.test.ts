/**
 * A chart archive read through its stored tar index (src/helm/archive-index.ts) gives what
 * parsing the stream gives: the same files, bytes and order, the same size budget left, and the
 * same failure when a chart tree's budget runs out. An index that does not fit the stream is
 * ignored. Differential over seeded random archives (replay: SLIPWAY_FUZZ_SEED).
 */
import { describe, expect, it } from "vitest";
import type { ArchiveIndexStore, TarIndex } from "../../src/helm/archive-index.js";
import { type ArchiveBudget, MAX_CHART_TREE_SIZE, readChartArchive } from "../../src/helm/loader.js";
import { fuzzSeeds, Rng } from "../support/random.js";
import { tgz } from "../support/tgz.js";

/** An index kept in memory, counting reads that found one and writes. */
function memoryIndex(): ArchiveIndexStore & { kept?: TarIndex; hits: number; writes: number } {
  const m: ArchiveIndexStore & { kept?: TarIndex; hits: number; writes: number } = {
    hits: 0,
    writes: 0,
    read: () => {
      if (m.kept !== undefined) m.hits++;
      return m.kept && structuredClone(m.kept);
    },
    write: (index) => {
      m.writes++;
      m.kept = structuredClone(index);
    },
  };
  return m;
}

/** A chart's files: sizes across tar's 512-byte blocks, empty files, byte order marks, subcharts. */
function randomArchive(rng: Rng): Uint8Array {
  const entries: Array<[string, string | Uint8Array]> = [["demo/Chart.yaml", "apiVersion: v2\nname: demo\n"]];
  const n = 1 + rng.int(12);
  for (let i = 0; i < n; i++) {
    const dir = rng.pick(["templates", "crds", "charts/sub/templates", "files", ""]);
    const name = `demo/${dir ? `${dir}/` : ""}f${i}.${rng.pick(["yaml", "txt", "json"])}`;
    const size = rng.pick([0, 1, 3, 511, 512, 513, 1024, 5000, rng.int(70000)]);
    const data = Buffer.alloc(size);
    for (let j = 0; j < size; j++) data[j] = 32 + rng.int(90);
    if (size >= 3 && rng.chance(0.3)) data.set([0xef, 0xbb, 0xbf]);
    if (rng.chance(0.2)) entries.push([`demo/${dir || "x"}/`, ""]); // a directory entry
    entries.push([name, data]);
  }
  return tgz(entries);
}

const read = (bytes: Uint8Array, budget: ArchiveBudget, index?: ArchiveIndexStore) => {
  try {
    return readChartArchive(bytes, "demo.tgz", budget, index).map((f) => [
      f.name,
      Buffer.from(f.data).toString("base64"),
    ]);
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
};

describe("chart archives read through a stored tar index", () => {
  it.each(fuzzSeeds(7100, 40))("equals parsing the stream (seed %i)", (seed) => {
    const rng = new Rng(seed);
    const archive = randomArchive(rng);
    const parsedBudget = { remaining: MAX_CHART_TREE_SIZE };
    const parsed = read(archive, parsedBudget);
    expect(Array.isArray(parsed)).toBe(true);
    const index = memoryIndex();
    expect(read(archive, { remaining: MAX_CHART_TREE_SIZE }, index)).toEqual(parsed);
    expect(index.writes).toBe(1);
    const indexedBudget = { remaining: MAX_CHART_TREE_SIZE };
    expect(read(archive, indexedBudget, index)).toEqual(parsed);
    expect(index.hits).toBe(1);
    expect(index.writes).toBe(1);
    expect(indexedBudget.remaining).toBe(parsedBudget.remaining);
    // A chart tree's budget that runs out inside this archive: the same failure either way.
    const used = MAX_CHART_TREE_SIZE - parsedBudget.remaining;
    if (used > 0) {
      const small = rng.int(used);
      const a = { remaining: small };
      const b = { remaining: small };
      expect(read(archive, b, index)).toEqual(read(archive, a));
      expect(b.remaining).toBe(a.remaining);
    }
  });

  it("an index that does not fit the stream is ignored, and written again", () => {
    const archive = randomArchive(new Rng(3));
    const parsed = read(archive, { remaining: MAX_CHART_TREE_SIZE });
    const index = memoryIndex();
    read(archive, { remaining: MAX_CHART_TREE_SIZE }, index);
    const good = index.kept!;
    for (const bad of [
      { ...good, tarLength: good.tarLength + 1 },
      {
        ...good,
        files: good.files.map(([n, o, l]) => [n, o + good.tarLength, l] as [string, number, number]),
      },
      { ...good, files: good.files.map(([n, o]) => [n, o, good.tarLength] as [string, number, number]) },
      { ...good, files: good.files.map(([n, , l]) => [n, -1, l] as [string, number, number]) },
      { ...good, files: [] },
    ]) {
      index.kept = bad;
      const writes = index.writes;
      expect(read(archive, { remaining: MAX_CHART_TREE_SIZE }, index)).toEqual(parsed);
      expect(index.writes).toBe(writes + 1);
      expect(index.kept).toEqual(good);
    }
  });

  it("an archive that fails is never indexed", () => {
    const index = memoryIndex();
    expect(read(tgz([["Chart.yaml", "x"]]), { remaining: MAX_CHART_TREE_SIZE }, index)).toMatch(/^error:/);
    const archive = randomArchive(new Rng(5));
    expect(read(archive, { remaining: 1 }, index)).toMatch(/larger than/);
    expect(index.writes).toBe(0);
  });
});
