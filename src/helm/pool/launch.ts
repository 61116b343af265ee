/**
 * How render workers start when the CLI runs from the bundle (src/startup/start.ts): through the
 * bundle loader with the code cache the main thread uses, instead of Node compiling the worker's
 * chunks from their sources in every worker of every run (the render chunk alone is ~650 kB).
 * The bundle and src/startup are separate copies of the code, so the launcher travels as a
 * process-wide symbol; none is set when Slipway runs unbundled (dist/ modules, tests).
 */
export interface WorkerLauncher {
  /** The module a worker runs first (worker-start.ts as dist/bundle/worker-start.js builds it). */
  entry: string;
  /** The bundle directory the loader reads chunks from. */
  bundleDir: string;
  /** This run's code cache directory; undefined when caching is off (--no-cache). */
  codeCacheDir(): string | undefined;
}

/** What worker-start.js finds in `workerData.bundle`. */
export interface BundledWorkerData {
  dir: string;
  file: string;
  codeCache: string;
}

const LAUNCHER = Symbol.for("slipway.render-worker-launcher");

export function setWorkerLauncher(launcher: WorkerLauncher | undefined): void {
  (globalThis as { [LAUNCHER]?: WorkerLauncher })[LAUNCHER] = launcher;
}

/**
 * The entry and data to start the worker `script` with through the launcher: only for a worker
 * of the launcher's bundle, and only with a code cache (otherwise Node loads `script` itself, as
 * it would without a launcher).
 */
export function bundledLaunch(script: string): { entry: string; data: BundledWorkerData } | undefined {
  const launcher = (globalThis as { [LAUNCHER]?: WorkerLauncher })[LAUNCHER];
  if (!launcher) return undefined;
  const slash = Math.max(script.lastIndexOf("/"), script.lastIndexOf("\\"));
  const dir = script.slice(0, slash);
  if (slash < 0 || trimSep(dir) !== trimSep(launcher.bundleDir)) return undefined;
  const codeCache = launcher.codeCacheDir();
  if (codeCache === undefined) return undefined;
  return {
    entry: launcher.entry,
    data: { dir: launcher.bundleDir, file: script.slice(slash + 1), codeCache },
  };
}

function trimSep(dir: string): string {
  return dir.replace(/[\\/]+$/, "");
}
