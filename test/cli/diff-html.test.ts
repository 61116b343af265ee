/** `slipway diff --format html`: one self-contained page holding the masked diff, no network. */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { diffCommand } from "../../src/cli/diff.js";
import { captureOutput } from "../support/capture.js";
import { demoKeyFiles, demoPlaintexts, platformDir } from "../support/demo-secrets.js";

describe("slipway diff --format html", () => {
  it("writes a page with the diff inlined, a no-network CSP and no plaintext secret", async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "slipway-diffhtml-")), "platform");
    cpSync(platformDir, dir, { recursive: true });
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
        cwd: dir,
        stdio: "ignore",
      });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "base");
    const file = path.join(dir, "apps/backend/base/deployment.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace("revisionHistoryLimit: 5", "revisionHistoryLimit: 3"),
    );
    const out = await captureOutput(() =>
      diffCommand([dir, "--base", "HEAD", "--format", "html", "--age-key-file", demoKeyFiles[0]!]),
    );
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^<!doctype html>/);
    expect(out.stdout).toContain("default-src 'none'");
    const data = /<script id="slipway-data" type="application\/json">(.*?)<\/script>/s.exec(out.stdout)![1]!;
    const bundle = JSON.parse(data);
    expect(bundle.start).toBe("#/diff");
    expect(bundle.revisionDiff.summary.changed).toBe(3);
    expect(JSON.stringify(bundle.revisionDiff)).toContain("spec.revisionHistoryLimit");
    for (const s of await demoPlaintexts()) expect(out.stdout.includes(s)).toBe(false);
  });

  it("refuses --matrix with html and names the command that does it", async () => {
    const out = await captureOutput(() => diffCommand([platformDir, "--matrix", "--format", "html"]));
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("slipway report --html");
  });
});
