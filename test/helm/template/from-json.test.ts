/**
 * fromJsonValue: a decoded document as Go's json.Unmarshal into interface{} gives it, keys in the
 * object's own order (integer-like first, as JavaScript orders them), `__proto__` an ordinary
 * key, nested values converted, nothing inherited.
 */
import { describe, expect, it } from "vitest";
import { fromJsonValue, GoMap } from "../../../src/helm/template/value.js";

describe("fromJsonValue", () => {
  it("converts objects to GoMaps key by key, in the object's order, own keys only", () => {
    const doc = JSON.parse(
      '{"b": 1, "2": [true, null, {"x": "y"}], "a": {"__proto__": {"p": 1}}, "1": 1e300}',
    );
    const v = fromJsonValue(doc) as GoMap;
    expect(v).toBeInstanceOf(GoMap);
    expect([...v.keys()]).toEqual(Object.keys(doc));
    expect(v.get("2")).toEqual([true, null, new GoMap([["x", "y"]])]);
    const a = v.get("a") as GoMap;
    expect([...a.keys()]).toEqual(["__proto__"]);
    expect(a.get("__proto__")).toEqual(new GoMap([["p", 1]]));
    const inheriting = Object.create({ inherited: 1 }) as Record<string, unknown>;
    inheriting.own = 2;
    expect([...(fromJsonValue(inheriting) as GoMap).entries()]).toEqual([["own", 2]]);
    expect(fromJsonValue(undefined)).toBeNull();
    expect(fromJsonValue(5n as unknown)).toBe(5);
  });
});
