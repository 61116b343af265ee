import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { KObject } from "../../src/kustomize/types.js";
import { applyClusterData } from "../../src/operator/cluster-data.js";
import { slugify } from "../../src/operator/slugify.js";

const cm = (
  ns: string,
  name: string,
  data: Record<string, string>,
  annotations?: Record<string, string>,
): KObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) },
  data,
});

describe("copyFrom / checksumFrom offline", () => {
  const clusterCm = cm("flux-system", "runtime-info", { CLUSTER: "prod" });
  const clusterSecret: KObject = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "docker-auth", namespace: "flux-system" },
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": Buffer.from("{}").toString("base64") },
  };
  const lookup = (kind: string, ns: string, name: string) =>
    [clusterCm, clusterSecret].find(
      (o) =>
        o.kind === kind &&
        (o.metadata as { namespace: string }).namespace === ns &&
        (o.metadata as { name: string }).name === name,
    );

  it("copies ConfigMap data and Secret data (as stringData, with the type) from the rendered cluster", () => {
    const target = cm(
      "team1",
      "runtime-info",
      {},
      { "fluxcd.controlplane.io/copyFrom": "flux-system/runtime-info" },
    );
    const secret: KObject = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "docker-auth",
        namespace: "team1",
        annotations: { "fluxcd.controlplane.io/copyFrom": "flux-system/docker-auth" },
      },
    };
    const r = applyClusterData([target, secret], lookup);
    expect(r).toEqual({ notes: [], errors: [] });
    expect(target.data).toEqual({ CLUSTER: "prod" });
    expect(secret.type).toBe("kubernetes.io/dockerconfigjson");
    expect(secret.stringData).toEqual({ ".dockerconfigjson": "{}" });
  });

  // The operator sets data with unstructured.SetNestedStringMap, which writes an empty map for a
  // ConfigMap without data (resourceset_controller_configs.go), replacing the template's own.
  it("copies an empty or absent ConfigMap data as data: {}, as SetNestedStringMap does", () => {
    const empty: KObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "e", namespace: "a" } };
    const withData = cm("a", "d", {});
    const lookup2 = (_k: string, _ns: string, n: string) => (n === "e" ? empty : withData);
    const annotated = { "fluxcd.controlplane.io/copyFrom": "a/e" };
    const targets = [
      cm("b", "x", { old: "kept?" }, annotated),
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "y", namespace: "b", annotations: annotated },
      },
      cm("b", "z", { old: "kept?" }, { "fluxcd.controlplane.io/copyFrom": "a/d" }),
    ] as KObject[];
    expect(applyClusterData(targets, lookup2)).toEqual({ notes: [], errors: [] });
    expect(targets.map((t) => t.data)).toEqual([{}, {}, {}]);
  });

  it("says what only the cluster has, and rejects malformed references", () => {
    const target = cm(
      "team1",
      "x",
      { a: "b" },
      { "fluxcd.controlplane.io/copyFrom": "flux-system/elsewhere" },
    );
    const bad = cm("team1", "y", {}, { "fluxcd.controlplane.io/copyFrom": "no-slash" });
    const r = applyClusterData([target, bad], lookup);
    expect(target.data).toEqual({ a: "b" });
    expect(r.notes).toEqual([
      "ConfigMap team1/x: its data is copied from ConfigMap flux-system/elsewhere at apply time (fluxcd.controlplane.io/copyFrom), which this repository does not render: shown without it",
    ]);
    expect(r.errors).toEqual([
      "ConfigMap team1/y: invalid fluxcd.controlplane.io/copyFrom annotation value 'no-slash' must be in the format 'namespace/name'",
    ]);
  });

  it("computes checksums like the operator: refs in order, keys sorted, NUL-separated, same-set objects first", () => {
    const own = cm("apps", "podinfo-config", { b: "2", a: "1" });
    const deploy: KObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "podinfo", namespace: "apps" },
      spec: {
        template: {
          metadata: {
            annotations: {
              "fluxcd.controlplane.io/checksumFrom":
                "ConfigMap/apps/podinfo-config,\n Secret/flux-system/docker-auth",
            },
          },
        },
      },
    };
    applyClusterData([own, deploy], lookup);
    const want = createHash("sha256")
      .update(
        "ConfigMap/apps/podinfo-config\0a\x001\0b\x002\0Secret/flux-system/docker-auth\0.dockerconfigjson\0{}\0",
      )
      .digest("hex");
    const ann = ((deploy.spec as KObject).template as { metadata: { annotations: Record<string, string> } })
      .metadata.annotations;
    expect(ann["fluxcd.controlplane.io/checksum"]).toBe(`sha256:${want}`);
  });
});

describe("slugify (gosimple/slug, MaxLength 63)", () => {
  it.each([
    ["Team One", "team-one"],
    ["  Ops & Dev @ HQ ", "ops-and-dev-at-hq"],
    ["feature/JIRA-123_fix", "feature-jira-123_fix"],
    ["Crème brûlée — déjà vu", "creme-brulee-deja-vu"],
    ["Straße", "strasse"],
    ["--x--", "x"],
    ['it\'s "quoted"', "its-quoted"],
    [`${"a".repeat(60)} bbbbbbbbb`, "a".repeat(60)],
    ["c".repeat(70), "c".repeat(63)],
  ])("%s → %s", (s, want) => {
    expect(slugify(s)).toBe(want);
  });
});
