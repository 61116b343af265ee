import { describe, expect, it } from "vitest";
import { analyzeGraph } from "../../src/graph/analyze.js";
import { formatGraph, formatGraphText, type GraphJson, toGraphJson } from "../../src/graph/format.js";
import { ks, node } from "./fixtures.js";

const sample = () =>
  analyzeGraph([
    node("infra"),
    node("cert-manager", [], { duration: 3 }),
    node("db", ["infra"]),
    node("apps", ["db", "cert-manager"]),
    node("loop-a", ["loop-b"]),
    node("loop-b", ["loop-a"]),
    node("web", ["cache"]),
    node("redis", [], { kind: "HelmRelease" }),
    node("app", ["redis"], { kind: "HelmRelease" }),
  ]);

describe("text", () => {
  it("lists layers, the critical path, timing, cycles, missing and blocked nodes", () => {
    expect(formatGraphText(sample())).toBe(
      [
        "9 nodes, 6 edges, 3 layers",
        "",
        "Layer 0 (3 nodes in parallel)",
        "  HelmRelease/flux-system/redis  (1)",
        "  Kustomization/flux-system/cert-manager  (3)",
        "  Kustomization/flux-system/infra  (1)",
        "",
        "Layer 1 (2 nodes in parallel)",
        "  HelmRelease/flux-system/app  (1) ← HelmRelease/flux-system/redis",
        "  Kustomization/flux-system/db  (1) ← Kustomization/flux-system/infra",
        "",
        "Layer 2 (1 node)",
        "  Kustomization/flux-system/apps  (1) ← Kustomization/flux-system/cert-manager, Kustomization/flux-system/db",
        "",
        "Critical path, 4 in total: Kustomization/flux-system/cert-manager → Kustomization/flux-system/apps",
        "Deploy time: 4 with fine-grained dependsOn, 5 in strict waves (1.25× faster), in the durations' unit (seconds for 90s, 5m)",
        "",
        "Cycles (1; → means dependsOn):",
        "  Kustomization/flux-system/loop-a → Kustomization/flux-system/loop-b → Kustomization/flux-system/loop-a",
        "",
        "Missing dependencies (1):",
        "  Kustomization/flux-system/web depends on Kustomization/flux-system/cache, which does not exist",
        "",
        "Never deployed (3):",
        "  Kustomization/flux-system/loop-a: in a dependency cycle",
        "  Kustomization/flux-system/loop-b: in a dependency cycle",
        "  Kustomization/flux-system/web: depends on an object that does not exist",
        "",
      ].join("\n"),
    );
  });

  it("a cycle through a Kustomization that applies its dependency starts at a dependsOn step and marks the other", () => {
    const a = analyzeGraph([node("apps", ["stores"]), node("stores", [], { appliedBy: ks("apps") })]);
    expect(formatGraphText(a).split("\n")).toContain(
      "  Kustomization/flux-system/apps → Kustomization/flux-system/stores → Kustomization/flux-system/apps (which applies it)",
    );
  });

  it("a target that may exist in what Slipway could not see is hedged, and so is what waits on it", () => {
    const a = analyzeGraph([
      node("web", ["cache"]),
      node("front", ["web"]),
      node("api", ["db", "gone"]),
      node("db"),
    ]);
    const hedged = {
      ...a,
      missing: a.missing.map((m) =>
        m.name === "cache"
          ? { ...m, mayExist: " (HelmRelease flux-system/cache, which Slipway does not render, may make it)" }
          : m,
      ),
    };
    // The diagrams say the same: the target is not found and may exist, its dependents apart.
    const mermaid = formatGraph(hedged, "mermaid");
    expect(mermaid).toContain('["not found (may exist): Kustomization flux-system/cache"]');
    expect(mermaid).toContain('["missing: Kustomization flux-system/gone"]');
    expect(mermaid).toContain(
      'subgraph maybe_never_deployed ["Never deployed unless what Slipway did not find exists"]',
    );
    expect(formatGraph(hedged, "dot")).toContain(
      'label="not found (may exist)\\nKustomization flux-system/cache"',
    );
    const text = formatGraphText(hedged).split("\n");
    expect(text.slice(text.indexOf("Missing dependencies (2):"))).toEqual([
      "Missing dependencies (2):",
      "  Kustomization/flux-system/api depends on Kustomization/flux-system/gone, which does not exist",
      "  Kustomization/flux-system/web depends on Kustomization/flux-system/cache, which Slipway did not find (HelmRelease flux-system/cache, which Slipway does not render, may make it)",
      "",
      "Never deployed (1):",
      "  Kustomization/flux-system/api: depends on an object that does not exist",
      "",
      "Never deployed unless what Slipway did not find exists (2):",
      "  Kustomization/flux-system/front: waits on Kustomization/flux-system/web",
      "  Kustomization/flux-system/web: depends on an object Slipway did not find",
      "",
    ]);
  });

  it("says a chain deploys no faster with dependsOn, not 1× faster (equestria-cluster)", () => {
    const text = formatGraphText(analyzeGraph([node("a"), node("b", ["a"])]));
    expect(text).toContain("Deploy time: 2 steps with fine-grained dependsOn, 2 in strict waves (no faster)");
  });

  it("counts in steps without durations, not a bare 'Critical path, 3 in total' (petrmac/flux-demo)", () => {
    const text = formatGraphText(analyzeGraph([node("a"), node("b", ["a"]), node("c", ["b"])]), {
      durations: false,
    });
    expect(text.split("\n")).toEqual([
      "3 nodes, 2 edges, 3 layers",
      "",
      "Layer 0 (1 node)",
      "  Kustomization/flux-system/a",
      "",
      "Layer 1 (1 node)",
      "  Kustomization/flux-system/b ← Kustomization/flux-system/a",
      "",
      "Layer 2 (1 node)",
      "  Kustomization/flux-system/c ← Kustomization/flux-system/b",
      "",
      "Critical path, 3 steps: Kustomization/flux-system/a → Kustomization/flux-system/b → Kustomization/flux-system/c",
      "Deploy time: 3 steps with fine-grained dependsOn, 3 in strict waves (no faster); a step is one node reconciled (--durations FILE gives each node its time)",
      "",
    ]);
    // A durations file of 1 each is times all the same: in its unit, not steps.
    expect(formatGraphText(analyzeGraph([node("a")]), { durations: true })).toContain(
      "Critical path, 1 in total: ",
    );
  });

  it("names the cluster of each node when there are several", () => {
    const text = formatGraphText(analyzeGraph([node("a"), node("a", [], { cluster: "prod", id: "prod/a" })]));
    expect(text).toContain("2 clusters");
    expect(text).toContain("  a [prod]\n");
  });

  it("says a node's cluster once, not in its id and again after it (ruzickap/k8s-tf-eks-gitops)", () => {
    const text = formatGraphText(
      analyzeGraph([
        node("a", [], { cluster: "mgmt01/flux", id: "mgmt01/flux/Kustomization/flux-system/a" }),
        node("b", ["a"], {
          cluster: "mgmt01/flux",
          id: "mgmt01/flux/Kustomization/flux-system/b",
        }),
        node("c", [], { cluster: "dev", id: "dev/Kustomization/flux-system/c" }),
      ]),
    );
    expect(text).toContain(
      "  Kustomization/flux-system/b [mgmt01/flux] ← Kustomization/flux-system/a [mgmt01/flux]\n",
    );
    expect(text).toContain("  Kustomization/flux-system/c [dev]\n");
    expect(text).not.toContain("mgmt01/flux/Kustomization");
  });
});

