import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { isMap, type KObject } from "../../src/kustomize/types.js";
import { type HelmReleaseInfo, loadPlatform } from "../../src/platform/index.js";
import { helmRelease } from "../support/flux.js";
import { writeFixture } from "./fixture.js";

/**
 * spec.postRenderStrategy of helm-controller 1.6 (Flux 2.9), which hands it to Helm 4.2's
 * renderResources (pkg/action/action.go): `combined` (the default) post-renders hooks and
 * manifests as one stream, `separate` as two independent runs (hooks first), `nohooks` only
 * the manifests. The chart below declares one ServiceAccount both as a template and as a hook,
 * the case `separate` exists for: kustomize refuses the duplicate id in one stream.
 */
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const chart = {
  "charts/dup/Chart.yaml": "apiVersion: v2\nname: dup\nversion: 0.1.0\n",
  "charts/dup/values.yaml": "{}\n",
  "charts/dup/templates/sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: dup\n",
  "charts/dup/templates/hook-sa.yaml":
    "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: dup\n  annotations:\n    helm.sh/hook: pre-install\n",
  "charts/dup/templates/deploy.yaml":
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dup\nspec:\n  template:\n    spec:\n      serviceAccountName: dup\n      containers:\n        - name: c\n          image: nginx:1.27\n",
};

function releaseYaml(name: string, strategy: string | undefined, patch: string): string {
  return `${helmRelease(
    name,
    "apps",
    "      chart: ./charts/dup\n      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}\n",
  )}${strategy ? `  postRenderStrategy: ${strategy}\n` : ""}  postRenderers:
    - kustomize:
        patches:
${patch}`;
}

const targeted = `          - target: {kind: ServiceAccount}
            patch: |
              - op: add
                path: /metadata/labels
                value: {patched: "yes"}
`;
// A strategic-merge patch with no target must match an object in every stream it is run on.
const untargeted = `          - patch: |
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: dup
                annotations: {patched: "yes"}
`;

function render(strategy: string | undefined, patch: string): HelmReleaseInfo {
  const root = writeFixture({
    ...chart,
    "apps/kustomization.yaml": "resources:\n  - helmrelease.yaml\n",
    "apps/helmrelease.yaml": releaseYaml("dup", strategy, patch),
  });
  roots.push(root);
  const p = loadPlatform(root);
  const h = p.clusters.flatMap((c) => c.helmReleases).find((x) => x.name === "dup");
  if (!h) throw new Error("no HelmRelease dup");
  return h;
}

const labelsOf = (o: KObject) =>
  isMap(o.metadata) && isMap(o.metadata.labels) ? (o.metadata.labels as Record<string, unknown>) : {};
const serviceAccounts = (h: HelmReleaseInfo) =>
  (h.resources ?? []).filter((r) => r.object.kind === "ServiceAccount");

describe("spec.postRenderStrategy", () => {
  it("combined (the default): one stream, so a hook and a template with one id fail the post-render", () => {
    for (const strategy of [undefined, "combined"]) {
      const h = render(strategy, targeted);
      expect(h.status).toBe("failed");
      expect(h.errors?.[0]?.message).toMatch(/ServiceAccount/);
    }
  });

  it("separate: hooks and manifests are post-rendered apart, both patched", () => {
    const h = render("separate", targeted);
    expect(h.errors).toEqual([]);
    expect(h.status).toBe("rendered");
    const sas = serviceAccounts(h);
    expect(sas).toHaveLength(2);
    for (const sa of sas) expect(labelsOf(sa.object).patched).toBe("yes");
    expect(sas.filter((r) => r.hook !== undefined)).toHaveLength(1);
  });

  it("nohooks: only manifests are post-rendered; the hook keeps its own labels", () => {
    const h = render("nohooks", targeted);
    expect(h.status).toBe("rendered");
    const [hook] = serviceAccounts(h).filter((r) => r.hook !== undefined);
    const [plain] = serviceAccounts(h).filter((r) => r.hook === undefined);
    expect(labelsOf(hook!.object).patched).toBeUndefined();
    expect(labelsOf(plain!.object).patched).toBe("yes");
  });

  it("separate: an untargeted patch for a template fails against the hook stream", () => {
    const h = render("separate", untargeted);
    expect(h.status).toBe("failed");
    expect(render("nohooks", untargeted).status).toBe("rendered");
  });
});
