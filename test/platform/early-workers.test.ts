/**
 * foundHelmReleasesInFiles: a check whose result is not cached starts its render workers from the
 * files it has just digested, before the platform loader loads and scans (src/check/run.ts). Run
 * from dist/, where the pool has its compiled worker.js to start.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/env.js";

const dist = (p: string) => path.join(repoRoot, "dist", p);
const built = existsSync(dist("helm/pool/worker.js"));
if (!built) process.stderr.write("[skipped] early render workers suite needs dist/ (npm run build)\n");

const release = (name: string) =>
  Buffer.from(
    `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\nspec:\n  chart:\n    spec:\n      chart: app\n`,
  );
const files = (n: number, ext = "yaml") =>
  new Map(Array.from({ length: n }, (_, i) => [`/repo/apps/a${i}/helmrelease.${ext}`, release(`a${i}`)]));

describe.runIf(built)("render workers started from a check's digested files", async () => {
  // One pool for the whole file (helmreleases.js imports it): the cases that must start nothing
  // run before the one that starts a worker.
  const pool = await import(dist("helm/pool/index.js"));
  const { foundHelmReleasesInFiles } = await import(dist("platform/helmreleases.js"));
  const coldCache = { mayHold: () => false };
  pool.poolDefaults.threads = 1;

  it("starts none for fewer releases than a batch shares out, for other files, or when the cache may hold renders", () => {
    foundHelmReleasesInFiles(coldCache, files(3));
    // JSON and text files are not what the scan reads; a YAML file without Helm's group is no HelmRelease.
    foundHelmReleasesInFiles(coldCache, new Map([...files(2), ...files(3, "json"), ...files(3, "txt")]));
    foundHelmReleasesInFiles(
      coldCache,
      new Map([...files(3), ["/repo/notes.yaml", Buffer.from("kind: HelmRelease\n")]]),
    );
    const asked: string[] = [];
    foundHelmReleasesInFiles(
      {
        mayHold: (unit: string) => {
          asked.push(unit);
          return true;
        },
      },
      files(6),
    );
    expect(asked).toEqual(["helm-release"]);
    expect(pool.runningWorkers()).toBe(0);
  });

  it("starts the workers once the files hold enough HelmReleases, before any render is asked for", () => {
    foundHelmReleasesInFiles(coldCache, files(4));
    expect(pool.runningWorkers()).toBe(1);
    // The scan's later call finds them running and starts no more.
    foundHelmReleasesInFiles(coldCache, files(8));
    expect(pool.runningWorkers()).toBe(1);
  });
});
