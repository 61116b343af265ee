/**
 * Promotion on small two-environment trees: every place a version can be set in the target,
 * the edit made there (only those bytes change), and the re-rendered target carrying the
 * source's versions. Each scenario runs plan → applyEdits → render → verifyPromotion.
 */
import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { loadPlatformWithSecrets } from "../../src/platform/decrypt.js";
import { formatPromotionMarkdown, formatPromotionText } from "../../src/promote/format.js";
import { NOT_PROMOTED, PARTLY_COMPARED, plan } from "../../src/promote/plan.js";
import { SourceFiles } from "../../src/promote/sources.js";
import { encryptSops, ruleForRecipients } from "../../src/sops/index.js";
import { DEMO_RECIPIENT, demoIdentities, helmRelease as helmReleaseOf } from "../support/flux.js";
import { changedLines, deployment, fluxKs, promote, ROOT, twoEnvs } from "./harness.js";

const IMG = "ghcr.io/acme/app";
/** apps/app/{base,overlays/<env>} with the image pinned per overlay by an images entry. */
function overlayTree(stagingTag: string, productionTag: string, extra: Record<string, string> = {}) {
  const overlay = (env: string, tag: string) => `# ${env}: pinned by image automation
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
images:
  - name: ${IMG}
    newTag: ${tag} # {"$imagepolicy": "flux-system:app:tag"}
`;
  return twoEnvs({
    "clusters/staging/app.yaml": fluxKs("app", "./apps/app/overlays/staging"),
    "clusters/production/app.yaml": fluxKs("app", "./apps/app/overlays/production"),
    "apps/app/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
    "apps/app/base/deployment.yaml": deployment("app", `${IMG}:1.0.0`),
    "apps/app/overlays/staging/kustomization.yaml": overlay("staging", stagingTag),
    "apps/app/overlays/production/kustomization.yaml": overlay("production", productionTag),
    ...extra,
  });
}

function helmRelease(version: string, values = "", name = "podinfo"): string {
  return helmReleaseOf(
    name,
    "apps",
    `      chart: podinfo
      version: "${version}"
      sourceRef:
        kind: HelmRepository
        name: podinfo
`,
    values,
  );
}

