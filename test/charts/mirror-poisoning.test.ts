/**
 * A pull request's slipway.yaml names its own server as the `charts.mirrors` entry of a public
 * Helm repository, and CI runs `slipway charts pull` on it with the chart cache CI shares between
 * runs. The chart the mirror served must not become the repository's chart for a later run on
 * the base branch, whose slipway.yaml names no mirror: that run renders the source's chart, or
 * says the chart is not cached. The pull request's own runs still read what its mirror served.
 * Two Helm repositories on loopback serve two different charts of one name and version.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmRelease, helmRepository } from "../support/flux.js";
import { keepNoRenders, pullInto, renderFrom, servedByChart } from "../support/served-by.js";
import { type HelmRepoServer, startHelmRepo } from "../support/servers.js";

let work: string;
let source: HelmRepoServer;
let mirror: HelmRepoServer;

/** A Helm repository directory serving chart `app` 1.0.0, whose ConfigMap says `servedBy`. */
function site(servedBy: string): string {
  const dir = path.join(work, servedBy, "stable");
  mkdirSync(dir, { recursive: true });
  const archive = servedByChart(servedBy);
  writeFileSync(path.join(dir, "app-1.0.0.tgz"), archive);
  const digest = createHash("sha256").update(archive).digest("hex");
  writeFileSync(
    path.join(dir, "index.yaml"),
    `apiVersion: v1\nentries:\n  app:\n    - name: app\n      version: 1.0.0\n      digest: ${digest}\n      urls: [app-1.0.0.tgz]\n`,
  );
  return path.join(work, servedBy);
}

/** A repository applying one HelmRelease of `app` from the source; `mirrors` in its slipway.yaml. */
function repository(mirrors: string): string {
  const dir = mkdtempSync(path.join(work, "repo-"));
  mkdirSync(path.join(dir, "clusters", "dev"), { recursive: true });
  writeFileSync(
    path.join(dir, "slipway.yaml"),
    `clusters:\n  - name: dev\n    path: clusters/dev\n${mirrors}`,
  );
  writeFileSync(
    path.join(dir, "clusters", "dev", "app.yaml"),
    `${helmRepository("charts", `http://127.0.0.1:${source.port}/stable`)}---\n${helmRelease(
      "app",
      "default",
      "      chart: app\n      version: 1.0.0\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n        namespace: flux-system\n",
    )}`,
  );
  return dir;
}

let restoreNoCache: () => void;

beforeAll(async () => {
  restoreNoCache = keepNoRenders();
  work = mkdtempSync(path.join(tmpdir(), "slipway-mirror-poison-"));
  source = await startHelmRepo(site("source"));
  mirror = await startHelmRepo(site("mirror"));
});
afterAll(async () => {
  restoreNoCache();
  await source?.stop();
  await mirror?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("a pull request's chart mirror and the shared chart cache", () => {
  it("serves what the mirror served only to runs whose slipway.yaml names that mirror", async () => {
    const cache = path.join(work, "shared-cache");
    const base = repository("");
    const pr = repository(
      `charts:\n  mirrors:\n    - from: http://127.0.0.1:${source.port}\n      to: http://127.0.0.1:${mirror.port}\n`,
    );

    expect((await pullInto(pr, cache)).code).toBe(0);
    expect(mirror.log).toContain("GET /stable/app-1.0.0.tgz");
    // The pull request's own render reads its mirror's chart.
    expect((await renderFrom(pr, cache)).stdout).toContain("servedBy: mirror");

    // The base branch, later, with the same cache: the mirror's chart is not the source's.
    const before = await renderFrom(base, cache);
    expect(before.stdout).not.toContain("servedBy: mirror");
    expect(`${before.stdout}${before.stderr}`).toMatch(/not in the chart cache/);
    expect((await pullInto(base, cache)).code).toBe(0);
    expect(source.log).toContain("GET /stable/app-1.0.0.tgz");
    expect((await renderFrom(base, cache)).stdout).toContain("servedBy: source");

    // Both entries now live side by side: each run still reads its own.
    expect((await renderFrom(pr, cache)).stdout).toContain("servedBy: mirror");
  });
});
