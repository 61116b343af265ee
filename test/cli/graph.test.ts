import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { graphCommand } from "../../src/cli/graph.js";
import { sopsFixtureFiles, writeFixture } from "../helmrelease/fixture.js";
import { captureOutput } from "../support/capture.js";
import { tempTree } from "../support/cli.js";
import { repoRoot } from "../support/env.js";
import { demoKeyFile, ks, SYNC } from "../support/flux.js";

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

  it("a target an unrendered HelmRelease may make is hedged, listed apart, and no failure (as check's warning)", async () => {
    // Found probing by hand: graph said "which does not exist", "Never deployed" and exit 1 where
    // check says a warning: the HelmRelease traefik/traefik, whose chart is not cached, may make it.
    const root = tempTree({
      "clusters/c/flux-system/gotk-sync.yaml": SYNC,
      "clusters/c/apps.yaml": `${ks("traefik", "  path: ./infra\n")}---\n${ks("app", "  path: ./app\n  dependsOn:\n    - name: traefik-config\n      namespace: traefik\n")}`,
      "infra/release.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: traefik, namespace: traefik}
spec: {url: https://traefik.github.io/charts}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: traefik, namespace: traefik}
spec:
  interval: 1h
  chart: {spec: {chart: traefik, version: 37.1.2, sourceRef: {kind: HelmRepository, name: traefik}}}
`,
      "app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n",
    });
    const r = await run([root]);
    expect(r.stdout).toContain(
      "Kustomization/flux-system/app depends on Kustomization/traefik/traefik-config, which Slipway did not find (HelmRelease traefik/traefik, which Slipway does not render, may make it)",
    );
    expect(r.stdout).toContain(
      "Never deployed unless what Slipway did not find exists (1):\n  Kustomization/flux-system/app: depends on an object Slipway did not find",
    );
    expect(r.stdout).not.toContain("Never deployed (");
    expect(r.code).toBe(0);
    const json = JSON.parse((await run([root, "--format", "json"])).stdout) as {
      missing: Array<{ mayExist?: string }>;
    };
    expect(json.missing.map((m) => m.mayExist)).toEqual([
      " (HelmRelease traefik/traefik, which Slipway does not render, may make it)",
    ]);
  });

  it("exits 2 on bad usage", async () => {
    expect((await run(["--format", "svg"])).code).toBe(2);
  });
});

describe("slipway graph of charts whose values come from an encrypted Secret", () => {
  // Found probing by hand: graph did not decrypt, so with the key at hand it still said each
  // such chart was "not rendered: no age identity available here decrypts it", left its
  // objects out and exited 1. It now decrypts as check does, and masks: this chart names an
  // object after the secret value.
  const NAMED = `apiVersion: v1
kind: ConfigMap
metadata:
  name: named-{{ .Values.auth.password | lower }}
`;
  const files = async () => ({
    ...(await sopsFixtureFiles("graph-greeting")),
    "charts/demo/templates/named.yaml": NAMED,
  });

  it("renders them with the key, and masks an object name taken from the secret", async () => {
    const root = writeFixture(await files());
    const r = await captureOutput(() =>
      graphCommand([root, "--format", "json", "--age-key-file", demoKeyFile]),
    );
    expect(r.stderr).not.toContain("no age identity");
    const names = JSON.stringify(JSON.parse(r.stdout).nodes);
    expect(names).toContain("<masked:sha256:");
    expect(names.toLowerCase()).not.toContain("s3cr3t-value");
    expect(r.stdout.toLowerCase()).not.toContain("s3cr3t-value");
  });

  it("without a key, says so and exits 1", async () => {
    const root = writeFixture(await files());
    const empty = path.join(mkdtempSync(path.join(tmpdir(), "slipway-graph-key-")), "none.agekey");
    writeFileSync(empty, "");
    const r = await captureOutput(() => graphCommand([root, "--age-key-file", empty]));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no age identity available here decrypts it");
  });
});
