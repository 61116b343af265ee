/**
 * A two-core machine gives a render worker its second core only when that core stayed idle
 * during the run's start (src/helm/pool/spare-core.ts).
 */
import { describe, expect, it } from "vitest";
import { coreToSpare, parseProcStat } from "../../../src/helm/pool/spare-core.js";

const STAT = `cpu  1000 20 300 5000 100 0 30 0 0 0
cpu0 500 10 150 2500 50 0 15 0 0 0
cpu1 500 10 150 2500 50 0 15 0 0 0
intr 12345
ctxt 67890
`;

describe("spare core", () => {
  it("reads the aggregate cpu line of /proc/stat: idle with iowait, and every state", () => {
    expect(parseProcStat(STAT)).toEqual({ idle: 5100, total: 6450 });
    // Older kernels have fewer fields.
    expect(parseProcStat("cpu  10 0 5 85\n")).toEqual({ idle: 85, total: 100 });
    expect(parseProcStat("cpu0 1 2 3 4\n")).toBeUndefined();
    expect(parseProcStat("")).toBeUndefined();
    expect(parseProcStat("cpu  1 2\n")).toBeUndefined();
  });

  it("is idle when at least half of one of two cores stayed idle", () => {
    const at = { idle: 1000, total: 4000 };
    // 40 ticks over two cores (200 ms): this process kept one core and a bit busy.
    expect(coreToSpare(at, { idle: 1016, total: 4040 })).toBe(true);
    expect(coreToSpare(at, { idle: 1010, total: 4040 })).toBe(true);
    // Another process kept the other core busy.
    expect(coreToSpare(at, { idle: 1009, total: 4040 })).toBe(false);
    expect(coreToSpare(at, { idle: 1000, total: 4040 })).toBe(false);
  });

  it("says no when it cannot tell", () => {
    const at = { idle: 1000, total: 4000 };
    expect(coreToSpare(undefined, at)).toBe(false);
    expect(coreToSpare(at, undefined)).toBe(false);
    // A window of a few ticks: a single busy tick decides.
    expect(coreToSpare(at, { idle: 1004, total: 4004 })).toBe(false);
  });
});
