/**
 * A GitRepository's spec.ignore shapes the artifact its Kustomizations build from, as
 * source-controller archives it (src/fs/sourceignore.ts): each source of the repository gets its
 * own view, a path it leaves out fails as Flux fails it (path not found / file missing), and
 * the failure names the pattern.
 */
import { describe, expect, it } from "vitest";
import { runCheck as runEngine } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import { metaString } from "../../src/platform/flux-objects.js";
import type { Platform, RenderedResource } from "../../src/platform/index.js";
import { kustomizationStatuses, loadMemoryPlatform } from "../support/memory-platform.js";

const names = (rs: RenderedResource[]) => rs.map((r) => metaString(r.object, "name"));
const runCheck = (p: Platform) => runEngine(p, { rules: [...allRules], renderCache: false });

function gitRepository(name: string, ignore?: string): string {
  return `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 1h
  url: https://example.com/home-ops
  ref:
    branch: main
${ignore === undefined ? "" : `  ignore: |\n${ignore.replace(/^/gm, "    ")}\n`}`;
}

function kustomization(name: string, path: string, source: string): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 1h
  path: ${path}
  prune: true
  sourceRef:
    kind: GitRepository
    name: ${source}
`;
}

const cm = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\n`;

/** The exclude-all idiom: only kubernetes/ is in the flux-system artifact. */
const EXCLUDE_ALL = "# exclude all\n/*\n# include kubernetes directory\n!/kubernetes";

function repo(extra: Record<string, string> = {}): Record<string, string> {
  return {
    "kubernetes/flux-system/gotk-sync.yaml": `${gitRepository("flux-system", EXCLUDE_ALL)}---\n${kustomization("flux-system", "./kubernetes/flux-system", "flux-system")}`,
    "kubernetes/flux-system/kustomization.yaml":
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - gotk-sync.yaml\n  - apps.yaml\n",
    "kubernetes/flux-system/apps.yaml": [
      kustomization("apps", "./kubernetes/apps", "flux-system"),
      kustomization("infra", "./infra", "flux-system"),
      gitRepository("wide"),
      kustomization("infra-wide", "./infra", "wide"),
    ].join("---\n"),
    "kubernetes/apps/kustomization.yaml":
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - app.yaml\n",
    "kubernetes/apps/app.yaml": cm("app"),
    "infra/cm.yaml": cm("infra"),
    ...extra,
  };
}

