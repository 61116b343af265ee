/**
 * A render worker started from the bundle (src/startup/worker-start.ts) loads its chunk through
 * the bundle loader, with the code cache the main thread wrote: chunks the main thread loaded
 * compile from their cached data in the worker.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/env.js";
import { scratchDirs } from "../support/scratch.js";

const loaderModule = path.join(repoRoot, "dist/startup/bundle-loader.js");
const entry = path.join(repoRoot, "dist/startup/worker-start.js");
const built = existsSync(loaderModule) && existsSync(entry);
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
});
`,
  );
  return dir;
}

/**
 * In a fresh process (V8 takes cached data made under the same flags only): the main thread
 * loads `dep.js` and writes its cache when `prime`, then a worker starts through worker-start.
 */
function startWorker(bundle: string, cache: string, prime: boolean) {
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

describe.runIf(built)("render worker started from the bundle", () => {
  it("compiles the chunks the main thread cached from their data; writes nothing itself", () => {
    const bundle = writeBundle();
    const cache = path.join(bundle, "code");
    expect(startWorker(bundle, cache, true)).toEqual({
      answer: 42,
      data: "kept",
      stats: { hits: 1, misses: 1, rejected: 0, writes: 0 },
    });
  });

  it("without cached data, compiles from source", () => {
    const bundle = writeBundle();
    expect(startWorker(bundle, path.join(bundle, "none"), false)).toEqual({
      answer: 42,
      data: "kept",
      stats: { hits: 0, misses: 2, rejected: 0, writes: 0 },
    });
  });
});
