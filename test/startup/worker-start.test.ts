/**
 * A render worker started from the bundle (src/startup/worker-start.ts) loads its chunk through
 * the bundle loader, with the code cache the main thread wrote: chunks the main thread loaded
 * compile from their cached data in the worker. The CLI starts it from the bundle's CommonJS
 * build of worker-start (dist/bundle/worker-start.js), which does not set up Node's ES module
 * loader in the worker as the ES module in dist/startup does.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { workerStartEntry } from "../../src/startup/start.js";
import { repoRoot } from "../support/env.js";
import { scratchDirs } from "../support/scratch.js";

const loaderModule = path.join(repoRoot, "dist/startup/bundle-loader.js");
const esmEntry = path.join(repoRoot, "dist/startup/worker-start.js");
const bundledEntry = path.join(repoRoot, "dist/bundle/worker-start.js");
const built = existsSync(loaderModule) && existsSync(esmEntry) && existsSync(bundledEntry);
if (!built) process.stderr.write("[skipped] worker-start suite needs dist/ (npm run build)\n");

const temps = scratchDirs();

/** A bundle whose worker chunk reports what it computed and how the loader loaded it. */
function writeBundle(): string {
  const dir = temps.make("slipway-worker-start-");
  writeFileSync(path.join(dir, "dep.js"), "exports.twice = (n) => n * 2;\n");
  writeFileSync(
    path.join(dir, "probe.js"),
    `const dep = require("./dep.js");
require("node:worker_threads").parentPort.postMessage({
  answer: dep.twice(21),
  data: require("node:worker_threads").workerData.extra,
  stats: globalThis[Symbol.for("slipway.worker-code-cache")],
  esModuleLoader: process.moduleLoadList.includes("NativeModule internal/modules/esm/module_job"),
});
`,
  );
  return dir;
}

/**
 * In a fresh process (V8 takes cached data made under the same flags only): the main thread
 * loads `dep.js` and writes its cache when `prime`, then a worker starts through worker-start.
 */
function startWorker(entry: string, bundle: string, cache: string, prime: boolean) {
  const script = `import { BundleLoader } from ${JSON.stringify(loaderModule)};
import { Worker } from "node:worker_threads";
if (${prime}) {
  const loader = new BundleLoader(${JSON.stringify(bundle)}, () => ${JSON.stringify(cache)});
  loader.load("dep.js");
  loader.saveCaches();
}
const w = new Worker(${JSON.stringify(entry)}, {
  workerData: { extra: "kept", bundle: { dir: ${JSON.stringify(bundle)}, file: "probe.js", codeCache: ${JSON.stringify(cache)} } },
});
w.on("message", (m) => { console.log(JSON.stringify(m)); process.exit(0); });
w.on("error", (e) => { console.error(e); process.exit(1); });`;
  // A file, not --input-type=module -e: a worker inherits the flags, and that one refuses files.
  const file = path.join(bundle, `start-${prime}.mjs`);
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, [file], {
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(r.stderr || String(r.error ?? r.signal));
  return JSON.parse(r.stdout);
}

describe.runIf(built).each([
  { from: "the bundle's CommonJS build (the CLI's)", entry: bundledEntry, esModuleLoader: false },
  { from: "dist/startup's ES module", entry: esmEntry, esModuleLoader: true },
])("render worker started from the bundle, through $from", ({ entry, esModuleLoader }) => {
  it("compiles the chunks the main thread cached from their data; writes nothing itself", () => {
    const bundle = writeBundle();
    const cache = path.join(bundle, "code");
    expect(startWorker(entry, bundle, cache, true)).toEqual({
      answer: 42,
      data: "kept",
      stats: { hits: 1, misses: 1, rejected: 0, writes: 0 },
      esModuleLoader,
    });
  });

  it("without cached data, compiles from source", () => {
    const bundle = writeBundle();
    expect(startWorker(entry, bundle, path.join(bundle, "none"), false)).toEqual({
      answer: 42,
      data: "kept",
      stats: { hits: 0, misses: 2, rejected: 0, writes: 0 },
      esModuleLoader,
    });
  });
});

describe("the entry the CLI starts render workers from", () => {
  it("is the bundle's worker-start.js, or the ES module in dist/startup where the bundle has none", () => {
    const bundle = temps.make("slipway-worker-entry-");
    expect(path.basename(workerStartEntry(bundle))).toBe("worker-start.js");
    expect(path.dirname(workerStartEntry(bundle))).toBe(path.join(repoRoot, "src/startup"));
    writeFileSync(path.join(bundle, "worker-start.js"), "");
    expect(workerStartEntry(bundle)).toBe(path.join(bundle, "worker-start.js"));
  });
});
