import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { helmOraclePath } from "../support/env.js";
import { fuzzSeeds, Rng } from "../support/random.js";
import { type Outcome, runOracle, runSlipway, type Tree, writeTree } from "./differential.js";

/**
 * Seeded differential tests of values.schema.json on inputs built to break a JavaScript
 * validator, Slipway vs Helm 4.1.4:
 * - "keys": schemas and values whose names are `__proto__` and names Object.prototype has
 *   (`constructor`, `toString`, …) in properties, required, patternProperties, dependencies,
 *   dependentRequired, propertyNames, unevaluatedProperties, definitions, enum and const, nested
 *   in maps and lists (with contains);
 * - "meta": schemas with several metaschema violations in different places, every draft.
 * Outcomes must agree and failures list the same lines, compared as a multiset (v6 orders map
 * members by Go map iteration, which changes from run to run).
 *
 * Helm's answers are recorded in special-keys.helm.json, so the test runs where the oracle is
 * absent; where it is present, each answer is asked again and must equal the recorded one.
 * Re-record (after changing a generator) with SLIPWAY_RECORD=1, then `npx biome format --write`
 * the file. Replay one scenario with SLIPWAY_FUZZ_SEED=<seed>.
 */

const KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "prototype", "valueOf", "a"];
const PATTERNS = ["__proto__", "^__proto__$", "^_", "o", "^(?:__proto__)$"];
const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

function someKeys(rng: Rng, p: number): string[] {
  return KEYS.filter(() => rng.chance(p));
}

/** A JSON value (for enum and const) whose objects use the special names. */
function constant(rng: Rng, depth: number): unknown {
  if (depth < 2 && rng.chance(0.5)) {
    const o: Record<string, unknown> = {};
    for (const k of someKeys(rng, 0.3))
      Object.defineProperty(o, k, { value: constant(rng, depth + 1), enumerable: true, writable: true });
    return o;
  }
  if (depth < 2 && rng.chance(0.2)) return [constant(rng, depth + 1)];
  return rng.pick([1, "x", true, "__proto__"]);
}

function keysSchema(rng: Rng, depth: number, draft7: boolean): Record<string, unknown> {
  const r = rng.next();
  if (depth < 3 && r < 0.55) {
    const s: Record<string, unknown> = { type: "object" };
    const props: Record<string, unknown> = {};
    for (const k of someKeys(rng, 0.35))
      Object.defineProperty(props, k, { value: keysSchema(rng, depth + 1, draft7), enumerable: true });
    if (Object.keys(props).length > 0) s.properties = props;
    if (rng.chance(0.35)) s.required = someKeys(rng, 0.3);
    if (rng.chance(0.25)) {
      const pp: Record<string, unknown> = {};
      Object.defineProperty(pp, rng.pick(PATTERNS), { value: keysSchema(rng, 3, draft7), enumerable: true });
      s.patternProperties = pp;
    }
    if (rng.chance(0.2)) s.additionalProperties = rng.chance(0.5) ? false : { type: "integer" };
    if (rng.chance(0.25)) {
      const deps: Record<string, unknown> = {};
      const list = rng.chance(0.6) || !draft7;
      Object.defineProperty(deps, rng.pick(KEYS), {
        value: list ? someKeys(rng, 0.3) : { required: someKeys(rng, 0.4) },
        enumerable: true,
      });
      s[draft7 ? "dependencies" : "dependentRequired"] = deps;
    }
    if (rng.chance(0.1)) s.maxProperties = 1 + rng.int(2);
    if (rng.chance(0.15))
      s.propertyNames = rng.pick([
        { maxLength: 9 },
        { pattern: "^[a-z]+$" },
        { not: { const: "__proto__" } },
        { enum: KEYS.slice(1) },
      ]);
    if (!draft7 && rng.chance(0.1)) s.unevaluatedProperties = false;
    return s;
  }
  if (depth < 3 && r < 0.65) {
    const s: Record<string, unknown> = { type: "array", items: keysSchema(rng, depth + 1, draft7) };
    if (!draft7 && rng.chance(0.3)) {
      s.contains = keysSchema(rng, 3, draft7);
      if (rng.chance(0.3)) s.minContains = 2;
      if (rng.chance(0.3)) s.maxContains = 1;
    }
    return s;
  }
  // A `$ref` at any depth: its errors group under the schema that holds it, as v6 groups them.
  if (r < 0.75 && depth >= 1) return { $ref: "#/definitions/__proto__" };
  return leafSchema(rng);
}

