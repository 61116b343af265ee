/**
 * The dependsOn graph of a cluster is analysed once per platform: flux-dependson-missing and
 * flux-dependency-cycle read the same analysis.
 */
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runCheck } from "../../../src/check/engine.js";
import { dependencyCycle, dependsOnMissing } from "../../../src/check/rules/flux.js";
import { analyzeGraph } from "../../../src/graph/index.js";
import { loadPlatform } from "../../../src/platform/index.js";
import { repoRoot } from "../../support/env.js";

vi.mock("../../../src/graph/index.js", async (original) => {
  const actual = await original<typeof import("../../../src/graph/index.js")>();
  return { ...actual, analyzeGraph: vi.fn(actual.analyzeGraph) };
});

describe("the Flux dependsOn graph", () => {
  it("is analysed once per cluster for both graph rules", () => {
    const platform = loadPlatform(path.join(repoRoot, "test/fixtures/check/flux-rules"));
    const fluxClusters = new Set(platform.clusters.filter((c) => c.mode === "flux").map((c) => c.name));
    expect(fluxClusters.size).toBeGreaterThan(0);
    const findings = runCheck(platform, { rules: [dependsOnMissing, dependencyCycle] }).findings;
    expect(new Set(findings.map((f) => f.rule))).toEqual(
      new Set(["flux-dependson-missing", "flux-dependency-cycle"]),
    );
    expect(vi.mocked(analyzeGraph)).toHaveBeenCalledTimes(fluxClusters.size);
  });
});