describe("GitRepository spec.ignore", () => {
  it("excludes a folder from one source's artifact and not from another source of the same repository", () => {
    const p = loadMemoryPlatform(repo());
    expect(kustomizationStatuses(p)).toEqual([
      "kubernetes flux-system/flux-system rendered",
      "kubernetes flux-system/apps rendered",
      "kubernetes flux-system/infra failed",
      "kubernetes flux-system/infra-wide rendered",
    ]);
    const ks = p.clusters[0]!.kustomizations;
    const infra = ks.find((k) => k.name === "infra")!;
    expect(infra.errors.map((e) => e.message)).toEqual([
      "kustomization path not found: './infra' (/repo/infra) is not in the source artifact: excluded by '/*' (spec.ignore of GitRepository flux-system/flux-system (kubernetes/flux-system/gotk-sync.yaml:1), line 2)",
    ]);
    expect(names(ks.find((k) => k.name === "infra-wide")!.resources)).toEqual(["infra"]);
    const found = runCheck(p).findings.filter((f) => f.rule === "flux-path-missing");
    expect(found.map((f) => [f.severity, f.message])).toEqual([
      [
        "error",
        "Kustomization flux-system/infra: spec.path './infra' is not in the artifact of GitRepository flux-system/flux-system: directory infra is excluded by '/*' (spec.ignore of GitRepository flux-system/flux-system (kubernetes/flux-system/gotk-sync.yaml:1), line 2)",
      ],
    ]);
  });

  it("a file a kustomization lists that the artifact leaves out fails the build, naming the pattern", () => {
    const p = loadMemoryPlatform(
      repo({
        "kubernetes/flux-system/gotk-sync.yaml": `${gitRepository("flux-system", `${EXCLUDE_ALL}\n*.secret.yaml`)}---\n${kustomization("flux-system", "./kubernetes/flux-system", "flux-system")}`,
        "kubernetes/apps/kustomization.yaml":
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - app.yaml\n  - db.secret.yaml\n",
        "kubernetes/apps/db.secret.yaml": cm("db"),
      }),
    );
    const apps = p.clusters[0]!.kustomizations.find((k) => k.name === "apps")!;
    expect(apps.status).toBe("failed");
    expect(apps.errors.map((e) => e.message).join("\n")).toMatch(/db\.secret\.yaml/);
  });

  it("without spec.ignore the default exclusions apply; with one they do not (a .sops.yaml is read)", () => {
    const files = {
      "kubernetes/apps/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - app.yaml\n  - logo.png\n",
      "kubernetes/apps/logo.png": cm("logo"),
    };
    const withIgnore = loadMemoryPlatform(repo(files));
    const apps = withIgnore.clusters[0]!.kustomizations.find((k) => k.name === "apps")!;
    expect(apps.errors).toEqual([]);
    expect(names(apps.resources)).toEqual(["app", "logo"]);
    const without = loadMemoryPlatform(
      repo({
        ...files,
        "kubernetes/flux-system/gotk-sync.yaml": `${gitRepository("flux-system")}---\n${kustomization("flux-system", "./kubernetes/flux-system", "flux-system")}`,
      }),
    );
    expect(without.clusters[0]!.kustomizations.find((k) => k.name === "apps")!.status).toBe("failed");
  });

  it("the root builds from its source as its own output applies it (a patch adding spec.ignore)", () => {
    // Flux builds the root once from the bootstrap GitRepository, applies the patched one, and
    // from the next artifact on extra.yaml is gone: the root fails from then on.
    const p = loadMemoryPlatform(
      repo({
        "kubernetes/flux-system/gotk-sync.yaml": `${gitRepository("flux-system")}---\n${kustomization("flux-system", "./kubernetes/flux-system", "flux-system")}`,
        "kubernetes/flux-system/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - gotk-sync.yaml
  - apps.yaml
  - extra.yaml
patches:
  - target: {kind: GitRepository, name: flux-system}
    patch: |
      - op: add
        path: /spec/ignore
        value: "extra.yaml\\n"
`,
        "kubernetes/flux-system/extra.yaml": cm("extra"),
      }),
    );
    const root = p.clusters[0]!.kustomizations[0]!;
    expect(root.status).toBe("failed");
    expect(root.errors.map((e) => e.message)).toEqual([
      "accumulating resources: 'extra.yaml': no such file or directory (/repo/kubernetes/flux-system/extra.yaml); the source artifact leaves out kubernetes/flux-system/extra.yaml (excluded by 'extra.yaml' (spec.ignore of GitRepository flux-system/flux-system, line 1))",
    ]);
  });

  it("a root whose source as applied has the sync file's spec.ignore is built once", () => {
    const p = loadMemoryPlatform(repo());
    expect(p.clusters[0]!.kustomizations[0]!.errors).toEqual([]);
  });

  it("a .sops.yaml in a path without kustomization.yaml fails as in Flux, saying the defaults are replaced", () => {
    // kustomize-controller's generated kustomization lists every .yaml file that is in the
    // artifact; the default exclusions would have left .sops.yaml out, spec.ignore does not.
    const p = loadMemoryPlatform(
      repo({
        "kubernetes/plain/.sops.yaml": "creation_rules:\n  - age: age1xyz\n",
        "kubernetes/plain/app.yaml": cm("plain"),
        "kubernetes/flux-system/plain.yaml": kustomization("plain", "./kubernetes/plain", "flux-system"),
        "kubernetes/flux-system/kustomization.yaml":
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - gotk-sync.yaml\n  - apps.yaml\n  - plain.yaml\n",
      }),
    );
    const plain = p.clusters[0]!.kustomizations.find((k) => k.name === "plain")!;
    expect(plain.errors.map((e) => e.message)).toEqual([
      "failed to decode Kubernetes YAML from /repo/kubernetes/plain/.sops.yaml: missing Resource metadata: 'kind' is required; kubernetes/plain/.sops.yaml is in the artifact because the patterns of spec.ignore of GitRepository flux-system/flux-system (kubernetes/flux-system/gotk-sync.yaml:1) replace source-controller's default exclusions ('**/.sops.yaml' would leave it out)",
    ]);
  });

  it("a HelmRelease's chart from a GitRepository is read from that source's artifact", () => {
    const release = (name: string, source: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: default
spec:
  interval: 1h
  chart:
    spec:
      chart: ./charts/demo
      sourceRef:
        kind: GitRepository
        name: ${source}
        namespace: flux-system
`;
    const p = loadMemoryPlatform(
      repo({
        "kubernetes/apps/kustomization.yaml":
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - narrow.yaml\n  - wide.yaml\n",
        "kubernetes/apps/narrow.yaml": release("narrow", "flux-system"),
        "kubernetes/apps/wide.yaml": release("wide", "wide"),
        "charts/demo/Chart.yaml": "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
        "charts/demo/templates/cm.yaml":
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
      }),
    );
    const releases = Object.fromEntries(p.clusters[0]!.helmReleases.map((h) => [h.name, h]));
    expect(names(releases.wide!.resources ?? [])).toEqual(["wide"]);
    expect(releases.narrow!.resources ?? []).toEqual([]);
    expect(releases.narrow!.errors?.map((e) => e.message)).toEqual([
      "HelmRelease default/narrow: chart directory charts/demo is not in the source artifact: excluded by '/*' (spec.ignore of GitRepository flux-system/flux-system (kubernetes/flux-system/gotk-sync.yaml:1), line 2)",
    ]);
  });
});
