import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { helmOraclePath } from "../support/env.js";
import { fuzzSeeds, Rng } from "../support/random.js";
import { type Outcome, runOracle, runSlipway, type Tree, writeTree } from "./differential.js";

/**
 * `$ref` in values.schema.json, Slipway vs Helm 4.1.4 (santhosh-tekuri/jsonschema v6), on
 * generated schemas × values, each compared on the exit status and the whole stderr:
 * - "cycle": `$ref` cycles that consume no value (a pointer to itself, to `#`, through `$defs`
 *   or `definitions`, through allOf/anyOf/oneOf/not, with sibling keywords), reached by the
 *   values or not: v6 fails only where validation reaches one, with its own message;
 * - "nested": several failing keywords under a `$ref` below the root, beside failing siblings:
 *   v6 nests a `$ref`'s errors under the schema that holds it;
 * - "siblings": keywords beside a `$ref`, which drafts 04 to 07 ignore and 2019-09 on apply.
 * Each value map has one key, so v6 (which lists a map's members in Go map order) prints one
 * order. Then fixed probes of references Helm resolves otherwise: a local file (Helm reads it,
 * Slipway says it reads nothing outside the chart), http(s) (Helm fetches, Slipway says it does
 * not), the schema's own URL, anchors, `$dynamicRef`, `$recursiveRef`, `$schema` URLs.
 *
 * Helm's answers are recorded in schema-refs.helm.json, so the suite runs without Helm. With
 * SLIPWAY_RECORD=1 (and the oracle) they are recorded again, then `npx biome format --write` the
 * file; with SLIPWAY_ORACLE_LIVE=1 each is asked again and must equal the recorded one. Replay
 * one generated scenario with SLIPWAY_FUZZ_SEED=<seed>.
 */

const DRAFTS = [
  { url: undefined, defs: "$defs" },
  { url: "https://json-schema.org/draft/2019-09/schema", defs: "$defs" },
  { url: "http://json-schema.org/draft-07/schema#", defs: "definitions" },
] as const;
const TYPES = ["string", "integer", "object", "boolean"];

/** A reference somewhere a cycle can close: a definition, the root, a root property. */
function target(rng: Rng, defs: string, n: number): string {
  const r = rng.next();
  if (r < 0.7) return `#/${defs}/d${rng.int(n)}`;
  if (r < 0.85) return "#";
  return `#/properties/${rng.pick(["a", "b"])}`;
}

function cycleNode(rng: Rng, defs: string, n: number): Record<string, unknown> {
  const ref = () => ({ $ref: target(rng, defs, n) });
  switch (rng.int(10)) {
    case 0:
    case 1:
      return ref();
    case 2:
      return { allOf: [ref()] };
    case 3:
      return { anyOf: [ref(), { type: rng.pick(TYPES) }] };
    case 4:
      return { oneOf: [{ type: rng.pick(TYPES) }, ref()] };
    case 5:
      return { not: ref() };
    case 6:
      return { type: rng.pick(TYPES), ...ref() };
    case 7:
      return { properties: { p: ref() } };
    case 8:
      return { required: ["q"], minimum: 3, ...ref() };
    default:
      return { type: rng.pick(TYPES) };
  }
}

/** A value for one key: scalars and one-key maps (Go's map order cannot vary). */
function oneKeyValue(rng: Rng, depth: number): string {
  const r = rng.next();
  if (depth < 2 && r < 0.35) return `{${rng.pick(["p", "a", "q"])}: ${oneKeyValue(rng, depth + 1)}}`;
  return rng.pick(["1", "5", '"s"', "true", "{}", "[1]"]);
}

