/**
 * The render cache as users meet it: the built CLI (run `npm run build` first), two processes
 * filling one cache at once, `--no-cache`, and `slipway cache`.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { chartDerivedDir } from "../../src/charts/derived.js";
import { writeFixture } from "../helmrelease/fixture.js";
import { storedEntries } from "../support/cache-entries.js";
import { slipwayWithCache } from "../support/cli.js";
import { repoRoot } from "../support/env.js";
import { scratchDirs } from "../support/scratch.js";

const temps = scratchDirs();
const temp = () => temps.make("slipway-rc-cli-");

const run = slipwayWithCache;

/** Masked values carry a keyed hash whose key is new every run (src/sops/mask.ts): compare the rest. */
const unsalted = (s: string) => s.replace(/<masked:sha256:[0-9a-f]+>/g, "<masked>");

/** The entries stored below `dir`, each once however many packs hold it. */
const entries = (dir: string): number => (existsSync(dir) ? storedEntries(dir).length : 0);

describe("render cache through the CLI", () => {
  const root = writeFixture();
  temps.keep(root);

  it("two processes filling one cache at once, then a warm run: every output identical to --no-cache", async () => {
    const cacheDir = temp();
    const none = await run(["render", root, "--format", "json", "--no-cache"], cacheDir);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain("web-other-migrate");
    expect(existsSync(path.join(cacheDir, "renders"))).toBe(false);
    const [a, b] = await Promise.all([
      run(["render", root, "--format", "json"], cacheDir),
      run(["render", root, "--format", "json"], cacheDir),
    ]);
    expect(none.stdout).toContain("<masked:sha256:");
    expect(unsalted(a.stdout)).toBe(unsalted(none.stdout));
    expect(unsalted(b.stdout)).toBe(unsalted(none.stdout));
    const stored = entries(path.join(cacheDir, "renders"));
    expect(stored).toBeGreaterThan(0);
    const warm = await run(["render", root, "--format", "json"], cacheDir);
    expect(unsalted(warm.stdout)).toBe(unsalted(none.stdout));
    expect(warm.stderr).toBe(none.stderr);
    expect(entries(path.join(cacheDir, "renders"))).toBe(stored);
    const checkNone = await run(["check", root, "--format", "json", "--no-cache"], cacheDir);
    const checkWarm = await run(["check", root, "--format", "json"], cacheDir);
    expect(unsalted(checkWarm.stdout)).toBe(unsalted(checkNone.stdout));
    expect(checkWarm.code).toBe(checkNone.code);
  });

  it("SLIPWAY_NO_CACHE=1 writes nothing", async () => {
    const cacheDir = temp();
    const child = await new Promise<number>((resolve) => {
      spawn(process.execPath, [path.join(repoRoot, "bin/slipway.js"), "render", root], {
        env: { ...process.env, SLIPWAY_NO_CACHE: "1", SLIPWAY_CACHE_DIR: cacheDir },
        stdio: "ignore",
      }).on("close", (code) => resolve(code ?? -1));
    });
    expect(child).toBe(0);
    expect(existsSync(path.join(cacheDir, "renders"))).toBe(false);
  });

  it("`slipway cache` reports, prunes other builds and clears", async () => {
    const cacheDir = temp();
    await run(["render", root], cacheDir);
    // Entries of another build, as a rebuild of Slipway leaves them.
    const stale = new DiskRenderCache(cacheDir, "f".repeat(64));
    stale.put(stale.key("helm-release", "x"), { resources: [], warnings: [] });
    // What another build derived from chart archives.
    const staleDerived = new DiskRenderCache(cacheDir, "f".repeat(64), { root: chartDerivedDir(cacheDir) });
    staleDerived.put(staleDerived.key("chart-facts", "x"), {});
    const info = await run(["cache", "info"], cacheDir);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/\(this build\): [1-9]\d* entries/);
    expect(info.stdout).toContain("ffffffffffffffff: 1 entries");
    const current = entries(path.join(cacheDir, "renders")) - 1;
    const prune = await run(["cache", "prune"], cacheDir);
    expect(prune.stdout).toContain("removed 1 render cache entry");
    expect(prune.stdout).toContain("removed 1 chart-derived entry");
    expect(existsSync(stale.dir)).toBe(false);
    expect(existsSync(staleDerived.dir)).toBe(false);
    expect(entries(path.join(cacheDir, "renders"))).toBe(current);
    // This build's entries that no run read for a while go too; a warm run keeps them fresh.
    const age = () => {
      const old = new Date(Date.now() - 40 * 24 * 3600 * 1000);
      for (const e of readdirSync(path.join(cacheDir, "renders"), { recursive: true, withFileTypes: true }))
        if (e.isFile()) utimesSync(path.join(e.parentPath, e.name), old, old);
    };
    age();
    await run(["render", root], cacheDir);
    expect((await run(["cache", "prune", "--older-than", "30"], cacheDir)).stdout).toContain("removed 0 ");
    age();
    expect((await run(["cache", "prune", "--older-than", "30"], cacheDir)).stdout).toContain(
      `removed ${current} render cache`,
    );
    await run(["render", root], cacheDir);
    staleDerived.put(staleDerived.key("chart-facts", "x"), {});
    // A file below code/ that is no cache file of Slipway's is not its to remove.
    mkdirSync(path.join(cacheDir, "code", "mine"), { recursive: true });
    writeFileSync(path.join(cacheDir, "code", "mine", "notes.txt"), "mine\n");
    await run(["cache", "clear"], cacheDir);
    expect(entries(path.join(cacheDir, "renders"))).toBe(0);
    expect(entries(chartDerivedDir(cacheDir))).toBe(0);
    // Nor does `cache clear` keep a code cache of its own (code/<runtime>/<command>) as it exits,
    // and the directories the cache files leave empty go with them.
    const kept = readdirSync(path.join(cacheDir, "code"), { recursive: true }).map(String).sort();
    expect(kept).toEqual(["mine", "mine/notes.txt"]);
    expect((await run(["cache", "nonsense"], cacheDir)).code).toBe(2);
  });

  it("`slipway cache` rewrites chart cache entries an older Slipway wrote with a source's credentials in the clear", async () => {
    const cacheDir = temp();
    const clear = "https://bot:glpat-s3cr3t@charts.example.com/stable";
    const refs = path.join(cacheDir, "charts", "refs");
    mkdirSync(refs, { recursive: true });
    const record = {
      source: clear,
      name: "x",
      version: "1.0.0",
      digest: `sha256:${"a".repeat(64)}`,
      size: 1,
    };
    writeFileSync(path.join(refs, `${"1".repeat(64)}.json`), JSON.stringify(record));
    const info = await run(["cache", "info"], cacheDir);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain("removed the clear credentials of 1 chart cache entry\n");
    const [entry] = readdirSync(refs);
    expect(readFileSync(path.join(refs, entry!), "utf8")).toContain(
      '"https://***@charts.example.com/stable"',
    );
    expect((await run(["cache", "info"], cacheDir)).stdout).not.toContain("clear credentials");
  });
});

