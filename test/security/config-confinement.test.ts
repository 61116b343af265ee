/**
 * Issue 9: slipway.yaml comes from the pull request too. The directories it names stay inside
 * the repository (links resolved) unless the person running Slipway allows more
 * (`--allow-path`); a refused entry is an error naming the field, and nothing outside is read.
 */
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { renderCommand } from "../../src/cli/render.js";
import { confinedView } from "../../src/fs/confined.js";
import { DiskFileSystem } from "../../src/fs/filesystem.js";
import { loadPlatform, platformErrors } from "../../src/platform/index.js";
import { captureOutput } from "../support/capture.js";
import { SYNC } from "../support/flux.js";

const MARKER = "outside-config-content-41d2";

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-config-"));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), c);
  }
  return dir;
}

/** A neighbour "repository" with a Flux cluster whose objects carry the marker. */
const NEIGHBOUR = {
  "other/clusters/c/sync.yaml": SYNC,
  "other/clusters/c/cm.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: default\ndata:\n  v: ${MARKER}\n`,
  "other/apps/cm.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  namespace: default\ndata:\n  v: ${MARKER}\n`,
};

describe("slipway.yaml paths are confined to the repository", () => {
  it("a cluster whose sourceRoot leaves the repository is refused, naming the field", () => {
    const dir = tree({
      ...NEIGHBOUR,
      "repo/slipway.yaml": "clusters:\n- name: evil\n  path: clusters/c\n  sourceRoot: ../other\n",
    });
    const p = loadPlatform(path.join(dir, "repo"));
    expect(p.clusters.map((c) => c.name)).toEqual([]);
    const errors = platformErrors(p).map((e) => `${e.file}: ${e.message}`);
    expect(errors.join("\n")).toMatch(
      /slipway\.yaml: slipway\.yaml: clusters\[0\]\.sourceRoot '\.\.\/other' is outside the repository/,
    );
    expect(JSON.stringify(p)).not.toContain(MARKER);
    // Allowed on the command line: rendered.
    const allowed = loadPlatform(path.join(dir, "repo"), { allowedPaths: [path.join(dir, "other")] });
    expect(allowed.clusters.map((c) => c.name)).toEqual(["evil"]);
    expect(JSON.stringify(allowed.clusters[0]!.kustomizations[0]!.resources)).toContain(MARKER);
  });

  it("a mapped source outside is refused unless allowed (--allow-path on the CLI)", async () => {
    const dir = tree({
      ...NEIGHBOUR,
      "repo/clusters/c/sync.yaml": SYNC,
      "repo/clusters/c/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  path: ./apps
  sourceRef:
    kind: GitRepository
    name: other
`,
      "repo/slipway.yaml": "sources:\n- kind: GitRepository\n  name: other\n  path: ../other\n",
    });
    const repo = path.join(dir, "repo");
    const refused = await captureOutput(() => renderCommand([repo]));
    expect(refused.stdout + refused.stderr).not.toContain(MARKER);
    expect(refused.stderr).toMatch(/sources\[0\]\.path '\.\.\/other' is outside the repository/);
    const ok = await captureOutput(() => renderCommand([repo, "--allow-path", path.join(dir, "other")]));
    expect(ok.stdout).toContain(MARKER);
  });

  it("a symbolic link inside the repository that leads out is outside too", () => {
    const dir = tree({
      ...NEIGHBOUR,
      "repo/slipway.yaml": "clusters:\n- name: l\n  path: clusters/c\n  sourceRoot: vendored\n",
    });
    symlinkSync(path.join(dir, "other"), path.join(dir, "repo/vendored"));
    const p = loadPlatform(path.join(dir, "repo"));
    expect(p.clusters).toEqual([]);
    expect(platformErrors(p)[0]?.message).toMatch(
      /clusters\[0\]\.sourceRoot 'vendored' is outside the repository/,
    );
    expect(JSON.stringify(p)).not.toContain(MARKER);
  });

  it("a link that leads out is outside too when the load is given a view of the repository", () => {
    // A changed-only diff gives each revision's load a confined view it shares with its read
    // sets: the config's paths are still judged by where they lead on the file system itself.
    const dir = tree({
      ...NEIGHBOUR,
      "repo/slipway.yaml": "clusters:\n- name: l\n  path: clusters/c\n  sourceRoot: vendored\n",
    });
    symlinkSync(path.join(dir, "other"), path.join(dir, "repo/vendored"));
    const repo = realpathSync(path.join(dir, "repo"));
    const p = loadPlatform(repo, { fs: confinedView(new DiskFileSystem(), [repo]) });
    expect(p.clusters).toEqual([]);
    expect(platformErrors(p)[0]?.message).toMatch(
      /clusters\[0\]\.sourceRoot 'vendored' is outside the repository/,
    );
  });

  it("check.schemaDirs outside the repository are dropped with an error", () => {
    const dir = tree({ ...NEIGHBOUR, "repo/slipway.yaml": "check:\n  schemaDirs: [../other]\n" });
    const p = loadPlatform(path.join(dir, "repo"));
    expect(p.config?.check?.schemaDirs).toEqual([]);
    expect(platformErrors(p)[0]?.message).toMatch(/check\.schemaDirs\[0\] '\.\.\/other' is outside/);
  });
});
