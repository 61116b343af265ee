/**
 * Property: `slipway serve`'s watch mode, which rebuilds only the kustomization directories a
 * change can affect, shows what a fresh load shows, on repositories it was not tuned on. On
 * every repository of ../shared/realworld, a session follows seeded edits of the kinds the
 * changed-only diff is tested with (test/support/edit-kinds.ts: values, new and deleted files,
 * components, generators' inputs, renames, CRLF copies, cluster roots, …); after each edit its
 * model must equal a fresh load of the edited tree, and after the edit is taken back, the
 * first load's. The files reported to the session are the ones Git finds modified, deleted or
 * new (ignored ones included), as a file watcher would report them.
 *
 * SLIPWAY_WATCH_KINDS=K1,K2  only these edit kinds (seeds stay those of the full run)
 * SLIPWAY_EXTRA_REPOS=D1:D2 also the repositories below these folders (test/support/corpus.ts)
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadDashboard } from "../../src/report/load.js";
import type { DashboardModel } from "../../src/report/model.js";
import { DashboardSession } from "../../src/server/session.js";
import { diffCorpus } from "../support/corpus.js";
import { applyEdit, type EditKind, HOSTILE_KINDS, KINDS, UNIT_KINDS } from "../support/edit-kinds.js";
import { requires } from "../support/env.js";
import { GitCopy, seedOf, yamlFiles } from "../support/metamorphic.js";
import { Rng } from "../support/random.js";

const runs = requires("shared");
const repos = runs ? diffCorpus(true) : [];
const ALL_KINDS: EditKind[] = [...KINDS, ...UNIT_KINDS, ...HOSTILE_KINDS];
const onlyKinds = process.env.SLIPWAY_WATCH_KINDS?.split(",");

/**
 * The model without what differs between two loads of the same tree (times, generation, change
 * lists). Both loads share the session's mask keys, so the nodes' fingerprints (a hash of each
 * Flux Kustomization's and HelmRelease's masked output) compare what they render.
 */
function comparable(m: DashboardModel): string {
  return JSON.stringify({ ...m, renderedAt: 0, generation: 0, changedFiles: [], changedNodes: [] }, (k, v) =>
    k === "renderMs" ? 0 : v,
  );
}

/** Where two models first differ, for a failure message a person can read. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at ${i}: …${a.slice(Math.max(0, i - 120), i + 80)}… vs …${b.slice(Math.max(0, i - 120), i + 80)}…`;
}

/** What a file watcher reports after an edit: every path modified, deleted or new, ignored ones too. */
function changedPaths(copy: GitCopy): string[] {
  // `ls-files --others` without --exclude-standard lists ignored files as well.
  const listed = copy.git("ls-files", "-z", "--modified", "--deleted", "--others");
  return [...new Set(listed.split("\0").filter((p) => p !== ""))].map((p) => path.join(copy.dir, p)).sort();
}

describe.runIf(runs)("serve's watch mode equals a fresh load after each edit and after its undoing", () => {
  it.each(repos)(
    "$name",
    async ({ name: repo, dir }) => {
      const copy = new GitCopy(dir);
      const failures: string[] = [];
      try {
        const files = yamlFiles(copy.dir);
        const session = new DashboardSession(copy.dir, { identities: [] });
        await session.start();
        const load = async () =>
          (await loadDashboard(copy.dir, { identities: [], values: session.secretValues })).model;
        const initial = comparable(await load());
        const first = comparable(session.snapshot!.model);
        if (first !== initial) failures.push(`the first load differs: ${firstDifference(first, initial)}`);
        for (const kind of ALL_KINDS) {
          if (onlyKinds && !onlyKinds.includes(kind)) continue;
          const seed = (seedOf(repo) + ALL_KINDS.indexOf(kind)) >>> 0;
          const edit = applyEdit(copy.dir, files, kind, new Rng(seed));
          if (edit === undefined) continue;
          const touched = changedPaths(copy);
          await session.changed(touched);
          const fresh = await load();
          const live = session.snapshot!.model;
          process.stdout.write(`${repo} ${kind} seed ${seed}: ${edit}; ${touched.length} paths\n`);
          if (session.status().error !== undefined)
            failures.push(`${kind}, seed ${seed}: the session failed: ${session.status().error}`);
          else if (comparable(live) !== comparable(fresh))
            failures.push(
              `${kind}, seed ${seed}: the live model differs from a fresh load after ${edit}: ${firstDifference(comparable(live), comparable(fresh))}`,
            );
          copy.reset();
          await session.changed(touched);
          const undone = comparable(session.snapshot!.model);
          if (undone !== initial)
            failures.push(
              `${kind}, seed ${seed}: the live model differs from the first load after undoing ${edit}: ${firstDifference(undone, initial)}`,
            );
        }
      } finally {
        copy.cleanup();
      }
      expect(failures).toEqual([]);
    },
    900_000,
  );
});