describe("render cache: concurrent writers of one entry", () => {
  it("a reader sees the whole entry or none, never a part, while two processes rewrite it", async () => {
    const cacheDir = temp();
    const size = 200_000;
    const body = {
      resources: [{ object: { kind: "ConfigMap", data: { x: "y".repeat(size) } } }],
      warnings: [],
    };
    const script = `
      const { DiskRenderCache } = await import(${JSON.stringify(path.join(repoRoot, "dist/cache/store.js"))});
      const c = new DiskRenderCache(${JSON.stringify(cacheDir)}, "c".repeat(64));
      const body = { resources: [{ object: { kind: "ConfigMap", data: { x: "y".repeat(${size}) } } }], warnings: [] };
      for (let i = 0; i < 150; i++) c.put(c.key("helm-release", "same inputs"), body);
    `;
    const writer = () =>
      new Promise<number>((resolve) => {
        spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "inherit" })
          .on("error", () => resolve(-1))
          .on("close", (code) => resolve(code ?? -1));
      });
    const reader = new DiskRenderCache(cacheDir, "c".repeat(64));
    const key = reader.key("helm-release", "same inputs");
    let done = false;
    const writers = Promise.all([writer(), writer()]).then((codes) => {
      done = true;
      return codes;
    });
    while (!done) {
      const got = reader.get(key);
      if (got !== undefined) expect(got).toStrictEqual(body);
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(await writers).toEqual([0, 0]);
    expect(reader.stats.rejected).toBe(0);
    expect(reader.get(key)).toStrictEqual(body);
    // No temp file is left behind: the unit holds packs only.
    const names = readdirSync(reader.unitDir("helm-release"));
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !/^[0-9a-z-]+\.pack$/.test(n))).toEqual([]);
  });
});
