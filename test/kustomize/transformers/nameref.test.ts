import { describe, expect, it } from "vitest";
import { defaultNameReference, type NameReferenceSpec } from "../../../src/kustomize/builtin-fieldspecs.js";
import { fixNameReferences } from "../../../src/kustomize/transformers/nameref.js";
import type { KObject } from "../../../src/kustomize/types.js";
import { resMapOf } from "./kubectl-oracle.js";

/** A ConfigMap renamed `p-settings`, and a custom kind and a Pod that refer to its old name. */
function renamedBuild() {
  const m = resMapOf([
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" } },
    {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w" },
      spec: { configName: "settings" },
    },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { volumes: [{ name: "v", configMap: { name: "settings" } }] },
    },
  ] as KObject[]);
  const cm = m.resources()[0]!;
  cm.storePreviousId();
  cm.setName("p-settings");
  const [, widget, pod] = m.resources();
  return { m, widget: widget!.obj as KObject, pod: pod!.obj as KObject };
}

describe("fixNameReferences", () => {
  // The fields each kind refers through are kept per table across builds: a build with another
  // table (a `configurations:` file) must use its own, and the next builtin one the builtin's.
  it("uses each build's own nameReference table, one build after another", () => {
    const custom: NameReferenceSpec[] = [
      ...defaultNameReference.filter((s) => s.kind !== "ConfigMap"),
      { kind: "ConfigMap", version: "v1", fieldSpecs: [{ kind: "Widget", path: "spec/configName" }] },
    ];
    for (const [specs, widgetRef, podRef] of [
      [defaultNameReference, "settings", "p-settings"],
      [custom, "p-settings", "settings"],
      [defaultNameReference, "settings", "p-settings"],
      [custom, "p-settings", "settings"],
    ] as const) {
      const { m, widget, pod } = renamedBuild();
      fixNameReferences(m, specs);
      expect((widget.spec as { configName: string }).configName).toBe(widgetRef);
      expect(pod.spec).toEqual({ volumes: [{ name: "v", configMap: { name: podRef } }] });
    }
  });
});
