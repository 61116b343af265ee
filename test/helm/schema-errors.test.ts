/**
 * values.schema.json violations as Helm 4.1.4 words them (santhosh-tekuri/jsonschema v6): the
 * failing value in each reason, one "validation failed" line over a subschema with several
 * causes, patterns as Go regular expressions on RE2 (a backtracking pattern cannot hang a
 * render; a pattern Go cannot compile fails the schema against its metaschema). Expected texts
 * printed by Helm 4.1.4. v6 lists the causes of a node in Go map order, which changes from run
 * to run, so lines are compared as a multiset; indentation keeps each cause under its node.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { loadChartFiles } from "../../src/helm/loader.js";
import { renderTree } from "../../src/helm/render-chart.js";
import { forgetValidators, validateValues } from "../../src/helm/schema.js";
import type { GoMap } from "../../src/helm/template/value.js";
import { readYaml } from "../../src/helm/yaml.js";

const enc = new TextEncoder();
function report(schema: string, valuesYaml: string, cache?: DiskRenderCache): string {
  const chart = renderTree(
    loadChartFiles([
      { name: "Chart.yaml", data: enc.encode("apiVersion: v2\nname: redos\nversion: 0.1.0\n") },
      { name: "values.schema.json", data: enc.encode(schema) },
    ]),
  );
  try {
    validateValues(chart, readYaml(valuesYaml, "values.yaml") as GoMap, "redos", cache);
    return "valid";
  } catch (e) {
    return (e as Error).message;
  }
}
const lines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l !== "")
    .sort();
const HEAD = "values don't meet the specifications of the schema(s) in the following chart(s):\nredos:\n";
const backtracking = `${"a".repeat(5000)}!`;

const CASES: Array<[string, string, string, string]> = [
  [
    "a backtracking pattern, on RE2",
    `{"type":"object","properties":{"name":{"type":"string","pattern":"^(a+)+$"}}}`,
    `name: "${backtracking}"\n`,
    `- at '/name': '${backtracking}' does not match pattern '^(a+)+$'`,
  ],
  [
    "a pattern Go cannot compile, draft 2020-12",
    `{"type":"object","properties":{"name":{"type":"string","pattern":"^(?=a)a$"}}}`,
    "name: abc\n",
    `"file:///values.schema.json#" is not valid against metaschema: jsonschema validation failed with 'https://json-schema.org/draft/2020-12/schema#'
- at '': 'allOf' failed
  - at '/properties/name': 'allOf' failed
    - at '/properties/name/pattern': '^(?=a)a$' is not valid regex: error parsing regexp: invalid or unsupported Perl syntax: \`(?=\``,
  ],
  [
    "a pattern Go cannot compile, draft-07",
    `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"name":{"type":"string","pattern":"^(?=a)a$"}}}`,
    "name: abc\n",
    `"file:///values.schema.json#" is not valid against metaschema: jsonschema validation failed with 'http://json-schema.org/draft-07/schema#'
- at '/properties/name/pattern': '^(?=a)a$' is not valid regex: error parsing regexp: invalid or unsupported Perl syntax: \`(?=\``,
  ],
  [
    "Go's character classes",
    `{"type":"object","properties":{"name":{"pattern":"^[[:alpha:]]+$"}}}`,
    "name: ab1\n",
    `- at '/name': 'ab1' does not match pattern '^[[:alpha:]]+$'`,
  ],
  [
    "the failing value in each reason, a one-value enum",
    `{"type":"object","properties":{"name":{"type":"integer"},"n":{"maxLength":2},"e":{"enum":["x"]}}}`,
    "name: abc\nn: abc\ne: y\n",
    `- at '/name': got string, want integer\n- at '/e': value must be 'x'`,
  ],
  [
    "a key named __proto__ is a property like any other (not the object's prototype)",
    `{"type":"object","properties":{"p":{"additionalProperties":false}}}`,
    "p:\n  __proto__: {}\n",
    `- at '/p': additional properties '__proto__' not allowed`,
  ],
  [
    "patternProperties",
    `{"type":"object","patternProperties":{"^n":{"type":"integer"}}}`,
    "name: abc\nnb: x\n",
    `- at '/name': got string, want integer\n- at '/nb': got string, want integer`,
  ],
  [
    "a node with several causes, under one with a single cause",
    `{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"object","properties":{"c":{"type":"string"},"d":{"type":"string"}}},"e":{"type":"string"}}}}}`,
    "a: {b: {c: 1, d: 2}, e: 3}\n",
    `- at '/a/e': got number, want string
- at '/a/b': validation failed
  - at '/a/b/c': got number, want string
  - at '/a/b/d': got number, want string`,
  ],
  [
    "items",
    `{"type":"object","properties":{"l":{"type":"array","items":{"type":"object","properties":{"x":{"type":"string"}}}}}}`,
    "l: [{x: 1}, {x: 3}]\n",
    `- at '/l/0/x': got number, want string\n- at '/l/1/x': got number, want string`,
  ],
  [
    "the root's single node: its causes, without a line of its own",
    `{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"object","additionalProperties":false,"properties":{"c":{"type":"string"}}}}}}}`,
    "a: {b: {c: 1, z: 2}}\n",
    `- at '/a/b/c': got number, want string\n- at '/a/b': additional properties 'z' not allowed`,
  ],
  [
    "a $dynamicRef cycle: v6's reference-cycle error (Slipway said it could not follow it)",
    `{"$schema":"https://json-schema.org/draft/2020-12/schema","$dynamicAnchor":"meta","$ref":"#/$defs/a","$defs":{"a":{"$dynamicRef":"#meta"}}}`,
    "a: 1\n",
    `- at '': both /$ref/$dynamicRef and  resolve to "file:///values.schema.json#" causing reference cycle`,
  ],
  [
    "a $dynamicRef cycle through pointers, in an allOf",
    `{"allOf":[{"$dynamicRef":"#/allOf/1"},{"$dynamicRef":"#/allOf/0"}]}`,
    "a: 1\n",
    `- at '': 'allOf' failed\n  - at '': both /allOf/0/$dynamicRef/$dynamicRef and /allOf/0 resolve to "file:///values.schema.json#/allOf/0" causing reference cycle\n  - at '': both /allOf/1/$dynamicRef/$dynamicRef and /allOf/1 resolve to "file:///values.schema.json#/allOf/1" causing reference cycle`,
  ],
  [
    "a recursive $dynamicRef that consumes the values",
    `{"$defs":{"n":{"$dynamicAnchor":"n","type":"object","properties":{"x":{"$dynamicRef":"#n"}}}},"$ref":"#/$defs/n"}`,
    "x: {x: 3}\n",
    `- at '/x/x': got number, want object`,
  ],
  [
    "a nested draft-04 $schema without id: v6 ignores it, so exclusiveMaximum must be a number",
    `{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"a":{"$schema":"http://json-schema.org/draft-04/schema#","maximum":0,"exclusiveMaximum":true}}}`,
    "a: 1\n",
    `"file:///values.schema.json#" is not valid against metaschema: jsonschema validation failed with 'https://json-schema.org/draft/2020-12/schema#'
- at '': 'allOf' failed
  - at '/properties/a': 'allOf' failed
    - at '/properties/a/exclusiveMaximum': got boolean, want number`,
  ],
  [
    "draft-04's exclusiveMaximum is a boolean",
    `{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"a":{"maximum":0,"exclusiveMaximum":true}}}`,
    "a: 1\n",
    `- at '/a': exclusiveMaximum: got 1, want 0`,
  ],
];

describe("values.schema.json violations worded as Helm 4.1.4", () => {
  it.each(CASES)("%s", (_, schema, values, expected) => {
    forgetValidators();
    expect(lines(report(schema, values))).toEqual(lines(HEAD + expected));
  });

  it.each(CASES)(
    "%s: the same through a validator loaded from the persistent cache",
    (_, schema, values, expected) => {
      const cache = new DiskRenderCache(
        mkdtempSync(path.join(tmpdir(), "slipway-schema-errors-")),
        "test-code",
      );
      forgetValidators();
      report(schema, values, cache);
      forgetValidators();
      expect(lines(report(schema, values, cache))).toEqual(lines(HEAD + expected));
    },
  );
});

describe("patterns of different schemas", () => {
  it("are told apart (ajv keys a compiled pattern by its text)", () => {
    forgetValidators();
    const a = `{"properties":{"name":{"pattern":"^a"}}}`;
    const b = `{"properties":{"name":{"pattern":"^b"}}}`;
    expect(report(a, "name: abc\n")).toBe("valid");
    expect(report(b, "name: abc\n")).toContain("does not match pattern '^b'");
    expect(report(b, "name: bcd\n")).toBe("valid");
  });
});

describe("a schema nested deeper than any chart needs", () => {
  it("is the chart's schema error, not the engine's stack overflow", () => {
    forgetValidators();
    const n = 100_000;
    const schema = `{"properties":{"a":${'{"items":'.repeat(n)}{}${"}".repeat(n)}}}`;
    const out = report(schema, "a: [1]\n");
    expect(out).toContain(HEAD);
    expect(out).toMatch(/values\.schema\.json.*nested deeper than \d+ levels/);
    expect(out).not.toMatch(/call stack/i);
  });
});

describe("a nested resource of another draft", () => {
  it("is said to be beyond Slipway, never judged in the root's draft", () => {
    // Helm validates `a` in draft-04 ("- at '/a': exclusiveMaximum: got 1, want 0"); Slipway
    // validates in one draft, and ajv's own words ("exclusiveMaximum value must be ...") misled.
    forgetValidators();
    const schema = `{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"a":{"$schema":"http://json-schema.org/draft-04/schema#","id":"http://e.com/x","maximum":0,"exclusiveMaximum":true}}}`;
    expect(report(schema, "a: 1\n")).toBe(
      `${HEAD}values.schema.json: Slipway cannot validate values against a schema that nests a resource of another draft ('http://json-schema.org/draft-04/schema#' in "http://e.com/x"); use --skip-schema-validation`,
    );
  });
});
