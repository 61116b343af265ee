import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { builtinSchemaRegistry, strategicMergePatch } from "../../../src/kustomize/patch/index.js";
import type { YamlMap } from "../../../src/kustomize/types.js";
import { requires } from "../../support/env.js";
import { generateCases } from "./generate-cases.js";
import { type PatchMode, runKubectlCases } from "./kubectl-harness.js";

/** What kustomize does around the merge: the target keeps its name, kind and namespace. */
function ourResult(target: YamlMap, patch: YamlMap): YamlMap | { error: string } | null {
  try {
    const registry = builtinSchemaRegistry();
    const out = strategicMergePatch(target, patch, undefined, registry);
    if (out === null) return null;
    const meta = target.metadata as YamlMap;
    out.kind = target.kind;
    if (out.metadata && typeof out.metadata === "object") (out.metadata as YamlMap).name = meta.name;
    return out;
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function compare(
  cases: Array<{ target: YamlMap; patch: YamlMap; patchText: string }>,
  mode: PatchMode,
): string[] {
  const expected = runKubectlCases(
    cases.map((c) => ({ target: c.target, patch: c.patchText })),
    mode,
  );
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const ours = ourResult(c.target, c.patch);
    const theirs = expected[i];
    const bothFail = theirs !== null && "error" in theirs && ours !== null && "error" in ours;
    if (bothFail) return;
    try {
      expect(ours).toEqual(theirs);
    } catch {
      failures.push(
        `case ${i}\n--- target\n${JSON.stringify(c.target)}\n--- patch\n${c.patchText}\n--- kubectl\n${JSON.stringify(theirs)}\n--- ours\n${JSON.stringify(ours)}`,
      );
    }
  });
  return failures;
}

describe.runIf(requires("kubectl"))("strategic merge vs kubectl kustomize", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`generated cases, seed ${seed} (patches: path)`, () => {
      const failures = compare(generateCases(seed, 40), "patches-path");
      expect(failures.slice(0, 3).join("\n\n")).toBe("");
    });
  }

  it("generated cases via patchesStrategicMerge", () => {
    const failures = compare(generateCases(11, 30), "patchesStrategicMerge");
    expect(failures.slice(0, 3).join("\n\n")).toBe("");
  });

  it("generated cases via inline patches", () => {
    const failures = compare(generateCases(12, 30), "patches-inline");
    expect(failures.slice(0, 3).join("\n\n")).toBe("");
  });

  it("hand-picked edge cases", () => {
    const deployment = (name: string, spec: string) =>
      parse(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n${spec}`) as YamlMap;
    const containers =
      "  template:\n    spec:\n      containers:\n      - name: c1\n        image: i1\n      - name: c2\n        image: i2\n";
    const edge: Array<[string, string]> = [
      [containers, "  template:\n    spec:\n      containers:\n      - whatever\n      - $patch: delete\n"],
      [containers, "  template:\n    spec:\n      containers:\n      - name: n\n      - $patch: replace\n"],
      [containers, "  template:\n    spec:\n      containers:\n      - name: n\n      - $patch: merge\n"],
      [containers, "  template:\n    spec:\n      containers:\n      - image: noname\n"],
      [
        containers,
        "  template:\n    spec:\n      containers:\n      - name: c1\n        $patch: replace\n        image: new\n",
      ],
      [containers, "  template:\n    spec:\n      containers: []\n"],
      [containers, "  template:\n    spec:\n      containers: null\n"],
      [containers, "  template:\n    spec:\n      $patch: delete\n"],
      [containers, "  $patch: replace\n  replicas: 2\n"],
      [
        "  template:\n    spec: {}\n",
        "  template:\n    spec:\n      containers:\n      - name: n\n      - $patch: replace\n",
      ],
      ["  nullfield: null\n  keep: 1\n", "  keep: 2\n"],
      [
        containers,
        "  template:\n    spec:\n      containers:\n      - name: c1\n        ports:\n        - containerPort: 80\n        - containerPort: 80\n          protocol: UDP\n",
      ],
    ];
    const cases = edge.map(([t, p], i) => {
      const target = deployment(`edge${i}`, t);
      const patch = deployment(`edge${i}`, p);
      return {
        target,
        patch,
        patchText: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: edge${i}\nspec:\n${p}`,
      };
    });
    const failures = compare(cases, "patches-path");
    expect(failures.slice(0, 3).join("\n\n")).toBe("");
  });
});
