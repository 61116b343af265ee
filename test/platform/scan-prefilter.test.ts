import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { isMap, type YamlValue } from "../../src/kustomize/types.js";
import { mayHoldDiscoveryObject, scanRepository } from "../../src/platform/scan.js";
import { parseYamlDocuments } from "../../src/yaml/parse.js";
import { requires, sharedDir } from "../support/env.js";
import { Rng } from "../support/random.js";

/**
 * scanRepository parses a file only when mayHoldDiscoveryObject says one of its documents may
 * be kept by discovery. The oracle is the parser itself: when the predicate says no, no string
 * the file decodes to (key or value, anywhere) is one of the words discovery looks for, nor
 * holds one, so no document can be a Flux Kustomization, GitRepository, FluxInstance or a
 * HelmRelease with values.instance.sync.
 *
 * SLIPWAY_SCAN_SEED=S  replay one seed
 */
const WORDS = ["Kustomization", "GitRepository", "FluxInstance"];

function decodedStrings(v: YamlValue, out: string[]): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) decodedStrings(x, out);
  else if (isMap(v)) {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      decodedStrings(x, out);
    }
  }
  return out;
}

/** Whether any decoded string holds a word discovery keys on (or both instance and sync keys). */
function decodesDiscoveryWord(text: string): boolean | "unparsable" {
  let docs: ReturnType<typeof parseYamlDocuments>;
  try {
    docs = parseYamlDocuments(text, "f.yaml");
  } catch {
    return "unparsable";
  }
  const strings = docs.flatMap((d) => decodedStrings(d.value, []));
  if (strings.some((s) => WORDS.some((w) => s.includes(w)))) return true;
  return strings.some((s) => s.includes("instance")) && strings.some((s) => s.includes("sync"));
}

function expectSound(text: string): void {
  if (mayHoldDiscoveryObject(text)) return;
  expect(decodesDiscoveryWord(text), text).not.toBe(true);
}

describe("mayHoldDiscoveryObject", () => {
  it.each([
    ["plain kind", "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n", true],
    ["quoted kind", 'kind: "Kustomization"\n', true],
    ["flow map", "{kind: GitRepository, apiVersion: source.toolkit.fluxcd.io/v1}\n", true],
    ["escaped kind", 'kind: "Kustomi\\x7Aation"\n', true],
    ["escaped line join", 'kind: "Kustom\\\n  ization"\n', true],
    ["anchor and alias", "a: &k FluxInstance\nkind: *k\n", true],
    ["block scalar", "kind: |-\n  GitRepository\n", true],
    ["instance sync values", "spec:\n  values:\n    instance:\n      sync: {kind: GitRepository}\n", true],
    ["folded plain scalar", "kind: Kustom\n  ization\n", false],
    ["folded single quotes", "kind: 'Kustom\n  ization'\n", false],
    ["folded block", "kind: >-\n  Kustom\n  ization\n", false],
    [
      "a HelmRelease",
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec: {values: {a: 1}}\n",
      false,
    ],
  ])("%s", (_, text, expected) => {
    expect(mayHoldDiscoveryObject(text)).toBe(expected);
    expectSound(text);
  });

  it("is sound on seeded texts built from pieces of the words, quoting and folding", () => {
    const seeds = process.env.SLIPWAY_SCAN_SEED
      ? [Number(process.env.SLIPWAY_SCAN_SEED)]
      : Array.from({ length: 3000 }, (_, i) => i + 1);
    const pieces = ["Kustom", "ization", "GitRepo", "sitory", "Flux", "Instance", "inst", "ance", "sy", "nc"];
    for (const seed of seeds) {
      const rng = new Rng(seed);
      const scalar = () => {
        const parts = Array.from({ length: 1 + rng.int(3) }, () => rng.pick(pieces));
        const joins = ["", " ", "\n  ", "\n\n  "];
        const body = parts.map((p, i) => (i === 0 ? p : `${rng.pick(joins)}${p}`)).join("");
        const style = rng.int(5);
        if (style === 0) return `"${body}"`;
        if (style === 1) return `'${body}'`;
        if (style === 2) return `>-\n  ${body.replace(/\n\s*/g, "\n  ")}`;
        if (style === 3) return `|-\n  ${body.replace(/\n\s*/g, "\n  ")}`;
        return body;
      };
      const lines = Array.from(
        { length: 1 + rng.int(3) },
        (_, i) => `k${i}${rng.pick(["", "a"])}: ${scalar()}`,
      );
      const text = `${rng.chance(0.5) ? "apiVersion: helm.toolkit.fluxcd.io/v2\n" : ""}${lines.join("\n")}\n`;
      try {
        expectSound(text);
      } catch (e) {
        throw new Error(`seed ${seed}: ${(e as Error).message}`);
      }
    }
  });

  it("still counts the HelmReleases of the files it does not parse (render workers start on the count)", () => {
    const hr = (n: number) =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: r${n}}\nspec: {values: {a: 1}}\n`;
    const files: Record<string, string> = {};
    for (let i = 0; i < 5; i++) files[`/repo/apps/a${i}/helmrelease.yaml`] = hr(i);
    files["/repo/apps/ks.yaml"] =
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: k}\n---\n${hr(9)}`;
    const scan = scanRepository(new MemoryFileSystem(files), "/repo");
    expect(scan.helmReleases).toBe(6);
    expect(scan.kustomizations.map((k) => k.at.file)).toEqual(["apps/ks.yaml"]);
  });

  describe.runIf(requires("shared"))("on the real-world repositories", () => {
    it("is sound on every YAML file that names a Flux group", () => {
      const root = path.join(sharedDir, "realworld");
      let skipped = 0;
      const walk = (dir: string): void => {
        for (const name of readdirSync(dir)) {
          const abs = path.join(dir, name);
          if (statSync(abs).isDirectory()) {
            if (!name.startsWith(".")) walk(abs);
            continue;
          }
          if (!/\.ya?ml$/.test(name)) continue;
          const text = readFileSync(abs, "utf8");
          if (!text.includes("toolkit.fluxcd.io")) continue;
          if (!mayHoldDiscoveryObject(text)) skipped++;
          expectSound(text);
        }
      };
      walk(root);
      // Most such files are apps' HelmReleases and sources: the predicate must skip some.
      expect(skipped).toBeGreaterThan(100);
    });
  });
});