function leafSchema(rng: Rng): Record<string, unknown> {
  const r = rng.next();
  if (r < 0.4)
    return rng.chance(0.5) ? { enum: [constant(rng, 0), constant(rng, 0)] } : { const: constant(rng, 0) };
  return { type: rng.pick(["string", "integer", "boolean", "object"]) };
}

/** YAML for a value: maps keyed by the special names, lists of them, scalars. */
function keysValue(rng: Rng, depth: number, indent: string): string {
  const r = rng.next();
  if (depth < 3 && r < 0.45) {
    const keys = someKeys(rng, 0.35);
    if (keys.length === 0) return " {}";
    return `\n${keys.map((k) => `${indent}  ${k}:${keysValue(rng, depth + 1, `${indent}  `)}`).join("\n")}`;
  }
  if (depth < 3 && r < 0.6) {
    const n = 1 + rng.int(2);
    return `\n${Array.from({ length: n }, () => `${indent}  -${keysValue(rng, 3, `${indent}    `)}`).join("\n")}`;
  }
  if (depth === 3 && r < 0.3)
    return ` {${someKeys(rng, 0.3)
      .map((k) => `${k}: 1`)
      .join(", ")}}`;
  return ` ${rng.pick(['"x"', "1", "true", '"__proto__"'])}`;
}

function keysScenario(rng: Rng): Tree {
  const draft7 = rng.chance(0.3);
  const root = keysSchema(rng, 0, draft7);
  root.type = "object";
  delete root.$ref;
  delete root.enum;
  delete root.const;
  delete root.items;
  if (draft7) root.$schema = DRAFT_07;
  const defs: Record<string, unknown> = {};
  Object.defineProperty(defs, "__proto__", { value: leafSchema(rng), enumerable: true });
  root.definitions = defs;
  const top = someKeys(rng, 0.5);
  const values = top.map((k) => `${k}:${keysValue(rng, 1, "")}`).join("\n");
  return files(JSON.stringify(root), values);
}

const BAD: Array<[string, unknown]> = [
  ["type", "strin"],
  ["type", ["object", "obj"]],
  ["type", []],
  ["minimum", "1"],
  ["minLength", -1],
  ["maxItems", 1.5],
  ["required", "a"],
  ["required", ["a", 1, 2]],
  ["title", 5],
  ["uniqueItems", "yes"],
  ["enum", 3],
  ["enum", []],
  ["enum", [1, { a: 1, b: 2 }, { b: 2, a: 1 }]],
  ["required", ["a", "a"]],
  ["required", []],
  ["allOf", []],
  ["anyOf", [{}, 5]],
  ["not", 5],
  ["items", "x"],
  ["properties", 5],
  ["$defs", { d: 5 }],
  ["definitions", { d: "x" }],
  ["dependencies", { a: 5 }],
];

/** A schema with one to three bad keywords at random places of a random nesting. */
function metaScenario(rng: Rng): Tree {
  const draft = rng.pick([
    undefined,
    undefined,
    "https://json-schema.org/draft/2019-09/schema",
    DRAFT_07,
    "http://json-schema.org/draft-04/schema#",
  ]);
  const places: Array<Record<string, unknown>> = [];
  const node = (depth: number): Record<string, unknown> => {
    const s: Record<string, unknown> = {};
    places.push(s);
    if (depth < 2) {
      if (rng.chance(0.7))
        s.properties = Object.fromEntries(
          ["a", "b"].filter(() => rng.chance(0.7)).map((k) => [k, node(depth + 1)]),
        );
      if (rng.chance(0.3)) s.items = node(depth + 1);
      if (rng.chance(0.2)) s.allOf = [node(depth + 1)];
    }
    return s;
  };
  const root = node(0);
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const [k, v] = rng.pick(BAD);
    rng.pick(places)[k] = v;
  }
  if (draft) root.$schema = draft;
  return files(JSON.stringify(root), "a: 1\n");
}

