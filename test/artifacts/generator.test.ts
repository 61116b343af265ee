import { execFileSync } from "node:child_process";
import * as fsNode from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  type ArtifactFileSystem,
  decodeArtifactGenerator,
  type GeneratorRun,
  runArtifactGenerator,
  type SourceResolution,
} from "../../src/artifacts/index.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import type { KObject } from "../../src/kustomize/types.js";
import { parseYaml } from "../../src/yaml/index.js";

const repo = new MemoryFileSystem({
  "/repo/apps/base/kustomization.yaml": "resources: [podinfo]\n",
  "/repo/apps/base/podinfo/release.yaml": "kind: HelmRelease\n",
  "/repo/apps/base/podinfo/README.md": "# docs\n",
  "/repo/apps/staging/kustomization.yaml": "resources: [../base]\n",
  "/repo/apps/staging/values.yaml": "replicas: 2\nimage:\n  tag: 1.10\n",
  "/repo/apps/staging/logo.png": "png",
  "/repo/charts/podinfo/Chart.yaml": "name: podinfo\nversion: 6.0.0\n",
  "/repo/charts/podinfo/values.yaml":
    "replicas: 1\nimage:\n  repository: ghcr.io/stefanprodan/podinfo\n  tag: 6.0.0\nlist: [a, b]\n",
  "/repo/values-prod.yaml": "---\nreplicas: 3\n---\nlist: [c]\nimage:\n  tag: 6.1.0\n",
  "/repo/monorepo/apps/frontend/envs/prod/kustomization.yaml": "resources: []\n",
  "/repo/monorepo/apps/frontend/envs/dev/kustomization.yaml": "resources: []\n",
  "/repo/monorepo/apps/Backend/envs/prod/kustomization.yaml": "resources: []\n",
});

function generator(spec: string): KObject {
  return parseYaml(
    `apiVersion: source.extensions.fluxcd.io/v1beta1\nkind: ArtifactGenerator\nmetadata:\n  name: gen\n  namespace: apps\nspec:\n${spec}`,
    "gen.yaml",
  ) as KObject;
}

function run(spec: string, resolve?: (alias: string) => SourceResolution): GeneratorRun {
  return runArtifactGenerator(
    decodeArtifactGenerator(generator(spec)),
    (ref) => resolve?.(ref.alias) ?? { content: { fs: repo, root: "/repo" } },
    (name) => `/virtual/${name}`,
  );
}

function files(fs: ArtifactFileSystem | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const n of fs!.readDir(dir)) {
      const p = `${dir}/${n}`;
      if (fs!.isDirectory(p)) walk(p);
      else out[p.slice(fs!.mount.length + 1)] = fs!.readFile(p).toString();
    }
  };
  walk(fs!.mount);
  return out;
}

describe("ArtifactGenerator: Overwrite", () => {
  it("decomposes a monorepo (`dir/**` strips the prefix, later copies overwrite)", () => {
    const r = run(`  sources:
    - alias: repo
      kind: GitRepository
      name: monorepo
  artifacts:
    - name: apps
      copy:
        - from: "@repo/apps/base/**"
          to: "@artifact/base/"
        - from: "@repo/apps/staging/**"
          to: "@artifact/staging/"
          exclude: ["*.md"]
`);
    expect(r.problem).toBeUndefined();
    const a = r.artifacts[0]!;
    expect(a.name).toBe("apps");
    // `*.md` is excluded from the second copy only; logo.png never reaches the archive.
    expect(Object.keys(files(a.fs)).sort()).toEqual([
      "base/kustomization.yaml",
      "base/podinfo/README.md",
      "base/podinfo/release.yaml",
      "staging/kustomization.yaml",
      "staging/values.yaml",
    ]);
    expect(a.fs!.originOf("/virtual/apps/staging/kustomization.yaml")).toBe(
      "/repo/apps/staging/kustomization.yaml",
    );
    expect(a.fs!.originOf("/virtual/apps/staging")).toBe("/repo/apps/staging");
  });

  it("cp-like single sources: a directory is copied as a subdirectory, a file to a name or into a directory", () => {
    const r = run(`  sources:
    - alias: repo
      kind: GitRepository
      name: monorepo
  artifacts:
    - name: cp
      copy:
        - from: "@repo/apps/base/"
          to: "@artifact/x/"
        - from: "@repo/values-prod.yaml"
          to: "@artifact/x/base/values.yaml"
        - from: "@repo/values-prod.yaml"
          to: "@artifact/x"
        - from: "@repo/charts/podinfo/Chart.yaml"
          to: "@artifact/chart.yaml"
`);
    expect(Object.keys(files(r.artifacts[0]!.fs)).sort()).toEqual([
      "chart.yaml",
      "x/base/kustomization.yaml",
      "x/base/podinfo/README.md",
      "x/base/podinfo/release.yaml",
      "x/base/values.yaml",
      "x/values-prod.yaml",
    ]);
  });

  it("exclude patterns match relative to the literal prefix and by base name", () => {
    const r = run(`  sources:
    - alias: repo
      kind: GitRepository
      name: monorepo
  artifacts:
    - name: apps
      copy:
        - from: "@repo/apps/**"
          to: "@artifact/"
          exclude: ["staging/**", "**/README.md"]
`);
    expect(Object.keys(files(r.artifacts[0]!.fs)).sort()).toEqual([
      "base/kustomization.yaml",
      "base/podinfo/release.yaml",
    ]);
  });

  it("a glob that matches nothing, or only excluded files, fails the artifact and stops the generator", () => {
    const r = run(`  sources:
    - alias: repo
      kind: GitRepository
      name: monorepo
  artifacts:
    - name: first
      copy:
        - from: "@repo/nothing/*"
          to: "@artifact/"
    - name: second
      copy:
        - from: "@repo/apps/**"
          to: "@artifact/"
`);
    expect(r.artifacts[0]!.problem).toEqual({
      severity: "error",
      message:
        "first build failed: failed to apply copy operation from '@repo/nothing/*' to '@artifact/': no files match pattern 'nothing/*' in source 'repo'",
    });
    expect(r.artifacts[1]!.fs).toBeUndefined();
    expect(r.artifacts[1]!.problem?.message).toMatch(/^not built: the generator stopped at artifact first/);
  });

  it("a missing single source is an error", () => {
    const r = run(`  sources:
    - alias: repo
      kind: GitRepository
      name: monorepo
  artifacts:
    - name: a
      copy:
        - from: "@repo/missing.yaml"
          to: "@artifact/"
`);
    expect(r.artifacts[0]!.problem?.message).toContain("source 'missing.yaml' does not exist");
  });
});

