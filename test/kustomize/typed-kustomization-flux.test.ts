import { describe, expect, it } from "vitest";
import { slipway, tempTree } from "../support/cli.js";
import { fluxKs, SYNC } from "../support/flux.js";

// A kustomization file kubectl refuses to decode (go-yaml v2 reads `yes` as a boolean, and
// commonLabels holds strings) is a Kustomization Flux cannot build: render and check say so.
const repo = () =>
  tempTree({
    "clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "clusters/c/apps.yaml": fluxKs("apps", "./apps"),
    "apps/kustomization.yaml": "resources: [cm.yaml]\ncommonLabels:\n  enabled: yes\n",
    "apps/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n",
  });

// kustomize-controller decodes the file with sigs.k8s.io/yaml.Unmarshal before kustomize does.
const message =
  "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal bool into Go struct field Kustomization.commonLabels of type string";

describe("a Flux Kustomization whose kustomization file kubectl cannot decode", () => {
  it("is a render error in render", () => {
    const r = slipway(["render", repo()]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(message);
  });

  it("is a render-error finding in check", () => {
    const r = slipway(["check", repo(), "--format", "json"]);
    expect(r.code).not.toBe(0);
    const findings = (
      JSON.parse(r.stdout) as { findings: Array<{ rule: string; message: string; kustomization?: string }> }
    ).findings;
    const errors = findings.filter((f) => f.rule === "render-error");
    expect(errors.map((f) => f.kustomization)).toEqual(["flux-system/apps"]);
    expect(errors[0]?.message).toContain(message);
  });
});
