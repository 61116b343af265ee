/**
 * rendersAlike: when a HelmRelease render started ahead of the Flux builds (with the API
 * versions known then) is the render of the job made after them.
 */
import { describe, expect, it } from "vitest";
import type { ReleaseJob, ReleaseOutcome } from "../../src/helm/pool/index.js";
import { GoMap } from "../../src/helm/template/value.js";
import { rendersAlike } from "../../src/platform/helmreleases.js";

const job = (apiVersions: string[]): ReleaseJob => ({
  releaseName: "r",
  namespace: "ns",
  values: new GoMap(),
  apiVersions,
  skipSchemaValidation: false,
  seed: "c/ns/r",
  now: 0,
});
const read = (has: string[], whole = false): ReleaseOutcome => ({
  ok: true,
  release: { manifests: [], hooks: [], crds: [], notes: "" } as never,
  apiVersionsRead: { whole, has },
});
const failed: ReleaseOutcome = { ok: false, error: "boom" };

describe("rendersAlike", () => {
  it.each([
    ["same list, nothing read", read([]), ["a.io/v1"], ["a.io/v1"], true],
    ["same list, whole list read", read([], true), ["a.io/v1"], ["a.io/v1"], true],
    ["same list, failed", failed, ["a.io/v1"], ["a.io/v1"], true],
    [
      "same versions in another order, whole list read",
      read([], true),
      ["a.io/v1", "b.io/v1"],
      ["b.io/v1", "a.io/v1"],
      false,
    ],
    [
      "a version added that was not asked about",
      read(["b.io/v1"]),
      ["a.io/v1"],
      ["a.io/v1", "c.io/v1"],
      true,
    ],
    ["a version added that was asked about", read(["c.io/v1"]), ["a.io/v1"], ["a.io/v1", "c.io/v1"], false],
    ["a version gone that was asked about", read(["a.io/v1"]), ["a.io/v1"], [], false],
    ["a built-in version asked about", read(["apps/v1"]), [], ["apps/v1"], true],
    ["a version added, whole list read", read([], true), ["a.io/v1"], ["a.io/v1", "c.io/v1"], false],
    ["a version added, failed", failed, ["a.io/v1"], ["a.io/v1", "c.io/v1"], false],
  ])("%s", (_, outcome, ran, now, alike) => {
    expect(rendersAlike(outcome, job(ran), job(now))).toBe(alike);
  });
});
