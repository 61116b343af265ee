import { describe, expect, it } from "vitest";
import { ks } from "../support/flux.js";
import { loadMemoryPlatform } from "../support/memory-platform.js";

describe("a Component listed under resources: of a Flux Kustomization's path (carpenike)", () => {
  it("fails at the entry of the repository's file, not of the file Flux rewrites", () => {
    const p = loadMemoryPlatform({
      "clusters/prod/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
      "clusters/prod/app.yaml": ks("app", "  path: ./apps/app\n"),
      "apps/app/kustomization.yaml":
        "---\n# yaml-language-server: $schema=https://json.schemastore.org/kustomization\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./cm.yaml\n  - ../../components/volsync\n",
      "apps/app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n",
      "components/volsync/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: []\n",
    });
    const app = p.clusters[0]!.kustomizations.find((k) => k.id === "flux-system/app")!;
    expect(app.errors.map((e) => [e.file, e.line])).toEqual([["apps/app/kustomization.yaml", 7]]);
    expect(app.errors[0]!.message).toContain(
      "expected kind != 'Component' for path '/repo/components/volsync' (/repo/components/volsync/kustomization.yaml is a Component",
    );
  });
});
