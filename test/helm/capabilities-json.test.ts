/**
 * encoding/json's view of `.Capabilities` (toJson, toYaml and friends): the struct's exported
 * fields in declaration order, BuildInfo under its JSON tags, KubeVersion without its unexported
 * normalizedVersion. Expected texts printed by Helm 4.1.4 (`helm template r chart -a 'a<b&c/v1'`).
 */
import { describe, expect, it } from "vitest";
import { loadChartFiles } from "../../src/helm/loader.js";
import { renderChart } from "../../src/helm/render.js";

/** client-go v0.35's API versions as Helm 4.1.4 printed them, in its order. */
const HELM_API_VERSIONS = [
  "v1",
  "admissionregistration.k8s.io/v1",
  "admissionregistration.k8s.io/v1alpha1",
  "admissionregistration.k8s.io/v1beta1",
  "internal.apiserver.k8s.io/v1alpha1",
  "apps/v1",
  "apps/v1beta1",
  "apps/v1beta2",
  "authentication.k8s.io/v1",
  "authentication.k8s.io/v1alpha1",
  "authentication.k8s.io/v1beta1",
  "authorization.k8s.io/v1",
  "authorization.k8s.io/v1beta1",
  "autoscaling/v1",
  "autoscaling/v2",
  "autoscaling/v2beta1",
  "autoscaling/v2beta2",
  "batch/v1",
  "batch/v1beta1",
  "certificates.k8s.io/v1",
  "certificates.k8s.io/v1beta1",
  "certificates.k8s.io/v1alpha1",
  "coordination.k8s.io/v1alpha2",
  "coordination.k8s.io/v1beta1",
  "coordination.k8s.io/v1",
  "discovery.k8s.io/v1",
  "discovery.k8s.io/v1beta1",
  "events.k8s.io/v1",
  "events.k8s.io/v1beta1",
  "extensions/v1beta1",
  "flowcontrol.apiserver.k8s.io/v1",
  "flowcontrol.apiserver.k8s.io/v1beta1",
  "flowcontrol.apiserver.k8s.io/v1beta2",
  "flowcontrol.apiserver.k8s.io/v1beta3",
  "networking.k8s.io/v1",
  "networking.k8s.io/v1beta1",
  "node.k8s.io/v1",
  "node.k8s.io/v1alpha1",
  "node.k8s.io/v1beta1",
  "policy/v1",
  "policy/v1beta1",
  "rbac.authorization.k8s.io/v1",
  "rbac.authorization.k8s.io/v1beta1",
  "rbac.authorization.k8s.io/v1alpha1",
  "resource.k8s.io/v1",
  "resource.k8s.io/v1beta2",
  "resource.k8s.io/v1beta1",
  "resource.k8s.io/v1alpha3",
  "scheduling.k8s.io/v1alpha1",
  "scheduling.k8s.io/v1beta1",
  "scheduling.k8s.io/v1",
  "storage.k8s.io/v1beta1",
  "storage.k8s.io/v1",
  "storage.k8s.io/v1alpha1",
  "storagemigration.k8s.io/v1beta1",
  "apiextensions.k8s.io/v1beta1",
  "apiextensions.k8s.io/v1",
];
const apis = [...HELM_API_VERSIONS, "a<b&c/v1"];

const enc = new TextEncoder();
function render(expr: string): string {
  const chart = loadChartFiles([
    { name: "Chart.yaml", data: enc.encode("apiVersion: v2\nname: caps\nversion: 1.0.0\n") },
    { name: "templates/x.txt", data: enc.encode(`{{ ${expr} }}`) },
  ]);
  const out = renderChart(chart, {
    releaseName: "r",
    namespace: "ns",
    apiVersions: ["a<b&c/v1"],
    seed: "s",
    now: 0,
  });
  return out.files.get("caps/templates/x.txt") as string;
}

const kubeJson = '{"Version":"v1.35.0","Major":"1","Minor":"35"}';
const helmJson =
  '{"version":"v4.1.4","git_commit":"05fa37973dc9e42b76e1d2883494c87174b6074f","git_tree_state":"clean","go_version":"go1.25.9","kube_client_version":"v1.35"}';
const helmYaml =
  "git_commit: 05fa37973dc9e42b76e1d2883494c87174b6074f\ngit_tree_state: clean\ngo_version: go1.25.9\nkube_client_version: v1.35\nversion: v4.1.4\n";

describe(".Capabilities through encoding/json", () => {
  it.each([
    ["toJson .Capabilities.KubeVersion", kubeJson],
    ["toJson .Capabilities.HelmVersion", helmJson],
    ["toYaml .Capabilities.KubeVersion", 'Major: "1"\nMinor: "35"\nVersion: v1.35.0'],
    ["toYaml .Capabilities.HelmVersion", helmYaml.replace(/\n$/, "")],
    [
      "toPrettyJson .Capabilities.KubeVersion",
      '{\n  "Version": "v1.35.0",\n  "Major": "1",\n  "Minor": "35"\n}',
    ],
    [
      "toJson .Capabilities",
      `{"KubeVersion":${kubeJson},"APIVersions":[${apis
        .map((a) => JSON.stringify(a).replace("<", "\\u003c").replace("&", "\\u0026"))
        .join(",")}],"HelmVersion":${helmJson}}`,
    ],
    [
      "toRawJson .Capabilities",
      `{"KubeVersion":${kubeJson},"APIVersions":${JSON.stringify(apis)},"HelmVersion":${helmJson}}`,
    ],
    [
      "toYaml .Capabilities",
      `APIVersions:\n${apis.map((a) => `- ${a}\n`).join("")}HelmVersion:\n${helmYaml.replace(/^/gm, "  ").replace(/ +$/, "")}KubeVersion:\n  Major: "1"\n  Minor: "35"\n  Version: v1.35.0`,
    ],
  ])("%s", (expr, expected) => {
    expect(render(expr)).toBe(expected);
  });
});

// go-yaml v3 (toYamlPretty) prints a struct's fields lowercased in declaration order, while maps
// around and inside it stay sorted. Expected texts printed by Helm 4.1.4.
const kubePretty = 'version: v1.35.0\nmajor: "1"\nminor: "35"\n';
const helmPretty =
  "version: v4.1.4\ngitcommit: 05fa37973dc9e42b76e1d2883494c87174b6074f\ngittreestate: clean\ngoversion: go1.25.9\nkubeclientversion: v1.35\n";
const indent = (text: string, by: string) => text.replace(/^(?=.)/gm, by);

describe(".Capabilities through go-yaml v3 (toYamlPretty)", () => {
  it.each([
    ["toYamlPretty .Capabilities.KubeVersion", kubePretty],
    ["toYamlPretty .Capabilities.HelmVersion", helmPretty],
    [
      "toYamlPretty .Capabilities",
      `kubeversion:\n${indent(kubePretty, "  ")}apiversions:\n${apis.map((a) => `  - ${a}\n`).join("")}helmversion:\n${indent(helmPretty, "  ")}`,
    ],
    [
      'toYamlPretty (dict "z" .Capabilities.HelmVersion "a" (list .Capabilities.KubeVersion))',
      `a:\n  - ${indent(kubePretty, "    ").slice(4)}z:\n${indent(helmPretty, "  ")}`,
    ],
  ])("%s", (expr, expected) => {
    expect(render(expr)).toBe(expected.replace(/\n$/, ""));
  });
});
