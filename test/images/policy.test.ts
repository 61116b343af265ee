import { describe, expect, it } from "vitest";
import { GoRegexp } from "../../src/go/regexp.js";
import { parseMarker } from "../../src/images/markers.js";
import { decodePolicy, type PolicySpec, selectTag } from "../../src/images/policy.js";
import type { YamlMap } from "../../src/kustomize/types.js";

const semver = (range: string, extra: Partial<PolicySpec> = {}): PolicySpec => ({
  kind: "semver",
  range,
  ...extra,
});

describe("ImagePolicy selection (image-reflector-controller semantics)", () => {
  it.each<[string, PolicySpec, string[], string]>([
    ["semver: highest in range", semver(">=1.0.0"), ["1.0.0", "1.10.0", "1.9.3", "2.0.0-rc.1"], "1.10.0"],
    [
      "semver: prereleases only when the range has one",
      semver(">=1.0.0-0"),
      ["1.0.0", "1.1.0-rc.1"],
      "1.1.0-rc.1",
    ],
    [
      "semver: a v prefix is fine, the original tag is returned",
      semver("^1.2"),
      ["v1.2.0", "v1.3.1", "v2.0.0"],
      "v1.3.1",
    ],
    ["semver: fewer than three parts never match", semver(">=1"), ["1.5", "1.2.0", "7"], "1.2.0"],
    [
      "semver: tags that are not versions are ignored",
      semver(">=0.0.0"),
      ["latest", "main", "0.1.0"],
      "0.1.0",
    ],
    [
      "alphabetical asc: the last in byte order",
      { kind: "alphabetical", order: "asc" },
      ["RELEASE.2024-01-02", "RELEASE.2024-11-01", "RELEASE.2023-12-31"],
      "RELEASE.2024-11-01",
    ],
    ["alphabetical desc: the first", { kind: "alphabetical", order: "desc" }, ["b", "a", "c"], "a"],
    [
      "numerical with filterTags extract (named group)",
      { kind: "numerical", order: "asc", pattern: "^main-[a-f0-9]+-(?P<ts>[0-9]+)$", extract: "$ts" },
      ["main-aaa-1700000000", "main-bbb-1800000000", "main-ccc-900", "release-1"],
      "main-bbb-1800000000",
    ],
    ["numerical desc: the lowest", { kind: "numerical", order: "desc" }, ["10", "9", "100"], "9"],
    [
      "filterTags pattern with a numbered group",
      semver(">=1.0.0", { pattern: "^prod-(.*)$", extract: "$1" }),
      ["prod-1.2.0", "prod-1.3.0", "staging-2.0.0"],
      "prod-1.3.0",
    ],
  ])("%s", (_, policy, tags, expected) => {
    expect(selectTag(policy, tags)).toEqual({ tag: expected });
  });

  it("drops the ImageRepository's exclusions (default: signatures)", () => {
    expect(selectTag({ kind: "alphabetical", order: "asc" }, ["a", "zz.sig"])).toEqual({ tag: "a" });
    expect(selectTag({ kind: "alphabetical", order: "asc" }, ["a", "b"], ["^b$"])).toEqual({ tag: "a" });
  });

  it("reports what image-reflector-controller would", () => {
    expect(selectTag({ kind: "numerical", order: "asc" }, ["1", "x"])).toEqual({
      error: "failed to parse invalid numeric value 'x'",
    });
    expect(selectTag(semver(">=3.0.0"), ["1.0.0"])).toEqual({
      error: "no tag matches the semver range '>=3.0.0'",
    });
    expect(selectTag({ kind: "alphabetical", pattern: "(" }, ["a"])).toMatchObject({
      error: expect.stringMatching(/invalid filterTags.pattern regex/),
    });
    expect(selectTag({ kind: "alphabetical", pattern: "^x" }, ["a"])).toEqual({
      error: "no tag is left after filtering",
    });
  });

  it("decodes ImagePolicy objects", () => {
    const policy = (p: YamlMap, filterTags?: YamlMap): YamlMap => ({
      apiVersion: "image.toolkit.fluxcd.io/v1",
      kind: "ImagePolicy",
      spec: { policy: p, ...(filterTags ? { filterTags } : {}) },
    });
    expect(decodePolicy(policy({ semver: { range: ">=1.0.0" } }))).toEqual({
      kind: "semver",
      range: ">=1.0.0",
    });
    expect(
      decodePolicy(policy({ numerical: { order: "desc" } }, { pattern: "^v(.*)", extract: "$1" })),
    ).toEqual({
      kind: "numerical",
      order: "desc",
      pattern: "^v(.*)",
      extract: "$1",
    });
    expect(decodePolicy(policy({ alphabetical: {} }))).toEqual({ kind: "alphabetical", order: "asc" });
    expect(() => decodePolicy(policy({}))).toThrow(/needs one of semver, alphabetical or numerical/);
  });
});

describe("Go's Regexp.ExpandString", () => {
  it.each([
    ["^(?P<a>x)(y)$", "xy", "$a-$2", "x-y"],
    ["^(x)(y)$", "xy", "${1}z", "xz"],
    ["^(x)(y)$", "xy", "$1z", ""], // group "1z" does not exist
    ["^(x)$", "x", "$$1", "$1"],
    ["^(x)$", "x", "a$", "a$"],
    ["^(x)?y$", "y", "[$1]", "[]"],
  ])("%s on %s with %s", (pattern, src, template, expected) => {
    const re = new GoRegexp(pattern);
    expect(re.expand(template, src, re.findSubmatchIndex(src)!)).toBe(expected);
  });
});

describe("setter markers", () => {
  it.each([
    ['{"$imagepolicy": "flux-system:app"}', { setter: "flux-system:app", form: "image" }],
    [
      '{"$imagepolicy": "flux-system:app:tag"}',
      { form: "tag", policy: { namespace: "flux-system", name: "app" } },
    ],
    ['{"$imagepolicy": "ns:app:name"}', { form: "name" }],
    ['{"$imagepolicy": "ns:app:digest"}', { form: "digest" }],
  ])("%s", (comment, expected) => {
    expect(parseMarker(comment)).toMatchObject(expected);
  });

  it.each([
    "{$imagepolicy: ns:app}",
    '{"$imagepolicy": "app"}',
    '{"$imagepolicy": "ns:app:version"}',
    "a comment",
  ])("not a marker: %s", (comment) => expect(parseMarker(comment)).toBeUndefined());
});
