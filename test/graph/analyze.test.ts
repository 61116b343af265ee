import { describe, expect, it } from "vitest";
import { analyzeGraph } from "../../src/graph/analyze.js";
import { applyDurations, parseDurationTable } from "../../src/graph/durations.js";
import { ks, node } from "./fixtures.js";

describe("analyzeGraph", () => {
  it("chain: one node per layer, critical path is the chain, waves equal fine-grained", () => {
    const a = analyzeGraph([node("c", ["b"]), node("a"), node("b", ["a"])]);
    expect(a.layers).toEqual([[ks("a")], [ks("b")], [ks("c")]]);
    expect(a.criticalPath).toEqual([ks("a"), ks("b"), ks("c")]);
    expect(a.edges).toEqual([
      { dependent: ks("b"), dependsOn: ks("a") },
      { dependent: ks("c"), dependsOn: ks("b") },
    ]);
    expect(a.timing).toEqual({ fineGrained: 3, waves: 3, speedup: 1 });
    expect(a.cycles).toEqual([]);
    expect(a.blocked).toEqual([]);
  });

  it("appliedBy: a HelmRelease waits for the Kustomization that applies it (implicit edge)", () => {
    const hr = "HelmRelease/db/postgres";
    const a = analyzeGraph([
      node("root"),
      node("infra", [], { appliedBy: ks("root") }),
      node("db/postgres", [], { kind: "HelmRelease", appliedBy: ks("infra") }),
      node("gone", [], { appliedBy: ks("missing-parent") }),
    ]);
    expect(a.layers).toEqual([[ks("gone"), ks("root")], [ks("infra")], [hr]]);
    expect(a.edges).toEqual([
      { dependent: hr, dependsOn: ks("infra"), implicit: true },
      { dependent: ks("infra"), dependsOn: ks("root"), implicit: true },
    ]);
    expect(a.missing).toEqual([]);
  });

  it("diamond: the middle layer deploys in parallel", () => {
    const a = analyzeGraph([
      node("top"),
      node("left", ["top"]),
      node("right", ["top"]),
      node("bottom", ["left", "right"]),
    ]);
    expect(a.layers).toEqual([[ks("top")], [ks("left"), ks("right")], [ks("bottom")]]);
    expect(a.criticalPath).toEqual([ks("top"), ks("left"), ks("bottom")]);
    expect(a.timing.fineGrained).toBe(3);
  });

  it("fan-out: many dependents of one root share layer 1", () => {
    const leaves = ["a", "b", "c", "d"].map((n) => node(n, ["root"]));
    const a = analyzeGraph([...leaves, node("root")]);
    expect(a.layers).toEqual([[ks("root")], ["a", "b", "c", "d"].map((n) => ks(n))]);
    expect(a.nodes.find((n) => n.id === ks("d"))!.dependsOn).toEqual([ks("root")]);
  });

  it("durations: fine-grained beats waves when a slow node sits beside a fast chain", () => {
    // slow (5) and fast1 (1) in layer 0; fast2 needs fast1, app needs fast2.
    const a = analyzeGraph([
      node("slow", [], { duration: 5 }),
      node("fast1"),
      node("fast2", ["fast1"]),
      node("app", ["fast2"]),
    ]);
    expect(a.layers).toEqual([[ks("fast1"), ks("slow")], [ks("fast2")], [ks("app")]]);
    expect(a.timing.fineGrained).toBe(5);
    expect(a.timing.waves).toBe(7);
    expect(a.timing.speedup).toBeCloseTo(1.4);
    expect(a.criticalPath).toEqual([ks("slow")]);
    const app = a.nodes.find((n) => n.id === ks("app"))!;
    expect([app.start, app.finish]).toEqual([2, 3]);
  });

  it("durations file: by id, namespace/name or name, most specific first; unused keys reported", () => {
    const nodes = [node("a"), node("b", ["a"]), node("apps/b")];
    const table = parseDurationTable({ [ks("a")]: 4, "apps/b": "1m30s", b: 2, typo: 1 });
    expect(table).toEqual({ [ks("a")]: 4, "apps/b": 90, b: 2, typo: 1 });
    const { nodes: timed, unused } = applyDurations(nodes, table);
    expect(timed.map((n) => n.duration)).toEqual([4, 2, 90]);
    expect(unused).toEqual(["typo"]);
    const a = analyzeGraph(timed);
    expect(a.timing.fineGrained).toBe(90);
    expect(a.timing.waves).toBe(92);
  });

  it("rejects bad durations", () => {
    expect(() => parseDurationTable({ a: "soon" })).toThrow(/duration of a/);
    expect(() => parseDurationTable({ a: -1 })).toThrow(/non-negative/);
    expect(() => parseDurationTable([1] as never)).toThrow(/map/);
    expect(() => analyzeGraph([node("a", [], { duration: Number.NaN })])).toThrow(/duration/);
  });

  it("self-dependency is a cycle of length 1", () => {
    const a = analyzeGraph([node("a", ["a"]), node("b")]);
    expect(a.cycles).toEqual([[ks("a"), ks("a")]]);
    expect(a.blocked).toEqual([{ id: ks("a"), reason: "cycle" }]);
    expect(a.layers).toEqual([[ks("b")]]);
  });

  it("cycle of length 2 blocks both members and their dependents", () => {
    const a = analyzeGraph([
      node("b", ["a"]),
      node("a", ["b"]),
      node("c", ["a"]),
      node("d", ["c"]),
      node("e"),
    ]);
    expect(a.cycles).toEqual([[ks("a"), ks("b"), ks("a")]]);
    expect(a.blocked).toEqual([
      { id: ks("a"), reason: "cycle" },
      { id: ks("b"), reason: "cycle" },
      { id: ks("c"), reason: "upstream", via: ks("a") },
      { id: ks("d"), reason: "upstream", via: ks("c") },
    ]);
    expect(a.layers).toEqual([[ks("e")]]);
    expect(a.nodes.find((n) => n.id === ks("c"))!.layer).toBeNull();
  });

  it("cycle of length 3 is reported once, as the full path from its smallest member", () => {
    const a = analyzeGraph([node("c", ["a"]), node("b", ["c"]), node("a", ["b"])]);
    expect(a.cycles).toEqual([[ks("a"), ks("b"), ks("c"), ks("a")]]);
  });

  it("lists every elementary cycle of a component, sorted", () => {
    // a ↔ b and b → c → a
    const a = analyzeGraph([node("a", ["b"]), node("b", ["a", "c"]), node("c", ["a"])]);
    expect(a.cycles).toEqual([
      [ks("a"), ks("b"), ks("a")],
      [ks("a"), ks("b"), ks("c"), ks("a")],
    ]);
  });

  it("truncates cycle lists in dense graphs", () => {
    const names = Array.from({ length: 8 }, (_, i) => `n${i}`);
    const dense = names.map((n) =>
      node(
        n,
        names.filter((m) => m !== n),
      ),
    );
    const a = analyzeGraph(dense, { maxCycles: 10 });
    expect(a.cycles.length).toBeLessThanOrEqual(10);
    expect(a.cyclesTruncated).toBe(true);
    expect(a.blocked).toHaveLength(8);
  });

  it("missing targets are reported and block the dependent and its dependents", () => {
    const a = analyzeGraph([node("app", ["db", "other/cache"]), node("web", ["app"]), node("db")]);
    expect(a.missing).toEqual([
      { dependent: ks("app"), cluster: "dev", kind: "Kustomization", namespace: "other", name: "cache" },
    ]);
    expect(a.blocked).toEqual([
      { id: ks("app"), reason: "missing" },
      { id: ks("web"), reason: "upstream", via: ks("app") },
    ]);
    expect(a.layers).toEqual([[ks("db")]]);
  });

  it("resolves namespaces as Flux does: default to the dependent's, cross-namespace allowed", () => {
    const a = analyzeGraph([
      node("apps/web", ["db", "infra/ingress"]),
      node("apps/db"),
      node("infra/ingress"),
      node("flux-system/db"),
    ]);
    expect(a.nodes.find((n) => n.id === ks("web", "apps"))!.dependsOn).toEqual([
      ks("db", "apps"),
      ks("ingress", "infra"),
    ]);
    expect(a.missing).toEqual([]);
  });

  it("never resolves across kinds or clusters", () => {
    const a = analyzeGraph([
      node("app", ["redis"], { kind: "HelmRelease" }),
      node("redis"), // a Kustomization named redis does not satisfy a HelmRelease
      node("prod-app", ["db"], { cluster: "prod", id: "prod:Kustomization/flux-system/prod-app" }),
      node("db"), // in dev
    ]);
    expect(a.missing.map((m) => [m.dependent, m.kind, m.name])).toEqual([
      ["HelmRelease/flux-system/app", "HelmRelease", "redis"],
      ["prod:Kustomization/flux-system/prod-app", "Kustomization", "db"],
    ]);
    expect(a.clusters).toEqual(["dev", "prod"]);
  });

  it("computes waves per cluster: clusters deploy in parallel", () => {
    const a = analyzeGraph([
      node("a", [], { duration: 2 }),
      node("b", ["a"]),
      node("x", [], { cluster: "prod", id: "prod/x", duration: 1 }),
      node("y", ["x"], { cluster: "prod", id: "prod/y", duration: 5 }),
    ]);
    expect(a.timing).toEqual({ fineGrained: 6, waves: 6, speedup: 1 });
  });

  it("keeps the first of duplicate ids and reports them", () => {
    const a = analyzeGraph([node("a", [], { duration: 3 }), node("a", [], { duration: 9 })]);
    expect(a.duplicates).toEqual([ks("a")]);
    expect(a.nodes).toHaveLength(1);
    expect(a.nodes[0]!.duration).toBe(3);
  });

  it("is independent of input order", () => {
    const nodes = [
      node("d", ["b", "c"]),
      node("b", ["a"]),
      node("c", ["a"]),
      node("a"),
      node("x", ["y"]),
      node("y", ["x"]),
    ];
    const forward = analyzeGraph(nodes);
    expect(analyzeGraph([...nodes].reverse())).toEqual(forward);
  });

  it("handles an empty graph and long chains", () => {
    expect(analyzeGraph([]).timing).toEqual({ fineGrained: 0, waves: 0, speedup: 1 });
    const chain = Array.from({ length: 5000 }, (_, i) =>
      node(`n${String(i).padStart(5, "0")}`, i ? [`n${String(i - 1).padStart(5, "0")}`] : []),
    );
    const a = analyzeGraph(chain);
    expect(a.layers).toHaveLength(5000);
    expect(a.criticalPath).toHaveLength(5000);
  });

  it("zero durations keep the critical path connected", () => {
    const a = analyzeGraph([node("a", [], { duration: 0 }), node("b", ["a"], { duration: 0 })]);
    expect(a.criticalPath).toEqual([ks("a"), ks("b")]);
    expect(a.timing).toEqual({ fineGrained: 0, waves: 0, speedup: 1 });
  });
});