function files(schema: string, values: string): Tree {
  return {
    "chart/Chart.yaml": "apiVersion: v2\nname: top\nversion: 0.1.0\n",
    "chart/values.schema.json": `${schema}\n`,
    "chart/templates/t.yaml": "k: v\n",
    "values.yaml": `${values}\n`,
  };
}

// v6 lists additional properties and missing ones in Go map order too: sorted within their line.
const lines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) =>
      l.replace(
        /(additional properties|missing properties) (.*?)( not allowed)?$/,
        (_, what: string, names: string, tail = "") =>
          `${what} ${names.split(", ").sort().join(", ")}${tail}`,
      ),
    )
    .sort();

interface Recorded {
  /** sha256 of the scenario's files: a changed generator must be recorded again */
  files: string;
  ok: boolean;
  lines: string[];
}

const FIXTURE = path.join(path.dirname(new URL(import.meta.url).pathname), "special-keys.helm.json");
const recording = process.env.SLIPWAY_RECORD === "1";
const recorded: Record<string, Recorded> = existsSync(FIXTURE)
  ? JSON.parse(readFileSync(FIXTURE, "utf8"))
  : {};
const helm = helmOraclePath() !== null;

const digest = (t: Tree) =>
  createHash("sha256")
    .update(JSON.stringify(Object.entries(t).sort()))
    .digest("hex")
    .slice(0, 16);

function run(t: Tree): { helm?: Outcome; slipway: Outcome } {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-special-keys-"));
  try {
    writeTree(dir, t);
    const args = ["r", "chart", "-f", "values.yaml"];
    return { helm: helm ? runOracle(dir, args) : undefined, slipway: runSlipway(dir, args) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const suites: Array<[string, (rng: Rng) => Tree, number[]]> = [
  ["keys", keysScenario, fuzzSeeds(7000, 100)],
  ["meta", metaScenario, fuzzSeeds(8000, 60)],
];

describe("values.schema.json: special keys and metaschema violations, Slipway vs Helm 4.1.4 (recorded)", () => {
  for (const [suite, scenario, list] of suites) {
    it.each(list)(`${suite} seed %i`, (seed) => {
      const t = scenario(new Rng(seed));
      const key = `${suite}:${seed}`;
      const { helm: live, slipway } = run(t);
      if (recording) {
        if (!live) throw new Error("SLIPWAY_RECORD=1 needs the Helm oracle");
        recorded[key] = { files: digest(t), ok: live.ok, lines: live.ok ? [] : lines(live.stderr) };
      }
      const want = recorded[key];
      const context = `replay with SLIPWAY_FUZZ_SEED=${seed}\n${Object.entries(t)
        .map(([k, v]) => `== ${k}\n${v}`)
        .join(
          "",
        )}\nHelm: ${want?.ok ? "ok" : want?.lines.join("\n")}\nSlipway: ${slipway.ok ? "ok" : slipway.stderr}`;
      expect(want, `${key} is not recorded: run with SLIPWAY_RECORD=1 and the oracle`).toBeDefined();
      expect(want!.files, `${key} changed since it was recorded: run with SLIPWAY_RECORD=1`).toBe(digest(t));
      if (live)
        expect(
          { ok: live.ok, lines: live.ok ? [] : lines(live.stderr) },
          "the recorded answer is stale",
        ).toEqual({ ok: want!.ok, lines: want!.lines });
      expect(slipway.ok, context).toBe(want!.ok);
      if (!want!.ok) expect(lines(slipway.stderr), context).toEqual(want!.lines);
    });
  }
  if (recording)
    it("writes the recorded answers", () => {
      const sorted = Object.fromEntries(
        Object.entries(recorded).sort(([a], [b]) => a.localeCompare(b, "en")),
      );
      writeFileSync(FIXTURE, `${JSON.stringify(sorted, null, 1)}\n`);
    });
});
