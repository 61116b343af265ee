import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffCommand } from "../../src/cli/diff.js";
import { basePlatform, deployment, GitFixture, SECRET_V1, SECRET_V2, secret } from "../diff/git-fixture.js";
import { captureOutput } from "../support/capture.js";
import { repoRoot } from "../support/env.js";
import { helmRelease, helmRepository } from "../support/flux.js";

async function run(args: string[]) {
  return captureOutput(() => diffCommand(args));
}

describe("slipway diff (CLI)", () => {
  const repo = new GitFixture();
  let c0 = "";
  let c1 = "";
  beforeAll(() => {
    repo.write(basePlatform());
    c0 = repo.commit("initial");
    repo.write({
      "apps/app/deployment.yaml": deployment({ image: "1.2.0" }),
      "apps/app/secret.yaml": secret(SECRET_V2),
    });
    c1 = repo.commit("bump and rotate");
  });
  afterAll(() => repo.cleanup());

  it("exits 0 without differences and 1 with them", async () => {
    expect((await run([repo.dir, "--base", c1])).code).toBe(0); // working tree == c1
    const r = await run([repo.dir, "--base", c0, "--head", c1]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "~ spec.template.spec.containers[name=app].image: registry.example.com/app:1.0.0 → registry.example.com/app:1.2.0",
    );
  });

  it("prints a pull-request comment: summary table first, details per Flux Kustomization", async () => {
    const r = await run([repo.dir, "--base", c0, "--head", c1, "--format", "markdown", "--full"]);
    expect(r.code).toBe(1);
    const table = r.stdout.indexOf("| Cluster | Flux Kustomization |");
    expect(table).toBeGreaterThan(0);
    expect(r.stdout.indexOf("<details>")).toBeGreaterThan(table);
    expect(r.stdout).toContain("| prod | `flux-system/app` | 0 | 0 | 2 |");
  });

  it("prints JSON and never a secret value in any format", async () => {
    const r = await run([repo.dir, "--base", c0, "--head", c1, "--format", "json"]);
    const report = JSON.parse(r.stdout);
    expect(report.mode).toBe("revision");
    expect(report.summary).toMatchObject({ kustomizations: 1, changed: 2 });
    for (const format of ["text", "markdown", "json"]) {
      const out = (await run([repo.dir, "--base", c0, "--head", c1, "--format", format])).stdout;
      expect(out).not.toContain(SECRET_V1);
      expect(out).not.toContain(SECRET_V2);
      expect(out).toMatch(/<masked:sha256:[0-9a-f]{8}>/);
    }
  });

  it("exits 2 on bad usage and unknown revisions", async () => {
    expect((await run([repo.dir])).code).toBe(2);
    expect((await run([repo.dir, "--base", c0, "--format", "yaml"])).code).toBe(2);
    expect((await run([repo.dir, "--env", "a"])).code).toBe(2);
    await expect(run([repo.dir, "--base", "nope"])).rejects.toThrow(/unknown git revision/);
  });

  it("prints the environment matrix of the example platform", async () => {
    const r = await run([path.join(repoRoot, "examples/platform"), "--matrix", "--format", "markdown"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("| Service | Aspect | dev | staging | production |");
    expect(r.stdout).toContain("| frontend | replicas | `1` | `2` | `3` |");
  });

  it("compares two environments", async () => {
    const r = await run([path.join(repoRoot, "examples/platform"), "--env", "staging", "--vs", "production"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("cluster staging vs production");
    expect(r.stdout).toContain("~ spec.replicas: 2 → 3");
  });

  it("says on stderr and in every format what fails to render, exits 2 unless --accept-failed", async () => {
    const broken = new GitFixture().write(basePlatform());
    try {
      broken.write({ "apps/other/kustomization.yaml": "resources:\n  - configmap.yaml\n  - missing.yaml\n" });
      const b0 = broken.commit("other is broken");
      broken.write({
        "apps/other/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n",
      });
      const b1 = broken.commit("edit inside the broken one");
      for (const format of ["text", "markdown", "json"]) {
        const r = await run([broken.dir, "--base", b0, "--head", b1, "--format", format]);
        expect(r.code, format).toBe(2);
        expect(r.stderr).toContain("slipway diff: prod flux-system/other: fails to render on both sides");
        expect(r.stdout).toContain("flux-system/other");
        expect(r.stdout).not.toMatch(/^No differences \(/m);
      }
      const json = JSON.parse(
        (await run([broken.dir, "--base", b0, "--head", b1, "--format", "json"])).stdout,
      );
      expect(json.notCompared).toMatchObject([
        { cluster: "prod", id: "flux-system/other", reason: "failed" },
      ]);
      const accepted = await run([broken.dir, "--base", b0, "--head", b1, "--accept-failed"]);
      expect(accepted.code).toBe(0);
      expect(accepted.stderr).toContain("warning: prod flux-system/other: fails to render on both sides");
      expect(accepted.stdout).toContain("could not be compared");
    } finally {
      broken.cleanup();
    }
  });
});

describe("slipway diff of a HelmRelease whose chart is not in the chart cache", () => {
  const repo = new GitFixture();
  const release = (replicas: number) =>
    `${helmRepository("charts", "https://charts.example.com")}---\n${helmRelease(
      "web",
      "apps",
      "      chart: web\n      version: 1.0.0\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n        namespace: flux-system\n",
      `  values:\n    replicas: ${replicas}\n`,
    )}`;
  let c0 = "";
  let c1 = "";
  beforeAll(() => {
    repo.write({
      ...basePlatform(),
      "apps/other/kustomization.yaml": "resources:\n  - configmap.yaml\n  - release.yaml\n",
      "apps/other/release.yaml": release(1),
    });
    c0 = repo.commit("initial");
    repo.write({ "apps/other/release.yaml": release(3) });
    c1 = repo.commit("scale");
  });
  afterAll(() => repo.cleanup());

  it("shows the values change and says, in every format, that the chart output was not compared", async () => {
    const cache = { SLIPWAY_CACHE_DIR: path.join(repo.dir, ".no-cache-here") };
    const saved = process.env.SLIPWAY_CACHE_DIR;
    process.env.SLIPWAY_CACHE_DIR = cache.SLIPWAY_CACHE_DIR;
    try {
      const text = await run([repo.dir, "--base", c0, "--head", c1]);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain("~ spec.values.replicas: 1 → 3");
      expect(text.stdout).toContain("Not compared: 1 HelmRelease whose chart was not rendered:");
      expect(text.stdout).toContain(
        "prod HelmRelease apps/web: differs, but its chart output was not compared: ",
      );
      const md = await run([repo.dir, "--base", c0, "--head", c1, "--format", "markdown"]);
      expect(md.stdout).toContain(
        "| prod | `HelmRelease apps/web` | differs, but its chart output was not compared",
      );
      const json = JSON.parse((await run([repo.dir, "--base", c0, "--head", c1, "--format", "json"])).stdout);
      expect(json.notCompared).toEqual([
        expect.objectContaining({
          cluster: "prod",
          id: "HelmRelease apps/web",
          reason: "chart-not-rendered",
        }),
      ]);
      // An unchanged release is not listed: its chart output cannot have changed. That its
      // chart was not rendered is still said, on stderr.
      const same = await run([repo.dir, "--base", c1, "--head", c1]);
      expect(same.stdout).not.toContain("Not compared");
      expect(same.stderr).toContain(
        "slipway diff: note: 1 HelmRelease not rendered: its chart is not in the chart cache (run 'slipway charts pull')",
      );
    } finally {
      if (saved === undefined) delete process.env.SLIPWAY_CACHE_DIR;
      else process.env.SLIPWAY_CACHE_DIR = saved;
    }
  });
});
