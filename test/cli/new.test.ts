import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkCommand } from "../../src/cli/check.js";
import { newCommand } from "../../src/cli/new.js";
import { renderCommand } from "../../src/cli/render.js";
import { encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { sync } from "../promote/harness.js";
import { captureOutput } from "../support/capture.js";
import { hasShared, repoRoot, sharedDir } from "../support/env.js";
import { demoKeyFile } from "../support/flux.js";

const KEY = ["--age-key-file", demoKeyFile];
/** The public half of examples/demo-keys/age.agekey. */
const DEMO_RECIPIENT = "age1lt4csfl3qnmkm83ghffmfa0zu5m7mzwge4d9sv53af00m7qjmytsn855wr";

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
    // An image no node could pull (a pasted comment, a newline, upper case) or a digest the
    // overlays' newTag cannot hold is bad usage, not a service that renders and checks clean.
    for (const image of ["ghcr.io/acme/orders:1.0 # rc", "ghcr.io/acme/orders:1\nx: y", "Acme/Orders:1"]) {
      const bad = await run(["service", "orders", dir, "--image", image]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(`--image: ${JSON.stringify(image)} is not a valid image reference`);
    }
    const digest = await run([
      "service",
      "orders",
      dir,
      "--image",
      `ghcr.io/acme/orders@sha256:${"0".repeat(64)}`,
    ]);
    expect(digest.code).toBe(2);
    expect(digest.stderr).toContain("--image takes REPO[:TAG]");
    expect(snapshot(dir)).toEqual(before);
  });

  it("prints no control character it was given", async () => {
    const r = await run(["service", "x\u001b]0;title\u0007y\u001b[2J", dir, "--env", "dev\u001b[31m"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("is not a valid name");
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
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

  // Found probing by hand: `--namespace kube-system` wrote a Namespace kube-system of the app's
  // own (pruned with it), and `--namespace flux-system` was refused for clashing with Flux's.
  it("app-helm in a namespace the cluster has: no Namespace of its own", async () => {
    for (const [name, ns] of [
      ["metrics-server", "kube-system"],
      ["flux-ui", "flux-system"],
    ] as const) {
      const r = await run([
        "app-helm",
        name,
        dir,
        "--chart",
        `oci://ghcr.io/example/charts/${name}`,
        "--version",
        "1.0.0",
        "--namespace",
        ns,
      ]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(existsSync(path.join(dir, `infrastructure/base/${name}/namespace.yaml`))).toBe(false);
      const listing = readFileSync(path.join(dir, `infrastructure/base/${name}/kustomization.yaml`), "utf8");
      expect(listing).toContain(`namespace: ${ns}\n`);
      expect(listing).not.toContain("namespace.yaml");
      expect(readFileSync(path.join(dir, `infrastructure/base/${name}/helmrelease.yaml`), "utf8")).toContain(
        `namespace: ${ns}\n`,
      );
    }
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

describe("slipway new cluster: what the copy inherits from its reference", () => {
  // A reference named like a word of check messages ("cluster": the Flux Operator layouts), a
  // warning it has already, and a kustomization that lists nothing but SOPS files.
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-new-inherit-")));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (f: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  };

  it("copies its warnings and its failures without calling them new, and empties a list of SOPS files", async () => {
    // The root applies an encrypted Secret, so it decrypts (else kustomize-controller refuses it).
    file(
      "clusters/cluster/flux-system/gotk-sync.yaml",
      sync("cluster").replace(
        "  path: ./clusters/cluster\n",
        "  path: ./clusters/cluster\n  decryption:\n    provider: sops\n",
      ),
    );
    file(
      "clusters/cluster/kustomization.yaml",
      "resources:\n  - flux-system/gotk-sync.yaml\n  - secrets\n  - web.yaml\n  - broken.yaml\n",
    );
    file(
      "clusters/cluster/web.yaml",
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n",
    );
    const rule = ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^(data|stringData)$" });
    const secret =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\n  namespace: default\nstringData:\n  token: s3cr3t\n";
    file(
      "clusters/cluster/secrets/token.sops.yaml",
      (await encryptSops(secret, { file: "token.sops.yaml", rule, config: null })).toString("utf8"),
    );
    file("clusters/cluster/secrets/kustomization.yaml", "resources:\n  - token.sops.yaml\n");
    file(
      "clusters/cluster/broken.yaml",
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: broken\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./broken\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
    );
    file("broken/kustomization.yaml", "configMapGenerator:\n  - name: cfg\n    files: [missing.conf]\n");
    const check = await captureOutput(() => checkCommand([dir, ...KEY]));
    expect(check.stdout).toMatch(/of cluster cluster/);
    const r = await run(["cluster", "qa", dir, "--like", "cluster"]);
    expect(r.stdout).toContain("note: qa: Flux Kustomization flux-system/broken does not render: ");
    expect(r.stdout).toContain("(it fails in cluster too)");
    expect(r.stdout).toContain("renders in qa (");
    expect(r.stdout).toContain("no new check findings");
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, "clusters/qa/secrets/kustomization.yaml"), "utf8")).toBe(
      "resources: []\n",
    );
    expect(existsSync(path.join(dir, "clusters/qa/secrets/token.sops.yaml"))).toBe(false);
  });
});

describe("slipway new cluster: a failing Kustomization whose path is in the cluster's own folder", () => {
  // giantswarm/gitops-template: its workload clusters' Kustomizations fail to substitute in the
  // reference too, and their paths are below the folder the copy creates.
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-new-ownpath-")));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (f: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  };

  it("checks the planned folders, not the disk: the copy's path is not missing", async () => {
    file("clusters/staging/flux-system/gotk-sync.yaml", sync("staging"));
    file(
      "clusters/staging/kustomization.yaml",
      "resources:\n  - flux-system/gotk-sync.yaml\n  - local.yaml\n",
    );
    file(
      "clusters/staging/local.yaml",
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: local\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./clusters/staging/local\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
    );
    file(
      "clusters/staging/local/kustomization.yaml",
      "configMapGenerator:\n  - name: cfg\n    files: [missing.conf]\n",
    );
    const r = await run(["cluster", "qa", dir, "--like", "staging"]);
    expect(r.stdout).toContain("note: qa: Flux Kustomization flux-system/local does not render: ");
    expect(r.stdout).toContain("(it fails in staging too)");
    expect(r.stdout).not.toContain("flux-path-missing");
    expect(r.code).toBe(0);
    expect(existsSync(path.join(dir, "clusters/qa/local/kustomization.yaml"))).toBe(true);
  });
});

describe("slipway new cluster: symbolic links in the reference's folders", () => {
  // A pull request can plant `clusters/staging/notes.txt -> ~/.config/sops/age/keys.txt`: the
  // copy read through it and wrote what it found into the repository as a regular file. Flux's
  // artifact holds no links, so they are not copied, and the notes say so.
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-new-links-")));
  const outside = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-new-outside-")));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  const file = (f: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  };

  it("copies no link, nor what it points to, and names each", async () => {
    file("clusters/staging/flux-system/gotk-sync.yaml", sync("staging"));
    file("clusters/staging/kustomization.yaml", "resources:\n  - flux-system/gotk-sync.yaml\n");
    writeFileSync(path.join(outside, "keys.txt"), "AGE-SECRET-KEY-1NOTAREALKEY\n");
    mkdirSync(path.join(outside, "more"));
    writeFileSync(
      path.join(outside, "more/cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    );
    symlinkSync(path.join(outside, "keys.txt"), path.join(dir, "clusters/staging/notes.txt"));
    symlinkSync(path.join(outside, "more"), path.join(dir, "clusters/staging/more"));
    symlinkSync("kustomization.yaml", path.join(dir, "clusters/staging/inside.yaml"));
    const r = await run(["cluster", "qa", dir, "--like", "staging"]);
    expect(r.code, r.stderr).toBe(0);
    for (const link of ["inside.yaml", "more", "notes.txt"]) {
      expect(r.stdout).toContain(`note: not copied: clusters/staging/${link} is a symbolic link`);
      expect(existsSync(path.join(dir, "clusters/qa", link))).toBe(false);
    }
    expect([...snapshot(path.join(dir, "clusters/qa")).values()].join("\n")).not.toContain("AGE-SECRET-KEY");
  });
});

describe("slipway new cluster: a hub whose Flux Kustomizations apply to other clusters", () => {
  // fluxcd/flux2-hub-spoke-example: a copy of the hub reconciled the same spokes, silently.
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-new-hub-")));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (f: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  };

  it("says which, and that the copies reconcile the same clusters", async () => {
    file("clusters/staging/flux-system/gotk-sync.yaml", sync("staging"));
    file(
      "clusters/staging/kustomization.yaml",
      "resources:\n  - flux-system/gotk-sync.yaml\n  - spoke.yaml\n",
    );
    file(
      "clusters/staging/spoke.yaml",
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: spoke-apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./clusters/staging/spoke\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  kubeConfig:\n    secretRef:\n      name: spoke-kubeconfig\n",
    );
    file(
      "clusters/staging/spoke/cm.yaml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n",
    );
    const r = await run(["cluster", "qa", dir, "--like", "staging", "--dry-run"]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(
      "note: flux-system/spoke-apps of staging apply to other clusters (spec.kubeConfig): their copies in clusters/qa would reconcile the same clusters; point them at qa's own",
    );
  });
});

describe("slipway new cluster: a reference synced from outside its directory", () => {
  // The home-operations layouts: a FluxInstance elsewhere syncs kubernetes/flux/cluster, so a
  // copy of that directory is synced by nothing and is no cluster.
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-new-unsynced-")));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, "bootstrap"), { recursive: true });
  mkdirSync(path.join(dir, "clusters/staging"), { recursive: true });
  writeFileSync(path.join(dir, "bootstrap/sync.yaml"), sync("staging"));
  writeFileSync(
    path.join(dir, "clusters/staging/cm.yaml"),
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n",
  );

  it("is refused, saying where the reference's sync is", async () => {
    const r = await run(["cluster", "qa", dir, "--like", "staging"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "✗ the new cluster does not show up in any cluster after rendering: staging is synced from bootstrap/sync.yaml:",
    );
    expect(r.stdout).toContain("outside clusters/staging, and nothing syncs the copy");
    expect(existsSync(path.join(dir, "clusters/qa"))).toBe(false);
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

describe("slipway new in the home-operations layout", () => {
  // onedr0p/home-ops and bjw-s-labs/home-ops: kubernetes/apps/<namespace>/<app>/{ks.yaml,app/}.
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-new-homeops-")));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (f: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  };
  const read = (f: string) => readFileSync(path.join(dir, f), "utf8");
  const source = "  sourceRef:\n    kind: GitRepository\n    name: flux-system\n    namespace: flux-system\n";
  file(
    "kubernetes/flux/cluster/ks.yaml",
    ["apps", "meta"]
      .map(
        (n) =>
          `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: cluster-${n}\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ./kubernetes/${n === "apps" ? "apps" : "flux/meta"}\n  prune: true\n${source}`,
      )
      .join("---\n"),
  );
  file(
    "kubernetes/flux/meta/settings.yaml",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-settings\n  namespace: flux-system\ndata:\n  TZ: UTC\n",
  );
  file(
    "kubernetes/apps/default/kustomization.yaml",
    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: default\nresources:\n  - ./namespace.yaml\n  - ./echo/ks.yaml\n",
  );
  file(
    "kubernetes/apps/default/namespace.yaml",
    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n",
  );
  file(
    "kubernetes/apps/default/echo/ks.yaml",
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: echo\nspec:\n  interval: 1h\n  path: ./kubernetes/apps/default/echo/app\n  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: echo-only\n  prune: true\n${source}  targetNamespace: default\n  wait: false\n`,
  );
  file(
    "kubernetes/apps/default/echo/app/kustomization.yaml",
    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./configmap.yaml\n",
  );
  file(
    "kubernetes/apps/default/echo/app/configmap.yaml",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: echo-only\n  namespace: default\ndata:\n  a: b\n",
  );

  it("service in a new namespace: its directory shaped like the neighbour's, the app in <ns>/<app>/{ks.yaml,app/}", async () => {
    const r = await run(["service", "hello", dir, "--image", "ghcr.io/acme/hello:1.0.0"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "layout learnt from kubernetes/apps/default/echo/ks.yaml: kubernetes/apps/<namespace>/<app>/{ks.yaml,app/}",
    );
    expect(read("kubernetes/apps/hello/kustomization.yaml")).toBe(
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: hello\nresources:\n  - ./namespace.yaml\n  - ./hello/ks.yaml\n",
    );
    // The neighbour's Namespace file, renamed (its annotations kept).
    expect(read("kubernetes/apps/hello/namespace.yaml")).toContain("  name: hello\n  annotations:\n");
    const ks = read("kubernetes/apps/hello/hello/ks.yaml");
    expect(ks).toContain("  path: ./kubernetes/apps/hello/hello/app\n");
    expect(ks).toContain("  targetNamespace: hello\n");
    expect(ks).toContain("  wait: false\n");
    // The neighbour's own substitution source is not copied.
    expect(ks).not.toContain("echo-only");
    expect(read("kubernetes/apps/hello/hello/app/kustomization.yaml")).toContain(
      "resources:\n  - ./serviceaccount.yaml\n  - ./deployment.yaml\n  - ./service.yaml\n",
    );
    // Plain YAML: no anchors for the labels the objects share.
    expect(read("kubernetes/apps/hello/hello/app/deployment.yaml")).not.toMatch(/[&*]a\d/);
    const rendered = await captureOutput(() => renderCommand([dir]));
    expect(rendered.stdout).toMatch(
      /kind: Deployment\nmetadata:\n(?:.*\n)*? {2}name: hello\n {2}namespace: hello\n/,
    );
  });

  it("service and app-helm in an existing namespace: listed there, dependencies in other namespaces named", async () => {
    const r = await run(["service", "web", dir, "--namespace", "default", "--depends-on", "cluster-meta"]);
    expect(r.code).toBe(0);
    expect(read("kubernetes/apps/default/kustomization.yaml")).toContain(
      "  - ./echo/ks.yaml\n  - ./web/ks.yaml\n",
    );
    expect(read("kubernetes/apps/default/web/ks.yaml")).toContain(
      "  dependsOn:\n    - name: cluster-meta\n      namespace: flux-system\n",
    );
    const h = await run([
      "app-helm",
      "podinfo",
      dir,
      "--chart",
      "oci://ghcr.io/stefanprodan/charts/podinfo",
      "--version",
      "6.9.2",
      "--namespace",
      "default",
    ]);
    expect(h.code).toBe(0);
    const release = read("kubernetes/apps/default/podinfo/app/helmrelease.yaml");
    expect(release).toContain("  chartRef:\n    kind: OCIRepository\n    name: podinfo\n");
    // The namespace comes from the Flux Kustomization's targetNamespace.
    expect(release).not.toContain("namespace:");
    expect(read("kubernetes/apps/default/podinfo/ks.yaml")).toContain("  targetNamespace: default\n");
    expect(read("kubernetes/apps/default/kustomization.yaml")).toContain("  - ./podinfo/ks.yaml\n");
  });

  it("--component has nowhere to go in this layout", async () => {
    const r = await run(["service", "extra", dir, "--component", "debug", "--dry-run"]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain("--component");
  });

  it("--env cannot pick some clusters when they all read one tree of apps", async () => {
    // A second cluster reading the same apps root.
    file(
      "kubernetes/flux/staging/ks.yaml",
      read("kubernetes/flux/cluster/ks.yaml").replace(/name: cluster-(apps|meta)/g, "name: staging-$1"),
    );
    const r = await run(["service", "solo", dir, "--env", "cluster", "--dry-run"]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain("one tree of apps serves every cluster that reads it");
    expect(existsSync(path.join(dir, "kubernetes/apps/solo"))).toBe(false);
  });
});

describe.runIf(hasShared)("slipway new on the home-operations repositories of ../shared/realworld", () => {
  for (const repo of ["bjw-s-labs__home-ops", "onedr0p__home-ops"]) {
    it(`${repo}: a service goes to kubernetes/apps/<namespace>/<app>, renders and adds no finding`, async () => {
      const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-new-real-")));
      try {
        cpSync(path.join(sharedDir, "realworld", repo), dir, { recursive: true });
        const r = await run(["service", "hello", dir, "--image", "ghcr.io/acme/hello:1.0.0"]);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain("no new check findings");
        expect(existsSync(path.join(dir, "kubernetes/apps/hello/hello/ks.yaml"))).toBe(true);
        expect(existsSync(path.join(dir, "kubernetes/apps/hello/hello/app/deployment.yaml"))).toBe(true);
        expect(existsSync(path.join(dir, "apps"))).toBe(false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
