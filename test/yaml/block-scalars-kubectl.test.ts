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
 * Block scalars (`|` and `>`, every chomping, more-indented lines, trailing spaces, tabs, empty
 * lines, a last line with or without a final line break) read as kubectl reads them. kubectl
 * builds one directory of generated ConfigMaps; Slipway must print the same bytes. Seeded:
 * `SLIPWAY_FUZZ_SEED=<n>` replays a run.
 */
const SEED = Number(process.env.SLIPWAY_FUZZ_SEED ?? 20261202);
const CASES = 240;

function blockScalar(rng: Rng, atEof: boolean): string {
  const style = rng.pick(["|", ">", ">"]);
  const chomp = rng.pick(["", "-", "+"]);
  const lines: string[] = [];
  const n = 1 + rng.int(5);
  for (let i = 0; i < n; i++) {
    const kind = rng.int(10);
    if (kind < 2 && i > 0) {
      lines.push("");
      continue;
    }
    let text = rng.pick(["a", "bb", "c d", "e-f", "x: y", "#h", "1.0", "yes"]);
    if (kind >= 7) text = " ".repeat(1 + rng.int(3)) + text;
    if (kind === 9) text = `\t${text}`;
    if (rng.chance(0.2)) text += " ".repeat(1 + rng.int(2));
    if (rng.chance(0.1)) text += "\tz";
    lines.push(text);
  }
  // A first content line that is more indented needs an explicit indentation indicator.
  const first = lines.find((l) => l !== "") ?? "";
  const indicator = /^[ \t]/.test(first) ? "2" : "";
  const body = lines.map((l) => (l === "" ? "" : `    ${l}`)).join("\n");
  return `  value: ${style}${indicator}${chomp}\n${body}${atEof ? "" : "\n"}`;
}

describe.runIf(requires("kubectl"))("block scalars read as kubectl reads them", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-blocks-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`${CASES} generated block scalars print byte for byte like kubectl (seed ${SEED})`, async () => {
    const rng = new Rng(SEED);
    const files: string[] = [];
    const rejected: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const atEof = rng.chance(0.5);
      const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n${blockScalar(rng, atEof)}`;
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
