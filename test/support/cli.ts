import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { repoRoot } from "./env.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`npm test` builds dist/ first) as a user would. */
export function slipway(args: string[], cwd = repoRoot): CliResult {
  const r = spawnSync(process.execPath, [path.join(repoRoot, "bin/slipway.js"), ...args], {
    cwd,
    encoding: "utf8",
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the built CLI with the render cache on, in `cacheDir` (vitest turns it off for
 * everything else), and `env` added to the environment; asynchronous, so that a test can run
 * several at once.
 */
export function slipwayWithCache(
  args: string[],
  cacheDir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, "bin/slipway.js"), ...args], {
      env: { ...process.env, SLIPWAY_NO_CACHE: "", SLIPWAY_CACHE_DIR: cacheDir, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Writes a tree of files into a fresh temp directory and returns its path. */
export function tempTree(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-test-"));
  for (const [p, content] of Object.entries(files)) {
    const abs = path.join(dir, p);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return dir;
}
