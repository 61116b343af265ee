import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { errorMessage } from "../../src/errors.js";
import { buildYaml } from "../../src/kustomize/build.js";
import { BuildCache } from "../../src/kustomize/target.js";
import { requires, sharedDir } from "../support/env.js";
import { type KubectlResult, kubectlKustomize, mapLimit } from "../support/kubectl.js";
import { kustomizationDirs } from "../support/tree.js";

/**
 * Differential test over ../shared/realworld: every directory that kubectl builds with
 * `--load-restrictor LoadRestrictionsNone` must build byte-identically with Slipway.
 */
const corpus = path.join(sharedDir, "realworld");

describe.runIf(requires("shared", "kubectl"))("real-world repositories vs kubectl kustomize", () => {
  const repos = existsSync(corpus)
    ? readdirSync(corpus, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const dirs = repos.flatMap((r) => kustomizationDirs(path.join(corpus, r)));
  const oracle = new Map<string, KubectlResult>();

  beforeAll(async () => {
    const results = await mapLimit(dirs, 4, (d) =>
      kubectlKustomize(d, ["--load-restrictor", "LoadRestrictionsNone"]),
    );
    for (const [i, d] of dirs.entries()) oracle.set(d, results[i]!);
  }, 600_000);

  for (const repo of repos) {
    it(repo, () => {
      const cache = new BuildCache();
      const failures: string[] = [];
      let compared = 0;
      let skipped = 0;
      for (const dir of dirs.filter(
        (d) => d.startsWith(path.join(corpus, repo) + path.sep) || d === path.join(corpus, repo),
      )) {
        const expected = oracle.get(dir)!;
        if (!expected.ok) {
          skipped++;
          continue;
        }
        compared++;
        let actual: string;
        try {
          actual = buildYaml(dir, { loadRestrictor: "LoadRestrictionsNone", cache });
        } catch (e) {
          failures.push(`${path.relative(corpus, dir)}: error ${errorMessage(e)}`);
          continue;
        }
        if (actual !== expected.stdout) failures.push(`${path.relative(corpus, dir)}: output differs`);
      }
      process.stdout.write(
        `[realworld] ${repo}: ${compared - failures.length}/${compared} identical (${skipped} kubectl cannot build)\n`,
      );
      expect(failures).toEqual([]);
    });
  }
});
