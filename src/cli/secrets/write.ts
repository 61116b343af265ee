import * as fs from "node:fs";
import { writeFileAtomic } from "../../fs/atomic-write.js";

/**
 * Replaces an existing file atomically: readers see the old bytes or the new ones, and a
 * failure leaves the original untouched. A symlink is followed (the link stays a link), and
 * the file keeps its permission bits, since secret files are often kept 0600.
 */
export function replaceFile(file: string, content: Buffer): void {
  let target = file;
  let mode: number | undefined;
  try {
    target = fs.realpathSync(file);
    mode = fs.statSync(target).mode & 0o7777;
  } catch {
    // a new file: default permissions
  }
  writeFileAtomic(target, content, mode === undefined ? {} : { mode });
}
