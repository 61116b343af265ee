import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildYaml } from "../../src/kustomize/build.js";
import { requires } from "../support/env.js";
import { kubectlKustomize } from "../support/kubectl.js";

/**
 * kustomize removes its origin annotation from every resource at the end of a build, which
 * rewrites metadata.annotations and so drops one that is empty, null or `[]` (labels stay).
 */
const resources = `apiVersion: v1
kind: ConfigMap
metadata: {name: empty, annotations: {}, labels: {}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: null-field
  annotations:
  labels:
---
apiVersion: v1
kind: ConfigMap
metadata: {name: list, annotations: []}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kept, annotations: {a: "1"}}
`;

function tree(kustomization: string, withList = true): string {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-annotations-"));
  writeFileSync(path.join(dir, "kustomization.yaml"), kustomization);
  // kustomize cannot add its origin annotation to `annotations: []` (an error there)
  const docs = withList
    ? resources
    : resources.replace(/apiVersion: v1\nkind: ConfigMap\nmetadata: \{name: list[^\n]*\n---\n/, "");
  writeFileSync(path.join(dir, "cms.yaml"), docs);
  return dir;
}

describe("empty annotations", () => {
  it("are dropped, labels are not", () => {
    const out = buildYaml(tree("resources: [cms.yaml]\n"));
    expect(out).not.toContain("annotations: {}");
    expect(out).not.toContain("annotations: null");
    expect(out).not.toContain("annotations: []");
    expect(out).toContain("labels: {}");
    expect(out).toContain("labels: null");
    expect(out).toContain('annotations:\n    a: "1"');
  });

  describe.runIf(requires("kubectl"))("against kubectl kustomize", () => {
    it.each([
      ["plain", "resources: [cms.yaml]\n", true],
      ["with a transformer run", "resources: [cms.yaml]\nnamespace: x\ncommonLabels: {a: b}\n", true],
      ["with origin annotations", "resources: [cms.yaml]\nbuildMetadata: [originAnnotations]\n", false],
    ])("%s", async (_, k, withList) => {
      const dir = tree(k, withList);
      const oracle = await kubectlKustomize(dir);
      expect(oracle.ok).toBe(true);
      expect(buildYaml(dir)).toBe(oracle.stdout);
    });
  });
});
