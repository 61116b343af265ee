import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildYaml } from "../../src/kustomize/build.js";
import { parseYaml } from "../../src/yaml/index.js";
import { requires } from "../support/env.js";
import { compareResourcesWithKubectl } from "../support/kubectl.js";
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
    const texts: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const nested = rng.chance(0.5);
      const body = nested
        ? `data:\n  value: ${quotedScalar(rng, 2)}\n  after: z\n`
        : `metadata:\n  name: cm-${i}\n  labels:\n    l: ${quotedScalar(rng, 4)}\n    m: z\n`;
      texts.push(
        nested
          ? `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n${body}`
          : `apiVersion: v1\nkind: ConfigMap\n${body}`,
      );
    }
    const r = await compareResourcesWithKubectl(dir, texts, (t) => parseYaml(t, "probe"), buildYaml);
    expect(r.wronglyRejected.slice(0, 3), "kubectl builds what Slipway rejects").toEqual([]);
    expect(r.stderr).toBe("");
    expect(r.differing).toEqual([]);
    expect(r.accepted).toBeGreaterThan(CASES / 2);
  });
});
