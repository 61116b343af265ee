/**
 * The environment matrix and the environment diff with HelmReleases whose chart's objects are
 * missing: a release that fails in one environment (helm-controller would fail it) must not read
 * as "this environment has no Deployment", and one whose chart is not rendered must be named, in
 * every format and in the exit code.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diffCommand } from "../../src/cli/diff.js";
import { environmentMatrix } from "../../src/diff/index.js";
import { SlipwayError } from "../../src/errors.js";
import { loadPlatform } from "../../src/platform/index.js";
import { captureOutput } from "../support/capture.js";
import { repoRoot } from "../support/env.js";

/** examples/platform with a chart of its own, whose release fails in production (no image tag). */
function platformWithFailingRelease(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-matrix-"));
  cpSync(path.join(repoRoot, "examples/platform"), dir, { recursive: true });
  const write = (p: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), text);
  };
  const append = (p: string, text: string) => write(p, readFileSync(path.join(dir, p), "utf8") + text);
  write("charts/demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
  write("charts/demo/values.yaml", "replicas: 1\n");
  write(
    "charts/demo/templates/deploy.yaml",
    [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata:",
      "  name: demo",
      "spec:",
      "  replicas: {{ .Values.replicas }}",
      "  template:",
      "    spec:",
      "      containers:",
      "        - name: demo",
      '          image: "nginx:{{ required "image.tag is required" .Values.image.tag }}"',
      "",
    ].join("\n"),
  );
  write(
    "infrastructure/base/valkey/demo.yaml",
    [
      "apiVersion: helm.toolkit.fluxcd.io/v2",
      "kind: HelmRelease",
      "metadata:",
      "  name: demo",
      "spec:",
      "  interval: 1h",
      "  chart:",
      "    spec:",
      "      chart: ./charts/demo",
      "      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}",
      "  values:",
      "    image:",
      '      tag: "1.27"',
      "",
    ].join("\n"),
  );
  const base = "infrastructure/base/valkey/kustomization.yaml";
  write(
    base,
    readFileSync(path.join(dir, base), "utf8").replace(
      "  - helmrelease.yaml\n",
      "  - helmrelease.yaml\n  - demo.yaml\n",
    ),
  );
  append(
    "infrastructure/overlays/production/valkey/kustomization.yaml",
    "  - target: {kind: HelmRelease, name: demo}\n    patch: |\n      - op: remove\n        path: /spec/values/image\n",
  );
  return dir;
}

describe("HelmReleases left out of the environment matrix", () => {
  const dir = platformWithFailingRelease();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) => captureOutput(() => diffCommand(args));

  it("lists a failed release and every release whose chart was not rendered, per cluster", () => {
    const m = environmentMatrix(loadPlatform(dir));
    const demo = m.notCompared.filter((n) => n.id === "HelmRelease valkey/demo");
    expect(demo).toEqual([
      expect.objectContaining({ cluster: "production", reason: "failed", headStatus: "failed" }),
    ]);
    expect(demo[0]!.errors.join("\n")).toContain("nil pointer evaluating interface {}.tag");
    // Rendered in dev and staging: its objects are rows there.
    expect(m.rows.find((r) => r.service === "demo" && r.aspect === "image demo")?.values).toMatchObject({
      dev: "1.27",
      staging: "1.27",
    });
    // No chart cache here: every other release is named in every cluster, with the command that fetches it.
    const missing = m.notCompared.filter((n) => n.reason === "chart-not-rendered");
    for (const cluster of m.clusters)
      expect(missing.some((n) => n.cluster === cluster && n.id === "HelmRelease valkey/valkey")).toBe(true);
    for (const n of missing) expect(n.errors[0]).toContain("slipway charts pull");
  });

  it("says so in every format and exits 2, --accept-failed notwithstanding", async () => {
    for (const format of ["text", "markdown", "json"]) {
      const r = await run([dir, "--matrix", "--format", format]);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain("HelmRelease valkey/demo");
      expect(r.stdout).toContain("HelmRelease traefik/traefik");
      expect(r.stderr).toContain("production HelmRelease valkey/demo: fails to render");
    }
    const text = (await run([dir, "--matrix"])).stdout;
    // One line per release and reason, naming the clusters.
    expect(text).toMatch(/^ {2}- HelmRelease valkey\/demo \(production\): fails to render: /m);
    expect(text).toMatch(
      /^ {2}- HelmRelease traefik\/traefik \(dev, staging, production\): chart not rendered: /m,
    );
    expect((await run([dir, "--matrix", "--accept-failed"])).code).toBe(2);
  });

  it("the environment diff exits 2 on the release that fails", async () => {
    const r = await run([dir, "--env", "staging", "--vs", "production"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("HelmRelease valkey/demo: chart demo does not render");
  });
});

describe("SlipwayError.format", () => {
  it("does not repeat a place the message starts with", () => {
    const where = { file: "demo/templates/deploy.yaml", line: 13, column: 67 };
    const helm =
      'demo/templates/deploy.yaml:13:67\n  executing "demo/templates/deploy.yaml" at <.Values.image.tag>';
    expect(new SlipwayError(helm, where).format()).toBe(helm);
    expect(new SlipwayError("demo/templates/deploy.yaml:13:67: bad", where).format()).toBe(
      "demo/templates/deploy.yaml:13:67: bad",
    );
    expect(new SlipwayError("bad", where).format()).toBe("demo/templates/deploy.yaml:13:67: bad");
    // A longer line number is another place.
    expect(new SlipwayError("demo/templates/deploy.yaml:13:675 x", where).format()).toBe(
      "demo/templates/deploy.yaml:13:67: demo/templates/deploy.yaml:13:675 x",
    );
  });
});