describe("promote: where versions are set", () => {
  it("a kustomize images entry in the target overlay (setter marker kept)", () => {
    const files = overlayTree("1.2.0", "1.1.0");
    const r = promote(files);
    expect(r.plan.refusals).toEqual([]);
    expect(r.plan.apps).toHaveLength(1);
    const change = r.plan.apps[0]!.changes[0]!;
    expect(change).toMatchObject({ kind: "image", from: "1.1.0", to: "1.2.0", object: "Deployment app" });
    expect(change.edits).toEqual([
      expect.objectContaining({
        op: "set",
        file: "apps/app/overlays/production/kustomization.yaml",
        line: 8,
        what: "newTag",
      }),
    ]);
    const file = "apps/app/overlays/production/kustomization.yaml";
    expect(changedLines(files[file]!, r.texts.get(file)!)).toEqual([
      '8:     newTag: 1.2.0 # {"$imagepolicy": "flux-system:app:tag"}',
    ]);
    expect(change.notes[0]).toBe(
      `setter {"$imagepolicy": "flux-system:app:tag"} kept; production has no ImagePolicy flux-system/app`,
    );
  });

  it("nothing to promote when the versions are the same", () => {
    const r = promote(overlayTree("1.2.0", "1.2.0"));
    expect(r.plan.apps).toEqual([]);
    expect(r.plan.refusals).toEqual([]);
    expect(r.plan.skipped).toContainEqual({ app: "app", reason: "no version differences" });
  });

  it("a Flux Kustomization's spec.images", () => {
    const images = (tag: string) => `  images:\n    - name: ${IMG}\n      newTag: "${tag}"\n`;
    const files = twoEnvs({
      "clusters/staging/app.yaml": fluxKs("app", "./apps/app", images("2.0")),
      "clusters/production/app.yaml": fluxKs("app", "./apps/app", images("1.10")),
      "apps/app/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "apps/app/deployment.yaml": deployment("app", `${IMG}:1.0.0`),
    });
    const r = promote(files);
    expect(r.plan.refusals).toEqual([]);
    const file = "clusters/production/app.yaml";
    expect(changedLines(files[file]!, r.texts.get(file)!)).toEqual(['15:       newTag: "2.0"']);
  });

  it("a full image reference in a strategic-merge patch of the overlay", () => {
    const patch = (tag: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
        - name: app
          image: ${IMG}:${tag} # pinned for this environment
`;
    const overlay = "resources:\n  - ../../base\npatches:\n  - path: image.yaml\n";
    const files = overlayTree("x", "x", {
      "apps/app/overlays/staging/kustomization.yaml": overlay,
      "apps/app/overlays/production/kustomization.yaml": overlay,
      "apps/app/overlays/staging/image.yaml": patch("3.1.0"),
      "apps/app/overlays/production/image.yaml": patch("3.0.0"),
    });
    const r = promote(files);
    expect(r.plan.refusals).toEqual([]);
    const file = "apps/app/overlays/production/image.yaml";
    expect(changedLines(files[file]!, r.texts.get(file)!)).toEqual([
      `10:           image: ${IMG}:3.1.0 # pinned for this environment`,
    ]);
  });

  it("a JSON 6902 patch's value", () => {
    const ops = (tag: string) =>
      `- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: "${IMG}:${tag}"\n`;
    const overlay = `resources:
  - ../../base
patches:
  - path: ops.yaml
    target:
      kind: Deployment
      name: app
`;
    const files = overlayTree("x", "x", {
      "apps/app/overlays/staging/kustomization.yaml": overlay,
      "apps/app/overlays/production/kustomization.yaml": overlay,
      "apps/app/overlays/staging/ops.yaml": ops("4.0.0"),
      "apps/app/overlays/production/ops.yaml": ops("3.9.9"),
    });
    const r = promote(files);
    expect(r.plan.refusals).toEqual([]);
    const file = "apps/app/overlays/production/ops.yaml";
    expect(changedLines(files[file]!, r.texts.get(file)!)).toEqual([`3:   value: "${IMG}:4.0.0"`]);
  });

  it("a HelmRelease chart version in an inline patch of the Flux Kustomization", () => {
    const patches = (v: string) => `  patches:
    - target:
        kind: HelmRelease
        name: podinfo
      patch: |
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: podinfo
        spec:
          chart:
            spec:
              version: "${v}" # the chart this cluster runs
`;
    const files = twoEnvs({
      "clusters/staging/app.yaml": fluxKs("app", "./apps/podinfo", patches("6.9.2")),
      "clusters/production/app.yaml": fluxKs("app", "./apps/podinfo", patches("6.8.0")),
      "apps/podinfo/kustomization.yaml": "resources:\n  - helmrelease.yaml\n",
      "apps/podinfo/helmrelease.yaml": helmRelease("6.0.0"),
    });
    const r = promote(files);
    expect(r.plan.refusals).toEqual([]);
    const change = r.plan.apps[0]!.changes[0]!;
    expect(change).toMatchObject({ kind: "chart", from: "6.8.0", to: "6.9.2" });
    expect(change.edits[0]).toMatchObject({
      file: "clusters/production/app.yaml",
      line: 25,
      inner: { doc: 0 },
    });
    const file = "clusters/production/app.yaml";
    expect(changedLines(files[file]!, r.texts.get(file)!)).toEqual([
      '25:               version: "6.9.2" # the chart this cluster runs',
    ]);
  });

  it("a chart version and an OCIRepository tag in per-environment documents", () => {
    const oci = (tag: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: bundle
  namespace: apps
spec:
  interval: 1h
  url: oci://ghcr.io/acme/bundle
  ref:
    tag: '${tag}'
`;
    const files = twoEnvs({
      "clusters/staging/app.yaml": fluxKs("app", "./apps/staging"),
      "clusters/production/app.yaml": fluxKs("app", "./apps/production"),
      "apps/staging/helmrelease.yaml": helmRelease("6.9.2"),
      "apps/staging/oci.yaml": oci("v1.5.0"),
      "apps/production/helmrelease.yaml": helmRelease("6.9.0"),
      "apps/production/oci.yaml": oci("v1.4.0"),
    });
    const r = promote(files);
    expect(r.plan.refusals).toEqual([]);
    expect(r.plan.apps[0]!.changes.map((c) => `${c.label}: ${c.from} → ${c.to}`)).toEqual([
      "HelmRelease apps/podinfo chart podinfo version: 6.9.0 → 6.9.2",
      "OCIRepository apps/bundle ref.tag: v1.4.0 → v1.5.0",
    ]);
    expect(
      changedLines(files["apps/production/oci.yaml"]!, r.texts.get("apps/production/oci.yaml")!),
    ).toEqual(["10:     tag: 'v1.5.0'"]);
  });

  it("a post-build variable set inline in the target's Flux Kustomization", () => {
    const vars = (tag: string) => `  postBuild:\n    substitute:\n      app_tag: "${tag}"\n`;
    const files = twoEnvs({
      "clusters/staging/app.yaml": fluxKs("app", "./apps/app", vars("2.1.0")),
      "clusters/production/app.yaml": fluxKs("app", "./apps/app", vars("2.0.0")),
      "apps/app/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "apps/app/deployment.yaml": deployment("app", `${IMG}:\${app_tag}`),
    });
    const r = promote(files);
    expect(r.plan.refusals).toEqual([]);
    expect(r.plan.apps[0]!.changes[0]!.edits[0]).toMatchObject({
      what: "variable app_tag (substitute)",
      value: "2.1.0",
    });
    expect(
      changedLines(files["clusters/production/app.yaml"]!, r.texts.get("clusters/production/app.yaml")!),
    ).toEqual(['15:       app_tag: "2.1.0"']);
  });

  it("a post-build variable from the cluster's substituteFrom ConfigMap", () => {
    const vars = "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n";
    const cm = (tag: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-vars\n  namespace: flux-system\ndata:\n  app_tag: ${tag}\n`;
    const kust = "resources:\n  - flux-system/gotk-sync.yaml\n  - vars.yaml\n  - app.yaml\n";
    const files = twoEnvs({
      "clusters/staging/kustomization.yaml": kust,
      "clusters/production/kustomization.yaml": kust,
      "clusters/staging/vars.yaml": cm("v7"),
      "clusters/production/vars.yaml": cm("v6"),
      "clusters/staging/app.yaml": fluxKs("app", "./apps/app", vars),
      "clusters/production/app.yaml": fluxKs("app", "./apps/app", vars),
      "apps/app/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "apps/app/deployment.yaml": deployment("app", `${IMG}:\${app_tag}`),
    });
    const r = promote(files);
    expect(r.plan.refusals).toEqual([]);
    expect(
      changedLines(files["clusters/production/vars.yaml"]!, r.texts.get("clusters/production/vars.yaml")!),
    ).toEqual(["7:   app_tag: v7"]);
  });

  it("the default of a post-build variable in the target's own file", () => {
    const vars = "  postBuild:\n    substitute:\n      unrelated: x\n";
    const files = twoEnvs({
      "clusters/staging/app.yaml": fluxKs("app", "./apps/staging", vars),
      "clusters/production/app.yaml": fluxKs("app", "./apps/production", vars),
      "apps/staging/deployment.yaml": deployment("app", `${IMG}:v1.1-\${app_tag:=1.2.0}`),
      "apps/production/deployment.yaml": deployment("app", `${IMG}:v1.1-\${app_tag:=1.1.0}`),
    });
    const r = promote(files);
    expect(r.plan.refusals).toEqual([]);
    expect(r.plan.apps[0]!.changes[0]).toMatchObject({ from: "v1.1-1.1.0", to: "v1.1-1.2.0" });
    expect(
      changedLines(
        files["apps/production/deployment.yaml"]!,
        r.texts.get("apps/production/deployment.yaml")!,
      ),
    ).toEqual([`16:           image: ${IMG}:v1.1-\${app_tag:=1.2.0}`]);
  });

  it("adds a digest next to the tag, and removes one the source does not have", () => {
    const withDigest = overlayTree("1.2.0", "1.1.0");
    withDigest["apps/app/overlays/staging/kustomization.yaml"] += "    digest: sha256:abc123\n";
    const r = promote(withDigest);
    expect(r.plan.refusals).toEqual([]);
    const file = "apps/app/overlays/production/kustomization.yaml";
    expect(r.texts.get(file)).toBe(
      withDigest[file]!.replace(
        'newTag: 1.1.0 # {"$imagepolicy": "flux-system:app:tag"}\n',
        'newTag: 1.2.0 # {"$imagepolicy": "flux-system:app:tag"}\n    digest: sha256:abc123\n',
      ),
    );
    const reverse = overlayTree("1.2.0", "1.2.0");
    reverse[file] += "    digest: sha256:old\n";
    const back = promote(reverse);
    expect(back.plan.refusals).toEqual([]);
    expect(back.texts.get(file)).toBe(overlayTree("1.2.0", "1.2.0")[file]);
  });

  it("a digest without a tag replaces the entry's newTag with a digest line", () => {
    // The source runs IMG@sha256:…: kustomize writes name:tag@digest when both are set, so the
    // target's newTag must go and a digest come in its place (it was once refused, the digest
    // planned "after newTag", the line the same plan removes).
    const digest = `sha256:${"b".repeat(64)}`;
    const files = overlayTree("1.2.0", "1.1.0");
    const plain = (t: string) => t.replace(' # {"$imagepolicy": "flux-system:app:tag"}', "");
    for (const env of ["staging", "production"]) {
      const f = `apps/app/overlays/${env}/kustomization.yaml`;
      files[f] = plain(files[f]!);
    }
    files["apps/app/overlays/staging/kustomization.yaml"] = files[
      "apps/app/overlays/staging/kustomization.yaml"
    ]!.replace("newTag: 1.2.0", `digest: ${digest}`);
    const r = promote(files);
    expect(r.plan.refusals).toEqual([]);
    const file = "apps/app/overlays/production/kustomization.yaml";
    expect(r.texts.get(file)).toBe(files[file]!.replace("newTag: 1.1.0", `digest: ${digest}`));
  });

  it("refuses to drop a newTag that carries a setter marker", () => {
    const digest = `sha256:${"b".repeat(64)}`;
    const files = overlayTree("1.2.0", "1.1.0");
    const staging = "apps/app/overlays/staging/kustomization.yaml";
    files[staging] = files[staging]!.replace(/newTag: .*\n/, `digest: ${digest}\n`);
    const r = promote(files);
    expect(r.texts.size).toBe(0);
    expect(r.plan.refusals).toMatchObject([
      {
        code: "AMBIGUOUS",
        file: "apps/app/overlays/production/kustomization.yaml",
        line: 8,
        message: expect.stringContaining('{"$imagepolicy": "flux-system:app:tag"}'),
      },
    ]);
  });

  it("values paths named in slipway.yaml, and values marked with a setter", () => {
    const values = (tag: string, replicas: number) => `  values:
    image:
      tag: ${tag} # {"$imagepolicy": "flux-system:podinfo:tag"}
    replicaCount: ${replicas}
    ui:
      color: "#34577c"
`;
    const files = twoEnvs({
      "slipway.yaml": "promote:\n  apps:\n    app:\n      values: [ui.color]\n",
      "clusters/staging/app.yaml": fluxKs("app", "./apps/staging"),
      "clusters/production/app.yaml": fluxKs("app", "./apps/production"),
      "apps/staging/helmrelease.yaml": helmRelease("6.9.2", values("6.9.2", 1)).replace("#34577c", "#ff0000"),
      "apps/production/helmrelease.yaml": helmRelease("6.9.2", values("6.9.1", 3)),
    });
    const r = promote(files);
    expect(r.plan.refusals).toEqual([]);
    expect(r.plan.apps[0]!.changes.map((c) => `${c.label}: ${c.from} → ${c.to}`)).toEqual([
      "HelmRelease apps/podinfo values ui.color: #34577c → #ff0000",
      "HelmRelease apps/podinfo image.tag (setter flux-system:podinfo:tag): 6.9.1 → 6.9.2",
    ]);
    // replicaCount differs but is not a version: untouched.
    expect(
      changedLines(
        files["apps/production/helmrelease.yaml"]!,
        r.texts.get("apps/production/helmrelease.yaml")!,
      ),
    ).toEqual([
      '17:       tag: 6.9.2 # {"$imagepolicy": "flux-system:podinfo:tag"}',
      '20:       color: "#ff0000"',
    ]);
  });

  it("leaves open version ranges (policies) and different image repositories alone", () => {
    const files = twoEnvs({
      "clusters/staging/app.yaml": fluxKs("app", "./apps/staging"),
      "clusters/production/app.yaml": fluxKs("app", "./apps/production"),
      "apps/staging/helmrelease.yaml": helmRelease(">=6.0.0-0"),
      "apps/staging/deployment.yaml": deployment("app", "ghcr.io/acme/app-staging:1.0.0"),
      "apps/production/helmrelease.yaml": helmRelease(">=6.0.0"),
      "apps/production/deployment.yaml": deployment("app", "ghcr.io/acme/other:0.9.0"),
    });
    const r = promote(files);
    expect(r.plan.apps).toEqual([]);
    expect(r.plan.refusals).toEqual([]);
    expect(r.plan.notes).toEqual([
      "app: Deployment app spec.template.spec.containers[name=app].image pulls ghcr.io/acme/app-staging in staging and ghcr.io/acme/other in production: different images, not promoted",
      "app: HelmRelease apps/podinfo chart podinfo version is '>=6.0.0-0' in staging and '>=6.0.0' in production: open version ranges are policies, not promoted",
    ]);
    // Azure/gitops-flux2-kustomize-helm-mt (round 18): the app was also listed as "Same versions".
    expect(r.plan.skipped).toContainEqual({ app: "app", reason: NOT_PROMOTED });
    const text = formatPromotionText({ plan: r.plan, written: [], commits: [], mode: "plan" });
    expect(text).not.toMatch(/already runs|Same versions: .*\bapp\b/);
  });

  it("--only promotes the named apps; an unknown name is an error", () => {
    const files = overlayTree("1.2.0", "1.1.0");
    expect(promote(files, { only: ["app"] }).plan.apps).toHaveLength(1);
    expect(() => promote(files, { only: ["nope"] })).toThrow(/no app named 'nope'/);
    expect(() => promote(files, { to: "nowhere" })).toThrow(/no cluster named 'nowhere'/);
  });
});

