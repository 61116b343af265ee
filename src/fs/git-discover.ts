/**
 * What `git rev-parse --path-format=absolute --show-toplevel --git-common-dir REV^{commit}…`
 * answers, found without spawning git where the answer is certain: every revision a full
 * commit id (40 hex digits, as CI systems pass a pull request's base and head) in a plain
 * repository or a linked worktree. Spawning git cost ~10 ms of a changed-only diff on a quiet
 * machine, and several times that on a loaded one (issue 16).
 *
 * git takes a full hexadecimal id as the object it names before looking up any ref
 * (object-name.c, get_oid_basic: `len == hexsz && !get_oid_hex(str, oid)`), so the answer
 * needs the repository's top level, its common directory and the object's type. The top level
 * is found as setup.c's setup_git_directory_gently finds it: the nearest directory upwards
 * holding `.git` (a directory, or a file `gitdir: PATH` for a linked worktree, whose
 * `commondir` file names the common directory).
 *
 * Anything this does not mirror is left to git (undefined): a ref name, `rev~1`, an abbreviated
 * or upper-case id, an object that is not a commit (a tag to peel) or that this reader cannot
 * find, a GIT_* variable other than transport ones (GIT_DIR, GIT_CEILING_DIRECTORIES, …), a bare repository or a
 * directory inside a git directory, core.worktree or core.bare, any `[extensions]` (SHA-256,
 * per-worktree config), `[include]`s, a repository owned by another user (git refuses it
 * unless safe.directory says otherwise), and a discovery that would cross a file system.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import * as path from "node:path";
import { GitObjectReader } from "./git-objects.js";

const FULL_ID = /^[0-9a-f]{40}$/;
/**
 * GIT_* variables about talking to remotes, identities, editors and tracing: none changes where
 * the repository is or what an object id names (CI images set GIT_SSL_CAINFO, say). Any other
 * (GIT_DIR, GIT_CONFIG_*, GIT_OBJECT_DIRECTORY, …) leaves the revisions to git.
 */
const TRANSPORT_ONLY =
  /^GIT_(SSL_\w+|HTTP_\w+|CURL_\w+|PROXY_\w+|SSH|SSH_COMMAND|SSH_VARIANT|ASKPASS|TERMINAL_PROMPT|PROTOCOL_FROM_USER|AUTHOR_\w+|COMMITTER_\w+|EDITOR|SEQUENCE_EDITOR|PAGER|TRACE\w*|LFS_\w+|FLUSH|MERGE_VERBOSITY|PROGRESS_DELAY)$/;

/** [toplevel, commonDir, ...commit ids] as git rev-parse prints them, or undefined: ask git. */
export function revParseInProcess(
  cwd: string,
  revisions: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] | undefined {
  if (revisions.length === 0 || !revisions.every((r) => FULL_ID.test(r))) return undefined;
  if (Object.keys(env).some((k) => k.startsWith("GIT_") && !TRANSPORT_ONLY.test(k))) return undefined;
  try {
    const found = findRepository(cwd);
    if (!found) return undefined;
    const reader = new GitObjectReader(path.join(found.commonDir, "objects"), 1024 * 1024);
    try {
      for (const r of revisions) if (reader.read(r)?.type !== "commit") return undefined;
    } finally {
      reader.close();
    }
    return [found.toplevel, found.commonDir, ...revisions];
  } catch {
    return undefined;
  }
}

/** The top level and common git directory of the repository containing `cwd`, when certain. */
function findRepository(cwd: string): { toplevel: string; commonDir: string } | undefined {
  const start = realpathSync.native(cwd);
  if (start.split(path.sep).includes(".git")) return undefined;
  const device = statSync(start).dev;
  for (let dir = start; ; ) {
    const st = statSync(dir);
    // git stops at a file system boundary (GIT_DISCOVERY_ACROSS_FILESYSTEM unset).
    if (st.dev !== device) return undefined;
    if (looksLikeGitDir(dir)) return undefined; // a bare repository: git's own rules apply
    const dotGit = path.join(dir, ".git");
    if (existsSync(dotGit)) return repositoryAt(dir, dotGit);
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function repositoryAt(toplevel: string, dotGit: string): { toplevel: string; commonDir: string } | undefined {
  let gitDir: string;
  if (statSync(dotGit).isDirectory()) {
    gitDir = dotGit;
  } else {
    const m = /^gitdir: (.+)$/.exec(readFileSync(dotGit, "utf8").replace(/\r?\n$/, ""));
    if (!m) return undefined;
    gitDir = path.resolve(toplevel, m[1]!);
  }
  if (!looksLikeGitDir(gitDir) && !existsSync(path.join(gitDir, "commondir"))) return undefined;
  const commonFile = path.join(gitDir, "commondir");
  const commonDir = realpathSync.native(
    existsSync(commonFile)
      ? path.resolve(gitDir, readFileSync(commonFile, "utf8").replace(/\r?\n$/, ""))
      : gitDir,
  );
  if (!existsSync(path.join(commonDir, "objects")) || !existsSync(path.join(gitDir, "HEAD")))
    return undefined;
  if (existsSync(path.join(gitDir, "config.worktree"))) return undefined;
  const config = existsSync(path.join(commonDir, "config"))
    ? readFileSync(path.join(commonDir, "config"), "utf8")
    : "";
  if (/^\s*worktree\s*=|^\s*bare\s*=\s*(true|yes|on|1)\b|^\s*\[\s*(extensions|include)/im.test(config)) {
    return undefined;
  }
  // safe.directory: git refuses a repository another user owns.
  const uid = process.getuid?.();
  if (uid === undefined || statSync(toplevel).uid !== uid || statSync(gitDir).uid !== uid) return undefined;
  return { toplevel: realpathSync.native(toplevel), commonDir };
}

/** setup.c's is_git_directory: HEAD, objects/ and refs/ (a worktree's may live in its common dir). */
function looksLikeGitDir(dir: string): boolean {
  return (
    existsSync(path.join(dir, "HEAD")) &&
    existsSync(path.join(dir, "objects")) &&
    existsSync(path.join(dir, "refs"))
  );
}
