import { afterAll, describe, expect, it } from "vitest";
import { diffExitCode, diffRevisions, formatMarkdown, formatText } from "../../src/diff/index.js";
import { createSecretMasker } from "../../src/sops/index.js";
import { fluxKustomization, GitFixture } from "./git-fixture.js";

/**
 * A Flux Kustomization rendered without its remote resources is compared on what is rendered,
 * and always listed as compared in part: a diff never says "no differences" of what it did not
 * see. A bumped remote ref is a difference (exit 1) although no object shows it. Changed-only
 * and full diffs agree (as in exact.test.ts).
 */
function both(repo: GitFixture, base: string, head: string) {
  const masker = createSecretMasker(Buffer.alloc(32, 3));
  const fast = diffRevisions({ repo: repo.dir, base, head, changedOnly: true, masker });
  const full = diffRevisions({ repo: repo.dir, base, head, changedOnly: false, masker });
  expect({ ...fast.report, changedOnly: false }).toEqual(full.report);
  expect(diffExitCode(fast.report)).toBe(diffExitCode(full.report));
  return full.report;
}

const sync = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 5m, url: https://example.com/x.git, ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 10m, path: ./clusters/prod, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}
`;
const url = (v: string) => `https://github.com/example/operator/releases/download/${v}/crds.yaml`;
const operator = (v: string, comment = "") => `${comment}resources:\n  - ${url(v)}\n  - cm.yaml\n`;
const cm = (data: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: operator-settings, namespace: ops}\ndata: {${data}}\n`;

describe("diff of a Kustomization rendered without its remote resources", () => {
  const repos: GitFixture[] = [];
  afterAll(() => {
    for (const r of repos) r.cleanup();
  });
  const fixture = () => {
    const repo = new GitFixture().write({
      "clusters/prod/flux-system/gotk-sync.yaml": sync,
      "clusters/prod/operator.yaml": fluxKustomization("operator", "./operator"),
      "operator/kustomization.yaml": operator("v1.0.0"),
      "operator/cm.yaml": cm("level: info"),
    });
    repos.push(repo);
    return { repo, c0: repo.commit("initial") };
  };

  it("compares what is rendered and lists the rest (exit 1 for a local change)", () => {
    const { repo, c0 } = fixture();
    repo.write({ "operator/cm.yaml": cm("level: debug") });
    const report = both(repo, c0, repo.commit("debug"));
    expect(report.clusters.flatMap((c) => c.kustomizations.map((k) => [k.id, k.counts.changed]))).toEqual([
      ["flux-system/operator", 1],
    ]);
    expect(report.notCompared).toMatchObject([{ id: "flux-system/operator", reason: "partial" }]);
    expect(report.notCompared[0]!.leftOutChanged).toBeUndefined();
    expect(report.errors).toEqual([]);
    expect(diffExitCode(report)).toBe(1);
  });

  it("no change: exit 0, but never a plain 'No differences', in text and markdown", () => {
    const { repo, c0 } = fixture();
    const report = both(repo, c0, c0);
    expect(diffExitCode(report)).toBe(0);
    const text = formatText(report);
    expect(text).not.toMatch(/^No differences \(/);
    expect(text).toContain("1 in part");
    expect(text).toContain(`remote resource '${url("v1.0.0")}'`);
    expect(formatMarkdown(report)).toContain(`remote resource '${url("v1.0.0")}'`);
  });

  it("a bumped remote ref is a difference no object shows: listed as changed, exit 1", () => {
    const { repo, c0 } = fixture();
    repo.write({ "operator/kustomization.yaml": operator("v1.1.0") });
    const report = both(repo, c0, repo.commit("bump"));
    expect(report.clusters).toEqual([]);
    expect(report.notCompared).toMatchObject([{ reason: "partial", leftOutChanged: true }]);
    expect(diffExitCode(report)).toBe(1);
    expect(formatText(report)).toContain(
      "what Slipway cannot render offline or decrypt changed in 1 Flux Kustomization",
    );
  });

  it("an entry that only moved to another line is the same entry: exit 0", () => {
    const { repo, c0 } = fixture();
    repo.write({ "operator/kustomization.yaml": operator("v1.0.0", "# vendored later\n") });
    const report = both(repo, c0, repo.commit("comment"));
    expect(report.notCompared[0]!.leftOutChanged).toBeUndefined();
    expect(diffExitCode(report)).toBe(0);
  });
});
