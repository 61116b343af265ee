/**
 * Nesting limits of fromJson and friends (src/helm/funcs/go/json-decode.ts): past
 * encoding/json's 10,000 levels, Go's own error; past Slipway's 512, a clear error instead of a
 * stack overflow in a later step (toJson of 5,000 levels ended as "exceeded maximum template
 * depth"); 512 levels still decode.
 */
import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, parseJson, unmarshalArray } from "../../../src/helm/funcs/go/json-decode.js";

const nested = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

describe("JSON nesting", () => {
  it("512 levels decode", () => {
    let v = parseJson(nested(MAX_JSON_DEPTH));
    let depth = 0;
    while (Array.isArray(v) && v.length > 0) {
      v = v[0]!;
      depth++;
    }
    expect(depth).toBe(MAX_JSON_DEPTH - 1);
  });

  it("beyond 512 is Slipway's error, naming both limits", () => {
    expect(() => parseJson(nested(MAX_JSON_DEPTH + 1))).toThrow(
      "json: nesting deeper than 512 levels (Slipway's limit; encoding/json allows 10000)",
    );
    expect(() => parseJson(`{"a": ${nested(5000)}}`)).toThrow(/nesting deeper than 512/);
  });

  it("beyond 10,000 is encoding/json's own error (as Helm 4.1.4 prints it)", () => {
    expect(() => unmarshalArray(nested(10_001))).toThrow("invalid character '[' exceeded max depth");
    expect(() => parseJson(nested(100_000))).toThrow("invalid character '[' exceeded max depth");
  });

  it("a number literal of 2,000,000 digits is a number, not a stack overflow", () => {
    // Go decodes it to +Inf's error; Slipway spread its bytes as call arguments and overflowed.
    expect(() => parseJson(`{"a": ${"1".repeat(2_000_000)}}`)).not.toThrow(RangeError);
  });
});
