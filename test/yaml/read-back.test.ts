import { describe, expect, it } from "vitest";
import { isMap, type YamlValue } from "../../src/kustomize/types.js";
import { emitYaml, parseYaml } from "../../src/yaml/index.js";
import { readBackOfPrint } from "../../src/yaml/read-back.js";
import { Rng } from "../support/random.js";
import { randomValue } from "./random-values.js";

/** The value and the key order of every map, as one comparable text. */
const ordered = (v: YamlValue | undefined) => JSON.stringify(v);

function printedAndRead(v: YamlValue): YamlValue {
  return parseYaml(emitYaml(v), "f.yaml", { allowDuplicateKeys: true, yamlToJson: true });
}

describe("readBackOfPrint", () => {
  it("sorts map keys as go-yaml v2 prints them, at every level", () => {
    const v = { b: { z: 1, a10: 2, a2: 3 }, a: ["x", { d: true, c: null }] };
    expect(ordered(readBackOfPrint(v))).toBe(ordered(printedAndRead(v)));
    expect(Object.keys(readBackOfPrint(v) as object)).toEqual(["a", "b"]);
  });

  it("is unsure of what the reading changes or refuses", () => {
    for (const v of [
      { "<<": { a: 1 } },
      0.5,
      -0,
      2 ** 53 + 2,
      "a\rb",
      "\ufeffx",
      "a\u2028b",
      "😀",
      "x\u0085",
    ]) {
      expect(readBackOfPrint(v as YamlValue)).toBeUndefined();
    }
  });

  it("equals the print read back (key order included) on random values", () => {
    let sure = 0;
    const n = 3000;
    for (let seed = 1; seed <= n; seed++) {
      const v = randomValue(new Rng(seed), 5);
      const fast = readBackOfPrint(v);
      if (fast === undefined) continue;
      sure++;
      expect(ordered(fast), `seed ${seed}`).toBe(ordered(printedAndRead(v)));
    }
    // Most values are plain enough to be taken without the text.
    expect(sure).toBeGreaterThan(n / 3);
  });

  it("copies: the reading shares no map or list with the value", () => {
    const v = { a: { b: [1] } };
    const r = readBackOfPrint(v);
    expect(isMap(r) && r.a).not.toBe(v.a);
  });
});
