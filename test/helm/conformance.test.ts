import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { requires } from "../support/env.js";
import knownFailures from "./conformance-known-failures.json" with { type: "json" };
import { corpus, runCorpusCase } from "./corpus.js";

/**
 * The Helm conformance corpus (../shared/conformance/helm, README there): every case of cases/ and
 * templates/ run in-process through `slipway helm template`'s own code path, stdout compared byte
 * for byte with Helm 4.1.4's (error cases must fail, nondeterministic ones must succeed). Cases in
 * conformance-known-failures.json are expected to fail until the engine is complete; one that
 * passes must be removed from the list.
 */
const known = knownFailures as Record<string, string>;

function caseIds(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const group of ["cases", "templates"]) {
    const d = path.join(corpus, group);
    if (!existsSync(d)) continue;
    for (const id of readdirSync(d).sort()) out.push([group, id]);
  }
  return out;
}

describe.runIf(requires("shared"))("Helm conformance corpus (helm template, Helm 4.1.4)", () => {
  const ids = caseIds();
  it("has the 313 cases", () => {
    expect(ids.length).toBe(313);
  });
  let passed = 0;
  for (const [group, id] of ids) {
    const key = `${group}/${id}`;
    const reason = known[key];
    it(key, () => {
      const { ok, detail } = runCorpusCase(group, id);
      if (ok) passed++;
      if (reason !== undefined) {
        expect(ok, `listed as a known failure (${reason}) but passes now: remove it from the list`).toBe(
          false,
        );
        return;
      }
      expect(ok, detail).toBe(true);
    });
  }
  it("summary", () => {
    process.stdout.write(
      `[helm conformance] ${passed} of ${ids.length} cases pass; ${Object.keys(known).length} listed as known failures\n`,
    );
  });
});
