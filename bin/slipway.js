#!/usr/bin/env -S node --stack-size=3900 --min-semi-space-size=16
// --stack-size: Helm allows 1000 nested includes; V8's default stack (~1 MB) holds ~600 of ours.
// --min-semi-space-size: V8's young generation starts at 1 MB and doubles after each collection up
// to 16 MB; a run that allocates tens of MB collects many times on the way (kube-prometheus-stack's
// helm template: 14 scavenges, ~4 with this), copying the same survivors each time. 16 is V8's
// own maximum on 64-bit, so a long run uses no more memory than it did.
// The bundle (one chunk per command, dependencies inlined, loaded with V8's code cache by
// src/startup) starts faster than the module tree tsc writes; both are built by `npm run build`
// (and by `npm ci` through `prepare`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// A reader that stops early (`slipway render | head`) closes the pipe: stop quietly, as a
// program killed by SIGPIPE would (exit 141), instead of dying with an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err?.code === "EPIPE") process.exit(141);
    throw err;
  });
}

const args = process.argv.slice(2);
const bundleDir = fileURLToPath(new URL("../dist/bundle/", import.meta.url));
const main = existsSync(`${bundleDir}main.js`)
  ? (await import("../dist/startup/start.js")).startBundle(bundleDir, args).main
  : (await import("../dist/cli/main.js")).main;

main(args).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`slipway: internal error: ${err?.stack ?? err}\n`);
    process.exitCode = 2;
  },
);
