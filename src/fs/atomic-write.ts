import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export interface AtomicWriteOptions {
  /**
   * Permission bits of the new file (default 0o666 less the umask). Files holding plaintext
   * secrets are written 0o600: the temp file is created with them, so no reader ever sees the
   * content under wider bits.
   */
  mode?: number;
}

/**
 * Writes a file so that readers see either the old content or the whole new one, never a part.
 * The temp file beside it is created exclusively (a random name, O_EXCL: never an existing
 * file or a planted link) and removed when anything fails.
 */
export function writeFileAtomic(file: string, content: string | Buffer, opts: AtomicWriteOptions = {}): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    fs.writeFileSync(tmp, content, { flag: "wx", mode: opts.mode ?? 0o666 });
    if (opts.mode !== undefined) fs.chmodSync(tmp, opts.mode);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
