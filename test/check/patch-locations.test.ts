import { describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import { loadPlatform } from "../../src/platform/index.js";
import { slipway, tempTree } from "../support/cli.js";
import { BOOTSTRAP_SYNC } from "../support/flux.js";

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

  it("an inline JSON 6902 patch: the line of the operation inside the kustomization's patch text", () => {
    const f = findings.find((x) => x.rule === "container-probes" && x.message.includes('"sidecar"'));
    expect(f).toMatchObject({ file: "overlay/kustomization.yaml", line: 8 });
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

/** Each finding's location, keyed by a word of its message. */
function locations(tree: Record<string, string>, rule: string): Record<string, string> {
  const result = runCheck(loadPlatform(tempTree(tree)), { rules: allRules });
  const found = result.findings.filter((f) => f.rule === rule);
  return Object.fromEntries(found.map((f) => [f.message.split(" ")[1], `${f.file}:${f.line}`]));
}

const fluxKs = (name: string, p: string, extra: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 1m
  path: ${p}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
${extra}`;

const cm = (name: string, extra = "") =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}data:\n  a: b\n`;

describe("check: findings point at the kustomization or Flux field that set the value", () => {
  it("a namespace set by a kustomization's `namespace:` or a Flux targetNamespace: that line", () => {
    const found = locations(
      {
        "clusters/c/flux-system/gotk-sync.yaml": BOOTSTRAP_SYNC,
        "clusters/c/apps.yaml": [
          fluxKs("base", "./base", ""),
          fluxKs("overlay", "./overlay", ""),
          fluxKs("target", "./target", "  targetNamespace: ghost-c\n"),
          fluxKs("written", "./written", ""),
        ].join("---\n"),
        "base/kustomization.yaml": "resources:\n  - cm.yaml\nnamespace: ghost-a\n",
        "base/cm.yaml": cm("in-base"),
        "inner/kustomization.yaml": "namespace: inner\nresources:\n  - cm.yaml\n",
        "inner/cm.yaml": cm("in-overlay"),
        "overlay/kustomization.yaml":
          "# the outer namespace wins\nnamespace: ghost-b\nresources:\n  - ../inner\n",
        "target/kustomization.yaml": "namespace: replaced\nresources:\n  - cm.yaml\n",
        "target/cm.yaml": cm("in-target"),
        "written/cm.yaml": cm("in-file", "  namespace: ghost-d\n"),
      },
      "namespace-exists",
    );
    expect(found).toEqual({
      "ghost-a/in-base:": "base/kustomization.yaml:3",
      "ghost-b/in-overlay:": "overlay/kustomization.yaml:2",
      "ghost-c/in-target:": "clusters/c/apps.yaml:39",
      "ghost-d/in-file:": "written/cm.yaml:5",
    });
  });

  it("Flux spec.patches and inline kustomization patches: the line inside the patch text", () => {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
  namespace: default
spec:
  selector: {matchLabels: {app: NAME}}
  template:
    metadata: {labels: {app: NAME}}
    spec:
      containers:
        - name: app
          image: nginx:1.27
`;
    const found = locations(
      {
        "clusters/c/flux-system/gotk-sync.yaml": BOOTSTRAP_SYNC,
        "clusters/c/apps.yaml": fluxKs(
          "apps",
          "./apps",
          `  patches:
    - target:
        kind: Deployment
        name: flux-smp
      patch: |
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: flux-smp
        spec:
          replicas: "one"
    - target:
        kind: Deployment
        name: flux-json
      patch: |-
        - op: replace
          path: /metadata/labels
          value: {a: b}
        - op: add
          path: /spec/replicas
          value: "two"
`,
        ),
        "apps/kustomization.yaml": `resources: [flux-smp.yaml, flux-json.yaml, k-smp.yaml, k-legacy.yaml]
patches:
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: k-smp
      spec:
        replicas: "three"
patchesStrategicMerge:
  - |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: k-legacy
    spec:
      replicas: "four"
`,
        "apps/flux-smp.yaml": deployment.replaceAll("NAME", "flux-smp"),
        "apps/flux-json.yaml": deployment.replaceAll("NAME", "flux-json"),
        "apps/k-smp.yaml": deployment.replaceAll("NAME", "k-smp"),
        "apps/k-legacy.yaml": deployment.replaceAll("NAME", "k-legacy"),
      },
      "schema-invalid",
    );
    expect(found).toEqual({
      "default/flux-smp:": "clusters/c/apps.yaml:23",
      "default/flux-json:": "clusters/c/apps.yaml:31",
      "default/k-smp:": "apps/kustomization.yaml:9",
      "default/k-legacy:": "apps/kustomization.yaml:17",
    });
  });
});
