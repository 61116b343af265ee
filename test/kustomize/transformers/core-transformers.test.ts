import { describe, expect, it } from "vitest";
import {
  defaultCommonLabels,
  defaultNameReference,
  defaultNamespace,
} from "../../../src/kustomize/builtin-fieldspecs.js";
import { ResMap } from "../../../src/kustomize/resmap.js";
import { Resource } from "../../../src/kustomize/resource.js";
import { applyMapEntries } from "../../../src/kustomize/transformers/labels.js";
import { fixNameReferences } from "../../../src/kustomize/transformers/nameref.js";
import { applyNamespace } from "../../../src/kustomize/transformers/namespace.js";
import { applyPrefixSuffix } from "../../../src/kustomize/transformers/prefix-suffix.js";
import { readSortOptions, sortResources } from "../../../src/kustomize/transformers/sort.js";
import type { KObject } from "../../../src/kustomize/types.js";

const res = (o: KObject) => new Resource(structuredClone(o));
const deployment = (name: string, extra: KObject = {}): KObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: "app", image: "nginx", envFrom: [{ configMapRef: { name: "cfg" } }] }] },
    },
  },
  ...extra,
});

describe("namespace transformer", () => {
  it("sets namespaced kinds, skips cluster-scoped ones, renames Namespace objects, fixes default subjects", () => {
    const m = new ResMap([
      res(deployment("web")),
      res({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "cr" } }),
      res({ apiVersion: "v1", kind: "Namespace", metadata: { name: "old" } }),
      res({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "rb" },
        subjects: [
          { kind: "ServiceAccount", name: "default", namespace: "x" },
          { kind: "ServiceAccount", name: "other", namespace: "x" },
        ],
      }),
    ]);
    applyNamespace(m, { namespace: "prod", fieldSpecs: defaultNamespace });
    const [d, cr, ns, rb] = m.resources();
    expect(d!.namespace).toBe("prod");
    // No namespace; the empty map is where kustomize keeps its bookkeeping until the build ends.
    expect(cr!.metadata).toEqual({ name: "cr", annotations: {} });
    expect(ns!.name).toBe("prod");
    expect((rb!.obj.subjects as KObject[]).map((s) => s.namespace)).toEqual(["prod", "x"]);
    expect(d!.orgId().namespace).toBe("");
  });
});

describe("prefix/suffix transformer", () => {
  it("renames names, keeps previous ids, skips CRDs and Namespaces", () => {
    const m = new ResMap([
      res(deployment("web")),
      res({ apiVersion: "v1", kind: "Namespace", metadata: { name: "ns" } }),
      res({
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "a.b.c" },
      }),
    ]);
    applyPrefixSuffix(m, "p-", "-s", [{ path: "metadata/name" }]);
    expect(m.resources().map((r) => r.name)).toEqual(["p-web-s", "ns", "a.b.c"]);
    expect(m.resources()[0]!.orgId().name).toBe("web");
  });
});

describe("label/annotation transformer", () => {
  it("adds labels to metadata, selectors and templates per the field specs, creating maps where allowed", () => {
    const m = new ResMap([
      res(deployment("web")),
      res({ apiVersion: "v1", kind: "Service", metadata: { name: "svc" }, spec: { ports: [{ port: 80 }] } }),
    ]);
    applyMapEntries(m, { team: "blue" }, defaultCommonLabels);
    const [d, s] = m.resources();
    expect((d!.obj.metadata as KObject).labels).toEqual({ team: "blue" });
    expect(((d!.obj.spec as KObject).selector as KObject).matchLabels).toEqual({ app: "web", team: "blue" });
    expect((s!.obj.spec as KObject).selector).toEqual({ team: "blue" });
  });
});

describe("name reference fix-up", () => {
  it("follows a renamed ConfigMap into the Deployment that uses it", () => {
    const cm = res({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" } });
    const m = new ResMap([res(deployment("web")), cm]);
    applyPrefixSuffix(m, "p-", "", [{ path: "metadata/name" }]);
    fixNameReferences(m, defaultNameReference);
    const d = m.resources()[0]!;
    const c = ((d.obj.spec as KObject).template as KObject).spec as KObject;
    expect(((c.containers as KObject[])[0]!.envFrom as KObject[])[0]).toEqual({
      configMapRef: { name: "p-cfg" },
    });
  });

  it("reports ambiguous referrals", () => {
    const a = res({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "a" } });
    const b = res({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "b" } });
    const cr = res({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "r" },
      rules: [{ resourceNames: ["cfg"] }],
    });
    const m = new ResMap([a, b, cr]);
    a.storePreviousId();
    a.setName("x-cfg");
    b.storePreviousId();
    b.setName("y-cfg");
    expect(() => fixNameReferences(m, defaultNameReference)).toThrow(/multiple possible referrals/);
  });
});

describe("sort order", () => {
  it("legacy order puts namespaces and config first and webhooks last", () => {
    const list = [
      res({
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingWebhookConfiguration",
        metadata: { name: "w" },
      }),
      res(deployment("b")),
      res({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }),
      res({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "z" } }),
      res({ apiVersion: "v1", kind: "Namespace", metadata: { name: "n" } }),
      res(deployment("a")),
    ];
    const sorted = sortResources(list, readSortOptions(undefined));
    expect(sorted.map((r) => `${r.kind}/${r.name}`)).toEqual([
      "Namespace/n",
      "ConfigMap/c",
      "Deployment/a",
      "Deployment/b",
      "Widget/z",
      "ValidatingWebhookConfiguration/w",
    ]);
    expect(sortResources(list, readSortOptions({ order: "fifo" }))).toEqual(list);
  });

  it("validates sortOptions like kustomize", () => {
    expect(() => readSortOptions({ order: "random" })).toThrow(/must be one of \[fifo, legacy\]/);
    expect(() => readSortOptions({ order: "fifo", legacySortOptions: {} })).toThrow(
      /selected sort order is 'fifo'/,
    );
  });
});
