/**
 * The quick schema verdict (src/helm/schema-accept.ts) against ajv, its oracle: "yes" only where
 * ajv accepts, "no" only where ajv rejects, on the conformance corpus's schemas with their charts'
 * values and seeded mutations of them, and on a table of schemas exercising each keyword with
 * generated values. Replay a failure with SLIPWAY_FUZZ_SEED.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ajvAccepts, draftOf, violations } from "../../src/helm/schema.js";
import { prunedSchemaText, quickVerdict } from "../../src/helm/schema-accept.js";
import { requires } from "../support/env.js";
import { corpus } from "./corpus.js";

const SEED = Number(process.env.SLIPWAY_FUZZ_SEED ?? 20261203);

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ["a", "b", "name", "port", "enabled", "tags", "x-1", "image", "constructor", "é"];
const STRINGS = ["", "a", "abc", "ABC", "😀😀", "http", "1.2.3", "IfNotPresent", "ClusterIP", "x".repeat(70)];

function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 2 ? 6 : 8));
  switch (k) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return [0, 1, -1, 2.5, 80, 65536, 1e21, -0][Math.floor(r() * 8)];
    case 3:
    case 4:
    case 5:
      return STRINGS[Math.floor(r() * STRINGS.length)];
    case 6:
      return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const n = Math.floor(r() * 4);
      for (let i = 0; i < n; i++) {
        Object.defineProperty(o, KEYS[Math.floor(r() * KEYS.length)] as string, {
          value: randomValue(r, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return o;
    }
  }
}

/** A copy of `v` with one random change somewhere (a leaf replaced, a key dropped or added). */
function mutate(v: unknown, r: () => number): unknown {
  if (Array.isArray(v)) {
    if (v.length === 0 || r() < 0.2) return [...v, randomValue(r, 2)];
    const i = Math.floor(r() * v.length);
    return v.map((x, j) => (j === i ? mutate(x, r) : x));
  }
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v);
    const o = { ...(v as Record<string, unknown>) };
    if (keys.length === 0 || r() < 0.1) {
      o[KEYS[Math.floor(r() * KEYS.length)] as string] = randomValue(r, 2);
      return o;
    }
    const key = keys[Math.floor(r() * keys.length)] as string;
    if (r() < 0.15) delete o[key];
    else o[key] = mutate(o[key], r);
    return o;
  }
  return r() < 0.5 ? randomValue(r, 3) : v;
}

function expectAgrees(text: string, data: unknown, label: string): "yes" | "no" | "unsure" {
  const verdict = quickVerdict(text, draftOf, data);
  if (verdict === "unsure") return verdict;
  const ajv = ajvAccepts(text, data);
  expect(ajv instanceof Error ? `ajv failed: ${ajv.message}` : ajv, `${label}: ${JSON.stringify(data)}`).toBe(
    verdict === "yes",
  );
  return verdict;
}

function schemaFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...schemaFiles(p));
    else if (name === "values.schema.json") out.push(p);
  }
  return out;
}

describe.runIf(requires("shared"))("quick schema verdicts on the corpus's schemas", () => {
  it("agree with ajv on the charts' own values and seeded mutations of them", () => {
    const files = [
      ...schemaFiles(path.join(corpus, "charts")),
      ...schemaFiles(path.join(corpus, "templates")),
    ];
    expect(files.length).toBeGreaterThan(10);
    let yes = 0;
    let no = 0;
    const r = rng(SEED);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      let values: unknown = {};
      try {
        values = parseYaml(readFileSync(path.join(path.dirname(file), "values.yaml"), "utf8")) ?? {};
      } catch {
        // no values.yaml: start from {}
      }
      if (expectAgrees(text, values, file) === "yes") yes++;
      for (let i = 0; i < 150; i++) {
        let v = values;
        for (let m = 1 + Math.floor(r() * 3); m > 0; m--) v = mutate(v, r);
        const verdict = expectAgrees(text, v, `${file} (seed ${SEED})`);
        if (verdict === "no") no++;
      }
    }
    // not vacuous: the real charts' defaults are judged here, and mutations are caught
    expect(yes).toBeGreaterThanOrEqual(8);
    expect(no).toBeGreaterThan(100);
  });
});

