/**
 * Go's path.Match: hand-checked cases (each against Go's algorithm as documented in
 * src/go/path-match.ts), and a seeded differential test against Helm 4.1.4, whose
 * `--show-only` runs filepath.Match over every template path of a chart.
 */
import { describe, expect, it } from "vitest";
import {
  BadPatternError,
  goPathMatch,
  goPathMatchByChunks,
  validGoPathPattern,
} from "../../src/go/path-match.js";
import { requires } from "../support/env.js";
import { helmTemplateAsync } from "../support/helm-oracle.js";
import { Rng } from "../support/random.js";

describe("path.Match", () => {
  it.each<[string, string, boolean]>([
    ["*.yaml", "a.yaml", true],
    ["*.yaml", "dir/a.yaml", false],
    ["*", "", true],
    ["", "", true],
    ["", "a", false],
    ["a*", "a/b", false],
    ["a?c", "a/c", false],
    ["a\\*b", "a*b", true],
    ["a\\*b", "axb", false],
    ["[a-c]x", "cx", true],
    ["[^a-c]x", "dx", true],
    ["[\\]]", "]", true],
    ["[[]", "[", true],
    ["[*]", "*", true],
    ["[*]", "a", false],
    ["é?", "éé", true],
    // A class may match the separator (only `*` and `?` stop at it).
    ["a[^x]b", "a/b", true],
    ["a[.-0]b", "a/b", true],
    ["a[/]b", "a/b", true],
    // A reversed range matches nothing and is no error; negated, it matches anything.
    ["[z-a]", "m", false],
    ["[^z-a]", "m", true],
    ["[^z-a]", "/", true],
    // A chunk after a star takes the first place it matches: no backtracking into it.
    ["te*[^q]*c.yaml", "templates/ac.yaml", false],
    ["*[^x]*b", "a/b", false],
    ["*[^x]b", "a/b", true],
    ["a*b*c", "abxbc", true],
    ["a*b", "abab", true],
    ["*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(60), false],
  ])("Match(%j, %j) = %s", (pattern, name, want) => {
    expect(goPathMatch(pattern, name)).toBe(want);
  });

  it.each(["[", "a[", "[]", "[]a]", "\\", "a\\", "[a-]", "[-a]", "[a", "[a-", "[\\", "[^]", "x*[", "[a-\\]"])(
    "%j is malformed, whatever the name",
    (pattern) => {
      expect(validGoPathPattern(pattern)).toBe(false);
      for (const name of ["", "x", "a", "[", "xyz"])
        expect(() => goPathMatch(pattern, name)).toThrow(BadPatternError);
    },
  );
});

/** Template paths of the differential chart (`--show-only` matches them without the chart name). */
const TEMPLATES = [
  "templates/a.yaml",
  "templates/ab.yaml",
  "templates/ac.yaml",
  "templates/b/c.yaml",
  "templates/a/b/c.yaml",
  "templates/x-y.yaml",
  "templates/[k].yaml",
  "templates/é.yaml",
  "templates/*.yaml",
];

/** `name` with some characters turned into pattern syntax, or broken. */
function mutate(rng: Rng, name: string): string {
  const chars = [...name];
  let out = "";
  for (const c of chars) {
    const roll = rng.int(14);
    if (roll === 0) out += "*";
    else if (roll === 1) out += "?";
    else if (roll === 2)
      out += `[${rng.pick([c, `^${c}`, "^x", "^q", `${c}-z`, "z-a", "^z-a", ".-0", "/"])}]`;
    else if (roll === 3) out += `\\${c}`;
    else if (roll === 4 && rng.int(4) === 0) out += rng.pick(["[", "]", "-", "\\", "[^", "[]"]) + c;
    else if (roll === 5) {
      // skip the character, or run a star over several
      if (rng.int(2) === 0) out += "*";
    } else out += c;
  }
  return out;
}

const SEEDED = 160;

describe("path.Match, one name against many patterns and back", () => {
  it("answers as for each pair alone: literal patterns compare, the last name's code points are reused only for it", () => {
    const cases: [string, string, boolean][] = [
      ["OWNERS", "OWNERS", true],
      ["OWNERS", "OWNERS.md", false],
      ["é😀", "é😀", true],
      ["é?", "é😀", true],
      ["?", "é😀", false],
      ["*.md", "é😀", false],
      ["a/b", "a/b", true],
      ["a/*", "a/b", true],
      ["*", "a/b", false],
      ["?/b", "a/b", true],
      ["*.md", "README.md", true],
      ["README.md", "README.md", true],
      ["[", "x", false],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [pattern, name, want] of cases) {
        if (pattern === "[") expect(() => goPathMatch(pattern, name)).toThrow(BadPatternError);
        else expect(goPathMatch(pattern, name), `${pattern} ~ ${name}`).toBe(want);
      }
      cases.reverse();
    }
  });
});