describe("promote: a Flux Kustomization rendered only in part", () => {
  // Found probing by hand: a remote resource is left out of the render offline, and an app
  // whose versions sit there was reported as having no version differences.
  it("says that what it leaves out is not compared", () => {
    const remote = "https://raw.githubusercontent.com/example/app/v1.0.0/deploy.yaml";
    const files = overlayTree("1.2.0", "1.2.0");
    files["apps/app/overlays/production/kustomization.yaml"] = files[
      "apps/app/overlays/production/kustomization.yaml"
    ]!.replace("  - ../../base\n", `  - ../../base\n  - ${remote}\n`);
    const r = promote(files);
    // SaschaJohn/flux2-homelab (round 18): the app was also listed as "Same versions" under the
    // headline "Nothing to promote: production already runs staging's versions."
    expect(r.plan.skipped).toContainEqual({ app: "app", reason: PARTLY_COMPARED });
    expect(r.plan.notes).toEqual([
      expect.stringMatching(
        /^app: production's Flux Kustomization flux-system\/app is rendered only in part \(.*raw\.githubusercontent\.com.*\), so versions in what it leaves out are not compared$/,
      ),
    ]);
    const result = { plan: r.plan, written: [], commits: [], mode: "plan" as const };
    for (const text of [formatPromotionText(result), formatPromotionMarkdown(result)]) {
      expect(text).not.toMatch(/already runs|Same versions: .*\bapp\b/);
      expect(text).toContain("Nothing to promote among the apps Slipway could compare (1 skipped");
    }
  });
});

