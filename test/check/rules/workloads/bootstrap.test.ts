import { describe, expect, it } from "vitest";
import { runCheck } from "../../../../src/check/engine.js";
import { helmfileNamespaces } from "../../../../src/check/rules/workloads/bootstrap.js";
import { namespaceExists } from "../../../../src/check/rules/workloads/namespaces.js";
import { loadPlatform } from "../../../../src/platform/index.js";
import { tempTree } from "../../../support/cli.js";

describe("helmfileNamespaces", () => {
  it.each([
    [
      "releases create their namespaces by default",
      "releases:\n  - name: a\n    namespace: cert-manager\n    chart: jetstack/cert-manager\n",
      ["cert-manager"],
    ],
    [
      "createNamespace: false on a release or in helmDefaults",
      "helmDefaults:\n  createNamespace: false\nreleases:\n  - name: a\n    namespace: x\n    chart: c\n  - name: b\n    namespace: y\n    chart: c\n    createNamespace: true\n",
      ["y"],
    ],
    [
      "several documents; templated namespaces are not guessed",
      "bases: [env.yaml]\n---\nreleases:\n  - name: a\n    namespace: '{{ .Values.ns }}'\n    chart: c\n  - name: b\n    namespace: storage\n    chart: c\n",
      ["storage"],
    ],
    [
      "a Kubernetes object with a releases field is not a helmfile",
      "apiVersion: v1\nkind: X\nreleases:\n  - name: a\n    namespace: n\n    chart: c\n",
      [],
    ],
    ["releases without a chart are not helmfile releases", "releases:\n  - name: a\n    namespace: n\n", []],
    ["unparsable text", "releases: [\n", []],
  ])("%s", (_, text, expected) => {
    expect(helmfileNamespaces(text)).toEqual(expected);
  });
});

describe("namespace-exists with a bootstrap helmfile", () => {
  const sync = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  url: ssh://git@example.com/repo
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  path: ./clusters/c
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;
  const cm = (ns: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: ${ns}\n`;

  it("a namespace the bootstrap helmfile creates exists; others still do not", () => {
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": sync,
      "clusters/c/a.yaml": cm("cert-manager"),
      "clusters/c/b.yaml": cm("nowhere"),
      "bootstrap/helmfile.d/01-apps.yaml":
        "releases:\n  - name: cert-manager\n    namespace: cert-manager\n    chart: oci://quay.io/jetstack/charts/cert-manager\n",
    });
    const found = runCheck(loadPlatform(repo), { rules: [namespaceExists] }).findings;
    expect(found.map((f) => f.resource?.namespace)).toEqual(["nowhere"]);
  });
});
