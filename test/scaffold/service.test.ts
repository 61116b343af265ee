import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { loadPlatform } from "../../src/platform/index.js";
import { SourceFiles } from "../../src/promote/sources.js";
import { planNewService } from "../../src/scaffold/service.js";
import { deployment, ROOT, sync } from "../promote/harness.js";

/** Seed 004's shape: flux/apps/<app>/<env>, one multi-document apps file per cluster, flat sequences. */
function tree(): MemoryFileSystem {
  const files: Record<string, string> = {};
  for (const env of ["develop", "production"]) {
    files[`clusters/${env}/flux-system/gotk-sync.yaml`] = sync(env);
    files[`clusters/${env}/kustomization.yaml`] = "resources:\n- flux-system/gotk-sync.yaml\n- apps.yaml\n";
    files[`clusters/${env}/apps.yaml`] = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: backend
  namespace: flux-system
spec:
  interval: 5m
  path: ./flux/apps/backend/${env}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  targetNamespace: ${env}
  dependsOn:
  - name: flux-system
`;
    files[`flux/apps/backend/${env}/kustomization.yaml`] = "resources:\n- ../base\n";
  }
  files["flux/apps/backend/base/kustomization.yaml"] = "resources:\n- deployment.yaml\n";
  files["flux/apps/backend/base/deployment.yaml"] = deployment("backend", "ghcr.io/acme/backend:1.0.0");
  return new MemoryFileSystem(Object.fromEntries(Object.entries(files).map(([p, t]) => [`${ROOT}/${p}`, t])));
}

describe("new service follows the repository's own layout", () => {
  it("flux/apps/<app>/<env>, documents appended to the apps file, flat sequences, app settings not copied", () => {
    const fs = tree();
    const platform = loadPlatform(ROOT, { fs });
    const plan = planNewService(platform, new SourceFiles(fs, ROOT), {
      name: "worker",
      envs: [],
      dependsOn: ["backend"],
      port: 9000,
    });
    expect(plan.errors).toEqual([]);
    expect([...plan.create.keys()].sort()).toEqual([
      "flux/apps/worker/base/deployment.yaml",
      "flux/apps/worker/base/kustomization.yaml",
      "flux/apps/worker/base/namespace.yaml",
      "flux/apps/worker/base/service.yaml",
      "flux/apps/worker/base/serviceaccount.yaml",
      "flux/apps/worker/develop/kustomization.yaml",
      "flux/apps/worker/production/kustomization.yaml",
    ]);
    const apps = plan.change.get("clusters/production/apps.yaml")!.text;
    expect(apps).toContain(`---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: worker
  namespace: flux-system
spec:
  interval: 5m
  path: ./flux/apps/worker/production
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  dependsOn:
  - name: backend
`);
    expect(apps).not.toContain("targetNamespace: production\n  dependsOn:\n  - name: backend");
    expect(plan.create.get("flux/apps/worker/base/deployment.yaml")).toContain("containerPort: 9000");
    expect(plan.create.get("flux/apps/worker/base/deployment.yaml")).toContain(
      "image: ghcr.io/acme/worker:0.1.0",
    );
  });
});

describe("names from the command line become paths and YAML: each is a DNS label", () => {
  it.each([
    ["--component", { component: "../../../../outside" }, "--component ../../../../outside"],
    ["--component", { component: "a/b" }, "--component a/b"],
    ["--component", { component: ".." }, "--component .."],
    ["--namespace", { namespace: "../evil" }, "--namespace ../evil"],
  ])("%s %j: refused before anything is planned", (_, extra, message) => {
    const fs = tree();
    const plan = planNewService(loadPlatform(ROOT, { fs }), new SourceFiles(fs, ROOT), {
      name: "worker",
      envs: [],
      dependsOn: [],
      port: 9000,
      ...extra,
    });
    expect(plan.errors).toEqual([expect.stringContaining(message)]);
    expect(plan.create.size + plan.change.size).toBe(0);
  });
});
