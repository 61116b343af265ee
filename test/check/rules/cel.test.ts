import { describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/engine.js";
import { rules as celRules } from "../../../src/check/rules/cel.js";
import { MemoryFileSystem } from "../../../src/fs/filesystem.js";
import { loadPlatform } from "../../../src/platform/index.js";
import { ks, SYNC } from "../../support/flux.js";

function findings(apps: string) {
  const fs = new MemoryFileSystem({
    "/repo/clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "/repo/clusters/c/apps.yaml": apps,
    "/repo/apps/kustomization.yaml": "resources: []\n",
  });
  const p = loadPlatform("/repo", { fs });
  const readSource = (file: string) => fs.readFile(file).toString("utf8");
  return runCheck(p, { rules: celRules, readSource }).findings.map((f) => ({
    severity: f.severity,
    line: f.line,
    message: f.message,
  }));
}

const spec = (extra: string) => `  interval: 10m\n  path: ./apps\n  prune: true\n${extra}`;

describe("flux-cel", () => {
  it("a readyExpr Flux rejects is an error at its line; valid ones are silent", () => {
    const found = findings(
      `${ks("base", spec(""))}---\n${ks(
        "apps",
        spec(
          "  dependsOn:\n    - name: base\n      readyExpr: dep.status.ready\n    - name: base\n      readyExpr: dep.metadata.name == 'base'\n",
        ),
      )}`,
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: "error", line: 28 });
    expect(found[0]!.message).toContain("expected bool");
  });

  it("a readyExpr false on the objects the repository renders is a warning; one reading status is not judged", () => {
    const found = findings(
      `${ks("base", spec(""))}---\n${ks(
        "apps",
        spec(
          "  dependsOn:\n    - name: base\n      readyExpr: dep.metadata.name == 'other'\n    - name: base\n      readyExpr: dep.status.observedGeneration == dep.metadata.generation\n",
        ),
      )}`,
    );
    expect(found.map((f) => f.severity)).toEqual(["warning"]);
    expect(found[0]!.message).toContain("Flux waits until it holds in the cluster");
  });

  it("a ResourceSet readyExpr counts only with ready: true, as the operator evaluates it only then", () => {
    const rset = (ready: string) => `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: rs
  namespace: apps
spec:
  dependsOn:
    - apiVersion: v1
      kind: ConfigMap
      name: gate
      namespace: apps
${ready}      readyExpr: "data.x == 'y'("
  resources:
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: out
        namespace: apps
`;
    const run = (ready: string) => {
      const fs = new MemoryFileSystem({
        "/repo/clusters/c/flux-system/gotk-sync.yaml": SYNC,
        "/repo/clusters/c/apps.yaml": ks("apps", spec("")),
        "/repo/apps/rs.yaml": rset(ready),
      });
      const p = loadPlatform("/repo", { fs });
      const readSource = (file: string) => fs.readFile(file).toString("utf8");
      return runCheck(p, { rules: celRules, readSource }).findings.map((f) => `${f.severity} ${f.message}`);
    };
    const ignored = run("");
    expect(ignored).toHaveLength(1);
    expect(ignored[0]).toMatch(/^warning .*readyExpr is ignored without ready: true/);
    expect(run("      ready: false\n")).toEqual(ignored);
    const evaluated = run("      ready: true\n");
    expect(evaluated).toHaveLength(1);
    expect(evaluated[0]).toMatch(/^error .*invalid CEL expression/);
  });

  it("healthCheckExprs: Current is required, syntax errors are errors", () => {
    const found = findings(
      ks(
        "apps",
        spec(
          "  healthCheckExprs:\n    - apiVersion: example.com/v1\n      kind: Thing\n      failed: status.phase == 'Failed'\n    - apiVersion: example.com/v1\n      kind: Other\n      current: status.phase ==\n",
        ),
      ),
    );
    expect(found.map((f) => f.severity)).toEqual(["error", "error"]);
    expect(found[0]!.message).toContain("expression Current not specified");
    expect(found[1]!.message).toContain("invalid CEL expression");
  });
});
