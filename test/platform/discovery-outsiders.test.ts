import { describe, expect, it } from "vitest";
import { runCheck as runEngine } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { analyzeGraph } from "../../src/graph/index.js";
import { metaString } from "../../src/platform/flux-objects.js";
import { graphNodes } from "../../src/platform/graph-nodes.js";
import { loadPlatform, type Platform } from "../../src/platform/index.js";
import { fluxSync, ks } from "../support/flux.js";
import { clusterRows, kustomizationStatuses, loadMemoryPlatform } from "../support/memory-platform.js";

/**
 * Layouts of public repositories Slipway had not seen (carpenike, xunholy, rwlove home-ops),
 * where discovery made clusters that do not exist, or left a whole cluster unrendered, and the
 * check reported false errors on them. Each layout is cut down to what caused it.
 */
const load = loadMemoryPlatform;
const runCheck = (p: Platform) => runEngine(p, { rules: [...allRules], renderCache: false });
const clusters = clusterRows;
const statuses = kustomizationStatuses;
const cm = (name: string, ns = "apps") =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}}\n`;

/** Two Kustomizations in one file, as an app's ks.yaml (app + crds) is written. */
function appKs(app: string, source: string, pathOf: (part: string) => string): string {
  const one = (name: string, part: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: ${name}, namespace: apps}
spec:
  path: ${pathOf(part)}
  sourceRef: ${source}
`;
  return `${one(app, "app")}---\n${one(`${app}-crds`, "crds")}`;
}

describe("an app's ks.yaml that nothing applies is not a cluster", () => {
  const prod = {
    "clusters/prod/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
    "clusters/prod/apps.yaml": ks("apps", "  path: ./apps/prod\n"),
    "apps/prod/kustomization.yaml": "resources: [cm.yaml]\n",
    "apps/prod/cm.yaml": cm("web"),
  };

  it("when its Kustomizations read an ExternalArtifact or an OCI artifact (xunholy)", () => {
    const p = load({
      ...prod,
      "apps/base/kagent/ks.yaml": appKs(
        "kagent",
        "{kind: ExternalArtifact, name: kagent, namespace: flux-system}",
        (part) => `./apps/base/kagent/${part}`,
      ),
      "apps/base/kagent/app/kustomization.yaml": "resources: [cm.yaml]\n",
      "apps/base/kagent/app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: no-namespace}\n",
    });
    expect(clusters(p)).toEqual([["prod", "clusters/prod", "top-level"]]);
    const note = p.discovery!.notes.find((n) => n.file === "apps/base/kagent/ks.yaml");
    expect(note?.kind).toBe("not-a-cluster");
    expect(note?.message).toContain("of ExternalArtifact flux-system/kagent");
    expect(note?.message).toContain("none of them builds a directory of this repository");
    // The phantom cluster reported a namespaced object without a namespace: no finding is about it.
    const errors = (q: Platform) => runCheck(q).findings.filter((f) => f.severity === "error");
    expect(errors(p)).toEqual(errors(load(prod)));
  });

  it("when its paths are not directories of this repository (an archived app, carpenike)", () => {
    const p = load({
      ...prod,
      "_archive/vector/ks.yaml": appKs(
        "vector",
        "{kind: GitRepository, name: flux-system, namespace: flux-system}",
        (part) => `./kubernetes/apps/vector/${part}`,
      ),
    });
    expect(clusters(p)).toEqual([["prod", "clusters/prod", "top-level"]]);
    expect(p.discovery!.notes.map((n) => [n.kind, n.file])).toContainEqual([
      "not-a-cluster",
      "_archive/vector/ks.yaml",
    ]);
    expect(runCheck(p).findings.filter((f) => f.rule === "flux-path-missing")).toEqual([]);
  });

  it("but several Kustomizations in one file that build directories here still make one (rwlove)", () => {
    const p = load({
      "kubernetes/flux/cluster/ks.yaml": `${ks("cluster-config", "  path: ./kubernetes/flux/meta\n")}---\n${ks(
        "cluster-apps",
        "  path: ./kubernetes/apps\n",
      )}`,
      "kubernetes/flux/meta/cm.yaml": cm("cluster-config", "flux-system"),
      "kubernetes/apps/cm.yaml": cm("web"),
    });
    expect(clusters(p)).toEqual([["cluster", "kubernetes/flux/cluster", "top-level"]]);
  });
});

describe("an overlays/<env> folder that a Flux Kustomization builds from an artifact is no plain stack", () => {
  // xunholy: CI pushes kubernetes/ as an OCI artifact; the cluster's Kustomization builds
  // ./apps/overlays/cluster-00 of it, and that overlay lists Flux Kustomizations outside its
  // folder, which kubectl refuses and Flux (no load restrictions) builds.
  const files = {
    "kubernetes/clusters/c0/flux-system/flux-instance.yaml": "# applied by the bootstrap\n",
    "kubernetes/clusters/c0/ks.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: cluster, namespace: flux-system}
spec:
  path: ./apps/overlays/c0
  sourceRef: {kind: OCIRepository, name: flux-system}
`,
    "kubernetes/apps/overlays/c0/kustomization.yaml": "resources: [../../base/web/ks.yaml]\n",
    "kubernetes/apps/base/web/ks.yaml": ks("web", "  path: ./apps/base/web/app\n"),
    "kubernetes/apps/base/web/app/cm.yaml": cm("web"),
  };

  it("is noted as that Kustomization's path, not built with kubectl's rules", () => {
    const p = load(files);
    expect(clusters(p)).toEqual([["c0", "kubernetes/clusters/c0", "top-level"]]);
    const note = p.discovery!.notes.find((n) => n.message.startsWith("kubernetes/apps/overlays/c0 "));
    expect(note?.message).toContain(
      "is the path './apps/overlays/c0' of Flux Kustomization flux-system/cluster (source OCIRepository flux-system/flux-system)",
    );
    expect(runCheck(p).findings.filter((f) => f.rule === "render-error")).toEqual([]);
  });

  it("while an overlay only a path of this repository's own source would name stays a stack", () => {
    const p = load({
      ...files,
      "kubernetes/clusters/c0/ks.yaml": ks("cluster", "  path: ./apps/overlays/c0\n"),
      "kubernetes/apps/overlays/c0/kustomization.yaml": "resources: [cm.yaml]\n",
      "kubernetes/apps/overlays/c0/cm.yaml": cm("web"),
    });
    expect(clusters(p)).toContainEqual(["overlays/c0", "kubernetes/apps/overlays/c0", "kustomize-stack"]);
  });
});

describe("an overlays/<env> folder a Flux Kustomization names through a variable is no plain stack (FelixZ92)", () => {
  // infrastructure/kustomizations/base/dashboard.yaml builds overlays/${ENVIRONMENT}; each
  // overlay lists a file of ../../base, which kubectl refuses and Flux builds.
  const files = (fluxPath: string) => ({
    "clusters/prod/flux-system/gotk-sync.yaml": fluxSync("./clusters/prod"),
    "clusters/prod/cm.yaml": cm("web"),
    "infrastructure/kustomizations/base/dashboard.yaml": ks("dashboard", `  path: ${fluxPath}\n`),
    "infrastructure/dashboard/base/cm.yaml": cm("dashboard"),
    "infrastructure/dashboard/overlays/dev/kustomization.yaml": "resources: [../../base/cm.yaml]\n",
  });

  it("is noted as that Kustomization's path, not built with kubectl's rules", () => {
    const p = load(files("infrastructure/dashboard/overlays/${ENVIRONMENT}"));
    expect(clusters(p)).toEqual([["prod", "clusters/prod", "sync"]]);
    const note = p.discovery!.notes.find((n) =>
      n.message.startsWith("infrastructure/dashboard/overlays/dev "),
    );
    expect(note?.message).toContain(
      "is the path 'infrastructure/dashboard/overlays/${ENVIRONMENT}' of Flux Kustomization flux-system/dashboard",
    );
    expect(runCheck(p).findings.filter((f) => f.rule === "render-error")).toEqual([]);
  });

  it("its overlays are one note at the Kustomization, naming each (not one note per overlay)", () => {
    const p = load({
      ...files("infrastructure/dashboard/overlays/${ENVIRONMENT}"),
      "infrastructure/dashboard/overlays/staging/kustomization.yaml": "resources: [../../base/cm.yaml]\n",
    });
    const notes = p.discovery!.notes.filter((n) =>
      n.message.includes("of Flux Kustomization flux-system/dashboard"),
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message).toMatch(
      /^infrastructure\/dashboard\/overlays\/dev, infrastructure\/dashboard\/overlays\/staging are the path /,
    );
    expect(notes[0]!.message).toContain("not built as plain kustomize stacks");
  });

  it("a variable standing for another folder does not name it", () => {
    const p = load(files("infrastructure/${APP}/overlays/${ENVIRONMENT}/extra"));
    expect(clusters(p)).toContainEqual(["dev", "infrastructure/dashboard/overlays/dev", "kustomize-stack"]);
  });
});

describe("a substituteFrom ConfigMap that only the Kustomization itself applies (carpenike)", () => {
  const layout = (kind: string, secretExtra = "") => ({
    "kubernetes/c0/flux/config/kustomization.yaml": "resources: [cluster.yaml]\n",
    "kubernetes/c0/flux/config/cluster.yaml": ks(
      "cluster",
      `  path: ./kubernetes/c0/flux\n  postBuild:\n    substituteFrom:\n      - kind: ${kind}\n        name: cluster-settings\n`,
    ),
    "kubernetes/c0/flux/vars/kustomization.yaml": "resources: [settings.yaml]\n",
    "kubernetes/c0/flux/vars/settings.yaml": `apiVersion: v1
kind: ${kind}
metadata: {name: cluster-settings, namespace: flux-system}
${kind === "Secret" ? "stringData" : "data"}: {CLUSTER_NAME: c0}
${secretExtra}`,
    // The root substitutes what it applies: here the target namespace of the apps Kustomization.
    "kubernetes/c0/flux/apps.yaml": ks(
      "apps",
      "  path: ./kubernetes/c0/apps\n  targetNamespace: ${CLUSTER_NAME}\n",
    ),
    "kubernetes/c0/apps/cm.yaml": cm("web"),
  });

  it("is read from its own output, with a note saying a new cluster needs it first", () => {
    const p = load(layout("ConfigMap"));
    expect(p.clusters[0]!.kustomizations.flatMap((k) => k.errors.map((e) => e.message))).toEqual([]);
    expect(statuses(p)).toEqual(["flux flux-system/cluster rendered", "flux flux-system/apps rendered"]);
    const root = p.clusters[0]!.kustomizations[0]!;
    expect(root.notices?.map((n) => [n.code, n.message])).toEqual([
      [
        "CLUSTER_ONLY",
        "Kustomization flux-system/cluster substitutes variables from ConfigMap flux-system/cluster-settings, which only it applies: read from its own output, as the cluster has it once applied (a new cluster needs it created first, by the bootstrap, or Flux fails this Kustomization until it exists)",
      ],
    ]);
    const apps = p.clusters[0]!.kustomizations[1]!;
    expect(apps.resources.map((r) => metaString(r.object, "namespace"))).toEqual(["c0"]);
    expect(runCheck(p).findings.filter((f) => f.rule === "render-error")).toEqual([]);
  });

  it("a Secret is read with a placeholder for each key: its values are never substituted", () => {
    const p = load(layout("Secret"));
    expect(p.clusters[0]!.kustomizations[0]!.notices?.[0]?.message).toContain(
      "from Secret flux-system/cluster-settings, which only it applies: read from its own output with a placeholder for each key's value",
    );
    // The placeholder would be the namespace of everything apps applies, a namespace no cluster
    // has (a false namespace-exists), as the Secret's value would be a secret printed as one:
    // apps is not rendered, as an object whose namespace a secret variable sets is not.
    expect(statuses(p)).toEqual(["flux flux-system/cluster rendered", "flux flux-system/apps failed"]);
    const apps = p.clusters[0]!.kustomizations[1]!;
    expect(apps.errors.map((e) => e.code)).toEqual(["SECRET_IDENTITY"]);
    expect(apps.errors[0]!.message).not.toContain("c0");
    const findings = runCheck(p).findings;
    expect(findings.filter((f) => f.rule === "namespace-exists")).toEqual([]);
    expect(findings.filter((f) => f.rule === "render-error").map((f) => f.severity)).toEqual(["warning"]);
  });

  it("a source neither it nor anything else applies still fails the Kustomization, loudly", () => {
    const files: Record<string, string> = layout("ConfigMap");
    delete files["kubernetes/c0/flux/vars/settings.yaml"];
    files["kubernetes/c0/flux/vars/kustomization.yaml"] = "resources: []\n";
    const p = load(files);
    expect(statuses(p)).toEqual(["flux flux-system/cluster failed"]);
    expect(p.clusters[0]!.kustomizations[0]!.errors[0]!.message).toContain(
      `substitute from 'ConfigMap/cluster-settings' error: configmaps "cluster-settings" not found`,
    );
  });
});

describe("an app folder its namespace's kustomization leaves out is not a cluster (mirceanton)", () => {
  it("even with a kustomization file of its own naming its ks.yaml", () => {
    // The cluster's root is a FluxInstance's sync of apps/, which no Kustomization of the
    // repository names as its path (a path prefix would hide the folder from discovery anyway).
    const p = load({
      "flux/instance.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata: {name: flux, namespace: flux-system}
spec:
  distribution: {version: "2.x"}
  sync: {kind: GitRepository, url: "https://example.com/repo", ref: refs/heads/main, path: apps}
`,
      "apps/kustomization.yaml": "resources: [./tools]\n",
      "apps/tools/kustomization.yaml": "resources:\n  - ./web\n  # - ./buildkit\n",
      "apps/tools/web/kustomization.yaml": "resources: [cm.yaml]\n",
      "apps/tools/web/cm.yaml": cm("web"),
      "apps/tools/buildkit/kustomization.yaml": "resources: [app.ks.yaml]\n",
      "apps/tools/buildkit/app.ks.yaml": ks(
        "buildkit",
        "  path: ./apps/tools/buildkit/app\n  targetNamespace: tools\n",
      ),
      "apps/tools/buildkit/app/cm.yaml": cm("buildkit"),
    });
    expect(clusters(p)).toEqual([["apps", "apps", "flux-instance"]]);
    const note = p.discovery!.notes.find((n) => n.kind === "not-a-cluster");
    expect(note?.message).toContain("apps/tools/buildkit is left out of apps/tools, which a cluster builds");
  });
});

