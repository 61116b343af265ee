import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { loadPlatform } from "../../src/platform/index.js";
import { SYNC } from "../support/flux.js";

const generator = (name: string, spec: string) => `apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata:
  name: ${name}
  namespace: flux-system
spec:
${spec}`;

const fromArtifact = (
  name: string,
  artifact: string,
  path: string,
  extra = "",
) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 1h
  prune: true
  sourceRef:
    kind: ExternalArtifact
    name: ${artifact}
  path: ${path}
${extra}`;

const monorepo = `  sources:
    - alias: mono
      kind: GitRepository
      name: flux-system
  artifacts:
    - name: apps
      copy:
        - from: "@mono/apps/base/**"
          to: "@artifact/base/"
        - from: "@mono/apps/staging/**"
          to: "@artifact/staging/"
`;

const appFiles = {
  "/repo/apps/base/kustomization.yaml": "resources: [cm.yaml]\n",
  "/repo/apps/base/cm.yaml":
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: apps\ndata:\n  env: base\n",
  "/repo/apps/staging/kustomization.yaml": "resources: [../base]\npatches:\n  - path: patch.yaml\n",
  "/repo/apps/staging/patch.yaml":
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: apps\ndata:\n  env: staging\n",
};

function load(files: Record<string, string>, config?: string) {
  const fs = new MemoryFileSystem({
    "/repo/clusters/c/flux-system/gotk-sync.yaml": SYNC,
    ...(config ? { "/repo/slipway.yaml": config } : {}),
    ...files,
  });
  const p = loadPlatform("/repo", { fs });
  const c = p.clusters[0]!;
  return { p, c, k: (name: string) => c.kustomizations.find((k) => k.name === name)! };
}

describe("Kustomizations sourced from an ExternalArtifact", () => {
  it("render from the artifact an ArtifactGenerator composes, pointing at the files a person edits", () => {
    const { c, k } = load({
      ...appFiles,
      "/repo/clusters/c/artifacts.yaml": generator("gen", monorepo),
      "/repo/clusters/c/apps.yaml": fromArtifact("apps", "apps", "./staging"),
    });
    const apps = k("apps");
    expect(apps.status).toBe("rendered");
    expect(apps.sourceRoot).toBe("@ExternalArtifact/c/flux-system/apps");
    expect(apps.dir).toBe("apps/staging");
    expect(apps.resources.map((r) => r.object.data)).toEqual([{ env: "staging" }]);
    expect(apps.resources[0]!.source).toEqual({ file: "apps/base/cm.yaml", line: 1 });
    expect(apps.resources[0]!.patches?.[0]?.file).toBe("apps/staging/patch.yaml");
    expect(c.sources.find((s) => s.kind === "ExternalArtifact")).toMatchObject({
      name: "apps",
      namespace: "flux-system",
      generator: "flux-system/gen",
      definedAt: { file: "clusters/c/artifacts.yaml", line: 1 },
    });
    expect(c.externalArtifacts?.map((a) => [a.name, a.root])).toEqual([
      ["apps", "@ExternalArtifact/c/flux-system/apps"],
    ]);
    expect(c.profile?.featureGates.ExternalArtifact).toBe(true);
  });

  it("wait for a generator that a later Kustomization renders, and chain generators", () => {
    const { k } = load({
      ...appFiles,
      // The consumer is applied by the root; the generators only by `gens`, rendered later.
      "/repo/clusters/c/apps.yaml": fromArtifact("apps", "staging-only", "./"),
      "/repo/clusters/c/gens.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: gens
  namespace: flux-system
spec:
  sourceRef:
    kind: GitRepository
    name: flux-system
  path: ./generators
`,
      "/repo/generators/second.yaml": generator(
        "second",
        `  sources:
    - alias: whole
      kind: ExternalArtifact
      name: apps
  artifacts:
    - name: staging-only
      copy:
        - from: "@whole/staging/**"
          to: "@artifact/"
        - from: "@whole/base/"
          to: "@artifact/../"
`,
      ),
      "/repo/generators/first.yaml": generator("first", monorepo),
    });
    // `@artifact/../` escapes the artifact: the second generator fails, once, on `gens`.
    expect(k("apps").status).toBe("external");
    expect(k("apps").warnings.join("\n")).toContain("ArtifactGenerator flux-system/second");
    expect(k("gens").errors.map((e) => [e.message, e.file])).toEqual([
      [
        "ArtifactGenerator flux-system/second: ExternalArtifact flux-system/staging-only: staging-only build failed: failed to apply copy operation from '@whole/base/' to '@artifact/../': invalid copy destination '@artifact/../': path escapes from parent",
        "generators/second.yaml",
      ],
    ]);
  });

  it("chained generators compose from another generator's artifact", () => {
    const { k } = load({
      ...appFiles,
      "/repo/clusters/c/apps.yaml": fromArtifact("apps", "staging-only", "./staging"),
      "/repo/clusters/c/second.yaml": generator(
        "second",
        `  sources:
    - alias: whole
      kind: ExternalArtifact
      name: apps
  artifacts:
    - name: staging-only
      copy:
        - from: "@whole/"
          to: "@artifact/"
`,
      ),
      "/repo/clusters/c/first.yaml": generator("first", monorepo),
    });
    expect(k("apps").status).toBe("rendered");
    expect(k("apps").dir).toBe("apps/staging");
    expect(k("apps").resources[0]!.source?.file).toBe("apps/base/cm.yaml");
  });

  it("an artifact no generator produces is external, with a warning", () => {
    const { k } = load({ ...appFiles, "/repo/clusters/c/apps.yaml": fromArtifact("apps", "nowhere", "./") });
    expect(k("apps").status).toBe("external");
    expect(k("apps").errors).toEqual([]);
    expect(k("apps").warnings[0]).toContain(
      "source ExternalArtifact flux-system/nowhere is produced by no ArtifactGenerator",
    );
  });

  it("fails when the profile turns kustomize-controller's ExternalArtifact gate off", () => {
    const { k, c } = load(
      {
        ...appFiles,
        "/repo/clusters/c/artifacts.yaml": generator("gen", monorepo),
        "/repo/clusters/c/apps.yaml": fromArtifact("apps", "apps", "./staging"),
      },
      "profile:\n  flux: '2.7'\n  featureGates:\n    ExternalArtifact: false\n",
    );
    expect(c.profile).toMatchObject({ minor: "2.7", origin: "slipway.yaml" });
    expect(k("apps").status).toBe("failed");
    expect(k("apps").errors[0]!.message).toContain("ExternalArtifact feature gate is off");
  });

  it("reports a broken generator once, at its definition", () => {
    const { k } = load({
      ...appFiles,
      "/repo/clusters/c/artifacts.yaml": generator(
        "gen",
        `  sources:
    - alias: mono
      kind: GitRepository
      name: flux-system
  artifacts:
    - name: apps
      copy:
        - from: "@mono/nothing/*.yaml"
          to: "@artifact/"
`,
      ),
      "/repo/clusters/c/apps.yaml": fromArtifact("apps", "apps", "./"),
    });
    const root = k("flux-system");
    expect(root.status).toBe("rendered");
    expect(root.errors).toHaveLength(1);
    expect(root.errors[0]).toMatchObject({ file: "clusters/c/artifacts.yaml", line: 1 });
    expect(root.errors[0]!.message).toContain("no files match pattern 'nothing/*.yaml' in source 'mono'");
    expect(k("apps").status).toBe("external");
    expect(k("apps").errors).toEqual([]);
  });

  it("a source that is not this repository leaves the artifacts that copy from it unbuilt, as a warning", () => {
    const { k } = load({
      ...appFiles,
      "/repo/clusters/c/artifacts.yaml": generator(
        "gen",
        `  sources:
    - alias: chart
      kind: OCIRepository
      name: podinfo
  artifacts:
    - name: apps
      copy:
        - from: "@chart/"
          to: "@artifact/"
`,
      ),
      "/repo/clusters/c/apps.yaml": fromArtifact("apps", "apps", "./"),
    });
    expect(k("flux-system").errors).toEqual([]);
    expect(k("flux-system").warnings.join("\n")).toContain(
      "source OCIRepository flux-system/podinfo is not this repository",
    );
    expect(k("apps").status).toBe("external");
  });
});
