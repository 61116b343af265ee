/**
 * The few Git commands a command that commits needs, run with the user's own `git` (so their
 * identity, hooks and signing settings apply). Failures throw with git's message. The commands
 * that only look (is this a work tree, what is dirty) run with GUARDED_GIT_OPTIONS: no monitor
 * hook from the repository's configuration, no bare repository found from a subdirectory; their
 * answers are the same.
 */
import { execFileSync } from "node:child_process";
import { SlipwayError } from "../errors.js";
import { GUARDED_GIT_OPTIONS } from "../fs/git-config-guard.js";

function git(cwd: string, args: string[], trim = true, options: readonly string[] = []): string {
  try {
    const out = execFileSync("git", [...options, ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    });
    return trim ? out.trim() : out;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new SlipwayError(`git ${args[0]}: ${(err.stderr ?? err.message).trim()}`);
  }
}

export function isGitWorkTree(dir: string): boolean {
  try {
    return git(dir, ["rev-parse", "--is-inside-work-tree"], true, GUARDED_GIT_OPTIONS) === "true";
  } catch {
    return false;
  }
}

export function headCommit(dir: string): string | undefined {
  try {
    return git(dir, ["rev-parse", "--verify", "--quiet", "HEAD"]);
  } catch {
    return undefined;
  }
}

/** Paths (absolute) among `paths` with uncommitted changes, staged or not, or untracked. */
export function dirtyPaths(dir: string, paths: string[]): string[] {
  if (paths.length === 0) return [];
  const top = git(dir, ["rev-parse", "--show-toplevel"], true, GUARDED_GIT_OPTIONS);
  const status = ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ...paths];
  const out = git(dir, status, false, GUARDED_GIT_OPTIONS);
  return out
    .split("\0")
    .filter((l) => l.length > 3)
    .map((l) => `${top}/${l.slice(3)}`);
}

/** Whether anything below `dir` differs from HEAD (the source of a promotion was not committed). */
export function hasUncommittedChanges(dir: string): boolean {
  return git(dir, ["status", "--porcelain=v1", "--", "."], true, GUARDED_GIT_OPTIONS).length > 0;
}

/** Commits exactly `paths` (absolute) with `message`; returns the new commit id. */
export function commitPaths(dir: string, paths: string[], message: string): string {
  git(dir, ["add", "--", ...paths]);
  git(dir, ["commit", "--quiet", "-m", message, "--", ...paths]);
  return git(dir, ["rev-parse", "HEAD"]);
}

/**
 * Takes back commits made since `orig` on the current branch and restores `paths` (absolute) to
 * `orig` in the index; the caller puts their bytes back in the work tree. Used when a run that
 * commits several times fails midway. `--soft` leaves every other path's index and work tree as
 * they were; the commits taken back stay in the reflog.
 */
export function resetTo(dir: string, orig: string, paths: string[]): void {
  if (headCommit(dir) !== orig) git(dir, ["reset", "--soft", "--quiet", orig]);
  if (paths.length > 0) git(dir, ["reset", "--quiet", orig, "--", ...paths]);
}
