/**
 * A repository's own Git configuration never runs a program when Slipway reads it (a diff's base
 * and changed files, the dashboard's revision list): the programs git would run on its own while
 * it reads (core.fsmonitor, clean filters and filter processes, an external diff, textconv) each
 * leave a mark if they run, and none may. A bare repository committed inside the working tree,
 * configured to run a monitor, is refused rather than read. (ls-tree, cat-file --batch,
 * for-each-ref and log, which read no working tree, run none of them with or without the guard.)
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { dirtyPaths, hasUncommittedChanges } from "../../src/cli/git.js";
import { SlipwayError } from "../../src/errors.js";
import { changedPaths } from "../../src/fs/git.js";

const root = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-git-config-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"] }).toString("utf8");

/** A program that leaves `<tripwire>/<name>` when run, passing its input through as a filter would. */
function program(tripwire: string, name: string): string {
  const file = path.join(tripwire, `${name}.sh`);
  writeFileSync(file, `#!/bin/sh\ntouch '${path.join(tripwire, name)}'\ncat\n`);
  chmodSync(file, 0o755);
  return file;
}

/** What ran: the marks left in `tripwire`. */
const ran = (tripwire: string) => readdirSync(tripwire).filter((n) => !n.endsWith(".sh"));

function hostileRepository(): { dir: string; tripwire: string } {
  const dir = path.join(root, "repo");
  const tripwire = path.join(root, "tripwire");
  mkdirSync(dir);
  mkdirSync(tripwire);
  git(dir, "init", "-q", "-b", "main");
  writeFileSync(path.join(dir, "a.yaml"), "a: 1\n");
  writeFileSync(path.join(dir, "b.yaml"), "b: 2\n");
  writeFileSync(path.join(dir, "c.txt"), "c\n");
  writeFileSync(path.join(dir, "d.cfg"), "d\n");
  git(dir, "add", "-A");
  git(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "c");
  // Configured after the commit, as a repository handed over arrives.
  writeFileSync(
    path.join(dir, ".gitattributes"),
    "*.yaml filter=evil diff=evil\n*.txt filter=a=b.c\n*.cfg filter=included\n",
  );
  const config = (...kv: string[]) => git(dir, "config", ...kv);
  config("core.fsmonitor", program(tripwire, "fsmonitor"));
  config("filter.evil.clean", program(tripwire, "clean"));
  config("filter.evil.smudge", program(tripwire, "smudge"));
  config("filter.evil.required", "true");
  config("filter.a=b.c.clean", program(tripwire, "clean-of-a-driver-named-a=b.c"));
  config("diff.external", program(tripwire, "external-diff"));
  config("diff.evil.textconv", program(tripwire, "textconv"));
  const included = path.join(root, "included.config");
  writeFileSync(included, `[filter "included"]\n\tprocess = ${program(tripwire, "filter-process")}\n`);
  config("include.path", included);
  // Every file stat-dirty, so git would read each through its filter; a.yaml changed.
  writeFileSync(path.join(dir, "a.yaml"), "a: 2\n");
  const later = new Date(Date.now() + 60_000);
  for (const f of ["a.yaml", "b.yaml", "c.txt", "d.cfg"]) utimesSync(path.join(dir, f), later, later);
  return { dir, tripwire };
}

describe("reading a repository whose .git/config names programs", () => {
  const { dir, tripwire } = hostileRepository();
  beforeEach(() => {
    for (const mark of ran(tripwire)) rmSync(path.join(tripwire, mark));
  });

  it("changed paths against the working tree run none of them, and still find the change", () => {
    expect(changedPaths(dir, "HEAD")).toEqual([".gitattributes", "a.yaml"]);
    expect(ran(tripwire)).toEqual([]);
  });

  it("promote's look at what is uncommitted runs no monitor", () => {
    expect(dirtyPaths(dir, [path.join(dir, "a.yaml"), path.join(dir, "b.yaml")])).toContain(
      path.join(dir, "a.yaml"),
    );
    expect(hasUncommittedChanges(dir)).toBe(true);
    expect(ran(tripwire).filter((mark) => mark === "fsmonitor")).toEqual([]);
  });

  it("a bare repository committed below the working tree is refused, not read with its monitor", () => {
    const evil = path.join(dir, "sub", "evil");
    mkdirSync(path.dirname(evil));
    git(dir, "init", "-q", "--bare", evil);
    git(evil, "config", "core.bare", "false");
    git(evil, "config", "core.worktree", evil);
    writeFileSync(path.join(evil, "x.yaml"), "x: 1\n");
    git(evil, "add", "x.yaml");
    git(evil, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "c");
    utimesSync(path.join(evil, "x.yaml"), new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    git(evil, "config", "core.fsmonitor", program(tripwire, "embedded-fsmonitor"));
    expect(() => changedPaths(evil, "HEAD")).toThrow(SlipwayError);
    expect(ran(tripwire)).toEqual([]);
  });
});
