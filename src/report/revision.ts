/**
 * A revision diff for the dashboard (the same steps as `slipway diff --base`): the base read from
 * Git objects, the head from the working tree, changed-only, SOPS values compared decrypted and
 * masked with the session's masker. Also lists the revisions a person can pick as the base.
 */
import { execFileSync } from "node:child_process";
import { realpathSync } from "node:fs";
import * as path from "node:path";
import { diffRevisions } from "../diff/index.js";
import type { DiffReport } from "../diff/model.js";
import { SlipwayError } from "../errors.js";
import { DiskFileSystem } from "../fs/filesystem.js";
import { GitFileSystem } from "../fs/git.js";
import { GUARDED_GIT_OPTIONS } from "../fs/git-config-guard.js";
import { decryptorFor } from "../platform/decrypt.js";
import type { SecretValues } from "../platform/masking.js";
import type { RevisionChoices } from "./model.js";

export type { RevisionChoices };

/** What a base may look like: a ref name, a hash, `HEAD~2`, `main^`, `v1.2.0`. Never an option. */
const REVISION = /^(?!-)[A-Za-z0-9._/~^@{}+-]{1,200}$/;

export function isRevisionSyntax(rev: string): boolean {
  return REVISION.test(rev) && !rev.includes("..");
}

export function revisionChoices(repo: string): RevisionChoices {
  const cwd = path.resolve(repo);
  try {
    const refs = git(cwd, [
      "for-each-ref",
      "--format=%(refname)",
      "--count=200",
      "refs/heads",
      "refs/tags",
      "refs/remotes",
    ])
      .split("\n")
      .filter(Boolean)
      .map((r) => {
        const kind = r.startsWith("refs/heads/") ? "branch" : r.startsWith("refs/tags/") ? "tag" : "remote";
        return { name: r.replace(/^refs\/(heads|tags|remotes)\//, ""), kind } as const;
      })
      .filter((r) => !r.name.endsWith("/HEAD"));
    const commits = git(cwd, ["log", "-n", "15", "--format=%h%x09%s", "HEAD", "--"])
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const tab = l.indexOf("\t");
        return { rev: l.slice(0, tab), subject: l.slice(tab + 1) };
      });
    return { git: true, refs, commits };
  } catch {
    return { git: false, refs: [], commits: [] };
  }
}

export async function revisionDiff(
  repo: string,
  base: string,
  identities: readonly string[] | undefined,
  values: SecretValues,
  clusters?: string[],
): Promise<DiffReport> {
  if (!isRevisionSyntax(base)) throw new SlipwayError(`'${base}' is not a revision name`);
  const root = realpathSync(path.resolve(repo)).split(path.sep).join("/");
  const views = [GitFileSystem.open(root, base), new DiskFileSystem()];
  const decryptor = await decryptorFor(root, views, identities ?? []);
  const { report } = diffRevisions({
    repo,
    base,
    changedOnly: true,
    masker: values.masker,
    decrypt: decryptor.hooks,
    ...(clusters ? { clusters } : {}),
  });
  return report;
}

function git(cwd: string, args: string[]): string {
  return execFileSync("git", [...GUARDED_GIT_OPTIONS, ...args], {
    cwd,
    stdio: ["ignore", "pipe", "ignore"],
    maxBuffer: 16 << 20,
  }).toString("utf8");
}
