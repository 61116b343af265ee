import { describe, expect, it } from "vitest";
import { parseConstraints, parseVersion } from "../../src/semver/index.js";
import { requires } from "../support/env.js";
import { helmTemplate } from "../support/helm-oracle.js";
import { Rng } from "../support/random.js";

const check = (c: string, v: string): boolean => parseConstraints(c).check(parseVersion(v));

describe("Constraints.check", () => {
  it.each([
    ["1.2.3", "1.2.3", true],
    ["= 1.2.3", "1.2.4", false],
    ["!=1.2.3", "1.2.4", true],
    ["!=1.x", "1.9.0", false],
    [">1.2", "1.2.9", false],
    [">1.2", "1.3.0", true],
    [">11", "11.9.9", false],
    ["<=1.2", "1.2.9", true],
    ["<=1.2", "1.3.0", false],
    ["=<1.2.3", "1.2.3", true],
    ["=>1.2.3", "1.2.3", true],
    ["~1.2.3", "1.2.9", true],
    ["~1.2.3", "1.3.0", false],
    ["~1", "1.9.0", true],
    ["~>1.2", "1.2.0", true],
    ["~0.0.0", "5.0.0", true],
    ["^1.2.3", "1.9.9", true],
    ["^1.2.3", "2.0.0", false],
    ["^0.2.3", "0.2.9", true],
    ["^0.2.3", "0.3.0", false],
    ["^0.0.3", "0.0.4", false],
    ["^0", "0.9.0", true],
    ["*", "3.2.1", true],
    ["1.x", "1.4.0", true],
    ["1.2.X", "1.3.0", false],
    ["1.2 - 1.4.5", "1.4.5", true],
    ["1.2 - 1.4.5", "1.4.6", false],
    [">= 1.1, < 2", "1.5.0", true],
    [">=1.1 <2 || >=3", "3.1.0", true],
    [">=1.1 <2 || >=3", "2.5.0", false],
    // Prereleases match only groups that name one.
    [">=1.0.0", "1.2.0-beta", false],
    [">=1.0.0-0", "1.2.0-beta", true],
    [">=1.0.0-0 || >=5", "1.2.0-beta", true],
    ["^1.2.0-alpha", "1.2.0-beta", true],
    ["^1.2.0-alpha", "1.1.0-beta", false],
    ["1.2.x-beta", "1.2.0-beta.1", true],
    // Metadata in a constraint is kept for exact matches but ignored by comparison.
    ["=1.2.3+a", "1.2.3+b", true],
  ])("%j ∋ %s is %s", (c, v, expected) => {
    expect(check(c, v)).toBe(expected);
    expect(parseConstraints(c).validate(parseVersion(v)).ok).toBe(expected);
  });

  it("includePrerelease opens every group to prereleases", () => {
    const c = parseConstraints(">=1.0.0");
    c.includePrerelease = true;
    expect(c.check(parseVersion("1.2.0-beta"))).toBe(true);
  });
});

describe("Constraints.validate messages", () => {
  it.each([
    ["1.2.3", "1.2.4", ["1.2.4 is not equal to 1.2.3"]],
    ["!=1.2.3", "1.2.3", ["1.2.3 is equal to 1.2.3"]],
    [">1.2", "1.2.5", ["1.2.5 is less than or equal to 1.2"]],
    ["<1.2", "1.2.0", ["1.2.0 is greater than or equal to 1.2"]],
    [">=1.2", "1.1.0", ["1.1.0 is less than 1.2"]],
    ["<=1.2.3", "1.2.4", ["1.2.4 is greater than 1.2.3"]],
    ["~1.2", "1.3.0", ["1.3.0 does not have same major and minor version as 1.2"]],
    ["^1.2", "2.0.0", ["2.0.0 does not have same major version as 1.2"]],
    [
      "^0.2",
      "0.3.0",
      [
        "0.3.0 does not have same minor version as 0.2. Expected minor versions to match when constraint major version is 0",
      ],
    ],
    [
      "^0.0.2",
      "0.0.3",
      [
        "0.0.3 does not equal 0.0.2. Expect version and constraint to equal when major and minor versions are 0",
      ],
    ],
    [
      ">1 <1.5 || >3",
      "1.0.0-rc.1",
      ["1.0.0-rc.1 is a prerelease version and the constraint is only looking for release versions"],
    ],
    [">1, <1.5 || 3.x", "2.0.0", ["2.0.0 is greater than or equal to 1.5", "2.0.0 is less than 3.x"]],
  ])("%j with %s", (c, v, errors) => {
    expect(parseConstraints(c).validate(parseVersion(v))).toEqual({ ok: false, errors });
  });
});