describe("json", () => {
  it("follows the documented schema", () => {
    const json = JSON.parse(formatGraph(sample(), "json")) as GraphJson;
    expect(Object.keys(json)).toEqual([
      "schema",
      "clusters",
      "nodes",
      "edges",
      "layers",
      "criticalPath",
      "cycles",
      "cyclesTruncated",
      "missing",
      "blocked",
      "duplicates",
      "timing",
    ]);
    expect(json.schema).toBe("slipway.graph/v1");
    expect(json.timing).toEqual({ fineGrained: 4, waves: 5, speedup: 1.25 });
    expect(json.layers[2]).toEqual([ks("apps")]);
    expect(json.cycles).toEqual([[ks("loop-a"), ks("loop-b"), ks("loop-a")]]);
    expect(json.missing).toEqual([
      {
        dependent: ks("web"),
        cluster: "dev",
        kind: "Kustomization",
        namespace: "flux-system",
        name: "cache",
      },
    ]);
    expect(json.blocked).toContainEqual({ id: ks("web"), reason: "missing" });
    expect(json.nodes.find((n) => n.id === ks("apps"))).toEqual({
      id: ks("apps"),
      kind: "Kustomization",
      namespace: "flux-system",
      name: "apps",
      cluster: "dev",
      dependsOn: [ks("cert-manager"), ks("db")],
      duration: 1,
      layer: 2,
      start: 3,
      finish: 4,
      blocked: null,
      critical: true,
    });
    expect(json.edges).toContainEqual({ dependent: ks("apps"), dependsOn: ks("db") });
  });

  it("rounds the speed-up only", () => {
    const a = analyzeGraph([node("a", [], { duration: 3 }), node("b"), node("c", ["b"]), node("d", ["c"])]);
    expect(a.timing.speedup).toBeCloseTo(5 / 3, 10);
    expect(toGraphJson(a).timing).toEqual({ fineGrained: 3, waves: 5, speedup: 1.67 });
  });
});

