#!/usr/bin/env -S node --stack-size=3900 --min-semi-space-size=16 --initial-old-space-size=128 --interrupt-budget=2400000
// --stack-size: Helm allows 1000 nested includes; V8's default stack (~1 MB) holds ~600 of ours.
// --min-semi-space-size=16: V8's young generation starts at 1 MB and doubles after each collection
// up to 16 MB (its default maximum); a run that allocates tens of MB collects many times on the
// way, copying the same survivors each time. At 16 MB from the start it does not grow.
// --initial-old-space-size=128: a warm check of bjw-s home-ops keeps ~30 MB, mostly objects decoded
// from the render cache, past V8's first old-generation limit: an incremental mark-compact (with
// its finalisation, 40-55 ms on this machine) that freed ~3 of ~31 MB. Below 128 MB no full
// collection starts; later limits are V8's own, from what survives. Linux kernels before 5.1 cut
// a #! line at 127 bytes, which leaves room for three of these flags beside --stack-size, not for
// both semi-space flags (32 MB before) and this one. Fresh processes, alternated, 9 runs each,
// medians of user + system at load 6-9 (32 MB semi-spaces -> these): warm check of bjw-s
// home-ops (render cache, chart cache) 384 -> 337 ms (GC 88 -> 54 ms), the same with chart
// directories 420 -> 365 ms, `check` after a one-file edit 523 -> 421 ms, cold check 1845 ->
// 1747 ms (5 runs); helm template kube-prometheus-stack (warm cache) 240 -> 260 ms, the one
// figure that pays (the 32 MB young generation held its whole run). Peak RSS of a cold render
// of bjw-s home-ops 207 -> 175 MB (smaller young generations, in render workers too).
// --interrupt-budget: how much bytecode a function runs before V8 considers optimizing it (default
// 67584). A run of a few seconds spent about as much CPU in TurboFan's background compiles (4 V8
// threads, in each isolate: main and render workers) as in the main thread, much of it on code that
// ran briefly after; 4.4× the default compiles what stays hot. CPU (user + system, load 8-14):
// cold check of bjw-s home-ops ~4.2 -> ~3.7 s, helm template kube-prometheus-stack 450 -> 330 ms
// (--no-cache 780 -> 560 ms), the Helm corpus in one process 4.8 -> 3.9 s. 8.9× (600000) pays
// again, fresh processes alternated, medians of user + system (load ~5): kube-prometheus-stack
// warm cache 212 -> 187 ms (15 runs), --no-cache 567 -> 518 ms (11), `check --no-cache` of
// bjw-s home-ops 687 -> 645 ms (5), the Helm corpus cold in one process 3.52 -> 3.48 s (3);
// 1200000: 190 ms warm (no better), --no-cache 464 ms. 35.5× (2400000) pays in the cold check,
// where most code runs a few hundred times and TurboFan's compiles of it come too late to repay
// themselves. Fresh processes alternated, medians of user + system, load 8-13 (600000 -> 1200000
// -> 2400000): cold check of bjw-s home-ops with an empty render cache, no render worker 1.57 ->
// 1.49 -> 1.36 s and 1.88 -> 1.69 -> 1.61 s (9 and 12 runs), one worker 1.85 -> 1.76 -> 1.80 s
// and 2.00 -> 1.86 -> 1.80 s (9, 11); kube-prometheus-stack --no-cache 0.53 -> 0.49 -> 0.49 s,
// warm 0.24 -> 0.24 -> 0.23 s (9); no change in longer runs: the Helm corpus in one process
// 3.17 -> 3.09 -> 3.18 s (7), the 297 realworld kustomization directories built in one process
// 0.81 -> 0.74 -> 0.77 s (7), the check with a warm render cache 0.36 -> 0.34 -> 0.36 s (11).
// 4800000 gave back part of it (cold check 1.46 s, one worker 1.84 s).
// The bundle (one chunk per command, dependencies inlined, loaded with V8's code cache by
// src/startup) starts faster than the module tree tsc writes; both are built by `npm run build`
// (and by `npm ci` through `prepare`). This file is CommonJS (bin/package.json), like the bundle's
// start (dist/bundle/start.js): an ES module entry set up Node's ES module loader first, ~5-8 ms
// of every run.
"use strict";
const { existsSync } = require("node:fs");
const path = require("node:path");

// A reader that stops early (`slipway render | head`) closes the pipe: stop quietly, as a
// program killed by SIGPIPE would (exit 141), instead of dying with an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err?.code === "EPIPE") process.exit(141);
    throw err;
  });
}

const args = process.argv.slice(2);
const bundleDir = `${path.join(__dirname, "..", "dist", "bundle")}${path.sep}`;
const main =
  existsSync(`${bundleDir}main.js`) && existsSync(`${bundleDir}start.js`)
    ? Promise.resolve(require(`${bundleDir}start.js`).startBundle(bundleDir, args).main)
    : import("../dist/cli/main.js").then(
        (m) => m.main,
        (err) => {
          // A checkout that was never built (or whose build was removed) has no dist/: say what to run.
          if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
          const root = path.join(__dirname, "..");
          process.stderr.write(
            `slipway: this installation is not built (${err.message.split("\n")[0]}): run 'npm run build' in ${root}\n`,
          );
          return () => 2;
        },
      );

// A finished command exits as soon as its output is written, instead of when the event loop runs
// dry: V8 would first finish, in tasks the loop runs, the garbage collector's incremental marking
// and the installation of optimized code (~20-70 ms after kube-prometheus-stack's helm template),
// work on a heap about to be freed. An empty write's callback runs once everything written
// before it has been handed to the OS, so no output is cut short; 'exit' handlers still run. A
// write that failed (a reader that stopped early) leaves the exit to the handlers above.
function exitWhenWritten(code) {
  process.exitCode = code;
  let pending = 2;
  const done = (err) => {
    if (!err && --pending === 0) process.exit();
  };
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.destroyed || stream.writableEnded) done();
    else stream.write("", done);
  }
}

main.then((run) => run(args)).then(exitWhenWritten, (err) => {
  process.stderr.write(`slipway: internal error: ${err?.stack ?? err}\n`);
  exitWhenWritten(2);
});
