import * as fs from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { YamlMap, YamlValue } from "../../src/kustomize/types.js";
import { emitYamlGeneral, v2ReadsAsNonString } from "../../src/yaml/emit.js";
import { emitCommonYaml } from "../../src/yaml/emit-common.js";
import { Rng } from "../support/random.js";
import { randomValue } from "./random-values.js";

/** The common path's text equals the general emitter's, and both record the same key orders. */
function same(v: YamlValue, label: string): boolean {
  const fastOrders = new WeakMap<YamlMap, readonly string[]>();
  const fast = emitCommonYaml(v, v2ReadsAsNonString, fastOrders);
  if (fast === undefined) return false;
  const orders = new WeakMap<YamlMap, readonly string[]>();
  expect(fast, label).toBe(emitYamlGeneral(v, { keyOrder: orders }));
  const check = (x: YamlValue) => {
    if (x === null || typeof x !== "object") return;
    if (Array.isArray(x)) x.forEach(check);
    else {
      expect(fastOrders.get(x), label).toEqual(orders.get(x));
      for (const k of Object.keys(x)) check(x[k] as YamlValue);
    }
  };
  check(v);
  return true;
}

describe("emitCommonYaml", () => {
  it("writes the layouts of go-yaml v2's block style", () => {
    const v = {
      b: [{ x: 1, z: [] }, [["a"], "b"], {}, [], null],
      a: { c: { d: true, e: "ghcr.io/x/y:1.2" }, f: {}, g: ["z"] },
      long: "a plain text with spaces that ends where the line is not folded yet ok",
    };
    expect(same(v as YamlValue, "layouts")).toBe(true);
    expect(emitCommonYaml(v as YamlValue, v2ReadsAsNonString)).toBe(
      [
        "a:",
        "  c:",
        "    d: true",
        "    e: ghcr.io/x/y:1.2",
        "  f: {}",
        "  g:",
        "  - z",
        "b:",
        "- x: 1",
        "  z: []",
        "- - - a",
        "  - b",
        "- {}",
        "- []",
        "- null",
        "long: a plain text with spaces that ends where the line is not folded yet ok",
        "",
      ].join("\n"),
    );
    for (const top of [{}, [], "x", 1, null, true, 2n ** 63n - 1n])
      expect(same(top as YamlValue, String(top))).toBe(true);
  });
  it("quotes as libyaml does: double where go-yaml v2 reads another type, single where an indicator stops plain", () => {
    const texts: Array<[string, string]> = [
      ["yes", '"yes"'],
      ["~", '"~"'],
      ["1:20", '"1:20"'],
      ["8080", '"8080"'],
      ["", '""'],
      [" x", "' x'"],
      ["x ", "'x '"],
      ["a: b", "'a: b'"],
      ["a #b", "'a #b'"],
      ["a#b", "a#b"],
      ["x:", "'x:'"],
      ["[x]", "'[x]'"],
      ["{x}", "'{x}'"],
      ["*x", "'*x'"],
      ["it's", "it's"],
      ["'q'", "'''q'''"],
      ['"q"', `'"q"'`],
      ["-x", "-x"],
      ["- x", "'- x'"],
      ["-", "'-'"],
      [":8080", ":8080"],
      ["---x", "'---x'"],
      ["...", "'...'"],
      ["a,b [c]", "a,b [c]"],
      ["a\\b", "a\\b"],
    ];
    for (const [s, text] of texts) {
      expect(emitCommonYaml(s, v2ReadsAsNonString), s).toBe(`${text}\n`);
      expect(same({ [s]: s, k: [s] }, s)).toBe(true);
    }
  });

  it("leaves to the general emitter what needs a block, a fold, a `? k` key or an error", () => {
    const uncommon: YamlValue[] = [
      "é",
      "a\nb",
      "a\tb",
      { ["k".repeat(129)]: 1 },
      Number.NaN,
      { a: `${"word ".repeat(16)}word` },
      { a: `'${"word ".repeat(14)}ab'` },
    ];
    for (const v of uncommon)
      expect(emitCommonYaml(v, v2ReadsAsNonString), JSON.stringify(v)).toBeUndefined();
  });

  it("equals the general emitter on random values", () => {
    let common = 0;
    const n = 4000;
    for (let seed = 1; seed <= n; seed++) {
      const rng = new Rng(seed);
      const v = randomValue(rng, 1 + rng.int(7));
      if (same(v, `seed ${seed}`)) common++;
    }
    expect(common).toBeGreaterThan(n / 4);
  });

  it("equals the general emitter on every value bjw-s home-ops's charts print with toYaml", () => {
    const file = new URL("./fixtures/toyaml-bjw-s.jsonl.gz", import.meta.url);
    const lines = gunzipSync(fs.readFileSync(file)).toString("utf8").trim().split("\n");
    const revive = (_k: string, x: unknown) =>
      x !== null &&
      typeof x === "object" &&
      !Array.isArray(x) &&
      Object.keys(x).length === 1 &&
      "$bigint" in x
        ? BigInt((x as { $bigint: string }).$bigint)
        : x;
    let common = 0;
    for (const [i, line] of lines.entries())
      if (same(JSON.parse(line, revive) as YamlValue, `value ${i}`)) common++;
    expect(lines.length).toBe(1057);
    console.log(`bjw-s toYaml values on the common path: ${common} of ${lines.length}`);
    expect(common).toBeGreaterThan(lines.length / 2);
  });
});
