import { afterAll, describe, expect, it } from "vitest";
import { type DiffReport, diffExitCode, diffRevisions } from "../../src/diff/index.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { diffCorpus } from "../support/corpus.js";
import { requires } from "../support/env.js";
import { applyRandomEdit, GitCopy, type ScalarEdit, seedOf, yamlFiles } from "../support/metamorphic.js";
import { Rng } from "../support/random.js";

/**
 * Metamorphic test of `diff` over ../shared/realworld: one random one-line scalar edit per
 * run, committed (head read from Git objects) or left in the working tree; changed-only mode
 * must print exactly what `--full` prints, with the same exit code.
 *
 * SLIPWAY_METAMORPHIC_EDITS=N  edits per repository (default 2)
 * SLIPWAY_METAMORPHIC_SEED=S   replay one seed (with SLIPWAY_METAMORPHIC_REPO=<folder>)
 * SLIPWAY_EXTRA_REPOS=D1:D2    also the repositories below these folders (test/support/corpus.ts)
 */
const editsPerRepo = Number(process.env.SLIPWAY_METAMORPHIC_EDITS ?? 2);
const replaySeed = process.env.SLIPWAY_METAMORPHIC_SEED;
const onlyRepo = process.env.SLIPWAY_METAMORPHIC_REPO;

interface Outcome {
  repo: string;
  seed: number;
  edit?: ScalarEdit;
  agree: boolean;
  detail?: string;
  fullMs: number;
  changedMs: number;
  exitCode: number;
}

function comparable(r: DiffReport): unknown {
  return { ...r, changedOnly: undefined };
}

/** The first place two JSON values differ, for a readable failure. */
function firstDifference(a: unknown, b: unknown, at = ""): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${at}.${k}`,
      );
      if (d) return d;
    }
  }
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 300);
  return `${at || "."}: changed-only ${show(a)} vs full ${show(b)}`;
}

// Read only when the suite runs: a fresh clone has no ../shared.
const runs = requires("shared");
const repos = runs ? diffCorpus(true, onlyRepo) : [];

describe.runIf(runs)("diff: changed-only equals --full on random edits of real repositories", () => {
  const outcomes: Outcome[] = [];

  afterAll(() => {
    const agreed = outcomes.filter((o) => o.agree).length;
    const full = outcomes.reduce((a, o) => a + o.fullMs, 0);
    const changed = outcomes.reduce((a, o) => a + o.changedMs, 0);
    process.stdout.write(
      `metamorphic diff: ${agreed} of ${outcomes.length} edits agree across ${repos.length} repositories; ` +
        `changed-only ${Math.round(changed)} ms vs full ${Math.round(full)} ms in total\n`,
    );
  });

  it.each(repos)("$name", ({ name: repo, dir }) => {
    const copy = new GitCopy(dir);
    const files = yamlFiles(copy.dir);
    const seeds = replaySeed
      ? [Number(replaySeed)]
      : Array.from({ length: editsPerRepo }, (_, i) => (seedOf(repo) + i) >>> 0);
    const failures: string[] = [];
    try {
      for (const seed of seeds) {
        const rng = new Rng(seed);
        const edit = applyRandomEdit(copy.dir, files, rng);
        const committed = rng.bool();
        const head = committed ? copy.commit(`edit ${seed}`) : undefined;
        const masker = createSecretMasker(Buffer.alloc(32, 7));
        const opts = { repo: copy.dir, base: copy.initial, head, masker };
        let t = performance.now();
        const fast = diffRevisions({ ...opts, changedOnly: true }).report;
        const changedMs = performance.now() - t;
        t = performance.now();
        const full = diffRevisions({ ...opts, changedOnly: false }).report;
        const fullMs = performance.now() - t;
        const detail =
          firstDifference(comparable(fast), comparable(full)) ??
          (diffExitCode(fast) !== diffExitCode(full)
            ? `exit codes ${diffExitCode(fast)} vs ${diffExitCode(full)}`
            : undefined);
        outcomes.push({
          repo,
          seed,
          edit,
          agree: !detail,
          detail,
          fullMs,
          changedMs,
          exitCode: diffExitCode(full),
        });
        const where = edit
          ? `${edit.file}:${edit.line} '${edit.before.trim()}' → '${edit.after.trim()}'`
          : "none";
        process.stdout.write(
          `${repo} seed ${seed} (${committed ? "commit" : "working tree"}): ${where}; exit ${diffExitCode(full)}; ` +
            `changed-only ${Math.round(changedMs)} ms, full ${Math.round(fullMs)} ms${detail ? `; DIFFERS ${detail}` : ""}\n`,
        );
        if (detail)
          failures.push(
            `seed ${seed} (SLIPWAY_METAMORPHIC_REPO=${repo} SLIPWAY_METAMORPHIC_SEED=${seed}), edit ${where}: ${detail}`,
          );
        copy.reset();
      }
    } finally {
      copy.cleanup();
    }
    expect(failures).toEqual([]);
  });
});