describe("a remote resource Slipway does not fetch is a warning, not an error of the repository", () => {
  it("the Kustomization is rendered without it, and the finding says why (haraldkoch)", () => {
    const p = load({
      "clusters/prod/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
      "clusters/prod/apps.yaml": ks("apps", "  path: ./apps/operator\n"),
      "apps/operator/kustomization.yaml":
        "resources:\n  - https://raw.githubusercontent.com/example/operator/v1.0.0/crd.yaml\n",
    });
    expect(statuses(p)).toContain("prod flux-system/apps rendered");
    const found = runCheck(p).findings.filter((f) => f.rule === "render-error");
    expect(found.map((f) => [f.severity, f.file, f.line, f.message])).toEqual([
      [
        "warning",
        "apps/operator/kustomization.yaml",
        2,
        "remote resource 'https://raw.githubusercontent.com/example/operator/v1.0.0/crd.yaml' is not rendered or checked: Slipway builds offline (Flux fetches it). Vendor it into the repository and refer to it by a local path to check it (the rest of Kustomization flux-system/apps is rendered and checked; what is missing from cluster prod may be in what is not, so such findings are warnings)",
      ],
    ]);
  });
});

describe("the cluster root may depend on a Kustomization the bootstrap applies beside it", () => {
  const layout = (fluxFile: string) => ({
    "kubernetes/c0/flux/config/kustomization.yaml": "resources: [cluster.yaml, flux.yaml]\n",
    "kubernetes/c0/flux/config/cluster.yaml": ks(
      "cluster",
      "  path: ./kubernetes/c0/flux\n  dependsOn:\n    - name: flux\n",
    ),
    [fluxFile]: ks("flux", "  path: ./kubernetes/c0/flux-manifests\n"),
    "kubernetes/c0/flux-manifests/cm.yaml": cm("flux-manifests"),
  });
  const cycles = (p: Platform) => analyzeGraph(graphNodes(p)).cycles;

  it("flux/config/{cluster,flux}.yaml, applied together by `kubectl apply -k`: no cycle", () => {
    const p = load(layout("kubernetes/c0/flux/config/flux.yaml"));
    expect(statuses(p)).toContain("flux flux-system/flux rendered");
    expect(cycles(p)).toEqual([]);
    expect(runCheck(p).findings.filter((f) => f.rule === "flux-dependency-cycle")).toEqual([]);
  });

  it("a Kustomization only the root applies, from a folder below it: the cycle is real", () => {
    const files: Record<string, string> = layout("kubernetes/c0/flux/apps/flux.yaml");
    files["kubernetes/c0/flux/config/kustomization.yaml"] = "resources: [cluster.yaml]\n";
    const p = load(files);
    expect(cycles(p)).toEqual([
      [
        "Kustomization/flux-system/cluster",
        "Kustomization/flux-system/flux",
        "Kustomization/flux-system/cluster",
      ],
    ]);
  });
});

it("a remote resource in a base, or a generator's remote file, is the same warning (toboshii)", () => {
  const p = load({
    "clusters/prod/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
    "clusters/prod/crds.yaml": ks("crds", "  path: ./crds\n"),
    "clusters/prod/apps.yaml": ks("apps", "  path: ./apps\n"),
    "crds/kustomization.yaml": "resources: [cert-manager]\n",
    "crds/cert-manager/kustomization.yaml": "resources:\n  - https://example.com/cert-manager.crds.yaml\n",
    "apps/kustomization.yaml": `configMapGenerator:
  - name: dashboard
    files:
      - dash.json=https://example.com/dash.json
`,
  });
  const found = runCheck(p).findings.filter((f) => f.rule === "render-error");
  expect(found.map((f) => [f.severity, f.kustomization])).toEqual([
    ["warning", "flux-system/apps"],
    ["warning", "flux-system/crds"],
  ]);
});

describe("an object whose name comes from a Secret is not rendered: a warning, never the secret (Diaoul)", () => {
  const cert = (name: string) => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: ${name}
  namespace: net
spec: {secretName: wildcard}
`;
  /** apps/net substitutes from a Secret whose DOMAIN is secret.example.org; `certs` is its file. */
  const withSecretDomain = (certs: string) =>
    load({
      "slipway.yaml": `clusterObjects:
  - kind: Secret
    namespace: flux-system
    name: cluster-secrets
    data: { DOMAIN: secret.example.org }
`,
      "clusters/prod/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
      "clusters/prod/apps.yaml": ks(
        "apps",
        "  path: ./apps/net\n  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: cluster-secrets\n",
      ),
      "apps/net/certs.yaml": certs,
    });

  it("the rest of the Kustomization is rendered, and check says why at warning level (ahgraber)", () => {
    const p = withSecretDomain(
      `${cert("${DOMAIN/./-}")}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept, namespace: net}\n`,
    );
    expect(statuses(p)).toContain("prod flux-system/apps rendered");
    const apps = p.clusters[0]!.kustomizations.find((k) => k.id === "flux-system/apps")!;
    expect(apps.resources.map((r) => `${r.object.kind}/${metaString(r.object, "name")}`)).toEqual([
      "ConfigMap/kept",
    ]);
    const found = runCheck(p).findings.filter((f) => f.rule === "render-error");
    expect(found.map((f) => f.severity)).toEqual(["warning"]);
    expect(found[0]!.message).toContain("Slipway does not render an object whose identity is secret");
    expect(JSON.stringify(found)).not.toContain("secret.example");
    expect(JSON.stringify(found)).not.toContain("secret-example");
  });

  it("two such objects in one Kustomization are one finding, still a warning (Ramblurr)", () => {
    const p = withSecretDomain(`${cert("${DOMAIN/./-}-wildcard")}---\n${cert("${DOMAIN/./-}-staging")}`);
    const found = runCheck(p).findings.filter((f) => f.rule === "render-error");
    expect(found.map((f) => f.severity)).toEqual(["warning"]);
    expect(found[0]!.message).toContain("(and 1 more object of this Kustomization are not rendered either)");
    expect(found[0]!.message).toMatch(
      /^'Certificate\.v1\.cert-manager\.io\/\$\{DOMAIN\/\.\/-\}-wildcard' is not rendered: /,
    );
  });
});

describe("a root Kustomization beside Flux's own OCIRepository (Ramblurr, onedr0p's older template)", () => {
  // flux/config/cluster.yaml: GitRepository home-kubernetes + Kustomization cluster (path
  // ./k8s/prod/flux, which holds config/); flux.yaml: OCIRepository flux-manifests + Kustomization
  // flux (path ./ of that artifact). An archived copy of the same under archive/ whose paths moved,
  // and CRDs read from another project's GitRepository defined in the repository.
  const config = (root: string, source: string, builds = root) => ({
    [`${root}/flux/config/kustomization.yaml`]: "resources: [flux.yaml, cluster.yaml]\n",
    [`${root}/flux/config/cluster.yaml`]: `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: ${source}, namespace: flux-system}
spec: {url: "https://example.com/home-ops", ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: cluster, namespace: flux-system}
spec:
  path: ./${builds}/flux
  sourceRef: {kind: GitRepository, name: ${source}}
`,
    [`${root}/flux/config/flux.yaml`]: `apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: OCIRepository
metadata: {name: flux-manifests, namespace: flux-system}
spec: {url: oci://ghcr.io/fluxcd/flux-manifests, ref: {tag: v2.2.3}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux, namespace: flux-system}
spec:
  path: ./
  sourceRef: {kind: OCIRepository, name: flux-manifests}
`,
  });
  const live = {
    ...config("k8s/prod", "home-kubernetes"),
    "k8s/prod/flux/apps.yaml": ks("cluster-apps", "  path: ./k8s/prod/apps\n"),
    "k8s/prod/apps/kustomization.yaml": "resources: [cm.yaml]\n",
    "k8s/prod/apps/cm.yaml": cm("web"),
  };

  it("the cluster is the folder the root builds, not the repository's root", () => {
    expect(clusters(load(live))).toEqual([["flux", "k8s/prod/flux", "top-level"]]);
  });

  it("an archived copy whose paths moved, and another project's CRDs, are no clusters", () => {
    const p = load({
      ...live,
      ...config("archive/k8s-prod", "flux-system", "k8s/k8s-prod"),
      "archive/k8s-prod/crds/cert-manager/kustomization.yaml": "resources: [crds.yaml]\n",
      "archive/k8s-prod/crds/cert-manager/crds.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: cert-manager-source, namespace: flux-system}
spec: {url: "https://github.com/cert-manager/cert-manager.git", ref: {tag: v1.14.1}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: crds-cert-manager, namespace: flux-system}
spec:
  sourceRef: {kind: GitRepository, name: cert-manager-source}
`,
      ".pre-commit-config.yaml": "repos: []\n",
    });
    expect(clusters(p)).toEqual([["flux", "k8s/prod/flux", "top-level"]]);
    expect(statuses(p)).toContain("flux flux-system/cluster-apps rendered");
    const notes = p.discovery!.notes.filter((n) => n.kind === "not-a-cluster").map((n) => n.message);
    expect(notes.some((m) => m.includes("flux-system/crds-cert-manager"))).toBe(true);
    expect(notes.some((m) => m.includes("flux-system/cluster (path './k8s/k8s-prod/flux'"))).toBe(true);
    const wrong = ["render-error", "flux-path-missing", "flux-source-missing"];
    expect(runCheck(p).findings.filter((f) => wrong.includes(f.rule))).toEqual([]);
  });
});

