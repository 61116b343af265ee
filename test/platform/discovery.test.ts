import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadPlatform, platformErrors } from "../../src/platform/index.js";
import { tempTree } from "../support/cli.js";
import { ks } from "../support/flux.js";
import { clusterRows, kustomizationStatuses, loadMemoryPlatform } from "../support/memory-platform.js";

/** Discovery that explains itself (issue 10): each case is a repository layout seen in the wild. */
const load = loadMemoryPlatform;
const clusters = clusterRows;
const statuses = kustomizationStatuses;

const sync = (clusterPath: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {url: https://example.com/repo}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec: {path: ${clusterPath}, sourceRef: {kind: GitRepository, name: flux-system}}
`;
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: apps}\n`;

/** onedr0p/bjw-s layout: apps each carry a ks.yaml, listed by their namespace's kustomization. */
function appsLayout(extraSpec = ""): Record<string, string> {
  return {
    "kubernetes/flux/cluster/ks.yaml": ks("cluster-apps", `  path: ./kubernetes/apps\n${extraSpec}`),
    "kubernetes/apps/kustomization.yaml": "resources: [./a/ks.yaml, ./b/ks.yaml]\n",
    "kubernetes/apps/a/ks.yaml": ks("a", "  path: ./kubernetes/apps/a/app\n"),
    "kubernetes/apps/a/app/kustomization.yaml": "resources: [cm.yaml]\n",
    "kubernetes/apps/a/app/cm.yaml": cm("a"),
    "kubernetes/apps/b/ks.yaml": ks("b", "  path: ./kubernetes/apps/b/app\n"),
    "kubernetes/apps/b/app/kustomization.yaml": "resources: [cm.yaml]\n",
    "kubernetes/apps/b/app/cm.yaml": cm("b"),
  };
}

describe("flux-operator: a FluxInstance's spec.sync defines the cluster root", () => {
  const instance = (syncPath: string, extra = "") => `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata: {name: flux, namespace: flux-system}
spec:
  distribution: {version: "2.x"}
  sync:
    kind: GitRepository
    url: https://github.com/example/home-ops
    ref: refs/heads/main
    path: ${syncPath}
${extra}`;

  it("synthesises the root Kustomization and source flux-operator creates (name = namespace)", () => {
    const p = load({
      ...appsLayout(),
      "kubernetes/flux-instance/instance.yaml": instance("kubernetes/flux/cluster"),
    });
    expect(clusters(p)).toEqual([["cluster", "kubernetes/flux/cluster", "flux-instance"]]);
    const c = p.clusters[0]!;
    expect(c.reason).toBe("FluxInstance flux-system/flux in kubernetes/flux-instance/instance.yaml:1");
    expect(c.origin).toEqual({ file: "kubernetes/flux-instance/instance.yaml", line: 1 });
    const root = c.kustomizations[0]!;
    expect([root.id, root.synthetic, root.sourceRef, root.path]).toEqual([
      "flux-system/flux-system",
      true,
      { kind: "GitRepository", namespace: "flux-system", name: "flux-system" },
      "kubernetes/flux/cluster",
    ]);
    expect(statuses(p)).toEqual([
      "cluster flux-system/flux-system rendered",
      "cluster flux-system/cluster-apps rendered",
      "cluster flux-system/a rendered",
      "cluster flux-system/b rendered",
    ]);
    expect(platformErrors(p)).toEqual([]);
  });

  it("reads the flux-instance chart's values from a HelmRelease, and sync.name names the source", () => {
    const release = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: flux-instance, namespace: flux-system}
spec:
  chartRef: {kind: OCIRepository, name: flux-instance}
  values:
    instance:
      sync: {kind: GitRepository, name: home, url: https://example.com/r.git, ref: refs/heads/main, path: kubernetes/flux/cluster}
`;
    const layout = appsLayout();
    for (const [f, t] of Object.entries(layout))
      layout[f] = t
        .replace(/name: flux-system\n {4}namespace/g, "name: home\n    namespace")
        .replace(
          "sourceRef:\n    kind: GitRepository\n    name: flux-system",
          "sourceRef:\n    kind: GitRepository\n    name: home",
        );
    const p = load({ ...layout, "kubernetes/flux-system/flux-instance/hr.yaml": release });
    expect(clusters(p)).toEqual([["cluster", "kubernetes/flux/cluster", "flux-instance"]]);
    expect(p.clusters[0]!.kustomizations[0]!.id).toBe("flux-system/home");
    expect(p.clusters[0]!.kustomizations.find((k) => k.name === "cluster-apps")!.status).toBe("rendered");
  });

  it("a FluxInstance syncing a path this repository does not have is noted, not a cluster", () => {
    const p = load({
      "clusters/prod/apps.yaml": ks("apps", "  path: ./apps\n"),
      "clusters/prod/other.yaml": ks("other", "  path: ./apps\n"),
      "apps/cm.yaml": cm("x"),
      "infra/instance.yaml": instance("clusters/elsewhere"),
    });
    expect(clusters(p)).toEqual([["prod", "clusters/prod", "top-level"]]);
    expect(p.discovery!.notes).toContainEqual({
      kind: "not-a-cluster",
      message:
        "FluxInstance flux-system/flux syncs path 'clusters/elsewhere' of https://github.com/example/home-ops, which is not a directory of this repository: not rendered",
      file: "infra/instance.yaml",
      line: 1,
    });
  });
});

describe("app-level ks.yaml folders are never clusters", () => {
  it("not even when the Kustomization that applies them fails to render", () => {
    const p = load({
      ...appsLayout(
        "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: missing-settings\n",
      ),
      "kubernetes/flux/flux-system/gotk-sync.yaml": sync("./kubernetes/flux/cluster"),
    });
    expect(clusters(p)).toEqual([["cluster", "kubernetes/flux/cluster", "sync"]]);
    expect(statuses(p)).toContain("cluster flux-system/cluster-apps failed");
    // a and b are inside what cluster-apps builds: nothing more to say than its failure.
    expect(p.discovery!.notes).toEqual([]);
  });

  it("a single orphan manifest in a folder is not a cluster; it is noted", () => {
    const p = load({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/kustomization.yaml": "resources: [flux-system/gotk-sync.yaml]\n",
      "attic/old-app/ks.yaml": ks("old-app", "  path: ./attic/old-app/app\n"),
      "attic/old-app/app/cm.yaml": cm("old"),
    });
    expect(clusters(p)).toEqual([["prod", "clusters/prod", "sync"]]);
    // One note: it says the document is applied by nothing already.
    expect(p.discovery!.notes.map((n) => [n.kind, n.file])).toEqual([
      ["not-a-cluster", "attic/old-app/ks.yaml"],
    ]);
  });
});

describe("Kustomizations set aside beside the folder a cluster applies (H3mul: disabled/kustomizations)", () => {
  const flux = (name: string, p: string) => ks(name, `  path: ${p}\n`);
  const layout = (disabled: string) => ({
    "bootstrap/flux-system/gotk-sync.yaml": sync("./bootstrap"),
    "bootstrap/kustomizations/kustomization-blocky.yaml": flux("blocky", "./cluster/blocky"),
    "cluster/blocky/cm.yaml": cm("blocky"),
    "cluster/minio/cm.yaml": cm("minio"),
    [`${disabled}/kustomization-minio.yaml`]: flux("minio", "./cluster/minio"),
    [`${disabled}/kustomization-focalboard.yaml`]: flux("focalboard", "./cluster/focalboard"),
    // Deleted since, at the repository's top.
    [`${disabled}/kustomization-podinfo.yaml`]: flux("podinfo", "podinfo"),
  });

  it("are no cluster: the apps were turned off, and one deleted since is no missing path", () => {
    const p = load(layout("disabled/kustomizations"));
    expect(clusters(p)).toEqual([["bootstrap", "bootstrap", "sync"]]);
    expect(p.discovery!.notes.map((n) => [n.kind, n.file])).toEqual([
      ["not-a-cluster", "disabled/kustomizations/kustomization-focalboard.yaml"],
    ]);
    expect(p.discovery!.notes[0]!.message).toMatch(
      /^Flux Kustomizations flux-system\/focalboard, flux-system\/minio, flux-system\/podinfo in disabled\/kustomizations are applied by nothing and laid out as bootstrap\/kustomizations/,
    );
  });

  it("a second cluster's folder of that name under the same top folder stays a cluster", () => {
    const q = load({
      ...layout("clusters/staging/kustomizations"),
      "bootstrap/flux-system/gotk-sync.yaml": "",
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/kustomizations/kustomization-blocky.yaml": flux("blocky", "./cluster/blocky"),
    });
    expect(clusters(q).map((c) => c[1])).toContain("clusters/staging/kustomizations");
  });
});

describe("documents beside sync objects that are a copy (cloudpirates' workshop checkpoints)", () => {
  it("are that copy's: no cluster, and two checkpoints' copies of a Namespace are no duplicate", () => {
    const p = load({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/cm.yaml": cm("web"),
      // Each applied alone with kubectl: lab1 the sync of the course's ./clusters/staging.
      "checkpoints/lab1-complete.yaml": sync("./clusters/staging"),
      "checkpoints/lab4-complete.yaml": `apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n---\n${ks("tenants", "  path: ./manifests/tenants\n")}`,
      "manifests/tenants/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n",
    });
    expect(clusters(p)).toEqual([["prod", "clusters/prod", "sync"]]);
    const notes = p.discovery!.notes.filter((n) => n.file?.startsWith("checkpoints/"));
    expect(notes.map((n) => n.message)).toContainEqual(
      expect.stringContaining(
        "sit beside the Flux sync objects of checkpoints/lab1-complete.yaml, a copy (they sync a path that is not here, outside a flux-system folder)",
      ),
    );
  });

  it("sync objects alone in their folder keep their own note (tvories' tmpl/gotk-sync.yaml)", () => {
    const p = load({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/cm.yaml": cm("web"),
      "tmpl/gotk-sync.yaml": sync("./cluster/base"),
    });
    expect(
      p.discovery!.notes.map((n) => n.message).filter((m) => m.includes("beside the Flux sync")),
    ).toEqual([]);
  });

  it("a template's sync of a variable path too (olga-mir's templates/, its files made by a script)", () => {
    const p = load({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/cm.yaml": cm("web"),
      "templates/gotk-sync.yaml": sync('"${SYNC_PATH}"'),
      "templates/kustomization.yaml": "resources: [namespace.yaml, platform.yaml]\n",
      "templates/platform.yaml": `${ks("platform", "  path: ./platform\n")}---\n${ks("capi", "  path: ./capi\n")}`,
    });
    expect(clusters(p)).toEqual([["prod", "clusters/prod", "sync"]]);
    expect(platformErrors(p)).toEqual([]);
  });
});

describe("unapplied Kustomizations", () => {
  it("of one file are one note naming each (kashalls' azeroth/ks.yaml: four apps, four notes)", () => {
    const p = load({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/kustomization.yaml": "resources: [flux-system/gotk-sync.yaml]\n",
      "clusters/prod/azeroth/ks.yaml": `${ks("azeroth-mysql", "  path: ./apps/mysql\n")}---\n${ks("azeroth-auth", "  path: ./apps/auth\n")}`,
      "clusters/prod/other/ks.yaml": ks("other", "  path: ./apps/other\n"),
    });
    expect(p.discovery!.notes.map((n) => [n.kind, n.file, n.line, n.message])).toEqual([
      [
        "unapplied",
        "clusters/prod/azeroth/ks.yaml",
        1,
        "Flux Kustomizations flux-system/azeroth-mysql, flux-system/azeroth-auth are applied by no rendered cluster",
      ],
      [
        "unapplied",
        "clusters/prod/other/ks.yaml",
        1,
        "Flux Kustomization flux-system/other is applied by no rendered cluster",
      ],
    ]);
  });
});

describe("each directory once", () => {
  it("of two sync files of one folder, the one inside it is the root (auspatious/de-flux)", () => {
    // clusters/demo/flux-system/gotk-sync.yaml, a copy of clusters/prod's, syncs ./clusters/prod
    // too; read first, it was the root of clusters/prod, which its own sync file is.
    const p = load({
      "clusters/demo/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/cm.yaml": cm("web"),
    });
    expect(clusters(p)).toEqual([["prod", "clusters/prod", "sync"]]);
    expect(p.clusters[0]!.reason).toBe("Flux sync objects in clusters/prod/flux-system/gotk-sync.yaml");
  });

  it("a Flux Kustomization under a cluster's flux-system folder does not make a second cluster (no 'mgmt~')", () => {
    const p = load({
      "clusters/mgmt/flux-system/gotk-sync.yaml": sync("./clusters/mgmt"),
      "clusters/mgmt/flux-system/kustomization.yaml": "resources: [gotk-sync.yaml, missing.yaml]\n",
      "clusters/mgmt/kustomization.yaml": "resources: [flux-system]\n",
    });
    expect(clusters(p)).toEqual([["mgmt", "clusters/mgmt", "sync"]]);
    expect(statuses(p)).toEqual(["mgmt flux-system/flux-system failed"]);
  });

  describe("on disk", () => {
    const dirs: string[] = [];
    afterAll(() => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });
    it("a symbolic link loop is not followed (Flux's artifact has no links)", () => {
      const dir = tempTree({
        "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
        "clusters/prod/apps.yaml": ks("apps", "  path: ./apps\n"),
        "apps/kustomization.yaml": "resources: [cm.yaml]\n",
        "apps/cm.yaml": cm("a"),
      });
      dirs.push(dir);
      symlinkSync("..", path.join(dir, "clusters/prod/loop"));
      mkdirSync(path.join(dir, "apps/deeper"));
      symlinkSync("../../apps", path.join(dir, "apps/deeper/again"));
      const p = loadPlatform(dir);
      expect(clusters(p)).toEqual([["prod", "clusters/prod", "sync"]]);
      expect(statuses(p)).toEqual([
        "prod flux-system/flux-system rendered",
        "prod flux-system/apps rendered",
      ]);
    });
  });
});

describe("copies of applied Kustomizations", () => {
  it("an app's ks.yaml left in archive/ with the name and path of the one a cluster applies is no cluster", () => {
    // Stormcargo/k8s-gitops: archive/node-feature-discovery/ks.yaml (the app and its rules, the
    // source under its old name) beside kubernetes/apps/kube-system/node-feature-discovery/ks.yaml.
    const app = (source: string) =>
      [
        ks("nfd", "  path: ./apps/nfd/app\n").replace("name: flux-system", `name: ${source}`),
        ks("nfd-rules", "  path: ./apps/nfd/rules\n").replace("name: flux-system", `name: ${source}`),
      ].join("---\n");
    const p = load({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/apps.yaml": ks("apps", "  path: ./apps\n"),
      "apps/kustomization.yaml": "resources: [nfd/ks.yaml]\n",
      "apps/nfd/ks.yaml": app("flux-system"),
      "apps/nfd/app/cm.yaml": cm("nfd"),
      "apps/nfd/rules/cm.yaml": cm("nfd-rules"),
      "archive/nfd/ks.yaml": app("home-kubernetes"),
    });
    expect(clusters(p)).toEqual([["prod", "clusters/prod", "sync"]]);
    expect(p.discovery!.notes.map((n) => n.message)).toContain(
      "Flux Kustomizations flux-system/nfd, flux-system/nfd-rules in archive/nfd are copies of what a cluster applies from apps/nfd/ks.yaml (the same name and path): a copy left behind (an archive), not a cluster",
    );
  });
});

describe("sync files that cannot be read", () => {
  it("are errors; the cluster keeps its directory (made-up root), its sub-folders are not clusters", () => {
    const p = load({
      "clusters/prod/flux-system/gotk-sync.yaml": `${sync("./clusters/prod")}  bad: [unclosed\n`,
      "clusters/prod/flux-system/kustomization.yaml": "resources: [gotk-sync.yaml]\n",
      "clusters/prod/apps/ks.yaml": ks("apps", "  path: ./apps\n"),
      "clusters/prod/infra/ks.yaml": ks("infra", "  path: ./apps\n"),
      "apps/cm.yaml": cm("a"),
    });
    expect(clusters(p)).toEqual([["prod", "clusters/prod", "sync"]]);
    const errors = platformErrors(p);
    expect(errors[0]).toMatchObject({ file: "clusters/prod/flux-system/gotk-sync.yaml", cluster: "prod" });
    expect(errors[0]!.message).toMatch(/^cannot read the Flux sync objects: .*made-up root Kustomization$/);
    // The root builds clusters/prod, which holds the broken file: it fails (as Flux's would),
    // and apps/ and infra/ inside it are not clusters of their own.
    expect(statuses(p)).toEqual(["prod flux-system/flux-system failed"]);
    expect(p.discovery!.notes).toEqual([]);
  });

  it("are only files that define a source: an app's broken ks.yaml, whose sourceRef names one, is none", () => {
    // Stormcargo/k8s-gitops: archive/goldilocks/ks.yaml lost a key (`  : 1m`); its
    // `sourceRef: {kind: GitRepository}` made it a sync file, and archive/goldilocks a cluster
    // failing on a file nothing applies.
    const p = load({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/apps.yaml": ks("apps", "  path: ./apps\n"),
      "apps/cm.yaml": cm("a"),
      "archive/goldilocks/ks.yaml": `${ks("goldilocks", "  path: ./archive/goldilocks/app\n")}  : 1m\n`,
      "archive/goldilocks/app/cm.yaml": cm("goldilocks"),
    });
    expect(clusters(p)).toEqual([["prod", "clusters/prod", "sync"]]);
    expect(platformErrors(p)).toEqual([]);
  });
});

describe("plain kustomize stacks (the seeds' k8s/stacks/<provider>/<env> layout)", () => {
  const stackFiles = {
    "k8s/layers/infra/base/kustomization.yaml": "resources: [cm.yaml]\n",
    "k8s/layers/infra/base/cm.yaml": cm("infra"),
    "k8s/layers/infra/overlays/dev/kustomization.yaml": "resources: [../../base]\nnameSuffix: -dev\n",
    "k8s/layers/infra/overlays/prod/kustomization.yaml": "resources: [../../base]\nnameSuffix: -prod\n",
    "k8s/stacks/aws/prod/kustomization.yaml": "resources: [../../../layers/infra/overlays/prod]\n",
    "k8s/stacks/gcp/prod/kustomization.yaml": "resources: [../../../layers/infra/overlays/prod]\n",
    "k8s/stacks/dev/kustomization.yaml": "resources: [../../layers/infra/overlays/dev]\n",
  };

  it("finds every stack root as a kustomize cluster; overlays the stacks include are not clusters", () => {
    const p = load(stackFiles);
    expect(clusters(p)).toEqual([
      ["aws/prod", "k8s/stacks/aws/prod", "kustomize-stack"],
      ["dev", "k8s/stacks/dev", "kustomize-stack"],
      ["gcp/prod", "k8s/stacks/gcp/prod", "kustomize-stack"],
    ]);
    expect(p.clusters.every((c) => c.mode === "kustomize")).toBe(true);
    const names = p.clusters.map((c) => c.kustomizations[0]!.resources.map((r) => r.object.metadata));
    expect(names).toEqual([
      [{ name: "infra-prod", namespace: "apps" }],
      [{ name: "infra-dev", namespace: "apps" }],
      [{ name: "infra-prod", namespace: "apps" }],
    ]);
  });

  it("finds overlays/<env> roots that nothing includes, and not those a Flux cluster builds", () => {
    const p = load({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/apps.yaml": ks("apps", "  path: ./apps/overlays/prod\n"),
      "apps/base/kustomization.yaml": "resources: [cm.yaml]\n",
      "apps/base/cm.yaml": cm("web"),
      "apps/overlays/prod/kustomization.yaml": "resources: [../../base]\n",
      "apps/overlays/qa/kustomization.yaml": "resources: [../../base]\nnamePrefix: qa-\n",
    });
    expect(clusters(p)).toEqual([
      ["prod", "clusters/prod", "sync"],
      ["qa", "apps/overlays/qa", "kustomize-stack"],
    ]);
  });
});

describe("a top-level cluster (its sync is bootstrapped, not in the repository)", () => {
  // flux2-kustomize-helm-example's layout, plus a folder of per-app Kustomizations as
  // `slipway new service` writes it: the bootstrap builds clusters/<env>, folders included.
  const layout = (env: string) => ({
    [`clusters/${env}/flux-system/gotk-sync.yaml`]: "# written by flux bootstrap\n",
    [`clusters/${env}/infrastructure.yaml`]: ks("infrastructure", "  path: ./infrastructure\n"),
    [`clusters/${env}/apps.yaml`]: ks("apps", `  path: ./apps/${env}\n`),
    [`clusters/${env}/apps/kustomization.yaml`]: "resources: [zeta.yaml]\n",
    [`clusters/${env}/apps/zeta.yaml`]: ks("zeta", `  path: ./apps/zeta/overlays/${env}\n`),
    [`apps/${env}/kustomization.yaml`]: "resources: [cm.yaml]\n",
    [`apps/${env}/cm.yaml`]: cm(`web-${env}`),
    [`apps/zeta/overlays/${env}/kustomization.yaml`]: "resources: [../../base]\n",
  });
  it("holds the Kustomizations of a folder below it, and what they build is no stack of its own", () => {
    const p = load({
      ...layout("production"),
      ...layout("staging"),
      "infrastructure/cm.yaml": cm("infra"),
      "apps/zeta/base/kustomization.yaml": "resources: [cm.yaml]\n",
      "apps/zeta/base/cm.yaml": cm("zeta"),
    });
    expect(clusters(p)).toEqual([
      ["production", "clusters/production", "top-level"],
      ["staging", "clusters/staging", "top-level"],
    ]);
    expect(statuses(p)).toContain("production flux-system/zeta rendered");
    expect(statuses(p)).toContain("staging flux-system/zeta rendered");
  });
});

it("a repository with nothing to render has no clusters (the commands say so)", () => {
  const p = load({ "README.md": "hello\n", "docs/cm.yaml": cm("x") });
  expect(p.clusters).toEqual([]);
  expect(p.errors).toEqual([]);
});

describe("inputs built to break discovery", () => {
  const fluxInstance = (syncPath: string) => `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata: {name: flux, namespace: flux-system}
spec:
  distribution: {version: "2.x"}
  sync: {kind: GitRepository, url: "https://example.com/repo", ref: refs/heads/main, path: ${syncPath}}
`;

  it("a FluxInstance in clusters/x/flux-system syncing clusters/x is that one cluster, once", () => {
    const p = load({
      "clusters/x/flux-system/flux-instance.yaml": fluxInstance("clusters/x"),
      "clusters/x/apps.yaml": ks("apps", "  path: ./apps\n"),
      "apps/kustomization.yaml": "resources: [cm.yaml]\n",
      "apps/cm.yaml": cm("a"),
    });
    expect(clusters(p)).toEqual([["x", "clusters/x", "flux-instance"]]);
    expect(statuses(p)).toEqual(["x flux-system/flux-system rendered", "x flux-system/apps rendered"]);
    expect(p.errors).toEqual([]);
    expect(p.discovery!.notes).toEqual([]);
  });

  it("a flux-operator root without kustomization.yaml and a flux-instance/ folder under it", () => {
    const p = load({
      "kubernetes/flux/cluster/ks.yaml": ks("cluster-apps", "  path: ./kubernetes/apps\n"),
      "kubernetes/flux/cluster/flux-instance/instance.yaml": fluxInstance("kubernetes/flux/cluster"),
      "kubernetes/apps/cm.yaml": cm("a"),
    });
    expect(clusters(p)).toEqual([["cluster", "kubernetes/flux/cluster", "flux-instance"]]);
    expect(statuses(p)).toEqual([
      "cluster flux-system/flux-system rendered",
      "cluster flux-system/cluster-apps rendered",
    ]);
  });

  it("Flux objects in odd places: a dot-directory, a ConfigMap's data, a Helm chart's templates", () => {
    const p = load({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      // CI fixtures in a dot-directory are not the repository's clusters.
      ".github/fixtures/gotk-sync.yaml": sync("./.github/fixtures"),
      // A Kustomization quoted inside a ConfigMap is data, not an object.
      "clusters/prod/docs.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: docs, namespace: apps}\ndata:\n  example.yaml: |\n${sync(
        "./clusters/else",
      )
        .split("\n")
        .map((l) => `    ${l}`)
        .join("\n")}\n`,
      // A chart's template is not YAML until Helm renders it.
      "charts/bootstrap/templates/sync.yaml": `{{- if .Values.sync }}\n${sync("{{ .Values.path }}")}{{- end }}\n`,
      "charts/bootstrap/Chart.yaml": "apiVersion: v2\nname: bootstrap\nversion: 1.0.0\n",
    });
    expect(clusters(p)).toEqual([["prod", "clusters/prod", "sync"]]);
  });

  it("two sync files for one directory, one written with a trailing slash and ./: one cluster", () => {
    const p = load({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod/"),
      "clusters/prod/flux-system/kustomization.yaml": "resources: [gotk-sync.yaml]\n",
      "backup/gotk-sync.yaml": sync("clusters/prod"),
    });
    expect(clusters(p).map(([, p]) => p)).toEqual(["clusters/prod"]);
  });

  it("only kustomize stacks, no Flux at all: each stack a kustomize cluster, no notes", () => {
    const p = load({
      "stacks/web/base/kustomization.yaml": "resources: [cm.yaml]\n",
      "stacks/web/base/cm.yaml": cm("web"),
      "stacks/web/dev/kustomization.yaml": "resources: [../base]\n",
      "stacks/web/prod/kustomization.yaml": "resources: [../base]\nnamePrefix: prod-\n",
    });
    expect(clusters(p)).toEqual([
      ["dev", "stacks/web/dev", "kustomize-stack"],
      ["prod", "stacks/web/prod", "kustomize-stack"],
    ]);
    expect(p.discovery!.notes).toEqual([]);
  });
});
