/**
 * Cache directories are restored from CI caches and shared between jobs: whatever sits at an
 * entry's name — a FIFO, a directory, a link to a FIFO or a device — is a miss (or, for the
 * chart cache, an error naming the file), never a hang or a crash, and a later write heals it.
 * A FIFO opened for reading blocks until a writer comes: before, a run stopped there for good.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { CacheError, ChartCache, type ChartRef } from "../../src/charts/cache.js";
import { readRegularFile } from "../../src/fs/read-regular.js";
import { writeFixture } from "../helmrelease/fixture.js";
import { tempTree } from "../support/cli.js";
import { repoRoot } from "../support/env.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-hostile-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const hasMkfifo = process.platform !== "win32";
const mkfifo = (file: string) => execFileSync("mkfifo", [file]);

/**
 * Ways to put something other than an entry at a name, that a blocking read survives (a FIFO
 * would hang the test process itself: those cases run the CLI in a child, below).
 */
const plants: Array<[string, (file: string) => void]> = [["a directory", (f) => fs.mkdirSync(f)]];

/** What hung a run before (a FIFO blocks the open; a link to /dev/zero is read forever). */
const hangs: Array<[string, (file: string) => void]> = [
  ["a FIFO", (f) => mkfifo(f)],
  ["a link to /dev/zero", (f) => fs.symlinkSync("/dev/zero", f)],
];

describe.runIf(hasMkfifo)("render cache: something else at a pack's name", () => {
  it.each(plants)("%s: a rejected miss, and a write replaces it", (_, plant) => {
    const cache = new DiskRenderCache(dir, "c".repeat(64));
    const key = cache.key("unit", "inputs");
    cache.put(key, { a: 1 });
    expect(cache.get(key)).toEqual({ a: 1 });
    const [file] = filesBelow(cache.unitDir("unit"));
    if (file === undefined) throw new Error("no pack written");
    fs.rmSync(file);
    plant(file);
    const after = new DiskRenderCache(dir, "c".repeat(64));
    expect(after.get(key)).toBeUndefined();
    expect(after.getBytes(key)).toBeUndefined();
    expect(after.stats).toMatchObject({ hits: 0, misses: 2, rejected: 2 });
    after.put(key, { a: 2 });
    if (!fs.lstatSync(file).isDirectory()) expect(after.get(key)).toEqual({ a: 2 });
  });
});

describe("render cache: a file where a unit's directory is", () => {
  it("a rejected miss (not an error), and a dangling link a plain miss", () => {
    const cache = new DiskRenderCache(dir, "c".repeat(64));
    const key = cache.key("unit", "inputs");
    fs.mkdirSync(cache.dir, { recursive: true });
    fs.writeFileSync(cache.unitDir("unit"), "not a directory");
    expect(cache.get(key)).toBeUndefined();
    expect(cache.stats).toMatchObject({ hits: 0, misses: 1, rejected: 1 });
    const other = cache.key("other", "inputs");
    fs.mkdirSync(cache.unitDir("other"), { recursive: true });
    fs.symlinkSync(path.join(dir, "nowhere"), path.join(cache.unitDir("other"), "0.pack"));
    expect(cache.get(other)).toBeUndefined();
    expect(cache.stats).toMatchObject({ hits: 0, misses: 2, rejected: 1 });
  });
});

