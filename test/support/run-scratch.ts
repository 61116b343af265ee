import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/**
 * vitest's global set-up: one temporary directory for the whole run, removed when it ends.
 * TMPDIR points there before the test workers start, so every suite's temporary files (Node's
 * os.tmpdir() reads TMPDIR, in the workers and in the CLIs, git and Chromium they spawn) land
 * below it: a run leaves nothing behind, even from a test that does not clean up or dies
 * half-way. (Before this, each full run left about two thousand directories in /tmp.)
 */
export default function setup(): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-tests-"));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