describe("mermaid", () => {
  it("draws layers as subgraphs like the seeds' diagrams, dependency → dependent", () => {
    const out = formatGraph(sample(), "mermaid");
    expect(out.startsWith("flowchart TD\n")).toBe(true);
    expect(out).toContain(
      '    subgraph layer0 ["Layer 0"]\n        hr_flux_system_redis("redis<br/><small>flux-system</small>")\n',
    );
    expect(out).toContain("    ks_flux_system_infra --> ks_flux_system_db\n");
    expect(out).toContain("    ks_flux_system_cert_manager ==> ks_flux_system_apps\n");
    expect(out).toContain('    missing_ks_flux_system_cache["missing: Kustomization flux-system/cache"]\n');
    expect(out).toContain("    missing_ks_flux_system_cache -.-> ks_flux_system_web\n");
    expect(out).toContain("    class ks_flux_system_cert_manager,ks_flux_system_apps critical\n");
    expect(out).toContain("    linkStyle 4 stroke:#d33\n");
    expect(out).toContain(
      "    class ks_flux_system_loop_a,ks_flux_system_loop_b,ks_flux_system_web blocked\n",
    );
  });

  it("gives colliding names distinct ids and escapes quotes", () => {
    const out = formatGraph(analyzeGraph([node("a-b"), node("a.b"), node('q"uote')]), "mermaid");
    expect(out).toContain("ks_flux_system_a_b[");
    expect(out).toContain("ks_flux_system_a_b_2[");
    expect(out).toContain('["q#quot;uote<br/>');
  });
});

describe("dot", () => {
  it("is a digraph with one rank per layer", () => {
    const out = formatGraph(sample(), "dot");
    expect(out.startsWith("digraph flux {\n  rankdir=LR;\n")).toBe(true);
    expect(out).toContain(
      '  subgraph layer_0_2 {\n    rank=same;\n    "Kustomization/flux-system/apps" [label="apps\\nflux-system", penwidth=3];\n  }\n',
    );
    expect(out).toContain('  "Kustomization/flux-system/infra" -> "Kustomization/flux-system/db";\n');
    expect(out).toContain(
      '  "Kustomization/flux-system/loop-a" -> "Kustomization/flux-system/loop-b" [color="#d33"];\n',
    );
    expect(out).toContain(
      '  "missing:dev:Kustomization/flux-system/cache" -> "Kustomization/flux-system/web" [style=dashed, color="#d33"];\n',
    );
    expect(out.endsWith("}\n")).toBe(true);
  });

  it("groups clusters when there are several", () => {
    const out = formatGraph(
      analyzeGraph([node("a"), node("a", [], { cluster: "prod", id: "prod/a" })]),
      "dot",
    );
    expect(out).toContain('  subgraph cluster_0 {\n    label="dev";\n');
    expect(out).toContain('  subgraph cluster_1 {\n    label="prod";\n');
  });
});

describe("determinism", () => {
  it("renders the same bytes whatever the input order", () => {
    const nodes = [node("b", ["a"]), node("a"), node("c", ["a", "b"]), node("x", ["x"]), node("y", ["gone"])];
    for (const format of ["text", "json", "mermaid", "dot"] as const) {
      expect(formatGraph(analyzeGraph([...nodes].reverse()), format)).toBe(
        formatGraph(analyzeGraph(nodes), format),
      );
    }
  });
});
