/**
 * What a checkout's Git metadata says about the repository itself: the URLs of its remotes and
 * the branch checked out. A GitRepository of the repository whose URL is one of those remotes is
 * this repository under another name (a cluster folder applied by `kubectl apply -k` whose Flux
 * Kustomizations read GitRepository `homelab`, defined in another folder with the URL of the
 * clone's `origin`). Nothing in the tree tells: only `.git/config` does.
 *
 * Read from `<root>/.git` only when it is a directory, the repository's own metadata. A `.git`
 * file (a worktree or a submodule) points elsewhere, outside the repository: it is not followed,
 * and such a checkout has no remotes here. Read directly, not through the load's file system:
 * the check's result cache keys its runs by the repository's content, `.git` excluded, and by
 * this checkout (src/check/run.ts), and a diff's two revisions share the one checkout they are
 * revisions of.
 */
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";

export interface Checkout {
  /** URLs of the remotes, as `.git/config` spells them, in file order. */
  remotes: string[];
  /** The branch HEAD names; undefined when HEAD is detached (a CI checkout of a pull request). */
  branch?: string;
  /** The default branch of `origin` (`refs/remotes/origin/HEAD`), when the clone recorded it. */
  defaultBranch?: string;
}

export const NO_CHECKOUT: Checkout = { remotes: [] };

/** Git metadata larger than this is not read: a `.git/config` is a few hundred bytes. */
const MAX_METADATA_BYTES = 256 * 1024;

export function readCheckout(root: string): Checkout {
  const gitDir = path.join(root, ".git");
  try {
    if (!statSync(gitDir).isDirectory()) return NO_CHECKOUT;
  } catch {
    return NO_CHECKOUT;
  }
  const config = readSmall(path.join(gitDir, "config"));
  const head = readSmall(path.join(gitDir, "HEAD"));
  const branch = head === undefined ? undefined : headBranch(head);
  const originHead = readSmall(path.join(gitDir, "refs", "remotes", "origin", "HEAD"));
  const defaultBranch =
    originHead === undefined
      ? undefined
      : /^ref:\s*refs\/remotes\/origin\/(\S+)\s*$/.exec(originHead.trim())?.[1];
  return {
    remotes: config === undefined ? [] : remoteUrls(config),
    ...(branch !== undefined ? { branch } : {}),
    ...(defaultBranch !== undefined ? { defaultBranch } : {}),
  };
}

function readSmall(file: string): string | undefined {
  try {
    const st = statSync(file);
    if (!st.isFile() || st.size > MAX_METADATA_BYTES) return undefined;
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** The branch of a HEAD file (`ref: refs/heads/main`); undefined for a detached HEAD. */
export function headBranch(text: string): string | undefined {
  const m = /^ref:\s*refs\/heads\/(\S+)\s*$/.exec(text.trim());
  return m?.[1];
}

/**
 * The `url` values of every `[remote "NAME"]` section of a Git config file. Section and key
 * names are case-insensitive in Git; a value may be quoted and may end in a `#` or `;` comment.
 */
export function remoteUrls(text: string): string[] {
  const urls: string[] = [];
  let inRemote = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"(?:[^"\\]|\\.)*")?\s*\]/.exec(line);
    if (section) {
      const name = section[1]!.toLowerCase();
      inRemote = name === "remote" || name.startsWith("remote.");
      continue;
    }
    if (!inRemote) continue;
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*=\s*(.*)$/.exec(line);
    if (!kv || kv[1]!.toLowerCase() !== "url") continue;
    const value = configValue(kv[2]!);
    if (value !== "") urls.push(value);
  }
  return urls;
}

/** A Git config value: quotes removed, a trailing comment outside quotes dropped. */
function configValue(v: string): string {
  let out = "";
  let quoted = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === "\\" && i + 1 < v.length) {
      out += v[++i]!;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && (c === "#" || c === ";")) {
      break;
    } else {
      out += c;
    }
  }
  return out.trim();
}
