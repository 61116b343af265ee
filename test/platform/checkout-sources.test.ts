import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCheck as runEngine } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { type Checkout, headBranch, readCheckout, remoteUrls } from "../../src/platform/checkout.js";
import { loadPlatform, type Platform } from "../../src/platform/index.js";
import { checkoutSources } from "../../src/platform/same-repository.js";
import { scanRepository } from "../../src/platform/scan.js";
import { fluxSync, gitKs } from "../support/flux.js";
import { clusterRows, kustomizationStatuses } from "../support/memory-platform.js";

/**
 * brunovlucena/homelab, cut down: `flux/clusters/<env>/kustomization.yaml` lists the env's Flux
 * Kustomizations in `deploy/` (some only in a comment), and a Pulumi program applies that folder
 * and `flux/infrastructure/flux` (the GitRepository `homelab` of the repository itself, with the
 * HelmRepositories). Nothing in the tree says that `homelab` is this repository: the clone's
 * `origin` does.
 */
const URL = "https://github.com/brunovlucena/homelab.git";
const ks = (name: string, p: string) =>
  gitKs(`flux-system/${name}`, p, { source: "homelab", interval: "10m" });
const cm = (name: string, ns = "default") =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}}\n`;
const files: Record<string, string> = {
  "flux/infrastructure/flux/kustomization.yaml": "resources: [homelab.yaml, helm.yaml]\n",
  "flux/infrastructure/flux/homelab.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: homelab, namespace: flux-system}
spec:
  interval: 1m
  url: ${URL}
  ref: {branch: main}
`,
  "flux/infrastructure/flux/helm.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: prometheus-community, namespace: flux-system}
spec: {interval: 1h, url: https://prometheus-community.github.io/helm-charts}
`,
  "flux/clusters/air/kustomization.yaml": `resources:
  - deploy/01-core-kustomization.yaml
  - deploy/02-apps-kustomization.yaml
  # - deploy/03-extra-kustomization.yaml  # disabled
`,
  "flux/clusters/air/deploy/01-core-kustomization.yaml": ks(
    "air-01-core",
    "./flux/clusters/air/deploy/01-core",
  ),
  "flux/clusters/air/deploy/01-core/kustomization.yaml": "resources: [cm.yaml, release.yaml]\n",
  "flux/clusters/air/deploy/01-core/cm.yaml": cm("core"),
  "flux/clusters/air/deploy/01-core/release.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: kps, namespace: default}
spec:
  interval: 1h
  chart:
    spec:
      chart: kube-prometheus-stack
      sourceRef: {kind: HelmRepository, name: prometheus-community, namespace: flux-system}
`,
  "flux/clusters/air/deploy/02-apps-kustomization.yaml": ks(
    "air-02-apps",
    "./flux/clusters/air/deploy/02-apps",
  ),
  "flux/clusters/air/deploy/02-apps/kustomization.yaml": "resources: [cm.yaml]\n",
  "flux/clusters/air/deploy/02-apps/cm.yaml": cm("apps"),
  "flux/clusters/air/deploy/03-extra-kustomization.yaml": ks(
    "air-03-extra",
    "./flux/clusters/air/deploy/03-extra",
  ),
  "flux/clusters/air/deploy/03-extra/kustomization.yaml": "resources: [cm.yaml]\n",
  "flux/clusters/air/deploy/03-extra/cm.yaml": cm("extra"),
};

function load(checkout: Checkout, extra: Record<string, string> = {}): Platform {
  const root = "/repo";
  const fs = new MemoryFileSystem(
    Object.fromEntries(Object.entries({ ...files, ...extra }).map(([p, t]) => [`${root}/${p}`, t])),
  );
  return loadPlatform(root, { fs, checkout, charts: false });
}

const errors = (p: Platform) =>
  runEngine(p, { rules: [...allRules], renderCache: false }).findings.filter((f) => f.severity === "error");

