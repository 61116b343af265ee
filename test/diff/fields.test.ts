import { describe, expect, it } from "vitest";
import {
  changeDangers,
  diffValues,
  environmentNormalizer,
  environmentTokens,
  parseQuantity,
} from "../../src/diff/index.js";
import type { KObject, YamlValue } from "../../src/kustomize/types.js";

describe("field diff", () => {
  it("matches list items by merge key and names the item in the path", () => {
    const a: YamlValue = {
      spec: {
        containers: [
          { name: "a", image: "x:1", ports: [{ containerPort: 80 }, { containerPort: 53, protocol: "UDP" }] },
          { name: "b", image: "y:1" },
        ],
      },
    };
    const b: YamlValue = {
      spec: {
        containers: [
          { name: "b", image: "y:2" },
          { name: "a", image: "x:1", ports: [{ containerPort: 53, protocol: "UDP" }, { containerPort: 80 }] },
        ],
      },
    };
    expect(diffValues(a, b)).toEqual([
      { path: "spec.containers[name=b].image", change: "changed", old: "y:1", new: "y:2" },
    ]);
  });

  it("matches volumeMounts by mountPath, tolerations by value, unknown lists by name or position", () => {
    expect(
      diffValues(
        { volumeMounts: [{ name: "v", mountPath: "/a" }] },
        { volumeMounts: [{ name: "v", mountPath: "/b" }] },
      ).map((f) => [f.path, f.change]),
    ).toEqual([
      ["volumeMounts[mountPath=/a]", "removed"],
      ["volumeMounts[mountPath=/b]", "added"],
    ]);
    const t1 = { key: "a", operator: "Exists" };
    const t2 = { key: "b", operator: "Exists" };
    expect(diffValues({ tolerations: [t1, t2] }, { tolerations: [t2, t1] })).toEqual([]);
    expect(
      diffValues(
        { items: [{ name: "x", v: 1 }, { name: "y" }] },
        { items: [{ name: "y" }, { name: "x", v: 2 }] },
      ),
    ).toEqual([{ path: "items[name=x].v", change: "changed", old: 1, new: 2 }]);
    expect(diffValues({ args: ["--a", "--b"] }, { args: ["--b", "--a"] }).map((f) => f.path)).toEqual([
      "args[0]",
      "args[1]",
    ]);
  });

  it("quotes keys that are not plain words", () => {
    expect(
      diffValues(
        { metadata: { labels: { "app.kubernetes.io/name": "a" } } },
        { metadata: { labels: { "app.kubernetes.io/name": "b" } } },
      )[0]!.path,
    ).toBe('metadata.labels["app.kubernetes.io/name"]');
  });
});

describe("danger notes", () => {
  const svc = (spec: Record<string, unknown>) =>
    ({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec }) as KObject;
  const pvc = (size: string, cls = "fast") =>
    ({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "d", namespace: "n" },
      spec: { storageClassName: cls, resources: { requests: { storage: size } } },
    }) as KObject;
  const kinds = (a: KObject, b: KObject) => changeDangers(a, b, diffValues(a, b)).map((d) => d.kind);

  it("flags Service type changes to or from ExternalName, and clusterIP changes", () => {
    expect(kinds(svc({ type: "ClusterIP" }), svc({ type: "ExternalName" }))).toEqual(["service-type"]);
    expect(kinds(svc({ type: "ClusterIP" }), svc({ type: "NodePort" }))).toEqual([]);
    expect(kinds(svc({ clusterIP: "10.0.0.1" }), svc({ clusterIP: "10.0.0.2" }))).toEqual([
      "immutable-field",
    ]);
  });

  it("flags PVC shrinks and storage class changes, not growth", () => {
    expect(kinds(pvc("10Gi"), pvc("5Gi"))).toEqual(["storage-shrink"]);
    expect(kinds(pvc("10Gi"), pvc("20Gi"))).toEqual([]);
    expect(kinds(pvc("10Gi"), pvc("10Gi", "slow"))).toEqual(["immutable-field"]);
  });

  it("flags RBAC roleRef and StatefulSet serviceName changes", () => {
    const rb = (role: string) =>
      ({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "r" },
        roleRef: { kind: "Role", name: role },
      }) as KObject;
    expect(kinds(rb("a"), rb("b"))).toEqual(["immutable-field"]);
    const sts = (svcName: string) =>
      ({
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "s" },
        spec: { serviceName: svcName },
      }) as KObject;
    expect(kinds(sts("a"), sts("b"))).toEqual(["immutable-field"]);
  });

  it("parses quantities", () => {
    expect(parseQuantity("1Gi")).toBe(2 ** 30);
    expect(parseQuantity("500M")).toBe(5e8);
    expect(parseQuantity("100m")).toBeCloseTo(0.1);
    expect(parseQuantity("abc")).toBeUndefined();
  });
});

describe("environment names", () => {
  it("maps environment words (and their abbreviations) and content hashes to one form", () => {
    const n = environmentNormalizer(environmentTokens("staging", "production"));
    expect(n("backend-staging")).toBe(n("backend-production"));
    expect(n("prod-db")).toBe(n("stg-db"));
    expect(n("app-config-k8kd5h8mft")).toBe(n("app-config-dk4gtfhd29"));
    expect(n("prodigy")).toBe("prodigy");
  });
});
