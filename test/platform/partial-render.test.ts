import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../src/cache/store.js";
import { runCheck as runEngine } from "../../src/check/engine.js";
import { formatGithub } from "../../src/check/report/github.js";
import { formatJson } from "../../src/check/report/json.js";
import { formatJunit } from "../../src/check/report/junit.js";
import { formatSarif } from "../../src/check/report/sarif.js";
import { formatText } from "../../src/check/report/text.js";
import { allRules } from "../../src/check/rules/index.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { summarizeDiscovery } from "../../src/platform/discovery-summary.js";
import { loadPlatform, type Platform } from "../../src/platform/index.js";
import { isPartlyRendered, platformErrors } from "../../src/platform/model.js";
import { fluxSync, ks } from "../support/flux.js";
import { kustomizationStatuses, loadMemoryPlatform } from "../support/memory-platform.js";

/**
 * A Flux Kustomization with a remote resource somewhere below it (wrmilling/k3s-gitops: the
 * cluster's root at `./` reaches cert-manager's CRD URL) is rendered without it: the rest, and the
 * Kustomizations it defines, are rendered and checked; what is left out is said in every output,
 * and a finding that something is missing is a warning, since it may be in what is left out.
 */
const load = loadMemoryPlatform;
const check = (p: Platform) => runEngine(p, { rules: [...allRules], renderCache: false });
const SARIF = { toolVersion: "test" };
const CRD_URL = "https://github.com/example/operator/releases/download/v1.0.0/crds.yaml";

/** The cluster's root is the repository (`./`, no kustomization file: Flux generates one). */
function wrmillingShape(opts: { remote: boolean; app?: string }): Record<string, string> {
  return {
    "flux-system/gotk-sync.yaml": fluxSync("./", {
      url: "ssh://git@example.com/repo",
      interval: { git: "1m", ks: "1m" },
      prune: true,
    }),
    "operator/crds/kustomization.yaml": `resources:\n${opts.remote ? `  - ${CRD_URL}\n` : ""}  - local-crd.yaml\n`,
    "operator/crds/local-crd.yaml":
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]\n",
    "apps/web/ks.yaml": ks(
      "web",
      `  interval: 10m\n  prune: true\n  path: ./apps/web/app\n${opts.app ?? ""}`,
    ),
    "apps/web/app/kustomization.yaml": "resources: [deploy.yaml]\n",
    "apps/web/app/deploy.yaml":
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: 'nginx:1.27'}]}\n",
  };
}

