import * as fs from "node:fs";
import * as path from "node:path";
import { SlipwayError } from "../../errors.js";
import { writeFileAtomic } from "../../fs/atomic-write.js";
import { type PlannedFile, type WriteSetOptions, writeFileSet } from "../../fs/write-set.js";

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

/** A SOPS file a tree-wide command rewrites: what it read, what it writes. */
export interface Rewrite {
  /** As found (a link named on the command line stays a link: its target is written). */
  file: string;
  before: Buffer;
  output: Buffer;
}

/**
 * Writes every rewritten file or none, through the writer `promote` uses (src/fs/write-set.ts):
 * all targets are checked and staged before the first rename, and a failure puts back the very
 * files replaced (their inodes, from hard links), not copies of their bytes. A file that no
 * longer holds what was read (saved meanwhile: a rotate of a large tree takes seconds) is
 * refused rather than overwritten. The error names the file as the user knows it.
 */
export function replaceFiles(files: readonly Rewrite[], opts: Pick<WriteSetOptions, "rename"> = {}): void {
  if (files.length === 0) return;
  const asFound = new Map<string, string>();
  const planned: PlannedFile[] = files.map((f) => {
    const target = fs.realpathSync(f.file);
    asFound.set(target, f.file);
    return { file: target, content: f.output, expect: f.before };
  });
  try {
    writeFileSet(planned, { ...opts, within: commonDir(planned.map((p) => path.dirname(p.file))) });
  } catch (e) {
    if (!(e instanceof SlipwayError)) throw e;
    const file = (e.file !== undefined && asFound.get(e.file)) || e.file;
    throw new SlipwayError(`${e.message}; nothing written`, { file, cause: e });
  }
}

/**
 * The deepest directory holding all of `dirs` (real paths), the set's `within`: the targets are
 * resolved already, so the writer's no-link-on-the-way check guards against a link planted
 * while the files were being re-encrypted.
 */
function commonDir(dirs: readonly string[]): string {
  let common = dirs[0]!.split(path.sep);
  for (const d of dirs.slice(1)) {
    const parts = d.split(path.sep);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  // Real paths are absolute: an empty join is the file system root.
  return common.join(path.sep) || path.sep;
}
