import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/engine.js";
import { rules as fluxRules } from "../../../src/check/rules/flux.js";
import type { Finding } from "../../../src/check/types.js";
import { DiskFileSystem } from "../../../src/fs/filesystem.js";
import { OverlayFileSystem } from "../../../src/fs/overlay.js";
import { loadPlatform } from "../../../src/platform/index.js";
import { tempTree } from "../../support/cli.js";
import { repoRoot } from "../../support/env.js";
import { fluxSync } from "../../support/flux.js";

/** The minimal sync objects, read over SSH. */
const SYNC_SSH = fluxSync("./clusters/c", { url: "ssh://git@example.com/repo" });

const fixture = path.join(repoRoot, "test/fixtures/check/flux-rules");
const result = runCheck(loadPlatform(fixture), { rules: fluxRules });

function of(rule: string): Finding[] {
  return result.findings.filter((f) => f.rule === rule);
}

function at(f: Finding): string {
  return `${f.file}:${f.line}`;
}

describe("Flux rules", () => {
  it("flux-dependson-missing: the dependsOn entry that names nothing, not the ones that resolve", () => {
    const found = of("flux-dependson-missing");
    expect(found.map(at)).toEqual(["clusters/dev/apps.yaml:15"]);
    expect(found[0]?.severity).toBe("error");
    expect(found[0]?.kustomization).toBe("flux-system/apps");
    expect(found[0]?.message).toMatch(/flux-system\/ghost/);
  });

  it("flux-dependency-cycle: one finding per cycle with the full path", () => {
    const found = of("flux-dependency-cycle");
    expect(found.map(at)).toEqual(["clusters/dev/cycle.yaml:14"]);
    expect(found[0]?.message).toContain(
      "Kustomization/flux-system/cycle-a → Kustomization/flux-system/cycle-b → Kustomization/flux-system/cycle-a",
    );
  });

  it("flux-dependency-cycle through a Kustomization that applies its dependency: said as such, at the dependsOn entry", () => {
    // The parent waits for a child only it applies (a public repository's shape): a running
    // cluster keeps going, a new one never gets past the parent.
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC_SSH,
      "clusters/c/apps.yaml": kustomization("apps", "./apps", "  dependsOn:\n    - name: stores\n"),
      "apps/ks.yaml": `${kustomization("operator", "./operator", "")}---\n${kustomization("stores", "./stores", "  dependsOn:\n    - name: operator\n")}`,
      "operator/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: o, namespace: default}\n",
      "stores/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s, namespace: default}\n",
    });
    const found = runCheck(loadPlatform(repo), { rules: fluxRules }).findings.filter(
      (f) => f.rule === "flux-dependency-cycle",
    );
    expect(found.map((f) => [f.severity, at(f)])).toEqual([
      ["error", "clusters/c/apps.yaml:13"],
      ["error", "clusters/c/apps.yaml:13"],
    ]);
    const consequence =
      "on a new cluster none of these ever becomes ready, and on a running one Kustomization/flux-system/apps applies nothing while Kustomization/flux-system/stores is not ready";
    expect(found.map((f) => f.message).sort()).toEqual([
      `dependency cycle: Kustomization/flux-system/apps → Kustomization/flux-system/stores → Kustomization/flux-system/apps (which applies it); ${consequence}`,
      `dependency cycle: Kustomization/flux-system/apps → Kustomization/flux-system/stores → Kustomization/flux-system/operator → Kustomization/flux-system/apps (which applies it); ${consequence}`,
    ]);
  });

  it("flux-path-missing: at spec.path, and the build error is not reported twice", () => {
    expect(of("flux-path-missing").map(at)).toEqual(["clusters/broken/broken.yaml:8"]);
    expect(of("render-error").some((f) => f.kustomization === "flux-system/nopath")).toBe(false);
  });

  it("flux-source-missing: at sourceRef.name; a warning when other Kustomizations could not be rendered", () => {
    const found = of("flux-source-missing");
    expect(found.map(at)).toEqual(["clusters/broken/broken.yaml:25"]);
    expect(found[0]?.severity).toBe("warning");
    expect(found[0]?.message).toMatch(/could not be rendered/);
  });

  it("helmrelease-chart-source-missing: only the release whose HelmRepository is missing", () => {
    const found = of("helmrelease-chart-source-missing");
    expect(found.map(at)).toEqual(["infra/helm.yaml:36"]);
    expect(found[0]?.severity).toBe("error");
  });

  it("crd-dependency-missing: at the Flux Kustomization to fix (its spec), not at the custom resource; not when it depends, not when ignored", () => {
    const found = of("crd-dependency-missing");
    expect(found.map(at)).toEqual(["clusters/dev/apps.yaml:22"]);
    expect(found[0]?.resource).toMatchObject({ kind: "Kustomization", name: "widgets" });
    expect(found[0]?.message).toMatch(/needs CRD widgets\.example\.com.*flux-system\/infra/);
    expect(found.some((f) => f.file === "apps/widget.yaml")).toBe(false); // apps depends on infra
    expect(found.some((f) => f.file === "quiet/widget.yaml")).toBe(false); // slipway.dev/ignore
  });

  it("crd-dependency-missing: Flux's own CRDs are on any cluster Flux reconciles (clementd64's self-managed Flux)", () => {
    const crd = (group: string, kind: string, plural: string) =>
      `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ${plural}.${group}}\nspec: {group: ${group}, names: {kind: ${kind}, plural: ${plural}}, scope: Namespaced}\n`;
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC_SSH,
      "clusters/c/flux.yaml": kustomization("fleet-flux", "./flux", ""),
      "clusters/c/apps.yaml": kustomization("apps", "./apps", ""),
      "flux/crds.yaml": `${crd("helm.toolkit.fluxcd.io", "HelmRelease", "helmreleases")}---\n${crd("example.com", "Widget", "widgets")}`,
      "apps/hr.yaml":
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: default}\nspec: {chart: {spec: {chart: web}}}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: default}\n",
    });
    const found = runCheck(loadPlatform(repo), { rules: fluxRules }).findings.filter(
      (f) => f.rule === "crd-dependency-missing",
    );
    expect(found.map((f) => f.message)).toEqual([
      expect.stringMatching(/^Widget default\/w needs CRD widgets\.example\.com/),
    ]);
  });

  it("render-error: a kustomization that fails to build, with its file", () => {
    const found = of("render-error");
    expect(found.map((f) => f.file)).toEqual(["badbuild/kustomization.yaml"]);
    expect(found[0]?.kustomization).toBe("flux-system/badbuild");
  });

  it("render-error: YAML nested deeper than Slipway reads is a warning naming Slipway's limit (kubectl builds it)", () => {
    const deep = `${"[".repeat(300)}${"]".repeat(300)}`;
    const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\ndata:\n  a: ${deep}\n`;
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC_SSH,
      "clusters/c/apps.yaml": kustomization("apps", "./apps", ""),
      "clusters/c/built.yaml": kustomization("built", "./built", ""),
      "apps/cm.yaml": cm, // a folder Flux makes a kustomization for
      "built/kustomization.yaml": "resources: [cm.yaml]\n",
      "built/cm.yaml": cm.replace("name: a", "name: b"),
    });
    const found = runCheck(loadPlatform(repo), { rules: fluxRules }).findings.filter(
      (f) => f.rule === "render-error",
    );
    expect(found.map((f) => [f.severity, f.kustomization])).toEqual([
      ["warning", "flux-system/apps"],
      ["warning", "flux-system/built"],
    ]);
    for (const f of found)
      expect(f.message).toContain("nested deeper than 256 levels (Slipway's limit; go-yaml allows 10000)");
  });

  it("a clean cluster passes every Flux rule", () => {
    const clean = of("flux-dependson-missing").concat(of("flux-path-missing"), of("flux-source-missing"));
    expect(clean.every((f) => f.file !== "clusters/dev/infra.yaml")).toBe(true);
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC_SSH,
      "clusters/c/apps.yaml": kustomization("apps", "./apps", "  dependsOn:\n    - name: flux-system\n"),
      "apps/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n",
    });
    expect(runCheck(loadPlatform(repo), { rules: fluxRules }).findings).toEqual([]);
  });

  it("an ExternalArtifact produced by an ArtifactGenerator exists", () => {
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC_SSH,
      "clusters/c/gen.yaml": [
        "apiVersion: source.extensions.fluxcd.io/v1beta1",
        "kind: ArtifactGenerator",
        "metadata:\n  name: gen\n  namespace: flux-system",
        "spec:\n  artifacts:\n    - name: apps\n",
      ].join("\n"),
      "clusters/c/apps.yaml": kustomization("apps", "./apps", "", "ExternalArtifact", "apps"),
      "clusters/c/other.yaml": kustomization("other", "./apps", "", "ExternalArtifact", "nope"),
    });
    const found = runCheck(loadPlatform(repo), { rules: fluxRules }).findings.filter(
      (f) => f.rule === "flux-source-missing",
    );
    expect(found.map(at)).toEqual(["clusters/c/other.yaml:11"]);
  });

  it("flux-path-missing: `../` beyond the source root is clamped as Flux does, not missing", () => {
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC_SSH,
      "clusters/c/apps.yaml": kustomization("apps", "../../apps", ""),
      "clusters/c/broken.yaml": kustomization("broken", "../../../broken", ""),
      "clusters/c/gone.yaml": kustomization("gone", "../../gone", ""),
      "apps/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n",
      "broken/kustomization.yaml": "resources:\n  - missing.yaml\n",
    });
    const found = runCheck(loadPlatform(repo), { rules: fluxRules }).findings;
    expect(found.map((f) => [f.rule, f.kustomization])).toEqual([
      ["render-error", "flux-system/broken"],
      ["flux-path-missing", "flux-system/gone"],
    ]);
    expect(found[1]?.message).toContain("(looked for directory gone)");
  });

  it("flux-path-missing: a variable the made-up root would substitute is a warning naming it; a real root's is an error (ruzickap)", () => {
    const files = {
      "clusters/c/apps.yaml": kustomization("apps", "./apps", ""),
      "clusters/c/certs.yaml": kustomization("certs", "${CLUSTER_PATH}/../certs", ""),
      "apps/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n",
    };
    const found = (repo: string) =>
      runCheck(loadPlatform(repo), { rules: fluxRules }).findings.filter(
        (f) => f.rule === "flux-path-missing",
      );
    const madeUp = found(tempTree(files));
    expect(madeUp.map((f) => [f.severity, f.kustomization])).toEqual([["warning", "flux-system/certs"]]);
    expect(madeUp[0]?.message).toContain(
      "holds ${CLUSTER_PATH}, which the Kustomization applying it substitutes; that is the root Slipway made up for cluster c",
    );
    // Beside sync objects, the root is the repository's: no postBuild, the path stays as written.
    const real = found(tempTree({ ...files, "clusters/c/flux-system/gotk-sync.yaml": SYNC_SSH }));
    expect(real.map((f) => [f.severity, f.kustomization])).toEqual([["error", "flux-system/certs"]]);
  });

  it("render-error: a file two Kustomizations build fails once, naming both (sbaker5's node patch)", () => {
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC_SSH,
      "clusters/c/node.yaml": kustomization("node", "./infra/node", ""),
      "clusters/c/storage.yaml": kustomization("storage", "./infra/storage", ""),
      "infra/node/kustomization.yaml": [
        "resources: [node.yaml]",
        "patches:",
        // Not `name: n`: go-yaml v2 reads n as false, which kustomize refuses for a name.
        "  - target: {kind: ConfigMap, name: cm}",
        "    patch: |",
        "      - op: add",
        // Labels: kustomize's bookkeeping gives every patched object an annotations map, so an
        // annotation would be added (as kubectl adds it), but no labels map.
        "        path: /metadata/labels/a~1b",
        '        value: "x"',
        "",
      ].join("\n"),
      "infra/node/node.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: default\n",
      "infra/storage/kustomization.yaml": "resources: [../node]\n",
    });
    const found = runCheck(loadPlatform(repo), { rules: fluxRules }).findings.filter(
      (f) => f.rule === "render-error",
    );
    expect(found.map((f) => [f.file, f.kustomization])).toEqual([
      ["infra/node/kustomization.yaml", "flux-system/node"],
    ]);
    expect(found[0]?.message).toMatch(/^JSON6902 patch operation 1 .*doc is missing path/);
    expect(found[0]?.message).toContain(
      "(Kustomizations flux-system/node and flux-system/storage both build this file and fail on it)",
    );
  });

  it("flux-path-missing: a path the platform's file system has is not missing, even when not on disk (a planned scaffold)", () => {
    const repo = tempTree({ "clusters/c/flux-system/gotk-sync.yaml": SYNC_SSH });
    const planned = new OverlayFileSystem(new DiskFileSystem(), {
      [path.join(repo, "clusters/c/planned.yaml")]: kustomization("planned", "./planned", ""),
      [path.join(repo, "clusters/c/gone.yaml")]: kustomization("gone", "./gone", ""),
      [path.join(repo, "planned/kustomization.yaml")]: "resources:\n  - missing.yaml\n",
    });
    const found = runCheck(loadPlatform(repo, { fs: planned }), { rules: fluxRules }).findings;
    expect(found.map((f) => [f.rule, f.kustomization])).toEqual([
      ["flux-path-missing", "flux-system/gone"],
      ["render-error", "flux-system/planned"],
    ]);
  });

  it("render-error: a missing substituteFrom source is one finding at its entry, a warning unless --strict", () => {
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC_SSH,
      "clusters/c/apps.yaml": kustomization(
        "apps",
        "./apps",
        "  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: cluster-secrets\n",
      ),
      "apps/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n",
      "apps/b.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: default\n",
    });
    const platform = loadPlatform(repo);
    const found = runCheck(platform, { rules: fluxRules }).findings;
    expect(found.map((f) => [f.rule, f.severity, at(f)])).toEqual([
      ["render-error", "warning", "clusters/c/apps.yaml:14"],
    ]);
    expect(found[0]?.message).toContain("if it exists only in the cluster");
    const strict = runCheck(platform, { rules: fluxRules, strict: true }).findings;
    expect(strict.map((f) => f.severity)).toEqual(["error"]);
  });

  it("flux-not-rendered: external and suspended Kustomizations are mentioned (info), at sourceRef or suspend", () => {
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC_SSH,
      "clusters/c/other.yaml":
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: other\n  namespace: flux-system\nspec:\n  url: https://example.com/other\n",
      "clusters/c/ext.yaml": kustomization("ext", "./deploy", "", "GitRepository", "other"),
      "clusters/c/off.yaml": kustomization("off", "./apps", "  suspend: true\n"),
    });
    const found = runCheck(loadPlatform(repo), { rules: fluxRules }).findings;
    expect(found.map((f) => [f.rule, f.severity, at(f), f.kustomization])).toEqual([
      ["flux-not-rendered", "info", "clusters/c/ext.yaml:9", "flux-system/ext"],
      ["flux-not-rendered", "info", "clusters/c/off.yaml:12", "flux-system/off"],
    ]);
    expect(found[0]?.message).toContain("GitRepository flux-system/other is not this repository");
  });

  it("unparsable YAML is a render-error finding with its file, not a crash", () => {
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC_SSH,
      "clusters/c/apps.yaml": kustomization("apps", "./apps", ""),
      "apps/kustomization.yaml": "resources:\n  - bad.yaml\n",
      "apps/bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n",
    });
    const found = runCheck(loadPlatform(repo), { rules: fluxRules }).findings;
    expect(found.map((f) => [f.rule, f.file])).toEqual([["render-error", "apps/bad.yaml"]]);
  });
});

function kustomization(
  name: string,
  p: string,
  extra: string,
  kind = "GitRepository",
  source = "flux-system",
) {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  path: ${p}
  prune: true
  sourceRef:
    kind: ${kind}
    name: ${source}
${extra}`;
}