describe("a remote resource below a cluster's root", () => {
  it("leaves the rest rendered: the root in part, the Kustomizations it defines in full", () => {
    const p = load(wrmillingShape({ remote: true }));
    expect(kustomizationStatuses(p)).toEqual([
      "root flux-system/flux-system rendered",
      "root flux-system/web rendered",
    ]);
    const [root, web] = p.clusters[0]!.kustomizations;
    expect(isPartlyRendered(root!)).toBe(true);
    expect(isPartlyRendered(web!)).toBe(false);
    expect(root!.resources.map((r) => String(r.object.kind))).toContain("CustomResourceDefinition");
    expect(web!.resources.map((r) => String(r.object.kind))).toEqual(["Deployment"]);
    expect(root!.errors.map((e) => [e.code, e.file, e.line])).toEqual([
      ["REMOTE_RESOURCE_OMITTED", "operator/crds/kustomization.yaml", 2],
    ]);
  });

  it("says so in the discovery summary (stderr and JSON) and in the model's errors (render's exit code)", () => {
    const p = load(wrmillingShape({ remote: true }));
    const s = summarizeDiscovery(p);
    expect(s.clusters[0]!.kustomizations).toEqual({
      total: 2,
      rendered: 2,
      failed: 0,
      suspended: 0,
      external: 0,
      partial: 1,
    });
    expect(s.notRendered.map((n) => [n.kustomization, n.status])).toEqual([
      ["flux-system/flux-system", "partial"],
    ]);
    expect(s.notRendered[0]!.reason).toContain(
      `operator/crds/kustomization.yaml:2: remote resource '${CRD_URL}'`,
    );
    expect(platformErrors(p).map((e) => e.code)).toEqual(["REMOTE_RESOURCE_OMITTED"]);
    // Nothing changes for a repository without one: no `partial` count at all.
    expect(
      summarizeDiscovery(load(wrmillingShape({ remote: false }))).clusters[0]!.kustomizations,
    ).not.toHaveProperty("partial");
  });

  it("is one warning at the entry in every report format, and the rest is checked", () => {
    const p = load(wrmillingShape({ remote: true }));
    const result = check(p);
    const found = result.findings.filter((f) => f.rule === "render-error");
    expect(found.map((f) => [f.severity, f.file, f.line, f.kustomization])).toEqual([
      ["warning", "operator/crds/kustomization.yaml", 2, "flux-system/flux-system"],
    ]);
    expect(found[0]!.message).toContain(
      "the rest of Kustomization flux-system/flux-system is rendered and checked",
    );
    // The child's objects were checked: a rule about them ran (latest-tag free, so none there), and
    // the Deployment is among the checked resources.
    expect(result.findings.filter((f) => f.severity === "error")).toEqual([]);
    for (const out of [
      formatText(result),
      formatJson(result),
      formatSarif(result, allRules, SARIF),
      formatGithub(result),
      formatJunit(result, ["root"]),
    ])
      expect(out).toContain(`remote resource '${CRD_URL}'`);
  });

  it("is one warning per kustomization file however many remote CRD files it lists, naming every URL", () => {
    // npawelek's cluster/crds/cloudnative-pg/kustomization.yaml lists ten CRD files of one
    // release: one thing to vendor, and ten near-identical warnings were ten findings.
    const urls = ["backups", "clusters", "poolers"].map(
      (n) => `https://raw.githubusercontent.com/example/operator/v1.0.0/crd/example.com_${n}.yaml`,
    );
    const dashboards = ["a", "b"].map((n) => `https://example.com/dashboards/${n}.json`);
    const files = {
      ...wrmillingShape({ remote: false }),
      "operator/crds/kustomization.yaml": `resources:\n${urls.map((u) => `  - ${u}\n`).join("")}  - local-crd.yaml\n`,
      "operator/dash/kustomization.yaml": `configMapGenerator:\n${["a", "b"].map((n, i) => `  - name: dash-${n}\n    files: [${dashboards[i]}]\n`).join("")}`,
    };
    const found = check(load(files)).findings.filter((f) => f.rule === "render-error");
    expect(found.map((f) => [f.severity, f.file, f.line])).toEqual([
      ["warning", "operator/crds/kustomization.yaml", 2],
      ["warning", "operator/dash/kustomization.yaml", undefined],
    ]);
    expect(found[0]!.message).toBe(
      `3 remote resources are not rendered or checked: Slipway builds offline (Flux fetches them). Vendor them into the repository and refer to them by local paths to check them: ${urls.map((u) => `'${u}'`).join(", ")} (the rest of Kustomization flux-system/flux-system is rendered and checked; what is missing from cluster root may be in what is not, so such findings are warnings)`,
    );
    expect(found[1]!.message).toMatch(
      /^ConfigMap dash-a, ConfigMap dash-b are not rendered or checked: their generators read 2 remote files \('https:\/\/example.com\/dashboards\/a.json', 'https:\/\/example.com\/dashboards\/b.json'\)/,
    );
  });

  it("a Kustomization that depends on one nobody defines: an error when all is rendered, a warning when not", () => {
    const missingDep = "  dependsOn:\n    - name: database\n";
    const severity = (remote: boolean) =>
      check(load(wrmillingShape({ remote, app: missingDep })))
        .findings.filter((f) => f.rule === "flux-dependson-missing")
        .map((f) => [f.severity, f.message.includes("flux-system/flux-system (in part)")]);
    expect(severity(false)).toEqual([["error", false]]);
    expect(severity(true)).toEqual([["warning", true]]);
  });

  it("an object in a namespace nobody creates: an error when all is rendered, a warning when not", () => {
    const rule = (remote: boolean) =>
      check(
        load({
          ...wrmillingShape({ remote }),
          "apps/web/app/deploy.yaml": wrmillingShape({ remote })["apps/web/app/deploy.yaml"]!.replace(
            "namespace: default",
            "namespace: ops",
          ),
        }),
      )
        .findings.filter((f) => f.rule === "namespace-exists")
        .map((f) => f.severity);
    expect(rule(false)).toContain("error");
    expect(rule(true)).not.toContain("error");
    expect(rule(true).length).toBeGreaterThan(0);
  });

  it("fails the Kustomization as before when the rest needs the remote objects", () => {
    const files = wrmillingShape({ remote: true });
    files["operator/crds/kustomization.yaml"] +=
      "patches:\n  - target: {kind: CustomResourceDefinition, name: operators.example.com}\n    patch: '[{op: add, path: /metadata/labels, value: {a: b}}]'\n";
    files["operator/crds/kustomization.yaml"] = files["operator/crds/kustomization.yaml"]!.replace(
      "patches:\n  - target: {kind: CustomResourceDefinition, name: operators.example.com}\n    patch: '[{op: add, path: /metadata/labels, value: {a: b}}]'\n",
      "patchesStrategicMerge:\n  - |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: operator}\n    spec: {replicas: 2}\n",
    );
    const p = load(files);
    expect(kustomizationStatuses(p)).toEqual(["root flux-system/flux-system failed"]);
    const found = check(p).findings.filter((f) => f.rule === "render-error");
    expect(found.map((f) => [f.severity, f.file])).toEqual([["warning", "operator/crds/kustomization.yaml"]]);
    expect(found[0]!.message).toContain("is not rendered or checked");
  });
});