describe("a GitRepository of the checkout's own repository under another name", () => {
  it("is this repository: the folder listing the top-level Kustomizations is the cluster", () => {
    const p = load({ remotes: [URL], branch: "main" });
    expect(clusterRows(p)).toEqual([["air", "flux/clusters/air", "top-level"]]);
    // What the folder's kustomization lists, not the one it leaves in a comment.
    expect(kustomizationStatuses(p)).toEqual([
      "air flux-system/flux-system rendered",
      "air flux-system/air-01-core rendered",
      "air flux-system/air-02-apps rendered",
    ]);
    expect(p.clusters[0]!.localSources).toContainEqual({
      kind: "GitRepository",
      namespace: "flux-system",
      name: "homelab",
    });
  });

  it("an archived copy reading it at paths that moved is no cluster (carpenike's _archive/)", () => {
    const p = load(
      { remotes: [URL], branch: "main" },
      {
        "_archive/vector/ks.yaml": `${ks("vector-agent", "./flux/clusters/air/deploy/vector/agent")}---\n${ks("vector-aggregator", "./flux/clusters/air/deploy/vector/aggregator")}`,
      },
    );
    expect(clusterRows(p)).toEqual([["air", "flux/clusters/air", "top-level"]]);
    const note = p.discovery!.notes.find((n) => n.file === "_archive/vector/ks.yaml");
    expect(note?.message).toContain("none of them builds a directory of this repository");
  });

  it("without the remote, the same tree is another repository's: no cluster, a note says why", () => {
    const p = load({ remotes: ["https://github.com/someone/else.git"], branch: "main" });
    expect(p.clusters).toEqual([]);
    expect(p.discovery!.notes.map((n) => n.message).join("\n")).toContain("none of them builds a directory");
  });

  it("a chart source the bootstrap folder defines is a warning, not an error", () => {
    const p = load({ remotes: [URL], branch: "main" });
    expect(errors(p)).toEqual([]);
    const f = runEngine(p, { rules: [...allRules], renderCache: false }).findings.find(
      (x) => x.rule === "helmrelease-chart-source-missing",
    );
    expect(f?.severity).toBe("warning");
    expect(f?.message).toContain("it is defined in flux/infrastructure/flux/helm.yaml:1");
    // Defined nowhere in the repository: still an error.
    const q = load(
      { remotes: [URL], branch: "main" },
      { "flux/infrastructure/flux/helm.yaml": cm("no-repository", "flux-system") },
    );
    expect(errors(q).map((x) => x.rule)).toEqual(["helmrelease-chart-source-missing"]);
  });
});

