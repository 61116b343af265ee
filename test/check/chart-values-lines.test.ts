import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { runCheck } from "../../src/check/engine.js";
import { allRules } from "../../src/check/rules/index.js";
import { valuesEntryFor } from "../../src/check/source-lines.js";
import type { KObject } from "../../src/kustomize/types.js";
import { loadPlatform } from "../../src/platform/index.js";
import { writeFixture } from "../helmrelease/fixture.js";
import { helmRelease } from "../support/flux.js";

/**
 * Findings on chart output point at the HelmRelease, at the `spec.values` line that decided the
 * field when a value shows up verbatim in the rendered object (issue 12: "findings pointing at
 * the HelmRelease file and, where a value decided it, the values line").
 */
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const HELMRELEASE = `${helmRelease(
  "web",
  "apps",
  "      chart: ./charts/web\n      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}\n",
)}  values:
    replicaCount: 1
    image:
      repository: nginx
      tag: latest
    resources:
      limits:
        memory: 64Mi
`;
const line = (text: string) => HELMRELEASE.split("\n").findIndex((l) => l.includes(text)) + 1;

const files = {
  "apps/kustomization.yaml": "resources:\n  - helmrelease.yaml\n  - namespace.yaml\n",
  "apps/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n",
  "apps/helmrelease.yaml": HELMRELEASE,
  "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
  "charts/web/values.yaml": "replicaCount: 2\nimage: {repository: busybox, tag: '1'}\nresources: {}\n",
  "charts/web/templates/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: {{ .Values.replicaCount }}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          resources: {{ toJson .Values.resources }}
`,
};

describe("findings on chart output", () => {
  it("point at the values line that set the field", () => {
    const root = writeFixture(files);
    roots.push(root);
    const p = loadPlatform(root);
    const result = runCheck(p, { rules: allRules });
    const about = (rule: string) =>
      result.findings.filter(
        (f) => f.rule === rule && JSON.stringify(f.resource ?? "").includes("Deployment"),
      );
    const image = about("image-tag-pinned");
    expect(image.length).toBeGreaterThan(0);
    expect(image[0]).toMatchObject({ file: "apps/helmrelease.yaml", line: line("tag: latest") });
    const resources = about("container-resources");
    expect(resources.length).toBeGreaterThan(0);
    for (const f of resources)
      expect(f).toMatchObject({ file: "apps/helmrelease.yaml", line: line("resources:") });
  });
});

describe("valuesEntryFor", () => {
  const deploy: KObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    spec: {
      replicas: 1,
      template: {
        spec: {
          containers: [{ name: "c", image: "ghcr.io/acme/app:v2", resources: { limits: { cpu: "1" } } }],
        },
      },
    },
  };
  const container = ["spec", "template", "spec", "containers", 0];
  it.each([
    [
      "a replica count under a key named like the field",
      { replicaCount: 1 },
      ["spec", "replicas"],
      ["replicaCount"],
    ],
    ["a number under an unrelated key is not the cause", { workers: 1 }, ["spec", "replicas"], undefined],
    [
      "the whole image string",
      { app: { image: "ghcr.io/acme/app:v2" } },
      [...container, "image"],
      ["app", "image"],
    ],
    [
      "an image tag wins over its repository",
      { image: { repository: "ghcr.io/acme/app", tag: "v2" } },
      [...container, "image"],
      ["image", "tag"],
    ],
    [
      "a resources block equal under the same key",
      { x: { resources: { limits: { cpu: "1" } } } },
      [...container, "resources"],
      ["x", "resources"],
    ],
    [
      "a missing field: its nearest rendered ancestor",
      { resources: { limits: { cpu: "1" } } },
      [...container, "resources", "requests"],
      ["resources"],
    ],
    ["nothing verbatim", { image: { tag: "v3" } }, [...container, "image"], undefined],
  ])("%s", (_, values, fieldPath, expected) => {
    expect(valuesEntryFor(values, deploy, fieldPath as Array<string | number>)).toEqual(expected);
  });
});
