/**
 * `helm template --output-dir` writes files named by the chart under a directory that may come
 * with the pull request (a checked-out `rendered/` tree). A symbolic link planted there must not
 * turn a render into a write outside it: Slipway refuses to write through a link below the
 * output directory, names it, and leaves the link's target untouched.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { diskIO, runHelmTemplate } from "../../src/cli/helm.js";
import { renderCommand } from "../../src/cli/render.js";
import { captureOutput } from "../support/capture.js";
import { repoRoot } from "../support/env.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setUp(): { dir: string; outside: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-out-links-"));
  const outside = mkdtempSync(path.join(tmpdir(), "slipway-out-victim-"));
  dirs.push(dir, outside);
  mkdirSync(path.join(dir, "chart/templates"), { recursive: true });
  writeFileSync(path.join(dir, "chart/Chart.yaml"), "apiVersion: v2\nname: od\nversion: 0.1.0\n");
  writeFileSync(path.join(dir, "chart/templates/a.yaml"), "kind: ConfigMap\n");
  writeFileSync(path.join(outside, "victim"), "precious\n");
  return { dir, outside };
}

function run(dir: string): { code: number; stderr: string } {
  let stderr = "";
  const io = { ...diskIO(), cwd: dir, stdout: () => {}, stderr: (s: string) => (stderr += s) };
  return { code: runHelmTemplate(["r", "chart", "--output-dir", "rendered"], io), stderr };
}

describe("helm template --output-dir and symbolic links below it", () => {
  it("a template's file that is a link to a file outside is refused, the target untouched", () => {
    const { dir, outside } = setUp();
    mkdirSync(path.join(dir, "rendered/od/templates"), { recursive: true });
    symlinkSync(path.join(outside, "victim"), path.join(dir, "rendered/od/templates/a.yaml"));
    const { code, stderr } = run(dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/rendered\/od\/templates\/a\.yaml.*symbolic link/);
    expect(readFileSync(path.join(outside, "victim"), "utf8")).toBe("precious\n");
  });

  it("a directory below it that is a link to a directory outside is refused, nothing written there", () => {
    const { dir, outside } = setUp();
    mkdirSync(path.join(dir, "rendered"), { recursive: true });
    symlinkSync(outside, path.join(dir, "rendered/od"));
    const { code, stderr } = run(dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/rendered\/od.*symbolic link/);
    expect(() => readFileSync(path.join(outside, "templates/a.yaml"))).toThrow();
  });

  it("without links the files are written as before", () => {
    const { dir } = setUp();
    expect(run(dir).code).toBe(0);
    expect(readFileSync(path.join(dir, "rendered/od/templates/a.yaml"), "utf8")).toBe(
      "---\n# Source: od/templates/a.yaml\nkind: ConfigMap\n",
    );
  });
});

describe("render --out and symbolic links below it", () => {
  it("a cluster directory that is a link to a directory outside is refused, nothing written there", async () => {
    const { dir, outside } = setUp();
    const out = path.join(dir, "rendered");
    mkdirSync(out);
    symlinkSync(outside, path.join(out, "test"));
    const fixture = path.join(repoRoot, "test/fixtures/flux/edge-cases");
    const r = await captureOutput(() => renderCommand([fixture, "--out", out]));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/rendered\/test.*symbolic link/);
    expect(readdirSync(outside)).toEqual(["victim"]);
  });
});
