/**
 * The second pass over a cluster's HelmReleases, once a chart templates CRDs: a release rendered
 * again says each warning once.
 */
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { loadPlatform, type Platform } from "../../src/platform/index.js";
import { FIXTURE_FILES, writeFixture } from "./fixture.js";

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const chartRelease = (name: string, chart: string, values: string) => `---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: ./charts/${chart}
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
  values:
${values}`;

const FILES: Record<string, string> = {
  "apps/kustomization.yaml": `${FIXTURE_FILES["apps/kustomization.yaml"]}  - passes.yaml\n`,
  "apps/passes.yaml": [
    chartRelease("operator", "operator", "    x: 1\n"),
    chartRelease("asks-gadget", "watcher", '    ask: "example.com/v1/Gadget"\n'),
    chartRelease("asks-other", "watcher", '    ask: "other.io/v1"\n'),
    chartRelease("counts", "watcher", '    ask: "other.io/v1"\n    count: true\n'),
  ].join(""),
  "charts/operator/Chart.yaml": "apiVersion: v2\nname: operator\nversion: 1.0.0\n",
  "charts/operator/templates/crd.yaml": `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  names:
    kind: Gadget
    plural: gadgets
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
`,
  "charts/watcher/Chart.yaml": "apiVersion: v2\nname: watcher\nversion: 1.0.0\n",
  "charts/watcher/templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  has: {{ .Capabilities.APIVersions.Has .Values.ask | quote }}
{{- if .Values.count }}
  count: {{ len .Capabilities.APIVersions | quote }}
{{- end }}
`,
};

const release = (p: Platform, name: string) =>
  p.clusters.flatMap((c) => c.helmReleases).find((h) => h.name === name)!;

describe("second pass over HelmReleases once charts template CRDs", () => {
  it("keeps each warning once when a release renders twice", () => {
    const schema = {
      "charts/watcher/values.schema.json": '{"$ref": "https://example.com/remote.schema.json"}\n',
    };
    const r = writeFixture({ ...FILES, ...schema });
    temps.push(r);
    const twice = release(loadPlatform(r, { renderCache: false }), "counts");
    const unvalidated = (twice.warnings ?? []).filter((w) => w.includes("values not validated"));
    expect(unvalidated).toHaveLength(1);
  });
});