describe("promote: refusals", () => {
  it("a version set in a base shared with the source: names the file and the overlay to pin it in", () => {
    const files = overlayTree("1.2.0", "1.1.0");
    files["apps/app/overlays/staging/kustomization.yaml"] = "resources:\n  - ../../base\n";
    files["apps/app/overlays/production/kustomization.yaml"] = "resources:\n  - ../../base\n";
    files["apps/app/overlays/staging/kustomization.yaml"] += `images:\n  - name: ${IMG}\n    newTag: 1.2.0\n`;
    const r = promote(files);
    expect(r.plan.refusals).toEqual([
      expect.objectContaining({
        code: "SHARED_BASE",
        file: "apps/app/base/deployment.yaml",
        line: 16,
        message: expect.stringMatching(
          /set in apps\/app\/base\/deployment.yaml:16, which staging also uses: promoting would change staging too/,
        ),
        suggestion: `pin it for production in apps/app/overlays/production/kustomization.yaml:
    images:
      - name: ${IMG}
        newTag: 1.2.0`,
      }),
    ]);
    expect(r.texts.size).toBe(0);
  });

  it("a shared directory built directly: the pin goes into the target's Flux Kustomization", () => {
    const files = twoEnvs({
      "clusters/staging/app.yaml": fluxKs("app", "./apps/shared"),
      "clusters/production/app.yaml": fluxKs("app", "./apps/shared"),
      "apps/shared/kustomization.yaml": "resources:\n  - helmrelease.yaml\n",
      "apps/shared/helmrelease.yaml": helmRelease("6.0.0"),
    });
    files["clusters/staging/app.yaml"] += `  patches:
    - target:
        kind: HelmRelease
      patch: |
        - op: replace
          path: /spec/chart/spec/version
          value: "6.1.0"
`;
    const r = promote(files);
    expect(r.plan.refusals).toHaveLength(1);
    expect(r.plan.refusals[0]).toMatchObject({
      code: "SHARED_BASE",
      file: "apps/shared/helmrelease.yaml",
      line: 11,
    });
    expect(
      r.plan.refusals[0]!.suggestion,
    ).toBe(`pin it for production in clusters/production/app.yaml (Flux Kustomization flux-system/app, under spec:):
      patches:
        - target:
            kind: HelmRelease
            name: podinfo
            namespace: apps
          patch: |
            - op: replace
              path: /spec/chart/spec/version
              value: 6.1.0`);
  });

  it("the source environment fails to render", () => {
    const files = overlayTree("1.2.0", "1.1.0");
    files["clusters/staging/app.yaml"] = fluxKs("app", "./apps/missing");
    const r = promote(files);
    expect(r.plan.refusals).toEqual([
      expect.objectContaining({
        code: "SOURCE_RENDER",
        message: expect.stringMatching(/^staging does not render: Flux Kustomization flux-system\/app fails/),
      }),
    ]);
    // Its versions are unknown: it is not listed as having the same versions as production.
    expect(r.plan.skipped.filter((s) => s.app === "app")).toEqual([
      { app: "app", reason: "not compared: its Flux Kustomization fails to render in staging" },
    ]);
  });

  it("one place that two versions of the source would need to set differently", () => {
    const vars = (tag: string) => `  postBuild:\n    substitute:\n      app_tag: "${tag}"\n`;
    const files = twoEnvs({
      "clusters/staging/app.yaml": fluxKs("app", "./apps/staging"),
      "clusters/production/app.yaml": fluxKs("app", "./apps/production", vars("1.1.0")),
      "apps/staging/app.yaml": deployment("app", `${IMG}:1.2.0`),
      "apps/staging/worker.yaml": deployment("worker", `${IMG}:1.3.0`),
      "apps/production/app.yaml": deployment("app", `${IMG}:\${app_tag}`),
      "apps/production/worker.yaml": deployment("worker", `${IMG}:\${app_tag}`),
    });
    const r = promote(files);
    expect(r.plan.refusals).toEqual([
      expect.objectContaining({
        code: "AMBIGUOUS",
        file: "clusters/production/app.yaml",
        line: 15,
        message: expect.stringMatching(
          /clusters\/production\/app.yaml:15 \(variable app_tag \(substitute\)\) decides both image ghcr.io\/acme\/app of Deployment app \(app\) and image ghcr.io\/acme\/app of Deployment worker, which staging sets to different values \(1.2.0 and 1.3.0\)/,
        ),
      }),
    ]);
  });

  it("a version that no source text explains (a replacement wrote it)", () => {
    const files = overlayTree("1.2.0", "1.1.0");
    files["apps/app/overlays/production/kustomization.yaml"] = `resources:
  - ../../base
  - version.yaml
replacements:
  - source:
      kind: ConfigMap
      name: version
      fieldPath: data.image
    targets:
      - select:
          kind: Deployment
        fieldPaths:
          - spec.template.spec.containers.0.image
`;
    files["apps/app/overlays/production/version.yaml"] =
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: version\ndata:\n  image: ${IMG}:0.9.0\n`;
    const r = promote(files);
    expect(r.plan.refusals).toEqual([
      expect.objectContaining({
        code: "UNTRACEABLE",
        message: expect.stringMatching(
          /replaying the images entries and patches gives 'ghcr.io\/acme\/app:1.0.0', not the rendered 'ghcr.io\/acme\/app:0.9.0'/,
        ),
      }),
    ]);
  });

  it("a variable that comes from a Secret", () => {
    const vars = "  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: versions\n";
    const secret = (tag: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: versions\n  namespace: flux-system\nstringData:\n  app_tag: ${tag}\n`;
    const kust = "resources:\n  - flux-system/gotk-sync.yaml\n  - secret.yaml\n  - app.yaml\n";
    const files = twoEnvs({
      "clusters/staging/kustomization.yaml": kust,
      "clusters/production/kustomization.yaml": kust,
      "clusters/staging/secret.yaml": secret("v7"),
      "clusters/production/secret.yaml": secret("v6"),
      "clusters/staging/app.yaml": fluxKs("app", "./apps/app", vars),
      "clusters/production/app.yaml": fluxKs("app", "./apps/app", vars),
      "apps/app/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "apps/app/deployment.yaml": deployment("app", `${IMG}:\${app_tag}`),
    });
    const r = promote(files);
    expect(r.plan.refusals).toEqual([
      expect.objectContaining({
        code: "ENCRYPTED",
        message: expect.stringMatching(/variable app_tag comes from Secret versions/),
      }),
    ]);
    // Refused, so not also listed among the apps whose versions are the same.
    expect(r.plan.skipped.map((s) => s.app)).not.toContain("app");
  });

  it("a source version that is a secret value: refused, and the value is nowhere in the plan", () => {
    // staging substitutes the tag from a Secret's variable; production pins it in plain text.
    // The plan printed the secret as the version to promote and would have written it there.
    const vars = "  postBuild:\n    substituteFrom:\n      - kind: Secret\n        name: versions\n";
    const files = twoEnvs({
      "clusters/staging/kustomization.yaml":
        "resources:\n  - flux-system/gotk-sync.yaml\n  - secret.yaml\n  - app.yaml\n",
      "clusters/staging/secret.yaml":
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: versions\n  namespace: flux-system\nstringData:\n  app_tag: s3cr3t-tag\n",
      "clusters/staging/app.yaml": fluxKs("app", "./apps/staging", vars),
      "clusters/production/app.yaml": fluxKs("app", "./apps/production"),
      "apps/staging/deployment.yaml": deployment("app", `${IMG}:\${app_tag}`),
      "apps/production/deployment.yaml": deployment("app", `${IMG}:1.0.0`),
    });
    const r = promote(files);
    expect(r.texts.size).toBe(0);
    expect(r.plan.refusals).toEqual([
      expect.objectContaining({
        code: "ENCRYPTED",
        message: expect.stringContaining("secret value in staging"),
      }),
    ]);
    expect(JSON.stringify(r.plan)).not.toContain("s3cr3t");
  });

  it("versions in SOPS-encrypted patches: refused, and neither value is anywhere in the plan", async () => {
    // encrypted_regex ^spec$: the image is a decrypted value on both sides. The plan printed
    // both tags (text and JSON) before refusing to edit the encrypted file.
    const rule = ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^spec$" });
    const patch = async (tag: string) =>
      (
        await encryptSops(
          `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${IMG}:${tag}\n`,
          { file: "image.sops.yaml", rule, config: null },
        )
      ).toString("utf8");
    const decryption = "  decryption:\n    provider: sops\n";
    const tree = twoEnvs({
      "clusters/staging/app.yaml": fluxKs("app", "./apps/app/staging", decryption),
      "clusters/production/app.yaml": fluxKs("app", "./apps/app/production", decryption),
      "apps/app/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "apps/app/base/deployment.yaml": deployment("app", `${IMG}:1.0.0`),
      "apps/app/staging/kustomization.yaml": "resources:\n  - ../base\npatches:\n  - path: image.sops.yaml\n",
      "apps/app/production/kustomization.yaml":
        "resources:\n  - ../base\npatches:\n  - path: image.sops.yaml\n",
      "apps/app/staging/image.sops.yaml": await patch("7.7.7-staging"),
      "apps/app/production/image.sops.yaml": await patch("6.6.6-production"),
    });
    const fs = new MemoryFileSystem(
      Object.fromEntries(Object.entries(tree).map(([p, t]) => [`${ROOT}/${p}`, t])),
    );
    const { platform } = await loadPlatformWithSecrets(ROOT, { fs, identities: demoIdentities });
    const p = plan({
      source: platform,
      target: platform,
      files: new SourceFiles(fs, ROOT),
      request: { from: "staging", to: "production" },
    });
    expect(p.refusals.map((x) => x.code)).toEqual(["ENCRYPTED"]);
    expect(JSON.stringify(p)).not.toMatch(/7\.7\.7|6\.6\.6/);
  });

  it("a version set in a SOPS-encrypted document: its MAC covers the plain values too", async () => {
    // encrypted_regex leaves the image readable, but an edit would leave a file sops refuses.
    const rule = ruleForRecipients([DEMO_RECIPIENT], { encrypted_regex: "^(data|stringData)$" });
    const encrypted = async (tag: string) =>
      (
        await encryptSops(`${deployment("app", `${IMG}:${tag}`)}stringData:\n  token: s3cr3t\n`, {
          file: "deployment.sops.yaml",
          rule,
          config: null,
        })
      ).toString("utf8");
    const files = twoEnvs({
      "clusters/staging/app.yaml": fluxKs("app", "./apps/app/staging"),
      "clusters/production/app.yaml": fluxKs("app", "./apps/app/production"),
      "apps/app/staging/deployment.sops.yaml": await encrypted("2.1.0"),
      "apps/app/production/deployment.sops.yaml": await encrypted("2.0.0"),
    });
    const r = promote(files);
    expect(r.plan.refusals).toEqual([
      expect.objectContaining({
        code: "ENCRYPTED",
        file: "apps/app/production/deployment.sops.yaml",
        line: expect.any(Number),
        message: expect.stringMatching(/SOPS-encrypted file: editing it would break the file's MAC/),
      }),
    ]);
    expect(r.texts.size).toBe(0);
  });

  it("an edit that would change more than the version (a variable used elsewhere too)", () => {
    const vars = (tag: string) => `  postBuild:\n    substitute:\n      app_tag: "${tag}"\n`;
    const files = twoEnvs({
      "clusters/staging/app.yaml": fluxKs("app", "./apps/app", vars("2.1.0")),
      "clusters/production/app.yaml": fluxKs("app", "./apps/app", vars("2.0.0")),
      "apps/app/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "apps/app/deployment.yaml": deployment("app", `${IMG}:\${app_tag}`).replace(
        "  name: app\n",
        "  name: app\n  annotations:\n    release: v${app_tag}\n",
      ),
    });
    const r = promote(files);
    expect(r.plan.refusals).toEqual([
      expect.objectContaining({
        code: "VERIFY",
        message: expect.stringMatching(
          /the edits also change Deployment app metadata.annotations.release in production, which is not a promoted version/,
        ),
      }),
    ]);
  });
});

