import { describe, expect, it } from "vitest";
import { deepEqual } from "../../../src/helm/funcs/go/reflect.js";
import { uniq } from "../../../src/helm/funcs/lists.js";
import { GoInt, GoMap, type GoValue } from "../../../src/helm/template/value.js";
import { Rng } from "../../support/random.js";

/** sprig's uniq as written: every element against every one kept. */
function uniqReference(l: GoValue[]): GoValue[] {
  const out: GoValue[] = [];
  for (const x of l) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
}

function value(rng: Rng, depth = 0): GoValue {
  switch (rng.int(depth > 1 ? 7 : 9)) {
    case 0:
      return rng.pick(["", "a", "b", "1", "true", "n1", "s"]);
    case 1:
      return rng.pick([0, -0, 1, 1.5, Number.NaN, 1e21, -1, Number.POSITIVE_INFINITY]);
    case 2:
      return new GoInt(rng.pick(["int", "int64", "uint8"] as const), rng.int(3));
    case 3:
      return rng.bool();
    case 4:
      return rng.pick([null, undefined]);
    case 5:
      return rng.pick(["a", "b"]);
    case 6:
      return new Uint8Array(rng.int(2));
    case 7: {
      const m = new GoMap();
      for (let i = rng.int(3); i > 0; i--) m.set(rng.pick(["k", "v"]), value(rng, depth + 1));
      return m;
    }
    default:
      return Array.from({ length: rng.int(3) }, () => value(rng, depth + 1));
  }
}

describe("uniq", () => {
  it("keeps what sprig's pairwise loop keeps, in its order, on 3,000 seeded lists", () => {
    const rng = new Rng(97);
    for (let n = 0; n < 3000; n++) {
      const list = Array.from({ length: rng.int(12) }, () => value(rng));
      const want = uniqReference(list);
      const got = uniq(list);
      expect(got.length, `list ${n}`).toBe(want.length);
      // The very elements, not equal copies: the first of each kind is the one kept.
      for (const [i, x] of got.entries()) expect(Object.is(x, want[i]), `list ${n} element ${i}`).toBe(true);
    }
  });

  it("takes a million scalars in one pass", () => {
    const list = Array.from({ length: 1_000_000 }, (_, i) => new GoInt("int", i % 1000));
    expect(uniq(list).length).toBe(1000);
  });
});
