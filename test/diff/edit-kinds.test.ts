import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { type DiffReport, diffExitCode, diffRevisions } from "../../src/diff/index.js";
import { directoryChartProvider } from "../../src/helmrelease/charts.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { conformanceChartDirs } from "../support/conformance-charts.js";
import { requires, sharedDir } from "../support/env.js";
import { applyRandomEdit, GitCopy, scalarLines, seedOf, yamlFiles } from "../support/metamorphic.js";
import { Rng } from "../support/random.js";

/**
 * Property (issue 16): on every repository of ../shared/realworld, with HelmReleases rendered
 * (the charts of ../shared/conformance/helm standing in for the chart cache) and a warm render
 * cache, a changed-only diff of one random edit of each kind reports exactly what a full diff
 * reports, exit code included (that a cached render equals a fresh one is test/cache's property): a value change, a deleted file, a new file, an
 * edited kustomization.yaml, an edited HelmRelease value and an edited SOPS file.
 *
 * SLIPWAY_EDIT_KINDS_SEED=S  replay one seed (with SLIPWAY_EDIT_KINDS_REPO=<folder>)
 */
const corpus = path.join(sharedDir, "realworld");
const runs = requires("shared");
const onlyRepo = process.env.SLIPWAY_EDIT_KINDS_REPO;
const replaySeed = process.env.SLIPWAY_EDIT_KINDS_SEED;
const repos = runs
  ? readdirSync(corpus)
      .filter((d) => statSync(path.join(corpus, d)).isDirectory())
      .filter((d) => !onlyRepo || d === onlyRepo)
      .sort()
  : [];

function chartProvider() {
  return directoryChartProvider(conformanceChartDirs());
}

type EditKind = "value" | "delete" | "new-file" | "kustomization" | "helmrelease-values" | "sops";
const KINDS: EditKind[] = ["value", "delete", "new-file", "kustomization", "helmrelease-values", "sops"];

/** Applies one edit of `kind`; returns what it did, or undefined when the repository has no such file. */
function applyEdit(root: string, files: string[], kind: EditKind, rng: Rng): string | undefined {
  const read = (f: string) => readFileSync(path.join(root, f), "utf8");
  const pickWhere = (test: (f: string, text: string) => boolean) => {
    const matching = files.filter((f) => existsSync(path.join(root, f)) && test(f, read(f)));
    return matching.length > 0 ? rng.pick(matching) : undefined;
  };
  const editLine = (file: string, lines: number[]) => {
    if (lines.length === 0) return undefined;
    const text = read(file).split("\n");
    const i = rng.pick(lines);
    const before = text[i]!;
    text[i] = /\d$/.test(before) ? `${before}1` : `${before}-e${rng.int(100)}`;
    writeFileSync(path.join(root, file), text.join("\n"));
    return `${file}:${i + 1} '${before.trim()}' → '${text[i]!.trim()}'`;
  };
  switch (kind) {
    case "value": {
      const e = applyRandomEdit(root, files, rng);
      return e && `${e.file}:${e.line} '${e.before.trim()}' → '${e.after.trim()}'`;
    }
    case "delete": {
      const f = rng.pick(files);
      unlinkSync(path.join(root, f));
      return `deleted ${f}`;
    }
    case "new-file": {
      // A copy of a manifest beside it under a new name and object name: Flux's generated
      // kustomization picks it up, a directory with a kustomization.yaml does not.
      const f = pickWhere((_, t) => /^kind: /m.test(t) && /^ {2}name: \S+$/m.test(t) && !t.includes("ENC["));
      if (!f) return undefined;
      const copy = read(f).replace(/^( {2}name: )(\S+)$/m, "$1$2-copy");
      const to = f.replace(/\.ya?ml$/, "-copy.yaml");
      writeFileSync(path.join(root, to), copy);
      return `new ${to}`;
    }
    case "kustomization": {
      const f = pickWhere((g, t) => path.basename(g) === "kustomization.yaml" && /^ {2}- \S/m.test(t));
      if (!f) return undefined;
      const lines = read(f).split("\n");
      const items = lines.flatMap((l, i) => (/^ {2}- \S/.test(l) ? [i] : []));
      const i = rng.pick(items);
      const removed = lines.splice(i, 1)[0]!;
      writeFileSync(path.join(root, f), lines.join("\n"));
      return `${f}:${i + 1} removed '${removed.trim()}'`;
    }
    case "helmrelease-values": {
      const f = pickWhere((_, t) => /^kind: HelmRelease$/m.test(t) && /^ {2}values:/m.test(t));
      if (!f) return undefined;
      const lines = read(f).split("\n");
      const start = lines.findIndex((l) => /^ {2}values:/.test(l));
      const scalars = scalarLines(lines.join("\n")).filter(
        (i) => i > start && /^ {4,}/.test(lines[i]!) && !/^\s*-?\s*$/.test(lines[i]!),
      );
      return editLine(f, scalars);
    }
    case "sops": {
      const f = pickWhere((_, t) => t.includes("ENC[") && t.includes("sops:"));
      if (!f) return undefined;
      const lines = read(f).split("\n");
      // A changed ciphertext (the MAC no longer matches) or a changed plain field.
      const enc = lines.flatMap((l, i) => (/ENC\[AES256_GCM,data:[A-Za-z0-9+/]{2}/.test(l) ? [i] : []));
      if (enc.length > 0 && rng.bool()) {
        const i = rng.pick(enc);
        const before = lines[i]!;
        lines[i] = before.replace(/data:([A-Za-z0-9+/])/, (_, c: string) => `data:${c === "A" ? "B" : "A"}`);
        writeFileSync(path.join(root, f), lines.join("\n"));
        return `${f}:${i + 1} ciphertext changed`;
      }
      return editLine(
        f,
        lines.flatMap((l, i) => (/^ {2}(name|namespace): \S+$/.test(l) ? [i] : [])),
      );
    }
  }
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
    it.each(repos)("%s", (repo) => {
      const copy = new GitCopy(path.join(corpus, repo));
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
        KINDS.forEach((kind, k) => {
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
    });
  },
);
