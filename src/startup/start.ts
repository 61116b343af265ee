/**
 * How bin/slipway.js starts the bundled CLI: dist/bundle/main.js through the BundleLoader, with
 * the code cache of this runtime and command under the cache directory, unless caching is off.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { cacheDisabled, defaultCacheDir } from "../cache/location.js";
import { setHelmEngineLoader } from "../helm/engine-access-bundled.js";
import { setWorkerLauncher } from "../helm/pool/launch.js";
import { noteProcStatAtStart } from "../helm/pool/proc-stat.js";
import { setPackageModuleLoader } from "../validate/schema/package-modules.js";
import { BundleLoader, codeCacheDir, runtimeKey } from "./bundle-loader.js";

export type CliMain = (args: string[]) => Promise<number>;

/**
 * The command a code cache is kept for: the first argument that is not a flag (nor the value of
 * `--cache-dir`), "none" without one. Anything unexpected shares the "other" cache.
 */
export function commandOf(argv: string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--cache-dir") i++;
    else if (!a.startsWith("-")) return /^[a-z][a-z-]{0,31}$/.test(a) ? a : "other";
  }
  return "none";
}

/**
 * The module a render worker starts from: the bundle's CommonJS build of worker-start.ts
 * (scripts/build-bundle.js), which Node's CommonJS loader runs as one file, as bin/slipway.js
 * runs start.js; where the bundle has none (a bundle a test made), worker-start.js beside this
 * module in dist/startup, an ES module. Asked when the first worker starts, not at every start.
 */
export function workerStartEntry(bundleDir: string): string {
  const bundled = path.join(bundleDir, WORKER_START);
  return existsSync(bundled)
    ? bundled
    : fileURLToPath(new URL(`../startup/${WORKER_START}`, import.meta.url));
}

const WORKER_START = "worker-start.js";

/**
 * Loads the bundle's entry and returns its `main`; the caches are written when the process exits.
 * The entry and its static imports load before `main` has read `--no-cache` and `--cache-dir` into
 * the environment: they are a few kilobytes, compiled without a cache. Every command's chunks load
 * after, when the environment says where the cache is, or that there is none.
 */
export function startBundle(
  bundleDir: string,
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): {
  main: CliMain;
  loader: BundleLoader;
} {
  // The window in which the render pool judges whether a second core is idle starts here.
  noteProcStatAtStart();
  let entryLoaded = false;
  let runtime: string | undefined;
  const command = commandOf(argv);
  const cacheDir = () => {
    // `slipway cache` keeps no code cache of its own: `cache clear` must leave the cache empty,
    // not write its own compiled code back as it exits.
    if (!entryLoaded || cacheDisabled(env) || command === "cache") return undefined;
    runtime ??= runtimeKey();
    return codeCacheDir(defaultCacheDir(env), runtime, command);
  };
  // SLIPWAY_TRACE_CHUNKS=1: each chunk (and package module) loaded, on stderr, with its compile and
  // evaluation time: what a command's start-up pays for, and what it must not load.
  const trace = env.SLIPWAY_TRACE_CHUNKS
    ? (line: string) => process.stderr.write(`slipway: chunk ${line}\n`)
    : undefined;
  const loader = new BundleLoader(bundleDir, cacheDir, trace);
  let workerEntry: string | undefined;
  // Render workers load their chunks with the same code cache (the main thread writes it).
  setWorkerLauncher({
    get entry() {
      workerEntry ??= workerStartEntry(bundleDir);
      return workerEntry;
    },
    bundleDir,
    codeCacheDir: cacheDir,
  });
  // The Helm engine's chunk, loaded by the first render (src/helm/engine-access-bundled.ts).
  setHelmEngineLoader((file) => loader.load(file));
  // kubernetes-models' schema modules with the same code cache as the chunks.
  setPackageModuleLoader((file, within) => loader.loadPackageModule(file, within));
  const main = loader.load("main.js").main as CliMain;
  entryLoaded = true;
  process.once("exit", () => loader.saveCaches());
  return { main, loader };
}
