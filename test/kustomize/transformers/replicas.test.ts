import { describe, expect, it } from "vitest";
import { defaultReplicas } from "../../../src/kustomize/builtin-fieldspecs.js";
import {
  applyReplicas,
  parseReplicas,
  type ReplicaSpec,
} from "../../../src/kustomize/transformers/replicas.js";
import type { KObject, YamlValue } from "../../../src/kustomize/types.js";
import { requires } from "../../support/env.js";
import { byId, idOf, kubectlBuild, Rng, resMapOf } from "./kubectl-oracle.js";

describe("applyReplicas", () => {
  it("sets or creates spec.replicas of the named workload kinds only", () => {
    const m = resMapOf([
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 1 } },
      { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "web" } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: {} },
    ]);
    applyReplicas(m, [{ name: "web", count: 3 }], defaultReplicas);
    const [d, s, svc] = m.resources();
    expect(d!.obj.spec).toEqual({ replicas: 3 });
    expect(s!.obj.spec).toEqual({ replicas: 3 });
    expect(svc!.obj.spec).toEqual({});
  });

  it("matches a previous name too", () => {
    const m = resMapOf([{ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } }]);
    const r = m.resources()[0]!;
    r.storePreviousId();
    r.setName("p-web");
    applyReplicas(m, [{ name: "web", count: 0 }], defaultReplicas);
    expect(r.obj.spec).toEqual({ replicas: 0 });
  });

  it("fails when no resource has the name", () => {
    const m = resMapOf([{ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } }]);
    expect(() => applyReplicas(m, [{ name: "nope", count: 2 }], defaultReplicas)).toThrow(
      "resource with name nope does not match a config with the following GVK [Deployment.[noVer].[noGrp] ReplicationController.[noVer].[noGrp] ReplicaSet.[noVer].[noGrp] StatefulSet.[noVer].[noGrp]]",
    );
  });

  it("requires a whole-number count", () => {
    expect(parseReplicas([{ name: "a", count: 2 }])).toEqual([{ name: "a", count: 2 }]);
    expect(() => parseReplicas([{ name: "a", count: "2" }])).toThrow(/cannot unmarshal string/);
    expect(() => parseReplicas([{ name: "a", count: 2.5 }])).toThrow(/int64/);
    expect(() => parseReplicas([{ name: "a", replicas: 2 }])).toThrow(/unknown field/);
  });
});

const kinds = [
  ["apps/v1", "Deployment"],
  ["apps/v1", "StatefulSet"],
  ["apps/v1", "ReplicaSet"],
  ["v1", "ReplicationController"],
  ["apps/v1", "DaemonSet"],
  ["v1", "ConfigMap"],
] as const;

describe.runIf(requires("kubectl"))("applyReplicas against kubectl kustomize", () => {
  for (let seed = 1; seed <= 10; seed++) {
    it(`generated case ${seed}`, () => {
      const rng = new Rng(seed * 104729);
      const objs: KObject[] = [];
      const n = 1 + rng.int(5);
      for (let i = 0; i < n; i++) {
        const [apiVersion, kind] = rng.pick(kinds);
        const o: KObject = { apiVersion, kind, metadata: { name: `w${rng.int(3)}` } };
        const spec = rng.int(3);
        if (spec === 1) o.spec = { replicas: rng.int(5) };
        else if (spec === 2) o.spec = { other: "x" };
        if (objs.some((x) => idOf(x) === idOf(o))) continue;
        objs.push(o);
      }
      const specs: ReplicaSpec[] = [];
      for (let i = 0, k = 1 + rng.int(2); i < k; i++)
        specs.push({ name: `w${rng.int(4)}`, count: rng.int(10) });
      const oracle = kubectlBuild(objs, { replicas: specs as unknown as YamlValue });
      const m = resMapOf(objs);
      if (!oracle.ok) {
        expect(() => applyReplicas(m, specs, defaultReplicas), oracle.error).toThrow();
        return;
      }
      applyReplicas(m, specs, defaultReplicas);
      const want = byId(oracle.docs);
      for (const r of m) expect(r.obj, idOf(r.obj)).toEqual(want.get(idOf(r.obj)));
    });
  }
});
