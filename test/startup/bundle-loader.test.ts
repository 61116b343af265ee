/**
 * The bundle loader's code cache: chunks load and link like CommonJS, cached data is written at
 * the end and used by the next process, and a damaged, foreign or unwritable cache only costs a
 * compile. The built CLI with and without the cache prints the same bytes.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { BundleLoader, codeCacheDir, runtimeKey } from "../../src/startup/bundle-loader.js";
import { codeCacheUsage, removeCodeCaches } from "../../src/startup/code-cache-files.js";
import { commandOf } from "../../src/startup/start.js";
import { repoRoot } from "../support/env.js";
import { scratchDirs } from "../support/scratch.js";

const temps = scratchDirs();
const temp = () => temps.make("slipway-code-cache-");

/** A bundle like rolldown's: an entry requiring a chunk and a Node module. */
function writeBundle(dep = "exports.twice = (n) => n * 2;\n"): string {
  const dir = temp();
  writeFileSync(
    path.join(dir, "main.js"),
    `const dep = require("./dep.js");
exports.dep = dep;
exports.answer = dep.twice(21);
exports.sep = require("node:path").sep;
exports.where = [__filename, __dirname];
exports.self = this === exports && module.exports === exports;
`,
  );
  writeFileSync(path.join(dir, "dep.js"), dep);
  return dir;
}

const loaderModule = path.join(repoRoot, "dist/startup/bundle-loader.js");
const built = existsSync(path.join(repoRoot, "dist/bundle/main.js")) && existsSync(loaderModule);
if (!built) process.stderr.write("[skipped] code cache suites need dist/ (npm run build)\n");

/**
 * Loads the bundle in a fresh process (the built loader): V8 consults cached data only for code
 * it has not compiled yet, and this process compiled these sources already.
 */