function cycleScenario(rng: Rng): Tree {
  const draft = rng.pick(DRAFTS);
  const n = 1 + rng.int(3);
  const defs: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) defs[`d${i}`] = cycleNode(rng, draft.defs, n);
  const root: Record<string, unknown> = {};
  if (draft.url) root.$schema = draft.url;
  if (rng.chance(0.5)) root.type = "object";
  root.properties = {
    a: cycleNode(rng, draft.defs, n),
    b: { $ref: target(rng, draft.defs, n) },
    c: { type: "integer" },
  };
  if (rng.chance(0.15)) root.allOf = [{ $ref: `#/${draft.defs}/d0` }];
  root[draft.defs] = defs;
  const key = rng.pick(["a", "b", "c", "zz"]);
  return files(JSON.stringify(root), `${key}: ${oneKeyValue(rng, 0)}`);
}

/** A definition whose keywords can fail together (so a `$ref` to it has several causes). */
function failingLeaf(rng: Rng, defs: string): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  if (rng.chance(0.5)) s.minimum = 3;
  if (rng.chance(0.5)) s.multipleOf = 2;
  if (rng.chance(0.4)) s.maxLength = 1;
  if (rng.chance(0.3)) s.required = ["q"];
  if (rng.chance(0.3)) s.minProperties = 2;
  if (rng.chance(0.3)) s.anyOf = [{ type: "string" }, { const: 7 }];
  if (rng.chance(0.3)) s.not = { type: "integer" };
  if (rng.chance(0.3)) s.$ref = `#/${defs}/leaf`;
  if (rng.chance(0.2)) s.type = rng.pick(TYPES);
  return s;
}

function nestedScenario(rng: Rng): Tree {
  const draft = rng.pick([DRAFTS[0], DRAFTS[1]]);
  const d = draft.defs;
  const holder = (next: string): Record<string, unknown> => {
    const s: Record<string, unknown> = { $ref: next };
    if (rng.chance(0.5)) s.maxProperties = 0;
    if (rng.chance(0.3)) s.required = ["zz"];
    if (rng.chance(0.3)) s.minimum = 9;
    if (rng.chance(0.2)) s.allOf = [{ $ref: next }];
    return s;
  };
  const mid: Record<string, unknown> = {
    properties: { p: holder(`#/${d}/leaf`) },
    ...failingLeaf(rng, d),
  };
  delete mid.$ref;
  const root: Record<string, unknown> = {
    properties: { a: holder(`#/${d}/mid`), b: holder(`#/${d}/leaf`) },
    [d]: { mid, leaf: failingLeaf(rng, d), last: { multipleOf: 3, maximum: 2 } },
  };
  if (draft.url) root.$schema = draft.url;
  const leaf = (root[d] as Record<string, Record<string, unknown>>).leaf!;
  if (leaf.$ref) leaf.$ref = `#/${d}/last`;
  const key = rng.pick(["a", "b"]);
  const value = rng.pick(["1", "4", '"ss"', "{p: 1}", '{p: "ss"}', "{p: {q: 1}}", "{q: 1}", "{}"]);
  return files(JSON.stringify(root), `${key}: ${value}`);
}

function siblingsScenario(rng: Rng): Tree {
  const draft = rng.pick([
    { url: "http://json-schema.org/draft-04/schema#", defs: "definitions" },
    { url: "http://json-schema.org/draft-06/schema#", defs: "definitions" },
    ...DRAFTS,
  ]);
  const holder: Record<string, unknown> = { $ref: `#/${draft.defs}/t` };
  const siblings: Array<[string, unknown]> = [
    ["type", "string"],
    ["minimum", 5],
    ["required", ["q"]],
    ["enum", [1, 2]],
    ["properties", { q: { type: "string" } }],
    ["allOf", [{ maximum: 0 }]],
    ["additionalProperties", false],
  ];
  for (const [k, v] of siblings) if (rng.chance(0.35)) holder[k] = v;
  const t = rng.pick([{ type: "integer" }, { type: "object" }, { maximum: 3 }, {}]);
  const root: Record<string, unknown> = { properties: { a: holder }, [draft.defs]: { t } };
  if (draft.url) root.$schema = draft.url;
  return files(JSON.stringify(root), `a: ${rng.pick(["1", "9", '"s"', "{q: 1}", "{}", "{r: 2}"])}`);
}

