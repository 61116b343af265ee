import { describe, expect, it } from "vitest";
import { doublestarGlob, doublestarMatch, goGlob } from "../../src/artifacts/glob.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";

import { BadPatternError, goPathMatch } from "../../src/go/path-match.js";

describe("Go path.Match", () => {
  it.each([
    ["*.yaml", "a.yaml", true],
    ["*.yaml", "dir/a.yaml", false],
    ["**", "a", true],
    ["**", "a/b", false],
    ["a?c", "abc", true],
    ["a?c", "a/c", false],
    ["[abc]x", "bx", true],
    ["[^abc]x", "dx", true],
    ["[^abc]x", "ax", false],
    ["[!abc]x", "!x", true],
    ["[a-c]x", "cx", true],
    ["a\\*b", "a*b", true],
    ["a\\*b", "axb", false],
    [".*", ".hidden", true],
    ["*", ".hidden", true],
  ])("%s matches %s: %s", (pattern, name, want) => {
    expect(goPathMatch(pattern, name)).toBe(want);
  });

  it.each(["[", "a[", "[]", "\\", "[a-]"])("%s is a bad pattern", (pattern) => {
    expect(() => goPathMatch(pattern, "x")).toThrow(BadPatternError);
  });
});

describe("doublestar Match", () => {
  it.each([
    ["**/testdata/**", "a/testdata/x/y", true],
    ["**/testdata/**", "testdata", true],
    ["subdir/**", "subdir", true],
    ["subdir/**", "subdir/a/b", true],
    ["subdir/**", "subdirx", false],
    ["*.md", "x.md", true],
    ["*.md", "d/x.md", false],
    ["{a,b}/*.md", "b/x.md", true],
    ["{a,b}/*.md", "c/x.md", false],
    ["**/*.tgz", "x.tgz", true],
    ["**/*.tgz", "r/s/x.tgz", true],
    ["a/**/b", "a/b", true],
    ["a/**/b", "a/x/y/b", true],
    ["a/**.txt", "a/x.txt", true],
    ["a/**.txt", "a/x/y.txt", false],
    ["[!a]", "b", true],
    ["[!a]", "a", false],
  ])("%s matches %s: %s", (pattern, name, want) => {
    expect(doublestarMatch(pattern, name)).toBe(want);
  });
});

describe("globbing a tree", () => {
  const fs = new MemoryFileSystem({
    "/src/apps/base/kustomization.yaml": "",
    "/src/apps/base/podinfo/release.yaml": "",
    "/src/apps/staging/kustomization.yaml": "",
    "/src/charts/a-1.0.0.tgz": "",
    "/src/charts/nested/b-2.0.0.tgz": "",
  });
  it("fs.Glob: `**` is one level, results in lexical order", () => {
    expect(goGlob(fs, "/src", "apps/base/**")).toEqual(["apps/base/kustomization.yaml", "apps/base/podinfo"]);
    expect(goGlob(fs, "/src", "apps/*/kustomization.yaml")).toEqual([
      "apps/base/kustomization.yaml",
      "apps/staging/kustomization.yaml",
    ]);
    expect(goGlob(fs, "/src", "charts/**/*.tgz")).toEqual(["charts/nested/b-2.0.0.tgz"]);
    expect(goGlob(fs, "/src", "nothing/*")).toEqual([]);
  });
  it("doublestar.Glob: `**` is any depth", () => {
    expect(doublestarGlob(fs, "/src", "charts/**/*.tgz")).toEqual([
      "charts/a-1.0.0.tgz",
      "charts/nested/b-2.0.0.tgz",
    ]);
  });
});
