import { describe, expect, it } from "vitest";
import { doublestarGlob, doublestarMatch, goGlob } from "../../src/artifacts/glob.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { BadPatternError, goPathMatch } from "../../src/go/path-match.js";
import { Rng } from "../support/random.js";

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
    // Classes in doublestar's grammar (match.go), not path.Match's:
    ["a[!b]c", "a/c", true], // a negated class matches the separator
    ["a[--0]c", "a/c", true], // so does a range holding it
    ["[-a]", "-", true], // `-` first is literal
    ["[a-]", "-", true], // `-` last is literal
    ["[a-c-e]", "-", true], // `-` right after a range is literal
    ["[a-c-e]", "d", false],
    ["[z-a]", "m", false], // a reversed range matches nothing...
    ["[z-a]", "z", true], // ...but its first rune was read as a rune
    ["[0-\\]]", "]", true], // an escaped upper bound
    ["[^a]", "b", true], // `^` negates too
  ])("%s matches %s: %s", (pattern, name, want) => {
    expect(doublestarMatch(pattern, name)).toBe(want);
  });

  it.each(["[]", "[!]", "[^]", "[a", "[a-", "[a-\\", "[\\", "x[]a]"])("%s is a bad pattern", (pattern) => {
    expect(() => doublestarMatch(pattern, "a")).toThrow(BadPatternError);
  });

  /**
   * doublestar's class loop (match.go, the `[` case) on one rune, transcribed: whether it
   * matches (undefined: ErrBadPattern) and where the class ends (the index after its `]`).
   */
  function classLoop(cls: string[], rune: string): { matches: boolean | undefined; end: number } {
    const p = cls;
    let i = 0;
    const negate = p[i] === "!" || p[i] === "^";
    if (negate) i++;
    if (i >= p.length || p[i] === "]") return { matches: undefined, end: -1 };
    let last: string | undefined;
    let matched = false;
    while (i < p.length && p[i] !== "]") {
      let c = p[i++]!;
      if (last !== undefined && c === "-" && i < p.length && p[i] !== "]") {
        if (p[i] === "\\") i++;
        const hi = p[i++] ?? "\ufffd";
        if (last <= rune && rune <= hi) {
          matched = true;
          break;
        }
        last = undefined;
        continue;
      }
      if (c === "\\") c = p[i++] ?? "\ufffd";
      if (c === rune) {
        matched = true;
        break;
      }
      last = c;
    }
    if (matched !== negate) {
      // The closing `]`, escapes skipped.
      for (; i < p.length; i++) {
        if (p[i] === "\\") i++;
        else if (p[i] === "]") return { matches: true, end: i + 1 };
      }
      return { matches: undefined, end: -1 };
    }
    return i >= p.length ? { matches: undefined, end: -1 } : { matches: false, end: i + 1 };
  }

  it("agrees with doublestar's class loop on 20,000 generated classes and runes", () => {
    const rng = new Rng(0x5eed);
    const alphabet = ["a", "b", "m", "z", "-", "]", "\\", "!", "^", "/", "0", "é"];
    const disagreements: string[] = [];
    let compared = 0;
    for (let n = 0; n < 20_000; n++) {
      const cls: string[] = [];
      for (let k = 1 + rng.int(6); k > 0; k--) cls.push(alphabet[rng.int(alphabet.length)]!);
      cls.push("]");
      const rune = alphabet[rng.int(alphabet.length)]!;
      const want = classLoop(cls, rune);
      // Only classes that end the pattern: what follows an earlier `]` is no longer the class.
      if (want.matches !== undefined && want.end !== cls.length) continue;
      compared++;
      let got: boolean | undefined;
      try {
        got = doublestarMatch(`[${cls.join("")}`, rune);
      } catch (e) {
        if (!(e instanceof BadPatternError)) throw e;
        got = undefined;
      }
      if (got !== want.matches)
        disagreements.push(`[${cls.join("")} on ${rune}: doublestar ${want.matches}, Slipway ${got}`);
    }
    expect(compared).toBeGreaterThan(5_000);
    expect(disagreements.slice(0, 10)).toEqual([]);
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
