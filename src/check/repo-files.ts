/**
 * The repository's files as the check rules that read the disk see them (the bootstrap
 * helmfiles of `namespace-exists`, the setter markers of `imagepolicy-marker`, the source
 * lines of findings), asked for once per platform: each directory is listed once, with each
 * entry's type from the listing (lstat's answer: symbolic links are not followed), and each
 * file is read once. Those rules walked and read the same files each on its own: every YAML
 * file of bjw-s home-ops was opened three to five times by one `check`.
 *
 * A platform loaded from disk lends its loader's view (src/platform/loaded-files.ts): the
 * directories the load listed and the files it read are not listed or read again, and a
 * read stays in the repository as the load's did (no symbolic link, no FIFO). Otherwise the
 * check reads the repository as it is while the check runs, as each rule did. Nothing is kept
 * beyond the platform it was asked for.
 */
import type { ConfinedFileSystem } from "../fs/confined.js";
import { type DirEntry, DiskFileSystem } from "../fs/filesystem.js";
import { loadedFiles } from "../platform/loaded-files.js";
import type { Platform } from "../platform/model.js";

/** Texts kept beyond this many characters are read again when asked for (memory stays bounded). */
const KEEP_CHARS = 32 * 1024 * 1024;

const disk = new DiskFileSystem();

export class RepoFiles {
  private readonly listings = new Map<string, DirEntry[] | null>();
  private readonly texts = new Map<string, string | null>();
  private kept = 0;

  /** `view`: the loader's view of the repository, read instead of the disk. */
  constructor(private readonly view?: ConfinedFileSystem) {}

  /** The entries of the directory `abs`, sorted by name; undefined when it cannot be listed. */
  list(abs: string): readonly DirEntry[] | undefined {
    let entries = this.listings.get(abs);
    if (entries === undefined) {
      try {
        entries = this.view ? this.view.typedEntries(abs) : disk.readDirTyped(abs);
      } catch {
        entries = null;
      }
      this.listings.set(abs, entries);
    }
    return entries ?? undefined;
  }

  /**
   * The UTF-8 text of the file `abs`; undefined when unreadable or not a regular file (a FIFO
   * would block the check forever).
   */
  text(abs: string): string | undefined {
    let text = this.texts.get(abs);
    if (text === undefined) {
      try {
        text = (this.view ?? disk).readFile(abs).toString("utf8");
      } catch {
        text = null;
      }
      if (text === null || this.kept + text.length <= KEEP_CHARS) {
        this.kept += text?.length ?? 0;
        this.texts.set(abs, text);
      }
    }
    return text ?? undefined;
  }
}

const byPlatform = new WeakMap<Platform, RepoFiles>();

/** The platform's RepoFiles, made on first use. */
export function repoFiles(platform: Platform): RepoFiles {
  let files = byPlatform.get(platform);
  if (files === undefined) {
    files = new RepoFiles(loadedFiles(platform));
    byPlatform.set(platform, files);
  }
  return files;
}
