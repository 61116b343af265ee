import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { requires } from "../support/env.js";
import { type Outcome, runOracle, runSlipway, writeTree } from "./differential.js";
import { probes } from "./hostile-probes.js";

/**
 * Issue 11: Slipway fails the inputs Helm 4.1.4 fails, with Helm's words. Each probe of
 * hostile-probes.ts (broken charts, archives, values files, flags, schemas) runs through the
 * oracle and through Slipway in-process; the exit status and the whole stderr must be equal
 * (the scenario's temporary directory is the only thing normalised), and stdout too on success.
 * A probe marked `deliberate` is one of Slipway's documented limits (it never fetches, reads
 * nothing outside the chart, caps sizes and depths): Slipway must fail with its own message,
 * which names the file and what it refused, and never the refused value itself.
 */

function run(files: Parameters<typeof writeTree>[1], args: string[]): { helm: Outcome; slipway: Outcome } {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-hostile-"));
  try {
    writeTree(dir, files);
    const norm = (o: Outcome): Outcome => ({ ...o, stderr: o.stderr.split(dir).join("$DIR") });
    return { helm: norm(runOracle(dir, args)), slipway: norm(runSlipway(dir, args)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.runIf(requires("helm"))("helm template: hostile inputs fail as in Helm 4.1.4", () => {
  it.each(probes.map((p) => [p.name, p] as const))("%s", (_, p) => {
    const { helm, slipway } = run(p.files, p.args ?? ["r", "chart"]);
    if (p.deliberate) {
      expect(helm.ok, `Helm: ${helm.stderr}`).toBe(p.deliberate.helmOk ?? false);
      expect(slipway.code).toBe(1);
      expect(slipway.stderr).toMatch(p.deliberate.stderr);
      return;
    }
    expect({ code: slipway.code, stderr: slipway.stderr }).toEqual({ code: helm.code, stderr: helm.stderr });
    if (helm.ok) expect(slipway.stdout).toBe(helm.stdout);
  });
});