describe("a flux-instance HelmRelease whose values a configMapGenerator makes (kashalls, onedr0p's template)", () => {
  const files = (valuesFile: string) => ({
    "kubernetes/apps/flux-system/flux-instance/app/kustomization.yaml": `resources: [helmrelease.yaml]
configMapGenerator:
  - name: flux-instance-helm-values
    files:
      - values.yaml=${valuesFile}
`,
    "kubernetes/apps/flux-system/flux-instance/app/helmrelease.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: flux-instance, namespace: flux-system}
spec:
  chartRef: {kind: OCIRepository, name: flux-instance}
  valuesFrom:
    - kind: ConfigMap
      name: flux-instance-helm-values
`,
    "kubernetes/apps/flux-system/flux-instance/app/helm-values.yaml": `instance:
  sync: {kind: GitRepository, url: "https://example.com/repo", ref: refs/heads/main, path: kubernetes/flux/cluster}
`,
    "kubernetes/flux/cluster/ks.yaml": ks("cluster-apps", "  path: ./kubernetes/apps\n"),
    "kubernetes/apps/kustomization.yaml": "resources: [cm.yaml]\n",
    "kubernetes/apps/cm.yaml": cm("web"),
  });

  it("finds the cluster the generated values sync", () => {
    const p = load(files("./helm-values.yaml"));
    expect(clusters(p)).toEqual([["cluster", "kubernetes/flux/cluster", "flux-instance"]]);
    expect(statuses(p)).toContain("cluster flux-system/cluster-apps rendered");
  });

  it("a sync without a kind is a GitRepository, the chart's default (Tanguille's cluster); without a URL, none", () => {
    const values = "kubernetes/apps/flux-system/flux-instance/app/helm-values.yaml";
    const noKind = files("./helm-values.yaml");
    noKind[values] = noKind[values]!.replace("kind: GitRepository, ", "");
    expect(clusters(load(noKind))).toEqual([["cluster", "kubernetes/flux/cluster", "flux-instance"]]);
    // The chart's template writes `sync` only when `instance.sync.url` is set.
    const noUrl = files("./helm-values.yaml");
    noUrl[values] = noUrl[values]!.replace('url: "https://example.com/repo", ', "");
    expect(clusters(load(noUrl)).filter((c) => c[2] === "flux-instance")).toEqual([]);
  });

  it("reads the kustomization's fields in any case, as kustomize does (bo0tzz's `configMapgenerator:`)", () => {
    const f = files("./helm-values.yaml");
    const k = "kubernetes/apps/flux-system/flux-instance/app/kustomization.yaml";
    f[k] = f[k]!.replace("configMapGenerator:", "configMapgenerator:");
    expect(clusters(load(f))).toEqual([["cluster", "kubernetes/flux/cluster", "flux-instance"]]);
  });
  const app = "kubernetes/apps/flux-system/flux-instance/app";
  /** The same release, its values in a ConfigMap object of another file the kustomization lists. */
  const written = (kind: "ConfigMap" | "Secret", resource = "values.yaml") => {
    const out: Record<string, string> = { ...files("./helm-values.yaml") };
    delete out[`${app}/helm-values.yaml`];
    out[`${app}/kustomization.yaml`] = `resources: [helmrelease.yaml, ${resource}]\n`;
    out[`${app}/helmrelease.yaml`] = out[`${app}/helmrelease.yaml`]!.replace(
      "kind: ConfigMap",
      `kind: ${kind}`,
    );
    out[`${app}/values.yaml`] = `apiVersion: v1
kind: ${kind}
metadata: {name: flux-instance-helm-values, namespace: flux-system}
${kind === "Secret" ? "stringData" : "data"}:
  values.yaml: |
    instance:
      sync: {kind: GitRepository, url: "https://example.com/repo", ref: refs/heads/main, path: kubernetes/flux/cluster}
`;
    return out;
  };

  it("finds the cluster the values of a ConfigMap object beside it sync", () => {
    const p = load(written("ConfigMap"));
    expect(clusters(p)).toEqual([["cluster", "kubernetes/flux/cluster", "flux-instance"]]);
  });

  it("values in a Secret are not read: no cluster, and a note that says why", () => {
    const p = load(written("Secret"));
    expect(clusters(p)).toEqual([]);
    expect(p.discovery!.notes.filter((n) => n.kind === "unread")).toEqual([
      {
        kind: "unread",
        message:
          "flux-instance HelmRelease flux-system/flux-instance takes values from Secret flux-instance-helm-values, which discovery does not read (it decrypts nothing): a cluster its instance.sync names is found only by other means (or declare it in slipway.yaml clusters)",
        file: `${app}/helmrelease.yaml`,
        line: 1,
      },
    ]);
  });
});

describe("a GitRepository the repository defines for itself under another name (damacus)", () => {
  // The FluxInstance syncs this repository as `flux-system`; the apps still read `home-kubernetes`
  // (onedr0p's older template), defined in flux/config with the same URL and branch.
  const files = (url: string, ref: string) => ({
    "kubernetes/apps/flux-system/flux-instance/instance.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata: {name: flux, namespace: flux-system}
spec:
  distribution: {version: "2.x", registry: ghcr.io/fluxcd}
  sync: {kind: GitRepository, url: "https://github.com/example/home-ops.git", ref: refs/heads/main, path: kubernetes/flux}
`,
    "kubernetes/flux/repo.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: home-kubernetes, namespace: flux-system}
spec: {url: "${url}", ref: ${ref}}
`,
    "kubernetes/flux/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: cluster-apps, namespace: flux-system}
spec:
  interval: 10m
  prune: true
  path: ./kubernetes/apps
  sourceRef: {kind: GitRepository, name: home-kubernetes}
`,
    "kubernetes/apps/kustomization.yaml": "resources: [cm.yaml]\n",
    "kubernetes/apps/cm.yaml": cm("web"),
  });

  it("is this repository when URL and branch are the sync's", () => {
    for (const url of [
      "https://github.com/example/home-ops",
      "ssh://git@github.com/example/home-ops.git",
      "git@github.com:example/home-ops",
    ]) {
      const p = load(files(url, "{branch: main}"));
      expect(statuses(p)).toContain("flux flux-system/cluster-apps rendered");
    }
  });

  it("is another repository, not rendered, for another URL or a pinned tag", () => {
    expect(statuses(load(files("https://github.com/example/other", "{branch: main}")))).toContain(
      "flux flux-system/cluster-apps external",
    );
    expect(statuses(load(files("https://github.com/example/home-ops", "{tag: v1.0.0}")))).toContain(
      "flux flux-system/cluster-apps external",
    );
    expect(statuses(load(files("https://github.com/example/home-ops", "{branch: dev}")))).toContain(
      "flux flux-system/cluster-apps external",
    );
  });
});

describe("an app's ks.yaml whose path is its own folder, and that nothing applies (monosense)", () => {
  const files = (listed: string) => ({
    "clusters/prod/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
    "clusters/prod/apps.yaml": ks("apps", "  path: ./apps/prod\n"),
    "apps/prod/kustomization.yaml": "resources: [cm.yaml]\n",
    "apps/prod/cm.yaml": cm("web"),
    "workloads/dragonfly/ks.yaml": ks("dragonfly", "  path: ./workloads/dragonfly\n"),
    "workloads/dragonfly/kustomization.yaml": `resources: [${listed}]\n`,
    "workloads/dragonfly/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: dragonfly}\n",
  });

  it("is no cluster when its folder's kustomization leaves ks.yaml out", () => {
    const p = load(files("namespace.yaml"));
    expect(clusters(p)).toEqual([["prod", "clusters/prod", "top-level"]]);
    const note = p.discovery!.notes.find((n) => n.message.includes("flux-system/dragonfly"));
    expect(note?.message).toContain("is alone in workloads/dragonfly: not a cluster");
  });

  it("is a cluster root when it applies itself", () => {
    expect(clusters(load(files("namespace.yaml, ks.yaml")))).toContainEqual([
      "dragonfly",
      "workloads/dragonfly",
      "top-level",
    ]);
  });
});