describe("a GitRepository of the checkout that only substitution names (ahachmann's application-space)", () => {
  // A template Kustomization makes per tenant a namespace, a GitRepository of this repository
  // named after it and a Kustomization of it building KUSTOMIZATION_PATH, with variables for the
  // tenant's own Flux Kustomizations; the repository's documents hold only `${...}` names.
  const SELF = "ssh://git@github.com/ahachmann/platform.git";
  const tenantFiles: Record<string, string> = {
    "c/flux-system/gotk-sync.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 1m, url: ${SELF}, ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec:
  interval: 10m
  prune: true
  path: ./c
  sourceRef: {kind: GitRepository, name: flux-system}
`,
    "c/shop.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: shop-space, namespace: flux-system}
spec:
  interval: 10m
  prune: true
  path: ./base/space
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substitute: {TENANT: shop, KUSTOMIZATION_PATH: ./environments/shop}
`,
    "base/space/kustomization.yaml": "resources: [sync.yaml]\n",
    "base/space/sync.yaml": `apiVersion: v1
kind: Namespace
metadata:
  name: \${TENANT}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: \${TENANT}-platform
  namespace: \${TENANT}
spec: {interval: 1m, url: ${SELF}, ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: \${TENANT}-sync
  namespace: \${TENANT}
spec:
  interval: 10m
  prune: true
  path: \${KUSTOMIZATION_PATH}
  sourceRef:
    kind: GitRepository
    name: \${TENANT}-platform
  postBuild:
    substitute:
      FLUX_NAMESPACE: \${TENANT}
`,
    "environments/shop/kustomization.yaml": "resources: [web.yaml]\n",
    "environments/shop/web.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: web
  namespace: \${FLUX_NAMESPACE}
spec:
  interval: 10m
  prune: true
  path: ./apps/web
  sourceRef: {kind: GitRepository, name: shop-platform}
`,
    "apps/web/cm.yaml": cm("web", "shop"),
  };
  const fs = new MemoryFileSystem(
    Object.fromEntries(Object.entries(tenantFiles).map(([p, t]) => [`/repo/${p}`, t])),
  );

  it("is rendered from the working tree as part of the cluster, not as a cluster of its own", () => {
    const p = loadPlatform("/repo", { fs, checkout: { remotes: [SELF], branch: "main" }, charts: false });
    expect(clusterRows(p)).toEqual([["c", "c", "sync"]]);
    expect(kustomizationStatuses(p)).toEqual([
      "c flux-system/flux-system rendered",
      "c flux-system/shop-space rendered",
      "c shop/shop-sync rendered",
      "c shop/web rendered",
    ]);
    expect(errors(p)).toEqual([]);
  });
});

describe("checkoutSources", () => {
  const repo = (refs: Array<[string, string]>) =>
    scanRepository(
      new MemoryFileSystem(
        Object.fromEntries(
          refs.map(([name, ref], i) => [
            `/r/g${i}.yaml`,
            `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n  url: ${URL}\n${ref}`,
          ]),
        ),
      ),
      "/r",
    );
  const names = (refs: Array<[string, string]>, c: Checkout) =>
    checkoutSources(repo(refs), c).map((r) => r.name);

  it("matches the URL however it is spelled, never a pinned tag or commit", () => {
    const c = { remotes: ["git@github.com:brunovlucena/homelab"], branch: "main" };
    expect(names([["a", "  ref: {branch: main}\n"]], c)).toEqual(["a"]);
    expect(names([["a", ""]], c)).toEqual(["a"]);
    expect(names([["a", "  ref: {tag: v1}\n"]], c)).toEqual([]);
    expect(names([["a", "  ref: {commit: abc}\n"]], c)).toEqual([]);
    expect(names([["a", ""]], { remotes: [] })).toEqual([]);
  });

  it("the branch checked out when one names it, else the default branch (a pull request's target)", () => {
    expect(names([["a", "  ref: {branch: main}\n"]], { remotes: [URL], branch: "feature" })).toEqual(["a"]);
    const perEnv: Array<[string, string]> = [
      ["staging", "  ref: {branch: staging}\n"],
      ["prod", "  ref: {branch: main}\n"],
    ];
    expect(names(perEnv, { remotes: [URL], branch: "staging" })).toEqual(["staging"]);
    expect(names(perEnv, { remotes: [URL] })).toEqual(["prod"]);
    expect(names(perEnv, { remotes: [URL], defaultBranch: "staging" })).toEqual(["staging"]);
    // flux2-multi-tenancy: a tenant reads branch dev-team of the same URL: another content.
    expect(names([["dev-team", "  ref: {branch: dev-team}\n"]], { remotes: [URL], branch: "main" })).toEqual(
      [],
    );
  });
});

describe("reading the checkout", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("reads remotes and the branch from .git, and nothing through a .git file", () => {
    const d = mkdtempSync(path.join(tmpdir(), "slipway-checkout-"));
    dirs.push(d);
    mkdirSync(path.join(d, ".git"));
    writeFileSync(
      path.join(d, ".git", "config"),
      '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/o/r.git ; a comment\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[Remote "up"]\n\tURL = "git@github.com:u/r.git"\n[branch "main"]\n\tremote = origin\n',
    );
    writeFileSync(path.join(d, ".git", "HEAD"), "ref: refs/heads/main\n");
    expect(readCheckout(d)).toEqual({
      remotes: ["https://github.com/o/r.git", "git@github.com:u/r.git"],
      branch: "main",
    });
    const w = mkdtempSync(path.join(tmpdir(), "slipway-worktree-"));
    dirs.push(w);
    writeFileSync(path.join(w, ".git"), `gitdir: ${d}/.git\n`);
    expect(readCheckout(w)).toEqual({ remotes: [] });
  });

  it("parses config values and HEAD", () => {
    expect(remoteUrls('[remote "a"]\nurl=x#c\n[other]\nurl = y\n')).toEqual(["x"]);
    expect(headBranch("ref: refs/heads/feature/x\n")).toBe("feature/x");
    expect(headBranch("0123456789abcdef0123456789abcdef01234567\n")).toBeUndefined();
  });
});

describe("a top-level Kustomization reading another repository at a path this one has too (kalenarndt)", () => {
  // kalenarndt/bmrf-ops, kubernetes/main/flux/config: GitRepository bmrf-ops (the clone's origin)
  // and Kustomization bmrf-ops, GitRepository bmrf-media (another repository) and Kustomization
  // media, both with path ./kubernetes/main/flux, which holds the folder. This repository's
  // folder was built as bmrf-media's.
  const git = (name: string, url: string) =>
    `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n  interval: 30m\n  url: ${url}\n  ref: {branch: main}\n`;
  const root = (name: string, source: string) =>
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n  interval: 30m\n  prune: true\n  path: ./kubernetes/main/flux\n  sourceRef: {kind: GitRepository, name: ${source}}\n`;
  const layout: Record<string, string> = {
    "kubernetes/main/flux/config/kustomization.yaml": "resources: [cluster.yaml, media.yaml]\n",
    "kubernetes/main/flux/config/cluster.yaml": `${git("bmrf-ops", "https://github.com/kalenarndt/bmrf-ops.git")}---\n${root("bmrf-ops", "bmrf-ops")}`,
    "kubernetes/main/flux/config/media.yaml": `${git("bmrf-media", "ssh://github.com/kalenarndt/bmrf-media.git")}---\n${root("media", "bmrf-media")}`,
    "kubernetes/main/flux/kustomization.yaml": "resources: [apps.yaml]\n",
    "kubernetes/main/flux/apps.yaml": cm("apps"),
  };
  const load = (remotes: string[]) =>
    loadPlatform("/repo", {
      fs: new MemoryFileSystem(Object.fromEntries(Object.entries(layout).map(([p, t]) => [`/repo/${p}`, t]))),
      checkout: { remotes, branch: "main" },
      charts: false,
    });

  it("is not rendered from this repository's folder when the clone's remote is the other GitRepository's URL", () => {
    expect(kustomizationStatuses(load(["git@github.com:kalenarndt/bmrf-ops.git"]))).toEqual([
      "config flux-system/flux-system rendered",
      "config flux-system/bmrf-ops rendered",
      "config flux-system/media external",
    ]);
  });

  it("a remote no GitRepository names (a mirror) tells nothing: both read this repository as before", () => {
    expect(kustomizationStatuses(load(["https://gitlab.example.com/mirror/bmrf-ops.git"]))).toEqual([
      "config flux-system/flux-system rendered",
      "config flux-system/bmrf-ops rendered",
      "config flux-system/media rendered",
    ]);
  });
});

describe("a sync of another repository than the checkout (equestria-cluster after a consolidation)", () => {
  // david-driscoll/equestria-cluster: its FluxInstance syncs github.com/david-driscoll/home-operations
  // (where the cluster moved), and `cert-manager-ref`, applied by the cluster's apps, reads
  // GitRepository home-operations (the same URL) at ./kubernetes/apps/cert-manager: in this
  // repository, the folder holding cert-manager-ref itself. Taken for this repository, that
  // GitRepository made cert-manager-ref apply itself beside the apps (duplicate-object errors).
  const HOME_OPS = "https://github.com/david-driscoll/home-operations";
  const layout: Record<string, string> = {
    "clusters/prod/flux-system/gotk-sync.yaml": fluxSync("./clusters/prod", {
      url: HOME_OPS,
      branch: "main",
      interval: { git: "1h", ks: "1h" },
      prune: true,
    }),
    "clusters/prod/home-operations.yaml": `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: home-operations, namespace: flux-system}\nspec:\n  interval: 1h\n  url: ${HOME_OPS}.git\n  ref: {branch: main}\n`,
    "clusters/prod/apps.yaml": gitKs("flux-system/apps", "./apps"),
    "apps/cert-manager/kustomization.yaml": "resources: [ref.yaml]\n",
    "apps/cert-manager/ref.yaml": gitKs("cert-manager/cert-manager-ref", "./apps/cert-manager", {
      source: "flux-system/home-operations",
    }),
  };
  const load = (remotes: string[]) =>
    loadPlatform("/repo", {
      fs: new MemoryFileSystem(Object.fromEntries(Object.entries(layout).map(([p, t]) => [`/repo/${p}`, t]))),
      checkout: { remotes, branch: "main" },
      charts: false,
    });

  it("its GitRepositories of that URL are the other repository, not this one's folders", () => {
    const p = load(["https://github.com/david-driscoll/equestria-cluster.git"]);
    expect(kustomizationStatuses(p).filter((s) => s.includes("cert-manager"))).toEqual([
      "prod cert-manager/cert-manager-ref external",
    ]);
    expect(errors(p)).toEqual([]);
  });

  it("renamed on GitHub, the sync still naming the old URL, it is this repository: its folders fit", () => {
    // The same layout, but the Kustomization reading home-operations builds a folder that does
    // not hold it (./tools, applied from clusters/prod): nothing says the URL is another tree.
    const renamed = { ...layout };
    delete renamed["apps/cert-manager/ref.yaml"];
    renamed["apps/cert-manager/kustomization.yaml"] = "resources: []\n";
    renamed["clusters/prod/tools.yaml"] = gitKs("flux-system/tools", "./tools", {
      source: "home-operations",
    });
    renamed["tools/cm.yaml"] =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tools, namespace: default}\n";
    const p = loadPlatform("/repo", {
      fs: new MemoryFileSystem(
        Object.fromEntries(Object.entries(renamed).map(([f, t]) => [`/repo/${f}`, t])),
      ),
      checkout: { remotes: ["https://github.com/david-driscoll/home-kubernetes.git"], branch: "main" },
      charts: false,
    });
    expect(kustomizationStatuses(p).filter((s) => s.includes("tools"))).toEqual([
      "prod flux-system/tools rendered",
    ]);
    expect(errors(p)).toEqual([]);
  });

  it("a fork or a mirror of the same name is this repository, as without remotes", () => {
    for (const remotes of [["git@github.com:someone/home-operations.git"], []]) {
      const p = load(remotes);
      expect(
        kustomizationStatuses(p).filter((s) => s.includes("cert-manager")),
        String(remotes),
      ).toEqual(["prod cert-manager/cert-manager-ref rendered"]);
    }
  });
});