describe.runIf(hasMkfifo)("chart cache: something else at a record's or an archive's name", () => {
  const ref: ChartRef = { source: "https://charts.example.com", name: "web", version: "1.0.0" };

  it.each(plants)("%s as the archive: an error naming the file", (_, plant) => {
    const cache = new ChartCache(dir);
    const digest = cache.putArchive(ref, new TextEncoder().encode("archive"));
    const blob = cache.blobFile(digest);
    fs.rmSync(blob);
    plant(blob);
    expect(() => cache.getArchive(ref)).toThrow(CacheError);
    // pull stores it again over whatever is there (a directory stays and keeps failing loudly).
    if (fs.lstatSync(blob).isDirectory()) return;
    cache.putArchive(ref, new TextEncoder().encode("archive"));
    expect(Buffer.from(cache.getArchive(ref)!).toString()).toBe("archive");
  });

  it.each(plants)("%s as the reference record: an error naming the file", (_, plant) => {
    const cache = new ChartCache(dir);
    cache.putArchive(ref, new TextEncoder().encode("archive"));
    const refs = path.join(dir, "charts", "refs");
    const [name] = fs.readdirSync(refs);
    const file = path.join(refs, name!);
    fs.rmSync(file);
    plant(file);
    expect(() => cache.lookup(ref)).toThrow(CacheError);
  });
});

/** The built CLI with the cache on in `cacheDir`, stopped after a minute (a hang fails, it does not block the suite). */
function run(args: string[], cacheDir: string) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, "bin/slipway.js"), ...args], {
    encoding: "utf8",
    timeout: 30_000,
    killSignal: "SIGKILL",
    env: { ...process.env, SLIPWAY_NO_CACHE: "", SLIPWAY_CACHE_DIR: cacheDir },
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Every file below `root`. */
function filesBelow(root: string): string[] {
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe.runIf(hasMkfifo)("FIFOs and endless files in the cache directory, through the CLI", () => {
  it.each(hangs)(
    "helm template: render cache entries that are %s are misses, the output is the same",
    (_, plant) => {
      const chart = tempTree({
        "Chart.yaml": "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
        "values.yaml": "greeting: hello\n",
        "templates/cm.yaml":
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  g: {{ .Values.greeting }}\n",
      });
      try {
        const args = ["helm", "template", "web", chart];
        const fresh = run(args, dir);
        expect(fresh.code, fresh.stderr).toBe(0);
        const entries = filesBelow(path.join(dir, "renders"));
        expect(entries.length).toBeGreaterThan(0);
        for (const f of entries) {
          fs.rmSync(f);
          plant(f);
        }
        const again = run(args, dir);
        expect(again.signal).toBeNull();
        expect(again.code, again.stderr).toBe(0);
        expect(again.stdout).toBe(fresh.stdout);
      } finally {
        fs.rmSync(chart, { recursive: true, force: true });
      }
    },
  );

  it.each(hangs)("charts list: a chart cache file that is %s is reported as a damaged one is", (_, plant) => {
    const root = writeFixture();
    try {
      // The fixture's HelmRelease 'remote' asks for podinfo 6.x from this HelmRepository.
      const key = createHash("sha256")
        .update("https://stefanprodan.github.io/podinfo\npodinfo")
        .digest("hex");
      const versions = path.join(dir, "charts", "versions", `${key}.json`);
      fs.mkdirSync(path.dirname(versions), { recursive: true });
      // What a damaged file there gives (an error naming it) is what a FIFO gives.
      fs.writeFileSync(versions, "not json");
      const damaged = run(["charts", "list", root], dir);
      expect(damaged.stderr).toContain(versions);
      fs.rmSync(versions);
      plant(versions);
      const r = run(["charts", "list", root], dir);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(damaged.code);
      expect(r.stderr).toContain(versions);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe.runIf(hasMkfifo)("readRegularFile", () => {
  it("reads a regular file and refuses the rest with EINVAL (absent: ENOENT)", () => {
    const f = path.join(dir, "f");
    fs.writeFileSync(f, "bytes");
    expect(readRegularFile(f).toString()).toBe("bytes");
    mkfifo(path.join(dir, "p"));
    const code = (p: string) => {
      try {
        readRegularFile(p);
        return "read";
      } catch (e) {
        return (e as NodeJS.ErrnoException).code;
      }
    };
    expect(code(path.join(dir, "p"))).toBe("EINVAL");
    expect(code(dir)).toBe("EINVAL");
    expect(code(path.join(dir, "absent"))).toBe("ENOENT");
  });
});
