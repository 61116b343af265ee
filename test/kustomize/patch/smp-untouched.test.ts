import { describe, expect, it } from "vitest";
import { builtinSchemaRegistry, strategicMergePatch } from "../../../src/kustomize/patch/index.js";
import type { YamlMap } from "../../../src/kustomize/types.js";
import { isEmptyNull, markEmptyNull } from "../../../src/yaml/empty-null.js";
import { parseYaml } from "../../../src/yaml/index.js";

/**
 * Fields a strategic merge patch does not name are left as they are only when kyaml's walk
 * would leave them so: below them, empty nulls are still dropped, explicit ones kept, and a
 * map naming a built-in type still has its lists merged by their keys.
 */
const registry = builtinSchemaRegistry();
const y = (text: string) => parseYaml(text, "t.yaml") as YamlMap;
const helmRelease = (values: string) =>
  y(
    `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: r\nspec:\n  interval: 1h\n  values:\n${values}`,
  );
const timeoutPatch = () =>
  y(
    "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: r\nspec:\n  timeout: 10m\n",
  );
const values = (out: YamlMap | null) => ((out as YamlMap).spec as YamlMap).values as YamlMap;

describe("strategicMergePatch: fields the patch does not name", () => {
  it("keeps them, lists included, as they are", () => {
    const out = strategicMergePatch(
      helmRelease("    a: {b: 1, c: [x, y, x], d: {e: true}}\n    f: [{name: n}, {name: n}]\n"),
      timeoutPatch(),
      undefined,
      registry,
    );
    expect(values(out)).toEqual({
      a: { b: 1, c: ["x", "y", "x"], d: { e: true } },
      f: [{ name: "n" }, { name: "n" }],
    });
    expect(((out as YamlMap).spec as YamlMap).timeout).toBe("10m");
  });

  it("drops an empty null below them and keeps an explicit one", () => {
    const out = strategicMergePatch(
      helmRelease("    a:\n      empty:\n      explicit: null\n      b: 1\n"),
      timeoutPatch(),
      undefined,
      registry,
    );
    expect(values(out)).toEqual({ a: { explicit: null, b: 1 } });
  });

  it("merges the keyed lists of an embedded object of a built-in type (the last of two same-named items wins, as in kyaml)", () => {
    const out = strategicMergePatch(
      helmRelease(
        "    manifest:\n      apiVersion: v1\n      kind: Pod\n      metadata: {name: p}\n      spec:\n        containers:\n        - {name: a, image: one}\n        - {name: a, image: two}\n",
      ),
      timeoutPatch(),
      undefined,
      registry,
    );
    expect(((values(out).manifest as YamlMap).spec as YamlMap).containers).toEqual([
      { name: "a", image: "two" },
    ]);
  });

  it("forgets an empty-null mark left on a field that has a value since", () => {
    const target = helmRelease("    a: {b: 1}\n");
    markEmptyNull(values(target), "a");
    const out = strategicMergePatch(target, timeoutPatch(), undefined, registry) as YamlMap;
    values(out).a = null;
    expect(isEmptyNull(values(out), "a")).toBe(false);
  });

  it("looks at each map below a field the patch does not name a bounded number of times, however deep", () => {
    // Each level names a type no registry knows (so each is looked up) and holds a large sibling;
    // a null at the bottom makes every level one the walk goes into.
    const depth = 60;
    let tree: YamlMap = { apiVersion: "x/v1", kind: "Leaf", end: null };
    for (let i = 0; i < depth; i++)
      tree = { apiVersion: "x/v1", kind: "Level", a: { apiVersion: "x/v1", kind: "Side", b: 1 }, z: tree };
    let lookups = 0;
    const counting = {
      lookup: (apiVersion: string, kind: string) => {
        lookups++;
        return registry.lookup(apiVersion, kind);
      },
    };
    const out = strategicMergePatch({ kind: "K", tree }, { kind: "K", other: 1 }, undefined, counting);
    expect((out as YamlMap).other).toBe(1);
    // Twice per map at most (scanned once, walked once); a scan per level would be ~depth²/2.
    expect(lookups).toBeLessThanOrEqual(4 * (depth + 1) + 4);
  });
});
