import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { graphCommand } from "../../src/cli/graph.js";
import { captureOutput } from "../support/capture.js";
import { repoRoot } from "../support/env.js";

const fixtures = path.join(repoRoot, "test/fixtures/flux");

async function run(args: string[]) {
  return captureOutput(() => graphCommand(args));
}

describe("slipway graph", () => {
  it("json: layers and critical path of a fine-grained cluster, with durations", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-graph-"));
    const durations = path.join(dir, "durations.yaml");
    writeFileSync(durations, "postgresql-cluster: 5m\nn8n: 60\n");
    const r = await run([
      path.join(fixtures, "seed-003-fleet"),
      "--cluster",
      "dev/clusters/services-amer",
      "--format",
      "json",
      "--durations",
      durations,
    ]);
    expect(r.code).toBe(0);
    const g = JSON.parse(r.stdout) as {
      schema: string;
      criticalPath: string[];
      timing: { fineGrained: number };
    };
    expect(g.schema).toBe("slipway.graph/v1");
    expect(g.criticalPath.at(-1)).toBe("Kustomization/flux-system/n8n");
    // root (applies the others) → cnpg-operator → postgresql-cluster (5m) → n8n (60)
    expect(g.timing.fineGrained).toBe(1 + 1 + 300 + 60);
  });

  it("reports cycles and missing targets with exit 1", async () => {
    const r = await run([path.join(fixtures, "edge-cases"), "--format", "mermaid"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/flowchart/);
  });

  it("exits 2 on bad usage", async () => {
    expect((await run(["--format", "svg"])).code).toBe(2);
  });
});
