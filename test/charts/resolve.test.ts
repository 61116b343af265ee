import { describe, expect, it } from "vitest";
import { isExactVersion, resolveVersion } from "../../src/charts/resolve.js";
import { SemverError } from "../../src/semver/index.js";

const listed = ["6.5.0", "6.4.1", "6.4.0", "7.0.0-rc.1", "5.0.0", "v4.2.0", "1.2", "latest"];

describe("resolveVersion (source-controller getChartVersion)", () => {
  it.each<[string, string | undefined, string[], string | undefined]>([
    ["empty is the latest stable", undefined, listed, "6.5.0"],
    ["'*' is the latest stable", "*", listed, "6.5.0"],
    ["caret range", "^6.4.0", listed, "6.5.0"],
    ["tilde range", "~6.4.0", listed, "6.4.1"],
    ["exact match wins", "6.4.0", listed, "6.4.0"],
    ["exact non-semver tag", "latest", listed, "latest"],
    ["prerelease only when asked", ">=7.0.0-0", listed, "7.0.0-rc.1"],
    ["range excluding prereleases", ">=6.0.0", listed, "6.5.0"],
    ["v prefix kept as spelled", "4.x", listed, "v4.2.0"],
    ["two-part versions are not candidates", "1.x", listed, undefined],
    ["nothing matches", ">=9", listed, undefined],
    ["empty list", "*", [], undefined],
    ["OR groups", "<5.5.0 || >=6.4.1 <6.5.0", listed, "6.4.1"],
    ["exact version missing falls back to constraint semantics", "6.4.2", listed, undefined],
    ["equal versions keep listing order", "*", ["1.0.0+b", "1.0.0+a"], "1.0.0+b"],
  ])("%s", (_, range, versions, expected) => {
    expect(resolveVersion(range, versions)).toBe(expected);
  });

  it("rejects an invalid range with SemverError", () => {
    expect(() => resolveVersion(">>1", listed)).toThrow(SemverError);
  });

  it("returns the maximum of the satisfying versions (property over permutations)", () => {
    const vs = ["1.0.0", "1.10.0", "1.2.0", "1.9.9", "2.0.0-alpha", "0.9.0"];
    for (let i = 0; i < 20; i++) {
      const shuffled = [...vs].sort(() => Math.sin(i * 7919 + vs.length) - 0.5);
      expect(resolveVersion("^1.0.0", shuffled)).toBe("1.10.0");
    }
  });
});

describe("isExactVersion", () => {
  it.each([
    ["1.2.3", true],
    ["v1.2.3", true],
    ["1.2.3-rc.1+meta", true],
    ["1.2", false],
    ["^1.2.3", false],
    ["*", false],
    ["", false],
  ])("%s → %s", (v, expected) => expect(isExactVersion(v)).toBe(expected));
});
