/**
 * values.schema.json keys that a JavaScript validator gets wrong: `__proto__` (ajv drops it from
 * properties, patternProperties and dependencies by design) and the names Object.prototype has
 * (`constructor`, `toString`, … were read from the prototype of values that lack them, and ajv's
 * fast-deep-equal called a value's own `toString`), and `enum: []`, which ajv cannot compile. Each
 * case holds Helm 4.1.4's answer, recorded from the oracle (test/helm/special-keys.test.ts asks the
 * oracle itself when it is present); the violation lines are compared as a multiset, as v6 orders
 * some of them by Go map iteration. Values are JSON, as the validator sees them (JSON.parse
 * defines `__proto__` as an own key, as Slipway's values conversion does).
 */
import { describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { draftOf, forgetValidators, violations } from "../../src/helm/schema.js";
import { prunedSchemaText } from "../../src/helm/schema-accept.js";
import { scratchDirs } from "../support/scratch.js";

/** [name, schema, values (JSON), Helm's violation lines or null when Helm accepts] */
type Case = [string, string, string, string[] | null];

const D7 = '"$schema":"http://json-schema.org/draft-07/schema#",';
const D4 = '"$schema":"http://json-schema.org/draft-04/schema#",';

const cases: Case[] = [
  [
    "properties.__proto__",
    '{"properties":{"__proto__":{"type":"string"}}}',
    '{"__proto__":5}',
    ["- at '/__proto__': got number, want string"],
  ],
  [
    "properties.__proto__ passes",
    '{"properties":{"__proto__":{"type":"string"}}}',
    '{"__proto__":"x"}',
    null,
  ],
  [
    "properties.__proto__ nested in an object",
    '{"properties":{"a":{"properties":{"__proto__":{"type":"string"}}}}}',
    '{"a":{"__proto__":5}}',
    ["- at '/a/__proto__': got number, want string"],
  ],
  [
    "properties.__proto__ in list items",
    '{"properties":{"a":{"items":{"properties":{"__proto__":{"type":"integer"}}}}}}',
    '{"a":[{"__proto__":"x"},{"__proto__":1}]}',
    ["- at '/a/0/__proto__': got string, want integer"],
  ],
  [
    "properties.__proto__ false",
    '{"properties":{"__proto__":false}}',
    '{"__proto__":1}',
    ["- at '/__proto__': false schema"],
  ],
  [
    "properties.__proto__ through $ref",
    '{"properties":{"__proto__":{"$ref":"#/$defs/s"}},"$defs":{"s":{"type":"string"}}}',
    '{"__proto__":1}',
    ["- at '/__proto__': got number, want string"],
  ],
  [
    "properties.__proto__ in draft-04",
    `{${D4}"properties":{"__proto__":{"type":"string"}}}`,
    '{"__proto__":1}',
    ["- at '/__proto__': got number, want string"],
  ],
  [
    "a $ref into properties.__proto__",
    '{"properties":{"__proto__":{"type":"string"},"a":{"$ref":"#/properties/__proto__"}}}',
    '{"a":5,"__proto__":6}',
    ["- at '/a': got number, want string", "- at '/__proto__': got number, want string"],
  ],
  [
    "properties.__proto__ declares it for additionalProperties",
    '{"properties":{"__proto__":{}},"additionalProperties":false}',
    '{"__proto__":5}',
    null,
  ],
  [
    "properties.__proto__ evaluates it for unevaluatedProperties",
    '{"properties":{"__proto__":{}},"unevaluatedProperties":false}',
    '{"__proto__":1}',
    null,
  ],
  [
    "patternProperties __proto__",
    '{"patternProperties":{"__proto__":{"type":"string"}}}',
    '{"__proto__":5,"x__proto__y":6}',
    ["- at '/x__proto__y': got number, want string", "- at '/__proto__': got number, want string"],
  ],
  ["required __proto__", '{"required":["__proto__"]}', '{"a":1}', ["- at '': missing property '__proto__'"]],
  ["required __proto__ present", '{"required":["__proto__"]}', '{"__proto__":1}', null],
  [
    "required names Object.prototype has",
    '{"required":["constructor","toString","hasOwnProperty","prototype","valueOf"]}',
    '{"a":1}',
    ["- at '': missing properties 'constructor', 'toString', 'hasOwnProperty', 'prototype', 'valueOf'"],
  ],
  [
    "required constructor in draft-07",
    `{${D7}"required":["constructor"]}`,
    '{"a":1}',
    ["- at '': missing property 'constructor'"],
  ],
  [
    "required __proto__ and constructor in draft-04",
    `{${D4}"required":["__proto__","constructor"]}`,
    '{"x":1}',
    ["- at '': missing properties '__proto__', 'constructor'"],
  ],
  [
    "properties a value lacks that Object.prototype has",
    '{"properties":{"constructor":{"type":"string"},"toString":{"type":"object"}}}',
    '{"a":1}',
    null,
  ],
  [
    "if required __proto__, absent",
    '{"if":{"required":["__proto__"]},"then":{"required":["z"]}}',
    '{"a":1}',
    null,
  ],
  [
    "dependentRequired from __proto__",
    '{"dependentRequired":{"__proto__":["b"]}}',
    '{"__proto__":5}',
    ["- at '': properties 'b' required, if '__proto__' exists"],
  ],
  [
    "dependentRequired of __proto__ and constructor",
    '{"dependentRequired":{"a":["__proto__","constructor"]}}',
    '{"a":5}',
    ["- at '': properties '__proto__', 'constructor' required, if 'a' exists"],
  ],
  [
    "draft-07 dependencies.__proto__ list",
    `{${D7}"dependencies":{"__proto__":["b"]}}`,
    '{"__proto__":5}',
    ["- at '': properties 'b' required, if '__proto__' exists"],
  ],
  [
    "draft-07 dependencies.__proto__ schema",
    `{${D7}"dependencies":{"__proto__":{"required":["b"]}}}`,
    '{"__proto__":5}',
    ["- at '': missing property 'b'"],
  ],
  [
    "draft-07 dependencies.constructor, absent",
    `{${D7}"dependencies":{"constructor":["b"]}}`,
    '{"a":5}',
    null,
  ],
  [
    "enum of an object with __proto__, other value",
    '{"properties":{"a":{"enum":[{"__proto__":1}]}}}',
    '{"a":{}}',
    ["- at '/a': 'enum' failed"],
  ],
  [
    "enum of an object with __proto__, equal",
    '{"properties":{"a":{"enum":[{"__proto__":1}]}}}',
    '{"a":{"__proto__":1}}',
    null,
  ],
  [
    "const an object with __proto__",
    '{"properties":{"a":{"const":{"__proto__":{"x":1}}}}}',
    '{"a":{"__proto__":{"x":2}}}',
    ["- at '/a': 'const' failed"],
  ],
  [
    "const an object with constructor",
    '{"properties":{"a":{"const":{"constructor":1}}}}',
    '{"a":{}}',
    ["- at '/a': 'const' failed"],
  ],
  [
    "a definition named __proto__, other properties pruned",
    '{"$defs":{"__proto__":{"type":"string"}},"properties":{"a":{"$ref":"#/$defs/__proto__"},"b":{"type":"string"}}}',
    '{"a":5,"b":"x"}',
    ["- at '/a': got number, want string"],
  ],
  [
    "enum of an object with toString",
    '{"properties":{"a":{"enum":[{"toString":"x"}]}}}',
    '{"a":{"toString":"x"}}',
    null,
  ],
  [
    "enum of an object with toString, other value",
    '{"properties":{"a":{"enum":[{"toString":"x"}]}}}',
    '{"a":{"toString":"y"}}',
    ["- at '/a': 'enum' failed"],
  ],
  [
    "const an object with constructor {}",
    '{"properties":{"a":{"const":{"constructor":{}}}}}',
    '{"a":{"constructor":{}}}',
    null,
  ],
  [
    "const an object with valueOf",
    '{"properties":{"a":{"const":{"valueOf":1}}}}',
    '{"a":{"valueOf":1}}',
    null,
  ],
  [
    "uniqueItems of objects with valueOf",
    '{"properties":{"a":{"uniqueItems":true}}}',
    '{"a":[{"valueOf":1},{"valueOf":1}]}',
    ["- at '/a': items at 0 and 1 are equal"],
  ],
  [
    "uniqueItems of objects with valueOf, distinct",
    '{"properties":{"a":{"uniqueItems":true}}}',
    '{"a":[{"valueOf":1},{"valueOf":2}]}',
    null,
  ],
  [
    "uniqueItems of objects with constructor {}",
    '{"properties":{"a":{"uniqueItems":true}}}',
    '{"a":[{"constructor":{}},{"constructor":{}}]}',
    ["- at '/a': items at 0 and 1 are equal"],
  ],
  ["enum []", '{"enum":[]}', '{"a":1}', ["- at '': value must be one of "]],
  [
    "enum [] beside a type that fails first (2019-09)",
    '{"$schema":"https://json-schema.org/draft/2019-09/schema","properties":{"a":{"enum":[],"type":"string"}}}',
    '{"a":1}',
    ["- at '/a': got number, want string"],
  ],
  [
    "enum [] beside minLength",
    '{"properties":{"a":{"enum":[],"minLength":5}}}',
    '{"a":"x"}',
    ["- at '/a': value must be one of "],
  ],
  [
    "propertyNames not __proto__",
    '{"propertyNames":{"not":{"const":"__proto__"}}}',
    '{"__proto__":5}',
    ["- at '': invalid propertyName '__proto__'", "  - at '': 'not' failed"],
  ],
  [
    "propertyNames, two names with two violations each, in a nested object (v6 says '')",
    '{"properties":{"a":{"propertyNames":{"maxLength":1,"pattern":"^[0-9]"}}}}',
    '{"a":{"ab":1,"cd":2}}',
    [
      "- at '': invalid propertyName 'ab'",
      "  - at '': maxLength: got 2, want 1",
      "  - at '': 'ab' does not match pattern '^[0-9]'",
      "- at '': invalid propertyName 'cd'",
      "  - at '': maxLength: got 2, want 1",
      "  - at '': 'cd' does not match pattern '^[0-9]'",
    ],
  ],
  [
    "unevaluatedProperties false, properties.__proto__ evaluated",
    '{"properties":{"__proto__":{}},"unevaluatedProperties":false}',
    '{"__proto__":1,"b":2,"c":3}',
    ["- at '/b': false schema", "- at '/c': false schema"],
  ],
  [
    "unevaluatedProperties false, names Object.prototype has",
    '{"properties":{"a":{}},"unevaluatedProperties":false}',
    '{"valueOf":1,"constructor":2}',
    ["- at '/constructor': false schema", "- at '/valueOf': false schema"],
  ],
  [
    "unevaluatedProperties false, evaluated through anyOf and patternProperties",
    '{"properties":{"a":{}},"patternProperties":{"o":{"type":"string"}},"anyOf":[{"properties":{"b":{}}},{}],"unevaluatedProperties":false}',
    '{"valueOf":1,"toString":2,"b":1,"c":2}',
    ["- at '/toString': got number, want string", "- at '/c': false schema", "- at '/valueOf': false schema"],
  ],
  [
    "unevaluatedItems false",
    '{"properties":{"a":{"prefixItems":[{}],"unevaluatedItems":false}}}',
    '{"a":[1,2,3]}',
    ["- at '/a/1': false schema", "- at '/a/2': false schema"],
  ],
  [
    "contains, no item has __proto__",
    '{"properties":{"a":{"contains":{"required":["__proto__"]}}}}',
    '{"a":[{}]}',
    ["- at '/a': no items match contains schema", "  - at '/a/0': missing property '__proto__'"],
  ],
  [
    "minContains",
    '{"properties":{"a":{"contains":{"type":"integer"},"minContains":2}}}',
    '{"a":[1,"x"]}',
    [
      "- at '/a': min 2 items required to match contains schema, but matched 1 items at 0",
      "  - at '/a/1': got string, want integer",
    ],
  ],
  [
    "maxContains",
    '{"properties":{"a":{"contains":{"type":"integer"},"maxContains":1}}}',
    '{"a":[1,2]}',
    ["- at '/a': max 1 items required to match contains schema, but matched 2 items at 0 1"],
  ],
  ["const null", '{"properties":{"a":{"const":null}}}', '{"a":2}', ["- at '/a': value must be <nil>"]],
  [
    "escaped __proto__",
    '{"properties":{"\\u005f_proto__":{"type":"string"}}}',
    '{"__proto__":5}',
    ["- at '/__proto__': got number, want string"],
  ],
];

const lines = (report: string | undefined) =>
  report === undefined
    ? null
    : report
        .split("\n")
        .filter((l) => l !== "")
        .sort();

const temps = scratchDirs();

describe("values.schema.json: __proto__ and Object.prototype names, as Helm 4.1.4", () => {
  it.each(cases)("%s", (_, schema, values, helm) => {
    expect(lines(violations(schema, JSON.parse(values), undefined))).toEqual(
      helm === null ? null : [...helm].sort(),
    );
  });

  it("a validator loaded from the persistent cache agrees (ajv's standalone code writes the schema as an object literal)", () => {
    const dir = temps.make("slipway-proto-cache-");
    for (const [name, schema, values, helm] of cases) {
      for (let run = 0; run < 2; run++) {
        forgetValidators();
        const cache = new DiskRenderCache(dir, "test-code-identity");
        const want = helm === null ? null : [...helm].sort();
        expect(lines(violations(schema, JSON.parse(values), cache)), `${name}, run ${run}`).toEqual(want);
      }
    }
    forgetValidators();
  });

  it("no schema or values key reaches Object.prototype", () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const polluting = '{"__proto__":{"polluted":1,"type":"string"},"a":[{"__proto__":{"polluted":2}}]}';
    for (const [, schema, values] of [...cases, ["", polluting, polluting, null] as Case]) {
      violations(schema, JSON.parse(values), undefined);
      prunedSchemaText(schema, draftOf, JSON.parse(values));
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
