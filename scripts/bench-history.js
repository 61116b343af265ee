// A git copy of a repository with two commits, as a pull request's diff sees it: the tree as
// it is, then one edit. Shared by the diff benchmarks (bench-diff.js, bench-fleet.js).
import { execFileSync } from "node:child_process";
import { cpSync } from "node:fs";

/**
 * Copies `source` to `copy` and commits it twice: as it is (b), then after `edit(copy)` (h),
 * which returns a description of what it changed (undefined: nothing, the commit is empty).
 * With `pack`, objects are packed as a clone's (a CI checkout's) are: `git commit` leaves them
 * loose, which reads differently (a file per object).
 */
export function twoCommitCopy(source, copy, edit, { pack = false } = {}) {
  cpSync(source, copy, { recursive: true });
  const git = (...args) =>
    execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], {
      cwd: copy,
      stdio: ["ignore", "pipe", "pipe"],
    })
      .toString()
      .trim();
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  const b = git("rev-parse", "HEAD");
  const edited = edit(copy);
  git("commit", "-q", "--allow-empty", "-am", "edit");
  if (pack) git("gc", "-q");
  return { b, h: git("rev-parse", "HEAD"), edited };
}
