/**
 * Symbolic links resolved one path component at a time, as Go's filepath.EvalSymlinks walks
 * them (path/filepath/symlink.go, walkSymlinks): `..` after a link goes up from where the link
 * led, an absolute target starts again at `/`, more than 255 links is an error. kustomize's
 * fsOnDisk (api/filesys/fsondisk.go, CleanedAbs and ConfirmDir) resolves every path it loads
 * this way. Written against `readLink` rather than the disk's realpath so that a Git revision,
 * whose links are tree entries, resolves exactly as its checkout would.
 *
 * Reads stay inside the roots: once the walk has left every root, the rest of the path is
 * applied as text (no link is read out there), so a link out of the repository resolves to a
 * path outside it without anything outside being asked about.
 */
import * as path from "node:path";
import { joinName } from "./posix-path.js";

/** What a resolver asks of a file system (paths absolute and normal). */
export interface LinkReader {
  /** The target text of the link at `p` (not followed), undefined when `p` is not a link. */
  readLink(p: string): string | undefined;
  exists(p: string): boolean;
  isDirectory(p: string): boolean;
}

export type Resolved =
  /** Every component exists; `path` holds no link. */
  | { kind: "found"; path: string }
  /** A component is missing (a dangling link, a missing file); `path` as far as it resolved. */
  | { kind: "missing"; path: string }
  /** The path leaves the roots; `path` is where it leads (never asked about). */
  | { kind: "outside"; path: string }
  /** More than 255 links, or a link loop. */
  | { kind: "loop" };

/** Go's limit (path/filepath/symlink.go): "EvalSymlinks: too many links". */
const MAX_LINKS = 255;

/**
 * `p` (absolute) with its links resolved, reading links only inside `inside(dir)`. `memo`
 * keeps what each component resolved to (a path whose parent holds no link → the place it
 * leads to, existing), so paths that share directories ask about each directory once.
 */
export function resolveLinks(
  fs: LinkReader,
  p: string,
  inside: (p: string) => boolean,
  memo: Map<string, string> = new Map(),
): Resolved {
  let done = "/";
  const rest = p.split("/").filter(Boolean).reverse();
  let links = 0;
  let missing = false;
  while (rest.length > 0) {
    const name = rest.pop()!;
    if (name === ".") continue;
    if (name === "..") {
      done = path.posix.dirname(done);
      continue;
    }
    const next = joinName(done, name);
    if (missing || !inside(next)) {
      done = next;
      continue;
    }
    const known = memo.get(next);
    const target = known === undefined ? fs.readLink(next) : undefined;
    if (target === undefined) {
      done = known ?? next;
      if (known === undefined) {
        if (fs.exists(done)) memo.set(next, done);
        else missing = true;
      }
      // A file with more components after it resolves no further (ENOTDIR), as a missing one.
      if (!missing && rest.length > 0 && !fs.isDirectory(done)) missing = true;
      continue;
    }
    if (++links > MAX_LINKS) return { kind: "loop" };
    if (target.startsWith("/")) done = "/";
    for (const seg of target.split("/").filter(Boolean).reverse()) rest.push(seg);
  }
  if (!inside(done)) return { kind: "outside", path: done };
  return missing ? { kind: "missing", path: done } : { kind: "found", path: done };
}
