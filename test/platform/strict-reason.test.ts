import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import { ks } from "../support/flux.js";
import { loadMemoryPlatform } from "../support/memory-platform.js";

/**
 * A strict-mode substitution failure says why Slipway was strict: which Flux it assumed and
 * where it read that (mirceanton/home-ops: `DS_PROMETHEUS` not set, with a FluxInstance `2.x`).
 */
const files = (extra: Record<string, string>) => ({
  "clusters/prod/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
  "clusters/prod/apps.yaml": ks("apps", "  path: ./apps\n  postBuild:\n    substitute: {APP: web}\n"),
  "apps/cm.yaml":
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: default}\ndata: {a: '${DS_PROMETHEUS}'}\n",
  ...extra,
});
const failure = (extra: Record<string, string>) =>
  loadMemoryPlatform(files(extra))
    .clusters[0]!.kustomizations.find((k) => k.id === "flux-system/apps")!
    .errors.map((e) => e.message);

describe("the strict-mode failure names the Flux version Slipway assumed and where it read it", () => {
  it("a FluxInstance's spec.distribution.version, with its file and line", () => {
    const instance = `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata: {name: flux, namespace: flux-system}
spec:
  distribution: {version: "2.x"}
`;
    expect(failure({ "clusters/prod/instance.yaml": instance })).toEqual([
      `post build failed for 'ConfigMap.v1.[noGrp]/web': envsubst error: variable substitution failed: variable not set (strict mode): "DS_PROMETHEUS" (strict: Slipway assumes Flux 2.9 from the FluxInstance's spec.distribution.version "2.x" (clusters/prod/instance.yaml:1), whose kustomize-controller substitutes strictly by default (set profile.flux in slipway.yaml if the cluster runs another))`,
    ]);
  });

  it("slipway.yaml's strict setting", () => {
    expect(failure({ "slipway.yaml": "strict: true\nprofile: {flux: '2.7'}\n" })[0]).toContain(
      '"DS_PROMETHEUS" (strict: slipway.yaml sets strict: true)',
    );
  });

  it("no failure where the assumed Flux is not strict", () => {
    expect(failure({ "slipway.yaml": "profile: {flux: '2.7'}\n" })).toEqual([]);
  });
});

describe("a strict-mode failure under the Flux version Slipway assumes is a warning (monosense: $instances in a dashboard)", () => {
  const findings = (extra: Record<string, string>, strict = false) =>
    runCheck(loadMemoryPlatform(files(extra)), {
      rules: [...allRules],
      renderCache: false,
      strict,
    }).findings.filter((f) => f.rule === "render-error");

  it("nothing says which Flux runs: a warning that says why", () => {
    const found = findings({});
    expect(found.map((f) => f.severity)).toEqual(["warning"]);
    expect(found[0]!.message).toContain("Slipway assumes Flux 2.9 by default");
    expect(found[0]!.message).toContain("the repository does not say which Flux it runs");
    expect(findings({}, true).map((f) => f.severity)).toEqual(["error"]);
  });

  it("objects failing the same way are one warning, counting the others", () => {
    const second =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: db, namespace: default}\ndata: {a: '${DS_PROMETHEUS}'}\n";
    const found = findings({ "apps/cm2.yaml": second });
    expect(found.map((f) => f.severity)).toEqual(["warning"]);
    expect(found[0]!.message).toContain("(and 1 more object of this Kustomization fail the same way)");
  });

  it("a FluxInstance names it: an error", () => {
    const instance =
      'apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata: {name: flux, namespace: flux-system}\nspec:\n  distribution: {version: "2.x"}\n';
    expect(findings({ "clusters/prod/instance.yaml": instance }).map((f) => f.severity)).toEqual(["error"]);
  });
});
