import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/engine.js";
import { rules as schemaRules } from "../../../src/check/rules/schema.js";
import type { Finding } from "../../../src/check/types.js";
import { loadPlatform } from "../../../src/platform/index.js";
import { tempTree } from "../../support/cli.js";
import { repoRoot } from "../../support/env.js";

const fixture = path.join(repoRoot, "test/fixtures/check/schema-rules");
const platform = loadPlatform(fixture);
const result = runCheck(platform, { rules: schemaRules });

function at(f: Finding): string {
  return `${f.file}:${f.line}`;
}

function of(rule: string, findings = result.findings): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

describe("schema rules", () => {
  it("schema-invalid: wrong types in built-in kinds and in custom resources of a rendered CRD", () => {
    expect(of("schema-invalid").map(at)).toEqual([
      "clusters/dev/deployment.yaml:7",
      "clusters/dev/gizmos.yaml:16",
    ]);
    expect(of("schema-invalid")[0]?.message).toMatch(/spec\.replicas: must be integer/);
  });

  it("valid objects pass: int-or-string, SOPS-encrypted data and the sops metadata", () => {
    const files = result.findings.map((f) => f.file);
    expect(files).not.toContain("clusters/dev/secret.sops.yaml");
    expect(result.findings.some((f) => f.resource?.name === "ok")).toBe(false);
  });

  it("schema-unknown-field: a warning at the field; an error with strict; silenced by the annotation", () => {
    const found = of("schema-unknown-field");
    expect(found.map(at)).toEqual(["clusters/dev/deployment.yaml:19"]);
    expect(found[0]?.severity).toBe("warning");
    const strict = runCheck(platform, { rules: schemaRules, strict: true });
    expect(of("schema-unknown-field", strict.findings).map((f) => f.severity)).toEqual(["error"]);
    // quiet.yaml has `selektor` but `slipway.dev/ignore: schema-unknown-field`.
    expect(result.findings.some((f) => f.file === "clusters/dev/quiet.yaml")).toBe(false);
  });

  it("metadata-name-invalid: at metadata.name or .namespace, never a cluster-scoped object's namespace", () => {
    expect(of("metadata-name-invalid").map(at)).toEqual([
      "clusters/dev/names.yaml:4",
      "clusters/dev/names.yaml:21",
    ]);
  });

  it("crd-schema-broken: at the broken schema field, and never a crash", () => {
    const found = of("crd-schema-broken");
    expect(found.map(at)).toEqual(["clusters/dev/crd-broken.yaml:20"]);
    expect(found[0]?.message).toMatch(/notatype/);
  });

  it("schema-no-schema: once per kind and cluster, as info", () => {
    const found = of("schema-no-schema");
    expect(found.map(at)).toEqual(["clusters/dev/unknown-kinds.yaml:1"]);
    expect(found[0]?.severity).toBe("info");
    expect(found[0]?.message).toMatch(/Gadget example\.org\/v1/);
  });

  it("slipway.yaml check.schemaDirs supplies CRDs for kinds not rendered in the cluster", () => {
    const withDirs = runCheck(platform, {
      rules: schemaRules,
      config: { rules: {}, schemaDirs: ["schemas"] },
    });
    expect(of("schema-no-schema", withDirs.findings)).toEqual([]);
  });

  it("schema-invalid: a NetworkPolicy without spec.podSelector applies (the empty selector: every pod), a Deployment without its selector does not (mysteq)", () => {
    const sync =
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 10m\n  prune: true\n  path: ./clusters/c\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n";
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": sync,
      "clusters/c/netpol.yaml":
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow\n  namespace: default\nspec:\n  ingress:\n    - from:\n        - namespaceSelector: {}\n",
      "clusters/c/deploy.yaml":
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - {name: web, image: nginx}\n",
    });
    const found = of("schema-invalid", runCheck(loadPlatform(repo), { rules: schemaRules }).findings);
    expect(found.map((f) => `${f.file} ${f.message}`)).toEqual([
      "clusters/c/deploy.yaml Deployment default/web: spec.selector: required field is missing",
    ]);
  });

  it("a broken CRD file in a schema directory is a crd-schema-broken finding with its file", () => {
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml":
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  path: ./clusters/c\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
      "schemas/broken.yaml":
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x.example.com\nspec:\n  group: example.com\n  names: {kind: X, plural: xs}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: wrong\n",
    });
    const r = runCheck(loadPlatform(repo), {
      rules: schemaRules,
      config: { rules: {}, schemaDirs: ["schemas"] },
    });
    const files = of("crd-schema-broken", r.findings).map((f) => f.file);
    expect(files.length).toBeGreaterThan(0);
    expect(new Set(files)).toEqual(new Set(["schemas/broken.yaml"]));
  });
});
