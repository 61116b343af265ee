/**
 * An output path the user names may lie inside the repository's checkout (`--html
 * out/report.html`, run in the checkout as CI jobs do), and the checkout is the pull request's:
 * a directory on the way committed as a symbolic link (`out -> /home/runner/.ssh`) would turn
 * the write into one outside it. Only the command line may name a place outside the
 * repository, so a link inside the checkout on the way to an output is refused; outside the
 * checkout the path is the user's as written (a /tmp that is a link, a linked home folder).
 */
import { existsSync, realpathSync } from "node:fs";
import * as path from "node:path";
import { refuseLinksBelow } from "./atomic-write.js";

/**
 * Throws naming the first symbolic link on the way to `target` (a file or output directory,
 * itself included) below the checkout holding `repo`; nothing when `target` is outside it.
 */
export function refuseCheckoutLinks(target: string, repo: string): void {
  const abs = path.resolve(target);
  const root = checkoutOf(path.resolve(repo));
  for (const spelling of spellingsOf(root)) {
    if (abs !== spelling && abs.startsWith(`${spelling}${path.sep}`)) refuseLinksBelow(spelling, abs);
  }
}

/**
 * The work tree holding `dir`: the nearest directory upwards with a `.git` (a directory, or the
 * file of a linked worktree), else `dir` itself.
 */
function checkoutOf(dir: string): string {
  for (let at = dir; ; at = path.dirname(at)) {
    if (existsSync(path.join(at, ".git"))) return at;
    if (path.dirname(at) === at) return dir;
  }
}

/** The root as written and as the file system resolves it (a checkout below a linked /tmp). */
function spellingsOf(root: string): string[] {
  try {
    const real = realpathSync.native(root);
    return real === root ? [root] : [root, real];
  } catch {
    return [root];
  }
}
