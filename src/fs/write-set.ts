/**
 * Writes several files as one change: all of them, or none. Every command that writes more than
 * one file (render --out, build --out-dir, helm template --output-dir, new, promote, images
 * --write) goes through here, so a failure after the first file — a later target that is a
 * directory, a full disk, a link planted below the output directory — leaves the disk as it was.
 *
 * Three phases: check every target (inside `within`, no symbolic link on the way, not a
 * directory, not read-only, unchanged since planned, no path twice); stage every file as an
 * exclusively created temp file beside its target (creating missing directories, remembered),
 * with the permission bits of the file it replaces; rename each temp over its target, keeping a
 * hard link to the file it replaces. Anything failing undoes what was done: replaced files come
 * back from their links, new files, temp files and created directories are removed.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { SlipwayError } from "../errors.js";
import { refuseLinksBelow } from "./atomic-write.js";
import { readRegularFile } from "./read-regular.js";

export interface PlannedFile {
  /** Absolute path, below `within`. */
  file: string;
  content: string | Buffer;
  /**
   * Permission bits of the file. Default: a replaced file keeps its own (a 0600 secrets file,
   * an executable script stay so, as with sops or `kustomize edit`); a new one gets 0o666 less
   * the umask.
   */
  mode?: number;
  /**
   * What the file held when the change was planned (null: it did not exist). A file that holds
   * something else now was saved meanwhile (a re-render takes seconds): writing would drop that
   * edit, so the set is refused. Absent: not checked (output directories).
   */
  expect?: string | Buffer | null;
}

export interface WriteSetOptions {
  /** The directory written under (an output directory, the repository): nothing below it may be a link. */
  within: string;
  /** The rename step, replaceable so that tests can fail it midway. */
  rename?: (from: string, to: string) => void;
}

interface Staged {
  file: string;
  tmp: string;
  /** A hard link to the file `file` held before, restored when the set fails. */
  backup?: string;
  placed: boolean;
}

export function writeFileSet(files: readonly PlannedFile[], opts: WriteSetOptions): void {
  const within = path.resolve(opts.within);
  const rename = opts.rename ?? fs.renameSync;
  checkTargets(files, within);
  const createdDirs: string[] = [];
  const staged: Staged[] = [];
  let at: string | undefined;
  try {
    for (const f of files) {
      const file = path.resolve(f.file);
      at = file;
      makeDirs(path.dirname(file), createdDirs);
      const tmp = path.join(
        path.dirname(file),
        `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`,
      );
      const mode = f.mode ?? existingMode(file);
      fs.writeFileSync(tmp, f.content, { flag: "wx", mode: mode ?? 0o666 });
      if (mode !== undefined) fs.chmodSync(tmp, mode);
      staged.push({ file, tmp, placed: false });
    }
    for (const s of staged) {
      at = s.file;
      if (fs.lstatSync(s.file, { throwIfNoEntry: false }) !== undefined) {
        s.backup = `${s.tmp}.old`;
        try {
          fs.linkSync(s.file, s.backup);
        } catch {
          // a file system without hard links: a copy keeps the old content as well
          fs.copyFileSync(s.file, s.backup, fs.constants.COPYFILE_EXCL);
        }
      }
      rename(s.tmp, s.file);
      s.placed = true;
    }
  } catch (e) {
    undo(staged, createdDirs);
    throw writeError(e, at);
  }
  for (const s of staged) if (s.backup !== undefined) fs.rmSync(s.backup, { force: true });
}

/**
 * A system error as the user can act on it: Node's message names the path of the call that
 * failed, which is the temp file or backup beside the target (`.x.yaml.3fa2….tmp`); the user
 * named the target.
 */
function writeError(e: unknown, file: string | undefined): unknown {
  const err = e as NodeJS.ErrnoException;
  if (e instanceof SlipwayError || file === undefined || typeof err?.code !== "string") return e;
  const what = err.message.replace(`${err.code}: `, "").split(",")[0];
  return new SlipwayError(`cannot write: ${what} (${err.code})`, { file, cause: e });
}