describe("the render cache never serves a partial build as a whole one", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  it("a warm load says what is left out, as the cold one did", () => {
    const d = mkdtempSync(path.join(tmpdir(), "slipway-partial-cache-"));
    dirs.push(d);
    const cache = new DiskRenderCache(d, "test-code-identity");
    const files = wrmillingShape({ remote: true });
    const fs = () =>
      new MemoryFileSystem(Object.fromEntries(Object.entries(files).map(([p, t]) => [`/repo/${p}`, t])));
    const codes = (p: Platform) => platformErrors(p).map((e) => e.code);
    const cold = loadPlatform("/repo", { fs: fs(), charts: false, renderCache: cache });
    const warm = loadPlatform("/repo", { fs: fs(), charts: false, renderCache: cache });
    expect(codes(cold)).toEqual(["REMOTE_RESOURCE_OMITTED"]);
    expect(codes(warm)).toEqual(codes(cold));
    expect(kustomizationStatuses(warm)).toEqual(kustomizationStatuses(cold));
  });
});

describe("an object whose name a secret variable reaches, in the root (ahgraber/homelab-gitops-k3s)", () => {
  // The cluster's root substitutes from cluster-secrets; one Certificate is named after
  // ${SECRET_DOMAIN}. Flux applies it; Slipway does not print a secret, so that object alone is
  // left out, and the root and every Kustomization it defines are rendered.
  const files = (certName: string): Record<string, string> => {
    const shape = wrmillingShape({ remote: false });
    // slipway.yaml stays outside the root's path: Flux would read it as a manifest.
    const out: Record<string, string> = Object.fromEntries(
      Object.entries(shape).map(([p, t]) => [`k8s/${p}`, t.replace("path: ./apps/", "path: ./k8s/apps/")]),
    );
    out["k8s/flux-system/gotk-sync.yaml"] =
      `${fluxSync("./k8s", { url: "ssh://git@example.com/repo", interval: { git: "1m", ks: "1m" }, prune: true })}` +
      "  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: cluster-secrets\n";
    out["slipway.yaml"] =
      "clusterObjects:\n  - {kind: Secret, namespace: flux-system, name: cluster-secrets, data: {SECRET_DOMAIN: secret.example.org}}\n";
    out["k8s/network/certificates/production.yaml"] =
      `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: "${certName}", namespace: default}\nspec: {secretName: production-tls, issuerRef: {name: letsencrypt, kind: ClusterIssuer}, dnsNames: [example.org]}\n`;
    return out;
  };

  it("renders the root without it and the Kustomizations it defines; one warning, no secret", () => {
    const p = load(files("${SECRET_DOMAIN/./-}-production"));
    expect(kustomizationStatuses(p)).toEqual([
      "k8s flux-system/flux-system rendered",
      "k8s flux-system/web rendered",
    ]);
    const root = p.clusters[0]!.kustomizations[0]!;
    expect(isPartlyRendered(root)).toBe(true);
    expect(root.resources.map((r) => String(r.object.kind))).not.toContain("Certificate");
    expect(summarizeDiscovery(p).notRendered.map((n) => n.status)).toEqual(["partial"]);
    const result = check(p);
    const found = result.findings.filter((f) => f.rule === "render-error");
    expect(found.map((f) => [f.severity, f.file, f.line])).toEqual([
      ["warning", "k8s/network/certificates/production.yaml", 1],
    ]);
    expect(result.findings.filter((f) => f.severity === "error")).toEqual([]);
    const all = JSON.stringify([p.clusters[0]!.kustomizations.map((k) => k.errors), result.findings]);
    expect(all).not.toContain("secret.example");
    expect(all).not.toContain("secret-example");
  });

  it("differs from the same tree with a plain name only by that object and that warning", () => {
    const withheld = load(files("${SECRET_DOMAIN/./-}-production"));
    const plain = load(files("production"));
    const objects = (p: Platform) =>
      p.clusters[0]!.kustomizations.flatMap((k) => k.resources.map((r) => `${k.id} ${r.object.kind}`));
    expect(objects(plain).filter((o) => !o.endsWith(" Certificate"))).toEqual(objects(withheld));
    expect(objects(plain)).toContain("flux-system/flux-system Certificate");
    expect(isPartlyRendered(plain.clusters[0]!.kustomizations[0]!)).toBe(false);
  });
});

