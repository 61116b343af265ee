/**
 * values.yaml files kept in the persistent cache (src/helm/persisted-values.ts): the values an
 * entry gives back are the values the YAML reader gives (every values.yaml of the conformance
 * corpus, key order and -0 included); a damaged entry is a miss that is read and written again;
 * a file that fails to read fails as before and stores nothing; data that is not values is refused.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { decodeValues, encodeValues, persistedValuesReader } from "../../src/helm/persisted-values.js";
import { GoMap, type GoValue } from "../../src/helm/template/value.js";
import { readValuesDocuments } from "../../src/helm/yaml.js";
import { entryDamages, entryFiles } from "../support/cache-entries.js";
import { requires } from "../support/env.js";
import { scratchDirs } from "../support/scratch.js";
import { corpus } from "./corpus.js";

const temps = scratchDirs();
const tempCache = () => {
  const dir = temps.make("slipway-values-cache-");
  return new DiskRenderCache(dir, "test-code-identity");
};

/** The value with its map key order and -0 spelled out, so equality sees both. */
function exact(v: GoValue): unknown {
  if (typeof v === "number" && Object.is(v, -0)) return "<-0>";
  if (Array.isArray(v)) return v.map(exact);
  if (v instanceof GoMap) return { goType: v.goType, entries: [...v].map(([k, x]) => [k, exact(x)]) };
  return v;
}

const roundTrip = (v: GoMap) => decodeValues(encodeValues(v)!);

/** Long enough to be persisted (16 KB), with `body` first. */
const big = (body: string) => `${body}\n${"# padding comment line to pass the size threshold\n".repeat(400)}`;

describe("values codec", () => {
  it.each([
    ["integer-like keys keep their place", "b: 1\n10: x\n2: y\na: [1, -0.0, 2.5e300]\n"],
    ["-0 and other floats", "z: -0.0\nf: 1.0e-7\nbig: 12345678901234567890\nneg: -12\n"],
    ["nesting, nulls, booleans, unicode", "a:\n  b:\n    - {c: ~, d: yes}\n    - []\n    - {}\n  é: 'ü ✓'\n"],
    ["documents merged", "a: {x: 1, y: 2}\n---\na: {y: 3}\nb: 0\n"],
    ["an empty file", ""],
  ])("%s", (_, text) => {
    const values = readValuesDocuments(text, "values.yaml");
    expect(exact(roundTrip(values)!)).toEqual(exact(values));
  });

  it.runIf(requires("shared"))("round-trips every values.yaml of the conformance corpus", () => {
    let files = 0;
    const walk = (dir: string) => {
      for (const e of readdirSync(dir)) {
        const abs = path.join(dir, e);
        if (statSync(abs).isDirectory()) walk(abs);
        else if (e === "values.yaml") {
          let values: GoMap;
          try {
            values = readValuesDocuments(readFileSync(abs, "utf8"), abs);
          } catch {
            continue; // the corpus's bad-values cases
          }
          expect(exact(roundTrip(values)!), abs).toEqual(exact(values));
          files++;
        }
      }
    };
    for (const group of ["charts", "cases", "templates"]) walk(path.join(corpus, group));
    expect(files).toBeGreaterThan(100);
  });

  it("does not encode what a values file cannot hold", () => {
    expect(encodeValues(new GoMap([["x", Number.NaN]]))).toBeUndefined();
    expect(encodeValues(new GoMap([["x", new GoMap(null, "chartutil.Values")]]))).toBeUndefined();
  });

  it.each([
    ["not JSON", "{"],
    ["not a map", "[0, 1]"],
    ["a bare number", "1"],
    ["an unknown tag", "[7]"],
    ["an odd map", '[1, "a"]'],
    ["a key that is not a string", "[1, 3, 4]"],
    ["a malformed -0", '[1, "a", [2, 0]]'],
    ["an object", '[1, "a", {"b": 1}]'],
  ])("refuses %s", (_, json) => {
    expect(decodeValues(Buffer.from(json))).toBeUndefined();
  });
});

describe("values through the persistent cache", () => {
  it("a second read takes the entry and gives the same values", () => {
    const cache = tempCache();
    const read = persistedValuesReader(cache);
    const text = big(`a: {b: [1, 2]}\nn: ${Math.random()}\n`);
    const first = read(text, "values.yaml");
    expect(cache.stats).toMatchObject({ misses: 1, writes: 1 });
    const second = read(text, "values.yaml");
    expect(cache.stats).toMatchObject({ hits: 1, writes: 1 });
    expect(exact(second)).toEqual(exact(first));
    expect(second).not.toBe(first);
  });

  it("small files are read, not stored", () => {
    const cache = tempCache();
    const values = persistedValuesReader(cache)("a: 1\n", "values.yaml");
    expect(exact(values)).toEqual(exact(readValuesDocuments("a: 1\n")));
    expect(cache.stats).toMatchObject({ hits: 0, misses: 0, writes: 0 });
  });

  it("a file that fails to read fails as before and stores nothing", () => {
    const cache = tempCache();
    const text = big("a: [1\n");
    expect(() => persistedValuesReader(cache)(text, "values.yaml")).toThrow(
      (() => {
        try {
          readValuesDocuments(text, "values.yaml");
        } catch (e) {
          return (e as Error).message;
        }
        return "no error";
      })(),
    );
    expect(cache.stats.writes).toBe(0);
  });

  it.each(entryDamages)("%s entry is a miss, read and written again", (_, damage) => {
    const cache = tempCache();
    const read = persistedValuesReader(cache);
    const text = big(`x: {y: z}\nn: ${Math.random()}\n`);
    const expected = exact(read(text, "values.yaml"));
    const [entry] = entryFiles(cache.dir);
    writeFileSync(entry!, damage(readFileSync(entry!)));
    expect(exact(read(text, "values.yaml"))).toEqual(expected);
    expect(cache.stats).toMatchObject({ rejected: 1, writes: 2 });
    expect(exact(read(text, "values.yaml"))).toEqual(expected);
    expect(cache.stats.hits).toBe(1);
  });
});
