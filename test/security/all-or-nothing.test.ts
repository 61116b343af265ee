/**
 * Commands that write several files write all of them or none. Each case plants an obstacle
 * for a file that comes after the first (a directory where a later output goes, or a later
 * input that fails) and asserts: a non-zero exit, one message naming the place, and the output
 * directory exactly as it was before the run.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { diskIO, runHelmTemplate } from "../../src/cli/helm.js";
import { renderCommand } from "../../src/cli/render.js";
import { captureOutput } from "../support/capture.js";
import { slipway } from "../support/cli.js";
import { repoRoot } from "../support/env.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function temp(): string {
  const d = mkdtempSync(path.join(tmpdir(), "slipway-all-or-nothing-"));
  dirs.push(d);
  return d;
}

function write(root: string, files: Record<string, string>): void {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), content);
  }
}

/** Every path below `root` ("/" after a directory). */
function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const dirLike = statSync(p).isDirectory();
      out.push(path.relative(root, p) + (dirLike ? "/" : ""));
      if (dirLike) walk(p);
    }
  };
  walk(root);
  return out;
}

describe("all or nothing", () => {
  it("render --out: a later target that is a directory leaves no file written", async () => {
    const out = path.join(temp(), "rendered");
    // flux-system/paused.yaml comes after other files of the same cluster.
    mkdirSync(path.join(out, "test/flux-system/paused.yaml"), { recursive: true });
    const before = listing(out);
    const fixture = path.join(repoRoot, "test/fixtures/flux/edge-cases");
    const r = await captureOutput(() => renderCommand([fixture, "--out", out]));
    expect(r.code).toBe(2);
    const errors = r.stderr.split("\n").filter((l) => l.includes("--out"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/paused\.yaml.*nothing written/);
    expect(listing(out)).toEqual(before);
  });

  it("helm template --output-dir: a later template's file that is a directory leaves none written", () => {
    const dir = temp();
    write(dir, {
      "chart/Chart.yaml": "apiVersion: v2\nname: od\nversion: 0.1.0\n",
      // Helm orders by kind: the Secret (a.yaml) is written before the ConfigMap (b.yaml).
      "chart/templates/a.yaml": "kind: Secret\n",
      "chart/templates/b.yaml": "kind: ConfigMap\n",
    });
    mkdirSync(path.join(dir, "rendered/od/templates/b.yaml"), { recursive: true });
    const before = listing(dir);
    let stderr = "";
    let stdout = "";
    const io = {
      ...diskIO(),
      cwd: dir,
      stdout: (s: string) => (stdout += s),
      stderr: (s: string) => (stderr += s),
    };
    const code = runHelmTemplate(["r", "chart", "--output-dir", "rendered"], io);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/rendered\/od\/templates\/b\.yaml/);
    expect(stdout).not.toContain("wrote");
    expect(listing(dir)).toEqual(before);
  });

  it("helm template --output-dir: a hook appended to a file on disk keeps what it held", () => {
    const dir = temp();
    write(dir, {
      "chart/Chart.yaml": "apiVersion: v2\nname: od\nversion: 0.1.0\n",
      "chart/templates/hook.yaml": "kind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: test\n",
      "rendered/od/templates/hook.yaml": "earlier\n",
    });
    const io = { ...diskIO(), cwd: dir, stdout: () => {}, stderr: () => {} };
    expect(runHelmTemplate(["r", "chart", "--output-dir", "rendered"], io)).toBe(0);
    expect(readFileSync(path.join(dir, "rendered/od/templates/hook.yaml"), "utf8")).toMatch(
      /^earlier\n---\n# Source: od\/templates\/hook\.yaml\nkind: Pod/,
    );
  });

  it("build --out-dir: a later directory that fails to build leaves none written", () => {
    const dir = temp();
    write(dir, {
      "a/kustomization.yaml": "resources:\n  - cm.yaml\n",
      "a/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
      "b/kustomization.yaml": "resources:\n  - missing.yaml\n",
    });
    const r = slipway(["build", "a", "b", "--out-dir", "out"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/b: .*missing\.yaml/);
    expect(r.stderr).toMatch(/1 of 2 directories failed; nothing written/);
    expect(listing(dir)).not.toContain("out/");
  });
});
