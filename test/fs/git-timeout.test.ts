import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GitFileSystem, gitTimeoutMs } from "../../src/fs/git.js";

// A git that never answers (as git itself did on a FIFO in the object store): the revision
// read must stop with one error naming the repository and the setting, not hang the diff.
describe("read-only git commands have a time limit", () => {
  const saved = { PATH: process.env.PATH, SLIPWAY_GIT_TIMEOUT: process.env.SLIPWAY_GIT_TIMEOUT };
  let dir: string;
  afterEach(() => {
    process.env.PATH = saved.PATH;
    if (saved.SLIPWAY_GIT_TIMEOUT === undefined) delete process.env.SLIPWAY_GIT_TIMEOUT;
    else process.env.SLIPWAY_GIT_TIMEOUT = saved.SLIPWAY_GIT_TIMEOUT;
    rmSync(dir, { recursive: true, force: true });
  });

  it("stops a git that hangs and says how to wait longer", () => {
    dir = mkdtempSync(path.join(tmpdir(), "slipway-git-timeout-"));
    const bin = path.join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(path.join(bin, "git"), "#!/bin/sh\nexec sleep 30\n");
    chmodSync(path.join(bin, "git"), 0o755);
    const repo = path.join(dir, "repo");
    mkdirSync(repo);
    process.env.PATH = `${bin}:${saved.PATH}`;
    process.env.SLIPWAY_GIT_TIMEOUT = "0.5";
    const started = Date.now();
    expect(() => GitFileSystem.open(repo, "HEAD")).toThrow(
      /git rev-parse did not finish within 0\.5 s in .*repo.*SLIPWAY_GIT_TIMEOUT/,
    );
    expect(() => GitFileSystem.openWithGit(repo, "HEAD")).toThrow(/did not finish within 0\.5 s/);
    // Not a timed test: only that it returned at all, long before the fake git's 30 s.
    expect(Date.now() - started).toBeLessThan(25_000);
  });

  it("reads the limit from SLIPWAY_GIT_TIMEOUT in seconds, five minutes otherwise", () => {
    dir = mkdtempSync(path.join(tmpdir(), "slipway-git-timeout-"));
    expect(gitTimeoutMs({})).toBe(300_000);
    expect(gitTimeoutMs({ SLIPWAY_GIT_TIMEOUT: "12" })).toBe(12_000);
    expect(gitTimeoutMs({ SLIPWAY_GIT_TIMEOUT: "soon" })).toBe(300_000);
    expect(gitTimeoutMs({ SLIPWAY_GIT_TIMEOUT: "-1" })).toBe(300_000);
  });
});
