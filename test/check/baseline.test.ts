import { describe, expect, it } from "vitest";
import { applyBaseline, makeBaseline, parseBaseline } from "../../src/check/baseline.js";
import { type CheckResult, severityCounts } from "../../src/check/engine.js";
import type { Finding } from "../../src/check/types.js";
import { SlipwayError } from "../../src/errors.js";

const finding = (over: Partial<Finding> = {}): Finding => ({
  rule: "flux-path-missing",
  severity: "error",
  message: "spec.path ./apps/x does not exist",
  cluster: "prod",
  kustomization: "flux-system/apps",
  file: "clusters/prod/apps.yaml",
  line: 7,
  ...over,
});

const result = (findings: Finding[]): CheckResult => ({
  findings,
  summary: {
    ...severityCounts(findings),
    resources: 10,
    clusters: 1,
    rules: [],
  },
  configWarnings: [],
});

describe("check baseline", () => {
  it("accepts the recorded findings and counts the rest again", () => {
    const old = [
      finding(),
      finding({ rule: "image-tag-pinned", severity: "warning", message: "tag latest" }),
    ];
    const baseline = makeBaseline(result(old), []);
    const fresh = finding({ message: "spec.path ./apps/y does not exist" });
    const out = applyBaseline(result([...old, fresh]), baseline, []);
    expect(out.result.findings).toEqual([fresh]);
    expect(out.result.summary).toMatchObject({ errors: 1, warnings: 0, infos: 0, resources: 10 });
    expect(out).toMatchObject({ accepted: 2, stale: 0 });
  });

  it("a line moved by an edit elsewhere is still the same finding", () => {
    const baseline = makeBaseline(result([finding({ line: 7 })]), []);
    expect(applyBaseline(result([finding({ line: 12 })]), baseline, []).result.findings).toEqual([]);
  });

  it("a second copy of an accepted finding is new; a fixed one is stale", () => {
    const baseline = makeBaseline(result([finding(), finding({ file: "other.yaml" })]), []);
    const out = applyBaseline(result([finding(), finding()]), baseline, []);
    expect(out.result.findings).toHaveLength(1);
    expect(out).toMatchObject({ accepted: 1, stale: 1 });
  });

  it("the same problem on another object, cluster or rule is not accepted", () => {
    const baseline = makeBaseline(result([finding()]), []);
    for (const other of [
      finding({ cluster: "staging" }),
      finding({ kustomization: "flux-system/infra" }),
      finding({ rule: "render-error" }),
      finding({ resource: { apiVersion: "v1", kind: "ConfigMap", namespace: "a", name: "b" } }),
    ])
      expect(applyBaseline(result([other]), baseline, []).result.findings).toEqual([other]);
  });

  it("absolute repository paths in messages do not tie a baseline to one machine", () => {
    const at = (root: string) => finding({ message: `file '${root}/apps/x/run.sh' does not exist` });
    const baseline = makeBaseline(result([at("/home/me/repo")]), ["/home/me/repo"]);
    expect(baseline.findings[0]!.message).toBe("file 'apps/x/run.sh' does not exist");
    expect(
      applyBaseline(result([at("/ci/work/repo")]), baseline, ["/ci/work/repo/"]).result.findings,
    ).toEqual([]);
  });

  it("refuses files that are not baselines, naming the file", () => {
    for (const text of [
      "",
      "[]",
      '{"version": 2, "findings": []}',
      '{"version": 1}',
      '{"version": 1, "findings": [{"rule": 1}]}',
    ])
      expect(() => parseBaseline(text, "b.json"), text).toThrow(SlipwayError);
    expect(() => parseBaseline("{", "b.json")).toThrow(/^b\.json: not a Slipway baseline/);
    expect(parseBaseline('{"version": 1, "findings": []}', "b.json").findings).toEqual([]);
  });
});
