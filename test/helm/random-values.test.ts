import { describe, expect, it } from "vitest";
import { requires } from "../support/env.js";
import { Rng } from "../support/random.js";
import { both, type Tree } from "./differential.js";

/**
 * Seeded differential fuzzing of values handling: random chart defaults, subchart defaults,
 * values files and --set flags (YAML 1.1 scalars, nulls, tables against scalars, globals),
 * rendered by Helm 4.1.4 and by Slipway with `printf "%#v"` of .Values (which shows Go types).
 * Replay one run with SLIPWAY_FUZZ_SEED=<seed>.
 */

const SCALARS = [
  "1",
  "-7",
  "0x1F",
  "017",
  "1_000",
  "1.5",
  ".5",
  "1e3",
  "yes",
  "no",
  "on",
  "Off",
  "y",
  "~",
  "null",
  "true",
  "'quoted'",
  '"007"',
  "text",
  "2001-12-14",
  "1:20",
  "9007199254740993",
  "''",
];
const KEYS = ["a", "b", "c", "global", "sub", "list", "n"];
const SET_SCALARS = ["1", "0", "007", "true", "FALSE", "null", "x", "-3", "1.5", "{a,b}"];

function yamlValue(rng: Rng, depth: number, indent: string): string {
  const r = rng.next();
  if (depth < 3 && r < 0.35) return `\n${yamlMap(rng, depth + 1, `${indent}  `)}`;
  if (depth < 3 && r < 0.45)
    return ` [${Array.from({ length: rng.int(3) }, () => rng.pick(SCALARS)).join(", ")}]`;
  return ` ${rng.pick(SCALARS)}`;
}

function yamlMap(rng: Rng, depth: number, indent: string): string {
  const n = 1 + rng.int(4);
  const keys = new Set<string>();
  while (keys.size < n) keys.add(rng.pick(KEYS));
  return [...keys].map((k) => `${indent}${k}:${yamlValue(rng, depth, indent)}`).join("\n");
}

function setFlag(rng: Rng): string {
  const path = Array.from({ length: 1 + rng.int(3) }, () => rng.pick(KEYS)).join(".");
  const index = rng.chance(0.2) ? `[${rng.int(3)}]` : "";
  return `${path}${index}=${rng.pick(SET_SCALARS)}`;
}

function scenario(seed: number): { files: Tree; args: string[] } {
  const rng = new Rng(seed);
  const show = '# {{ printf "%#v" .Values }}\n';
  const files: Tree = {
    "chart/Chart.yaml": "apiVersion: v2\nname: top\nversion: 0.1.0\n",
    "chart/values.yaml": `${yamlMap(rng, 0, "")}\n`,
    "chart/templates/t.yaml": show,
    "chart/charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    "chart/charts/sub/values.yaml": `${yamlMap(rng, 0, "")}\n`,
    "chart/charts/sub/templates/t.yaml": show,
  };
  const args = ["r", "chart"];
  const nFiles = rng.int(3);
  for (let i = 0; i < nFiles; i++) {
    files[`v${i}.yaml`] = `${yamlMap(rng, 0, "")}\n`;
    args.push("-f", `v${i}.yaml`);
  }
  const nSets = rng.int(3);
  for (let i = 0; i < nSets; i++) args.push(rng.pick(["--set", "--set-string"]), setFlag(rng));
  return { files, args };
}

const fixed = process.env.SLIPWAY_FUZZ_SEED;
const seeds = fixed
  ? [Number(fixed)]
  : Array.from({ length: Number(process.env.SLIPWAY_FUZZ_RUNS ?? 30) }, (_, i) => 1000 + i);

describe.runIf(requires("helm"))("values: random charts and flags, Slipway vs Helm 4.1.4", () => {
  it.each(seeds)("seed %i", (seed) => {
    const { files, args } = scenario(seed);
    const { helm, slipway } = both(files, args);
    const context = `replay with SLIPWAY_FUZZ_SEED=${seed}\nargs: ${args.join(" ")}\n${Object.entries(files)
      .map(([k, v]) => `== ${k}\n${v}`)
      .join("")}`;
    expect(slipway.ok, `${context}\nHelm: ${helm.ok ? "ok" : helm.stderr}\nSlipway: ${slipway.stderr}`).toBe(
      helm.ok,
    );
    if (helm.ok) expect(slipway.stdout, context).toBe(helm.stdout);
  });
});
