import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/check/types.js";
import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { loadPlatform } from "../../src/platform/index.js";
import { verifyPromotion } from "../../src/promote/verify.js";
import { deployment, fluxKs, promote, ROOT, twoEnvs } from "./harness.js";

const IMG = "ghcr.io/acme/app";

function tree(productionTag: string, extra: Record<string, string> = {}) {
  return twoEnvs({
    "clusters/staging/app.yaml": fluxKs("app", "./apps/staging"),
    "clusters/production/app.yaml": fluxKs("app", "./apps/production"),
    "apps/staging/deployment.yaml": deployment("app", `${IMG}:2.0.0`),
    "apps/production/deployment.yaml": deployment("app", `${IMG}:${productionTag}`),
    ...extra,
  });
}

function load(files: Record<string, string>) {
  return loadPlatform(ROOT, {
    fs: new MemoryFileSystem(Object.fromEntries(Object.entries(files).map(([p, t]) => [`${ROOT}/${p}`, t]))),
  });
}

describe("verifyPromotion", () => {
  const planned = promote(tree("1.0.0")).plan;

  it("accepts a target that now runs exactly the source's versions", () => {
    expect(
      verifyPromotion({ plan: planned, before: load(tree("1.0.0")), after: load(tree("2.0.0")) }).refusals,
    ).toEqual([]);
  });

  it("refuses when the edit did not take effect", () => {
    const r = verifyPromotion({ plan: planned, before: load(tree("1.0.0")), after: load(tree("1.5.0")) });
    expect(r.refusals).toEqual([
      expect.objectContaining({
        code: "VERIFY",
        message: expect.stringMatching(
          /renders as 'ghcr.io\/acme\/app:1.5.0', not 2.0.0: the edit did not take effect/,
        ),
      }),
    ]);
  });

  it("refuses when the target no longer renders", () => {
    const broken = tree("2.0.0", { "apps/production/kustomization.yaml": "resources:\n  - missing.yaml\n" });
    const r = verifyPromotion({ plan: planned, before: load(tree("1.0.0")), after: load(broken) });
    expect(r.refusals.map((x) => x.code)).toContain("TARGET_RENDER");
  });

  it("refuses new check errors in the target, and changes to other clusters", () => {
    const finding: Finding = {
      rule: "image-tag-pinned",
      severity: "error",
      message: "bad tag",
      cluster: "production",
      file: "apps/production/deployment.yaml",
      line: 16,
    };
    const r = verifyPromotion({
      plan: planned,
      before: load(tree("1.0.0")),
      after: load(tree("2.0.0")),
      checkBefore: [],
      checkAfter: [finding],
    });
    expect(r.refusals).toEqual([
      {
        code: "TARGET_CHECK",
        message: "after the edits, production fails check: bad tag [image-tag-pinned]",
        file: "apps/production/deployment.yaml",
        line: 16,
      },
    ]);
    const staging = tree("2.0.0", { "apps/staging/deployment.yaml": deployment("app", `${IMG}:9.9.9`) });
    const other = verifyPromotion({ plan: planned, before: load(tree("1.0.0")), after: load(staging) });
    expect(other.refusals).toEqual([
      expect.objectContaining({
        code: "SHARED_BASE",
        message: expect.stringMatching(/also change cluster staging \(flux-system\/app\)/),
      }),
    ]);
  });
});
