/**
 * scripts/build-bundle.js patches re2js's compiler in the bundle (simpleFold is asked only under
 * FOLD_CASE, so a process whose regexps don't fold case never decodes the case-orbit table). The
 * bundled RE2JS must compile and match exactly as the package's does: seeded random patterns
 * built from literals with case orbits (k K U+212A, s S U+017F), classes, (?i), alternations of
 * one-rune literals (which the parser folds into classes) and operators, over a few inputs.
 * Replay a seed with SLIPWAY_FUZZ_SEED.
 */
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { RE2JS } from "re2js";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/env.js";

const bundleDir = path.join(repoRoot, "dist/bundle");
const chunk = existsSync(bundleDir) ? readdirSync(bundleDir).find((f) => /^re2-.*\.js$/.test(f)) : undefined;
if (chunk === undefined)
  process.stderr.write("[skipped] the re2js bundle patch needs dist/ (npm run build)\n");

const ATOMS = ["a", "k", "s", "K", "S", "x", "y", "\u212a", "\u017f", "é", "É", ".", "\\d", "\\w", "\\b"];
const OPS = [
  "(?i)",
  "(?i:k)",
  "[a-c]",
  "[kK]",
  "[xy]",
  "k|K",
  "s|S|\u017f",
  "x|y",
  "|",
  "*",
  "+",
  "?",
  "(",
  ")",
  "^",
  "$",
];
const INPUTS = ["", "abc", "KkSs\u017fK", "xyz", "éÉ", "kelvin \u212a", "sss kkk AbC"];

type Compile = (p: string) => { matcher(s: string): { find(): boolean; start(): number; end(): number } };

function outcome(compile: Compile, pattern: string): string {
  let re: ReturnType<Compile>;
  try {
    re = compile(pattern);
  } catch (e) {
    return `error ${(e as Error).message}`;
  }
  return INPUTS.map((s) => {
    const m = re.matcher(s);
    const found: string[] = [];
    while (m.find()) found.push(`${m.start()}-${m.end()}`);
    return found.join(",");
  }).join(" | ");
}

describe("the bundle's re2js", () => {
  it.runIf(chunk !== undefined)("compiles and matches as the package does", () => {
    const bundled = createRequire(import.meta.url)(path.join(bundleDir, chunk as string))
      .RE2JS as typeof RE2JS;
    let seed = Number(process.env.SLIPWAY_FUZZ_SEED ?? 20261204) >>> 0;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let i = 0; i < 4000; i++) {
      let p = "";
      for (let j = 1 + next(6); j > 0; j--)
        p += next(3) === 0 ? OPS[next(OPS.length)] : ATOMS[next(ATOMS.length)];
      expect(
        outcome((q) => bundled.compile(q), p),
        p,
      ).toBe(outcome((q) => RE2JS.compile(q), p));
    }
  });
});
