import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DiskRenderCache } from "../../../../src/cache/store.js";
import { runCheck } from "../../../../src/check/engine.js";
import {
  bootstrapNamespaces,
  HELMFILE_UNIT,
  helmfileNamespaces,
} from "../../../../src/check/rules/workloads/bootstrap.js";
import {
  embeddedNamespaces,
  scriptNamespaces,
  terraformNamespaces,
} from "../../../../src/check/rules/workloads/bootstrap-texts.js";
import { namespaceExists } from "../../../../src/check/rules/workloads/namespaces.js";
import { loadPlatform } from "../../../../src/platform/index.js";
import { storedEntries } from "../../../support/cache-entries.js";
import { tempTree } from "../../../support/cli.js";
import { BOOTSTRAP_SYNC } from "../../../support/flux.js";

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

  it('a template in a value (`value: {{ requiredEnv "CLUSTER" }}`, a flow map as YAML reads it) prints no warning on stderr', () => {
    // JefeDavis' bootstrap helmfile: the yaml library warned, on every check, that it would
    // stringify the map's key, a line of stderr no one could act on.
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    const emit = process.emitWarning;
    process.emitWarning = ((w: unknown) => onWarning(w)) as typeof process.emitWarning;
    try {
      const text =
        'releases:\n  - name: cilium\n    namespace: network\n    chart: cilium/cilium\n    set:\n      - name: cluster.name\n        value: {{ requiredEnv "CLUSTER" }}\n';
      expect(helmfileNamespaces(text)).toEqual(["network"]);
    } finally {
      process.emitWarning = emit;
    }
    expect(warnings).toEqual([]);
  });
});

