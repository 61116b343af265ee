#!/usr/bin/env -S node --stack-size=3900 --min-semi-space-size=32 --max-semi-space-size=32 --interrupt-budget=600000
// --stack-size: Helm allows 1000 nested includes; V8's default stack (~1 MB) holds ~600 of ours.
// --min/max-semi-space-size: V8's young generation starts at 1 MB and doubles after each collection
// up to 16 MB; a run that allocates tens of MB collects many times on the way (kube-prometheus-stack's
// helm template: 14 scavenges), copying the same survivors each time. At 32 MB from the start a
// warm-cache run ends before the first. The price: up to 32 MB of young objects per isolate
// (render workers included) instead of 16.
// Not --initial-old-space-size=64 (a warm check's final mark-compact avoided): this line has no
// room for it beside both semi-space flags (Linux kernels before 5.1 cut a #! line at 127
// bytes), and of the two the semi-space start pays more. Fresh
// processes, alternated, 15 runs each, load < 1: helm template kube-prometheus-stack (warm cache)
// 164 ms wall / 170 ms CPU with these flags vs 173 / 190 with --initial-old-space-size=64 and
// --max-semi-space-size=32; `check` of bjw-s after a one-file edit (CLI, 9 runs) 338 / 350 vs
// 323 / 340.
// --interrupt-budget: how much bytecode a function runs before V8 considers optimizing it (default
// 67584). A run of a few seconds spent about as much CPU in TurboFan's background compiles (4 V8
// threads, in each isolate: main and render workers) as in the main thread, much of it on code that
// ran briefly after; 4.4× the default compiles what stays hot. CPU (user + system, load 8-14):
// cold check of bjw-s home-ops ~4.2 -> ~3.7 s, helm template kube-prometheus-stack 450 -> 330 ms
// (--no-cache 780 -> 560 ms), the Helm corpus in one process 4.8 -> 3.9 s. 8.9× (600000) pays
// again, fresh processes alternated, medians of user + system (load ~5): kube-prometheus-stack
// warm cache 212 -> 187 ms (15 runs), --no-cache 567 -> 518 ms (11), `check --no-cache` of
// bjw-s home-ops 687 -> 645 ms (5), the Helm corpus cold in one process 3.52 -> 3.48 s (3);
// 1200000: 190 ms warm (no better), --no-cache 464 ms.
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
