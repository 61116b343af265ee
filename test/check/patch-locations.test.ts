import { describe, expect, it } from "vitest";
import { slipway, tempTree } from "../support/cli.js";

/** Findings about a field a patch set point at the patch (file and line), not at the base document. */
const files = {
  "slipway.yaml": "clusters:\n  - name: prod\n    path: overlay\n    flux: false\n",
  "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
  "base/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          resources:
            requests: {cpu: 10m, memory: 10Mi}
            limits: {cpu: 100m, memory: 100Mi}
          livenessProbe: {httpGet: {path: /, port: 80}}
          readinessProbe: {httpGet: {path: /, port: 80}}
`,
  "overlay/kustomization.yaml": `resources:
  - ../base
patches:
  - path: image.yaml
  - target:
      kind: Deployment
    patch: |-
      - op: add
        path: /spec/template/spec/containers/-
        value: {name: sidecar, image: "busybox:1.36"}
`,
  "overlay/image.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:latest
`,
};

interface Finding {
  rule: string;
  message: string;
  file?: string;
  line?: number;
}

describe("check: findings point at the patch that set the field", () => {
  const dir = tempTree(files);
  const r = slipway(["check", dir, "--format", "json"]);
  const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;

  it("a strategic-merge patch file: the line of the field in the patch", () => {
    const f = findings.find((x) => x.rule === "image-tag-pinned" && x.message.includes('"web"'));
    expect(f).toMatchObject({ file: "overlay/image.yaml", line: 10 });
  });

  it("an inline JSON 6902 patch: the kustomization's patches line", () => {
    const f = findings.find((x) => x.rule === "container-probes" && x.message.includes('"sidecar"'));
    expect(f).toMatchObject({ file: "overlay/kustomization.yaml", line: 3 });
  });

  it("findings about what a patch did not write stay on the base document", () => {
    const noReadiness = files["base/deployment.yaml"].replace(
      "          readinessProbe: {httpGet: {path: /, port: 80}}\n",
      "",
    );
    const out = slipway([
      "check",
      tempTree({ ...files, "base/deployment.yaml": noReadiness }),
      "--format",
      "json",
    ]);
    const all = (JSON.parse(out.stdout) as { findings: Finding[] }).findings;
    const f = all.find((x) => x.rule === "container-probes" && x.message.includes('"web"'));
    expect(f?.file).toBe("base/deployment.yaml");
  });
});
