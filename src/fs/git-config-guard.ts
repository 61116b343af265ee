/**
 * What keeps a repository's own Git configuration from running programs when Slipway reads it
 * with git. A checkout handed to Slipway (a pull request's clone, a directory unpacked from an
 * archive, a bare repository committed inside the working tree that git would find from a
 * subdirectory) may carry a `.git/config` naming commands that git runs on its own while it only
 * reads: `core.fsmonitor` (asked before every index refresh: `git diff` against the working tree,
 * `git status`, `ls-files`), the clean filter of a `filter.<driver>` that a `.gitattributes`
 * names (run on each file whose stat no longer matches the index), external diff drivers and
 * textconv. Git reads options given with `-c` after the repository's files, so these override
 * them. Filter drivers have no switch that turns them all off: the ones the repository's own
 * files configure are listed (`git config` runs nothing) and each is emptied, which git reads as
 * no filter; the file is then compared as it is on disk, which is how Slipway reads it anyway.
 * The user's own drivers (git-lfs in ~/.gitconfig) are theirs and stay.
 *
 * Slipway's git commands that commit (`promote --commit`) are the user's own and keep their
 * hooks and settings (src/cli/git.ts); only the commands that read are guarded.
 */
import { execFileSync } from "node:child_process";

/**
 * Options for every read-only git command: no filesystem monitor hook, no bare repository found
 * by walking up from a subdirectory (git >= 2.38 reads `safe.bareRepository` only from options
 * and the user's own files). External diff drivers and textconv are turned off by `git diff`'s
 * own --no-ext-diff --no-textconv (an empty `diff.external` would make git run "" for a patch).
 */
export const GUARDED_GIT_OPTIONS: readonly string[] = [
  "-c",
  "core.fsmonitor=false",
  "-c",
  "safe.bareRepository=explicit",
];

const worktreeEnvByDir = new Map<string, NodeJS.ProcessEnv>();

/**
 * The environment for a git command that reads the working tree at `cwd` (with
 * GUARDED_GIT_OPTIONS): `env` with each filter driver the repository configures emptied. The
 * settings go through GIT_CONFIG_COUNT/KEY/VALUE (git >= 2.31), after any the caller's
 * environment holds, since a driver's name may hold a `=` that `-c` would split at. Listed once
 * per directory and process.
 */
export function worktreeGitEnv(cwd: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  let guarded = worktreeEnvByDir.get(cwd);
  if (guarded === undefined) {
    guarded = withConfig(env, emptiedFilters(configuredFilterDrivers(cwd)));
    worktreeEnvByDir.set(cwd, guarded);
  }
  return guarded;
}

/**
 * The `<driver>` of every `filter.<driver>.<key>` that the repository at `cwd` configures (its
 * config and config.worktree, and what they include), whatever the user's files say of it.
 */
function configuredFilterDrivers(cwd: string): string[] {
  let names: string;
  try {
    names = execFileSync(
      "git",
      [...GUARDED_GIT_OPTIONS, "config", "-z", "--show-scope", "--name-only", "--get-regexp", "^filter\\."],
      { cwd, stdio: ["ignore", "pipe", "ignore"], encoding: "utf8", timeout: 60_000 },
    );
  } catch {
    return []; // exit 1: none configured; the command that follows reports a broken repository
  }
  const drivers = new Set<string>();
  const fields = names.split("\0");
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [scope, name] = [fields[i]!, fields[i + 1]!];
    if (scope !== "local" && scope !== "worktree") continue;
    // filter.<driver>.<key>; the driver (a subsection) may hold dots, the key never does
    const last = name.lastIndexOf(".");
    if (name.startsWith("filter.") && last > "filter.".length)
      drivers.add(name.slice("filter.".length, last));
  }
  return [...drivers].sort();
}

function emptiedFilters(drivers: string[]): Array<[string, string]> {
  return drivers.flatMap(
    (d): Array<[string, string]> => [
      [`filter.${d}.clean`, ""],
      [`filter.${d}.smudge`, ""],
      [`filter.${d}.process`, ""],
      [`filter.${d}.required`, "false"],
    ],
  );
}

function withConfig(env: NodeJS.ProcessEnv, settings: Array<[string, string]>): NodeJS.ProcessEnv {
  if (settings.length === 0) return env;
  const given = Number(env.GIT_CONFIG_COUNT ?? 0);
  const first = Number.isSafeInteger(given) && given > 0 ? given : 0;
  const out: NodeJS.ProcessEnv = { ...env, GIT_CONFIG_COUNT: String(first + settings.length) };
  for (const [i, [key, value]] of settings.entries()) {
    out[`GIT_CONFIG_KEY_${first + i}`] = key;
    out[`GIT_CONFIG_VALUE_${first + i}`] = value;
  }
  return out;
}