/**
 * References Helm resolves in its own way. `cannot`: Helm reads a file or the network, which
 * Slipway never does: Slipway must fail and say what it did not do (Helm's answer is kept for the
 * record, not compared).
 */
const PROBES: Array<{ name: string; schema: unknown; values: string; cannot?: RegExp }> = [
  {
    name: "a pointer through the schema's own file name",
    schema: { properties: { a: { $ref: "values.schema.json#/$defs/x" } }, $defs: { x: { type: "string" } } },
    values: "a: 1",
  },
  {
    name: "a pointer through the schema's own file URL",
    schema: {
      properties: { a: { $ref: "file:///values.schema.json#/$defs/x" } },
      $defs: { x: { type: "string" } },
    },
    values: "a: 1",
  },
  {
    name: "a pointer through ./ and ../ to the schema's own file",
    schema: {
      properties: { a: { $ref: "./values.schema.json#/$defs/x" }, b: { $ref: "../values.schema.json" } },
      $defs: { x: { type: "string" } },
      required: ["a"],
    },
    values: "b: {a: 1}",
  },
  {
    name: "a file of the host (Helm reads it)",
    schema: { properties: { a: { $ref: "file:///etc/passwd" } } },
    values: "b: 1",
    cannot: /failing loading "file:\/\/\/etc\/passwd": Slipway reads no schema outside/,
  },
  {
    name: "a file beside the chart, by ../ (Helm reads /x.json)",
    schema: { properties: { a: { $ref: "../x.json" } } },
    values: "a: 1",
    cannot: /failing loading "file:\/\/\/x.json": Slipway reads no schema outside/,
  },
  {
    name: "a sibling file of the chart (Helm looks for it at /, not in the chart)",
    schema: { properties: { a: { $ref: "defs.json" } } },
    values: "a: 1",
    cannot: /failing loading "file:\/\/\/defs.json": Slipway reads no schema outside/,
  },
  {
    name: "an https reference (Helm fetches it)",
    schema: { properties: { a: { $ref: "https://example.invalid/s.json" } } },
    values: "b: 1",
    cannot: /failing loading "https:\/\/example.invalid\/s.json": Slipway does not fetch/,
  },
  {
    name: "an http reference with a fragment",
    schema: { properties: { a: { $ref: "http://example.invalid/s.json#/x" } } },
    values: "b: 1",
    cannot: /failing loading "http:\/\/example.invalid\/s.json": Slipway does not fetch/,
  },
  {
    name: "an unknown $schema (Helm fetches it)",
    schema: { $schema: "https://example.invalid/schema", type: "object" },
    values: "a: 1",
    cannot: /failing loading "https:\/\/example.invalid\/schema": Slipway does not fetch metaschemas/,
  },
  {
    name: "draft-03 (Helm fetches it)",
    schema: { $schema: "http://json-schema.org/draft-03/schema#", type: "object" },
    values: "a: 1",
    cannot:
      /failing loading "http:\/\/json-schema.org\/draft-03\/schema": Slipway does not fetch metaschemas/,
  },
  ...[
    "http://json-schema.org/draft-04/schema",
    "http://json-schema.org/draft-06/schema#",
    "https://json-schema.org/draft-07/schema",
    "https://json-schema.org/draft/2019-09/schema",
    "http://json-schema.org/draft/2020-12/schema",
    "http://json-schema.org/schema#",
  ].map((url) => ({ name: `$schema ${url}`, schema: { $schema: url, type: "string" }, values: "a: 1" })),
  {
    name: "an anchor",
    schema: { properties: { a: { $ref: "#foo" } }, $defs: { x: { $anchor: "foo", type: "string" } } },
    values: "a: 1",
  },
  {
    name: "a nested $id with a relative reference",
    schema: {
      $id: "http://example.com/root.json",
      properties: { a: { $ref: "item.json" } },
      $defs: { x: { $id: "item.json", type: "string" } },
    },
    values: "a: 1",
  },
  {
    name: "$dynamicRef to the root's $dynamicAnchor",
    schema: { $dynamicAnchor: "n", properties: { a: { $dynamicRef: "#n" } }, type: "object" },
    values: "a: {a: 2}",
  },
  {
    name: "$recursiveRef, draft 2019-09",
    schema: {
      $schema: "https://json-schema.org/draft/2019-09/schema",
      $recursiveAnchor: true,
      properties: { a: { $recursiveRef: "#" } },
      type: "object",
    },
    values: "a: {a: 1}",
  },
  {
    name: "a pointer with an escaped $ and ~1",
    schema: {
      properties: { a: { $ref: "#/%24defs/x" }, b: { $ref: "#/$defs/a~1b" } },
      $defs: { x: { type: "string" }, "a/b": { type: "string" } },
    },
    values: "b: 1",
  },
  {
    name: "a cycle through an anchor",
    schema: { properties: { a: { $ref: "#n" } }, $defs: { n: { $anchor: "n", allOf: [{ $ref: "#n" }] } } },
    values: "a: 1",
  },
  {
    name: "a cycle through an anchor under not, which it satisfies",
    schema: {
      properties: { a: { $ref: "#m" } },
      $defs: {
        n: { $anchor: "m", properties: { x: { $ref: "#m" } }, anyOf: [{ $ref: "#/$defs/q" }] },
        q: { not: { $ref: "#m" } },
      },
    },
    values: "a: {x: 1}",
  },
  {
    name: "a cycle through $dynamicRef",
    schema: {
      $defs: { s: { $dynamicAnchor: "n", $dynamicRef: "#n" } },
      properties: { a: { $ref: "#/$defs/s" } },
    },
    values: "a: 1",
  },
  {
    name: "draft-04 additionalProperties: false",
    schema: {
      $schema: "http://json-schema.org/draft-04/schema#",
      additionalProperties: false,
      properties: { a: { additionalProperties: false } },
    },
    values: "b: 1",
  },
  {
    name: "draft-04 additionalItems neither a boolean nor a schema",
    schema: { $schema: "http://json-schema.org/draft-04/schema#", additionalItems: "x", items: [{}] },
    values: "b: 1",
  },
  {
    name: "draft-06 nested id, no keyword there",
    schema: {
      $schema: "http://json-schema.org/draft-06/schema#",
      properties: { a: { id: 5, type: "string" } },
    },
    values: "a: 1",
  },
  {
    name: "$schema not a string",
    schema: { $schema: 5, type: "object" },
    values: "b: 1",
  },
  {
    name: "nested $schema not a string, draft-07",
    schema: { $schema: "http://json-schema.org/draft-07/schema#", properties: { a: { $schema: 5 } } },
    values: "b: 1",
  },
  {
    name: "$id not a string, draft-07",
    schema: { $schema: "http://json-schema.org/draft-07/schema#", properties: { a: { $id: 5 } } },
    values: "b: 1",
  },
  {
    name: "$id with a fragment, 2020-12",
    schema: { properties: { a: { $id: "x#y" } } },
    values: "b: 1",
  },
  {
    name: "$anchor not an anchor name, 2019-09",
    schema: { $schema: "https://json-schema.org/draft/2019-09/schema", properties: { a: { $anchor: "_a" } } },
    values: "b: 1",
  },
  {
    name: "$anchor not an anchor name, 2020-12",
    schema: { properties: { a: { $anchor: "1a" } } },
    values: "c: 1",
  },
  {
    name: "$dynamicAnchor not a string",
    schema: { properties: { b: { $dynamicAnchor: 5 } } },
    values: "c: 1",
  },
  {
    name: "$recursiveAnchor in 2020-12 (an anchor name there)",
    schema: { properties: { a: { $recursiveAnchor: 5 } } },
    values: "b: 1",
  },
  {
    name: "$dynamicRef not a string",
    schema: { properties: { a: { $dynamicRef: 5 } } },
    values: "b: 1",
  },
  ...["ftp://x/y.json", "mailto:a@b.c", "tag:a,2020:x"].map((ref) => ({
    name: `a $ref with a scheme Helm has no loader for: ${ref}`,
    schema: { properties: { a: { $ref: ref } } },
    values: "b: 1",
  })),
  ...[
    "ftp://x/s",
    "foo.json",
    "",
    "json-schema.org/draft-07/schema#",
    "json-schema.org/draft/2020-12/schema",
  ].map((url) => ({
    name: `$schema ${JSON.stringify(url)}`,
    schema: { $schema: url, type: "string" },
    values: "b: 1",
  })),
  {
    name: "$schema: draft-07 with a fragment (built into v6)",
    schema: { $schema: "http://json-schema.org/draft-07/schema#x", type: "string" },
    values: "b: 1",
  },
  {
    name: "a nested $schema Helm has no loader for",
    schema: { $schema: "http://json-schema.org/draft-07/schema#", properties: { a: { $schema: "rel" } } },
    values: "b: 1",
  },
  {
    name: "a nested $schema Helm fetches",
    schema: { properties: { a: { $schema: "https://example.invalid/x" } } },
    values: "b: 1",
    cannot: /failing loading "https:\/\/example.invalid\/x": Slipway does not fetch metaschemas/,
  },
  {
    name: "a $schema file (Helm reads it)",
    schema: { $schema: "file:///x.json", type: "string" },
    values: "b: 1",
    cannot: /failing loading "file:\/\/\/x.json": Slipway reads no schema outside/,
  },
  {
    name: "a urn $ref: Helm's permissive schema and its warning",
    schema: { properties: { a: { $ref: "urn:uuid:1234", type: "string" } } },
    values: "a: 1",
  },
  {
    name: "urn $refs without a namespace, warned in compile order",
    schema: {
      properties: { a: { $ref: "#/$defs/x" }, b: { $ref: "urn:b" } },
      $defs: { x: { $ref: "urn:a" }, y: { $ref: "urn:never" } },
    },
    values: "a: 1",
  },
  {
    name: "a urn $ref with a JSON pointer (nothing to point at in the permissive schema)",
    schema: { properties: { a: { $ref: "urn:x#/ptr" } } },
    values: "a: 1",
  },
  {
    name: "a urn $ref with a JSON pointer, never reached (v6 fails compiling it)",
    schema: { properties: { a: { $ref: "urn:x#/ptr" } } },
    values: "b: 1",
  },
  {
    name: "urn $refs with JSON pointers, the first compiled named, an unreferenced definition's not",
    schema: {
      properties: { a: { $ref: "#/$defs/x" } },
      $defs: { x: { $ref: "urn:a:b#/p" }, y: { $ref: "urn:z#/q" } },
    },
    values: "b: 1",
  },
  {
    name: "a urn $schema (the latest draft, and a warning)",
    schema: { $schema: "urn:x:y", type: "string" },
    values: "b: 1",
  },
  {
    name: "a pointer to nothing, never reached",
    schema: { properties: { a: { $ref: "#/$defs/nope" } } },
    values: "b: 1",
  },
];

