import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decoderOf,
  decodeValue,
  encodedJson,
  encodeNoting,
  encodeValue,
  parseBody,
} from "../../src/cache/value-codec.js";
import type { YamlMap, YamlValue } from "../../src/kustomize/types.js";
import { isEmptyNull, markEmptyNull } from "../../src/yaml/empty-null.js";
import { parseYamlDocuments } from "../../src/yaml/parse.js";
import { writtenText } from "../../src/yaml/scalar-text.js";
import { Rng } from "../support/random.js";

/** Tagged values copyingEncoder has written. */
let tags = 0;

/** The encoder before plain values were given back uncopied: every value copied, tags counted. */
function copyingEncoder(v: YamlValue): unknown {
  switch (typeof v) {
    case "bigint":
      tags++;
      return { "\u0000": "bigint", v: v.toString() };
    case "number":
      if (Number.isFinite(v) && !Object.is(v, -0)) return v;
      tags++;
      return { "\u0000": "number", v: Object.is(v, -0) ? "-0" : String(v) };
    case "object": {
      if (v === null) return null;
      if (Array.isArray(v)) return v.map(copyingEncoder);
      const keys = Object.keys(v);
      const marked = keys.filter((k) => isEmptyNull(v, k));
      if (marked.length > 0 || Object.hasOwn(v, "\u0000")) {
        tags++;
        return { "\u0000": "map", k: keys.map((k) => [k, copyingEncoder(v[k]!)]), e: marked };
      }
      const out: Record<string, unknown> = {};
      for (const k of keys)
        Object.defineProperty(out, k, {
          value: copyingEncoder(v[k]!),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return out;
    }
    default:
      return v;
  }
}

/** A value of the model, now and then holding what JSON cannot say, at any depth. */
function randomValue(rng: Rng, depth: number): YamlValue {
  const kind = rng.int(depth > 3 ? 4 : 7);
  const odd = rng.chance(0.04);
  switch (kind) {
    case 0:
      return odd ? rng.pick<YamlValue>([5n, -0, Number.NaN, Number.POSITIVE_INFINITY]) : rng.int(1000) / 8;
    case 1:
      return rng.pick(["", "x", "\u0000", "\\u0000", "__proto__", "\ud800", "10"]);
    case 2:
      return rng.bool();
    case 3:
      return null;
    case 4:
      return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
    default: {
      const m: YamlMap = {};
      for (let i = rng.int(5); i > 0; i--) {
        const k = rng.pick(["a", "b", "10", "2", "__proto__", "\u0000", "toJSON", "c d"]);
        Object.defineProperty(m, k, {
          value: randomValue(rng, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        if (m[k] === null && rng.chance(0.3)) markEmptyNull(m, k);
      }
      if (rng.chance(0.05)) markEmptyNull(m, "absent");
      return m;
    }
  }
}

const roundTrip = (v: YamlValue): YamlValue => decodeValue(JSON.parse(JSON.stringify(encodeValue(v))));
/** As a cache entry's body is read (src/cache/store.ts): parseBody, then its decoder. */
const bodyRoundTrip = (v: YamlValue): YamlValue => {
  const body = parseBody(JSON.stringify({ v: encodeValue(v) })) as { v: unknown };
  return decoderOf(body)(body.v);
};

function protoMap(): YamlMap {
  const m: YamlMap = {};
  Object.defineProperty(m, "__proto__", {
    value: "own key",
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return m;
}

describe("cache value codec", () => {
  it.each<[string, YamlValue]>([
    ["a bigint beyond 2^53", 12345678901234567890n],
    ["NaN", Number.NaN],
    ["+Infinity", Number.POSITIVE_INFINITY],
    ["-Infinity", Number.NEGATIVE_INFINITY],
    ["-0", -0],
    ["a float", 0.1],
    ["a lone surrogate", "\ud800x"],
    ["nested", { a: [1, "2", null, true, { b: 1n }], c: {} }],
    ["a map with the tag key itself", { "\u0000": "x", y: { "\u0000": { "\u0000": 1 } } }],
    ["a string holding NUL", { a: "x\u0000y" }],
    ["a backslash before u0000", { a: "\\u0000", b: [1n] }],
    ["plain values", { a: [1, "2", null, true, { b: 0.5 }], c: {}, d: "\u0001" }],
  ])("%s survives", (_, v) => {
    expect(roundTrip(v)).toStrictEqual(v);
    expect(bodyRoundTrip(v)).toStrictEqual(v);
  });

  it("encodeNoting calls an encoding plain exactly when it holds no tagged value", () => {
    const marked: YamlMap = { a: null };
    markEmptyNull(marked, "a");
    const cases: Array<[YamlValue, boolean]> = [
      [{ a: [1, "x", null, true], b: { c: 0.5 } }, true],
      ["\u0000", true],
      [{ deep: [{ x: 5n }] }, false],
      [[1, Number.NaN], false],
      [{ z: -0 }, false],
      [{ m: marked }, false],
      [{ m: { "\u0000": 1 } }, false],
    ];
    for (const [v, plain] of cases) {
      const { encoded, plain: said } = encodeNoting(v);
      expect(said).toBe(plain);
      expect(encoded).toStrictEqual(encodeValue(v));
      // Plain: the JSON value is the value itself.
      if (said) expect(JSON.parse(JSON.stringify(encoded))).toStrictEqual(v);
    }
  });

  it("skips decoding only a body that holds no tagged value", () => {
    const plain = parseBody(JSON.stringify({ v: encodeValue({ a: [1, "x"], b: { c: null } }) }));
    expect(decoderOf(plain)).not.toBe(decodeValue);
    for (const v of [5n, -0, Number.NaN, { "\u0000": 1 }, { s: "\u0000" }] as YamlValue[]) {
      expect(decoderOf(parseBody(JSON.stringify({ v: encodeValue(v) })))).toBe(decodeValue);
    }
    expect(decoderOf(JSON.parse("{}"))).toBe(decodeValue);
    const m: YamlMap = { a: null };
    markEmptyNull(m, "a");
    const body = parseBody(JSON.stringify({ v: encodeValue(m) })) as { v: unknown };
    expect(isEmptyNull(decoderOf(body)(body.v) as YamlMap, "a")).toBe(true);
    const proto = bodyRoundTrip({ m: protoMap() }) as YamlMap;
    expect(Object.getPrototypeOf(proto.m)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(proto.m, "__proto__")?.value).toBe("own key");
  });

  it("writes the JSON text the copying encoder wrote, and gives plain values back uncopied", () => {
    const seed = Number(process.env.SLIPWAY_FUZZ_SEED ?? 20261203);
    const rng = new Rng(seed);
    let plain = 0;
    for (let i = 0; i < 3000; i++) {
      const v = randomValue(rng, 0);
      const before = tags;
      const text = JSON.stringify(copyingEncoder(v));
      const tagged = tags !== before;
      expect(JSON.stringify(encodeValue(v)), `seed ${seed}, value ${i}`).toBe(text);
      const noted = encodeNoting(v);
      expect(JSON.stringify(noted.encoded)).toBe(text);
      expect(noted.plain).toBe(!tagged);
      if (noted.plain && typeof v === "object" && v !== null) {
        expect(encodeValue(v)).toBe(v);
        plain++;
      }
    }
    expect(plain).toBeGreaterThan(500);
  });

  it("keeps -0 apart from 0 and a bigint apart from a number", () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(typeof roundTrip(5n)).toBe("bigint");
    expect(typeof roundTrip(5)).toBe("number");
  });

  it("keeps `__proto__` as an own key, not a prototype", () => {
    const out = roundTrip({ m: protoMap() }) as YamlMap;
    const m = out.m as YamlMap;
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(Object.keys(m)).toEqual(["__proto__"]);
    expect(Object.getOwnPropertyDescriptor(m, "__proto__")?.value).toBe("own key");
  });

  it("keeps the marks of nulls written with no text (kyaml drops them under a strategic merge)", () => {
    const [doc] = parseYamlDocuments("a:\nb: null\nc:\n  d:\n", "x.yaml");
    const v = doc!.value as YamlMap;
    expect(isEmptyNull(v, "a")).toBe(true);
    const out = roundTrip(v) as YamlMap;
    expect(out).toStrictEqual(v);
    expect(isEmptyNull(out, "a")).toBe(true);
    expect(isEmptyNull(out, "b")).toBe(false);
    expect(isEmptyNull(out.c as YamlMap, "d")).toBe(true);
  });

  it("keeps the texts names, labels and annotations were written with (ids and selectors read them)", () => {
    const text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 0x10\n  namespace: 012\n" +
      "  labels: {l: 1_000}\n  annotations: {a: ~, b: plain}\ndata: {k: 0x10}\n";
    const v = parseYamlDocuments(text, "x.yaml")[0]!.value as YamlMap;
    const out = roundTrip(v) as YamlMap;
    expect(out).toStrictEqual(v);
    const md = out.metadata as YamlMap;
    expect([writtenText(md, "name"), writtenText(md, "namespace")]).toEqual(["0x10", "012"]);
    expect(writtenText(md.labels as YamlMap, "l")).toBe("1_000");
    expect(writtenText(md.annotations as YamlMap, "a")).toBe("~");
    expect(writtenText(md.annotations as YamlMap, "b")).toBeUndefined();
    expect(encodeNoting(v).plain).toBe(false);
    expect(() => decodeValue({ "\u0000": "map", k: [["a", 1]], e: [], t: [["b", "x"]] })).toThrow();
  });

  it("keeps key order", () => {
    const m: YamlMap = { z: 1, a: 2, m: 3 };
    markEmptyNull(m, "q");
    expect(Object.keys(roundTrip(m) as YamlMap)).toEqual(["z", "a", "m"]);
  });

  it("refuses a malformed tagged value instead of guessing", () => {
    expect(() => decodeValue({ "\u0000": "nonsense" })).toThrow();
    expect(() => decodeValue({ "\u0000": "map", k: [[1, 2]], e: [] })).toThrow();
  });

  // encodedJson skips the encoded copy of a plain value: its text must be the encoding's text
  // whatever the value holds (a mark, a tag key, -0, a bigint deep inside), or a cache key would
  // confuse two objects.
  it("encodedJson writes exactly JSON.stringify(encodeValue(v))", () => {
    const key = fc.constantFrom("a", "b", "__proto__", "\u0000", "toJSON", "1", "0", "z");
    const scalar = fc.oneof(
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.double(),
      fc.constantFrom(-0, 0, Number.NaN, Number.POSITIVE_INFINITY),
      fc.bigInt(),
      fc.integer(),
    );
    const { value } = fc.letrec<{ value: YamlValue; map: YamlMap; list: YamlValue[] }>((tie) => ({
      value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("map"), tie("list")),
      list: fc.array(tie("value"), { maxLength: 4 }),
      map: fc
        .tuple(
          fc.array(fc.tuple(key, tie("value")), { maxLength: 5 }),
          fc.array(fc.tuple(key, fc.boolean()), { maxLength: 2 }),
        )
        .map(([entries, marks]) => {
          const m: YamlMap = {};
          for (const [k, v] of entries)
            Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
          // A mark counts only on a null value (isEmptyNull); marks on other keys must not matter.
          for (const [k, nulled] of marks) {
            if (nulled && Object.hasOwn(m, k)) m[k] = null;
            markEmptyNull(m, k);
          }
          return m;
        }),
    }));
    fc.assert(
      fc.property(value, (v) => {
        expect(encodedJson(v)).toBe(JSON.stringify(encodeValue(v)));
      }),
      { numRuns: 2000 },
    );
    // What encodeValue refuses, encodedJson refuses too.
    expect(() => encodedJson({ a: undefined } as unknown as YamlValue)).toThrow();
    expect(() => encodedJson([() => 1] as unknown as YamlValue)).toThrow();
  });
});
