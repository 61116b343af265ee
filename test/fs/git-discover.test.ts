import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clearBlobCache, GitFileSystem } from "../../src/fs/git.js";
import { revParseInProcess } from "../../src/fs/git-discover.js";

/**
 * Revisions resolved without spawning git (src/fs/git-discover.ts) against git itself: where it
 * answers, it answers what `git rev-parse --path-format=absolute --show-toplevel
 * --git-common-dir REV^{commit}…` prints (plain repository, a sub-directory, a linked worktree);
 * everything it does not mirror is left to git.
 */
const tmp = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-git-discover-")));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const repo = path.join(tmp, "repo");
mkdirSync(path.join(repo, "apps", "a"), { recursive: true });
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"] })
    .toString("utf8")
    .trim();
git(repo, "init", "-q", "-b", "main");
const commit = (msg: string) => {
  git(repo, "add", "-A");
  git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", msg);
  return git(repo, "rev-parse", "HEAD");
};
writeFileSync(path.join(repo, "apps", "a", "x.yaml"), "a: 1\n");
const c1 = commit("one");
writeFileSync(path.join(repo, "apps", "a", "x.yaml"), "a: 2\n");
const c2 = commit("two");
git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "tag", "-a", "-m", "t", "v1", c1);
const tagObject = git(repo, "rev-parse", "v1");
const tree = git(repo, "rev-parse", "HEAD^{tree}");
const worktree = path.join(tmp, "wt");
git(repo, "worktree", "add", "-q", "-b", "side", worktree, c1);

const byGit = (cwd: string, revs: string[]) =>
  git(
    cwd,
    "rev-parse",
    "--path-format=absolute",
    "--show-toplevel",
    "--git-common-dir",
    ...revs.map((r) => `${r}^{commit}`),
  ).split("\n");

describe("revisions resolved in process", () => {
  it.each([
    ["the top level", repo, [c1, c2]],
    ["a sub-directory", path.join(repo, "apps", "a"), [c2]],
    ["a linked worktree", worktree, [c2, c1]],
    ["a linked worktree's sub-directory", path.join(worktree, "apps"), [c1]],
  ])("full commit ids from %s: what git rev-parse prints", (_, cwd, revs) => {
    expect(revParseInProcess(cwd, revs, {})).toEqual(byGit(cwd, revs));
  });

  it.each([
    ["a branch name", ["main"]],
    ["HEAD", ["HEAD"]],
    ["rev~1", [`${c2}~1`]],
    ["an abbreviated id", [c2.slice(0, 12)]],
    ["an upper-case id", [c2.toUpperCase()]],
    ["an annotated tag's id (git peels it)", [tagObject]],
    ["a tree id", [tree]],
    ["an id no object has", ["0123456789abcdef0123456789abcdef01234567"]],
    ["one full id beside a name", [c1, "main"]],
  ])("%s is left to git", (_, revs) => {
    expect(revParseInProcess(repo, revs, {})).toBeUndefined();
  });

  it("a GIT_* variable that may change discovery or objects leaves the revisions to git", () => {
    expect(revParseInProcess(repo, [c1], { GIT_DIR: path.join(repo, ".git") })).toBeUndefined();
    expect(revParseInProcess(repo, [c1], { GIT_CEILING_DIRECTORIES: tmp })).toBeUndefined();
    expect(revParseInProcess(repo, [c1], { GIT_CONFIG_COUNT: "1" })).toBeUndefined();
    expect(revParseInProcess(repo, [c1], { GIT_OBJECT_DIRECTORY: tmp })).toBeUndefined();
    // Transport and identity settings (CI images set GIT_SSL_CAINFO) change nothing here.
    expect(
      revParseInProcess(repo, [c1], { HOME: tmp, GIT_SSL_CAINFO: "/x.pem", GIT_TERMINAL_PROMPT: "0" }),
    ).toEqual(byGit(repo, [c1]));
  });

  it("core.worktree, extensions and a directory inside .git are left to git", () => {
    expect(revParseInProcess(path.join(repo, ".git"), [c1], {})).toBeUndefined();
    git(repo, "config", "core.worktree", repo);
    expect(revParseInProcess(repo, [c1], {})).toBeUndefined();
    git(repo, "config", "--unset", "core.worktree");
    git(repo, "config", "extensions.worktreeConfig", "true");
    expect(revParseInProcess(repo, [c1], {})).toBeUndefined();
    git(repo, "config", "--unset", "extensions.worktreeConfig");
    expect(revParseInProcess(repo, [c1], {})).toEqual(byGit(repo, [c1]));
  });

  it("a bare repository is left to git", () => {
    const bare = path.join(tmp, "bare.git");
    git(tmp, "clone", "-q", "--bare", repo, bare);
    expect(revParseInProcess(bare, [c1], {})).toBeUndefined();
  });

  it("outside any repository: left to git (which says so)", () => {
    const outside = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-no-repo-")));
    try {
      expect(revParseInProcess(outside, [c1], {})).toBeUndefined();
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("openBoth with full ids reads what it reads with names", () => {
    clearBlobCache();
    const [b, h] = GitFileSystem.openBoth(path.join(repo, "apps"), c1, c2);
    clearBlobCache();
    const [bn, hn] = GitFileSystem.openBoth(path.join(repo, "apps"), "main~1", "main");
    expect([b.commit, h.commit, b.toplevel]).toEqual([bn.commit, hn.commit, bn.toplevel]);
    expect([...b.blobs]).toEqual([...bn.blobs]);
    expect([...h.blobs]).toEqual([...hn.blobs]);
    expect(h.readFile(path.join(repo, "apps", "a", "x.yaml")).toString()).toBe("a: 2\n");
  });
});
