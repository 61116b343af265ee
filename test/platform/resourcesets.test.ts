/**
 * ResourceSets as the Flux Operator reconciles them, with fixtures modelled on the operator's
 * documentation (docs/api/v1/resourceset.md, resourcesetinputprovider.md, the ResourceSet
 * guides): inputs, providers, strategies, templates, dependsOn, steps, copyFrom.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { runCheck } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { analyzeGraph } from "../../src/graph/index.js";
import { setSprigLibrary } from "../../src/operator/funcs.js";
import { graphNodes, loadPlatform } from "../../src/platform/index.js";
import { ks, SYNC } from "../support/flux.js";

function load(files: Record<string, string>, config?: string) {
  const fs = new MemoryFileSystem({
    "/repo/clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "/repo/clusters/c/infra.yaml": ks("infra", "  path: ./infra\n  prune: true\n"),
    ...(config ? { "/repo/slipway.yaml": config } : {}),
    ...Object.fromEntries(
      Object.entries(files).map(([k, v]) => [k.startsWith("/") ? k : `/repo/infra/${k}`, v]),
    ),
  });
  const p = loadPlatform("/repo", { fs });
  const c = p.clusters[0]!;
  const check = () =>
    runCheck(p, {
      rules: allRules,
      readSource: (file) => {
        try {
          return fs.readFile(file).toString("utf8");
        } catch {
          return undefined;
        }
      },
    });
  const rs = (name: string) => c.kustomizations.find((k) => k.kind === "ResourceSet" && k.name === name)!;
  const objects = (name: string) => rs(name).resources.map((r) => r.object);
  return { p, c, rs, objects, check };
}

const kustomization = (resources: string[]) => `resources:\n${resources.map((r) => `  - ${r}\n`).join("")}`;

describe("ResourceSet inputs and resources (docs: Example)", () => {
  const podinfo = `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: podinfo
  namespace: default
spec:
  commonMetadata:
    labels:
      app.kubernetes.io/name: podinfo
  inputs:
    - tenant: "team1"
      app:
       version: "6.7.x"
       replicas: 2
    - tenant: "team2"
      app:
       version: "6.6.x"
       replicas: 3
  resources:
    - apiVersion: source.toolkit.fluxcd.io/v1
      kind: OCIRepository
      metadata:
        name: podinfo-<< inputs.tenant >>
        namespace: default
      spec:
        interval: 10m
        url: oci://ghcr.io/stefanprodan/charts/podinfo
        ref:
          semver: << inputs.app.version | printf "%q" >>
    - apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata:
        name: podinfo-<< inputs.tenant >>
        namespace: default
      spec:
        interval: 1h
        releaseName: podinfo-<< inputs.tenant >>
        chartRef:
          kind: OCIRepository
          name: podinfo-<< inputs.tenant >>
        values:
          replicaCount: << inputs.app.replicas >>
`;

  it("renders one set of objects per input, with owner labels and commonMetadata", () => {
    const { c, rs, objects } = load({
      "kustomization.yaml": kustomization(["podinfo.yaml"]),
      "podinfo.yaml": podinfo,
    });
    const node = rs("podinfo");
    expect(node).toMatchObject({
      id: "ResourceSet/default/podinfo",
      status: "rendered",
      appliedBy: "flux-system/infra",
    });
    expect(node.resourceSet).toMatchObject({ inputs: 2, strategy: "Flatten", providers: [] });
    expect(objects("podinfo").map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`)).toEqual([
      "OCIRepository/podinfo-team1",
      "OCIRepository/podinfo-team2",
      "HelmRelease/podinfo-team1",
      "HelmRelease/podinfo-team2",
    ]);
    const hr = objects("podinfo")[3]!;
    expect(hr.metadata).toEqual({
      name: "podinfo-team2",
      namespace: "default",
      labels: {
        "app.kubernetes.io/name": "podinfo",
        "resourceset.fluxcd.controlplane.io/name": "podinfo",
        "resourceset.fluxcd.controlplane.io/namespace": "default",
      },
    });
    expect((hr.spec as { values: unknown }).values).toEqual({ replicaCount: 3 });
    expect((objects("podinfo")[0]!.spec as { ref: unknown }).ref).toEqual({ semver: "6.7.x" });
    // Generated Flux objects are first-class: the HelmRelease and its source are the cluster's.
    expect(c.helmReleases.map((h) => [h.name, h.kustomization])).toEqual([
      ["podinfo-team1", "ResourceSet/default/podinfo"],
      ["podinfo-team2", "ResourceSet/default/podinfo"],
    ]);
    expect(c.sources.filter((s) => s.kustomization === node.id).map((s) => s.name)).toEqual([
      "podinfo-team1",
      "podinfo-team2",
    ]);
    // Provenance: the template entry of the ResourceSet's file.
    expect(node.resources[2]!.source).toEqual({ file: "infra/podinfo.yaml", line: 30 });
    expect(node.resources[2]!.generatedBy).toEqual({
      kind: "ResourceSet",
      namespace: "default",
      name: "podinfo",
      template: "resources[1]",
      input: 0,
    });
  });

  it("deduplicates objects with the same identity (docs: Resource deduplication) and drops reconcile: disabled ones", () => {
    const { objects } = load({
      "kustomization.yaml": kustomization(["rset.yaml"]),
      "rset.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: shared
  namespace: default
spec:
  inputs:
    - tenant: "team1"
    - tenant: "team2"
  resources:
    - apiVersion: v1
      kind: Namespace
      metadata:
        name: shared
    - apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: flux
        namespace: << inputs.tenant >>
        annotations:
          fluxcd.controlplane.io/reconcile: << if eq inputs.tenant "team1" >>enabled<< else >>disabled<< end >>
`,
    });
    expect(
      objects("shared").map((o) => `${o.kind}/${(o.metadata as { namespace?: string }).namespace ?? ""}`),
    ).toEqual(["Namespace/", "ServiceAccount/team1"]);
  });

  it("renders resourcesTemplate once per input and follows the Flux Kustomizations it generates", () => {
    const { c, rs } = load({
      "kustomization.yaml": kustomization(["bundles.yaml"]),
      "bundles.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: bundles
  namespace: flux-system
spec:
  inputs:
    - bundle: addons
      decryption: false
      components:
        - ingress
        - certs
  resourcesTemplate: |
    <<- range $component := inputs.components >>
    ---
    apiVersion: kustomize.toolkit.fluxcd.io/v1
    kind: Kustomization
    metadata:
      name: << $component >>
      namespace: flux-system
    spec:
      interval: 1h
      prune: true
      <<- if inputs.decryption >>
      decryption:
        provider: sops
      <<- end >>
      sourceRef:
        kind: GitRepository
        name: flux-system
      path: ./components/<< $component >>
    <<- end >>
`,
      "/repo/components/ingress/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ingress\n  namespace: default\n",
      "/repo/components/certs/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: certs\n  namespace: default\n",
    });
    expect(rs("bundles").children).toEqual(["flux-system/ingress", "flux-system/certs"]);
    const ingress = c.kustomizations.find((k) => k.id === "flux-system/ingress")!;
    expect(ingress).toMatchObject({
      status: "rendered",
      appliedBy: "ResourceSet/flux-system/bundles",
      dir: "components/ingress",
    });
    expect(ingress.resources[0]!.object.metadata).toMatchObject({
      labels: {
        "kustomize.toolkit.fluxcd.io/name": "ingress",
        "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
      },
    });
    expect(rs("bundles").resources[0]!.source?.line).toBe(13); // the resourcesTemplate key
  });

  it("reports a template error at its line and the ResourceSet as failed (missingkey=error)", () => {
    const { rs } = load({
      "kustomization.yaml": kustomization(["bad.yaml"]),
      "bad.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: bad
  namespace: default
spec:
  inputs:
    - tenant: team1
  resourcesTemplate: |
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: << inputs.tennant >>
`,
    });
    expect(rs("bad").status).toBe("failed");
    expect(rs("bad").errors[0]).toMatchObject({ file: "infra/bad.yaml", line: 13 });
    expect(rs("bad").errors[0]!.message).toContain('map has no entry for key "tennant"');
  });

  it("a template function Slipway does not provide yet: not rendered, said so, never an error", () => {
    const previous = setSprigLibrary(() => new Map());
    onTestFinished(() => {
      setSprigLibrary(previous);
    });
    const { rs, check } = load({
      "kustomization.yaml": kustomization(["later.yaml"]),
      "later.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: later
  namespace: default
spec:
  inputs:
    - tenant: team1
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: << inputs.tenant | upper >>
`,
    });
    const node = rs("later");
    expect(node.status).toBe("external");
    expect(node.errors).toEqual([]);
    expect(node.statusReason).toContain('"upper"');
    expect(node.notices?.map((n) => n.code)).toEqual(["NOT_RENDERED"]);
    expect(check().findings.filter((f) => f.severity === "error" && f.file === "infra/later.yaml")).toEqual(
      [],
    );
  });
});

describe("ResourceSetInputProviders (docs: inputsFrom, Permute)", () => {
  const rsip = (name: string, spec: string, extra = "") => `---
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSetInputProvider
metadata:
  name: ${name}
  namespace: apps
${extra}spec:
${spec}`;
  const consumer = (spec: string) => `---
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: consumer
  namespace: apps
spec:
${spec}
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: cm-<< inputs.id >>
        namespace: apps
      data:
        provider: << inputs.provider.name >>
`;

  it("a Static provider exports its defaultValues with an id (by name, like flux-operator build)", () => {
    const { objects, rs } = load({
      "kustomization.yaml": kustomization(["providers.yaml"]),
      "providers.yaml":
        rsip("static", "  type: Static\n  defaultValues:\n    env: staging\n") +
        consumer("  inputsFrom:\n    - kind: ResourceSetInputProvider\n      name: static"),
    });
    expect(rs("consumer").resourceSet?.providers).toEqual(["apps/static"]);
    expect(objects("consumer").map((o) => o.metadata && (o.metadata as { name: string }).name)).toEqual([
      "cm-152109705",
    ]);
    expect(objects("consumer")[0]!.data).toEqual({ provider: "static" });
  });

  it("selects providers by label and takes dynamic ones' inputs from status.exportedInputs", () => {
    const { objects } = load({
      "kustomization.yaml": kustomization(["providers.yaml"]),
      "providers.yaml":
        rsip(
          "prs",
          "  type: GitHubPullRequest\n  url: https://github.com/org/app\n",
          "  labels:\n    app: podinfo\n",
        ).replace(
          "spec:",
          'status:\n  exportedInputs:\n    - id: "1"\n      branch: feat-a\n    - id: "2"\n      branch: feat-b\nspec:',
        ) +
        rsip("other", "  type: Static\n", "  labels:\n    app: other\n") +
        consumer("  inputsFrom:\n    - selector:\n        matchLabels:\n          app: podinfo"),
    });
    expect(objects("consumer").map((o) => (o.metadata as { name: string }).name)).toEqual(["cm-1", "cm-2"]);
  });

  it("a dynamic provider without exported inputs is a notice, not an error; slipway.yaml can give them", () => {
    const files = {
      "kustomization.yaml": kustomization(["providers.yaml"]),
      "providers.yaml":
        rsip(
          "tags",
          "  type: OCIArtifactTag\n  url: oci://ghcr.io/org/app\n  defaultValues:\n    env: prod\n",
        ) + consumer("  inputsFrom:\n    - name: tags"),
    };
    const without = load(files);
    expect(without.rs("consumer")).toMatchObject({ status: "external", errors: [] });
    expect(without.rs("consumer").notices?.[0]).toMatchObject({
      code: "NOT_RENDERED",
      file: "infra/providers.yaml",
    });
    expect(
      without
        .check()
        .findings.filter((f) => f.rule === "not-rendered-offline")
        .map((f) => f.message),
    ).toEqual([
      "ResourceSet apps/consumer is not rendered: its input provider ResourceSetInputProvider apps/tags (type OCIArtifactTag) exports inputs only in the cluster: give them in slipway.yaml 'inputProviders' (namespace: apps, name: tags, file: …) to render it",
    ]);
    const given = load(
      { ...files, "/repo/ci/tags.yaml": "- id: t1\n  tag: v1.0.0\n- id: t2\n  tag: v1.1.0\n  env: canary\n" },
      "inputProviders:\n  - namespace: apps\n    name: tags\n    file: ci/tags.yaml\n",
    );
    expect(given.objects("consumer").map((o) => (o.metadata as { name: string }).name)).toEqual([
      "cm-t1",
      "cm-t2",
    ]);
  });

  it("Permute: one object per combination, provider inputs under their normalized names (docs example)", () => {
    const { objects } = load({
      "kustomization.yaml": kustomization(["permute.yaml"]),
      "permute.yaml":
        rsip("git-tag", "  type: GitHubTag\n  url: https://github.com/org/app\n").replace(
          "spec:",
          'status:\n  exportedInputs:\n    - id: "8765674567"\n      sha: bf5d6e0\nspec:',
        ) +
        rsip("oci-tag", "  type: OCIArtifactTag\n  url: oci://ghcr.io/org/app\n").replace(
          "spec:",
          'status:\n  exportedInputs:\n    - id: "9876543210"\n      digest: sha256:d4ec98\nspec:',
        ) +
        `---
apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: my-rset
  namespace: apps
spec:
  inputStrategy:
    name: Permute
  inputs:
    - id: id1
      someField: foo
    - id: id2
      someField: bar
  inputsFrom:
    - kind: ResourceSetInputProvider
      name: git-tag
    - kind: ResourceSetInputProvider
      name: oci-tag
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: my-cm-<< inputs.id >>
        namespace: apps
      data:
        rsetID: << inputs.my_rset.id | printf "%q" >>
        rsipGitID: << inputs.git_tag.id | printf "%q" >>
        someField: << inputs.my_rset.someField | printf "%q" >>
        sha: << inputs.git_tag.sha | printf "%q" >>
        digest: << inputs.oci_tag.digest | printf "%q" >>
`,
    });
    const cms = objects("my-rset");
    expect(cms).toHaveLength(2);
    expect(cms[0]!.data).toEqual({
      rsetID: "id1",
      rsipGitID: "8765674567",
      someField: "foo",
      sha: "bf5d6e0",
      digest: "sha256:d4ec98",
    });
    expect(cms[1]!.data).toMatchObject({ rsetID: "id2", someField: "bar" });
  });

  it("ResourceSets feeding ResourceSets resolve to a fixed point (a generated provider, a generated ResourceSet)", () => {
    const { objects, rs } = load({
      "kustomization.yaml": kustomization(["outer.yaml", "consumer.yaml"]),
      "consumer.yaml": consumer("  inputsFrom:\n    - name: generated"),
      "outer.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: outer
  namespace: apps
spec:
  resources:
    - apiVersion: fluxcd.controlplane.io/v1
      kind: ResourceSetInputProvider
      metadata:
        name: generated
        namespace: apps
      spec:
        type: Static
        defaultValues:
          region: eu
    - apiVersion: fluxcd.controlplane.io/v1
      kind: ResourceSet
      metadata:
        name: inner
        namespace: apps
      spec:
        inputs:
          - n: one
        resources:
          - apiVersion: v1
            kind: ConfigMap
            metadata:
              name: inner-<< "<<" >> inputs.n << ">>" >>
              namespace: apps
`,
    });
    expect(rs("outer").errors).toEqual([]);
    expect(rs("consumer").status).toBe("rendered");
    expect(objects("consumer")).toHaveLength(1);
    expect(rs("inner")).toMatchObject({ appliedBy: "ResourceSet/apps/outer", status: "rendered" });
    expect(objects("inner").map((o) => (o.metadata as { name: string }).name)).toEqual(["inner-one"]);
  });
});

describe("ResourceSet dependsOn, steps and cluster data", () => {
  const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;
  const widgets = (deps: string) => `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: widgets
  namespace: apps
spec:
  dependsOn:
${deps}
  resources:
    - apiVersion: example.com/v1
      kind: Widget
      metadata:
        name: w
        namespace: apps
`;

  it("puts dependencies in the graph: a CRD stands for the Kustomization applying it", () => {
    const { p, check } = load({
      "kustomization.yaml": kustomization(["widgets.yaml"]),
      "widgets.yaml": widgets(
        "    - apiVersion: apiextensions.k8s.io/v1\n      kind: CustomResourceDefinition\n      name: widgets.example.com\n      ready: true\n    - apiVersion: fluxcd.controlplane.io/v1\n      kind: ResourceSet\n      name: nowhere\n      namespace: apps",
      ),
      "/repo/clusters/c/crds.yaml": ks("crds", "  path: ./crds\n  prune: true\n"),
      "/repo/crds/crd.yaml": crd,
    });
    const g = analyzeGraph(graphNodes(p));
    expect(g.edges.filter((e) => e.dependent === "ResourceSet/apps/widgets")).toEqual([
      { dependent: "ResourceSet/apps/widgets", dependsOn: "Kustomization/flux-system/crds" },
      { dependent: "ResourceSet/apps/widgets", dependsOn: "Kustomization/flux-system/infra", implicit: true },
    ]);
    expect(g.missing).toEqual([
      {
        dependent: "ResourceSet/apps/widgets",
        cluster: "c",
        kind: "ResourceSet",
        namespace: "apps",
        name: "nowhere",
      },
    ]);
    const findings = check().findings;
    expect(findings.filter((f) => f.rule === "crd-dependency-missing")).toEqual([]);
    expect(findings.find((f) => f.rule === "flux-dependson-missing")?.message).toBe(
      "ResourceSet apps/widgets depends on apps/nowhere, but cluster c has no ResourceSet of that name",
    );
  });

  it("a CRD nothing renders is a warning that the operator waits; a missing CRD dependency is an error", () => {
    const { check } = load({
      "kustomization.yaml": kustomization(["widgets.yaml"]),
      "widgets.yaml": widgets(
        "    - apiVersion: apiextensions.k8s.io/v1\n      kind: CustomResourceDefinition\n      name: gadgets.example.com",
      ),
      "/repo/clusters/c/crds.yaml": ks("crds", "  path: ./crds\n  prune: true\n"),
      "/repo/crds/crd.yaml": crd,
    });
    const findings = check().findings;
    expect(findings.find((f) => f.rule === "resourceset-dependency")).toMatchObject({
      severity: "warning",
      file: "infra/widgets.yaml",
    });
    expect(findings.find((f) => f.rule === "crd-dependency-missing")).toMatchObject({
      severity: "error",
      message:
        "Widget apps/w needs CRD widgets.example.com, applied by flux-system/crds, which ResourceSet apps/widgets does not depend on (add {apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, name: widgets.example.com} to spec.dependsOn)",
    });
  });

  // controlplaneio-fluxcd/d1-fleet (round 18): the self-managing flux-operator ResourceSet waits
  // for helmreleases.helm.toolkit.fluxcd.io, which the cluster's FluxInstance installs.
  it("a Flux CRD of a controller the cluster's FluxInstance runs is there; one of another is not", () => {
    const { check } = load({
      "kustomization.yaml": kustomization(["widgets.yaml"]),
      "widgets.yaml": widgets(
        "    - apiVersion: apiextensions.k8s.io/v1\n      kind: CustomResourceDefinition\n      name: helmreleases.helm.toolkit.fluxcd.io\n    - apiVersion: apiextensions.k8s.io/v1\n      kind: CustomResourceDefinition\n      name: imageupdateautomations.image.toolkit.fluxcd.io",
      ),
      "/repo/clusters/c/crds.yaml": ks("crds", "  path: ./crds\n  prune: true\n"),
      "/repo/crds/crd.yaml": crd,
      "/repo/clusters/c/flux-instance.yaml":
        "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\nspec:\n  distribution:\n    version: 2.x\n    registry: ghcr.io/fluxcd\n  components:\n    - source-controller\n    - kustomize-controller\n    - helm-controller\n",
    });
    expect(
      check()
        .findings.filter((f) => f.rule === "resourceset-dependency")
        .map((f) => f.message),
    ).toEqual([
      expect.stringContaining("CustomResourceDefinition imageupdateautomations.image.toolkit.fluxcd.io"),
    ]);
  });

  it("steps keep their order and reject an object defined twice", () => {
    const { rs, objects } = load({
      "kustomization.yaml": kustomization(["steps.yaml", "dup.yaml"]),
      "steps.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: staged
  namespace: apps
spec:
  inputs:
    - version: v1.0.0
  steps:
    - name: db-migration
      resources:
        - apiVersion: batch/v1
          kind: Job
          metadata:
            name: db-migration
            namespace: apps
          spec:
            template:
              spec:
                containers:
                  - name: migration
                    image: ghcr.io/org/my-app:<< inputs.version >>
    - name: app-deploy
      resources:
        - apiVersion: v1
          kind: ConfigMap
          metadata:
            name: app
            namespace: apps
`,
      "dup.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: dup
  namespace: apps
spec:
  steps:
    - name: a
      resources:
        - {apiVersion: v1, kind: ConfigMap, metadata: {name: x, namespace: apps}}
    - name: b
      resources:
        - {apiVersion: v1, kind: ConfigMap, metadata: {name: x, namespace: apps}}
`,
    });
    expect(rs("staged").resourceSet?.steps).toEqual(["db-migration", "app-deploy"]);
    expect(objects("staged").map((o) => o.kind)).toEqual(["Job", "ConfigMap"]);
    expect(rs("staged").resources[0]!.generatedBy?.template).toBe("steps[0].resources[0]");
    expect(rs("dup").errors[0]!.message).toBe(
      'ResourceSet apps/dup: build failed: duplicate resource ConfigMap/apps/x in step "b", already defined in step "a"',
    );
  });

  it("copies data the cluster renders (copyFrom) and notes what only the cluster has", () => {
    const { rs, objects } = load({
      "kustomization.yaml": kustomization(["runtime.yaml", "tenants.yaml"]),
      "runtime.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: runtime-info\n  namespace: flux-system\ndata:\n  CLUSTER: prod\n",
      "tenants.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: tenants
  namespace: flux-system
spec:
  inputs:
    - tenant: "team1"
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: runtime-info
        namespace: << inputs.tenant >>
        annotations:
          fluxcd.controlplane.io/copyFrom: "flux-system/runtime-info"
    - apiVersion: v1
      kind: Secret
      metadata:
        name: docker-auth
        namespace: << inputs.tenant >>
        annotations:
          fluxcd.controlplane.io/copyFrom: "flux-system/docker-auth"
`,
    });
    expect(objects("tenants")[0]!.data).toEqual({ CLUSTER: "prod" });
    expect(objects("tenants")[1]!.stringData).toBeUndefined();
    expect(rs("tenants").notices).toEqual([
      expect.objectContaining({
        code: "CLUSTER_ONLY",
        message: expect.stringContaining(
          "Secret team1/docker-auth: its data is copied from Secret flux-system/docker-auth at apply time",
        ),
      }),
    ]);
  });
});
