import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildYaml } from "../../src/kustomize/build.js";
import { parseYaml } from "../../src/yaml/index.js";
import { requires } from "../support/env.js";
import { kubectlKustomize } from "../support/kubectl.js";
import { Rng } from "../support/random.js";

/**
 * Multi-line quoted scalars (single and double, escapes, escaped line breaks, empty lines, tabs)
 * whose continuation lines are indented anywhere from column 0 to deeper than the key: go-yaml
 * reads to the closing quote whatever the indentation, the `yaml` package alone stops at an
 * unindented line (src/yaml/quoted-indent.ts). kubectl builds one directory of ConfigMaps;
 * Slipway must print the same bytes, and reject only what kubectl rejects. Seeded:
 * `SLIPWAY_FUZZ_SEED=<n>` replays a run.
 */
const SEED = Number(process.env.SLIPWAY_FUZZ_SEED ?? 20261203);
const CASES = 200;

function quotedScalar(rng: Rng, keyIndent: number): string {
  const quote = rng.pick(['"', "'"]);
  const words =
    quote === '"'
      ? ["a", "b c", 'say \\"hi\\"', "x: y", "#h", "\\t", "1.0", "back\\\\"]
      : ["a", "b c", "it''s", "x: y", "#h", "it''"];
  const lines: string[] = [];
  const n = 2 + rng.int(3);
  for (let i = 0; i < n; i++) {
    if (i > 0 && rng.chance(0.15)) {
      lines.push("");
      continue;
    }
    let text = rng.pick(words);
    if (quote === '"' && i < n - 1 && rng.chance(0.15)) text += "\\";
    const indent = i === 0 ? "" : " ".repeat(rng.int(keyIndent + 4));
    lines.push(`${indent}${i > 0 && rng.chance(0.1) ? "\t" : ""}${text}`);
  }
  return `${quote}${lines.join("\n")}${quote}`;
}

describe.runIf(requires("kubectl"))("quoted scalars read as kubectl reads them", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-quoted-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`${CASES} generated quoted scalars print byte for byte like kubectl (seed ${SEED})`, async () => {
    const rng = new Rng(SEED);
    const files: string[] = [];
    const rejected: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const nested = rng.chance(0.5);
      const body = nested
        ? `data:\n  value: ${quotedScalar(rng, 2)}\n  after: z\n`
        : `metadata:\n  name: cm-${i}\n  labels:\n    l: ${quotedScalar(rng, 4)}\n    m: z\n`;
      const text = nested
        ? `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n${body}`
        : `apiVersion: v1\nkind: ConfigMap\n${body}`;
      try {
        parseYaml(text, "probe");
      } catch {
        rejected.push(text); // must fail with kubectl too: checked one by one below
        continue;
      }
      const file = `cm-${String(i).padStart(3, "0")}.yaml`;
      writeFileSync(path.join(dir, file), text);
      files.push(file);
    }
    for (const [i, text] of rejected.entries()) {
      const one = mkdtempSync(path.join(dir, `rejected-${i}-`));
      writeFileSync(path.join(one, "cm.yaml"), text);
      writeFileSync(path.join(one, "kustomization.yaml"), "resources: [cm.yaml]\n");
      const r = await kubectlKustomize(one);
      expect(r.ok, `kubectl accepts what Slipway rejects:\n${text}`).toBe(false);
    }
    writeFileSync(
      path.join(dir, "kustomization.yaml"),
      `resources:\n${files.map((f) => `  - ${f}`).join("\n")}\n`,
    );
    const oracle = await kubectlKustomize(dir);
    expect(oracle.stderr).toBe("");
    const ours = buildYaml(dir);
    const theirs = oracle.stdout.split(/^---\n/m);
    const mine = ours.split(/^---\n/m);
    const differing = theirs
      .map((doc, i) => ({ doc, mine: mine[i], i }))
      .filter((d) => d.doc !== d.mine)
      .map((d) => ({ kubectl: d.doc, slipway: d.mine }));
    expect(differing.slice(0, 3)).toEqual([]);
    expect(files.length).toBeGreaterThan(CASES / 2);
  });
});
