import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseStrictVersion, parseVersion, Version } from "../../src/semver/index.js";

const err = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
};

describe("parseVersion (NewVersion, coercing)", () => {
  it.each([
    ["1.2.3", "1.2.3"],
    ["v1.2.3", "1.2.3"],
    ["1.2", "1.2.0"],
    ["1", "1.0.0"],
    ["v1", "1.0.0"],
    ["01.02.003", "1.2.3"],
    ["1.2.3-beta.1+build.5", "1.2.3-beta.1+build.5"],
    ["1.2-rc1", "1.2.0-rc1"],
    ["1.2.3-0a", "1.2.3-0a"],
    ["1.2.3-x-y-z.--", "1.2.3-x-y-z.--"],
    ["1.2.3+001", "1.2.3+001"],
    ["18446744073709551615.0.0", "18446744073709551615.0.0"],
  ])("%s → %s", (input, out) => {
    const v = parseVersion(input);
    expect(v.toString()).toBe(out);
    expect(v.original).toBe(input);
  });

  it.each([
    ["", "invalid semantic version"],
    ["V1.2.3", "invalid semantic version"],
    ["1.2.3.4", "invalid semantic version"],
    [" 1.2.3", "invalid semantic version"],
    ["1.2.3-", "invalid semantic version"],
    ["1.2.3-01", "version segment starts with 0"],
    ["1.2.3-a..b", "invalid semantic version"],
    ["1.2.3+a+b", "invalid semantic version"],
    ["1.2.3-é", "invalid semantic version"],
    [
      "18446744073709551616.0.0",
      'error parsing version segment: strconv.ParseUint: parsing "18446744073709551616": value out of range',
    ],
    [
      "1.99999999999999999999",
      'error parsing version segment: strconv.ParseUint: parsing "99999999999999999999": value out of range',
    ],
  ])("%j fails: %s", (input, message) => {
    expect(err(() => parseVersion(input))).toBe(message);
  });
});

describe("parseStrictVersion (StrictNewVersion)", () => {
  it.each([
    ["1.2.3", "1.2.3"],
    ["0.0.0", "0.0.0"],
    ["1.2.3-alpha.0+sha.5114f85", "1.2.3-alpha.0+sha.5114f85"],
    ["1.2.3-a-b", "1.2.3-a-b"],
  ])("%s", (input, out) => expect(parseStrictVersion(input).toString()).toBe(out));

  it.each([
    ["", "version string empty"],
    ["1.2", "invalid semantic version"],
    ["v1.2.3", "invalid characters in version"],
    ["01.2.3", "version segment starts with 0"],
    ["1.2.03", "version segment starts with 0"],
    ["1..3", 'strconv.ParseUint: parsing "": invalid syntax'],
    ["1.2.3-", "invalid prerelease string"],
    ["1.2.3-01", "version segment starts with 0"],
    ["1.2.3+", "invalid metadata string"],
    ["1.2.3+a_b", "invalid metadata string"],
    ["1.2.3.4", "invalid characters in version"],
    ["1.2.99999999999999999999", 'strconv.ParseUint: parsing "99999999999999999999": value out of range'],
  ])("%j fails: %s", (input, message) => {
    expect(err(() => parseStrictVersion(input))).toBe(message);
  });
});

describe("ordering", () => {
  // The semver.org precedence example, in ascending order.
  const ascending = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "1.0.1",
    "1.1.0",
    "2.0.0",
  ];
  it("follows semver precedence", () => {
    for (let i = 0; i < ascending.length; i++) {
      for (let j = 0; j < ascending.length; j++) {
        const d = parseVersion(ascending[i]!).compare(parseVersion(ascending[j]!));
        expect(d, `${ascending[i]} vs ${ascending[j]}`).toBe(Math.sign(i - j));
      }
    }
  });

  it("ignores metadata and the v prefix", () => {
    expect(parseVersion("v1.2.3+a").compare(parseVersion("1.2.3+b"))).toBe(0);
  });

  it.each([
    ["1.2.3", "incPatch", "1.2.4"],
    ["1.2.3-beta+m", "incPatch", "1.2.3"],
    ["v1.2.3+m", "incMinor", "v1.3.0"],
    ["v1.2.3-rc.1", "incMajor", "v2.0.0"],
  ] as const)("%s %s → %s", (input, op, original) => {
    expect(parseVersion(input)[op]().original).toBe(original);
  });
});

const ident = fc.stringMatching(/^[0-9A-Za-z-]{1,6}$/).filter((s) => !/^0[0-9]+$/.test(s));
const version = fc
  .record({
    major: fc.bigInt({ min: 0n, max: 50n }),
    minor: fc.bigInt({ min: 0n, max: 50n }),
    patch: fc.bigInt({ min: 0n, max: 50n }),
    pre: fc.array(ident, { maxLength: 3 }),
    meta: fc.array(ident, { maxLength: 2 }),
  })
  .map((p) => new Version(p.major, p.minor, p.patch, p.pre.join("."), p.meta.join("."), ""));

describe("properties", () => {
  it("String() parses back to the same version, strictly and loosely", () => {
    fc.assert(
      fc.property(version, (v) => {
        const s = v.toString();
        expect(parseStrictVersion(s).toString()).toBe(s);
        expect(parseVersion(s).toString()).toBe(s);
        expect(parseVersion(`v${s}`).compare(v)).toBe(0);
      }),
    );
  });

  it("compare is a total order consistent with equality", () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        expect(a.compare(b)).toBe(-b.compare(a) || 0);
        if (a.compare(b) <= 0 && b.compare(c) <= 0) expect(a.compare(c)).toBeLessThanOrEqual(0);
        expect(a.compare(a)).toBe(0);
      }),
    );
  });

  it("a prerelease sorts below its release", () => {
    fc.assert(
      fc.property(version, (v) => {
        if (v.prerelease === "") return;
        const release = new Version(v.major, v.minor, v.patch, "", "", "");
        expect(v.compare(release)).toBe(-1);
      }),
    );
  });
});