describe("ArtifactGenerator: Merge", () => {
  it("merges YAML like Helm values (maps deep, lists replaced, documents folded, numbers via float64)", () => {
    const r = run(`  sources:
    - alias: chart
      kind: OCIRepository
      name: podinfo-chart
    - alias: repo
      kind: GitRepository
      name: podinfo-values
  artifacts:
    - name: podinfo-composite
      originRevision: "@chart"
      copy:
        - from: "@chart/charts/"
          to: "@artifact/"
        - from: "@repo/values-prod.yaml"
          to: "@artifact/charts/podinfo/values.yaml"
          strategy: Merge
        - from: "@repo/apps/staging/values.yaml"
          to: "@artifact/charts/podinfo/values.yaml"
          strategy: Merge
`);
    const out = files(r.artifacts[0]!.fs);
    expect(out["charts/podinfo/values.yaml"]).toBe(
      "image:\n  repository: ghcr.io/stefanprodan/podinfo\n  tag: 1.1\nlist:\n- c\nreplicas: 2\n",
    );
    expect(r.artifacts[0]!.fs!.file("/virtual/podinfo-composite/charts/podinfo/values.yaml")?.origin).toEqual(
      {
        kind: "merge",
        files: [
          "/repo/charts/podinfo/values.yaml",
          "/repo/values-prod.yaml",
          "/repo/apps/staging/values.yaml",
        ],
      },
    );
  });

  it("Merge onto a file that does not exist yet is a plain copy", () => {
    const r = run(`  sources:
    - alias: repo
      kind: GitRepository
      name: r
  artifacts:
    - name: a
      copy:
        - from: "@repo/values-prod.yaml"
          to: "@artifact/values.yaml"
          strategy: Merge
`);
    expect(files(r.artifacts[0]!.fs)["values.yaml"]).toBe(
      "---\nreplicas: 3\n---\nlist: [c]\nimage:\n  tag: 6.1.0\n",
    );
  });
});

