/**
 * Render cache entries written by the helper thread (src/cache/background-writes.ts): the same
 * files, bytes and modes as synchronous writes; a read, a listing or the end of the process
 * never misses an entry that was queued.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { flushWrites } from "../../src/cache/background-writes.js";
import { cacheUsage, DiskRenderCache } from "../../src/cache/store.js";
import { repoRoot } from "../support/env.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(path.join(tmpdir(), "slipway-bg-writes-"));
  dirs.push(d);
  return d;
}

/** Every entry file under a cache directory, relative, sorted. */
function entries(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else out.push(path.relative(dir, abs));
    }
  };
  walk(dir);
  return out.sort();
}

const bodies = Array.from({ length: 40 }, (_, i) => ({ n: i, text: "x".repeat(i * 97) }));

describe("background cache writes", () => {
  it("write the entries a synchronous cache writes, readable with the same key", () => {
    const syncDir = temp();
    const bgDir = temp();
    const sync = new DiskRenderCache(syncDir, "code");
    const bg = new DiskRenderCache(bgDir, "code", { background: true });
    const keys = bodies.map((_, i) => sync.key("unit", `inputs ${i}`));
    expect(bg.mayHold("unit")).toBe(false);
    for (const [i, body] of bodies.entries()) {
      sync.put(keys[i]!, body);
      bg.put(keys[i]!, body);
    }
    // Queued entries count as present and read back at once, from this or another instance.
    expect(bg.mayHold("unit")).toBe(true);
    expect(new DiskRenderCache(bgDir, "code").get(keys[39]!)).toEqual(bodies[39]);
    flushWrites();
    expect(entries(bgDir)).toEqual(entries(syncDir));
    for (const f of entries(bgDir)) {
      expect(statSync(path.join(bgDir, f)).mode & 0o777).toBe(0o600);
      // Sealed with a fresh IV each time: the same size, another ciphertext.
      expect(readFileSync(path.join(bgDir, f)).length).toBe(readFileSync(path.join(syncDir, f)).length);
    }
    for (const [i, body] of bodies.entries()) expect(bg.get(keys[i]!)).toEqual(body);
    expect(bg.stats).toEqual({ hits: 40, misses: 0, writes: 40, rejected: 0 });
  });

  it("a run's first entries are written at once, without the thread; later ones are queued", async () => {
    // A fresh module: no entry written and no thread started in this process yet.
    vi.resetModules();
    const fresh = await import("../../src/cache/store.js");
    const dir = temp();
    const bg = new fresh.DiskRenderCache(dir, "code", { background: true });
    const keys = bodies.map((_, i) => bg.key("unit", `first ${i}`));
    for (let i = 0; i < 8; i++) {
      bg.put(keys[i]!, bodies[i]);
      // On disk when put returns: no thread to wait for (it takes tens of ms to start).
      expect(entries(dir)).toHaveLength(i + 1);
    }
    for (let i = 8; i < bodies.length; i++) bg.put(keys[i]!, bodies[i]);
    const bgWrites = await import("../../src/cache/background-writes.js");
    expect(bgWrites.postedUnder(path.join(bg.dir, "unit"))).toBe(true);
    bgWrites.flushWrites();
    expect(entries(dir)).toHaveLength(bodies.length);
    for (const [i, body] of bodies.entries()) expect(bg.get(keys[i]!)).toEqual(body);
  });

  it("a listing sees every queued entry", () => {
    const dir = temp();
    const bg = new DiskRenderCache(dir, "0123456789abcdef-code", { background: true });
    for (const [i, body] of bodies.entries()) bg.put(bg.key("unit", `listed ${i}`), body);
    expect(cacheUsage(dir)).toEqual([
      expect.objectContaining({ code: "0123456789abcdef", entries: bodies.length }),
    ]);
  });

  // A child process runs the compiled store (npm test builds first).
  const dist = path.join(repoRoot, "dist/cache/store.js");
  it.runIf(existsSync(dist))("a process that exits right after queueing leaves every entry written", () => {
    const dir = temp();
    const script = `
      const { DiskRenderCache } = await import(${JSON.stringify(pathToFileURL(dist).href)});
      const c = new DiskRenderCache(${JSON.stringify(dir)}, "code", { background: true });
      for (let i = 0; i < 200; i++) c.put(c.key("unit", "exit " + i), { i, pad: "y".repeat(5000) });
      process.exit(0);
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const c = new DiskRenderCache(dir, "code");
    for (let i = 0; i < 200; i++)
      expect(c.get(c.key("unit", `exit ${i}`))).toEqual({ i, pad: "y".repeat(5000) });
    expect(entries(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
