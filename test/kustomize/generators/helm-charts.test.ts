import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { errorMessage } from "../../../src/errors.js";
import { buildYaml } from "../../../src/kustomize/build.js";
import type { HelmOptions } from "../../../src/kustomize/generators/helm-chart.js";
import { renderChartDir } from "../../../src/kustomize/generators/helm-render.js";
import { helmOraclePath, repoRoot, requires, sharedDir } from "../../support/env.js";
import { kubectlKustomize, mapLimit } from "../../support/kubectl.js";

/**
 * kustomize `helmCharts` with local charts, rendered by Slipway's Helm engine, against
 * `kubectl kustomize --enable-helm` (kustomize v5.5.0) running the Helm 4.1.4 oracle. kustomize
 * insists on Helm 3 (`helm version -c --short` must say v3), so the oracle runs behind a shim
 * that answers that one question and passes everything else to Helm 4. Charts are in chartHome
 * already, so neither side touches the network.
 */

type Tree = Record<string, string>;
const roots: string[] = [];

function writeTree(files: Tree): string {
  const root = mkdtempSync(path.join(tmpdir(), "slipway-helmcharts-"));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return root;
}

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A chart that shows what it was given: values (as JSON), release, capabilities, hooks, tests, CRDs. */
function demoChart(prefix: string, name = "demo"): Tree {
  return {
    [`${prefix}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 1.2.3\nappVersion: "9.9"\n`,
    [`${prefix}/values.yaml`]: [
      "replicas: 1",
      "image:",
      "  repository: nginx",
      '  tag: "1.25"',
      "list: [a, b]",
      "nested:",
      "  keep: 1",
      "  drop: 2",
      "  deeper: {x: 1, y: 2}",
      "ports:",
      "  - name: http",
      "    port: 80",
      "  - name: grpc",
      "    port: 90",
      "flag: yes",
      "",
    ].join("\n"),
    [`${prefix}/templates/deploy.yaml`]: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-{{ .Chart.Name }}
  namespace: {{ .Release.Namespace }}
  labels:
    app: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: main
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          ports:
            {{- range .Values.ports }}
            - name: {{ .name }}
              containerPort: {{ .port }}
            {{- end }}
`,
    [`${prefix}/templates/values.yaml`]: `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-values
data:
  values: {{ toJson .Values | quote }}
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
  monitoring: {{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" | quote }}
  isInstall: {{ .Release.IsInstall | quote }}
`,
    [`${prefix}/templates/hook.yaml`]: `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    helm.sh/hook: pre-install
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: m
          image: busybox
`,
    [`${prefix}/templates/tests/test.yaml`]: `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test
  annotations:
    helm.sh/hook: test
spec:
  containers:
    - name: t
      image: busybox
`,
    [`${prefix}/templates/NOTES.txt`]: "Thanks for installing {{ .Release.Name }}\n",
    [`${prefix}/crds/widget.yaml`]: `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object}}
`,
  };
}

interface Case {
  name: string;
  files: Tree;
  /** the directory to build, relative to the tree */
  dir?: string;
  /** extra kubectl kustomize flags (also given to Slipway) */
  kubeVersion?: string;
  apiVersions?: string[];
  /** copy these conformance charts into the tree: [chart dir name, destination] */
  sharedCharts?: Array<[string, string]>;
  /** build without --enable-helm */
  disabled?: boolean;
  /** build this repository directory instead of `files` */
  fixture?: string;
}

const k = (body: string) => ({ "kustomization.yaml": body });
/** The demo chart at charts/demo, `extra` files, and a kustomization.yaml. */
const onDemo = (kustomization: string, extra: Tree = {}): Tree => ({
  ...demoChart("charts/demo"),
  ...extra,
  ...k(kustomization),
});

const cases: Case[] = [
  {
    name: "release name and namespace; hooks and tests printed, CRDs not",
    files: onDemo("helmCharts:\n- name: demo\n  releaseName: web\n  namespace: apps\n"),
  },
  {
    name: "namespace defaults to default",
    files: onDemo("helmCharts:\n- name: demo\n  releaseName: web\n"),
  },
  {
    name: "valuesInline overrides the chart's values.yaml (maps merged, lists replaced, null deletes)",
    files: onDemo(`helmCharts:
- name: demo
  releaseName: web
  valuesInline:
    replicas: 3
    image: {tag: "1.27"}
    list: [c]
    nested: {drop: null, deeper: {y: 5, z: 6}}
    ports:
      - name: http
        port: 8080
    extra: true
`),
  },
  {
    name: "valuesMerge: merge lets the values file win",
    files: onDemo(`helmCharts:
- name: demo
  releaseName: web
  valuesMerge: merge
  valuesInline:
    replicas: 3
    image: {tag: "1.27", pullPolicy: Always}
    newKey: {a: 1}
`),
  },
  {
    name: "valuesMerge: replace uses only the inline values (chart defaults stay underneath)",
    files: onDemo(`helmCharts:
- name: demo
  releaseName: web
  valuesMerge: replace
  valuesInline:
    replicas: 4
    nested: null
`),
  },
  {
    name: "valuesFile and additionalValuesFiles",
    files: {
      ...demoChart("charts/demo"),
      "values/base.yaml": "replicas: 2\nimage: {tag: base}\n",
      "values/prod.yaml": "image: {tag: prod}\nlist: null\n",
      ...k(`helmCharts:
- name: demo
  releaseName: web
  valuesFile: values/base.yaml
  additionalValuesFiles: [values/prod.yaml]
  valuesInline:
    replicas: 7
`),
    },
  },
  {
    name: "includeCRDs, skipTests and skipHooks",
    files: onDemo(`helmCharts:
- name: demo
  releaseName: a
  includeCRDs: true
  skipTests: true
- name: demo
  releaseName: b
  skipHooks: true
`),
  },
  {
    name: "kubeVersion and apiVersions of the entry",
    files: onDemo(`helmCharts:
- name: demo
  releaseName: web
  kubeVersion: "1.29.3"
  apiVersions: [monitoring.coreos.com/v1]
`),
  },
  {
    name: "--helm-kube-version and --helm-api-versions: an entry's own kubeVersion still wins",
    files: onDemo(`helmCharts:
- name: demo
  releaseName: web
  kubeVersion: "1.29.3"
`),
    kubeVersion: "1.31.2",
    apiVersions: ["monitoring.coreos.com/v1", "example.com/v1"],
  },
  {
    name: "helmGlobals.chartHome, and {name}-{version} below it when repo and version are set",
    files: {
      ...demoChart("vendor/demo-1.2.3/demo"),
      ...demoChart("vendor/other", "other"),
      ...k(`helmGlobals:
  chartHome: vendor
helmCharts:
- name: demo
  repo: https://charts.example.com
  version: 1.2.3
  releaseName: pinned
- name: other
  releaseName: plain
`),
    },
  },
  {
    name: "legacy helmChartInflationGenerator entries",
    files: {
      ...demoChart("mycharts/demo"),
      ...k(`helmChartInflationGenerator:
- chartName: demo
  chartHome: mycharts
  releaseName: legacy
  valuesLocal:
    replicas: 5
`),
    },
  },
  {
    name: "a HelmChartInflationGenerator under generators:",
    files: {
      ...demoChart("charts/demo"),
      "helm.yaml": `apiVersion: builtin
kind: HelmChartInflationGenerator
metadata:
  name: ignored
name: demo
releaseName: plugin
namespace: tools
valuesInline:
  replicas: 2
`,
      ...k("generators:\n- helm.yaml\n"),
    },
  },
  {
    name: "kustomize transformers apply to chart output",
    files: onDemo(`namePrefix: p-
namespace: team
commonLabels:
  team: a
images:
- name: nginx
  newTag: "1.29"
helmCharts:
- name: demo
  releaseName: web
  skipTests: true
`),
  },
  {
    name: "the seeds' layers/overlays/stacks layout: a chart in a base layer, patched by an overlay",
    dir: "k8s/stacks/dev",
    files: {
      ...demoChart("k8s/layers/platform-infra/base/nats/charts/demo"),
      "k8s/layers/platform-infra/base/nats/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
helmCharts:
- name: demo
  releaseName: nats
  namespace: platform
  valuesInline:
    replicas: 1
`,
      "k8s/layers/platform-infra/overlays/dev/kustomization.yaml": `resources:
- ../../base/nats
patches:
- target: {kind: Deployment, name: nats-demo}
  patch: |
    - op: replace
      path: /spec/replicas
      value: 2
`,
      "k8s/stacks/dev/kustomization.yaml": `resources:
- ../../layers/platform-infra/overlays/dev
commonAnnotations:
  stack: dev
`,
    },
  },
  {
    name: "the seed-000 fixture's dev stack (vendored restate-operator chart in platform-infra)",
    files: {},
    fixture: "test/fixtures/flux/seed-000-stacks/k8s/stacks/dev",
  },
  {
    name: "a real chart (podinfo) with values from the chart directory",
    sharedCharts: [["podinfo-6.14.1", "charts/podinfo"]],
    files: k(`helmCharts:
- name: podinfo
  releaseName: web
  namespace: apps
  skipTests: true
  valuesFile: charts/podinfo/values-prod.yaml
  valuesInline:
    replicaCount: 3
    ingress: {enabled: true}
`),
  },
  {
    name: "a real chart with subcharts (kube-prometheus-stack)",
    sharedCharts: [["kube-prometheus-stack-88.3.0", "charts/kube-prometheus-stack"]],
    files: k(`helmCharts:
- name: kube-prometheus-stack
  releaseName: kps
  namespace: monitoring
  skipTests: true
  includeCRDs: false
  valuesInline:
    grafana: {enabled: false}
`),
  },
  // failures: both must fail
  {
    name: "without --enable-helm",
    disabled: true,
    files: onDemo("helmCharts:\n- name: demo\n"),
  },
  { name: "no chart and no repo", files: k("helmCharts:\n- name: nothere\n  releaseName: x\n") },
  {
    name: "an empty chart name",
    files: onDemo("helmCharts:\n- releaseName: x\n"),
  },
  {
    name: "an unknown valuesMerge",
    files: onDemo("helmCharts:\n- name: demo\n  releaseName: x\n  valuesMerge: deep\n"),
  },
  {
    name: "a missing valuesFile",
    files: onDemo("helmCharts:\n- name: demo\n  releaseName: x\n  valuesFile: nope.yaml\n"),
  },
  {
    name: "an additionalValuesFile outside the root",
    dir: "app",
    files: {
      "outside.yaml": "replicas: 9\n",
      ...demoChart("app/charts/demo"),
      "app/kustomization.yaml":
        "helmCharts:\n- name: demo\n  releaseName: x\n  additionalValuesFiles: [../outside.yaml]\n",
    },
  },
  {
    name: "a chart whose template fails",
    files: {
      "charts/bad/Chart.yaml": "apiVersion: v2\nname: bad\nversion: 0.1.0\n",
      "charts/bad/values.yaml": "{}\n",
      "charts/bad/templates/t.yaml": '{{ fail "no way" }}\n',
      ...k("helmCharts:\n- name: bad\n  releaseName: x\n"),
    },
  },
  {
    name: "a chart without values.yaml and no valuesFile (kustomize reads the default path)",
    files: {
      "charts/novals/Chart.yaml": "apiVersion: v2\nname: novals\nversion: 0.1.0\n",
      "charts/novals/templates/t.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\n",
      ...k("helmCharts:\n- name: novals\n  releaseName: x\n"),
    },
  },
  {
    name: "two releases that render the same object id",
    files: onDemo("helmCharts:\n- name: demo\n  releaseName: x\n- name: demo\n  releaseName: x\n"),
  },
];