describe("a test folder applying an app and its namespace, the app's path above it (kharf's catalog)", () => {
  // CI applies catalog/ingress-nginx/test/ (`kubectl apply -k`): the namespace's Kustomization
  // and the app's, whose path catalog/ingress-nginx holds the test folder but leaves it out.
  const common = "  interval: 10m\n  prune: true\n";
  const nginx = `${ks("ingress-nginx-namespace", `${common}  path: ./catalog/ingress-nginx/namespace\n`)}---
${ks("ingress-nginx", `${common}  path: ./catalog/ingress-nginx\n  dependsOn: [{name: ingress-nginx-namespace}]\n`)}`;
  const files = (listed: string) => ({
    "catalog/ingress-nginx/test/kustomization.yaml": "resources: [nginx.yaml]\n",
    "catalog/ingress-nginx/test/nginx.yaml": nginx,
    "catalog/ingress-nginx/kustomization.yaml": `resources: [${listed}]\n`,
    "catalog/ingress-nginx/cm.yaml": cm("web", "ingress-nginx"),
    "catalog/ingress-nginx/namespace/ns.yaml":
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: ingress-nginx}\n",
  });

  it("is the cluster, both Kustomizations its top level: no false dependsOn or namespace errors", () => {
    const p = load(files("cm.yaml"));
    expect(clusters(p)).toEqual([["test", "catalog/ingress-nginx/test", "top-level"]]);
    expect(runCheck(p).findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("while an app whose folder lists the test folder is the root that applies it", () => {
    expect(clusters(load(files("cm.yaml, test")))).toEqual([
      ["ingress-nginx", "catalog/ingress-nginx", "top-level"],
    ]);
  });
});

it("Flux Kustomization patches (no spec.sourceRef) are no cluster, not even the repository's root (wahooli)", () => {
  // local-clusters/<c>/patches/<ks>/: partial Kustomizations a local k3d setup patches in.
  const patch = (name: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: ${name}}
spec:
  patches:
    - target: {kind: Ingress}
      patch: |
        - {op: add, path: /metadata/annotations/x, value: "false"}
`;
  const p = load({
    "clusters/prod/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
    "clusters/prod/apps.yaml": ks("apps", "  path: ./apps/prod\n"),
    "apps/prod/kustomization.yaml": "resources: [cm.yaml]\n",
    "apps/prod/cm.yaml": cm("web"),
    "local-clusters/nas/patches/apps/ssl.yaml": patch("apps"),
    "local-clusters/nas/patches/core/kustomization.yaml": "resources: [a.yaml, b.yaml]\n",
    "local-clusters/nas/patches/core/a.yaml": patch("core"),
    "local-clusters/nas/patches/core/b.yaml": patch("core"),
    ".devcontainer/docker-compose.yaml": "services: {}\n",
  });
  expect(clusters(p)).toEqual([["prod", "clusters/prod", "top-level"]]);
  const notes = p.discovery!.notes.filter((n) => n.message.includes("no spec.sourceRef"));
  expect(notes.map((n) => n.file)).toEqual([
    "local-clusters/nas/patches/apps/ssl.yaml",
    "local-clusters/nas/patches/core/a.yaml",
  ]);
  expect(runCheck(p).findings.filter((f) => f.rule === "render-error")).toEqual([]);
});

it.each([
  ["../common", "infra/common"],
  ["../common/cert-manager\n  # - ../common/rook-ceph", "infra/staging"],
])("an app folder below a folder a list leaves out is no cluster either (shelken: %s)", (via, outOf) => {
  const p = load({
    "clusters/c/flux-system/gotk-sync.yaml": fluxSync("./clusters/c"),
    "clusters/c/infra.yaml": ks("infra", "  path: ./infra/staging\n"),
    "infra/staging/kustomization.yaml": `resources:\n  - ${via}\n`,
    "infra/common/kustomization.yaml": "resources:\n  - cert-manager\n  # - rook-ceph\n",
    "infra/common/cert-manager/kustomization.yaml": "resources: [cm.yaml]\n",
    "infra/common/cert-manager/cm.yaml": cm("cert"),
    "infra/common/rook-ceph/kustomization.yaml": "resources: [./rook-ceph/ks.yaml]\n",
    "infra/common/rook-ceph/rook-ceph/ks.yaml": appKs(
      "rook-ceph",
      "{kind: GitRepository, name: flux-system, namespace: flux-system}",
      (part) => `./infra/common/rook-ceph/rook-ceph/${part}`,
    ),
    "infra/common/rook-ceph/rook-ceph/app/cm.yaml": cm("rook"),
    "infra/common/rook-ceph/rook-ceph/crds/cm.yaml": cm("rook-crds"),
  });
  expect(clusters(p).map((c) => c[0])).toEqual(["c"]);
  const note = p.discovery!.notes.find((n) => n.message.includes("apps/rook-ceph"));
  expect(note?.message).toContain(`is left out of ${outOf}, which a cluster builds`);
});

describe("a FluxInstance its folder's kustomization leaves out, beside the old sync (damacus)", () => {
  // Moving to the Flux Operator: the instance syncs kubernetes/flux, as the old `cluster`
  // Kustomization does, but `# - ./flux-instance/ks.yaml` keeps it disabled.
  const files = (entry: string) => ({
    "kubernetes/flux/config/kustomization.yaml": "resources: [cluster.yaml]\n",
    "kubernetes/flux/config/cluster.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: home-kubernetes, namespace: flux-system}
spec: {interval: 10m, url: "https://github.com/example/home-ops", ref: {branch: main}}
---
${ks("cluster", "  interval: 30m\n  prune: true\n  path: ./kubernetes/flux\n").replace("name: flux-system\n", "name: home-kubernetes\n")}`,
    "kubernetes/flux/apps.yaml": ks(
      "cluster-apps",
      "  interval: 1h\n  prune: true\n  path: ./kubernetes/apps\n",
    ),
    "kubernetes/apps/kustomization.yaml": "resources: [./flux-system]\n",
    "kubernetes/apps/flux-system/kustomization.yaml": `resources:\n  - ./namespace.yaml\n${entry}`,
    "kubernetes/apps/flux-system/namespace.yaml":
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: flux-system}\n",
    "kubernetes/apps/flux-system/flux-instance/ks.yaml": ks(
      "flux-instance",
      "  interval: 1h\n  prune: true\n  path: ./kubernetes/apps/flux-system/flux-instance/app\n",
    ),
    "kubernetes/apps/flux-system/flux-instance/app/cm.yaml": cm("flux-instance-values", "flux-system"),
    "kubernetes/apps/flux-system/flux-instance/instance.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata: {name: flux, namespace: flux-system}
spec:
  distribution: {version: 2.7.x, registry: ghcr.io/fluxcd}
  sync: {kind: GitRepository, url: "https://github.com/example/home-ops", ref: refs/heads/main, path: kubernetes/flux}
`,
  });

  it("is no cluster: the old sync's is, with no twin root applying it twice", () => {
    const p = load(files("  # - ./flux-instance/ks.yaml\n"));
    expect(clusters(p)).toEqual([["flux", "kubernetes/flux", "top-level"]]);
    const note = p.discovery!.notes.find(
      (n) => n.file === "kubernetes/apps/flux-system/flux-instance/instance.yaml",
    );
    expect(note?.message).toContain(
      "kubernetes/apps/flux-system, which a cluster builds, lists its folder only in a comment: disabled, not a cluster",
    );
    expect(runCheck(p).findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("once listed, the instance's cluster is the one found", () => {
    const p = load(files("  - ./flux-instance/ks.yaml\n"));
    expect(clusters(p)).toEqual([["flux", "kubernetes/flux", "flux-instance"]]);
  });
});

it("a Flux Kustomization two Kustomizations apply is one error, duplicate-object's (bornav)", () => {
  const common = "  interval: 10m\n  prune: true\n";
  const p = load({
    "clusters/prod/flux-system/gotk-sync.yaml": fluxSync("./clusters/prod"),
    "clusters/prod/a.yaml": ks("a", `${common}  path: ./a\n`),
    "clusters/prod/b.yaml": ks("b", `${common}  path: ./b\n`),
    "a/kustomization.yaml": "resources: [../common]\n",
    "b/kustomization.yaml": "resources: [../common]\n",
    "common/kustomization.yaml": "resources: [child.yaml]\n",
    "common/child.yaml": ks("child", `${common}  path: ./c\n`),
    "c/cm.yaml": cm("web"),
  });
  const errors = runCheck(p).findings.filter(
    (f) => f.severity === "error" && (f.rule === "render-error" || f.rule === "duplicate-object"),
  );
  expect(errors.map((f) => [f.rule, f.file])).toEqual([["duplicate-object", "common/child.yaml"]]);
  expect(errors[0]!.message).toContain("is applied by 2 Flux Kustomizations");
});

describe("a FluxInstance whose sync path holds a Flux variable (deedee-ops)", () => {
  // The flux-instance HelmRelease is shared; each cluster's Kustomization that applies it names
  // the cluster in postBuild.substitute, which Flux fills in before flux-operator reads the path.
  const instanceKs = (vars: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-instance, namespace: flux-system}
spec:
  path: ./kubernetes/apps/flux-system/flux-instance
  postBuild: {substitute: {${vars}}}
  sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
`;
  const bootstrap = (cluster: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: cluster-apps, namespace: flux-system}
spec:
  path: ./kubernetes/clusters/${cluster}/apps
  sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
`;
  const files = (vars: (cluster: string) => string) => ({
    "kubernetes/apps/flux-system/flux-instance/kustomization.yaml": "resources: [helmrelease.yaml]\n",
    "kubernetes/apps/flux-system/flux-instance/helmrelease.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: flux-instance, namespace: flux-system}
spec:
  chartRef: {kind: OCIRepository, name: flux-instance}
  values:
    instance:
      distribution: {version: 2.7.x}
      sync: {kind: GitRepository, url: "https://github.com/example/home-ops.git", ref: refs/heads/main, path: "kubernetes/clusters/\${CLUSTER}/bootstrap"}
`,
    ...Object.fromEntries(
      ["deedee", "lab"].flatMap((c) => [
        [`kubernetes/clusters/${c}/bootstrap/entrypoint.yaml`, bootstrap(c)],
        [`kubernetes/clusters/${c}/apps/flux-instance.yaml`, instanceKs(vars(c))],
        [`kubernetes/clusters/${c}/apps/cm.yaml`, cm(`web-${c}`)],
      ]),
    ),
  });

  it("is one cluster per Kustomization that applies it with the variable set", () => {
    const p = load(files((c) => `CLUSTER: ${c}`));
    expect(clusters(p).map(([, dir, by]) => [dir, by])).toEqual([
      ["kubernetes/clusters/deedee/bootstrap", "flux-instance"],
      ["kubernetes/clusters/lab/bootstrap", "flux-instance"],
    ]);
    expect(statuses(p)).toContain("lab/bootstrap flux-system/cluster-apps rendered");
    expect(p.clusters[0]!.reason).toContain(
      "with the variables of Flux Kustomization flux-system/flux-instance in kubernetes/clusters/deedee/apps/flux-instance.yaml:1",
    );
  });

  it("is no cluster, with a note, when no Kustomization here sets the variable", () => {
    const p = load(files(() => "OTHER: x"));
    expect(clusters(p).map(([, , by]) => by)).not.toContain("flux-instance");
    expect(p.discovery!.notes.map((n) => n.message)).toContainEqual(
      expect.stringContaining(
        "a path with a variable that no Flux Kustomization here applying it substitutes",
      ),
    );
  });
});

it("a flux-instance HelmRelease without a namespace syncs in its Kustomization's targetNamespace (soulwhisper)", () => {
  // flux-operator names the sync's GitRepository after the instance's namespace: read as
  // flux-system, the cluster's own source looked like another repository (1 of 3 rendered).
  const p = load({
    "kubernetes/apps/kustomization.yaml": "resources: [./gitops-system]\n",
    "kubernetes/apps/gitops-system/kustomization.yaml":
      "namespace: gitops-system\nresources: [./flux-instance/ks.yaml]\n",
    "kubernetes/apps/gitops-system/flux-instance/ks.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-instance}
spec:
  targetNamespace: gitops-system
  path: ./kubernetes/apps/gitops-system/flux-instance/app
  sourceRef: {kind: GitRepository, name: gitops-system}
`,
    "kubernetes/apps/gitops-system/flux-instance/app/kustomization.yaml": "resources: [helmrelease.yaml]\n",
    "kubernetes/apps/gitops-system/flux-instance/app/helmrelease.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: flux-instance}
spec:
  chartRef: {kind: OCIRepository, name: flux-instance}
  values:
    instance:
      sync: {kind: GitRepository, url: "https://github.com/example/home-ops.git", ref: refs/heads/main, path: kubernetes/flux/cluster}
`,
    "kubernetes/flux/cluster/cluster.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: cluster-apps, namespace: gitops-system}
spec:
  path: ./kubernetes/apps
  sourceRef: {kind: GitRepository, name: gitops-system}
`,
  });
  expect(statuses(p)).toEqual([
    "cluster gitops-system/gitops-system rendered",
    "cluster gitops-system/cluster-apps rendered",
    "cluster gitops-system/flux-instance rendered",
  ]);
  expect(p.clusters[0]!.reason).toContain("HelmRelease gitops-system/flux-instance");
});

describe("Flux sync objects left behind when a cluster moved (tvories' archive/)", () => {
  const sync = (syncPath: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {url: "https://github.com/example/k8s-gitops", ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec:
  path: ${syncPath}
  sourceRef: {kind: GitRepository, name: flux-system}
  decryption: {provider: sops}
`;
  const live = {
    "clusters/nas/flux-system/gotk-sync.yaml": sync("./clusters/nas"),
    "clusters/nas/flux-system/kustomization.yaml": "resources: [gotk-sync.yaml]\n",
    "clusters/nas/cm.yaml": cm("web"),
  };
  const archived = {
    "archive/cluster/base/flux-system/gotk-sync.yaml": sync("./cluster/base"),
    "archive/cluster/base/flux-system/kustomization.yaml": "resources: [gotk-sync.yaml]\n",
    "tmpl/gotk-sync.yaml": sync("./cluster/base"),
    "archive/cluster/base/apps.yaml": ks("apps", "  path: ./cluster/apps\n"),
    "archive/cluster/base/core.yaml": ks("core", "  path: ./cluster/core\n"),
    "archive/cluster/base/secret.yaml":
      "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: flux-system}\nstringData: {a: ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,type:str]}\nsops: {mac: ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,type:str]}\n",
  };

  it("are notes, not two clusters of missing paths with false errors", () => {
    const p = load({ ...live, ...archived });
    expect(clusters(p)).toEqual([["nas", "clusters/nas", "sync"]]);
    expect(p.discovery!.notes.map((n) => n.message)).toContainEqual(
      expect.stringContaining(
        "Flux sync objects in archive/cluster/base/flux-system/gotk-sync.yaml sync './cluster/base', which is not a folder of this repository: a copy",
      ),
    );
    const errors = (q: Platform) => runCheck(q).findings.filter((f) => f.severity === "error");
    expect(errors(p)).toEqual(errors(load(live)));
  });

  it("a template in a folder holding another repository, syncing a sibling folder not there (aws-samples)", () => {
    const template = "repos/gitops-system/clusters/template";
    const p = load({
      ...live,
      [`${template}/flux-system/gotk-sync.yaml`]: sync("./clusters/cluster-name"),
      [`${template}/flux-system/kustomization.yaml`]: "resources: [gotk-sync.yaml]\n",
      [`${template}/tools.yaml`]: ks("tools", "  path: ./tools/crossplane\n"),
      [`${template}/tools-config.yaml`]: ks("tools-config", "  path: ./tools-config/crossplane\n"),
      "repos/gitops-system/tools/crossplane/cm.yaml": cm("crossplane"),
      "repos/gitops-system/tools-config/crossplane/cm.yaml": cm("crossplane-config"),
    });
    expect(clusters(p)).toEqual([["nas", "clusters/nas", "sync"]]);
    expect(p.discovery!.notes.map((n) => n.message)).toContainEqual(
      expect.stringContaining(
        `Flux sync objects in ${template}/flux-system/gotk-sync.yaml sync './clusters/cluster-name', which is not a folder of this repository: a copy`,
      ),
    );
    const errors = (q: Platform) => runCheck(q).findings.filter((f) => f.severity === "error");
    expect(errors(p)).toEqual(errors(load(live)));
  });

  it("moved to another top folder, the cluster's own folders kept (andycooney's zholding/)", () => {
    // zholding/cluster/home/flux-system/gotk-sync.yaml syncing ./kubernetes/cluster/home, gone;
    // beside it ks.yaml, a copy of the live cluster-apps (same name and path). Both were
    // clusters: a flux-path-missing and a flux-decryption-missing error, neither true.
    const cluster = (decryption: string) => ks("cluster-apps", `  path: ./kubernetes/apps\n${decryption}`);
    const p = load({
      ...live,
      "clusters/nas/apps.yaml": cluster("  decryption: {provider: sops}\n"),
      "kubernetes/apps/cm.yaml": cm("app"),
      "zholding/cluster/home/flux-system/gotk-sync.yaml": sync("./kubernetes/cluster/home"),
      "zholding/cluster/home/ks.yaml": cluster(""),
    });
    expect(clusters(p)).toEqual([["nas", "clusters/nas", "sync"]]);
    expect(p.discovery!.notes.map((n) => n.message)).toContainEqual(
      expect.stringContaining(
        "Flux sync objects in zholding/cluster/home/flux-system/gotk-sync.yaml sync './kubernetes/cluster/home', which is not a folder of this repository: a copy",
      ),
    );
  });

  it("a backup of the tree whose folders its Kustomizations read (andycooney's kubernetes.orig/)", () => {
    // kubernetes.orig/apps/kube-system, a copy of kubernetes/apps/kube-system from before
    // cilium-gateway and nfs-pv were dropped: its list of ks.yaml files made it a cluster, and
    // their paths, gone from kubernetes/, three flux-path-missing errors.
    const app = (name: string, at: string) => ks(name, `  path: ${at}\n`);
    const live2 = {
      ...live,
      "clusters/nas/apps.yaml": app("kube-system", "./kubernetes/apps/kube-system"),
      "kubernetes/apps/kube-system/kustomization.yaml": "resources: [cilium/ks.yaml]\n",
      "kubernetes/apps/kube-system/cilium/ks.yaml": app("cilium", "./kubernetes/apps/kube-system/cilium/app"),
      "kubernetes/apps/kube-system/cilium/app/cm.yaml": cm("cilium"),
    };
    const p = load({
      ...live2,
      "kubernetes.orig/apps/kube-system/kustomization.yaml": "resources: [cilium/ks.yaml, nfs-pv/ks.yaml]\n",
      "kubernetes.orig/apps/kube-system/cilium/ks.yaml": `${app("cilium", "./kubernetes/apps/kube-system/cilium/app")}---\n${app("cilium-gateway", "./kubernetes/apps/kube-system/cilium/gateway")}`,
      "kubernetes.orig/apps/kube-system/nfs-pv/ks.yaml": app(
        "nfs-pv",
        "../kubernetes/apps/kube-system/nfs-pv/pvs",
      ),
    });
    expect(clusters(p)).toEqual([["nas", "clusters/nas", "sync"]]);
    expect(p.discovery!.notes.map((n) => n.message)).toContainEqual(
      "Flux Kustomizations flux-system/cilium, flux-system/cilium-gateway in kubernetes.orig/apps/kube-system/cilium read the same folders under kubernetes/ (./kubernetes/apps/kube-system/cilium/app, ./kubernetes/apps/kube-system/cilium/gateway): a copy of that tree (a backup, an archive), not a cluster",
    );
    const errors = (q: Platform) => runCheck(q).findings.filter((f) => f.severity === "error");
    expect(errors(p)).toEqual(errors(load(live2)));
  });

  it("a cluster folder renamed without its sync path is still a cluster, with its error", () => {
    const p = load({
      "clusters/production/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/production/cm.yaml": cm("web"),
    });
    expect(clusters(p).map(([, dir]) => dir)).toEqual(["clusters/prod"]);
    expect(
      runCheck(p)
        .findings.filter((f) => f.rule === "flux-path-missing")
        .map((f) => f.severity),
    ).toEqual(["error"]);
  });
});

describe("an overlays/<env> folder over a folder Flux builds (kreativmonkey's disaster-recovery overlay)", () => {
  const files = (over: string) => ({
    "clusters/main/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
    "clusters/main/infra.yaml": ks("infra-main", "  path: ./infrastructure/overlays/main\n"),
    "infrastructure/base/kustomization.yaml": "resources: [cm.yaml]\n",
    "infrastructure/base/cm.yaml": cm("web", "cnpg-system"),
    "infrastructure/overlays/main/kustomization.yaml": "resources: [../../base]\n",
    "infrastructure/overlays/disaster-recovery/kustomization.yaml": `resources: [${over}]\n`,
  });

  it("is a variant of that Flux path, not a plain kustomize stack with false errors", () => {
    const p = load(files("../main"));
    expect(clusters(p).map(([, dir]) => dir)).toEqual(["clusters/main"]);
    expect(p.discovery!.notes.map((n) => n.message)).toContainEqual(
      "infrastructure/overlays/disaster-recovery builds on infrastructure/overlays/main, the path of Flux Kustomization flux-system/infra-main: a variant of a Flux path, not a plain kustomize stack of its own (declare it in slipway.yaml 'clusters' to build it alone)",
    );
  });

  it("an overlay inside an app folder Flux builds belongs to that app (sulibot's cilium overlays)", () => {
    const p = load({
      "clusters/main/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
      "clusters/main/cilium.yaml": ks("cilium", "  path: ./apps/cilium\n"),
      "apps/cilium/kustomization.yaml": "resources: [app]\n",
      "apps/cilium/app/kustomization.yaml": "resources: [cm.yaml]\n",
      "apps/cilium/app/cm.yaml": cm("cilium-values", "kube-system"),
      "apps/cilium/overlays/cluster-102/kustomization.yaml": "resources: [../../app]\n",
    });
    expect(clusters(p).map(([, dir]) => dir)).toEqual(["clusters/main"]);
    expect(p.discovery!.notes.map((n) => n.message)).toContainEqual(
      "apps/cilium/overlays/cluster-102 lies in apps/cilium, the path of Flux Kustomization flux-system/cilium: a variant of a Flux path, not a plain kustomize stack of its own (declare it in slipway.yaml 'clusters' to build it alone)",
    );
  });

  it("an overlay of a base no Flux Kustomization builds as its path stays a stack", () => {
    expect(clusters(load(files("../../base"))).map(([, dir]) => dir)).toContain(
      "infrastructure/overlays/disaster-recovery",
    );
  });
});

describe("an overlay that a built kustomization lists only in a comment is not a stack (brunovlucena)", () => {
  const files = (entry: string) => ({
    "clusters/prod/flux-system/gotk-sync.yaml": fluxSync("./clusters/prod"),
    "clusters/prod/apps/kustomization.yaml": `resources:\n  - cm.yaml\n${entry}`,
    "clusters/prod/apps/cm.yaml": cm("web"),
    "ai/agent/k8s/overlays/prod/kustomization.yaml": "namespace: agents\nresources: [../../base]\n",
    "ai/agent/k8s/base/kustomization.yaml": "resources: [cm.yaml]\n",
    "ai/agent/k8s/base/cm.yaml": cm("agent", "agents"),
  });

  it("disabled by hand: a note, no cluster", () => {
    const p = load(files("  # - ../../../ai/agent/k8s/overlays/prod  # requires namespace agents\n"));
    expect(clusters(p)).toEqual([["prod", "clusters/prod", "sync"]]);
    const note = p.discovery!.notes.find((n) => n.message.startsWith("ai/agent/k8s/overlays/prod"));
    expect(note?.message).toContain(
      "the kustomization file of clusters/prod/apps, which a cluster builds, lists it only in a comment",
    );
  });

  it("not mentioned at all: still a plain kustomize stack", () => {
    const p = load(files(""));
    expect(clusters(p)).toEqual([
      ["prod", "clusters/prod", "sync"],
      ["overlays/prod", "ai/agent/k8s/overlays/prod", "kustomize-stack"],
    ]);
  });
});

describe("a FluxInstance syncing the root of an OCI artifact (duynhlab)", () => {
  const instance = (kind: string, p: string) => `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata: {name: flux, namespace: flux-system}
spec:
  distribution: {version: "2.x", registry: ghcr.io/fluxcd}
  sync:
    kind: ${kind}
    url: oci://registry:5000/flux-cluster-sync
    ref: local
    path: "${p}"
`;
  const files = (kind: string, p: string) => ({
    "kubernetes/clusters/local/flux-system/instance.yaml": instance(kind, p),
    "kubernetes/clusters/local/flux-system/kustomization.yaml": "resources: [instance.yaml]\n",
    "kubernetes/clusters/local/apps.yaml": ks("apps", "  path: ./kubernetes/apps\n"),
    "kubernetes/apps/kustomization.yaml": "resources: [cm.yaml]\n",
    "kubernetes/apps/cm.yaml": cm("web"),
    "docs/template.yml": "steps:\n  - run: make\n",
  });

  it("is not the repository's root: a note, and the folder of top-level Kustomizations is the cluster", () => {
    const p = load(files("OCIRepository", "./"));
    expect(clusters(p)).toEqual([["local", "kubernetes/clusters/local", "top-level"]]);
    const note = p.discovery!.notes.find(
      (n) => n.file === "kubernetes/clusters/local/flux-system/instance.yaml",
    );
    expect(note?.message).toContain("syncs the root of OCIRepository oci://registry:5000/flux-cluster-sync");
  });

  it("a Git sync of the root is still the repository's root", () => {
    const p = load(files("GitRepository", "./"));
    expect(clusters(p).map((c) => c[1])).toContain(".");
  });
});

describe("plain stacks: an app's overlays/<env> is marked, a stacks/<env> is a whole cluster", () => {
  it("marks overlays only", () => {
    const p = load({
      "apps/web/base/kustomization.yaml": "resources: [cm.yaml]\n",
      "apps/web/base/cm.yaml": cm("web", "web"),
      "apps/web/overlays/prod/kustomization.yaml": "resources: [../../base]\n",
      "k8s/stacks/aws/prod/kustomization.yaml": "resources: [../../../../apps/web/base]\n",
    });
    expect(p.clusters.map((c) => [c.path, c.appOverlay === true])).toEqual([
      ["apps/web/overlays/prod", true],
      ["k8s/stacks/aws/prod", false],
    ]);
  });
});

describe("a HelmRelease in an app's overlay whose chart source the overlay does not define (brunovlucena's notifi)", () => {
  it("is a warning: the cluster it is applied to may define the source", () => {
    const p = load({
      "apps/notifi/base/kustomization.yaml": "resources: [release.yaml]\n",
      "apps/notifi/base/release.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: notifi, namespace: notifi}
spec:
  interval: 1h
  chart:
    spec:
      chart: ./chart
      sourceRef: {kind: GitRepository, name: notifi-k8s, namespace: flux-system}
`,
      "apps/notifi/overlays/prod/kustomization.yaml": "resources: [../../base]\n",
    });
    const f = runCheck(p).findings.filter((x) => x.rule === "helmrelease-chart-source-missing");
    expect(f.map((x) => x.severity)).toEqual(["warning"]);
    expect(f[0]!.message).toContain("is an overlay that nothing in this repository includes");
  });
});

describe("a partial object applied over a HelmRelease's install by server-side apply (cryptophys' kyverno overrides)", () => {
  const files = (withRelease: boolean) => ({
    "clusters/prod/flux-system/gotk-sync.yaml": fluxSync("./clusters/prod"),
    "clusters/prod/kustomization.yaml": `resources: [overrides.yaml${withRelease ? ", release.yaml" : ""}]\n`,
    "clusters/prod/release.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: kyverno, namespace: kyverno}
spec:
  interval: 1h
  chart:
    spec:
      chart: kyverno
      sourceRef: {kind: HelmRepository, name: kyverno, namespace: flux-system}
`,
    "clusters/prod/overrides.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: kyverno-admission-controller, namespace: kyverno}
spec:
  selector: {matchLabels: {app: kyverno}}
  template:
    metadata: {labels: {app: kyverno}}
    spec:
      nodeSelector: {role: platform}
`,
  });
  const missing = (p: Platform) =>
    runCheck(p).findings.filter((f) => f.rule === "schema-invalid" && f.message.includes("containers"));

  it("is a warning when a release installs into its namespace, an error without one", () => {
    const merged = missing(load(files(true)));
    expect(merged.map((f) => f.severity)).toEqual(["warning"]);
    expect(merged[0]!.message).toContain(
      "server-side apply merges it into the Deployment that HelmRelease kyverno/kyverno",
    );
    expect(missing(load(files(false))).map((f) => f.severity)).toEqual(["error"]);
  });
});

describe("a folder of app definitions that clusters list file by file is not a cluster (gandazgul)", () => {
  const app = (name: string) => ks(name, `  path: ./apps/${name}\n`);
  const files = {
    "clusters/a/cluster.yaml": ks("a", "  path: ./clusters/a\n"),
    "clusters/a/apps/kustomization.yaml":
      "resources:\n  - ../../../apps/Immich.yaml\n  - ../../../apps/Mealie.yaml\n",
    "clusters/b/cluster.yaml": ks("b", "  path: ./clusters/b\n"),
    "clusters/b/apps/kustomization.yaml": "resources:\n  - ../../../apps/Mealie.yaml\n",
    "apps/Immich.yaml": app("immich"),
    "apps/Mealie.yaml": app("mealie"),
    "apps/Jellyfin.yaml": app("jellyfin"),
    "apps/immich/cm.yaml": cm("immich"),
    "apps/mealie/cm.yaml": cm("mealie"),
    "apps/jellyfin/cm.yaml": cm("jellyfin"),
  };

  it("the clusters are the ones that pick from it; a note names the folder", () => {
    const p = load(files);
    expect(clusters(p).map((c) => c[1])).toEqual(["clusters/a", "clusters/b"]);
    const note = p.discovery!.notes.find((n) => n.message.startsWith("apps holds 3 top-level"));
    expect(note?.message).toContain("2 of which clusters clusters/a, clusters/b list file by file");
  });
});

describe("a plain stack whose helmCharts chart is not vendored (PixelJonas' Argo CD bootstrap)", () => {
  // `kustomize build --enable-helm` pulls the chart; Slipway builds offline: a limit of Slipway,
  // so a warning, while the same stanza in a Flux Kustomization is Flux's own failure.
  const chart =
    "helmCharts:\n  - name: app-of-app\n    repo: https://charts.example.org\n    version: 0.4.1\n";
  const files = {
    "bootstrap/base/kustomization.yaml": chart,
    "bootstrap/overlays/home/kustomization.yaml": "resources: [../../base]\n",
  };

  it("is a warning that names the chart and how to vendor it", () => {
    const found = runCheck(load(files)).findings.filter((f) => f.rule === "render-error");
    expect(found.map((f) => [f.severity, f.file])).toEqual([
      ["warning", "bootstrap/base/kustomization.yaml"],
    ]);
    expect(found[0]!.message).toContain(
      "helm chart 'app-of-app' 0.4.1 from https://charts.example.org is not in",
    );
    expect(found[0]!.message).toContain("helm pull --untar");
  });

  it("in a Flux Kustomization it is an error: kustomize-controller never inflates helmCharts", () => {
    const flux = {
      "clusters/c/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
      "clusters/c/apps.yaml": ks("apps", "  path: ./apps\n"),
      "apps/kustomization.yaml": chart,
    };
    const found = runCheck(load(flux)).findings.filter((f) => f.rule === "render-error");
    expect(found.map((f) => f.severity)).toEqual(["error"]);
    expect(found[0]!.message).toContain("helmCharts are not supported by Flux");
  });
});

describe("bootstrap's sync objects with a patch file of them beside (ShadyF's gotk-patches.yaml)", () => {
  // The patch file names both sync objects, so it looks like a sync file; it sorts first, and
  // its Kustomization, with no path, built the repository's root (a pre-commit config failed).
  const patches = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec:
  ignore: "*.md"
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec:
  decryption: {provider: sops, secretRef: {name: sops-gpg}}
`;
  const files = {
    ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/adrienverge/yamllint\n",
    "cluster/base/flux-system/kustomization.yaml":
      "resources: [gotk-sync.yaml]\npatches:\n  - path: gotk-patches.yaml\n",
    "cluster/base/flux-system/gotk-patches.yaml": patches,
    "cluster/base/flux-system/gotk-sync.yaml": fluxSync("./cluster/base"),
    "cluster/base/cm.yaml": cm("web"),
  };

  it("takes the sync file as the root, not the patch", () => {
    const p = load(files);
    expect(clusters(p)).toEqual([["base", "cluster/base", "sync"]]);
    expect(p.clusters[0]!.origin?.file).toBe("cluster/base/flux-system/gotk-sync.yaml");
    expect(runCheck(p).findings.filter((f) => f.rule === "render-error")).toEqual([]);
  });
});

describe("the Flux a flux-instance HelmRelease installs (Chrtol: distribution 2.5.1 in a values file)", () => {
  // The chart renders the FluxInstance, so the rendered Kustomizations hold no FluxInstance to
  // read the version from: assumed 2.9, every HelmRelease at v2beta1 (served by 2.5) was a warning.
  const files = {
    "kubernetes/apps/flux-system/flux-instance/app/kustomization.yaml": `resources: [helmrelease.yaml]
configMapGenerator:
  - name: flux-instance-values
    files: [values.yaml=./helm/values.yaml]
`,
    "kubernetes/apps/flux-system/flux-instance/app/helmrelease.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: flux-instance, namespace: flux-system}
spec:
  chartRef: {kind: OCIRepository, name: flux-instance}
  valuesFrom: [{kind: ConfigMap, name: flux-instance-values}]
`,
    "kubernetes/apps/flux-system/flux-instance/app/helm/values.yaml": `instance:
  distribution: {version: 2.5.1}
  sync: {kind: GitRepository, url: "https://github.com/example/home-ops.git", ref: refs/heads/main, path: kubernetes/flux/cluster}
`,
    "kubernetes/flux/cluster/ks.yaml": ks("apps", "  path: ./kubernetes/apps\n"),
  };

  it("is the version in its values", () => {
    const p = load(files);
    expect(clusters(p)).toEqual([["cluster", "kubernetes/flux/cluster", "flux-instance"]]);
    const profile = p.clusters[0]!.profile!;
    expect([profile.minor, profile.origin, profile.originAt?.file]).toEqual([
      "2.5",
      "FluxInstance",
      "kubernetes/apps/flux-system/flux-instance/app/helmrelease.yaml",
    ]);
  });
});

describe("a root whose path holds a variable the cluster fills, in clusters/<name>/ (kid/home-infra)", () => {
  // clusters/home/flux/cluster/cluster.yaml: the root `cluster` builds `./clusters/${CLUSTER_NAME}`
  // and substitutes from the ConfigMap `cluster-settings` that its sibling makes from
  // clusters/home/cluster.env (CLUSTER_NAME=home); the bootstrap applies the file with the same
  // values. Each path looked "under" the other's `clusters/`: no cluster, and nothing said.
  const cluster = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: cluster, namespace: flux-system}
spec:
  url: ssh://git@github.com/example/home-infra
  ref: {branch: main}
  ignore: |
    /*
    !/clusters/\${CLUSTER_NAME}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: cluster-settings, namespace: flux-system}
spec:
  path: ./clusters/\${CLUSTER_NAME}/flux/settings
  sourceRef: {kind: GitRepository, name: cluster}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: cluster, namespace: flux-system}
spec:
  dependsOn: [{name: cluster-settings}]
  path: ./clusters/\${CLUSTER_NAME}
  sourceRef: {kind: GitRepository, name: cluster}
  postBuild:
    substituteFrom:
      - {kind: ConfigMap, name: cluster-settings}
`;
  const files = (env: string): Record<string, string> => ({
    "clusters/home/cluster.env": env,
    "clusters/home/kustomization.yaml": "resources: [./flux/, ./apps/ks.yaml]\n",
    "clusters/home/flux/kustomization.yaml": "resources: [./cluster]\n",
    "clusters/home/flux/cluster/kustomization.yaml": "resources: [./cluster.yaml]\n",
    "clusters/home/flux/cluster/cluster.yaml": cluster,
    "clusters/home/flux/settings/kustomization.yaml":
      "namespace: flux-system\nconfigMapGenerator:\n  - name: cluster-settings\n    envs: [../../cluster.env]\ngeneratorOptions: {disableNameSuffixHash: true}\n",
    "clusters/home/apps/ks.yaml": ks("apps", "  path: ./clusters/${CLUSTER_NAME}/apps/web\n"),
    "clusters/home/apps/web/kustomization.yaml": "resources: [cm.yaml]\n",
    "clusters/home/apps/web/cm.yaml": cm("web"),
  });

  it("is found, its path read with the value where it sits gives and a setting confirms", () => {
    const p = load(files("CLUSTER_NAME=home\nCLUSTER_DOMAIN=home.example.org\n"));
    expect(clusters(p)).toEqual([["home", "clusters/home", "top-level"]]);
    expect(p.clusters[0]!.reason).toContain("its path read with CLUSTER_NAME=home, from where it sits");
    expect(statuses(p)).toEqual([
      "home flux-system/cluster rendered",
      "home flux-system/cluster-settings rendered",
      "home flux-system/apps rendered",
    ]);
    const web = p.clusters[0]!.kustomizations.find((k) => k.id === "flux-system/apps")!;
    expect(web.resources.map((r) => metaString(r.object, "name"))).toEqual(["web"]);
  });

  it("is no cluster when no setting gives the variable that value, and the discovery says why", () => {
    const p = load(files("CLUSTER_DOMAIN=home.example.org\n"));
    expect(clusters(p)).toEqual([]);
    expect(p.discovery!.notes.map((n) => n.message)).toContainEqual(
      expect.stringContaining(
        "Flux Kustomizations flux-system/cluster (path './clusters/${CLUSTER_NAME}' in clusters/home/flux/cluster/cluster.yaml), flux-system/apps (path './clusters/${CLUSTER_NAME}/apps/web' in clusters/home/apps/ks.yaml), flux-system/cluster-settings (path './clusters/${CLUSTER_NAME}/flux/settings' in clusters/home/flux/cluster/cluster.yaml) have paths that hold a variable that no setting of this repository gives for where they sit: which folders the cluster builds only the cluster knows, so none is rendered",
      ),
    );
  });
});

describe("a FluxInstance whose sync path holds a variable no Kustomization here substitutes (JefeDavis)", () => {
  // kubernetes/jsdyb-k8s-001/apps/flux-system/flux-operator/instance/helmrelease.yaml syncs
  // `kubernetes/${CLUSTER}/flux/config`; the cluster's settings ConfigMap says CLUSTER, and
  // the Kustomization applying the release substitutes from it (substituteFrom, not readable
  // before the cluster renders).
  const files = (settings: string): Record<string, string> => ({
    "kubernetes/jsdyb/apps/flux-system/instance/helmrelease.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: flux-instance, namespace: flux-system}
spec:
  chartRef: {kind: OCIRepository, name: flux-instance}
  values:
    instance:
      sync: {kind: GitRepository, url: "https://github.com/example/k8s.git", ref: refs/heads/main, path: "kubernetes/\${CLUSTER}/flux/config"}
`,
    "kubernetes/jsdyb/flux/settings/cluster-settings.yaml": `apiVersion: v1
kind: ConfigMap
metadata: {name: cluster-settings, namespace: flux-system}
data:
  ${settings}
`,
    "kubernetes/jsdyb/flux/config/cluster.yaml": ks("cluster-apps", "  path: ./kubernetes/jsdyb/apps/web\n"),
    "kubernetes/jsdyb/apps/web/kustomization.yaml": "resources: [cm.yaml]\n",
    "kubernetes/jsdyb/apps/web/cm.yaml": cm("web"),
  });

  it("syncs the folder the holder's place names, when the cluster's settings confirm the value", () => {
    const p = load(files("CLUSTER: jsdyb"));
    expect(clusters(p).map(([, dir, by]) => [dir, by])).toEqual([
      ["kubernetes/jsdyb/flux/config", "flux-instance"],
    ]);
    expect(p.clusters[0]!.reason).toContain(
      "(kubernetes/${CLUSTER}/flux/config with CLUSTER=jsdyb, from where kubernetes/jsdyb/apps/flux-system/instance/helmrelease.yaml sits)",
    );
    expect(statuses(p)).toContain("config flux-system/cluster-apps rendered");
  });

  it("is no cluster without such a setting, and the note names the value the place suggests", () => {
    const p = load(files("TIMEZONE: UTC"));
    expect(clusters(p)).toEqual([]);
    expect(p.discovery!.notes.map((n) => n.message)).toContainEqual(
      expect.stringContaining(
        "syncs 'kubernetes/${CLUSTER}/flux/config', a path with a variable that no Flux Kustomization here applying it substitutes (where it sits suggests CLUSTER=jsdyb, but no setting under kubernetes/jsdyb gives it that value): not rendered",
      ),
    );
  });
});

describe("Flux Kustomizations a chainsaw test applies step by step are fixtures, not clusters (ppat)", () => {
  // ppat/homelab-ops-kubernetes-apps' ci/test/<suite>/: chainsaw applies pre-requisites with
  // kubectl, then each Flux Kustomization file in turn; test-resources/ holds alternatives of one
  // Kustomization that steps swap. Built as folders, they were 7 phantom clusters with 8
  // duplicate-object errors (a namespace "applied twice") and a render-error (the alternatives).
  const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`;
  const fluxKs = (name: string, p: string) => ks(name, `  path: ${p}\n`);
  const files = (chainsaw: boolean): Record<string, string> => ({
    ...(chainsaw
      ? {
          "ci/test/infra-networking/chainsaw-test.yaml":
            "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: infra-networking}\nspec:\n  steps:\n    - try: [{apply: {file: ./infra-networking-core.yaml}}]\n",
          "ci/test/infra-database/chainsaw-test.yaml":
            "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: infra-database}\nspec: {steps: []}\n",
          "ci/test/chainsaw/.chainsaw.yaml":
            "apiVersion: chainsaw.kyverno.io/v1alpha2\nkind: Configuration\nmetadata: {name: configuration}\n",
        }
      : {}),
    "ci/test/infra-networking/infra-networking-core.yaml": fluxKs(
      "infra-networking-core",
      "./infrastructure/core",
    ),
    "ci/test/infra-networking/infra-networking-extra.yaml": fluxKs(
      "infra-networking-extra",
      "./infrastructure/extra",
    ),
    "ci/test/infra-networking/pre-requisites/kustomization.yaml": "resources: [namespaces.yaml]\n",
    "ci/test/infra-networking/pre-requisites/namespaces.yaml": `${namespace("dns")}---\n${namespace("traefik")}`,
    "ci/test/infra-database/test-resources/test-postgres-db-bare.yaml": fluxKs(
      "test-postgres-db",
      "./infrastructure/db",
    ),
    "ci/test/infra-database/test-resources/test-postgres-db-backup.yaml": fluxKs(
      "test-postgres-db",
      "./infrastructure/db-backup",
    ),
    "ci/test/chainsaw/pre-requisites/dragonfly-operator/kustomization.yaml": "resources: [dragonfly.yaml]\n",
    "ci/test/chainsaw/pre-requisites/dragonfly-operator/dragonfly.yaml": `${fluxKs("dragonfly-operator", "./infrastructure/db")}---\n${fluxKs("dragonfly-crds", "./infrastructure/db-backup")}`,
    "infrastructure/core/kustomization.yaml": "resources: [namespace.yaml]\n",
    "infrastructure/core/namespace.yaml": namespace("traefik"),
    "infrastructure/extra/kustomization.yaml": "resources: [namespace.yaml]\n",
    "infrastructure/extra/namespace.yaml": namespace("dns"),
    "infrastructure/db/kustomization.yaml": "resources: [cm.yaml]\n",
    "infrastructure/db/cm.yaml": cm("db"),
    "infrastructure/db-backup/kustomization.yaml": "resources: [cm.yaml]\n",
    "infrastructure/db-backup/cm.yaml": cm("db-backup"),
  });

  it("are no clusters, each folder a note naming its chainsaw file", () => {
    const p = load(files(true));
    expect(clusters(p)).toEqual([]);
    const notes = p.discovery!.notes.map((n) => n.message);
    expect(notes).toContainEqual(
      expect.stringContaining(
        "Flux Kustomizations flux-system/infra-networking-core, flux-system/infra-networking-extra in ci/test/infra-networking are fixtures of a chainsaw test (ci/test/infra-networking/chainsaw-test.yaml): the test applies them step by step to a throwaway cluster, not as one folder: not a cluster",
      ),
    );
    expect(notes).toContainEqual(
      expect.stringContaining(
        "in ci/test/infra-database/test-resources are fixtures of a chainsaw test (ci/test/infra-database/chainsaw-test.yaml)",
      ),
    );
    expect(notes).toContainEqual(
      expect.stringContaining(
        "in ci/test/chainsaw/pre-requisites/dragonfly-operator are fixtures of a chainsaw test (ci/test/chainsaw/.chainsaw.yaml)",
      ),
    );
  });

  it("without the chainsaw files, the same folders are clusters as before", () => {
    expect(clusters(load(files(false))).map(([, dir]) => dir)).toEqual([
      "ci/test/chainsaw/pre-requisites/dragonfly-operator",
      "ci/test/infra-database/test-resources",
      "ci/test/infra-networking",
    ]);
  });
});

describe("an envsubst template of the root Kustomization in another folder (ChipWolf's tmpl/)", () => {
  // ChipWolf/spook-gitops and MarcoMihaiCondrache/infrastructure, from onedr0p's older template:
  // `configure` runs envsubst on tmpl/kubernetes/flux/cluster.yaml into
  // kubernetes/flux/config/cluster.yaml. Both hold Kustomization `cluster` (path
  // ./kubernetes/flux); the template's path holds the real file, which was read as applied by the
  // template, and the template alone in tmpl/ is no cluster: no cluster was found at all.
  const root = (url: string) =>
    `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: home-kubernetes, namespace: flux-system}\nspec:\n  url: "${url}"\n  ref: {branch: main}\n---\n${ks("cluster", "  path: ./kubernetes/flux\n").replace("name: flux-system\n", "name: home-kubernetes\n")}`;
  const files = (template: boolean): Record<string, string> => ({
    ...(template ? { "tmpl/kubernetes/flux/cluster.yaml": root("${BOOTSTRAP_GIT_REPOSITORY}") } : {}),
    "kubernetes/flux/config/kustomization.yaml": "resources: [cluster.yaml]\n",
    "kubernetes/flux/config/cluster.yaml": root("https://github.com/o/r"),
    "kubernetes/flux/apps.yaml": ks("apps", "  path: ./kubernetes/apps\n"),
    "kubernetes/apps/kustomization.yaml": "resources: [cm.yaml]\n",
    "kubernetes/apps/cm.yaml": cm("web"),
  });

  it("does not hide the root it is a copy of: the cluster is found as without the template", () => {
    const p = load(files(true));
    expect(clusters(p)).toEqual(clusters(load(files(false))));
    expect(clusters(p).map(([, dir]) => dir)).toEqual(["kubernetes/flux"]);
    expect(
      p.discovery!.notes.filter((n) => n.kind === "not-a-cluster").map((n) => [n.file, n.message]),
    ).toEqual([
      [
        "tmpl/kubernetes/flux/cluster.yaml",
        "Flux Kustomization flux-system/cluster in tmpl/kubernetes/flux is a copy of the one in kubernetes/flux/config/cluster.yaml (the same name and path), a template or a leftover: not a cluster",
      ],
    ]);
    // That note says it: not a second one that nothing applies it.
    expect(p.discovery!.notes.filter((n) => n.file === "tmpl/kubernetes/flux/cluster.yaml").length).toBe(1);
  });
});

describe("a root folder whose parent's kustomization lists only apps.yaml (kalenarndt's kubernetes/main/flux)", () => {
  // kubernetes/main/flux/kustomization.yaml lists ./apps.yaml only; the bootstrap applies
  // config/ (cluster.yaml, media.yaml: two Kustomizations building ./kubernetes/main/flux) by
  // hand. Its `apiVersion: kustomize.config.k8s.io/v1beta1` was read as naming `config`, so each
  // root looked applied by the other, and no cluster was found.
  const root = (name: string) =>
    `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n  url: https://github.com/o/${name}\n  ref: {branch: main}\n---\n${ks(name, "  path: ./kubernetes/main/flux\n").replace("    name: flux-system\n", `    name: ${name}\n`)}`;
  const files = (apiVersion: string): Record<string, string> => ({
    "kubernetes/main/flux/kustomization.yaml": `${apiVersion}kind: Kustomization\nresources:\n  - ./apps.yaml\n`,
    "kubernetes/main/flux/apps.yaml": ks("apps", "  path: ./kubernetes/main/apps\n"),
    "kubernetes/main/flux/config/kustomization.yaml": "resources: [./cluster.yaml, ./media.yaml]\n",
    "kubernetes/main/flux/config/cluster.yaml": root("ops"),
    "kubernetes/main/flux/config/media.yaml": root("media"),
    "kubernetes/main/apps/kustomization.yaml": "resources: [cm.yaml]\n",
    "kubernetes/main/apps/cm.yaml": cm("web"),
  });

  it("is found: the apiVersion's `config` is no entry naming the folder", () => {
    const p = load(files("apiVersion: kustomize.config.k8s.io/v1beta1\n"));
    expect(clusters(p)).toEqual(clusters(load(files(""))));
    expect(clusters(p)).toEqual([["config", "kubernetes/main/flux/config", "top-level"]]);
  });
});

describe("an app of a shared library that a group's kustomization lists only in a comment (ruzickap/k8s-tf-eks-gitops)", () => {
  const app = (name: string) => ({
    [`flux/cluster-apps/${name}/kustomization.yaml`]: `resources:\n  - ${name}-ks.yaml\n`,
    [`flux/cluster-apps/${name}/${name}-ks.yaml`]: ks(name, `  path: ./flux/cluster-apps/${name}/app\n`),
    [`flux/cluster-apps/${name}/app/kustomization.yaml`]: "resources: [cm.yaml]\n",
    [`flux/cluster-apps/${name}/app/cm.yaml`]: cm(name),
  });
  const layout = {
    "clusters/grp/infra.yaml": ks("infra", "  path: ./infra\n"),
    "clusters/grp/settings.yaml": ks("settings", "  path: ./settings\n"),
    "clusters/grp/kustomization.yaml":
      "resources:\n  - infra.yaml\n  - settings.yaml\n  - ../../flux/cluster-apps/cert-manager\n  #  - ../../flux/cluster-apps/cilium\n",
    "infra/cm.yaml": cm("infra"),
    "settings/cm.yaml": cm("settings"),
    ...app("cert-manager"),
    ...app("cilium"),
  };

  it("is a disabled app, not a cluster of its own", () => {
    const p = load(layout);
    expect(clusters(p)).toEqual([["grp", "clusters/grp", "top-level"]]);
    const note = p.discovery!.notes.find((n) => n.file === "flux/cluster-apps/cilium/cilium-ks.yaml");
    expect(note?.message).toContain(
      "the kustomization file of clusters/grp, which another cluster builds, lists it only in a comment: disabled, not a cluster",
    );
  });

  it("listed for real, it is part of that cluster", () => {
    const p = load({
      ...layout,
      "clusters/grp/kustomization.yaml":
        "resources:\n  - infra.yaml\n  - settings.yaml\n  - ../../flux/cluster-apps/cert-manager\n  - ../../flux/cluster-apps/cilium\n",
    });
    expect(clusters(p)).toEqual([["grp", "clusters/grp", "top-level"]]);
    expect(statuses(p)).toContain("grp flux-system/cilium rendered");
  });
});

describe("a made-up root of a folder of documents beside the sub-folders they build (dm-nkp-gitops-infra, tf-aws-eks-flux-demo)", () => {
  const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`;
  const fks = (name: string, path: string) => ks(name, `  interval: 10m\n  prune: true\n  path: ${path}\n`);
  const duplicates = (p: Platform) =>
    runCheck(p).findings.filter((f) => f.severity === "error" && f.rule === "duplicate-object");
  // deepak-muley's workload-clusters/<c>/: bootstrap.yaml (which its README applies with
  // kubectl) holds the Kustomizations; infrastructure/ and apps/ are theirs, one path wrong.
  const workload = {
    "wl/c1/bootstrap.yaml": [
      fks("controllers", "./wl/base/sealed-secrets"),
      fks("infrastructure", "./wl/c1/infrastructure/sealed-secrets"),
      fks("apps", "./wl/c1/apps"),
    ].join("---\n"),
    "wl/c1/infrastructure/kustomization.yaml": "resources: [../../base/sealed-secrets]\n",
    "wl/c1/apps/kustomization.yaml": "resources: [cm.yaml]\n",
    "wl/c1/apps/cm.yaml": cm("web"),
    "wl/base/sealed-secrets/kustomization.yaml": "resources: [namespace.yaml]\n",
    "wl/base/sealed-secrets/namespace.yaml": ns("sealed-secrets"),
  };
  // jdevto's k8s-app/podinfo/: one Kustomization file per environment beside the overlays
  // they build, and the base the overlays share.
  const envs = ["dev", "prod"];
  const podinfo = Object.fromEntries(
    envs.flatMap((e) => [
      [`app/podinfo/kustomization-${e}.yaml`, fks(`podinfo-${e}`, `./app/podinfo/${e}`)],
      [
        `app/podinfo/${e}/kustomization.yaml`,
        `namespace: podinfo-${e}\nresources: [namespace.yaml, ../base]\n`,
      ],
      [`app/podinfo/${e}/namespace.yaml`, ns(`podinfo-${e}`)],
    ]),
  );
  Object.assign(podinfo, {
    "app/podinfo/base/kustomization.yaml": "resources: [cm.yaml]\n",
    "app/podinfo/base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: podinfo}\n",
  });

  it("leaves out what its own Kustomizations build, so nothing is applied twice", () => {
    const p = load(workload);
    expect(clusters(p)).toEqual([["c1", "wl/c1", "top-level"]]);
    expect(duplicates(p)).toEqual([]);
    expect(statuses(p)).toContain("c1 flux-system/apps rendered");
    expect(p.clusters[0]!.reason).toContain(
      "its made-up root leaves out wl/c1/apps, wl/c1/infrastructure, which its own Flux Kustomizations build",
    );
    const q = load(podinfo);
    expect(clusters(q)).toEqual([["podinfo", "app/podinfo", "top-level"]]);
    const errors = runCheck(q).findings.filter((f) => f.severity === "error");
    // The base, built alone by the root, had no namespace; each namespace was applied twice.
    expect(errors.map((f) => `${f.rule} ${f.file}`)).toEqual([]);
    expect(statuses(q)).toEqual(expect.arrayContaining(["podinfo flux-system/podinfo-dev rendered"]));
  });

  it("a folder bootstrapped by Flux (a flux-system folder) is built whole, as Flux builds it", () => {
    const p = load({ ...workload, "wl/c1/flux-system/kustomization.yaml": "resources: []\n" });
    expect(duplicates(p).map((f) => f.file)).toEqual(["wl/base/sealed-secrets/namespace.yaml"]);
  });
});

/** An ArtifactGenerator `name` in flux-system copying `from` of this repository into its artifact's top. */
const artifactGenerator = (name: string, from: string) => `apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata: {name: ${name}, namespace: flux-system}
spec:
  sources:
    - {alias: repo, kind: GitRepository, name: flux-system}
  artifacts:
    - name: ${name}
      copy:
        - {from: "${from}", to: "@artifact/"}
`;

/** A HelmRelease `name` in flux-system whose chart is the ExternalArtifact `chart`. */
const artifactRelease = (name: string, chart: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: ${name}, namespace: flux-system}
spec:
  interval: 1h
  chartRef: {kind: ExternalArtifact, name: ${chart}}
`;

describe("a HelmRelease's chart an ArtifactGenerator copies as a folder (matheuscscp's flux-operator-cluster-api-example)", () => {
  const layout = (from: string) => ({
    "clusters/hub/flux-system/gotk-sync.yaml": fluxSync("./clusters/hub"),
    "clusters/hub/charts.yaml": artifactGenerator("app-chart", from),
    "clusters/hub/app.yaml": artifactRelease("app", "app-chart"),
    "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
    "charts/app/templates/cm.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: default}\n",
  });
  const release = (p: Platform) => p.clusters[0]!.helmReleases.find((h) => h.name === "app");

  it("is the one folder at the artifact's top, as helm-controller loads the artifact as a chart archive", () => {
    const folder = release(load(layout("@repo/charts/app")));
    expect(folder?.errors ?? []).toEqual([]);
    expect(folder?.status).toBe("rendered");
    // Copied as its content, the chart is at the top as before.
    expect(release(load(layout("@repo/charts/app/**")))?.status).toBe("rendered");
  });
});

describe("a Kustomization depending on one that an unrendered HelmRelease's chart makes (matheuscscp's spoke-cluster)", () => {
  const layout = (values: string) => ({
    "clusters/hub/flux-system/gotk-sync.yaml": fluxSync("./clusters/hub"),
    "clusters/hub/charts.yaml": artifactGenerator("spoke-chart", "@repo/charts/spoke"),
    "clusters/hub/spoke.yaml": `${artifactRelease("spoke", "spoke-chart")}${values}---
${ks("spoke-sync", "  interval: 1h\n  prune: true\n  path: ./clusters/hub\n  dependsOn:\n    - name: spoke\n    - name: other\n")}`,
    "charts/spoke/Chart.yaml": "apiVersion: v2\nname: spoke\nversion: 0.1.0\n",
    "charts/spoke/templates/ks.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: spoke, namespace: flux-system}
spec: {interval: 1h, prune: true, path: ./clusters/hub, sourceRef: {kind: GitRepository, name: flux-system}}
`,
  });
  const dependsOn = (p: Platform) =>
    runCheck(p)
      .findings.filter((f) => f.rule === "flux-dependson-missing")
      .map((f) => [f.severity, f.message.replace(/^.*has no Kustomization of that name/, "")]);

  it("is a warning naming the release, when its values come from a ConfigMap only the cluster has", () => {
    const p = load(
      layout(
        "  valuesFrom:\n    - {kind: ConfigMap, name: kube-root-ca.crt, valuesKey: ca.crt, targetPath: hubCA}\n",
      ),
    );
    // `other`, which nothing could make, is still an error.
    expect(dependsOn(p)).toEqual([
      ["error", ""],
      ["warning", " (HelmRelease flux-system/spoke, which Slipway does not render, may make it)"],
    ]);
  });

  it("kube-root-ca.crt is made by Kubernetes: not missing, a warning that the chart is not rendered, also when strict", () => {
    const p = load(
      layout(
        "  valuesFrom:\n    - {kind: ConfigMap, name: kube-root-ca.crt, valuesKey: ca.crt, targetPath: hubCA}\n",
      ),
    );
    for (const strict of [false, true]) {
      const found = runEngine(p, { rules: [...allRules], renderCache: false, strict }).findings.filter((f) =>
        f.message.includes("kube-root-ca.crt"),
      );
      expect(
        found.map((f) => [f.rule, f.severity, f.message.replace(/^.*: ConfigMap/, "ConfigMap")]),
      ).toEqual([
        [
          "render-error",
          "warning",
          "ConfigMap flux-system/kube-root-ca.crt is made by Kubernetes in every namespace, and its CA certificate only the cluster has, so the chart is not rendered or checked",
        ],
      ]);
    }
  });

  it("rendered, the release's Kustomization is there", () => {
    expect(dependsOn(load(layout("")))).toEqual([["error", ""]]);
  });

  it("rendered, the graph waits for the release that makes it: not missing, not 'never deployed'", () => {
    // `slipway graph` said "depends on Kustomization flux-system/spoke, which does not exist",
    // listed spoke-sync as never deployed and exited 1, while check (rightly) said nothing.
    const a = analyzeGraph(graphNodes(load(layout(""))));
    expect(a.missing.map((m) => m.name)).toEqual(["other"]);
    expect(a.edges).toContainEqual({
      dependent: "Kustomization/flux-system/spoke-sync",
      dependsOn: "HelmRelease/flux-system/spoke",
    });
  });
});

