import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { errorMessage } from "../../src/errors.js";
import { buildYaml } from "../../src/kustomize/build.js";
import { requires, sharedDir } from "../support/env.js";
import knownDifferences from "./conformance-known-differences.json" with { type: "json" };

/**
 * kustomize's own krusty tests, verified against kubectl (../shared/conformance/kustomize):
 * every output case must be byte-identical, every error case must fail with the recorded
 * substrings. Cases listed in conformance-known-differences.json are expected to differ.
 */
const casesDir = path.join(sharedDir, "conformance/kustomize/cases");
const known = knownDifferences as Record<string, string>;

interface CaseMeta {
  root: string;
  expect: "output" | "error";
  flags?: string[];
  errorContains?: string[];
}

function runCase(name: string): { ok: boolean; detail: string } {
  const dir = path.join(casesDir, name);
  const meta = JSON.parse(readFileSync(path.join(dir, "case.json"), "utf8")) as CaseMeta;
  const input = path.join(dir, "input");
  const root = path.join(input, meta.root);
  const restrictor = meta.flags?.some((f) => f.includes("LoadRestrictionsNone"))
    ? "LoadRestrictionsNone"
    : "LoadRestrictionsRootOnly";
  let out: string | undefined;
  let err: string | undefined;
  try {
    out = buildYaml(root, { loadRestrictor: restrictor });
  } catch (e) {
    err = errorMessage(e).split(`${input}/`).join("/").split(input).join("/");
  }
  if (meta.expect === "output") {
    if (err !== undefined) return { ok: false, detail: `unexpected error: ${err}` };
    const expected = readFileSync(path.join(dir, "expected.yaml"), "utf8");
    if (out === expected) return { ok: true, detail: "" };
    return { ok: false, detail: `output differs\n--- expected\n${expected}\n--- actual\n${out}` };
  }
  if (err === undefined) return { ok: false, detail: `expected an error, got output:\n${out}` };
  const missing = (meta.errorContains ?? []).filter((s) => !err!.includes(s));
  if (missing.length > 0) return { ok: false, detail: `error lacks ${JSON.stringify(missing)}: ${err}` };
  return { ok: true, detail: "" };
}

describe.runIf(requires("shared"))("kustomize conformance corpus", () => {
  const names = existsSync(casesDir) ? readdirSync(casesDir).sort() : [];
  it("has the 278 verified cases", () => {
    expect(names.length).toBe(278);
  });
  let passed = 0;
  for (const name of names) {
    const reason = known[name];
    it(name, () => {
      const { ok, detail } = runCase(name);
      if (reason !== undefined) {
        expect(ok, `listed as a known difference (${reason}) but now passes: remove it from the list`).toBe(
          false,
        );
        return;
      }
      expect(ok, detail).toBe(true);
      passed++;
    });
  }
  it("summary", () => {
    process.stdout.write(
      `[conformance] ${passed} of ${names.length} cases pass; ${Object.keys(known).length} listed as known differences\n`,
    );
  });
});