/**
 * The checks of writeFileSet alone, for a caller that writes the set in several steps (one
 * commit per app) and must not find a bad target after the first step.
 */
export function checkFileSet(files: readonly PlannedFile[], opts: Pick<WriteSetOptions, "within">): void {
  checkTargets(files, path.resolve(opts.within));
}

/** Everything that can be known before the first byte is written. */
function checkTargets(files: readonly PlannedFile[], within: string): void {
  const seen = new Set<string>();
  for (const f of files) {
    const file = path.resolve(f.file);
    const rel = path.relative(within, file);
    if (rel === "" || rel.startsWith(`..${path.sep}`) || rel === ".." || path.isAbsolute(rel))
      throw new SlipwayError(`refusing to write outside ${within}`, { file });
    if (seen.has(file)) throw new SlipwayError("two outputs would be written to this one file", { file });
    seen.add(file);
    refuseLinksBelow(within, file);
    if (f.expect !== undefined) checkUnchanged(file, f.expect);
    let at = within;
    const parts = rel.split(path.sep);
    for (const [i, part] of parts.entries()) {
      at = path.join(at, part);
      const st = fs.statSync(at, { throwIfNoEntry: false });
      if (st === undefined) break;
      if (i < parts.length - 1 && !st.isDirectory())
        throw new SlipwayError(`cannot write below ${at}: it is not a directory`, { file });
      if (i === parts.length - 1 && !st.isFile())
        throw new SlipwayError("cannot write here: something other than a regular file exists", { file });
      // Checked on the bits, not with access(2): root may write anywhere, and the mark is the
      // user's "do not edit" all the same (kustomize edit and sops fail on such a file).
      if (i === parts.length - 1 && (st.mode & 0o222) === 0)
        throw new SlipwayError("the file is read-only; make it writable (chmod u+w) to let Slipway edit it", {
          file,
        });
    }
  }
}

function checkUnchanged(file: string, expect: string | Buffer | null): void {
  let now: Buffer | undefined;
  try {
    // Non-blocking: a FIFO put at the name would block a plain read until some writer came.
    now = readRegularFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EINVAL")
      throw new SlipwayError("cannot write here: something other than a regular file exists", { file });
    if (code !== "ENOENT") throw e;
  }
  if (expect === null) {
    if (now !== undefined)
      throw new SlipwayError("the file exists now, but did not when Slipway planned it; run again", { file });
    return;
  }
  if (now === undefined || !now.equals(typeof expect === "string" ? Buffer.from(expect, "utf8") : expect))
    throw new SlipwayError(
      "the file changed since Slipway read it (saved while the change was planned?); run again",
      { file },
    );
}

/** The permission bits of an existing regular file, undefined when there is none. */
function existingMode(file: string): number | undefined {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st?.isFile() ? st.mode & 0o7777 : undefined;
}

/** Creates the missing directories down to `dir` (`within` too), recording each it created. */
function makeDirs(dir: string, created: string[]): void {
  const missing: string[] = [];
  for (let at = dir; fs.lstatSync(at, { throwIfNoEntry: false }) === undefined; at = path.dirname(at)) {
    if (path.dirname(at) === at) break;
    missing.push(at);
  }
  for (const d of missing.reverse()) {
    fs.mkdirSync(d);
    created.push(d);
  }
}

function undo(staged: Staged[], createdDirs: string[]): void {
  for (const s of [...staged].reverse()) {
    try {
      if (s.placed) {
        if (s.backup !== undefined) fs.renameSync(s.backup, s.file);
        else fs.rmSync(s.file, { force: true });
      } else if (s.backup !== undefined) fs.rmSync(s.backup, { force: true });
      fs.rmSync(s.tmp, { force: true });
    } catch {
      // best effort: the original error is the one to report
    }
  }
  for (const d of [...createdDirs].reverse()) {
    try {
      fs.rmdirSync(d);
    } catch {
      // not empty (something else wrote there meanwhile) or gone: leave it
    }
  }
}
