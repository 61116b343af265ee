/**
 * Flux 2.x repositories inject settings into every Flux Kustomization a parent applies with the
 * parent's `spec.patches` (decryption, postBuild.substituteFrom, defaults): kustomize-controller
 * patches its build output, children included, so each child runs with the patched spec.
 */
import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { loadPlatform } from "../../src/platform/index.js";
import { ks, SYNC } from "../support/flux.js";

describe("a parent Kustomization's spec.patches reach the Flux objects it creates", () => {
  const parent = ks(
    "cluster-apps",
    `  interval: 1h
  path: ./apps
  prune: true
  patches:
    - target:
        group: kustomize.toolkit.fluxcd.io
        kind: Kustomization
      patch: |-
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: _
        spec:
          postBuild:
            substituteFrom:
              - kind: ConfigMap
                name: cluster-settings
`,
  );
  const fs = new MemoryFileSystem({
    "/repo/clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "/repo/clusters/c/apps.yaml": parent,
    "/repo/clusters/c/settings.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-settings\n  namespace: flux-system\ndata:\n  DOMAIN: example.org\n",
    "/repo/apps/kustomization.yaml": "resources:\n  - web.yaml\n",
    "/repo/apps/web.yaml": ks("web", "  interval: 1h\n  path: ./web\n  prune: true\n"),
    "/repo/web/kustomization.yaml": "resources:\n  - cm.yaml\n",
    "/repo/web/cm.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: default\ndata:\n  host: web.${DOMAIN}\n",
  });
  const p = loadPlatform("/repo", { fs });
  const c = p.clusters[0]!;

  it("the child is created with the patched spec and substitutes from the injected source", () => {
    const web = c.kustomizations.find((k) => k.id === "flux-system/web")!;
    expect(web.appliedBy).toBe("flux-system/cluster-apps");
    expect((web.object.spec as { postBuild: unknown }).postBuild).toEqual({
      substituteFrom: [{ kind: "ConfigMap", name: "cluster-settings" }],
    });
    expect(web.errors).toEqual([]);
    expect(web.resources.map((r) => r.object.data)).toEqual([{ host: "web.example.org" }]);
  });
});