describe("ArtifactGenerator: Extract", () => {
  it("unpacks tarballs matched by a recursive glob and skips other files", () => {
    const tmp = fsNode.mkdtempSync(path.join(os.tmpdir(), "slipway-extract-"));
    try {
      fsNode.mkdirSync(path.join(tmp, "chart/templates"), { recursive: true });
      fsNode.writeFileSync(path.join(tmp, "chart/Chart.yaml"), "name: chart\n");
      fsNode.writeFileSync(path.join(tmp, "chart/templates/cm.yaml"), "kind: ConfigMap\n");
      execFileSync("tar", ["czf", path.join(tmp, "chart-1.0.0.tgz"), "-C", tmp, "chart"]);
      const tgz = fsNode.readFileSync(path.join(tmp, "chart-1.0.0.tgz"));
      const src = new MemoryFileSystem({
        "/oci/releases/v1/chart-1.0.0.tgz": tgz,
        "/oci/releases/notes.txt": "not a tarball",
        "/oci/single.tgz": tgz,
        "/oci/plain.yaml": "a: 1\n",
      });
      const resolve = (): SourceResolution => ({ content: { fs: src, root: "/oci" } });
      const r = run(
        `  sources:
    - alias: oci
      kind: OCIRepository
      name: charts
  artifacts:
    - name: charts
      copy:
        - from: "@oci/releases/**/*.tgz"
          to: "@artifact/charts/"
          strategy: Extract
    - name: single
      copy:
        - from: "@oci/single.tgz"
          to: "@artifact/"
          strategy: Extract
`,
        resolve,
      );
      expect(files(r.artifacts[0]!.fs)).toEqual({
        "charts/chart/Chart.yaml": "name: chart\n",
        "charts/chart/templates/cm.yaml": "kind: ConfigMap\n",
      });
      expect(Object.keys(files(r.artifacts[1]!.fs))).toEqual(["chart/Chart.yaml", "chart/templates/cm.yaml"]);
      const bad = run(
        `  sources:
    - alias: oci
      kind: OCIRepository
      name: charts
  artifacts:
    - name: bad
      copy:
        - from: "@oci/plain.yaml"
          to: "@artifact/"
          strategy: Extract
`,
        resolve,
      );
      expect(bad.artifacts[0]!.problem?.message).toContain(
        "extract strategy requires tarball file (.tar.gz or .tgz), got 'plain.yaml'",
      );
    } finally {
      fsNode.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe("ArtifactGenerator: pathPattern", () => {
  it("stamps out one artifact per matched directory; names and labels lower-cased, copy paths as written", () => {
    const r = run(`  sources:
    - alias: mono
      kind: GitRepository
      name: monorepo
  pathPattern: "@mono/monorepo/apps/{app}/envs/{env}"
  artifacts:
    - name: "{app}-{env}"
      copy:
        - from: "@mono/monorepo/apps/{app}/envs/{env}/**"
          to: "@artifact/"
`);
    expect(r.problem).toBeUndefined();
    expect(r.artifacts.map((a) => [a.name, a.labels.app, a.labels.env])).toEqual([
      ["backend-prod", "backend", "prod"],
      ["frontend-dev", "frontend", "dev"],
      ["frontend-prod", "frontend", "prod"],
    ]);
    expect(Object.keys(files(r.artifacts[0]!.fs))).toEqual(["kustomization.yaml"]);
  });

  it("rejects placeholders the pattern does not define", () => {
    const r = run(`  sources:
    - alias: mono
      kind: GitRepository
      name: monorepo
  pathPattern: "@mono/monorepo/apps/{app}"
  artifacts:
    - name: "{app}-{env}"
      copy:
        - from: "@mono/monorepo/apps/{app}/**"
          to: "@artifact/"
`);
    expect(r.problem?.message).toContain('capture variable "env" is not defined by pathPattern');
  });
});

describe("ArtifactGenerator: spec validation and sources", () => {
  it.each([
    [
      "duplicate aliases",
      "  sources:\n    - {alias: a, kind: GitRepository, name: x}\n    - {alias: a, kind: GitRepository, name: y}\n  artifacts:\n    - {name: n, copy: [{from: '@a/x', to: '@artifact/'}]}\n",
      "duplicate source alias 'a' found",
    ],
    [
      "invalid artifact name",
      "  sources:\n    - {alias: a, kind: GitRepository, name: x}\n  artifacts:\n    - {name: Bad_Name, copy: [{from: '@a/x', to: '@artifact/'}]}\n",
      'artifact name "Bad_Name" is not a valid Kubernetes object name',
    ],
    [
      "unknown revision alias",
      "  sources:\n    - {alias: a, kind: GitRepository, name: x}\n  artifacts:\n    - {name: n, revision: '@b', copy: [{from: '@a/x', to: '@artifact/'}]}\n",
      "artifact n revision source alias 'b' not found",
    ],
  ])("%s", (_, spec, message) => {
    expect(() => decodeArtifactGenerator(generator(spec))).toThrow(message);
  });

  it("an unreadable source leaves only the artifacts that copy from it unbuilt, as a warning", () => {
    const r = run(
      `  sources:
    - alias: repo
      kind: GitRepository
      name: r
    - alias: chart
      kind: OCIRepository
      name: c
  artifacts:
    - name: from-chart
      copy:
        - from: "@chart/**"
          to: "@artifact/"
    - name: from-repo
      copy:
        - from: "@repo/apps/**"
          to: "@artifact/"
`,
      (alias) =>
        alias === "chart" ? { unavailable: "OCIRepository apps/c is not in this repository" } : undefined!,
    );
    expect(r.artifacts[0]!.problem).toEqual({
      severity: "warning",
      message: "OCIRepository apps/c is not in this repository",
    });
    expect(r.artifacts[1]!.fs).toBeDefined();
  });

  it("reconcile: disabled produces nothing", () => {
    const obj = generator(
      "  sources:\n    - {alias: a, kind: GitRepository, name: x}\n  artifacts:\n    - {name: n, copy: [{from: '@a/x', to: '@artifact/'}]}\n",
    );
    (obj.metadata as Record<string, unknown>).annotations = {
      "source.extensions.fluxcd.io/reconcile": "Disabled",
    };
    const r = runArtifactGenerator(
      decodeArtifactGenerator(obj),
      () => ({ unavailable: "" }),
      (n) => `/v/${n}`,
    );
    expect(r.artifacts).toEqual([]);
    expect(r.problem?.severity).toBe("warning");
  });
});
