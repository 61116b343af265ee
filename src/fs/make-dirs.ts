import * as fs from "node:fs";
import * as path from "node:path";

/**
 * `mkdir -p`: `dir` and every missing directory above it. Node 20's recursive mkdirSync never
 * returns when mkdir(2) answers ENOENT below a directory that exists, as procfs and sysfs do
 * (SLIPWAY_CACHE_DIR=/proc/x spun a core until killed, in every command): here each missing
 * directory is made on its own, from the first that exists down, and any refusal is the error
 * mkdir(2) gave (ENOENT, ENOTDIR under a file, EACCES, …).
 */
export function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); ; ) {
    if (fs.statSync(d, { throwIfNoEntry: false }) !== undefined) break;
    missing.push(d);
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      // Made meanwhile by another process: what was wanted.
      if ((e as NodeJS.ErrnoException).code === "EEXIST" && fs.statSync(d).isDirectory()) continue;
      throw e;
    }
  }
}