function files(schema: string, values: string): Tree {
  return {
    "chart/Chart.yaml": "apiVersion: v2\nname: top\nversion: 0.1.0\n",
    "chart/values.schema.json": `${schema}\n`,
    "chart/templates/t.yaml": "k: v\n",
    "values.yaml": `${values}\n`,
  };
}

interface Recorded {
  /** sha256 of the scenario's files: a changed generator must be recorded again */
  files: string;
  code: number;
  stderr: string;
}

const FIXTURE = path.join(path.dirname(new URL(import.meta.url).pathname), "schema-refs.helm.json");
const recording = process.env.SLIPWAY_RECORD === "1";
const live = recording || process.env.SLIPWAY_ORACLE_LIVE === "1";
const recorded: Record<string, Recorded> = existsSync(FIXTURE)
  ? JSON.parse(readFileSync(FIXTURE, "utf8"))
  : {};

const digest = (t: Tree) =>
  createHash("sha256")
    .update(JSON.stringify(Object.entries(t).sort()))
    .digest("hex")
    .slice(0, 16);

function run(t: Tree): { helm?: Outcome; slipway: Outcome } {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-schema-refs-"));
  try {
    writeTree(dir, t);
    const args = ["r", "chart", "-f", "values.yaml"];
    if (live && helmOraclePath() === null)
      throw new Error("SLIPWAY_RECORD/SLIPWAY_ORACLE_LIVE need the Helm oracle");
    return { helm: live ? runOracle(dir, args) : undefined, slipway: runSlipway(dir, args) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The recorded answer for `key`, asked again of Helm when live (and stored when recording). */
function helmAnswer(key: string, t: Tree, helm: Outcome | undefined): Recorded {
  if (recording && helm) recorded[key] = { files: digest(t), code: helm.code, stderr: helm.stderr };
  const want = recorded[key];
  expect(want, `${key} is not recorded: run with SLIPWAY_RECORD=1 and the oracle`).toBeDefined();
  expect(want!.files, `${key} changed since it was recorded: run with SLIPWAY_RECORD=1`).toBe(digest(t));
  if (helm)
    expect({ code: helm.code, stderr: helm.stderr }, "the recorded answer is stale").toEqual({
      code: want!.code,
      stderr: want!.stderr,
    });
  return want!;
}

const shown = (t: Tree) =>
  Object.entries(t)
    .map(([k, v]) => `== ${k}\n${v}`)
    .join("");

const suites: Array<[string, (rng: Rng) => Tree, number[]]> = [
  ["cycle", cycleScenario, fuzzSeeds(9000, 120)],
  ["nested", nestedScenario, fuzzSeeds(9500, 80)],
  ["siblings", siblingsScenario, fuzzSeeds(9800, 60)],
];

describe("values.schema.json $ref: Slipway vs Helm 4.1.4 (recorded)", () => {
  for (const [suite, scenario, list] of suites) {
    it.each(list)(`${suite} seed %i`, (seed) => {
      const t = scenario(new Rng(seed));
      const { helm, slipway } = run(t);
      const want = helmAnswer(`${suite}:${seed}`, t, helm);
      const context = `replay with SLIPWAY_FUZZ_SEED=${seed}\n${shown(t)}\nHelm (${want.code}):\n${want.stderr}`;
      expect({ code: slipway.code === 0 ? 0 : 1, stderr: slipway.stderr }, context).toEqual({
        code: want.code,
        stderr: want.stderr,
      });
    });
  }
  it.each(PROBES.map((p) => [p.name, p] as const))("%s", (name, p) => {
    const t = files(JSON.stringify(p.schema), p.values);
    const { helm, slipway } = run(t);
    const want = helmAnswer(`probe:${name}`, t, helm);
    const context = `${shown(t)}\nHelm (${want.code}):\n${want.stderr}`;
    if (p.cannot) {
      expect(slipway.code, context).not.toBe(0);
      expect(slipway.stderr, context).toMatch(p.cannot);
    } else
      expect({ code: slipway.code === 0 ? 0 : 1, stderr: slipway.stderr }, context).toEqual({
        code: want.code,
        stderr: want.stderr,
      });
  });
  if (recording)
    it("writes the recorded answers", () => {
      const sorted = Object.fromEntries(
        Object.entries(recorded).sort(([a], [b]) => a.localeCompare(b, "en")),
      );
      writeFileSync(FIXTURE, `${JSON.stringify(sorted, null, 1)}\n`);
    });
});
