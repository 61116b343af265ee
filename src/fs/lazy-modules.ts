/**
 * Modules a run loads only when it needs them: tar and node:zlib when it reads an archive, and
 * node:worker_threads when it starts a helper thread. Loaded with their importers, they cost a
 * fresh process ~5 ms before its command runs (tar brings node:assert, node:fs/promises and the
 * stream classes with it), and `helm template` of a chart directory uses none of them.
 *
 * In the bundle (scripts/build-bundle.js) `require` is the chunk's own, and rolldown bundles
 * tar's CommonJS build behind `require("tar")`, evaluated on the first call; the ES modules of
 * dist/ and the tests have no `require`, and take Node's.
 */
import { createRequire } from "node:module";
import type * as WorkerThreads from "node:worker_threads";
import type * as Zlib from "node:zlib";
import type * as Tar from "tar";

let tar: typeof Tar | undefined;
let zlib: typeof Zlib | undefined;
let workerThreads: typeof WorkerThreads | undefined;

export function tarModule(): typeof Tar {
  tar ??= (
    typeof require === "function" ? require("tar") : createRequire(import.meta.url)("tar")
  ) as typeof Tar;
  return tar;
}

export function zlibModule(): typeof Zlib {
  zlib ??= (
    typeof require === "function" ? require("node:zlib") : createRequire(import.meta.url)("node:zlib")
  ) as typeof Zlib;
  return zlib;
}

export function workerThreadsModule(): typeof WorkerThreads {
  workerThreads ??= (
    typeof require === "function"
      ? require("node:worker_threads")
      : createRequire(import.meta.url)("node:worker_threads")
  ) as typeof WorkerThreads;
  return workerThreads;
}