describe("namespace-exists with a bootstrap helmfile", () => {
  const cm = (ns: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: ${ns}\n`;

  it("a namespace the bootstrap helmfile creates exists; others still do not", () => {
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": BOOTSTRAP_SYNC,
      "clusters/c/a.yaml": cm("cert-manager"),
      "clusters/c/b.yaml": cm("nowhere"),
      "bootstrap/helmfile.d/01-apps.yaml":
        "releases:\n  - name: cert-manager\n    namespace: cert-manager\n    chart: oci://quay.io/jetstack/charts/cert-manager\n",
    });
    const found = runCheck(loadPlatform(repo), { rules: [namespaceExists] }).findings;
    expect(found.map((f) => f.resource?.namespace)).toEqual(["nowhere"]);
  });

  // The namespaces are kept by the helmfile's text: an edited helmfile is parsed again (never
  // the old answer), and an entry that is not a list of names is not trusted.
  it("keeps a helmfile's namespaces in the render cache by its text, never stale", () => {
    const helmfile = (ns: string) => `releases:\n  - name: a\n    namespace: ${ns}\n    chart: c\n`;
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": BOOTSTRAP_SYNC,
      "clusters/c/a.yaml": cm("one"),
      "bootstrap/helmfile.yaml": helmfile("one"),
    });
    const cache = new DiskRenderCache(
      mkdtempSync(path.join(tmpdir(), "slipway-helmfile-cache-")),
      "test-code",
    );
    const namespaces = () => [...bootstrapNamespaces(loadPlatform(repo), cache).keys()];
    expect(namespaces()).toEqual(["one"]);
    expect(cache.stats).toMatchObject({ hits: 0, writes: 1 });
    expect(namespaces()).toEqual(["one"]);
    expect(cache.stats).toMatchObject({ hits: 1, writes: 1 });
    writeFileSync(path.join(repo, "bootstrap/helmfile.yaml"), helmfile("two"));
    expect(namespaces()).toEqual(["two"]);
    expect(cache.stats).toMatchObject({ hits: 1, writes: 2 });
    // An entry under the key of the text that says something else than a list of names.
    const key = cache.key(HELMFILE_UNIT, helmfile("two"));
    cache.put(key, { namespaces: [1] });
    expect(namespaces()).toEqual(["two"]);
    expect(storedEntries(cache.unitDir(HELMFILE_UNIT))).toContain(
      path.join(cache.unitDir(HELMFILE_UNIT), key.id),
    );
    expect((cache.get(key) as { namespaces: unknown }).namespaces).toEqual(["two"]);
    // The rule through the engine with the cache finds what it finds without one.
    const platform = loadPlatform(repo);
    const withCache = runCheck(platform, { rules: [namespaceExists], renderCache: cache }).findings;
    expect(withCache).toEqual(runCheck(platform, { rules: [namespaceExists], renderCache: false }).findings);
  });
});

describe("namespace-exists reads the bootstrap only when it needs it", () => {
  it("no helmfile is parsed (nor kept) when every namespace is created by the platform itself", () => {
    const ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n";
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: app\n";
    const files = {
      "clusters/c/flux-system/gotk-sync.yaml": BOOTSTRAP_SYNC,
      "clusters/c/ns.yaml": ns,
      "clusters/c/cm.yaml": cm,
      "bootstrap/helmfile.yaml": "releases:\n  - name: a\n    namespace: other\n    chart: c\n",
    };
    const cache = () =>
      new DiskRenderCache(mkdtempSync(path.join(tmpdir(), "slipway-helmfile-lazy-")), "test-code");
    const unneeded = cache();
    expect(
      runCheck(loadPlatform(tempTree(files)), { rules: [namespaceExists], renderCache: unneeded }).findings,
    ).toEqual([]);
    expect(unneeded.stats.writes).toBe(0);
    // A namespace nothing else creates: the helmfile is read, and it creates it.
    const needed = cache();
    const repo = tempTree({
      ...files,
      "clusters/c/cm.yaml": cm.replace("namespace: app", "namespace: other"),
    });
    expect(runCheck(loadPlatform(repo), { rules: [namespaceExists], renderCache: needed }).findings).toEqual(
      [],
    );
    expect(needed.stats.writes).toBe(1);
  });
});

describe("namespaces a bootstrap makes outside Flux", () => {
  const talos = [
    "machine:",
    "  type: controlplane",
    "cluster:",
    "  inlineManifests:",
    "    - name: namespace-networking",
    "      contents: |",
    "        apiVersion: v1",
    "        kind: Namespace",
    "        metadata:",
    "          name: networking",
    "          labels:",
    '            pod-security.kubernetes.io/enforce: "privileged"',
    "    - name: namespace-storage",
    "      contents: |-",
    "        ---",
    "        kind: Namespace",
    "        apiVersion: v1",
    "        metadata:",
    "          labels: {app: storage}",
    "          name: 'storage'",
    "",
  ].join("\n");

  it.each([
    ["Talos inline manifests", talos, false, ["networking", "storage"]],
    [
      "a top-level Namespace in a YAML file is Slipway's own object, not the bootstrap's",
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n",
      false,
      [],
    ],
    [
      "a heredoc in a script or Terraform counts at any indentation",
      "cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: edge\nEOF\n",
      true,
      ["edge"],
    ],
    [
      "a list item, and a name that is not a namespace name",
      "items:\n  - apiVersion: v1\n    kind: Namespace\n    metadata:\n      name: listed\n  - kind: Namespace\n    metadata:\n      name: ${NS}\n",
      false,
      ["listed"],
    ],
    [
      "a kind: Namespace with no metadata name in its own block",
      "a:\n  kind: Namespace\nb:\n  metadata:\n    name: other\n",
      false,
      [],
    ],
  ])("embedded manifests: %s", (_, text, topLevel, expected) => {
    expect(embeddedNamespaces(text, topLevel)).toEqual(expected);
  });

  it("Terraform kubernetes_namespace resources", () => {
    const tf = [
      'resource "kubernetes_namespace" "monitoring" {',
      "  metadata {",
      '    labels = { team = "ops" }',
      '    name   = "monitoring"',
      "  }",
      "}",
      'resource "kubernetes_namespace_v1" "templated" {',
      '  metadata { name = "${var.ns}" }',
      "}",
      'resource "kubernetes_config_map" "x" {',
      '  metadata { name = "not-a-namespace" }',
      "}",
    ].join("\n");
    expect(terraformNamespaces(tf)).toEqual(["monitoring"]);
  });

  it("kubectl create namespace in scripts", () => {
    const sh = [
      "kubectl create namespace cilium-system",
      "kubectl --context home create ns  external-secrets --dry-run=client -o yaml | kubectl apply -f -",
      "echo kubectl; create ns nothing",
      "kubectl get ns notcreated",
    ].join("\n");
    expect(scriptNamespaces(sh)).toEqual(["cilium-system", "external-secrets"]);
  });

  it("namespace-exists: namespaces of Talos, Terraform and scripts exist; others still do not", () => {
    const cm = (ns: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: ${ns}\n`;
    const files = {
      "clusters/c/flux-system/gotk-sync.yaml": BOOTSTRAP_SYNC,
      "clusters/c/a.yaml": cm("networking"),
      "clusters/c/b.yaml": cm("monitoring"),
      "clusters/c/c.yaml": cm("cilium-system"),
      "clusters/c/d.yaml": cm("nowhere"),
    };
    const bootstrap = {
      "talos/controlplane.yaml": talos,
      "infra/namespaces.tf":
        'resource "kubernetes_namespace" "m" {\n  metadata {\n    name = "monitoring"\n  }\n}\n',
      "scripts/bootstrap.sh": "#!/bin/sh\nkubectl create namespace cilium-system\n",
    };
    const missing = (tree: Record<string, string>) =>
      runCheck(loadPlatform(tempTree(tree)), { rules: [namespaceExists] }).findings.map(
        (f) => f.resource?.namespace,
      );
    expect(missing({ ...files, ...bootstrap })).toEqual(["nowhere"]);
    expect(missing(files)).toEqual(["networking", "monitoring", "cilium-system", "nowhere"]);
  });
});