function loadInChild(bundle: string, cache: string | undefined) {
  const script = `import { BundleLoader } from ${JSON.stringify(loaderModule)};
const loader = new BundleLoader(${JSON.stringify(bundle)}, () => ${JSON.stringify(cache)});
const answer = loader.load("main.js").answer;
loader.saveCaches();
console.log(JSON.stringify({ answer, stats: loader.stats }));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(r.stderr || String(r.error ?? r.signal));
  return JSON.parse(r.stdout) as { answer: number; stats: BundleLoader["stats"] };
}

/** loadInChild, several at once. */
function loadInChildAsync(bundle: string, cache: string) {
  const script = `import { BundleLoader } from ${JSON.stringify(loaderModule)};
const loader = new BundleLoader(${JSON.stringify(bundle)}, () => ${JSON.stringify(cache)});
const answer = loader.load("main.js").answer;
loader.saveCaches();
console.log(JSON.stringify({ answer, stats: loader.stats }));`;
  return new Promise<{ answer: number; stats: BundleLoader["stats"] }>((resolve, reject) => {
    execFile(process.execPath, ["--input-type=module", "-e", script], { timeout: 60_000 }, (err, stdout) =>
      err ? reject(err) : resolve(JSON.parse(stdout)),
    );
  });
}

/**
 * Packages laid out like kubernetes-models: schema modules requiring their neighbours by file
 * name, another package's schema module by package path, and a runtime package of their own.
 */
function writePackages() {
  const root = temp();
  const modules = path.join(root, "node_modules");
  const files = {
    top: path.join(modules, "models/_schemas/Top.js"),
    leaf: path.join(modules, "models/_schemas/Leaf.js"),
    meta: path.join(modules, "meta/_schemas/Meta.js"),
    runtime: path.join(modules, "runtime/index.js"),
  };
  for (const f of Object.values(files)) mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(
    files.top,
    `const leaf = require("./Leaf.js");
exports.leaf = leaf;
exports.meta = require("meta/_schemas/Meta");
exports.runtime = require("runtime");
exports.answer = leaf.n * 2;
exports.sep = require("node:path").sep;
`,
  );
  writeFileSync(files.leaf, "exports.n = 21;\n");
  writeFileSync(files.meta, 'exports.runtime = require("runtime");\n');
  writeFileSync(files.runtime, "exports.from = 'its file';\n");
  const schemaDirs = [path.dirname(files.top), path.dirname(files.meta)].map((d) => d + path.sep);
  return { files, within: (file: string) => schemaDirs.some((d) => file.startsWith(d)), schemaDirs };
}

const cacheFiles = (dir: string) =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".v8")) : [];

describe("BundleLoader", () => {
  it("links chunks like CommonJS, each loaded once", () => {
    const bundle = writeBundle();
    const loader = new BundleLoader(bundle, () => undefined);
    const main = loader.load("main.js");
    expect(main.answer).toBe(42);
    expect(main.sep).toBe(path.sep);
    expect(main.where).toEqual([path.join(bundle, "main.js"), bundle]);
    expect(main.self).toBe(true);
    expect(loader.load("dep.js")).toBe(main.dep);
    expect(loader.stats).toEqual({ hits: 0, misses: 2, rejected: 0, writes: 0 });
    loader.saveCaches();
    expect(loader.stats.writes).toBe(0);
  });

  it("writes cached data when asked, not before", () => {
    const bundle = writeBundle();
    const cache = path.join(temp(), "code");
    const loader = new BundleLoader(bundle, () => cache);
    expect(loader.load("main.js").answer).toBe(42);
    expect(cacheFiles(cache)).toEqual([]);
    loader.saveCaches();
    expect(loader.stats).toEqual({ hits: 0, misses: 2, rejected: 0, writes: 2 });
    expect(cacheFiles(cache)).toHaveLength(2);
    expect(readdirSync(cache).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  // Cached data is made and used by child processes: V8 refuses data made under other flags (this
  // test runner's), and consults none for code this process compiled already.
  it.runIf(built)("compiles from the data the previous process wrote", () => {
    const bundle = writeBundle();
    const cache = path.join(temp(), "code");
    expect(loadInChild(bundle, cache).stats).toEqual({ hits: 0, misses: 2, rejected: 0, writes: 2 });
    expect(loadInChild(bundle, cache)).toEqual({
      answer: 42,
      stats: { hits: 2, misses: 0, rejected: 0, writes: 0 },
    });
  });

  it.runIf(built)(
    "keys data by the chunk's content: an edited chunk misses, its neighbour still hits",
    () => {
      const cache = path.join(temp(), "code");
      loadInChild(writeBundle(), cache);
      const after = writeBundle("exports.twice = (n) => n + n;\n");
      expect(loadInChild(after, cache)).toEqual({
        answer: 42,
        stats: { hits: 1, misses: 1, rejected: 0, writes: 1 },
      });
    },
  );

  it.runIf(built)("ignores a damaged or truncated cache file and writes it again", () => {
    const bundle = writeBundle();
    const cache = path.join(temp(), "code");
    loadInChild(bundle, cache);
    const [a, b] = cacheFiles(cache).map((f) => path.join(cache, f)) as [string, string];
    const bytes = readFileSync(a);
    bytes[bytes.length - 5]! ^= 0xff;
    writeFileSync(a, bytes);
    writeFileSync(b, readFileSync(b).subarray(0, 40));

    expect(loadInChild(bundle, cache).stats).toEqual({ hits: 0, misses: 0, rejected: 2, writes: 2 });
    expect(loadInChild(bundle, cache).stats).toEqual({ hits: 2, misses: 0, rejected: 0, writes: 0 });
  });

  it.runIf(built)("data V8 refuses (made for another source of the same name) counts as rejected", () => {
    const bundle = writeBundle();
    const cache = path.join(temp(), "code");
    loadInChild(bundle, cache);
    // Sealed correctly but made for other code: V8's own check refuses it.
    const files = cacheFiles(cache).map((f) => path.join(cache, f));
    const [small, large] = files.sort((x, y) => readFileSync(x).length - readFileSync(y).length) as [
      string,
      string,
    ];
    writeFileSync(small, readFileSync(large));
    expect(loadInChild(bundle, cache)).toEqual({
      answer: 42,
      stats: { hits: 1, misses: 0, rejected: 1, writes: 1 },
    });
    expect(loadInChild(bundle, cache).stats).toEqual({ hits: 2, misses: 0, rejected: 0, writes: 0 });
  });

  it("runs without a cache when the directory cannot be written", () => {
    const bundle = writeBundle();
    const blocker = path.join(temp(), "file");
    writeFileSync(blocker, "not a directory");
    const loader = new BundleLoader(bundle, () => path.join(blocker, "code"));
    expect(loader.load("main.js").answer).toBe(42);
    loader.saveCaches();
    expect(loader.stats).toEqual({ hits: 0, misses: 2, rejected: 0, writes: 0 });
  });

  it.runIf(built)(
    "an empty file, a directory or a FIFO at a cache file's name is no cache, and no hang",
    () => {
      const bundle = writeBundle();
      const cache = path.join(temp(), "code");
      loadInChild(bundle, cache);
      const [first, second] = cacheFiles(cache).map((f) => path.join(cache, f)) as [string, string];
      writeFileSync(first, "");
      rmSync(second);
      mkdirSync(second);
      expect(loadInChild(bundle, cache)).toEqual({
        answer: 42,
        stats: { hits: 0, misses: 0, rejected: 2, writes: 1 },
      });
      rmSync(second, { recursive: true });
      execFileSync("mkfifo", [second]);
      // Blocking on the FIFO would never return: spawnSync's timeout fails the test instead.
      expect(loadInChild(bundle, cache)).toEqual({
        answer: 42,
        stats: { hits: 1, misses: 0, rejected: 1, writes: 1 },
      });
      expect(loadInChild(bundle, cache).stats).toEqual({ hits: 2, misses: 0, rejected: 0, writes: 0 });
    },
  );

  it.runIf(built)(
    "data of another chunk of the same length is refused (V8 would run that chunk's code)",
    () => {
      const doubles = writeBundle("exports.twice = (n) => n * 2;\n");
      const triples = writeBundle("exports.twice = (n) => n * 3;\n");
      const cache = path.join(temp(), "code");
      expect(loadInChild(doubles, cache).answer).toBe(42);
      const digest = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
      const mine = path.join(cache, `${digest(path.join(doubles, "dep.js"))}.v8`);
      writeFileSync(path.join(cache, `${digest(path.join(triples, "dep.js"))}.v8`), readFileSync(mine));
      expect(loadInChild(triples, cache)).toEqual({
        answer: 63,
        stats: { hits: 1, misses: 0, rejected: 1, writes: 1 },
      });
    },
  );

  it.runIf(built)("a chunk changed after its cache was written compiles from its new source", () => {
    const bundle = writeBundle();
    const cache = path.join(temp(), "code");
    loadInChild(bundle, cache);
    writeFileSync(path.join(bundle, "dep.js"), "exports.twice = (n) => n * 3;\n");
    expect(loadInChild(bundle, cache)).toEqual({
      answer: 63,
      stats: { hits: 1, misses: 1, rejected: 0, writes: 1 },
    });
    expect(loadInChild(bundle, cache)).toEqual({
      answer: 63,
      stats: { hits: 2, misses: 0, rejected: 0, writes: 0 },
    });
  });

  it.runIf(built)("processes starting together each answer alike and leave whole files", async () => {
    const bundle = writeBundle();
    const cache = path.join(temp(), "code");
    const runs = await Promise.all(Array.from({ length: 4 }, () => loadInChildAsync(bundle, cache)));
    for (const r of runs) expect(r.answer).toBe(42);
    expect(readdirSync(cache).filter((f) => !f.endsWith(".v8"))).toEqual([]);
    expect(loadInChild(bundle, cache).stats).toEqual({ hits: 2, misses: 0, rejected: 0, writes: 0 });
  });

  it.runIf(built)("reads no cache when asked for none", () => {
    const bundle = writeBundle();
    const cache = path.join(temp(), "code");
    loadInChild(bundle, cache);
    expect(loadInChild(bundle, undefined).stats).toEqual({ hits: 0, misses: 2, rejected: 0, writes: 0 });
  });
});

describe("BundleLoader.loadPackageModule", () => {
  it("loads the files `within` accepts itself, each once, and the others through Node", () => {
    const { files, within } = writePackages();
    const loader = new BundleLoader(temp(), () => undefined);
    const top = loader.loadPackageModule(files.top, within);
    expect(top.answer).toBe(42);
    expect(top.sep).toBe(path.sep);
    expect(loader.loadPackageModule(files.leaf, within)).toBe(top.leaf);
    expect(loader.loadPackageModule(files.meta, within)).toBe(top.meta);
    // The runtime is Node's module, the one Node's require hands everyone (a stand-in put in its
    // module cache included).
    const nodeRuntime = createRequire(files.top)("runtime");
    expect(top.runtime).toBe(nodeRuntime);
    expect((top.meta as { runtime: unknown }).runtime).toBe(nodeRuntime);
    expect(loader.stats).toEqual({ hits: 0, misses: 3, rejected: 0, writes: 0 });
  });

  it.runIf(built)("compiles them from the data the previous process wrote", () => {
    const { files, schemaDirs } = writePackages();
    const cache = path.join(temp(), "code");
    const script = `import { BundleLoader } from ${JSON.stringify(loaderModule)};
const loader = new BundleLoader(${JSON.stringify(temp())}, () => ${JSON.stringify(cache)});
const dirs = ${JSON.stringify(schemaDirs)};
const top = loader.loadPackageModule(${JSON.stringify(files.top)}, (f) => dirs.some((d) => f.startsWith(d)));
loader.saveCaches();
console.log(JSON.stringify({ answer: top.answer, stats: loader.stats }));`;
    const child = () => {
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
        encoding: "utf8",
        timeout: 60_000,
      });
      if (r.status !== 0) throw new Error(r.stderr || String(r.error ?? r.signal));
      return JSON.parse(r.stdout) as { answer: number; stats: BundleLoader["stats"] };
    };
    expect(child()).toEqual({ answer: 42, stats: { hits: 0, misses: 3, rejected: 0, writes: 3 } });
    expect(child()).toEqual({ answer: 42, stats: { hits: 3, misses: 0, rejected: 0, writes: 0 } });
  });
});

describe("commandOf", () => {
  it.each([
    [["helm", "template", "r", "chart"], "helm"],
    [["--no-cache", "check", "."], "check"],
    [["--cache-dir", "/tmp/c", "render", "."], "render"],
    [["--cache-dir=/tmp/c", "diff"], "diff"],
    [["--version"], "none"],
    [[], "none"],
    [["../weird path"], "other"],
  ])("%j → %s", (argv, want) => {
    expect(commandOf(argv)).toBe(want);
  });
});

describe.runIf(built)("the built CLI with the code cache", () => {
  function run(args: string[], env: Record<string, string>) {
    const r = spawnSync(process.execPath, [path.join(repoRoot, "bin/slipway.js"), ...args], {
      encoding: "utf8",
      env: { ...process.env, SLIPWAY_NO_CACHE: "", ...env },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const codeDir = (cache: string) => path.join(cache, "code");
  const build = ["build", path.join(repoRoot, "examples/hello/overlays/dev")];

  it("prints the same bytes compiling, writing and reading the cache", () => {
    const cache = temp();
    const plain = run(build, { SLIPWAY_NO_CACHE: "1", SLIPWAY_CACHE_DIR: cache });
    expect(plain.code).toBe(0);
    expect(existsSync(codeDir(cache))).toBe(false);
    const writing = run(build, { SLIPWAY_CACHE_DIR: cache });
    expect(existsSync(codeDir(cache))).toBe(true);
    const reading = run(build, { SLIPWAY_CACHE_DIR: cache });
    expect([writing, reading]).toEqual([plain, plain]);
  });

  it("check keeps the compiled kubernetes-models schemas it loaded beside its chunks", () => {
    const cache = temp();
    const check = ["check", path.join(repoRoot, "examples/platform"), "--format", "json"];
    const plain = run(check, { SLIPWAY_NO_CACHE: "1", SLIPWAY_CACHE_DIR: cache });
    const writing = run(check, { SLIPWAY_CACHE_DIR: cache });
    const models = path.dirname(createRequire(import.meta.url).resolve("kubernetes-models/package.json"));
    const schema = path.join(models, "_schemas", "IoK8sApiAppsV1Deployment.js");
    const name = `${createHash("sha256").update(readFileSync(schema)).digest("hex")}.v8`;
    const written = readdirSync(codeDir(cache), { recursive: true }).map(String);
    expect(written.filter((f) => path.basename(f) === name)).toHaveLength(1);
    // The schema pass's results are cached too: from here on they are computed again, schemas loaded.
    rmSync(path.join(cache, "renders"), { recursive: true, force: true });
    const reading = run(check, { SLIPWAY_CACHE_DIR: cache });
    expect([writing, reading]).toEqual([plain, plain]);
  });

  it("--no-cache neither reads nor writes it; an unwritable directory only costs the cache", () => {
    const cache = temp();
    expect(run(["--no-cache", ...build], { SLIPWAY_CACHE_DIR: cache }).code).toBe(0);
    expect(existsSync(codeDir(cache))).toBe(false);
    // A cache directory that cannot be created (a file is in the way; root ignores permissions).
    const blocker = path.join(temp(), "file");
    writeFileSync(blocker, "not a directory");
    const r = run(build, { SLIPWAY_CACHE_DIR: blocker });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });
});

describe("code cache files (slipway cache)", () => {
  it("prune keeps this runtime's files of chunks in the bundle; clear removes all", () => {
    const bundle = writeBundle();
    const cacheDir = temp();
    const current = codeCacheDir(cacheDir, runtimeKey(), "build");
    const loader = new BundleLoader(bundle, () => current);
    loader.load("main.js");
    loader.saveCaches();
    const otherRuntime = codeCacheDir(cacheDir, "0".repeat(16), "build");
    const gone = codeCacheDir(cacheDir, runtimeKey(), "check");
    for (const [dir, name] of [
      [otherRuntime, cacheFiles(current)[0]!],
      [gone, `${"a".repeat(64)}.v8`],
    ] as const) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, name), "x");
    }
    expect(codeCacheUsage(cacheDir).files).toBe(4);
    expect(removeCodeCaches(cacheDir, "prune", bundle)).toBe(2);
    expect(cacheFiles(current)).toHaveLength(2);
    expect(codeCacheUsage(cacheDir).files).toBe(2);
    expect(removeCodeCaches(cacheDir, "prune", undefined)).toBe(2);
    loader.saveCaches();
    expect(removeCodeCaches(cacheDir, "clear")).toBe(0);
    expect(codeCacheUsage(cacheDir)).toEqual({ files: 0, bytes: 0 });
  });
});

describe("the bin in a checkout that was never built", () => {
  it("says to run the build and exits 2, not 'internal error'", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-unbuilt-"));
    try {
      cpSync(path.join(repoRoot, "bin"), path.join(dir, "bin"), { recursive: true });
      cpSync(path.join(repoRoot, "package.json"), path.join(dir, "package.json"));
      const r = spawnSync(process.execPath, [path.join(dir, "bin/slipway.js"), "check", "."], {
        encoding: "utf8",
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("this installation is not built");
      expect(r.stderr).toContain(`run 'npm run build' in ${dir}`);
      expect(r.stderr).not.toContain("internal error");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
