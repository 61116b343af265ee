import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { OverlayFileSystem } from "../../src/fs/overlay.js";
import type { KObject, YamlValue } from "../../src/kustomize/types.js";
import {
  fluxKustomizationFile,
  loadPlatform,
  mergeImages,
  nameClusters,
  parseConfig,
  platformErrors,
} from "../../src/platform/index.js";
import { ks, SYNC } from "../support/flux.js";

/** A one-cluster repository whose root applies `app` (spec given) over `/repo/app`. */
function renderApp(spec: string, files: Record<string, string>, extraCluster: Record<string, string> = {}) {
  const fs = new MemoryFileSystem({
    "/repo/clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "/repo/clusters/c/app.yaml": ks("app", `  path: ./app\n${spec}`),
    ...Object.fromEntries(Object.entries(extraCluster).map(([k, v]) => [`/repo/clusters/c/${k}`, v])),
    ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`/repo/app/${k}`, v])),
  });
  const p = loadPlatform("/repo", { fs });
  const app = p.clusters[0]!.kustomizations.find((k) => k.name === "app")!;
  return { p, app, objects: app.resources.map((r) => r.object) };
}

const cm = (name: string, data: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${data}`;

describe("kustomization.yaml rewrite (SPEC §3.2)", () => {
  it("drops unknown fields, matches names case-insensitively, replaces namespace/prefix, appends patches", () => {
    const fs = new MemoryFileSystem({
      "/r/kustomization.yaml": "Resources: [a.yaml]\nnamePrefix: old-\nunknownField: 1\nnamespace: x\n",
      "/r/a.yaml": cm("a", "  k: v\n"),
    });
    const f = fluxKustomizationFile(fs, "/r", {
      targetNamespace: "t",
      namePrefix: "new-",
      patches: [{ patch: "p", target: { kind: "ConfigMap", name: "a", extra: "dropped" } }],
    });
    expect(f.generated).toBe(false);
    expect(f.object).toEqual({
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: ["a.yaml"],
      namePrefix: "new-",
      namespace: "t",
      patches: [{ patch: "p", target: { kind: "ConfigMap", name: "a" } }],
    });
  });

  it("adds origin annotations when the file has no resources", () => {
    const fs = new MemoryFileSystem({
      "/r/kustomization.yaml": "configMapGenerator:\n  - name: g\n    literals: [a=b]\n",
    });
    expect(fluxKustomizationFile(fs, "/r", {}).object.buildMetadata).toEqual(["originAnnotations"]);
    expect(
      fluxKustomizationFile(fs, "/r", { buildMetadata: ["transformerAnnotations"] }).object.buildMetadata,
    ).toEqual(["transformerAnnotations"]);
  });

  it("decodes the first document only, as sigs.k8s.io/yaml does (fluxcd/pkg kustomize_generator.go)", () => {
    const fs = new MemoryFileSystem({
      "/empty-first/kustomization.yaml": "---\n---\nresources: [a.yaml]\n",
      "/second/kustomization.yaml": "resources: [a.yaml]\n---\nnamePrefix: [\n",
      "/end-first/kustomization.yaml": "# c\n...\nresources: [a.yaml]\n",
    });
    // An empty first document: the struct as Flux starts it, so nothing is built (and nothing applied).
    expect(fluxKustomizationFile(fs, "/empty-first", {}).object).toEqual({
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      buildMetadata: ["originAnnotations"],
    });
    expect(fluxKustomizationFile(fs, "/second", {}).object.resources).toEqual(["a.yaml"]);
    expect(() => fluxKustomizationFile(fs, "/end-first", {})).toThrow(
      "yaml: line 1: did not find expected node content",
    );
  });

  it("rejects remote components and skips missing ones when asked", () => {
    const fs = new MemoryFileSystem({ "/r/a.yaml": cm("a", "  k: v\n") });
    expect(() => fluxKustomizationFile(fs, "/r", { components: ["https://x/y"] })).toThrow(
      "component path 'https://x/y' must be local and relative",
    );
    const f = fluxKustomizationFile(fs, "/r", { components: ["../missing"], ignoreMissingComponents: true });
    expect(f.object.components).toBeUndefined();
  });

  it("generates {namespace: _placeholder} for an empty directory and fails on non-Kubernetes YAML", () => {
    const fs = new MemoryFileSystem({ "/e/readme.md": "x", "/bad/.sops.yaml": "creation_rules: []\n" });
    expect(fluxKustomizationFile(fs, "/e", {}).object).toEqual({
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      namespace: "_placeholder",
    });
    expect(() => fluxKustomizationFile(fs, "/bad", {})).toThrow(
      /failed to decode Kubernetes YAML from \/bad\/.sops.yaml/,
    );
  });

  it("merges spec.images as kustomize-controller ≥ 1.9.4", () => {
    const existing: YamlValue[] = [
      { name: "a", newName: "reg/a", newTag: "1", digest: "sha256:x" },
      { name: "b", newTag: "2" },
    ];
    expect(
      mergeImages(existing, [
        { name: "a", newTag: "3" },
        { name: "b", newName: "reg/b" },
        { name: "c", digest: "sha256:c" },
        { name: "b" },
      ]),
    ).toEqual([
      { name: "a", newName: "reg/a", newTag: "3" },
      { name: "b", newTag: "2", newName: "reg/b" },
      { name: "c", digest: "sha256:c" },
    ]);
  });
});

describe("overlay file system", () => {
  it("serves overlay files without touching the base", () => {
    const base = new MemoryFileSystem({ "/d/a.yaml": "a" });
    const o = new OverlayFileSystem(base, { "/d/kustomization.yaml": "k", "/n/x": "y" });
    expect(o.readDir("/d")).toEqual(["a.yaml", "kustomization.yaml"]);
    expect(o.readFile("/d/kustomization.yaml").toString()).toBe("k");
    expect(o.isDirectory("/n")).toBe(true);
    expect(base.exists("/d/kustomization.yaml")).toBe(false);
  });
});

describe("postBuild substitution, case by case", () => {
  const files = { "cm.yaml": cm("c", '  a: ${a}\n  b: ${b:=dflt}\n  c: $${a}\n  n: "${num}"\n') };

  it("substitute + defaults + escape + YAML 1.1 re-typing", () => {
    const { objects } = renderApp('  postBuild:\n    substitute:\n      a: x\n      num: "123"\n', files);
    expect(objects[0]!.data).toEqual({ a: "x", b: "dflt", c: "${a}", n: 123 });
  });

  it("without variables nothing is substituted (defaults stay), unless substituteStrategy: Always", () => {
    expect(renderApp("  postBuild: {}\n", files).objects[0]!.data).toMatchObject({ b: "${b:=dflt}" });
    const always = renderApp("  postBuild:\n    substituteStrategy: Always\n", {
      "cm.yaml": cm("c", "  b: ${b:=dflt}\n"),
    });
    expect(always.objects[0]!.data).toEqual({ b: "dflt" });
  });

  it("strict mode fails the whole Kustomization on an undefined variable", () => {
    const { app } = renderApp("  postBuild:\n    substitute:\n      other: x\n", {
      "cm.yaml": cm("c", "  a: ${undefined_var}\n"),
    });
    expect(app.status).toBe("failed");
    expect(app.resources).toEqual([]);
    expect(app.errors[0]!.message).toContain('variable not set (strict mode): "undefined_var"');
    expect(app.errors[0]!.file).toBe("app/cm.yaml");
  });

  it("honours the substitute: disabled opt-out", () => {
    const { objects } = renderApp("  postBuild:\n    substitute:\n      a: x\n", {
      "cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\ndata:\n  a: ${a}\n",
    });
    expect((objects[0]!.data as KObject).a).toBe("${a}");
  });

  it("substituteFrom: ConfigMap and Secret of the cluster, later wins, inline wins, optional missing skipped", () => {
    const vars = [
      cm("vars", "  a: from-cm\n  b: from-cm\n").replace(
        "name: vars",
        "name: vars\n  namespace: flux-system",
      ),
      "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: secret-vars\n  namespace: flux-system\ndata:\n  b: ZnJvbS1zZWNyZXQ=\n",
    ].join("");
    const spec = `  postBuild:
    substitute:
      c: inline
    substituteFrom:
      - kind: ConfigMap
        name: vars
      - kind: Secret
        name: secret-vars
      - kind: ConfigMap
        name: absent
        optional: true
`;
    const { objects, p } = renderApp(
      spec,
      { "cm.yaml": cm("c", "  a: ${a}\n  b: ${b}\n  c: ${c}\n") },
      { "vars.yaml": vars },
    );
    expect(platformErrors(p)).toEqual([]);
    expect(objects[0]!.data).toEqual({ a: "from-cm", b: "from-secret", c: "inline" });
  });

  it("a missing non-optional substituteFrom source fails the Kustomization", () => {
    const { app } = renderApp(
      "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: nope\n",
      files,
    );
    expect(app.status).toBe("failed");
    expect(app.errors[0]!.message).toContain(
      `substitute from 'ConfigMap/nope' error: configmaps "nope" not found`,
    );
  });

  it("one error per cause: a missing source fails the first object only, at its substituteFrom entry", () => {
    const { app } = renderApp(
      "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: vars\n        optional: true\n      - kind: Secret\n        name: nope\n",
      {
        "kustomization.yaml": "resources: [a.yaml, b.yaml, c.yaml]\n",
        "a.yaml": cm("a", "  k: v\n"),
        "b.yaml": cm("b", "  k: v\n"),
        "c.yaml": cm("c", "  k: v\n"),
      },
    );
    expect(app.errors).toEqual([
      {
        message: `post build failed for 'ConfigMap.v1.[noGrp]/a': substitute from 'Secret/nope' error: secrets "nope" not found`,
        code: "SUBSTITUTE_SOURCE_NOT_FOUND",
        field: ["spec", "postBuild", "substituteFrom", 1],
        cluster: "c",
        kustomization: "flux-system/app",
      },
    ]);
  });

  const BY_DEFAULT =
    "Slipway assumes Flux 2.9 by default: no FluxInstance, Flux install manifests or slipway.yaml profile.flux says which Flux the cluster runs, whose kustomize-controller substitutes strictly by default (set profile.flux in slipway.yaml if the cluster runs another)";

  it("objects failing for the same reason are one error that counts the others", () => {
    const { app } = renderApp("  postBuild:\n    substitute:\n      a: x\n", {
      "kustomization.yaml": "resources: [a.yaml, b.yaml, c.yaml]\n",
      "a.yaml": cm("a", "  k: ${missing}\n"),
      "b.yaml": cm("b", "  k: ${missing}\n"),
      "c.yaml": cm("c", "  k: ${other}\n"),
    });
    expect(app.errors.map((e) => [e.message, e.file])).toEqual([
      [
        `post build failed for 'ConfigMap.v1.[noGrp]/a': envsubst error: variable substitution failed: variable not set (strict mode): "missing" (strict: ${BY_DEFAULT}) (and 1 more object of this Kustomization fail the same way)`,
        "app/a.yaml",
      ],
      [
        `post build failed for 'ConfigMap.v1.[noGrp]/c': envsubst error: variable substitution failed: variable not set (strict mode): "other" (strict: ${BY_DEFAULT})`,
        "app/c.yaml",
      ],
    ]);
  });

  it("a substituteFrom Secret's data is decoded as Go does: kustomize's wrapped base64 is fine", () => {
    const long = "x".repeat(120);
    const { app, objects } = renderApp(
      "  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: vars\n",
      { "cm.yaml": cm("c", "  a: ${long}\n") },
      {
        "vars/kustomization.yaml": `namespace: flux-system\nsecretGenerator:\n  - name: vars\n    literals: [long=${long}]\n    options:\n      disableNameSuffixHash: true\n`,
        "kustomization.yaml": "resources: [flux-system, app.yaml, vars]\n",
        "flux-system/kustomization.yaml": "resources: [gotk-sync.yaml]\n",
      },
    );
    expect(app.errors).toEqual([]);
    expect(objects[0]!.data).toEqual({ a: long });
  });

  it("owner labels and commonMetadata come after substitution", () => {
    const { objects } = renderApp(
      "  postBuild:\n    substitute:\n      a: x\n  commonMetadata:\n    labels:\n      team: ${a}\n",
      { "cm.yaml": cm("c", "  a: ${a}\n") },
    );
    expect((objects[0]!.metadata as KObject).labels).toEqual({
      "kustomize.toolkit.fluxcd.io/name": "app",
      "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
      team: "${a}",
    });
  });

  it("calls the decryption hook only for sops Kustomizations, before substitution", () => {
    const fs = new MemoryFileSystem({
      "/repo/clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "/repo/clusters/c/app.yaml": ks(
        "app",
        "  path: ./app\n  decryption:\n    provider: sops\n  postBuild:\n    substitute:\n      a: x\n",
      ),
      "/repo/app/cm.yaml": cm("c", "  v: ENC\n"),
    });
    const seen: string[] = [];
    const p = loadPlatform("/repo", {
      fs,
      decrypt: {
        resource: (o, k) => {
          seen.push(k.id);
          return { object: { ...o, data: { v: "${a}" } } };
        },
      },
    });
    expect(seen).toEqual(["flux-system/app"]);
    const app = p.clusters[0]!.kustomizations.find((k) => k.name === "app")!;
    expect(app.resources[0]!.object.data).toEqual({ v: "x" });
  });
});

describe("reading the build as objects (ssa ReadObjects, SPEC §1 step 8)", () => {
  // apimachinery's Unstructured.IsList: any object whose top-level `items` is a list, whatever
  // its kind. kustomize inlines `*List` kinds itself, so only such objects reach this step.
  const menu = (items: string) =>
    `apiVersion: example.com/v1\nkind: Menu\nmetadata:\n  name: lunch\nitems:\n${items}`;

  it("replaces an object with a top-level items list by its items, whatever its kind", () => {
    const { app, objects } = renderApp("", {
      "menu.yaml": menu(
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: soup\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: bread\n",
      ),
    });
    expect(app.errors).toEqual([]);
    expect(objects.map((o) => `${o.kind}/${(o.metadata as KObject).name}`)).toEqual([
      "ConfigMap/soup",
      "ConfigMap/bread",
    ]);
    expect((objects[0]!.metadata as KObject).labels).toMatchObject({
      "kustomize.toolkit.fluxcd.io/name": "app",
    });
  });

  it("fails the Kustomization when an item is not a map, as EachListItem does", () => {
    const { app } = renderApp("", { "menu.yaml": menu("- soup\n- bread\n") });
    expect(app.status).toBe("failed");
    expect(app.errors.map((e) => e.message).join("\n")).toContain("items member is not an object");
  });

  it("leaves objects whose items is not a list alone", () => {
    const { objects } = renderApp("", { "menu.yaml": menu("  soup: 1\n") });
    expect(objects.map((o) => o.kind)).toEqual(["Menu"]);
  });
});

describe("slipway.yaml and naming", () => {
  it("parses clusters, sources and defaults", () => {
    const c = parseConfig(
      {
        clusters: [{ name: "dev", path: "./k8s/stacks/dev/", flux: false, variables: { a: 1 } }],
        sources: [{ kind: "GitRepository", name: "shared", path: "../shared" }],
      },
      "slipway.yaml",
    );
    expect(c.clusters).toEqual([
      { name: "dev", path: "k8s/stacks/dev", sourceRoot: ".", variables: { a: "1" }, flux: false },
    ]);
    expect(c.discover).toBe(false);
    expect(c.sources).toEqual([
      { kind: "GitRepository", namespace: "flux-system", name: "shared", path: "../shared" },
    ]);
    expect(() => parseConfig({ clusterz: [] }, "slipway.yaml")).toThrow("unknown field 'clusterz'");
  });

  it("names clusters after their directory, keeping what tells same-named ones apart", () => {
    const cs = [
      { name: "", path: "clusters/dev" },
      { name: "", path: "clusters/stages/dev/clusters/amer" },
      { name: "", path: "clusters/stages/prod/clusters/amer" },
      { name: "", path: "flux/bootstrap/flux-system" },
    ];
    nameClusters(cs);
    expect(cs.map((c) => c.name)).toEqual(["dev", "dev/clusters/amer", "prod/clusters/amer", "bootstrap"]);
  });

  it("a slipway.yaml cluster's variables reach its children's spec.path", () => {
    const fs = new MemoryFileSystem({
      "/repo/slipway.yaml":
        "clusters:\n  - name: eu\n    path: clusters/c\n    variables:\n      region: eu\n",
      "/repo/clusters/c/app.yaml": ks("app", "  path: ./regions/${region}\n"),
      "/repo/regions/eu/cm.yaml": cm("eu", "  a: b\n"),
    });
    const p = loadPlatform("/repo", { fs });
    expect(platformErrors(p)).toEqual([]);
    const app = p.clusters[0]!.kustomizations.find((k) => k.name === "app")!;
    expect(app.dir).toBe("regions/eu");
  });

  it("maps another source to a local directory", () => {
    const fs = new MemoryFileSystem({
      "/repo/slipway.yaml": "sources:\n  - kind: OCIRepository\n    name: bundle\n    path: vendor/bundle\n",
      "/repo/clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "/repo/clusters/c/app.yaml": ks("app", "  path: ./deploy\n").replace(
        "GitRepository\n    name: flux-system",
        "OCIRepository\n    name: bundle",
      ),
      "/repo/vendor/bundle/deploy/cm.yaml": cm("from-bundle", "  a: b\n"),
    });
    const p = loadPlatform("/repo", { fs });
    const app = p.clusters[0]!.kustomizations.find((k) => k.name === "app")!;
    expect(app.status).toBe("rendered");
    expect(app.dir).toBe("vendor/bundle/deploy");
  });
});
