#!/usr/bin/env node
// Runs the properties that guard `slipway diff` and secret masking on repositories Slipway was
// not tuned on: changed-only = --full after random and hostile edits (test/diff/edit-kinds,
// test/diff/metamorphic) and masked = --show-secrets, render and diff in every format
// (test/security/masked-differential). Each argument is a folder holding one Git clone per
// sub-directory; the clones are copied, never changed.
//
//   node scripts/diff-properties.js /tmp/ext /tmp/ext4            every property, those folders only
//   SLIPWAY_EDIT_KINDS=crlf,new-app node scripts/diff-properties.js /tmp/ext   some edit kinds
//
// A failure names the repository and the seed that replays it (SLIPWAY_EDIT_KINDS_REPO and
// SLIPWAY_EDIT_KINDS_SEED, SLIPWAY_METAMORPHIC_REPO and SLIPWAY_METAMORPHIC_SEED).
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const folders = process.argv.slice(2).map((d) => path.resolve(d));
if (folders.length === 0) {
  process.stderr.write("usage: node scripts/diff-properties.js FOLDER [FOLDER...]\n");
  process.exit(2);
}
const env = { ...process.env, SLIPWAY_EXTRA_REPOS: folders.join(":"), SLIPWAY_EXTRA_REPOS_ONLY: "1" };
const suites = [
  ["test/diff/edit-kinds.test.ts"],
  ["test/diff/metamorphic.test.ts"],
  ["test/security/masked-differential.test.ts", "-t", "real-world"],
];
let status = 0;
for (const args of suites) {
  const run = spawnSync("npx", ["vitest", "run", ...args, "--testTimeout", "0"], { env, stdio: "inherit" });
  if (run.status !== 0) status = 1;
}
process.exit(status);