describe("parseConstraints", () => {
  it.each([
    ["", "improper constraint: "],
    [">>1", "improper constraint: >>1"],
    ["1.2 ||| 2", "constraint parser error"],
    ["1.2.3-01", "constraint parser error"],
    ["1|2", "constraint parser error"],
    [">= 1.2 - 1.4", "improper constraint: >=>= 1.2, <= 1.4 "],
  ])("%j fails: %s", (c, message) => {
    expect(() => parseConstraints(c)).toThrow(message);
  });

  it.each([
    [">= 1.2.3,<2", ">=1.2.3 <2"],
    ["1.2 - 2.3.4 || ^3", ">=1.2 <=2.3.4 || ^3"],
    ["v1.2.x", "v1.2.x"],
  ])("%j prints as %j", (c, s) => {
    expect(parseConstraints(c).toString()).toBe(s);
  });
});

describe("properties", () => {
  it("validate agrees with check, and >= / < agree with compare for releases", () => {
    const rng = new Rng(7);
    for (let i = 0; i < 2000; i++) {
      const c = genConstraint(rng);
      const v = genVersionText(rng, false);
      let cs: ReturnType<typeof parseConstraints>;
      let ver: ReturnType<typeof parseVersion>;
      try {
        cs = parseConstraints(c);
        ver = parseVersion(v);
      } catch {
        continue;
      }
      const { ok, errors } = cs.validate(ver);
      expect(ok, `${c} / ${v}`).toBe(cs.check(ver));
      expect(errors.length === 0).toBe(ok);
      if (ver.prerelease === "") {
        const base = parseVersion("1.2.3");
        expect(parseConstraints(">=1.2.3").check(ver)).toBe(ver.compare(base) >= 0);
        expect(parseConstraints("<1.2.3").check(ver)).toBe(ver.compare(base) < 0);
      }
    }
  });
});

// ---- differential: semverCompare through the Helm oracle -----------------------------------

const SEGMENTS = ["0", "1", "2", "3", "10", "x", "X", "*"];
const OPS = ["", "=", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^"];
const BAD_OPS = ["== ", ">>", "^ ", "!"];
const PRES = ["", "", "", "", "-0", "-alpha", "-beta.2", "-rc.1"];
const BAD_PRES = ["-01", "-a..b", "-", "-é"];

function genVersionText(rng: Rng, wild: boolean): string {
  const seg = () => (wild ? rng.pick(SEGMENTS) : rng.pick(SEGMENTS.slice(0, 5)));
  const n = rng.chance(0.02) ? 4 : rng.pick([1, 2, 3, 3, 3]);
  let s = Array.from({ length: n }, seg).join(".");
  if (rng.chance(0.1)) s = `v${s}`;
  s += rng.chance(0.03) ? rng.pick(BAD_PRES) : rng.pick(PRES);
  if (rng.chance(0.08)) s += rng.pick(["+build.1", "+meta", "+", "+a_b"]);
  return s;
}

function genConstraint(rng: Rng): string {
  const one = () => {
    if (rng.chance(0.12)) return `${genVersionText(rng, true)} - ${genVersionText(rng, true)}`;
    const op = rng.chance(0.03) ? rng.pick(BAD_OPS) : rng.pick(OPS);
    return `${op}${rng.chance(0.3) ? " " : ""}${genVersionText(rng, true)}`;
  };
  const group = () => Array.from({ length: 1 + rng.int(3) }, one).join(rng.pick([" ", ",", ", ", "  "]));
  return Array.from({ length: 1 + (rng.chance(0.3) ? 1 : 0) }, group).join(rng.pick([" || ", "||"]));
}

const quote = (s: string): string => JSON.stringify(s);

describe.runIf(requires("helm"))("semverCompare and semver agree with Helm", () => {
  const seed = Number(process.env.SLIPWAY_FUZZ_SEED ?? 11);
  const rng = new Rng(seed);
  const accepted: Array<[string, string]> = [];
  const rejected: Array<[string, string, string]> = [];
  for (let i = 0; i < 1500; i++) {
    const c = genConstraint(rng);
    const v = genVersionText(rng, false);
    try {
      accepted.push([c, v, String(check(c, v))] as unknown as [string, string]);
    } catch (e) {
      rejected.push([c, v, (e as Error).message]);
    }
  }

  const matching = accepted.filter((row) => (row as unknown as string[])[2] === "true").length;
  it(`agrees on ${accepted.length} valid pairs, ${matching} matching (seed ${seed})`, () => {
    const lines = accepted.map(([c, v], i) => `# ${i} {{ semverCompare ${quote(c)} ${quote(v)} }}`);
    const r = helmTemplate({ "templates/t.yaml": `${lines.join("\n")}\n` });
    expect(r.error).toBe("");
    const got = r.stdout.split("\n").filter((l) => /^# \d+ /.test(l));
    const want = accepted.map((row, i) => `# ${i} ${(row as unknown as string[])[2]}`);
    expect(got).toEqual(want);
  });

  it("fails the same invalid pairs with the same message", () => {
    const sample = rejected.slice(0, 25);
    expect(sample.length).toBeGreaterThan(5);
    for (const [c, v, message] of sample) {
      const r = helmTemplate({ "templates/t.yaml": `# {{ semverCompare ${quote(c)} ${quote(v)} }}\n` });
      expect(r.ok, `${c} / ${v}`).toBe(false);
      expect(r.error.split("\n")[0]).toContain(`error calling semverCompare: ${message}`);
    }
  });
});