describe("a custom resource whose CRD another Kustomization applies", () => {
  const files = (remote: boolean) => ({
    "clusters/prod/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
    "clusters/prod/crds.yaml": ks("crds", "  interval: 10m\n  prune: true\n  path: ./crds\n"),
    "clusters/prod/app.yaml": ks("app", "  interval: 10m\n  prune: true\n  path: ./app\n"),
    "crds/kustomization.yaml": "resources: [crd.yaml]\n",
    "crds/crd.yaml": wrmillingShape({ remote: false })["operator/crds/local-crd.yaml"]!,
    "app/kustomization.yaml": `resources:\n  - widget.yaml\n${remote ? `  - ${CRD_URL}\n` : ""}`,
    "app/widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: default}\n",
  });
  it("without dependsOn: an error, a warning when the Kustomization's remote part may apply the CRD", () => {
    const found = (remote: boolean) =>
      check(load(files(remote)))
        .findings.filter((f) => f.rule === "crd-dependency-missing")
        .map((f) => f.severity);
    expect(found(false)).toEqual(["error"]);
    expect(found(true)).toEqual(["warning"]);
  });
});

describe("a configMapGenerator file source at an https URL, in the cluster's root (vaskozl/home-infra)", () => {
  // cluster/flux-system/monitoring/kustomization.yaml generates two Grafana dashboards from
  // fluxcd/flux2-monitoring-example's raw URLs (kustomize fetches a file source over http);
  // it failed the whole root, so no Kustomization of the cluster was rendered or checked.
  const DASHBOARD_URL =
    "https://raw.githubusercontent.com/fluxcd/flux2-monitoring-example/main/monitoring/configs/dashboards/cluster.json";
  const files = (source: string): Record<string, string> => ({
    "cluster/flux-system/gotk-sync.yaml": fluxSync("./cluster", {
      url: "ssh://git@example.com/repo",
      interval: { git: "1m", ks: "1m" },
      prune: true,
    }),
    "cluster/flux-system/kustomization.yaml": "resources:\n  - gotk-sync.yaml\n  - monitoring\n",
    "cluster/flux-system/monitoring/kustomization.yaml": `namespace: flux-system
resources:
  - vmrule.yaml
configMapGenerator:
  - name: flux-cluster-dashboard
    files:
      - ${source}
  - name: flux-settings
    literals:
      - folder=Flux
generatorOptions:
  disableNameSuffixHash: true
`,
    "cluster/flux-system/monitoring/vmrule.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flux-rules}\n",
    "cluster/flux-system/monitoring/cluster.json": "{}\n",
    "cluster/kustomization.yaml": "resources:\n  - flux-system\n  - metallb/ks.yaml\n",
    "cluster/metallb/ks.yaml": ks(
      "metallb",
      "  interval: 1h\n  prune: true\n  path: ./cluster/metallb/app\n",
    ),
    "cluster/metallb/app/kustomization.yaml": "resources: [cm.yaml]\n",
    "cluster/metallb/app/cm.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: metallb, namespace: default}\n",
  });
  const remote = () => load(files(`flux-cluster-dashboard.json=${DASHBOARD_URL}`));

  it("leaves that ConfigMap out and renders the rest: the root in part, its children in full", () => {
    const p = remote();
    expect(kustomizationStatuses(p)).toEqual([
      "cluster flux-system/flux-system rendered",
      "cluster flux-system/metallb rendered",
    ]);
    const root = p.clusters[0]!.kustomizations[0]!;
    const names = root.resources.map(
      (r) => `${r.object.kind} ${String((r.object.metadata as { name: string }).name)}`,
    );
    expect(names).toContain("ConfigMap flux-settings");
    expect(names).toContain("ConfigMap flux-rules");
    expect(names).not.toContain("ConfigMap flux-cluster-dashboard");
    // A local file in its place: the whole object, as before.
    const local = load(files("flux-cluster-dashboard.json=cluster.json")).clusters[0]!.kustomizations[0]!;
    expect(local.resources.map((r) => String((r.object.metadata as { name: string }).name))).toContain(
      "flux-cluster-dashboard",
    );
    expect(isPartlyRendered(root)).toBe(true);
    expect(root.errors.map((e) => [e.code, e.file, e.line])).toEqual([
      ["REMOTE_RESOURCE_OMITTED", "cluster/flux-system/monitoring/kustomization.yaml", 7],
    ]);
  });

  it("says what is left out in the discovery summary, the model's errors and every report format", () => {
    const p = remote();
    const said = `ConfigMap flux-cluster-dashboard is not rendered or checked: its generator reads the remote file '${DASHBOARD_URL}'`;
    const s = summarizeDiscovery(p);
    expect(s.notRendered.map((n) => [n.kustomization, n.status])).toEqual([
      ["flux-system/flux-system", "partial"],
    ]);
    expect(s.notRendered[0]!.reason).toContain(said);
    expect(platformErrors(p).map((e) => e.code)).toEqual(["REMOTE_RESOURCE_OMITTED"]);
    const result = check(p);
    expect(
      result.findings.filter((f) => f.rule === "render-error").map((f) => [f.severity, f.file, f.line]),
    ).toEqual([["warning", "cluster/flux-system/monitoring/kustomization.yaml", 7]]);
    for (const out of [
      formatText(result),
      formatJson(result),
      formatSarif(result, allRules, SARIF),
      formatGithub(result),
      formatJunit(result, ["cluster"]),
    ])
      expect(out).toContain(said);
  });

  it("a local source of the same kustomization that fails fails the build: an error, not the remote part's warning", () => {
    // Flux fetches the dashboard and then fails on the missing local file: the cluster's root is
    // not applied at all, which check must say as an error and with its exit code.
    const shape = files(`flux-cluster-dashboard.json=${DASHBOARD_URL}`);
    shape["cluster/flux-system/monitoring/kustomization.yaml"] = shape[
      "cluster/flux-system/monitoring/kustomization.yaml"
    ]!.replace("      - folder=Flux\n", "      - folder=Flux\n    files:\n      - settings.env\n");
    const p = load(shape);
    expect(kustomizationStatuses(p)).toEqual(["cluster flux-system/flux-system failed"]);
    const result = check(p);
    const errors = result.findings.filter((f) => f.rule === "render-error");
    expect(errors.map((f) => f.severity)).toEqual(["error"]);
    expect(errors[0]!.message).toContain("settings.env' does not exist");
    expect(errors[0]!.message).not.toContain("remote");
  });
});