describe.runIf(requires("shared"))("pruned schemas (what ajv compiles for failing values)", () => {
  it("report the same violations as the whole schema on the corpus's schemas and mutated values", () => {
    const files = [
      ...schemaFiles(path.join(corpus, "charts")),
      ...schemaFiles(path.join(corpus, "templates")),
    ];
    let pruned = 0;
    let failing = 0;
    const r = rng(SEED + 1);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      let values: unknown = {};
      try {
        values = parseYaml(readFileSync(path.join(path.dirname(file), "values.yaml"), "utf8")) ?? {};
      } catch {
        // no values.yaml: start from {}
      }
      for (let i = 0; i < 40; i++) {
        let v = values;
        for (let m = 1 + Math.floor(r() * 3); m > 0; m--) v = mutate(v, r);
        if (prunedSchemaText(text, draftOf, v) === undefined) continue;
        pruned++;
        const whole = violations(text, v, undefined, false);
        if (whole !== undefined) failing++;
        expect(violations(text, v, undefined, true), `${file} (seed ${SEED + 1}): ${JSON.stringify(v)}`).toBe(
          whole,
        );
      }
    }
    // not vacuous: schemas were pruned, and values broke them
    expect(pruned).toBeGreaterThan(100);
    expect(failing).toBeGreaterThan(50);
  });
});

const TABLE: [string, unknown][] = [
  ["types", { type: ["string", "integer", "null"] }],
  ["number bounds", { type: "number", minimum: 0, exclusiveMaximum: 80 }],
  [
    "object",
    {
      type: "object",
      required: ["name"],
      properties: {
        name: { type: "string", minLength: 2, maxLength: 3 },
        port: { type: "integer", maximum: 65535, exclusiveMinimum: 0 },
      },
      additionalProperties: false,
    },
  ],
  [
    "pattern properties",
    {
      patternProperties: { "^x-": { type: "string" }, "\\p{L}": { type: ["boolean", "object", "array"] } },
      additionalProperties: { type: "number" },
    },
  ],
  [
    "enum and const",
    { properties: { a: { enum: ["a", 1, null, { b: [1] }, [0, 1]] }, b: { const: { a: "abc" } } } },
  ],
  [
    "oneOf",
    {
      oneOf: [
        { type: "string" },
        { type: "string", minLength: 3 },
        { type: "array", items: { type: "integer" } },
      ],
    },
  ],
  ["not and anyOf", { not: { anyOf: [{ type: "null" }, { type: "object", required: ["a"] }] } }],
  [
    "allOf",
    {
      allOf: [
        { type: "object" },
        { properties: { tags: { type: "array", uniqueItems: true, minItems: 1, maxItems: 2 } } },
      ],
    },
  ],
  [
    "references",
    {
      $defs: {
        node: {
          type: "object",
          properties: { a: { $ref: "#/$defs/node" }, b: { $ref: "#" } },
          maxProperties: 2,
        },
      },
      anyOf: [{ $ref: "#/$defs/node" }, { type: "string", pattern: "^[a-z]+$" }],
    },
  ],
  [
    "draft-07 definitions",
    {
      $schema: "http://json-schema.org/draft-07/schema#",
      definitions: { s: { type: "string" } },
      properties: {
        image: { $ref: "#/definitions/s", minLength: 1 },
        tags: { items: { $ref: "#/definitions/s" } },
      },
      minProperties: 1,
    },
  ],
  [
    "a reference into an enum",
    { anyOf: [{ enum: [{ minLength: 4 }] }, { properties: { a: { $ref: "#/anyOf/0/enum/0" } } }] },
  ],
  ["boolean subschemas", { properties: { a: false, b: true }, items: false }],
  [
    "ignored words",
    {
      form: true,
      title: "t",
      description: "d",
      default: 3,
      examples: [1],
      properties: { a: { type: "boolean", sliderMin: 3 } },
    },
  ],
  [
    "a 2020 annotation format",
    { $schema: "https://json-schema.org/draft/2020-12/schema", type: "string", format: "email" },
  ],
];

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

