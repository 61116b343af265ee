#!/usr/bin/env -S node --stack-size=3900
// --stack-size: Helm allows 1000 nested includes; V8's default stack (~1 MB) holds ~600 of ours.
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
