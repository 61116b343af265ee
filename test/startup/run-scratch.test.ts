/**
 * The test run's own temporary directory (test/support/run-scratch.ts): suites and the programs
 * they spawn write below it, and the run removes it at its end.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import setup from "../support/run-scratch.js";

describe("the test run's temporary directory", () => {
  it("is where os.tmpdir() points in the workers and in the processes they spawn", () => {
    expect(path.basename(tmpdir())).toMatch(/^slipway-tests-/);
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(require('node:os').tmpdir())"], {
      encoding: "utf8",
    });
    expect(child.stdout).toBe(tmpdir());
  });

  it("is made by the set-up and removed by its teardown", () => {
    const before = process.env.TMPDIR;
    try {
      const teardown = setup();
      const dir = process.env.TMPDIR as string;
      expect(existsSync(dir)).toBe(true);
      teardown();
      expect(existsSync(dir)).toBe(false);
    } finally {
      process.env.TMPDIR = before;
    }
  });
});
