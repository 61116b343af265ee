/** The commands on the d2-shaped fleet (test/fixtures/d2): ResourceSets in render, graph and check. */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { checkCommand } from "../../src/cli/check.js";
import { graphCommand } from "../../src/cli/graph.js";
import { renderCommand } from "../../src/cli/render.js";
import { captureOutput } from "../support/capture.js";
import { tempTree } from "../support/cli.js";
import { repoRoot } from "../support/env.js";
import { fluxKs, fluxSync } from "../support/flux.js";

const d2 = path.join(repoRoot, "test/fixtures/d2");
const fleet = path.join(d2, "fleet");
const allow = ["--allow-path", d2];

describe("ResourceSets through the CLI", () => {
  it("render prints a ResourceSet as its own block, with its input sets", async () => {
    const r = await captureOutput(() =>
      renderCommand([fleet, ...allow, "--cluster", "staging", "--kustomization", "ResourceSet/apps/podinfo"]),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("# cluster staging, ResourceSet apps/podinfo, 1 input set\n");
    expect(r.stdout).toContain("kind: HelmRelease\n");
    expect(r.stdout).toContain("resourceset.fluxcd.controlplane.io/name: podinfo\n");
    const json = await captureOutput(() =>
      renderCommand([fleet, ...allow, "--cluster", "staging", "--format", "json"]),
    );
    const blocks = (
      JSON.parse(json.stdout) as { kustomizations: Array<{ kind: string; namespace: string; name: string }> }
    ).kustomizations;
    expect(
      blocks
        .filter((b) => b.kind === "ResourceSet")
        .map((b) => `${b.namespace}/${b.name}`)
        .sort(),
    ).toEqual(["apps/podinfo", "flux-system/apps", "flux-system/cert-manager", "flux-system/infra"]);
  });

  it("graph draws ResourceSets as hexagons with their dependsOn edges", async () => {
    const r = await captureOutput(() =>
      graphCommand([fleet, ...allow, "--cluster", "staging", "--format", "mermaid"]),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rs_flux_system_apps\{\{"apps<br\/><small>flux-system<\/small>"\}\}/);
    // Arrows run from a dependency to what waits for it.
    expect(r.stdout).toContain("rs_flux_system_infra --> rs_flux_system_apps");
  });

  it("check runs clean of errors on the fleet", async () => {
    const r = await captureOutput(() => checkCommand([fleet, ...allow, "--format", "json"]));
    expect(r.code).toBe(0);
  });

  it("render says what a rendered ResourceSet shows without (copyFrom of a Secret only the cluster has), on stderr and in JSON", async () => {
    const repo = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": fluxSync("./clusters/c"),
      "clusters/c/apps.yaml": fluxKs("apps", "./apps"),
      "apps/rs.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: rs
  namespace: apps
spec:
  resources:
    - apiVersion: v1
      kind: Secret
      metadata:
        name: copy
        namespace: apps
        annotations:
          fluxcd.controlplane.io/copyFrom: other/src
`,
    });
    const note =
      "Secret apps/copy: its data is copied from Secret other/src at apply time (fluxcd.controlplane.io/copyFrom), which this repository does not render: shown without it";
    const yaml = await captureOutput(() => renderCommand([repo]));
    expect(yaml.code).toBe(0);
    expect(yaml.stderr).toContain(`slipway render: warning: cluster c: ${note}\n`);
    const json = await captureOutput(() => renderCommand([repo, "--format", "json"]));
    const blocks = (
      JSON.parse(json.stdout) as {
        kustomizations: Array<{ kind: string; name: string; warnings?: string[] }>;
      }
    ).kustomizations;
    expect(blocks.find((b) => b.kind === "ResourceSet")?.warnings).toEqual([note]);
    // Blocks with nothing missing carry no warnings field, as before.
    expect(blocks.filter((b) => b.kind !== "ResourceSet").every((b) => !("warnings" in b))).toBe(true);
  });
});