describe("a sync that reads a git server inside the cluster (nostra's gitops-fluxcd2)", () => {
  // A presentation: flux/system holds the sync objects it copies into a bare repository of an sshd
  // Pod (Service sshd in `default`), whose root Flux builds; this repository's root also holds a
  // kind config, no Kubernetes object.
  const layout = (url: string) => ({
    "flux/system/flux-system-sync.yaml": fluxSync("./", { url }),
    "argo/kind.yaml": "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n",
    "dockerimage/sshd/sshd.yaml":
      "apiVersion: v1\nkind: Service\nmetadata: {name: sshd}\nspec: {ports: [{port: 22}]}\n",
  });
  const inCluster = "ssh://fluxpres@sshd.default:/home/fluxpres/flux-system.git";
  const renderErrors = (p: Platform) =>
    runCheck(p)
      .findings.filter((f) => f.rule === "render-error")
      .map((f) => [f.severity, f.file]);

  it("is rendered from here, its errors warnings that say why, and discovery says so", () => {
    const p = load(layout(inCluster));
    expect(clusters(p)).toEqual([["root", ".", "sync"]]);
    expect(p.clusters[0]!.reason).toContain(
      `its sync reads ${inCluster}, a git server inside the cluster (sshd.default), whose content the repository does not show: rendered from this repository's files, its errors are warnings`,
    );
    expect(renderErrors(p)).toEqual([["warning", "argo/kind.yaml"]]);
    const [found] = runCheck(p).findings.filter((f) => f.rule === "render-error");
    expect(found?.message).toContain("(a warning: cluster root's sync reads ssh://fluxpres@sshd.default:");
  });

  it("a token in the sync URL is printed nowhere: not in discovery, not in a finding", () => {
    const p = load(layout("https://bob:s3cr3t-token@gitea.git.svc.cluster.local/org/flux.git"));
    expect(p.clusters[0]!.reason).toContain("its sync reads https://");
    expect(p.clusters[0]!.reason).toContain("@gitea.git.svc.cluster.local/org/flux.git, a git server inside");
    const texts = [p.clusters[0]!.reason, ...runCheck(p).findings.map((f) => f.message)];
    expect(texts.filter((t) => t?.includes("s3cr3t"))).toEqual([]);
  });

  it("a sync of a host on the internet stays an error", () => {
    expect(renderErrors(load(layout("ssh://git@github.com/nostra/gitops-fluxcd2.git")))).toEqual([
      ["error", "argo/kind.yaml"],
    ]);
  });

  it("a severity slipway.yaml sets is kept", () => {
    const p = load({
      ...layout(inCluster),
      "slipway.yaml": "check:\n  rules:\n    render-error: {severity: error}\n",
    });
    expect(renderErrors(p)).toEqual([["error", "argo/kind.yaml"]]);
  });
});

