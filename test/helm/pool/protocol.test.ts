import { describe, expect, it } from "vitest";
import { claimBack, claimFront, MAX_TWO_ENDED, NEXT_JOB } from "../../../src/helm/pool/protocol.js";

const counters = () => new Int32Array(new SharedArrayBuffer(8));

describe("claims from both ends of a batch", () => {
  it.each([
    ["front only", 5, "FFFFF", [0, 1, 2, 3, 4]],
    ["back only", 5, "BBBBB", [4, 3, 2, 1, 0]],
    ["alternating", 6, "FBFBFB", [0, 5, 1, 4, 2, 3]],
    ["front then back", 4, "FFBB", [0, 1, 3, 2]],
    ["one job, taken from the back", 1, "B", [0]],
  ])("%s: every job once, then none", (_, n, sides, expected) => {
    const c = counters();
    const got = [...sides].map((s) => (s === "F" ? claimFront(c, n) : claimBack(c, n)));
    expect(got).toEqual(expected);
    expect(claimFront(c, n)).toBeUndefined();
    expect(claimBack(c, n)).toBeUndefined();
  });

  it("counts Atomics.add on NEXT_JOB as a front claim (a render taken back from ahead)", () => {
    const c = counters();
    expect(Atomics.add(c, NEXT_JOB, 1)).toBe(0);
    expect(claimFront(c, 1)).toBeUndefined();
    expect(claimBack(c, 1)).toBeUndefined();
    const d = counters();
    expect(claimBack(d, 1)).toBe(0);
    // A one-job batch claimed from the back is not claimed again by an add-claim's reader.
    expect(claimFront(d, 1)).toBeUndefined();
  });

  it("claims a batch too long for one word from the front only, each job once", () => {
    const n = MAX_TWO_ENDED + 2;
    const c = counters();
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) seen.add((i % 2 ? claimBack(c, n) : claimFront(c, n))!);
    expect(seen.size).toBe(n);
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(n - 1);
    expect(claimBack(c, n)).toBeUndefined();
  });
});
