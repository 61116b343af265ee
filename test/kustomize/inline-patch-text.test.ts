import { describe, expect, it } from "vitest";
import { buildYaml } from "../../src/kustomize/build.js";
import { tempTree } from "../support/cli.js";
import { requires } from "../support/env.js";
import { kubectlKustomize } from "../support/kubectl.js";

/**
 * kustomize's PatchTransformer trims an inline `patches:` text (Go's strings.TrimSpace) before it
 * reads it, so a block scalar that ends the patch loses its last line break: a script added by a
 * JSON patch (`value: |`), or the last of a HelmRelease's post-render patches written inside a
 * strategic merge patch (webgrip/homelab-cluster's placement component). go-yaml gives a block
 * scalar that ends the text without a line break none, where the yaml package adds one. The legacy
 * patchesJson6902 text is not trimmed.
 */
const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
data:
  a: "1"
`;

const HELMRELEASE = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app
spec:
  chart: {spec: {chart: app}}
`;

function tree(kustomization: string): string {
  return tempTree({ "kustomization.yaml": kustomization, "cm.yaml": CONFIGMAP, "hr.yaml": HELMRELEASE });
}

const JSON_PATCH = `resources: [cm.yaml]
patches:
  - target: {kind: ConfigMap}
    patch: |
      - op: add
        path: /data/script
        value: |
          echo hi
          echo bye
`;

const NESTED = `resources: [hr.yaml]
patches:
  - target: {kind: HelmRelease}
    patch: |
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata:
        name: any
      spec:
        postRenderers:
          - kustomize:
              patches:
                - target: {kind: Deployment}
                  patch: |
                    - op: add
                      path: /spec/replicas
                      value: 2
                - target: {kind: StatefulSet}
                  patch: |
                    - op: add
                      path: /spec/replicas
                      value: 3
`;

const LEGACY = `resources: [cm.yaml]
patchesJson6902:
  - target: {version: v1, kind: ConfigMap, name: cm}
    patch: |
      - op: add
        path: /data/script
        value: |
          echo hi
`;

describe("an inline patch's text", () => {
  it("is trimmed: a JSON patch's last block value has no final line break", () => {
    expect(buildYaml(tree(JSON_PATCH))).toContain("  script: |-\n    echo hi\n    echo bye\nkind:");
  });

  it("is trimmed: the last of the strategic merge patch's nested block texts has none either", () => {
    const out = buildYaml(tree(NESTED));
    expect(out).toContain("kind: Deployment\n      - patch: |-\n          - op: add\n");
    expect(out.match(/- patch: \|\n/g)).toHaveLength(1);
  });

  it("is not trimmed in patchesJson6902", () => {
    expect(buildYaml(tree(LEGACY))).toContain("  script: |\n    echo hi\nkind:");
  });

  describe.runIf(requires("kubectl"))("against kubectl kustomize", () => {
    it.each([
      ["a JSON patch", JSON_PATCH],
      ["nested block texts", NESTED],
      ["patchesJson6902", LEGACY],
    ])("%s", async (_, k) => {
      const dir = tree(k);
      const want = await kubectlKustomize(dir);
      expect(want.ok).toBe(true);
      expect(buildYaml(dir)).toBe(want.stdout);
    });
  });
});
