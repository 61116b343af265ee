import { describe, expect, it } from "vitest";
import { requires } from "../support/env.js";
import { Rng } from "../support/random.js";
import { both } from "./differential.js";

/**
 * Seeded differential fuzzing of values.schema.json: random schemas (nested objects and arrays,
 * types, lengths, bounds, patterns, enums, required and additional properties) and random values,
 * validated by Helm 4.1.4 and by Slipway. Outcomes must agree; failures must list the same
 * violations. v6 orders a node's causes by Go map iteration, which changes from run to run, so
 * the lines are compared as a multiset (their indentation keeps each under its node).
 * Replay one run with SLIPWAY_FUZZ_SEED=<seed>.
 */

const NAMES = ["a", "b", "c", "d"];
const PATTERNS = ["^[a-z]+$", "^x", "[0-9]", "^(a|b)*$", "^[[:alpha:]]+$", "(?i)^X"];
const STRINGS = ["x", "abc", "ab1", "X", "", "12", "ba", "xyz"];

function schema(rng: Rng, depth: number): Record<string, unknown> {
  const r = rng.next();
  if (depth < 3 && r < 0.35) {
    const props: Record<string, unknown> = {};
    for (const n of NAMES) if (rng.chance(0.6)) props[n] = schema(rng, depth + 1);
    const s: Record<string, unknown> = { type: "object", properties: props };
    if (rng.chance(0.3)) s.additionalProperties = false;
    if (rng.chance(0.3)) s.required = NAMES.filter(() => rng.chance(0.3));
    if (rng.chance(0.2)) s.patternProperties = { "^d": { type: "string" } };
    return s;
  }
  if (depth < 3 && r < 0.5) {
    const s: Record<string, unknown> = { type: "array", items: schema(rng, depth + 1) };
    if (rng.chance(0.3)) s.minItems = 1 + rng.int(2);
    if (rng.chance(0.3)) s.maxItems = rng.int(2);
    return s;
  }
  if (r < 0.75) {
    const s: Record<string, unknown> = { type: "string" };
    if (rng.chance(0.3)) s.minLength = 1 + rng.int(3);
    if (rng.chance(0.3)) s.maxLength = rng.int(3);
    if (rng.chance(0.4)) s.pattern = rng.pick(PATTERNS);
    if (rng.chance(0.2)) s.enum = rng.chance(0.5) ? ["x"] : ["x", "abc", 3];
    return s;
  }
  const s: Record<string, unknown> = { type: rng.pick(["integer", "number", "boolean"]) };
  if (s.type !== "boolean") {
    if (rng.chance(0.4)) s.minimum = rng.int(5);
    if (rng.chance(0.4)) s.maximum = 2 + rng.int(5);
  }
  return s;
}

function value(rng: Rng, depth: number, indent: string): string {
  const r = rng.next();
  if (depth < 3 && r < 0.35) {
    const keys = NAMES.filter(() => rng.chance(0.6));
    if (keys.length === 0) return " {}";
    return `\n${keys.map((k) => `${indent}  ${k}:${value(rng, depth + 1, `${indent}  `)}`).join("\n")}`;
  }
  if (depth < 3 && r < 0.5) {
    const n = rng.int(3);
    if (n === 0) return " []";
    return `\n${Array.from({ length: n }, () => `${indent}  -${value(rng, 3, `${indent}  `)}`).join("\n")}`;
  }
  return ` ${rng.pick([...STRINGS.map((s) => JSON.stringify(s)), "1", "7", "2.5", "-1", "true"])}`;
}

function scenario(seed: number) {
  const rng = new Rng(seed);
  const root = schema(rng, 0);
  if (root.type !== "object") {
    root.type = "object";
    root.properties = { a: { ...root } };
    delete (root as { items?: unknown }).items;
  }
  const values = NAMES.filter(() => rng.chance(0.7))
    .map((k) => `${k}:${value(rng, 1, "")}`)
    .join("\n");
  return {
    files: {
      "chart/Chart.yaml": "apiVersion: v2\nname: top\nversion: 0.1.0\n",
      "chart/values.schema.json": `${JSON.stringify(root)}\n`,
      "chart/templates/t.yaml": "k: v\n",
      "values.yaml": `${values}\n`,
    },
    args: ["r", "chart", "-f", "values.yaml"],
  };
}

// v6 lists additional properties in Go map order too: sorted within their line.
const lines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) =>
      l.replace(
        /additional properties (.*) not allowed$/,
        (_, names: string) => `additional properties ${names.split(", ").sort().join(", ")} not allowed`,
      ),
    )
    .sort();

const fixed = process.env.SLIPWAY_FUZZ_SEED;
const seeds = fixed
  ? [Number(fixed)]
  : Array.from({ length: Number(process.env.SLIPWAY_FUZZ_RUNS ?? 40) }, (_, i) => 5000 + i);

describe.runIf(requires("helm"))(
  "values.schema.json: random schemas and values, Slipway vs Helm 4.1.4",
  () => {
    it.each(seeds)("seed %i", (seed) => {
      const { files, args } = scenario(seed);
      const { helm, slipway } = both(files, args);
      const context = `replay with SLIPWAY_FUZZ_SEED=${seed}\n${Object.entries(files)
        .map(([k, v]) => `== ${k}\n${v}`)
        .join("")}\nHelm: ${helm.ok ? "ok" : helm.stderr}\nSlipway: ${slipway.ok ? "ok" : slipway.stderr}`;
      expect(slipway.ok, context).toBe(helm.ok);
      if (!helm.ok) expect(lines(slipway.stderr), context).toEqual(lines(helm.stderr));
    });
  },
);
