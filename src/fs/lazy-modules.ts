/**
 * Modules a run loads only when it needs them: tar's parser and node:zlib when it reads an
 * archive, and node:worker_threads when it starts a helper thread. Loaded with their importers,
 * they cost a fresh process ~5 ms before its command runs, and `helm template` of a chart
 * directory uses none of them.
 *
 * Only `tar/parse` (the Parser, all Slipway reads archives with): the package's index brings its
 * create, extract and unpack code, and with them node:fs/promises, node:readline and the rest of
 * node:crypto (28 more Node modules in a fresh process); the bundle is ~70 kB smaller.
 *
 * In the bundle (scripts/build-bundle.js) `require` is the chunk's own, and rolldown bundles
 * tar's CommonJS build behind `require("tar/parse")`, evaluated on the first call; the ES modules
 * of dist/ and the tests have no `require`, and take Node's.
 */
import { createRequire } from "node:module";
import type * as WorkerThreads from "node:worker_threads";
import type * as Zlib from "node:zlib";
import type * as TarParse from "tar/parse";

let tar: typeof TarParse | undefined;
let zlib: typeof Zlib | undefined;
let workerThreads: typeof WorkerThreads | undefined;

export function tarModule(): typeof TarParse {
  tar ??= (
    typeof require === "function" ? require("tar/parse") : createRequire(import.meta.url)("tar/parse")
  ) as typeof TarParse;
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
