import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { SlipwayError } from "../errors.js";
import { makeDirectories } from "./make-dirs.js";

export interface AtomicWriteOptions {
  /**
   * Permission bits of the new file (default 0o666 less the umask). Files holding plaintext
   * secrets are written 0o600: the temp file is created with them, so no reader ever sees the
   * content under wider bits.
   */
  mode?: number;
  /**
   * The directory the caller writes under (an output directory): no existing path component
   * below it may be a symbolic link (see refuseLinksBelow).
   */
  within?: string;
}

/**
 * Writes a file so that readers see either the old content or the whole new one, never a part.
 * The temp file beside it is created exclusively (a random name, O_EXCL: never an existing
 * file or a planted link) and removed when anything fails. `content` may be a list of chunks,
 * written in order without being joined first (a render cache pack: megabytes of entries).
 */
export function writeFileAtomic(
  file: string,
  content: string | Buffer | readonly Uint8Array[],
  opts: AtomicWriteOptions = {},
): void {
  if (opts.within !== undefined) refuseLinksBelow(opts.within, file);
  const dir = path.dirname(file);
  makeDirectories(dir);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    if (typeof content === "string" || content instanceof Uint8Array)
      fs.writeFileSync(tmp, content, { flag: "wx", mode: opts.mode ?? 0o666 });
    else writeChunks(tmp, content, opts.mode ?? 0o666);
    if (opts.mode !== undefined) fs.chmodSync(tmp, opts.mode);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    // rename(2) names the temp file; the user named the target.
    if ((e as NodeJS.ErrnoException).code === "EISDIR")
      throw new SlipwayError("cannot write here: it is a directory", { file });
    throw e;
  }
}

/** Creates `file` exclusively and writes `chunks` to it with as few system calls as writev allows. */
function writeChunks(file: string, chunks: readonly Uint8Array[], mode: number): void {
  const fd = fs.openSync(file, "wx", mode);
  try {
    // At most IOV_MAX (1024 on Linux and macOS) buffers per writev; a short write is finished
    // chunk by chunk.
    for (let i = 0; i < chunks.length; i += 1024) {
      const group = chunks.slice(i, i + 1024);
      let written = fs.writevSync(fd, group as Uint8Array[]);
      for (const chunk of group) {
        if (written >= chunk.length) {
          written -= chunk.length;
          continue;
        }
        for (let at = written; at < chunk.length; ) at += fs.writeSync(fd, chunk, at);
        written = 0;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * An output directory may be a checked-out tree from a pull request: a symbolic link below it
 * (a subdirectory, or the file itself) would turn the write into one elsewhere. Throws naming the
 * first link below `root` on the way to `file`; `root` itself is the user's choice and may be one.
 */
export function refuseLinksBelow(root: string, file: string): void {
  const rel = path.relative(root, file);
  let at = root;
  for (const part of rel.split(path.sep)) {
    at = path.join(at, part);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(at);
    } catch {
      return; // nothing there yet: created as a directory or a file, never as a link
    }
    if (st.isSymbolicLink())
      throw new SlipwayError(`refusing to write through a symbolic link: ${at}`, { file: at });
  }
}
