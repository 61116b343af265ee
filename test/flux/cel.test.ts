import { describe, expect, it } from "vitest";
import {
  checkObjectExpr,
  checkReadyExpr,
  evaluateObjectExpr,
  evaluateReadyExpr,
} from "../../src/flux/cel.js";

describe("readyExpr as kustomize-controller compiles it (self, dep as Struct; output bool)", () => {
  it("accepts the documented expressions", () => {
    for (const expr of [
      "dep.status.conditions.filter(e, e.type == 'Ready').all(e, e.status == 'True')",
      "self.metadata.annotations['app/version'] == dep.metadata.annotations['app/version']",
      "dep.metadata.generation == dep.status.observedGeneration",
      "dep.metadata.name.replace('-', '_') == 'a_b'",
    ]) {
      expect(checkReadyExpr(expr), expr).toEqual({ ok: true });
    }
  });

  it("namespaced extension functions cel-js cannot declare are not judged (cel-go has them)", () => {
    expect(checkReadyExpr("sets.contains(['a', 'b'], ['a'])")).toMatchObject({ ok: "unknown" });
  });

  it("rejects syntax errors and expressions that are not bool (dyn is a mismatch in cel-go)", () => {
    expect(checkReadyExpr("dep.status.ready ==")).toMatchObject({ ok: false });
    expect(checkReadyExpr("dep.status.ready")).toMatchObject({
      ok: false,
      error: expect.stringContaining("bool"),
    });
    expect(checkReadyExpr("'ready'")).toMatchObject({ ok: false });
  });

  it("evaluates where the inputs are static, and says when a field only the cluster has is read", () => {
    const self = { metadata: { annotations: { "app/version": "1" } } };
    const dep = { metadata: { annotations: { "app/version": "2" } } };
    const expr = "self.metadata.annotations['app/version'] == dep.metadata.annotations['app/version']";
    expect(evaluateReadyExpr(expr, self, dep)).toEqual({ value: false });
    expect(evaluateReadyExpr(expr, self, self)).toEqual({ value: true });
    expect(evaluateReadyExpr("dep.status.observedGeneration == 1", self, dep)).toHaveProperty("needsCluster");
  });
});

describe("object expressions (healthCheckExprs, ResourceSet readyExpr): parsed only", () => {
  it("flags only syntax errors; unknown fields are the object's own", () => {
    expect(checkObjectExpr("status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')")).toEqual({
      ok: true,
    });
    expect(checkObjectExpr("status.phase == ")).toMatchObject({ ok: false });
    expect(evaluateObjectExpr("data.enabled == 'true'", { data: { enabled: "false" } })).toEqual({
      value: false,
    });
  });
});