function materialize(c: Case): string {
  if (c.fixture) return path.join(repoRoot, c.fixture);
  const root = writeTree(c.files);
  for (const [from, to] of c.sharedCharts ?? []) {
    cpSync(path.join(sharedDir, "conformance/helm/charts", from), path.join(root, to), { recursive: true });
  }
  return path.join(root, c.dir ?? ".");
}

function slipwayBuild(dir: string, c: Case): { ok: boolean; out: string } {
  const helm: HelmOptions = {
    enabled: !c.disabled,
    render: renderChartDir,
    ...(c.kubeVersion ? { kubeVersion: c.kubeVersion } : {}),
    ...(c.apiVersions ? { apiVersions: c.apiVersions } : {}),
  };
  try {
    return { ok: true, out: buildYaml(dir, { helm }) };
  } catch (e) {
    return { ok: false, out: errorMessage(e) };
  }
}

/** A `helm` for kustomize: says v3 when asked for its version, else runs the Helm 4 oracle. */
function helmShim(oracle: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-helm-shim-"));
  roots.push(dir);
  const shim = path.join(dir, "helm");
  writeFileSync(
    shim,
    `#!/bin/sh\nif [ "$1" = version ]; then echo v3.99.0; exit 0; fi\nexec '${oracle}' "$@"\n`,
  );
  chmodSync(shim, 0o755);
  return shim;
}