describe("slipway.yaml promote section", () => {
  it("reads values paths per app and rejects what it does not know", async () => {
    const { parseConfig } = await import("../../src/platform/config.js");
    const { parseYaml } = await import("../../src/yaml/index.js");
    const parse = (text: string) => parseConfig(parseYaml(text, "slipway.yaml"), "slipway.yaml");
    expect(parse("promote:\n  apps:\n    podinfo:\n      values: [image.tag, 'a.b']\n").promote).toEqual({
      apps: { podinfo: { values: ["image.tag", "a.b"] } },
    });
    expect(() => parse("promote:\n  order: [a]\n")).toThrow(/promote: unknown field 'order'/);
    expect(() => parse("promote:\n  apps:\n    x:\n      values: 1\n")).toThrow(
      /promote.apps.x.values must be a list/,
    );
  });
});

describe("an image read through a YAML alias", () => {
  // The migration init container anchors the app's image; the app container aliases it.
  const anchored = (tag: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
    spec:
      initContainers:
        - name: migrate
          image: &app ghcr.io/acme/app:${tag} # the release
      containers:
        - name: app
          image: *app
`;
  const files = twoEnvs({
    "clusters/staging/app.yaml": fluxKs("app", "./apps/staging"),
    "clusters/production/app.yaml": fluxKs("app", "./apps/production"),
    "apps/staging/deployment.yaml": anchored("2.0.0"),
    "apps/production/deployment.yaml": anchored("1.0.0"),
  });

  it("is set once, where the anchor is, and both containers get it", () => {
    const r = promote(files);
    expect(r.plan.refusals).toEqual([]);
    expect(r.plan.apps.flatMap((a) => a.changes.flatMap((c) => c.edits.map((e) => e.line)))).toEqual([
      16, 16,
    ]);
    expect(
      changedLines(
        files["apps/production/deployment.yaml"]!,
        r.texts.get("apps/production/deployment.yaml")!,
      ),
    ).toEqual(["16:           image: &app ghcr.io/acme/app:2.0.0 # the release"]);
  });
});
