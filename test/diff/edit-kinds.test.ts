import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { type DiffReport, diffExitCode, diffRevisions } from "../../src/diff/index.js";
import { directoryChartProvider } from "../../src/helmrelease/charts.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { conformanceChartDirs } from "../support/conformance-charts.js";
import { diffCorpus } from "../support/corpus.js";
import { applyEdit, HOSTILE_KINDS, KINDS, UNIT_KINDS } from "../support/edit-kinds.js";
import { requires } from "../support/env.js";
import { GitCopy, seedOf, yamlFiles } from "../support/metamorphic.js";
import { Rng } from "../support/random.js";

/**
 * Property (issue 16): on every repository of ../shared/realworld, with HelmReleases rendered
 * (the charts of ../shared/conformance/helm standing in for the chart cache) and a warm render
 * cache, a changed-only diff of one random edit of each kind reports exactly what a full diff
 * reports, exit code included (that a cached render equals a fresh one is test/cache's property): a value change, a deleted file, a new file, an
 * edited kustomization.yaml, an edited HelmRelease value and an edited SOPS file; and the edits
 * its shortcuts decide about without rendering: a chart bump, a generator's input, a deleted
 * Flux Kustomization or HelmRelease, a renamed Flux Kustomization, a postBuild variable (inline
 * or in a substituteFrom source), a ConfigMap a HelmRelease takes values from, a file no
 * Kustomization reads and a file moved or copied unchanged; and edits built to break it
 * (HOSTILE_KINDS: a component's file, .sops.yaml, a renamed file, a new app folder, an ignored
 * file, a CRLF working copy, several edits at once, a Flux source's URL, a cluster root deleted
 * or copied).
 *
 * SLIPWAY_EDIT_KINDS_SEED=S  replay one seed (with SLIPWAY_EDIT_KINDS_REPO=<folder>)
 * SLIPWAY_EDIT_KINDS=K1,K2   only these kinds (seeds stay those of the full run)
 * SLIPWAY_EXTRA_REPOS=D1:D2  also the repositories below these folders (test/support/corpus.ts)
 */
const runs = requires("shared");
const onlyRepo = process.env.SLIPWAY_EDIT_KINDS_REPO;
const replaySeed = process.env.SLIPWAY_EDIT_KINDS_SEED;
const onlyKinds = process.env.SLIPWAY_EDIT_KINDS?.split(",");
const repos = runs ? diffCorpus(true, onlyRepo) : [];

function chartProvider() {
  return directoryChartProvider(conformanceChartDirs());
}

function comparable(r: DiffReport): unknown {
  return JSON.parse(
    JSON.stringify({ ...r, changedOnly: undefined }, (_, v) => (typeof v === "bigint" ? `${v}n` : v)),
  );
}

const cacheDir = runs ? mkdtempSync(path.join(tmpdir(), "slipway-diff-edit-kinds-")) : "";
afterAll(() => {
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

describe.runIf(runs)(
  "changed-only diff equals a full diff for every kind of one-file edit (HelmReleases rendered, warm cache)",
  () => {
    const charts = runs ? chartProvider() : undefined;
    it.each(repos)(
      "$name",
      ({ name: repo, dir }) => {
        const copy = new GitCopy(dir);
        const files = yamlFiles(copy.dir);
        const masker = createSecretMasker(Buffer.alloc(32, 9));
        const renderCache = new DiskRenderCache(cacheDir);
        const failures: string[] = [];
        try {
          // Warm the cache with the base revision, as a previous run on it would have.
          diffRevisions({
            repo: copy.dir,
            base: copy.initial,
            head: copy.initial,
            changedOnly: false,
            masker,
            charts,
            renderCache,
          });
          [...KINDS, ...UNIT_KINDS, ...HOSTILE_KINDS].forEach((kind, k) => {
            if (onlyKinds && !onlyKinds.includes(kind)) return;
            const seed = replaySeed ? Number(replaySeed) : (seedOf(repo) + k) >>> 0;
            const rng = new Rng(seed);
            const edit = applyEdit(copy.dir, files, kind, rng);
            if (edit === undefined) return;
            const committed = rng.bool();
            const head = committed ? copy.commit(`${kind} ${seed}`) : undefined;
            const opts = { repo: copy.dir, base: copy.initial, head, masker, charts };
            const fast = diffRevisions({ ...opts, changedOnly: true, renderCache }).report;
            const full = diffRevisions({ ...opts, changedOnly: false, renderCache }).report;
            process.stdout.write(
              `${repo} ${kind} seed ${seed}: ${edit}; ${full.summary.added}+ ${full.summary.removed}- ${full.summary.changed}~\n`,
            );
            const same = JSON.stringify(comparable(fast)) === JSON.stringify(comparable(full));
            if (!same || diffExitCode(fast) !== diffExitCode(full))
              failures.push(`${kind}, seed ${seed} (${committed ? "commit" : "working tree"}): ${edit}`);
            // A real change is never reported as nothing.
            if (full.clusters.length > 0 && fast.clusters.length === 0)
              failures.push(`${kind}, seed ${seed}: changed-only reports no difference`);
            copy.reset();
          });
        } finally {
          copy.cleanup();
        }
        expect(failures).toEqual([]);
        // 23 edits, each diffed twice: a large repository on a loaded machine needs minutes.
      },
      900_000,
    );
  },
);
