import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { renderCommand } from "../../src/cli/render.js";
import { captureOutput } from "../support/capture.js";
import { repoRoot } from "../support/env.js";

const fixtures = path.join(repoRoot, "test/fixtures/flux");

async function run(args: string[]) {
  return captureOutput(() => renderCommand(args));
}

describe("slipway render", () => {
  it("prints each Flux Kustomization's objects under a comment naming it", async () => {
    const r = await run([path.join(fixtures, "seed-002-episodic"), "--cluster", "sandbox"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "# cluster sandbox, Kustomization flux-system/traefik, path platform/traefik\n",
    );
    expect(r.stdout).toContain("      replicas: 1\n");
    expect(r.stderr).toMatch(/slipway render: {3}sandbox \(.*\): 3 Flux Kustomizations, 3 rendered; from /);
  });

  it("filters by Kustomization and prints JSON", async () => {
    const r = await run([
      path.join(fixtures, "seed-003-fleet"),
      "--kustomization",
      "flux-system/postgresql-cluster",
      "--format",
      "json",
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      schema: string;
      discovery: { clusters: Array<{ name: string }> };
      kustomizations: Array<{ cluster: string; resources: Array<{ spec: { instances: number } }> }>;
    };
    expect(out.schema).toBe("slipway.render/v1");
    expect(out.discovery.clusters.length).toBeGreaterThan(1);
    const v = out.kustomizations;
    expect(v.map((x) => [x.cluster, x.resources[0]!.spec.instances])).toEqual([
      ["dev/clusters/services-amer", 1],
      ["prod/clusters/services-amer", 3],
    ]);
  });

  it("writes one file per Flux Kustomization with --out and exits 1 on render errors", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "slipway-render-"));
    const r = await run([path.join(fixtures, "edge-cases"), "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/test flux-system\/broken: kustomization path not found/);
    expect(readFileSync(path.join(out, "test/flux-system/regional.yaml"), "utf8")).toContain(
      "name: region-eu-west",
    );
  });

  it("exits 2 on bad usage", async () => {
    expect((await run(["--format", "xml"])).code).toBe(2);
    expect((await run([path.join(fixtures, "seed-002-episodic"), "--cluster", "nope"])).code).toBe(2);
  });
});
