import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { kubectlPath } from "./env.js";

export interface KubectlResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** `kubectl kustomize [flags] DIR`, the oracle for byte-for-byte comparisons. */
export function kubectlKustomize(dir: string, flags: string[] = []): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(
      kubectlPath,
      ["kustomize", ...flags, dir],
      {
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, HOME: "/nonexistent", KUSTOMIZE_PLUGIN_HOME: "/nonexistent" },
      },
      (err, stdout, stderr) => resolve({ ok: !err, stdout, stderr }),
    );
  });
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

export interface ResourceDifferential {
  /** how many resources both read (Slipway's build compared byte for byte) */
  accepted: number;
  /** resources Slipway rejected that kubectl builds */
  wronglyRejected: string[];
  /** documents of the built stream that differ (the first three) */
  differing: { kubectl: string; slipway: string | undefined }[];
  /** kubectl's stderr for the accepted ones (empty when it built them) */
  stderr: string;
}

/**
 * Each text, a one-document resource, read by Slipway (`parse` throws to reject) and by
 * kubectl: what Slipway rejects is built by kubectl alone, one directory each; what it accepts
 * is built by both as one kustomization in `dir`.
 */
export async function compareResourcesWithKubectl(
  dir: string,
  texts: readonly string[],
  parse: (text: string) => void,
  build: (dir: string) => string,
): Promise<ResourceDifferential> {
  const files: string[] = [];
  const wronglyRejected: string[] = [];
  for (const [i, text] of texts.entries()) {
    try {
      parse(text);
    } catch {
      const one = mkdtempSync(path.join(dir, `rejected-${i}-`));
      writeFileSync(path.join(one, "res.yaml"), text);
      writeFileSync(path.join(one, "kustomization.yaml"), "resources: [res.yaml]\n");
      if ((await kubectlKustomize(one)).ok) wronglyRejected.push(text);
      continue;
    }
    const file = `res-${String(i).padStart(3, "0")}.yaml`;
    writeFileSync(path.join(dir, file), text);
    files.push(file);
  }
  writeFileSync(
    path.join(dir, "kustomization.yaml"),
    `resources:\n${files.map((f) => `  - ${f}`).join("\n")}\n`,
  );
  const oracle = await kubectlKustomize(dir);
  const mine = build(dir).split(/^---\n/m);
  const differing = oracle.stdout
    .split(/^---\n/m)
    .map((doc, i) => ({ kubectl: doc, slipway: mine[i] }))
    .filter((d) => d.kubectl !== d.slipway)
    .slice(0, 3);
  return { accepted: files.length, wronglyRejected, differing, stderr: oracle.stderr };
}

/** What a seeded differential over built directories found. */
export interface TreeDifferential {
  /** directories both built to the same bytes */
  identical: number;
  /** one line per seed where the two disagree (a replay hint in each) */
  failures: string[];
}

/**
 * Builds each of `dirs` (made from `seeds`, in order) with `build` and with `kubectl kustomize`:
 * both fail, or both give the same bytes. `label` adds to each output-differs line (the tree's
 * directory, kept for a replay).
 */
export async function compareTreesWithKubectl(
  seeds: readonly number[],
  dirs: readonly string[],
  build: (dir: string) => string,
  describeError: (e: unknown) => string,
  label: (seed: number, dir: string) => string = () => "",
): Promise<TreeDifferential> {
  const oracle = await mapLimit([...dirs], 4, (d) => kubectlKustomize(d));
  const failures: string[] = [];
  let identical = 0;
  seeds.forEach((seed, i) => {
    let actual: string | undefined;
    let error: string | undefined;
    try {
      actual = build(dirs[i]!);
    } catch (e) {
      error = describeError(e);
    }
    const expected = oracle[i]!;
    if (!expected.ok && error !== undefined) return;
    if (!expected.ok)
      failures.push(`seed ${seed}: kubectl failed (${expected.stderr.trim()}) but slipway succeeded`);
    else if (error !== undefined) failures.push(`seed ${seed}: slipway failed: ${error}`);
    else if (actual !== expected.stdout)
      failures.push(`seed ${seed}: output differs (SLIPWAY_FUZZ_SEED=${seed}${label(seed, dirs[i]!)})`);
    else identical++;
  });
  return { identical, failures };
}