describe("quick schema verdicts on generated values", () => {
  it.each(TABLE)("%s: agree with ajv", (_, schema) => {
    const text = JSON.stringify(schema);
    const r = rng(SEED);
    const seen = { yes: 0, no: 0, unsure: 0 };
    for (let i = 0; i < 400; i++) seen[expectAgrees(text, randomValue(r, 0), `seed ${SEED}`)]++;
    expect(seen.yes + seen.no).toBeGreaterThan(0);
  });

  it.each<[string, unknown]>([
    ...TABLE,
    [
      "definitions named once and twice",
      {
        $defs: {
          image: {
            type: "object",
            properties: { name: { type: "string", minLength: 2 }, port: { $ref: "#/$defs/port" } },
            required: ["name"],
            additionalProperties: false,
          },
          port: { type: "integer", maximum: 65535 },
          tags: { type: "array", items: { $ref: "#/$defs/port" } },
        },
        properties: {
          image: { $ref: "#/$defs/image" },
          a: { properties: { b: { type: "boolean" }, port: { $ref: "#/$defs/port" } }, required: ["b"] },
          tags: { $ref: "#/$defs/tags" },
          enabled: { type: "boolean" },
        },
        patternProperties: { "^x-": { type: "string" } },
        additionalProperties: { type: ["object", "null"] },
      },
    ],
  ])("%s: a pruned schema reports what the whole one does", (_, schema) => {
    const text = JSON.stringify(schema);
    const r = rng(SEED + 2);
    let pruned = 0;
    for (let i = 0; i < 300; i++) {
      const v = randomValue(r, 0);
      if (prunedSchemaText(text, draftOf, v) === undefined) continue;
      pruned++;
      expect(violations(text, v, undefined, true), `seed ${SEED + 2}: ${JSON.stringify(v)}`).toBe(
        violations(text, v, undefined, false),
      );
    }
    // not vacuous where top-level properties can be pruned
    if (isObject(schema) && "properties" in schema && !text.includes('"#"') && !text.includes("enum/"))
      expect(pruned).toBeGreaterThan(0);
  });

  it.each([
    ["draft-04", { $schema: "http://json-schema.org/draft-04/schema#", type: "object" }],
    ["a draft-07 format", { $schema: "http://json-schema.org/draft-07/schema#", format: "email" }],
    ["if/then", JSON.parse('{"if":{"type":"string"},"then":{"minLength":2}}')],
    ["a remote reference", { properties: { a: { $ref: "https://example.com/s.json" } } }],
    ["a dangling reference", { properties: { a: { $ref: "#/$defs/missing" } } }],
    ["a nested $id", { properties: { a: { $id: "other", type: "string" } } }],
    ["a bad pattern", { pattern: "(" }],
    ["a property Object.prototype has", { properties: { constructor: { type: "string" } } }],
    ["unevaluatedProperties", { unevaluatedProperties: false }],
    ["multipleOf", { multipleOf: 0.1 }],
    ["not JSON", "{"],
  ])("%s: left to ajv", (_, schema) => {
    const text = typeof schema === "string" ? schema : JSON.stringify(schema);
    expect(quickVerdict(text, draftOf, { a: "abc" })).toBe("unsure");
  });

  it("a reference cycle that consumes no data is unsure, not an endless loop", () => {
    expect(quickVerdict(JSON.stringify({ $ref: "#" }), draftOf, {})).toBe("unsure");
  });

  it("a number that is not finite is unsure", () => {
    expect(quickVerdict(JSON.stringify({ type: "number" }), draftOf, Number.POSITIVE_INFINITY)).toBe(
      "unsure",
    );
  });
});
