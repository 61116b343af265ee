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
 * Line breaks as go-yaml reads them: LF, CR-LF and a carriage return alone (libyaml's
 * `is_break`; old Mac files, or a CR-LF file cut before its last LF) in plain, quoted and
 * block scalars and comments, with and without a final break. kubectl builds one directory of
 * the generated ConfigMaps and Slipway must print the same bytes; a lone CR used to be read
 * as part of the line (`x: 99<CR>` was the string "99\r", a false schema error). Seeded:
 * `SLIPWAY_FUZZ_SEED=<n>` replays a run.
 */
const SEED = Number(process.env.SLIPWAY_FUZZ_SEED ?? 20261204);
const CASES = 160;

const LINES = [
  "  plain: 99",
  "  word: a b",
  '  dq: "a',
  '    b"',
  "  sq: 'c",
  "    d'",
  "  # a comment",
  "  block: |",
  "    x",
  "    y",
  "  folded: >-",
  "    p",
  "    q",
  "  last: true",
];

describe.runIf(requires("kubectl"))("line breaks read as kubectl reads them", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-breaks-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`${CASES} ConfigMaps with mixed LF, CR-LF and lone CR print like kubectl (seed ${SEED})`, async () => {
    const rng = new Rng(SEED);
    const texts: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", `  name: cm-${i}`, "data:", ...LINES];
      const breaks = lines.map(() => rng.pick(["\n", "\r\n", "\r"]));
      let text = lines.map((l, j) => l + breaks[j]).join("");
      if (rng.chance(0.3)) text = text.replace(/(\r\n|\r|\n)$/, "");
      texts.push(text);
    }
    const r = await compareResourcesWithKubectl(dir, texts, (t) => parseYaml(t, "probe"), buildYaml);
    expect(r.wronglyRejected.slice(0, 3), "kubectl builds what Slipway rejects").toEqual([]);
    expect(r.stderr).toBe("");
    expect(r.differing).toEqual([]);
    expect(r.accepted).toBe(CASES);
  });

  it("a value on a last line ended by a lone CR is what is written", () => {
    expect(parseYaml("x: 99\r", "f")).toEqual({ x: 99 });
    expect(parseYaml("a: 1\rb: two\r", "f")).toEqual({ a: 1, b: "two" });
  });
});
