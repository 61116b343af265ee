import { describe, expect, it } from "vitest";
import type { Platform } from "../../src/platform/index.js";
import { patternListMatch } from "../../src/platform/reflector.js";
import { ks as fluxKs, gitKs } from "../support/flux.js";
import { loadMemoryPlatform } from "../support/memory-platform.js";

/**
 * david-driscoll/equestria-cluster: `cluster-meta` applies the Secret `cluster-secrets` to
 * flux-system with reflector's auto-mirror annotations; `cluster-apps` patches every child
 * Kustomization, each in its app's namespace, to substitute from `cluster-secrets`, which Flux
 * reads from the child's own namespace: reflector's copy. Without the model, 21 of 27
 * Kustomizations were "not rendered".
 */
const ks = (name: string, spec: string) => fluxKs(name, `  interval: 1h\n  prune: true\n${spec}`);
const kustomization = (p: Platform, id: string) => p.clusters[0]!.kustomizations.find((k) => k.id === id)!;

const REFLECTOR_RELEASE = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: reflector, namespace: kube-system}
spec:
  interval: 1h
  chart:
    spec:
      chart: reflector
      sourceRef: {kind: HelmRepository, name: emberstack, namespace: flux-system}
`;

/** The cluster's apps; `installed`: the files of one more app, reflector's (none: not installed). */
function layout(
  annotations: string,
  kind = "Secret",
  installed: Record<string, string> = { "kubernetes/reflector/helmrelease.yaml": REFLECTOR_RELEASE },
): Record<string, string> {
  const data = kind === "Secret" ? "stringData" : "data";
  return {
    ...installed,
    ...(Object.keys(installed).length > 0
      ? {
          // Applied after the reader: its copies appear once reflector does.
          "kubernetes/apps/zz-reflector/ks.yaml": ks("reflector", "  path: ./kubernetes/reflector\n"),
        }
      : {}),
    "kubernetes/flux/cluster/ks.yaml": `${ks("cluster-meta", "  path: ./kubernetes/flux/meta\n  targetNamespace: flux-system\n")}---\n${ks(
      "cluster-apps",
      "  dependsOn:\n    - name: cluster-meta\n  path: ./kubernetes/apps\n",
    )}`,
    "kubernetes/flux/meta/kustomization.yaml":
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cluster-secrets.yaml]\n",
    "kubernetes/flux/meta/cluster-secrets.yaml": `apiVersion: v1
kind: ${kind}
metadata:
  name: cluster-secrets
  namespace: flux-system
  annotations:
${annotations}
${data}:
  CLUSTER_DOMAIN: example.org
`,
    "kubernetes/apps/network/ks.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: network-ref, namespace: network}
spec:
  interval: 1h
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
  path: ./kubernetes/network
  postBuild:
    substituteFrom:
      - {kind: ${kind}, name: cluster-secrets}
`,
    "kubernetes/network/cm.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: network}\ndata: {host: 'web.${CLUSTER_DOMAIN}'}\n",
  };
}

const AUTO = `    reflector.v1.k8s.emberstack.com/reflection-allowed: "true"
    reflector.v1.k8s.emberstack.com/reflection-auto-enabled: "true"`;

describe("reflector's auto-mirrors of a Secret or ConfigMap (equestria-cluster)", () => {
  it("a Kustomization in another namespace reads the copy", () => {
    const p = loadMemoryPlatform(layout(AUTO));
    const network = kustomization(p, "network/network-ref");
    expect(network.errors).toEqual([]);
    expect(network.resources[0]!.object.data).toEqual({ host: "web.example.org" });
  });

  it("a ConfigMap is copied too", () => {
    const p = loadMemoryPlatform(layout(AUTO, "ConfigMap"));
    expect(kustomization(p, "network/network-ref").resources[0]!.object.data).toEqual({
      host: "web.example.org",
    });
  });

  it("a namespace the lists leave out, or a source not auto-enabled, has no copy", () => {
    const NOT_FOUND = `substitute from 'Secret/cluster-secrets' error: secrets "cluster-secrets" not found`;
    for (const annotations of [
      `${AUTO}\n    reflector.v1.k8s.emberstack.com/reflection-auto-namespaces: "media,apps-.*"`,
      `${AUTO}\n    reflector.v1.k8s.emberstack.com/reflection-allowed-namespaces: "net"`,
      `    reflector.v1.k8s.emberstack.com/reflection-allowed: "true"`,
      `${AUTO}\n    reflector.v1.k8s.emberstack.com/reflection-auto-namespaces-selector: "team=a"`,
    ]) {
      const p = loadMemoryPlatform(layout(annotations));
      expect(kustomization(p, "network/network-ref").errors[0]?.message, annotations).toContain(NOT_FOUND);
    }
    const listed = loadMemoryPlatform(
      layout(`${AUTO}\n    reflector.v1.k8s.emberstack.com/reflection-auto-namespaces: "media, net.*"`),
    );
    expect(kustomization(listed, "network/network-ref").errors).toEqual([]);
  });
});

