/**
 * flux-kustomization-unread: a kustomization file whose first YAML document is empty and whose
 * content follows it. kustomize-controller reads the first document only, so the Flux
 * Kustomization applies nothing; Slipway renders the same, and `check` says why, from a cold run
 * and from the render cache alike.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../../src/check/engine.js";
import { rules as fluxRules } from "../../../src/check/rules/flux.js";
import { loadPlatform } from "../../../src/platform/index.js";
import { tempTree } from "../../support/cli.js";
import { repoRoot } from "../../support/env.js";
import { fluxKs, fluxSync } from "../../support/flux.js";
import { scratchDirs } from "../../support/scratch.js";

const temps = scratchDirs();

const cm = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\n`;

function repo(files: Record<string, string>): string {
  const root = tempTree({
    "clusters/prod/flux-system/gotk-sync.yaml": fluxSync("./clusters/prod"),
    "clusters/prod/apps.yaml": fluxKs("apps", "./apps/demo"),
    "apps/demo/cm.yaml": cm("a"),
    ...files,
  });
  temps.keep(root);
  return root;
}

function unread(root: string) {
  const platform = loadPlatform(root);
  const findings = runCheck(platform, { rules: fluxRules }).findings.filter(
    (f) => f.rule === "flux-kustomization-unread",
  );
  const apps = platform.clusters[0]!.kustomizations.find((k) => k.id === "flux-system/apps")!;
  return { findings, applied: apps.resources.length };
}

describe("flux-kustomization-unread", () => {
  it("an empty first document before the content: a warning at the marker that starts it, nothing applied", () => {
    const { findings, applied } = unread(
      repo({ "apps/demo/kustomization.yaml": "---\n---\nresources:\n- cm.yaml\n" }),
    );
    expect(applied).toBe(0);
    expect(findings.map((f) => [f.severity, f.file, f.line])).toEqual([
      ["warning", "apps/demo/kustomization.yaml", 2],
    ]);
    expect(findings[0]!.message).toContain("applies nothing (and prunes what it applied before)");
  });

  it("comments in the first document are no content", () => {
    const { findings } = unread(
      repo({ "apps/demo/kustomization.yaml": "# apps\n---\n# more\n---\nresources: [cm.yaml]\n" }),
    );
    expect(findings.map((f) => f.line)).toEqual([4]);
  });

  it.each([
    ["a leading document marker", "---\nresources:\n- cm.yaml\n"],
    ["content in the first document, a second one after it", "resources:\n- cm.yaml\n---\nnamespace: x\n"],
    ["an empty file after comments", "# nothing yet\n"],
    ["empty documents only", "---\n---\n"],
  ])("no finding for %s", (_name, text) => {
    expect(unread(repo({ "apps/demo/kustomization.yaml": text })).findings).toEqual([]);
  });

  it("a run served from the render cache says it too", async () => {
    const root = repo({ "apps/demo/kustomization.yaml": "---\n---\nresources:\n- cm.yaml\n" });
    const cacheDir = temps.make("slipway-unread-");
    const run = () =>
      new Promise<string>((resolve) => {
        let out = "";
        const child = spawn(
          process.execPath,
          [path.join(repoRoot, "bin/slipway.js"), "check", root, "--format", "json"],
          { env: { ...process.env, SLIPWAY_NO_CACHE: "", SLIPWAY_CACHE_DIR: cacheDir } },
        );
        child.stdout.on("data", (d) => (out += d));
        child.on("close", () => resolve(out));
      });
    const rules = (out: string) =>
      (JSON.parse(out) as { findings: Array<{ rule: string; line: number }> }).findings
        .filter((f) => f.rule === "flux-kustomization-unread")
        .map((f) => f.line);
    expect(rules(await run())).toEqual([2]);
    // Another file: the check's result cache misses, the apps Kustomization's render is a hit.
    writeFileSync(path.join(root, "README.md"), "the repository\n");
    expect(rules(await run())).toEqual([2]);
  });
});
