import { describe, expect, it } from "vitest";
import { combineInputs, inputId, MAX_PERMUTATIONS, normalizeKey } from "../../src/operator/inputs.js";

const rsetRef = {
  apiVersion: "fluxcd.controlplane.io/v1",
  kind: "ResourceSet",
  name: "rset",
  namespace: "default",
};
const rsipRef = {
  apiVersion: "fluxcd.controlplane.io/v1",
  kind: "ResourceSetInputProvider",
  name: "rsip",
  namespace: "default",
};
const rset = {
  kind: "ResourceSet" as const,
  namespace: "default",
  name: "rset",
  inputs: [{ id: inputId("foo") }, { id: inputId("bar") }],
};
const rsip = {
  kind: "ResourceSetInputProvider" as const,
  namespace: "default",
  name: "rsip",
  inputs: [{ id: inputId("baz") }],
};

describe("input ids and keys", () => {
  it("inputs.ID is the decimal Adler-32 of the string", () => {
    expect(inputId("foo")).toBe("42074437");
    expect(inputId("bar")).toBe("39649590");
    expect(inputId("baz")).toBe("40173886");
    expect(inputId("")).toBe("1");
  });

  it.each([
    ["my-rset", "my_rset"],
    ["Git Tag", "git_tag"],
    ["oci.tag--v2", "oci_tag_v2"],
    ["__a__b__", "a_b"],
    ["ünïcode$+x", "ncodex"],
    ["---", ""],
  ])("normalizeKey(%s) = %s", (key, want) => {
    expect(normalizeKey(key)).toBe(want);
  });
});

describe("combining inputs (flux-operator internal/inputs)", () => {
  it("Flatten: the ResourceSet's own inputs first, each with its provider", () => {
    expect(combineInputs(rset, [rsip], { name: "Flatten" })).toEqual([
      { id: "42074437", provider: rsetRef },
      { id: "39649590", provider: rsetRef },
      { id: "40173886", provider: rsipRef },
    ]);
  });

  it("Permute: the Cartesian product under normalized provider names, with a derived id", () => {
    expect(combineInputs(rset, [rsip], { name: "Permute", includeEmptyProviders: false })).toEqual([
      {
        id: "563152006",
        rset: { id: "42074437", provider: rsetRef },
        rsip: { id: "40173886", provider: rsipRef },
      },
      {
        id: "563676295",
        rset: { id: "39649590", provider: rsetRef },
        rsip: { id: "40173886", provider: rsipRef },
      },
    ]);
  });

  it("Permute orders providers by key and varies the last one fastest", () => {
    const a = {
      kind: "ResourceSetInputProvider" as const,
      namespace: "default",
      name: "b-tags",
      inputs: [{ t: 1 }, { t: 2 }],
    };
    const b = {
      kind: "ResourceSetInputProvider" as const,
      namespace: "default",
      name: "a-branches",
      inputs: [{ b: "x" }, { b: "y" }],
    };
    const out = combineInputs({ ...rset, inputs: [] }, [a, b], {
      name: "Permute",
      includeEmptyProviders: false,
    });
    expect(out.map((o) => [(o.a_branches as { b: string }).b, (o.b_tags as { t: number }).t])).toEqual([
      ["x", 1],
      ["x", 2],
      ["y", 1],
      ["y", 2],
    ]);
    expect(out[0]!.id).toBe(inputId("a_branches=0/b_tags=0"));
  });

  it("Permute skips providers without inputs unless includeEmptyProviders (then nothing)", () => {
    const empty = {
      kind: "ResourceSetInputProvider" as const,
      namespace: "default",
      name: "empty",
      inputs: [],
    };
    expect(combineInputs(rset, [empty], { name: "Permute", includeEmptyProviders: false })).toHaveLength(2);
    expect(combineInputs(rset, [empty], { name: "Permute", includeEmptyProviders: true })).toEqual([]);
  });

  it("Permute stops at the operator's cap of 10000 permutations", () => {
    const many = (name: string, n: number) => ({
      kind: "ResourceSetInputProvider" as const,
      namespace: "default",
      name,
      inputs: Array.from({ length: n }, (_, i) => ({ i })),
    });
    expect(
      combineInputs({ ...rset, inputs: [] }, [many("a", 100), many("b", 100)], {
        name: "Permute",
        includeEmptyProviders: false,
      }),
    ).toHaveLength(MAX_PERMUTATIONS);
    expect(() =>
      combineInputs({ ...rset, inputs: [] }, [many("a", 100), many("b", 101)], {
        name: "Permute",
        includeEmptyProviders: false,
      }),
    ).toThrow(
      "failed to get inputs from ResourceSetInputProvider/b: adding provider 'b' with 101 inputs would exceed the maximum allowed permutations. max: 10000, got: 10100",
    );
  });
});