describe("path.Match, patterns of literals and stars", () => {
  // Such patterns are matched by string searches; the general algorithm is the reference.
  it.each<[string, string, boolean]>([
    ["*.swp", "a.swp", true],
    ["*.swp", ".swp", true],
    ["*.swp", "a.swp.x", false],
    ["*~", "values.yaml~", true],
    ["kube-prometheus-*.tgz", "kube-prometheus-1.2.tgz", true],
    ["kube-prometheus-*.tgz", "kube-prometheus-.tgz", true],
    ["kube-prometheus-*.tgz", "kube-prometheus.tgz", false],
    ["a*/x", "ab/x", true],
    ["a*/x", "a/b/x", false],
    ["*/x", "a/x", true],
    ["a*", "a/b", false],
    ["a*b*c", "abxbc", true],
    ["a*b*c", "ab/bc", false],
    ["*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(60), false],
    ["é*😀", "éx😀", true],
    ["*😀", "😀", true],
  ])("Match(%j, %j) = %s", (pattern, name, want) => {
    expect(goPathMatch(pattern, name)).toBe(want);
    expect(goPathMatchByChunks(pattern, name)).toBe(want);
  });

  it("answers as the general algorithm for generated patterns and names (seeded)", () => {
    const rng = new Rng(11);
    const alphabet = ["a", "b", "ab", "/", ".", "-", "é", "😀"];
    const word = (n: number) => Array.from({ length: rng.int(n) }, () => rng.pick(alphabet)).join("");
    let matched = 0;
    for (let i = 0; i < 4000; i++) {
      let pattern = "";
      for (let parts = rng.int(4) + 1; parts > 0; parts--) pattern += rng.chance(0.5) ? "*" : word(3);
      pattern += rng.chance(0.3) ? "*" : word(3);
      if (pattern.includes("*") === false) pattern = `*${pattern}`;
      const name = rng.chance(0.5) ? word(8) : pattern.replaceAll("*", () => word(3));
      const want = goPathMatchByChunks(pattern, name);
      expect(goPathMatch(pattern, name), `${pattern} ~ ${name}`).toBe(want);
      if (want) matched++;
    }
    // Both answers occur often.
    expect(matched).toBeGreaterThan(400);
    expect(matched).toBeLessThan(3600);
  });
});

describe.runIf(requires("helm"))("path.Match against Helm 4.1.4's --show-only (seeded)", () => {
  it(`selects the same templates for ${SEEDED} patterns`, async () => {
    const rng = new Rng(2026);
    const files: Record<string, string> = {};
    for (const [i, t] of TEMPLATES.entries()) files[t] = `kind: K${i}\n`;
    const patterns = new Set<string>(["te*[^q]*c.yaml", "*/*[^x]*c.yaml", "templates/[^x]b/c.yaml"]);
    while (patterns.size < SEEDED) patterns.add(mutate(rng, rng.pick(TEMPLATES)));
    const list = [...patterns];
    const selected: Array<Set<string>> = [];
    // Four oracle processes at a time.
    for (let at = 0; at < list.length; at += 4) {
      const runs = await Promise.all(
        list.slice(at, at + 4).map((p) => helmTemplateAsync(files, ["--show-only", p])),
      );
      for (const r of runs) {
        const picked = new Set<string>();
        for (const m of r.stdout.matchAll(/^# Source: chart\/(.+)$/gm)) picked.add(m[1]!);
        // Nothing matched: Helm fails with "could not find template".
        if (!r.ok) expect(r.error).toContain("could not find template");
        selected.push(picked);
      }
    }
    let matches = 0;
    for (const [i, pattern] of list.entries()) {
      const ours = TEMPLATES.filter((t) => validGoPathPattern(pattern) && goPathMatch(pattern, t));
      expect(ours.sort(), pattern).toEqual([...selected[i]!].sort());
      matches += ours.length;
    }
    // The patterns select something often enough to mean something.
    expect(matches).toBeGreaterThan(SEEDED / 4);
  }, 300_000);
});
