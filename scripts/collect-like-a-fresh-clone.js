#!/usr/bin/env node
// Collects every test file (vitest list) the way a user's fresh clone would: no ../shared, no
// kubectl, no Helm oracle, CI unset. Suites that need those must skip with a reason; one that reads
// ../shared while being collected fails here, in the test command, instead of on a user's machine.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const nowhere = mkdtempSync(path.join(tmpdir(), "slipway-fresh-"));
const env = {
  ...process.env,
  SLIPWAY_SHARED: path.join(nowhere, "shared"),
  KUBECTL: path.join(nowhere, "kubectl"),
};
env.XDG_CACHE_HOME = path.join(nowhere, "cache");
delete env.CI;
delete env.HELM;
const run = spawnSync("npx", ["vitest", "list", "--silent"], { env, encoding: "utf8", maxBuffer: 1 << 28 });
rmSync(nowhere, { recursive: true, force: true });
if (run.status !== 0) {
  process.stderr.write(
    run.stdout
      .split("\n")
      .filter((l) => !/ > /.test(l))
      .join("\n"),
  );
  process.stderr.write(run.stderr);
  process.stderr.write(
    "\nTest collection fails on a fresh clone without ../shared, kubectl or Helm (see above).\n",
  );
  process.exit(1);
}
const tests = run.stdout.split("\n").filter((l) => / > /.test(l)).length;
process.stdout.write(`fresh-clone collection: ${tests} tests collected without ../shared, kubectl or Helm\n`);
