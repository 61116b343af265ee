import { afterAll, describe, expect, it } from "vitest";
import {
  type DiffReport,
  diffExitCode,
  diffRevisions,
  formatMarkdown,
  formatText,
} from "../../src/diff/index.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { fluxKustomization, GitFixture } from "./git-fixture.js";

/**
 * Layouts where changed-only diffs once missed changes (issue 10), each diffed both ways:
 * changed-only must report exactly what a full render reports, exit code included.
 */
function both(repo: GitFixture, base: string, head?: string, acceptFailed = false) {
  const masker = createSecretMasker(Buffer.alloc(32, 3));
  const fast = diffRevisions({ repo: repo.dir, base, head, changedOnly: true, masker, acceptFailed });
  const full = diffRevisions({ repo: repo.dir, base, head, changedOnly: false, masker, acceptFailed });
  expect({ ...fast.report, changedOnly: false }).toEqual(full.report);
  expect(diffExitCode(fast.report)).toBe(diffExitCode(full.report));
  return { report: full.report, reused: fast.reused };
}

const sync = (clusterPath: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 5m, url: https://example.com/x.git, ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 10m, path: ${clusterPath}, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}
`;

const configMap = (name: string, data: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: shop\ndata:\n  ${data}\n`;

function changedObjects(r: DiffReport): string[] {
  return r.clusters.flatMap((c) =>
    c.kustomizations.flatMap((k) =>
      k.objects.map((o) => `${c.cluster} ${k.id} ${o.change} ${o.kind}/${o.name}`),
    ),
  );
}

describe("diff is exact or says why not", () => {
  const repos: GitFixture[] = [];
  const fixture = (files: Record<string, string>) => {
    const repo = new GitFixture().write(files);
    repos.push(repo);
    return { repo, c0: repo.commit("initial") };
  };
  afterAll(() => {
    for (const r of repos) r.cleanup();
  });

  it("a change below a cluster root without kustomization.yaml (flux-operator layout) is reported", () => {
    const { repo, c0 } = fixture({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/flux-instance/kustomization.yaml": "resources: [instance.yaml]\n",
      "clusters/prod/flux-instance/instance.yaml": configMap("instance", "version: 2.6.0"),
      "clusters/prod/apps.yaml": fluxKustomization("apps", "./apps"),
      "apps/kustomization.yaml": "resources: [cm.yaml]\n",
      "apps/cm.yaml": configMap("app", "a: b"),
    });
    repo.write({ "clusters/prod/flux-instance/instance.yaml": configMap("instance", "version: 2.7.0") });
    const { report } = both(repo, c0, repo.commit("bump"));
    expect(changedObjects(report)).toEqual(["prod flux-system/flux-system changed ConfigMap/instance"]);
    expect(diffExitCode(report)).toBe(1);
  });

  it("an edit in a base shared by several clusters is reported for every cluster", () => {
    const { repo, c0 } = fixture({
      "clusters/a/flux-system/gotk-sync.yaml": sync("./clusters/a"),
      "clusters/a/app.yaml": fluxKustomization("app", "./overlays/a"),
      "clusters/b/flux-system/gotk-sync.yaml": sync("./clusters/b"),
      "clusters/b/app.yaml": fluxKustomization("app", "./overlays/b"),
      "clusters/c/flux-system/gotk-sync.yaml": sync("./clusters/c"),
      "clusters/c/app.yaml": fluxKustomization("app", "./overlays/c"),
      "base/kustomization.yaml": "resources: [cm.yaml]\n",
      "base/cm.yaml": configMap("shared", "level: info"),
      "overlays/a/kustomization.yaml": "resources: [../../base]\nnameSuffix: -a\n",
      "overlays/b/kustomization.yaml": "resources: [../../base]\nnameSuffix: -b\n",
      "overlays/c/kustomization.yaml": "resources: [../../base]\nnameSuffix: -c\n",
    });
    repo.write({ "base/cm.yaml": configMap("shared", "level: debug") });
    const { report } = both(repo, c0, repo.commit("debug"));
    expect(changedObjects(report)).toEqual([
      "a flux-system/app changed ConfigMap/shared-a",
      "b flux-system/app changed ConfigMap/shared-b",
      "c flux-system/app changed ConfigMap/shared-c",
    ]);
  });

  it("a changed substituteFrom variable re-renders the unchanged Kustomizations that use it", () => {
    const { repo, c0 } = fixture({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/vars.yaml": configMap("vars", "domain: example.com").replace("shop", "flux-system"),
      "clusters/prod/app.yaml": fluxKustomization(
        "app",
        "./apps/app",
        "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: vars\n",
      ),
      "apps/app/kustomization.yaml": "resources: [cm.yaml]\n",
      "apps/app/cm.yaml": configMap("app", "host: app.${domain}"),
    });
    repo.write({
      "clusters/prod/vars.yaml": configMap("vars", "domain: example.org").replace("shop", "flux-system"),
    });
    const { report, reused } = both(repo, c0, repo.commit("domain"));
    expect(changedObjects(report)).toEqual([
      "prod flux-system/app changed ConfigMap/app",
      "prod flux-system/flux-system changed ConfigMap/vars",
    ]);
    expect(reused).toBe(0);
  });

  it("a spec.path with a trailing slash renders from Git objects as from the disk", () => {
    const { repo, c0 } = fixture({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod/"),
      "clusters/prod/app.yaml": fluxKustomization("app", "./apps/app/"),
      "apps/app/kustomization.yaml": "resources: [cm.yaml]\n",
      "apps/app/cm.yaml": configMap("app", "a: b"),
    });
    repo.write({ "apps/app/cm.yaml": configMap("app", "a: c") });
    const committed = both(repo, c0, repo.commit("edit"));
    expect(changedObjects(committed.report)).toEqual(["prod flux-system/app changed ConfigMap/app"]);
    expect(committed.report.notCompared).toEqual([]);
  });

  describe("a Flux Kustomization that fails to render", () => {
    const files = {
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/app.yaml": fluxKustomization(
        "app",
        "./apps/app",
        "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-settings\n",
      ),
      "clusters/prod/other.yaml": fluxKustomization("other", "./apps/other"),
      "apps/app/kustomization.yaml": "resources: [cm.yaml]\n",
      "apps/app/cm.yaml": configMap("app", "a: b"),
      "apps/other/kustomization.yaml": "resources: [cm.yaml]\n",
      "apps/other/cm.yaml": configMap("other", "a: b"),
    };

    it("on both sides is listed as not compared, in every format, and exits 2", () => {
      const { repo, c0 } = fixture(files);
      repo.write({ "apps/app/cm.yaml": configMap("app", "a: changed") });
      const { report } = both(repo, c0, repo.commit("edit inside the failing one"));
      expect(report.clusters).toEqual([]);
      expect(report.notCompared).toMatchObject([
        {
          cluster: "prod",
          id: "flux-system/app",
          reason: "failed",
          baseStatus: "failed",
          headStatus: "failed",
        },
      ]);
      expect(report.notCompared[0]!.errors[0]).toContain("cluster-settings");
      expect(report.errors).toEqual([
        expect.stringContaining("prod flux-system/app: fails to render on both sides"),
      ]);
      expect(diffExitCode(report)).toBe(2);
      const text = formatText(report);
      expect(text).not.toMatch(/^No differences \(/);
      expect(text).toContain("could not be compared");
      expect(text).toContain("✗ prod flux-system/app: fails to render on both sides");
      expect(formatMarkdown(report)).toContain(
        "| prod | `flux-system/app` | ❌ fails to render on both sides",
      );
    });

    it("with --accept-failed is still listed, and the exit code comes from the differences", () => {
      const { repo, c0 } = fixture(files);
      repo.write({ "apps/other/cm.yaml": configMap("other", "a: changed") });
      const head = repo.commit("edit elsewhere");
      const strict = both(repo, c0, head).report;
      expect(diffExitCode(strict)).toBe(2);
      const accepted = both(repo, c0, head, true).report;
      expect(accepted.errors).toEqual([]);
      expect(accepted.notCompared.map((n) => n.id)).toEqual(["flux-system/app"]);
      expect(diffExitCode(accepted)).toBe(1);
      expect(formatText(accepted)).toContain("failed to render (accepted with --accept-failed)");
    });
  });

  it("lists Kustomizations with an external source as not compared, without failing", () => {
    const { repo, c0 } = fixture({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/ext.yaml": fluxKustomization("ext", "./deploy").replace(
        "name: flux-system",
        "name: other-repo",
      ),
    });
    const { report } = both(repo, c0, c0);
    expect(report.notCompared).toMatchObject([{ id: "flux-system/ext", reason: "external" }]);
    expect(diffExitCode(report)).toBe(0);
    expect(formatText(report)).toContain("1 Flux Kustomization could not be compared");
  });

  it("a source's changed spec.ignore re-renders the unchanged Kustomizations that read it", () => {
    // The Kustomization and the files it reads are the same at both revisions; only the
    // artifact of its source differs, which no read set of the build covers.
    const wide = (ignore: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: wide, namespace: flux-system}
spec:
  interval: 5m
  url: https://example.com/x.git
  ref: {branch: main}
  ignore: ${JSON.stringify(ignore)}
`;
    const { repo, c0 } = fixture({
      "clusters/prod/flux-system/gotk-sync.yaml": sync("./clusters/prod"),
      "clusters/prod/sources.yaml": wide("/*\n!/clusters\n"),
      "clusters/prod/infra.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: infra, namespace: flux-system}
spec: {interval: 10m, path: ./infra, prune: true, sourceRef: {kind: GitRepository, name: wide}}
`,
      "infra/cm.yaml": configMap("infra", "a: b"),
    });
    repo.write({ "clusters/prod/sources.yaml": wide("/*\n!/clusters\n!/infra\n") });
    const { report, reused } = both(repo, c0, repo.commit("include infra"), true);
    expect(changedObjects(report)).toEqual([
      "prod flux-system/flux-system changed GitRepository/wide",
      "prod flux-system/infra added ConfigMap/infra",
    ]);
    expect(reused).toBe(0);
  });
});
