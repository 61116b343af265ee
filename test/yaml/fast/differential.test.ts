/**
 * The fast YAML reader (src/yaml/fast) gives what the `yaml` package path gives, on every
 * YAML file we have: the realworld repositories, the kustomize and Helm conformance corpora
 * (values, Chart.yaml, cases and rendered outputs; chart templates are not YAML), examples/
 * and test/fixtures. Prints how often it leaves a file to the full path.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, requires, sharedDir } from "../../support/env.js";
import { compareReaders, yamlFilesUnder } from "./corpus.js";

const corpora: Array<{ name: string; dir: string; shared: boolean }> = [
  { name: "realworld", dir: path.join(sharedDir, "realworld"), shared: true },
  { name: "conformance/kustomize", dir: path.join(sharedDir, "conformance/kustomize"), shared: true },
  { name: "conformance/helm", dir: path.join(sharedDir, "conformance/helm"), shared: true },
  { name: "examples", dir: path.join(repoRoot, "examples"), shared: false },
  { name: "test/fixtures", dir: path.join(repoRoot, "test/fixtures"), shared: false },
];

function checkCorpus(name: string, dir: string): void {
  const files = yamlFilesUnder(dir);
  const problems: string[] = [];
  let kyamlBails = 0;
  let helmBails = 0;
  for (const file of files) {
    const r = compareReaders(readFileSync(file, "utf8"), file);
    if (r.bailed.kyaml) kyamlBails++;
    if (r.bailed.helm) helmBails++;
    for (const p of r.problems) problems.push(`${path.relative(dir, file)}: ${p}`);
  }
  const pct = (n: number) => `${((100 * n) / Math.max(files.length, 1)).toFixed(1)}%`;
  process.stdout.write(
    `[fast yaml] ${name}: ${files.length} files, left to the full path: kustomize reader ${kyamlBails} (${pct(kyamlBails)}), Helm reader ${helmBails} (${pct(helmBails)})\n`,
  );
  expect(files.length).toBeGreaterThan(0);
  expect(problems.slice(0, 20)).toEqual([]);
  // The fast reader must actually read most of a corpus, or this test proves nothing.
  expect(kyamlBails).toBeLessThan(files.length / 2);
}

describe("fast YAML reader = full path on the repository's own files", () => {
  for (const c of corpora.filter((c) => !c.shared)) {
    it(c.name, () => checkCorpus(c.name, c.dir));
  }
});

describe.runIf(requires("shared"))("fast YAML reader = full path on ../shared", () => {
  for (const c of corpora.filter((c) => c.shared)) {
    it(c.name, () => checkCorpus(c.name, c.dir), 120_000);
  }
});
