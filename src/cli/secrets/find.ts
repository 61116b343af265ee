import * as fs from "node:fs";
import * as path from "node:path";
import { SlipwayError } from "../../errors.js";
import { formatFromPath, holdsEncryptedValue } from "../../sops/index.js";

/** Finding the SOPS-encrypted files of a tree, as `updatekeys`, `rotate` and `status` need. */

/** Larger files are not secrets someone keeps in Git; skipping them keeps a walk fast. */
const MAX_BYTES = 8 * 1024 * 1024;
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".hg", ".svn"]);

/** Every SOPS file carries an encrypted MAC, and its metadata under a format-specific name. */
const METADATA_MARK: Record<ReturnType<typeof formatFromPath>, RegExp> = {
  yaml: /^sops:[ \t]*(#.*)?$/m,
  json: /"sops"\s*:/,
  dotenv: /^sops_mac=/m,
  binary: /"sops"\s*:/,
};

/** sops' INI store keeps the metadata in a `[sops]` section (stores/ini/store.go). */
const INI_METADATA_MARK = /^[ \t]*\[sops\][ \t]*$/m;

/**
 * A cheap test on the bytes; the SOPS library then parses and validates the file. A `.ini` file
 * sops wrote is found too, so that the command fails on it by name (INI is not supported)
 * instead of passing it by: `rotate` would otherwise leave it on its old data key in silence.
 */
export function looksLikeSops(file: string, bytes: Buffer): boolean {
  if (!bytes.includes("ENC[AES256_GCM,")) return false;
  const text = bytes.toString("utf8");
  if (file.endsWith(".ini") && INI_METADATA_MARK.test(text)) return true;
  return METADATA_MARK[formatFromPath(file)].test(text);
}

/**
 * A YAML, JSON or dotenv file with values in sops' ENC form but without the metadata: nobody can
 * decrypt it (a conflict resolution that dropped the `sops:` block, a truncated copy). Found
 * like a SOPS file, so that every command fails on it by name: Flux does not decrypt it either
 * (no `mac` marker) and applies the ciphertext as the values. Binary files are left out: a
 * document may quote an ENC string anywhere.
 */
function lostItsMetadata(file: string, bytes: Buffer): boolean {
  const format = formatFromPath(file);
  return format !== "binary" && !file.endsWith(".ini") && holdsEncryptedValue(bytes.toString("utf8"));
}

/** A file the walk passed by that could be a SOPS file: said on stderr, never skipped in silence. */
export interface Skipped {
  file: string;
  why: string;
}

function walk(dir: string, out: string[], skipped: Skipped[], roots: readonly string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new SlipwayError(`cannot read directory: ${(err as NodeJS.ErrnoException).code ?? "error"}`, {
      file: dir,
    });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    // Symlinked directories are not followed: a link back up the tree would never end.
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name)) walk(p, out, skipped, roots);
    } else if (e.isFile()) {
      let bytes: Buffer;
      try {
        const size = fs.statSync(p).size;
        if (size > MAX_BYTES) {
          skipped.push({ file: p, why: `larger than ${MAX_BYTES / 1024 / 1024} MiB, not read` });
          continue;
        }
        bytes = fs.readFileSync(p);
      } catch (err) {
        skipped.push({ file: p, why: `cannot read: ${(err as NodeJS.ErrnoException).code ?? "error"}` });
        continue;
      }
      if (looksLikeSops(p, bytes) || lostItsMetadata(p, bytes)) out.push(p);
    } else if (e.isSymbolicLink()) {
      // A link whose target the walk reaches anyway is no loss; one that leads elsewhere (or
      // nowhere) is not followed, and the user learns that its target was not looked at.
      const target = realOrUndefined(p);
      if (target === undefined) skipped.push({ file: p, why: "a symbolic link to nothing, not followed" });
      else if (!roots.some((r) => target === r || target.startsWith(`${r}${path.sep}`)))
        skipped.push({ file: p, why: "a symbolic link out of the searched tree, not followed" });
    }
  }
}

function realOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

/**
 * SOPS files under `paths`, in a stable order. A directory is searched recursively; a file
 * named explicitly is taken as it is (the caller reports it if it is not a SOPS file). What the
 * walk could not look at (unreadable, too large, a link out of the tree) goes to `skipped`.
 */
export function findSopsFiles(paths: readonly string[], skipped: Skipped[] = []): string[] {
  const out: string[] = [];
  const dirs: string[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      throw new SlipwayError(`cannot read: ${(err as NodeJS.ErrnoException).code ?? "error"}`, { file: p });
    }
    if (stat.isDirectory()) dirs.push(p);
    else out.push(p);
  }
  const roots = dirs.map((d) => realOrUndefined(d) ?? path.resolve(d));
  for (const d of dirs) walk(d, out, skipped, roots);
  // One file named twice (a directory and a file in it, a link beside its target) is one file:
  // rotate must not re-encrypt it twice, nor the writer be given two outputs for it.
  const seen = new Set<string>();
  return out.filter((p) => {
    const real = realOrUndefined(p) ?? path.resolve(p);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}
