/**
 * A render worker started from the bundle (src/helm/pool/launch.ts): loads the worker's chunk
 * through the BundleLoader with the code cache of the process's command, which the main thread
 * writes at exit (it loads the same chunks: the worker's own entry is a few lines). The worker
 * writes nothing: its threads end with the process, without an exit of their own.
 */
import { workerData } from "node:worker_threads";
import { setHelmEngineLoader } from "../helm/engine-access-bundled.js";
import type { BundledWorkerData } from "../helm/pool/launch.js";
import { BundleLoader } from "./bundle-loader.js";

const { dir, file, codeCache } = (workerData as { bundle: BundledWorkerData }).bundle;
const loader = new BundleLoader(dir, () => codeCache);
// How the chunks loaded (hits, misses), for tests and benchmarks: read by code in the worker.
(globalThis as Record<symbol, unknown>)[Symbol.for("slipway.worker-code-cache")] = loader.stats;
// The engine a worker renders with is its entry's; any render point loads through the loader too.
setHelmEngineLoader((chunk) => loader.load(chunk));
loader.load(file);
