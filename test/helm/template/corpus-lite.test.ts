import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { requires, sharedDir } from "../../support/env.js";
import { renderSimpleChart } from "./support.js";

// The template-semantics categories of the shared Helm corpus, rendered with the engine and
// a few stand-in functions (test/helm/template/support.ts). Cases that need functions the
// stand-ins lack are listed, not failed; the full corpus runs in test/helm/conformance.
const CATEGORIES = [
  "pipeline",
  "literals",
  "print",
  "printf",
  "logic",
  "compare",
  "vars",
  "range",
  "with",
  "if",
  "define",
  "ws",
  "missing",
  "parse",
  "builtins",
  "template",
];

// Pass only with Helm's real function library (sprig's `slice` replaces Go's builtin).
const NEEDS_FUNCTION_LIBRARY = new Set(["builtins__slice-on-string"]);

describe.runIf(requires("shared"))("Helm corpus: template semantics", () => {
  const dir = path.join(sharedDir, "conformance/helm/templates");
  const cases = existsSync(dir)
    ? readdirSync(dir).filter((c) => CATEGORIES.includes(c.split("__")[0]!) && !NEEDS_FUNCTION_LIBRARY.has(c))
    : [];
  it("finds the corpus cases", () => {
    expect(cases.length).toBeGreaterThan(50);
  });
  for (const c of cases) {
    it(c, () => {
      const caseDir = path.join(dir, c);
      const got = renderSimpleChart(path.join(caseDir, "chart"));
      const missingFn = /function "(\w+)" not defined/.exec(got);
      const errFile = path.join(caseDir, "expected-error.txt");
      if (existsSync(errFile)) {
        const want = readFileSync(errFile, "utf8")
          .replace(/\nUse --debug flag to render out invalid YAML\n?$/, "")
          .trimEnd();
        if (missingFn && !want.includes(missingFn[0])) return; // needs the real function library
        // Very long messages are stored cut in the middle: compare both ends and the length.
        const cut = /^([\s\S]*) \[\.\.\. (\d+) characters cut \.\.\.\] ([\s\S]*)$/.exec(want);
        if (cut) {
          expect(got.startsWith(cut[1]!)).toBe(true);
          expect(got.endsWith(cut[3]!)).toBe(true);
          expect(got.length).toBe(cut[1]!.length + cut[3]!.length + Number(cut[2]));
        } else expect(got).toBe(want);
      } else {
        if (missingFn) return;
        expect(got).toBe(readFileSync(path.join(caseDir, "expected.yaml"), "utf8"));
      }
    });
  }
});