describe("reflector's copies exist only where reflector runs", () => {
  const NOT_FOUND = `substitute from 'Secret/cluster-secrets' error: secrets "cluster-secrets" not found`;
  it("a cluster that installs nothing of reflector has no copy: the reader fails as Flux's does", () => {
    const p = loadMemoryPlatform(layout(AUTO, "Secret", {}));
    expect(kustomization(p, "network/network-ref").errors[0]?.message).toContain(NOT_FOUND);
  });

  it("reflector's own Kustomization may read a copy: the converged cluster has them all from the start", () => {
    // david-driscoll/home-operations: every app's Kustomization, reflector's in kube-system too,
    // substitutes from the copy in its namespace. The copies are the cluster's as it runs, not
    // sources made late: no note on each of the 156 readers.
    const reads = "  postBuild:\n    substituteFrom:\n      - {kind: Secret, name: cluster-secrets}\n";
    const files = layout(AUTO);
    files["kubernetes/apps/zz-reflector/ks.yaml"] = gitKs("kube-system/reflector", "./kubernetes/reflector", {
      source: "flux-system/flux-system",
      extra: reads,
    });
    const p = loadMemoryPlatform(files);
    for (const id of ["network/network-ref", "kube-system/reflector"]) {
      const k = kustomization(p, id);
      expect([k.status, k.errors, k.notices ?? []], id).toEqual(["rendered", [], []]);
    }
  });

  it("reflector's image in a Deployment, or its chart from an OCIRepository, installs it", () => {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: reflector, namespace: kube-system}
spec:
  selector: {matchLabels: {app: reflector}}
  template:
    metadata: {labels: {app: reflector}}
    spec: {containers: [{name: reflector, image: 'emberstack/kubernetes-reflector:9.1.0'}]}
`;
    const oci = `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: reflector, namespace: kube-system}
spec: {interval: 1h, url: oci://ghcr.io/emberstack/helm-charts/reflector, ref: {tag: 9.1.0}}
`;
    for (const install of [deployment, oci]) {
      const p = loadMemoryPlatform(layout(AUTO, "Secret", { "kubernetes/reflector/install.yaml": install }));
      expect(kustomization(p, "network/network-ref").errors).toEqual([]);
    }
  });

  it("a part of the cluster from another repository may install it (equestria's): the copy counts", () => {
    const other = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: home-operations, namespace: flux-system}
spec: {interval: 1h, url: https://github.com/example/home-operations, ref: {branch: main}}
---
${gitKs("flux-system/shared", "./kubernetes/shared", { source: "home-operations" })}`;
    const p = loadMemoryPlatform({
      ...layout(AUTO, "Secret", {}),
      "kubernetes/apps/shared/ks.yaml": other,
    });
    expect(kustomization(p, "flux-system/shared").status).toBe("external");
    expect(kustomization(p, "network/network-ref").errors).toEqual([]);
  });
});

it("reflector's namespace patterns: a regular expression whose first match is the whole name", () => {
  expect(patternListMatch("network", "network")).toBe(true);
  expect(patternListMatch("net", "network")).toBe(false);
  expect(patternListMatch(" a , net.* ", "network")).toBe(true);
  expect(patternListMatch("work", "network")).toBe(false);
  expect(patternListMatch("[", "network")).toBe(false);
  expect(patternListMatch("net|network", "network")).toBe(false);
  expect(patternListMatch("network|net", "network")).toBe(true);
});

it("reflector's namespace patterns come from the repository: they run in linear time", () => {
  // On a backtracking engine the first takes 2^40 steps: the test does not end.
  expect(patternListMatch("(a+)+$", `${"a".repeat(40)}-`)).toBe(false);
  expect(patternListMatch("(a+)+$", "a".repeat(40))).toBe(true);
});

it("a reflector pattern only a backtracking engine runs is taken as a match, not as no copy", () => {
  expect(patternListMatch("(?!kube-).*", "media")).toBe(true);
  expect(patternListMatch("(\\w)\\1", "aa")).toBe(true);
});