describe("a GitRepository with a placeholder URL whose spec.ignore names this tree (Jamonygr's aks-landing-zone-lab)", () => {
  const source = (ignore: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: aks-landing-zone, namespace: flux-system}
spec:
  interval: 1m
  url: https://github.com/your-org/AKS  # Replace with your repository URL
  ref: {branch: main}
  ignore: |
${ignore
  .split("\n")
  .map((l) => `    ${l}`)
  .join("\n")}
`;
  const labKs = (name: string, at: string) =>
    `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: ${name}, namespace: flux-system}
spec:
  interval: 5m
  prune: true
  path: ./k8s/${at}
  sourceRef: {kind: GitRepository, name: aks-landing-zone}
`;
  const layout = (ignore: string) => ({
    "k8s/gitops/flux-source.yaml": source(ignore),
    "k8s/gitops/flux-kustomization.yaml": `${labKs("lab-apps", "apps")}---\n${labKs("lab-namespaces", "namespaces")}`,
    "k8s/apps/web.yaml": cm("web", "lab-apps"),
    "k8s/namespaces/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: lab-apps}\n",
    "modules/aks/main.tf": "# terraform\n",
    "landing-zones/hub/main.tf": "# terraform\n",
    "main.tf": "# terraform\n",
  });

  it("is this repository: the Kustomizations reading it are a cluster rendered from here", () => {
    const p = load(layout("# Exclude non-K8s files\n/modules/\n/landing-zones/\n/*.tf"));
    expect(clusters(p)).toEqual([["gitops", "k8s/gitops", "top-level"]]);
    expect(statuses(p)).toContain("gitops flux-system/lab-apps rendered");
    expect(runCheck(p).findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("not when an entry names a path that is not here, or only one is named", () => {
    for (const ignore of ["/modules/\n/environments/", "/modules/\n/*.tf"]) {
      const p = load(layout(ignore));
      expect(clusters(p)).toEqual([]);
      expect(p.discovery!.notes.map((n) => n.kind)).toContain("not-a-cluster");
    }
  });
});

describe("a top-level Kustomization reading a GitRepository under another name whose folder mirrors this one (estenrye's flux-platform-src)", () => {
  // CI renders this repository (kustomize with Helm) into flux-platform-rendered, which Flux syncs:
  // its ./clusters/controlplane is this one's, rendered. Built as it is here, helmCharts fail.
  const url = "ssh://git@github.com/estenrye/flux-platform-rendered-controlplane.git";
  const files = {
    "clusters/controlplane/resources/flux.source.git.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-platform-rendered, namespace: flux-system}
spec:
  interval: 1m0s
  ref: {branch: main}
  url: ${url}
`,
    "clusters/controlplane/resources/flux.kustomization.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-platform, namespace: flux-system}
spec:
  interval: 10m0s
  path: ./clusters/controlplane
  prune: true
  sourceRef: {kind: GitRepository, name: flux-platform-rendered}
`,
    "clusters/controlplane/resources/kustomization.yaml":
      "resources: [flux.source.git.yaml, flux.kustomization.yaml]\n",
    "clusters/controlplane/kustomization.yaml": "resources: [resources, ../../applications/calico]\n",
    "applications/calico/kustomization.yaml":
      "helmCharts:\n  - {name: tigera-operator, repo: https://docs.tigera.io/calico/charts, version: v3.30.0}\n",
  };
  const helmChartErrors = (p: Platform) =>
    runCheck(p)
      .findings.filter((f) => f.message.startsWith("helmCharts are not supported by Flux"))
      .map((f) => f.severity);

  it("its errors are warnings saying so, and discovery says why", () => {
    const p = load(files);
    expect(clusters(p)).toEqual([["controlplane", "clusters/controlplane", "top-level"]]);
    expect(p.clusters[0]!.reason).toContain(
      `its source GitRepository flux-system/flux-platform-rendered (${url}) is defined here under another name than flux-system, and nothing shows it is this repository`,
    );
    expect(helmChartErrors(p)).toEqual(["warning"]);
  });

  it("a token in the GitRepository's URL is printed nowhere", () => {
    const withToken = "https://bob:s3cr3t-token@github.com/estenrye/flux-platform-rendered-controlplane.git";
    const p = load({
      ...files,
      "clusters/controlplane/resources/flux.source.git.yaml": files[
        "clusters/controlplane/resources/flux.source.git.yaml"
      ].replace(url, withToken),
    });
    expect(p.clusters[0]!.reason).toContain("@github.com/estenrye/flux-platform-rendered-controlplane.git)");
    const texts = [p.clusters[0]!.reason, ...runCheck(p).findings.map((f) => f.message)];
    expect(texts.filter((t) => t?.includes("s3cr3t"))).toEqual([]);
  });

  it("a remote of the checkout with its URL makes it this repository: an error", () => {
    const fs = new MemoryFileSystem(
      Object.fromEntries(Object.entries(files).map(([f, t]) => [`/repo/${f}`, t])),
    );
    const p = loadPlatform("/repo", { fs, checkout: { remotes: [url], branch: "main" } });
    expect(helmChartErrors(p)).toEqual(["error"]);
  });
});
