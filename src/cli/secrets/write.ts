import * as fs from "node:fs";
import { SlipwayError } from "../../errors.js";
import { writeFileAtomic } from "../../fs/atomic-write.js";

/**
 * Replaces an existing file atomically: readers see the old bytes or the new ones, and a
 * failure leaves the original untouched. A symlink is followed (the link stays a link), and
 * the file keeps its permission bits, since secret files are often kept 0600.
 */
export function replaceFile(file: string, content: Buffer): void {
  refuseReadOnly(file);
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

/**
 * A file without write bits is the user's "do not edit", as for promote and new
 * (src/fs/write-set.ts): sops fails on it, while a rename would replace it all the same.
 * Checked on the bits, so that root is refused too.
 */
export function refuseReadOnly(file: string): void {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (st?.isFile() && (st.mode & 0o222) === 0)
    throw new SlipwayError("the file is read-only; make it writable (chmod u+w) to let Slipway edit it", {
      file,
    });
}
