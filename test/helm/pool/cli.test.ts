/**
 * The CLI as shipped (bin/slipway.js runs dist/bundle, whose worker.js is a second bundle
 * entry): rendering with worker threads prints exactly what rendering without them prints.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { FIXTURE_FILES, localRelease, writeFixture } from "../../helmrelease/fixture.js";
import { repoRoot } from "../../support/env.js";

const bundledWorker = path.join(repoRoot, "dist/bundle/worker.js");
const built = existsSync(bundledWorker);
if (!built) process.stderr.write("[skipped] render pool CLI suite needs dist/bundle (npm run build)\n");

// Six more releases of the repository's own chart, so a batch is big enough for workers.
const more = Array.from(
  { length: 6 },
  (_, i) => `---\n${localRelease(`extra-${i}`, `    replicas: ${i + 1}\n    greeting: extra-${i}\n`)}`,
).join("");
const root = writeFixture({ "apps/helmrelease.yaml": `${FIXTURE_FILES["apps/helmrelease.yaml"]}${more}` });
afterAll(() => rmSync(root, { recursive: true, force: true }));

function render(workers: string, ...args: string[]) {
  return renderWith({ SLIPWAY_WORKERS: workers }, ...args);
}

function renderWith(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, "bin/slipway.js"), "render", root, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  // Masks are keyed per run (so they cannot be looked up across runs): compare which fields
  // are masked, not the keyed hashes.
  const unkeyed = (t: string) => t.replace(/<masked:sha256:[0-9a-f]+>/g, "<masked>");
  return { code: r.status, stdout: unkeyed(r.stdout), stderr: unkeyed(r.stderr) };
}

describe.runIf(built)("slipway render with worker threads", () => {
  it("prints the same YAML and JSON with 0 and 2 workers", () => {
    for (const args of [[], ["--format", "json"], ["--show-secrets"]]) {
      const alone = render("0", ...args);
      expect(alone.code, alone.stderr).toBe(0);
      expect(alone.stdout).toContain("extra-5");
      const pooled = render("2", ...args);
      expect(pooled).toEqual(alone);
    }
  });

  it("prints the same with workers loading their chunks through the code cache (a first and a later run)", () => {
    const cache = mkdtempSync(path.join(tmpdir(), "slipway-pool-cli-"));
    try {
      // Caches on in a directory of the test's own; the render cache is removed between runs so
      // that each renders. The first run writes the code cache, the second starts its workers
      // through it; with caching off (both caches) they load as Node loads them.
      const env = { SLIPWAY_WORKERS: "2", SLIPWAY_NO_CACHE: "", SLIPWAY_CACHE_DIR: cache };
      const alone = render("0", "--format", "json");
      expect(alone.code, alone.stderr).toBe(0);
      const writing = renderWith(env, "--format", "json");
      expect(existsSync(path.join(cache, "code"))).toBe(true);
      rmSync(path.join(cache, "renders"), { recursive: true, force: true });
      const reading = renderWith(env, "--format", "json");
      const off = renderWith({ ...env, SLIPWAY_NO_CACHE: "1" }, "--format", "json");
      expect([writing, reading, off]).toEqual([alone, alone, alone]);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it("checks alike with 0 and 2 workers: the schema rules' validators readied during the renders change nothing", () => {
    // The validators of the kinds rendered so far get ready as idle work while the main thread
    // renders beside the workers (src/validate/schema/preload.ts); without workers, at the end.
    const check = (workers: string) => {
      const r = spawnSync(
        process.execPath,
        [path.join(repoRoot, "bin/slipway.js"), "check", root, "--format", "json"],
        { encoding: "utf8", env: { ...process.env, SLIPWAY_WORKERS: workers, SLIPWAY_NO_CACHE: "1" } },
      );
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const alone = check("0");
    // 1: findings of error level; 2 and up: the check could not run.
    expect([0, 1], alone.stderr).toContain(alone.code);
    expect(JSON.parse(alone.stdout).findings).toBeDefined();
    expect(check("2")).toEqual(alone);
  });

  it("ships a worker entry that starts", async () => {
    const worker = new Worker(bundledWorker, { workerData: { port: undefined } });
    const started = await new Promise<string>((resolve) => {
      worker.once("online", () => resolve("online"));
      worker.once("error", (e) => resolve(`error: ${e.message}`));
    });
    await worker.terminate();
    expect(started).toBe("online");
  });
});
