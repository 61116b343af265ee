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
    const texts: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const atEof = rng.chance(0.5);
      texts.push(
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n${blockScalar(rng, atEof)}`,
      );
    }
    const r = await compareResourcesWithKubectl(dir, texts, (t) => parseYaml(t, "probe"), buildYaml);
    expect(r.wronglyRejected.slice(0, 3), "kubectl builds what Slipway rejects").toEqual([]);
    expect(r.stderr).toBe("");
    expect(r.differing).toEqual([]);
    expect(r.accepted).toBeGreaterThan(CASES / 2);
  });
});