describe.runIf(requires("kubectl", "helm", "shared"))(
  "helmCharts: slipway build --enable-helm = kubectl kustomize --enable-helm",
  () => {
    it(`${cases.length} cases render identically, or fail on both sides`, async () => {
      const shim = helmShim(helmOraclePath()!);
      const results = await mapLimit(cases, 2, async (c) => {
        const dir = materialize(c);
        const flags = c.disabled ? [] : ["--enable-helm", "--helm-command", shim];
        if (c.kubeVersion) flags.push("--helm-kube-version", c.kubeVersion);
        for (const a of c.apiVersions ?? []) flags.push("--helm-api-versions", a);
        const oracle = await kubectlKustomize(dir, flags);
        const ours = slipwayBuild(dir, c);
        return { c, oracle, ours };
      });
      const mismatches: string[] = [];
      for (const { c, oracle, ours } of results) {
        if (oracle.ok !== ours.ok) {
          mismatches.push(
            `${c.name}: kubectl ${oracle.ok ? "succeeded" : `failed (${oracle.stderr.trim()})`}, Slipway ${ours.ok ? "succeeded" : `failed (${ours.out})`}`,
          );
        } else if (oracle.ok && oracle.stdout !== ours.out) {
          mismatches.push(
            `${c.name}: output differs\n--- kubectl\n${oracle.stdout}\n--- slipway\n${ours.out}`,
          );
          if (process.env.DEBUG_HELMCHARTS) {
            const base = path.join(process.env.DEBUG_HELMCHARTS, c.name.replace(/[^a-z0-9]+/gi, "_"));
            writeFileSync(`${base}.kubectl.yaml`, oracle.stdout);
            writeFileSync(`${base}.slipway.yaml`, ours.out);
          }
        }
      }
      const identical = results.filter(
        (r) => r.oracle.ok && r.ours.ok && r.oracle.stdout === r.ours.out,
      ).length;
      const failedBoth = results.filter((r) => !r.oracle.ok && !r.ours.ok).length;
      process.stderr.write(
        `helmCharts differential: ${identical} identical, ${failedBoth} fail on both sides, ${mismatches.length} mismatches of ${cases.length}\n`,
      );
      expect(mismatches).toEqual([]);
      // the table must exercise both outcomes
      expect(identical).toBeGreaterThan(10);
      expect(failedBoth).toBeGreaterThan(5);
    }, 240_000);
  },
);

