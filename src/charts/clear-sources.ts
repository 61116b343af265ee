/**
 * Cache entries written with a source's credentials in the clear (by Slipway before 0b7c5b6, or
 * by such a version sharing the cache since) are rewritten without them, under the key of the
 * source shown with `***` (storedSource), or dropped: by a sweep of refs/ and versions/ the first
 * time a process uses the cache after either folder changed, and, for one met by its key before
 * that, when it is read (readOrMigrate). A cache is read by whoever reads the runner's disk or
 * the CI cache it is saved to.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readRegularFile } from "../fs/read-regular.js";
import { redactUrlsIn } from "../url-credentials.js";
import {
  decodeRecord,
  encodeRecord,
  encodeVersions,
  listEntries,
  MAX_ENTRY_BYTES,
  readEntry,
  readIfPresent,
  tryWrite,
  writeEntry,
} from "./cache-entries.js";
import { storedSource } from "./source-url.js";

/** Where the cache keeps an entry: the key functions of cache.ts. */
export interface EntryFiles {
  refFile(ref: { source: string; name: string; version: string }): string;
  versionsFile(source: string, name: string): string;
}

export class ClearSourcesSweep {
  private swept = false;
  /** The sweep's marker describes refs/ and versions/ as this process found them clean. */
  private sweptClean = false;

  /** `root` is the cache's charts/ folder. */
  constructor(
    private readonly root: string,
    private readonly files: EntryFiles,
  ) {}

  /** Runs the sweep before this process's first use of the cache. */
  once(): void {
    if (this.swept) return;
    this.swept = true;
    this.sweep();
  }

  /**
   * Rewrites every refs/ and versions/ entry whose source holds credentials in the clear under
   * the key of its source without them, and removes it; an entry that does not decode and quotes
   * a URL with credentials is removed (`charts pull` fetches it again). Skipped while neither
   * folder has changed since the last complete sweep, which `charts/.clear-sources-swept`
   * records, so a run reads no entry for it but once after a change. Never throws: what cannot
   * be read or written is left for a later sweep (a read-only cache is still read, by
   * readOrMigrate). Returns how many entries were rewritten or removed.
   */
  sweep(): number {
    const folders = this.folders();
    const before = foldersStamp(folders);
    if (before === undefined || before === "- -") return 0;
    if (readIfPresent(this.marker()) === before) {
      this.sweptClean = true;
      return 0;
    }
    let changed = 0;
    let complete = true;
    for (const [i, folder] of folders.entries()) {
      for (const name of listEntries(folder)) {
        const outcome = this.scrubEntry(path.join(folder, name), i === 0 ? "ref" : "versions");
        if (outcome === "failed") complete = false;
        else if (outcome === "changed") changed++;
      }
    }
    const after = foldersStamp(folders);
    if (complete && after !== undefined) this.sweptClean = tryWrite(() => writeEntry(this.marker(), after));
    return changed;
  }

  /**
   * After this process wrote an entry without credentials into a folder it found clean, the marker
   * takes the folder's new time, so the next process does not sweep for this write.
   */
  keepMark(): void {
    if (!this.sweptClean) return;
    const stamp = foldersStamp(this.folders());
    this.sweptClean = stamp !== undefined && tryWrite(() => writeEntry(this.marker(), stamp));
  }

  /**
   * The text of `file`, else of the entry written before under the key of the clear source
   * (`legacy` names its file), which is then rewritten without the credentials and removed. A
   * legacy entry that does not decode is removed as well: `charts pull` fetches it again.
   */
  readOrMigrate(
    file: string,
    legacy: string | undefined,
    redact: (text: string) => string,
  ): string | undefined {
    const text = readEntry(file);
    if (text !== undefined || legacy === undefined) return text;
    const old = readEntry(legacy);
    if (old === undefined) return undefined;
    let migrated: string | undefined;
    try {
      migrated = redact(old);
    } catch {
      migrated = undefined;
    }
    // Best effort: a cache this process may not write (a read-only CI cache) still answers.
    if (migrated !== undefined) tryWrite(() => writeEntry(file, migrated));
    tryWrite(() => fs.rmSync(legacy, { force: true }));
    return migrated;
  }

  private folders(): string[] {
    return [path.join(this.root, "refs"), path.join(this.root, "versions")];
  }

  /** Holds the folders' times (foldersStamp) at the end of the last complete sweep. */
  private marker(): string {
    return path.join(this.root, ".clear-sources-swept");
  }

  private scrubEntry(file: string, kind: "ref" | "versions"): "clean" | "changed" | "failed" {
    let text: string;
    try {
      if (fs.statSync(file).size > MAX_ENTRY_BYTES) return "clean"; // not ours; lookup reports it
      text = readRegularFile(file).toString("utf8");
    } catch {
      return "clean"; // gone, or not a regular file: lookup reports it by name
    }
    let entry: { source?: unknown; name?: unknown; versions?: unknown } | undefined;
    try {
      entry = JSON.parse(text) as typeof entry;
    } catch {
      entry = undefined;
    }
    const source = typeof entry?.source === "string" ? entry.source : undefined;
    if (source !== undefined && source === storedSource(source)) return "clean";
    if (source === undefined && redactUrlsIn(text) === text) return "clean";
    let rewritten: { file: string; text: string } | undefined;
    try {
      if (source === undefined) rewritten = undefined;
      else if (kind === "ref") {
        const record = decodeRecord(text, file);
        rewritten = {
          file: this.files.refFile(record),
          text: encodeRecord({ ...record, source: storedSource(source) }),
        };
      } else if (
        typeof entry?.name === "string" &&
        Array.isArray(entry.versions) &&
        entry.versions.every((v) => typeof v === "string")
      ) {
        rewritten = {
          file: this.files.versionsFile(source, entry.name),
          text: encodeVersions(source, entry.name, entry.versions),
        };
      }
    } catch {
      rewritten = undefined; // does not decode: removed, charts pull fetches it again
    }
    const done = tryWrite(() => {
      // An entry already under the new key was written since, by a run that fetched it: it stays.
      if (rewritten !== undefined && !fs.existsSync(rewritten.file))
        writeEntry(rewritten.file, rewritten.text);
      fs.rmSync(file, { force: true });
    });
    return done ? "changed" : "failed";
  }
}

/** The folders' modification times ("-" for one that is absent); undefined when one cannot be read. */
function foldersStamp(folders: string[]): string | undefined {
  try {
    return folders
      .map((d) => (fs.existsSync(d) ? String(fs.statSync(d, { bigint: true }).mtimeNs) : "-"))
      .join(" ");
  } catch {
    return undefined;
  }
}
