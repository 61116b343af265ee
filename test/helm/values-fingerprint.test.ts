/**
 * The typed text of template values that keys Helm render caches (src/helm/values-fingerprint.ts):
 * it tells apart every value a template can tell apart, and it is the same text as its plain
 * definition (parts per value, joined), on generated values.
 */
import { describe, expect, it } from "vitest";
import { elemTypeOf, GoInt, GoMap, type GoValue, sliceOf } from "../../src/helm/template/value.js";
import { fingerprint } from "../../src/helm/values-fingerprint.js";
import { Rng } from "../support/random.js";

/** The definition, as a list of parts per value: what the fast implementation must equal. */
function reference(v: GoValue): string | undefined {
  const parts: string[] = [];
  const walk = (x: GoValue): boolean => {
    if (x === undefined) parts.push("u");
    else if (x === null) parts.push("n");
    else if (typeof x === "boolean") parts.push(x ? "T" : "F");
    else if (typeof x === "string") parts.push(`s${JSON.stringify(x)}`);
    else if (typeof x === "number") parts.push(`d${Object.is(x, -0) ? "-0" : String(x)}`);
    else if (x instanceof GoInt) parts.push(`i${x.kind}:${x.value}`);
    else if (x instanceof GoMap) {
      parts.push(`m${JSON.stringify(x.goType)}{`);
      for (const [k, y] of x) {
        parts.push(JSON.stringify(k), ":");
        if (!walk(y)) return false;
      }
      parts.push("}");
    } else if (Array.isArray(x)) {
      parts.push(`a${JSON.stringify(elemTypeOf(x))}[`);
      for (const y of x) if (!walk(y)) return false;
      parts.push("]");
    } else if (x instanceof Uint8Array) parts.push(`b${Buffer.from(x).toString("hex")}`);
    else return false;
    parts.push(",");
    return true;
  };
  return walk(v) ? parts.join("") : undefined;
}

function generate(rng: Rng, depth: number): GoValue {
  const strings = ["", "a", 'q"uote', "back\\slash", "line\nbreak", "ü", "\u2028", "key", "\u0000"];
  switch (rng.int(depth > 3 ? 7 : 10)) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
      return rng.bool();
    case 3:
      return rng.pick(strings) + (rng.bool() ? String(rng.int(100)) : "");
    case 4:
      return rng.pick([0, -0, 1.5, -7, 1e21, Number.NaN, Number.POSITIVE_INFINITY]);
    case 5:
      return new GoInt(rng.pick(["int", "int64", "uint8"] as const), rng.int(1000) - 500);
    case 6:
      return new Uint8Array([rng.int(256), rng.int(256)]);
    case 7:
    case 8: {
      const m = new GoMap(null, rng.pick(["map[string]interface {}", "chartutil.Values"]));
      for (let i = rng.int(5); i > 0; i--) m.set(rng.pick(strings) + i, generate(rng, depth + 1));
      return m;
    }
    default: {
      const items = Array.from({ length: rng.int(4) }, () => generate(rng, depth + 1));
      return rng.bool() ? sliceOf(items, "string") : items;
    }
  }
}

describe("values fingerprint", () => {
  it("is its definition's text on generated values (nested maps, typed slices, every scalar kind)", () => {
    const rng = new Rng(1616);
    for (let i = 0; i < 2000; i++) {
      const v = generate(rng, 0);
      expect(fingerprint(v)).toBe(reference(v));
    }
  });

  it("tells apart what templates tell apart", () => {
    const texts = [
      new GoMap([["a", 1]]),
      new GoMap([["a", new GoInt("int", 1)]]),
      new GoMap([["a", new GoInt("int64", 1)]]),
      new GoMap([["a", "1"]]),
      new GoMap([["a", 1]], "chartutil.Values"),
      new GoMap([["a", -0]]),
      new GoMap([["a", 0]]),
      new GoMap([["a", null]]),
      new GoMap([["a", undefined]]),
      new GoMap([["a", []]]),
      new GoMap([["a", sliceOf([], "string")]]),
      new GoMap([["a:", 1]]),
      new GoMap([
        ["a", 1],
        ["b", 2],
      ]),
      [new GoMap([["a", 1]]), new GoMap([["b", 2]])],
    ].map(fingerprint);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it("has no text for a value holding a Go object (a function, a struct)", () => {
    expect(fingerprint(new GoMap([["f", (() => 1) as unknown as GoValue]]))).toBeUndefined();
    expect(fingerprint([1, new GoMap([["x", new Date() as unknown as GoValue]])])).toBeUndefined();
  });
});