describe("helmCharts: behaviour without the oracle", () => {
  const build = (files: Tree, helm: HelmOptions = { enabled: true, render: renderChartDir }) => {
    const dir = writeTree(files);
    try {
      return { ok: true, out: buildYaml(dir, { helm }) };
    } catch (e) {
      return { ok: false, out: errorMessage(e) };
    }
  };

  it("fails without --enable-helm, naming the flag", () => {
    const r = build(onDemo("helmCharts:\n- name: demo\n"), { enabled: false });
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(
      /kustomization\.yaml: trouble configuring builtin HelmChartInflationGenerator[\s\S]*must specify --enable-helm/,
    );
  });

  it("never downloads: a chart with a repo that is not in chartHome says how to vendor it", () => {
    const r = build(k("helmCharts:\n- name: nginx\n  repo: https://charts.example.com\n  version: 1.0.0\n"));
    expect(r.ok).toBe(false);
    expect(r.out).toContain("Slipway does not download charts during a build");
    expect(r.out).toContain(
      "helm pull --untar --untardir charts/nginx-1.0.0 --repo https://charts.example.com nginx --version 1.0.0",
    );
    const oci = build(k("helmCharts:\n- name: app\n  repo: oci://ghcr.io/acme/charts/\n"));
    expect(oci.out).toContain("helm pull --untar --untardir charts oci://ghcr.io/acme/charts/app");
  });

  it("without releaseName, the name is helm's --generate-name form from a fixed clock", () => {
    const r = build(onDemo("helmCharts:\n- name: demo\n  skipTests: true\n"));
    expect(r.ok).toBe(true);
    expect(r.out).toContain("name: demo-1735689600-demo");
    expect(build(onDemo("helmCharts:\n- name: demo\n  skipTests: true\n")).out).toBe(r.out);
  });

  it("random template functions are seeded from the release: repeated builds are identical", () => {
    const files = {
      "charts/r/Chart.yaml": "apiVersion: v2\nname: r\nversion: 0.1.0\n",
      "charts/r/values.yaml": "{}\n",
      "charts/r/templates/t.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {p: {{ randAlphaNum 12 | quote }}}\n",
      ...k("helmCharts:\n- name: r\n  releaseName: x\n"),
    };
    const a = build(files);
    expect(a.ok).toBe(true);
    expect(build(files).out).toBe(a.out);
    expect(a.out).toMatch(/p: [A-Za-z0-9]{12}\n/);
  });

  it("valuesInline is merged with kyaml's merge2 (null deletes, lists replace)", () => {
    const r = build({
      ...demoChart("charts/demo"),
      ...k(
        "helmCharts:\n- name: demo\n  releaseName: w\n  skipTests: true\n  valuesInline:\n    nested: {drop: null}\n    list: [z]\n",
      ),
    });
    expect(r.ok).toBe(true);
    const values = /values: '(.*)'\n/.exec(r.out)?.[1] ?? "";
    expect(values).toContain('"list":["z"]');
    // kustomize deletes `drop` from the -f file, but helm puts the chart's default back underneath
    expect(values).toContain('"nested":{"deeper":{"true":2,"x":1,"y":2},"drop":2,"keep":1}');
  });
});
