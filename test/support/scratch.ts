import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll } from "vitest";

export interface ScratchDirs {
  /** A new empty directory under the system's temporary directory, named from `prefix`. */
  make(prefix?: string): string;
  /** Takes directories made elsewhere (a written fixture) into the same clean-up. */
  keep(...dirs: string[]): void;
}

/**
 * Temporary directories of one test file, removed after its last test: call at the top of the
 * file (vitest registers the clean-up there), once.
 */
export function scratchDirs(): ScratchDirs {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return {
    make(prefix = "slipway-test-") {
      const dir = mkdtempSync(path.join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    keep(...dirs) {
      made.push(...dirs);
    },
  };
}
