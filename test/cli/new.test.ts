import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkCommand } from "../../src/cli/check.js";
import { newCommand } from "../../src/cli/new.js";
import { renderCommand } from "../../src/cli/render.js";
import { sync } from "../promote/harness.js";
import { captureOutput } from "../support/capture.js";
import { repoRoot } from "../support/env.js";
import { demoKeyFile } from "../support/flux.js";

const KEY = ["--age-key-file", demoKeyFile];

function copyOfPlatform(): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-new-")));
  cpSync(path.join(repoRoot, "examples/platform"), dir, { recursive: true });
  return dir;
}

/** Every file below dir with its text. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

const run = (args: string[]) => captureOutput(() => newCommand([...args, ...KEY]));

describe("slipway new on examples/platform", () => {
  const dir = copyOfPlatform();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("service: the seeds' layout learnt from the apps, wired into every cluster, rendered and checked", async () => {
    const before = snapshot(dir);
    const r = await run([
      "service",
      "payments",
      dir,
      "--env",
      "dev,staging,production",
      "--depends-on",
      "backend",
      "--component",
      "monitoring",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("note: layout learnt from clusters/dev/apps/backend.yaml");
    expect(r.stdout).toMatch(
      /renders in dev \(19 Flux Kustomizations, \d+ objects\), production .*; no new check findings/,
    );
    const after = snapshot(dir);
    const created = [...after.keys()].filter((f) => !before.has(f)).sort();
    expect(created).toEqual([
      "apps/payments/base/deployment.yaml",
      "apps/payments/base/kustomization.yaml",
      "apps/payments/base/namespace.yaml",
      "apps/payments/base/service.yaml",
      "apps/payments/base/serviceaccount.yaml",
      "apps/payments/components/monitoring/kustomization.yaml",
      "apps/payments/overlays/dev/kustomization.yaml",
      "apps/payments/overlays/production/kustomization.yaml",
      "apps/payments/overlays/staging/kustomization.yaml",
      "clusters/dev/apps/payments.yaml",
      "clusters/production/apps/payments.yaml",
      "clusters/staging/apps/payments.yaml",
    ]);
    const changed = [...before.keys()].filter((f) => before.get(f) !== after.get(f)).sort();
    expect(changed).toEqual([
      "clusters/dev/apps/kustomization.yaml",
      "clusters/production/apps/kustomization.yaml",
      "clusters/staging/apps/kustomization.yaml",
    ]);
    expect(after.get("clusters/staging/apps/kustomization.yaml")).toBe(
      `${before.get("clusters/staging/apps/kustomization.yaml")}  - payments.yaml\n`,
    );
    expect(
      after.get("clusters/production/apps/payments.yaml"),
    ).toBe(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: payments
  namespace: flux-system
spec:
  interval: 10m
  retryInterval: 2m
  timeout: 5m
  prune: true
  wait: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  path: ./apps/payments/overlays/production
  dependsOn:
    - name: backend
  postBuild:
    substituteFrom:
      - kind: ConfigMap
        name: cluster-vars
      - kind: Secret
        name: cluster-secrets
        optional: true
`);
    expect(after.get("apps/payments/overlays/staging/kustomization.yaml")).toBe(`# staging: payments
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
components:
  - ../../components/monitoring
images:
  - name: ghcr.io/acme-platform/payments
    newTag: 0.1.0
`);
    // Independently: check passes and every environment renders the new app.
    const check = await captureOutput(() => checkCommand([dir, ...KEY]));
    expect(check.code).toBe(0);
    for (const env of ["dev", "staging", "production"]) {
      const out = await captureOutput(() =>
        renderCommand([dir, "--cluster", env, "--kustomization", "flux-system/payments", ...KEY]),
      );
      expect(out.code).toBe(0);
      expect(out.stdout).toContain("image: ghcr.io/acme-platform/payments:0.1.0");
    }
  });

  it("never overwrites, and refuses unknown dependencies and names it cannot use", async () => {
    const before = snapshot(dir);
    const again = await run(["service", "payments", dir]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("✗ dev already has a Flux Kustomization named 'payments'");
    mkdirSync(path.join(dir, "apps/orders/base"), { recursive: true });
    writeFileSync(path.join(dir, "apps/orders/base/service.yaml"), "# mine\n");
    const exists = await run(["service", "orders", dir]);
    expect(exists.code).toBe(1);
    expect(exists.stdout).toContain(
      "✗ apps/orders/base/service.yaml already exists; slipway new never overwrites a file",
    );
    rmSync(path.join(dir, "apps/orders"), { recursive: true });
    const dep = await run(["service", "orders", dir, "--depends-on", "nope"]);
    expect(dep.code).toBe(1);
    expect(dep.stdout).toMatch(/--depends-on nope: dev has no Flux Kustomization named 'nope' \(it has: /);
    expect((await run(["service", "Orders!", dir])).code).toBe(1);
    expect((await run(["widget", "x", dir])).code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
  });

  it("--dry-run writes nothing", async () => {
    const before = snapshot(dir);
    const r = await run(["service", "orders", dir, "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("would create  apps/orders/base/deployment.yaml");
    expect(snapshot(dir)).toEqual(before);
  });

  it("app-helm: a HelmRelease app laid out like the infrastructure's", async () => {
    const r = await run([
      "app-helm",
      "podinfo",
      dir,
      "--chart",
      "oci://ghcr.io/stefanprodan/charts/podinfo",
      "--version",
      "6.9.2",
      "--depends-on",
      "traefik",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("created  infrastructure/base/podinfo/ocirepository.yaml");
    expect(r.stdout).toContain("created  infrastructure/overlays/staging/podinfo/kustomization.yaml");
    expect(r.stdout).toContain(
      "changed  clusters/staging/infrastructure/observability.yaml (adds Flux Kustomization podinfo)",
    );
    expect(readFileSync(path.join(dir, "infrastructure/base/podinfo/ocirepository.yaml"), "utf8")).toContain(
      "ref:\n    tag: 6.9.2\n",
    );
    const helm = await run(["app-helm", "other", dir, "--chart", "podinfo"]);
    expect(helm.code).toBe(2);
  });

  it("cluster: a new environment wired like an existing one", async () => {
    const r = await run(["cluster", "qa", dir, "--like", "staging"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/renders in qa \(\d+ Flux Kustomizations, \d+ objects\); no new check findings/);
    expect(readFileSync(path.join(dir, "clusters/qa/flux-system/gotk-sync.yaml"), "utf8")).toContain(
      "path: ./clusters/qa\n",
    );
    expect(readFileSync(path.join(dir, "clusters/qa/cluster-vars.yaml"), "utf8")).toContain(
      "cluster_name: qa\n",
    );
    expect(existsSync(path.join(dir, "apps/backend/overlays/qa/kustomization.yaml"))).toBe(true);
    expect(existsSync(path.join(dir, "clusters/qa/cluster-secrets.sops.yaml"))).toBe(false);
    expect(readFileSync(path.join(dir, "clusters/qa/kustomization.yaml"), "utf8")).not.toContain(
      "cluster-secrets.sops.yaml",
    );
    const check = await captureOutput(() => checkCommand([dir, "--cluster", "qa", ...KEY]));
    expect(check.code).toBe(0);
    expect((await run(["cluster", "qa", dir])).code).toBe(1);
  });
});

describe("slipway new without apps to learn from", () => {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-new-empty-")));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const env of ["staging", "production"]) {
    mkdirSync(path.join(dir, `clusters/${env}/flux-system`), { recursive: true });
    writeFileSync(path.join(dir, `clusters/${env}/flux-system/gotk-sync.yaml`), sync(env));
    writeFileSync(
      path.join(dir, `clusters/${env}/kustomization.yaml`),
      "resources:\n  - flux-system/gotk-sync.yaml\n",
    );
  }

  it("uses the seeds' layout", async () => {
    const r = await run(["service", "api", dir, "--image", "registry.example.com/api:1.0.0"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "note: no existing app to learn from: using the seeds' layout (apps/<app>/{base,overlays/<env>})",
    );
    expect(readFileSync(path.join(dir, "clusters/staging/kustomization.yaml"), "utf8")).toBe(
      "resources:\n  - flux-system/gotk-sync.yaml\n  - apps\n",
    );
    expect(readFileSync(path.join(dir, "clusters/staging/apps/kustomization.yaml"), "utf8")).toContain(
      "  - api.yaml\n",
    );
    expect(readFileSync(path.join(dir, "clusters/production/apps/api.yaml"), "utf8")).toContain(
      "path: ./apps/api/overlays/production\n",
    );
    expect(readFileSync(path.join(dir, "apps/api/overlays/production/kustomization.yaml"), "utf8")).toContain(
      "newTag: 1.0.0\n",
    );
  });
});

describe("slipway new in a repository as found in the wild", () => {
  // flux2-kustomize-helm-example's layout (the bootstrap's sync is not in the repository), with
  // one Kustomization that already fails to render (a generator's file is missing).
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-new-wild-")));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ks = (name: string, p: string) =>
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${p}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
  const file = (f: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  };
  for (const env of ["staging", "production"]) {
    file(`clusters/${env}/flux-system/gotk-sync.yaml`, "# written by flux bootstrap\n");
    file(`clusters/${env}/infrastructure.yaml`, ks("infrastructure", "./infrastructure"));
    file(`clusters/${env}/broken.yaml`, ks("broken", "./broken"));
  }
  file("infrastructure/kustomization.yaml", "resources: [ns.yaml]\n");
  file("infrastructure/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: infra\n");
  file("broken/kustomization.yaml", "configMapGenerator:\n  - name: cfg\n    files: [missing.conf]\n");

  it("keeps the clusters it found, and says what failed before instead of refusing", async () => {
    const r = await run(["service", "api", dir, "--image", "registry.example.com/api:1.0.0"]);
    expect(r.stdout).toContain("note: staging: Flux Kustomization flux-system/broken does not render");
    expect(r.stdout).toContain("(it failed before too)");
    expect(r.stdout).toContain("renders in production (");
    expect(r.code).toBe(0);
    // The new folder of Kustomizations is part of each cluster, not a cluster of its own.
    const graph = await captureOutput(() => renderCommand([dir, "--format", "json"]));
    expect(graph.stderr).toContain("found 2 clusters");
    expect(existsSync(path.join(dir, "clusters/staging/apps/api.yaml"))).toBe(true);
  });
});
