/// <reference lib="dom" />
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { launchChromium, requiresChromium } from "../support/browser.js";
import { slipway } from "../support/cli.js";
import { fluxKs, SYNC } from "../support/flux.js";
import { GitFixture } from "./git-fixture.js";

/**
 * A change inside a Flux Kustomization suspended at both revisions: Flux applies nothing of it
 * until it is resumed, so Slipway renders nothing of it. The diff said "No differences" (exit 0)
 * with nothing else on stdout, in every mode: an edit the reviewer made was nowhere.
 */
const cm = (x: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\ndata: {x: '${x}'}\n`;
const SUSPEND = "  suspend: true\n";

function fixture(extraAtHead: Record<string, string> = {}): GitFixture {
  const r = new GitFixture().write({
    "clusters/c/flux-system/gotk-sync.yaml": SYNC,
    "clusters/c/app.yaml": fluxKs("app", "./app", SUSPEND),
    "clusters/c/web.yaml": fluxKs("web", "./web"),
    "app/cm.yaml": cm("1"),
    "web/cm.yaml": cm("1").replace("name: a", "name: w"),
  });
  r.commit("one");
  r.write({ "app/cm.yaml": cm("2"), ...extraAtHead });
  r.commit("two");
  return r;
}

const fixtures: GitFixture[] = [];
afterAll(() => {
  for (const f of fixtures) f.cleanup();
});
const made = (r: GitFixture) => {
  fixtures.push(r);
  return r;
};

describe("diff: a Flux Kustomization suspended at both revisions", () => {
  it("is listed as suspended, not compared, in every format; exit 0; changed-only equals --full", () => {
    const r = made(fixture());
    const run = (...args: string[]) =>
      slipway(["diff", r.dir, "--base", "HEAD~1", "--head", "HEAD", ...args]);
    const text = run();
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      [
        "No differences in what Flux applies (HEAD~1 → HEAD); 1 suspended Flux Kustomization was not compared (listed below).",
        "",
        "Suspended at both revisions, not compared (Flux applies nothing of it until resumed; a change in it shows when resumed):",
        "  - c flux-system/app (./app)",
        "",
      ].join("\n"),
    );
    const md = run("--format", "markdown");
    expect(md.code).toBe(0);
    expect(md.stdout).toContain(
      "No differences in what Flux applies; 1 suspended Flux Kustomization was not compared (below).",
    );
    expect(md.stdout).toContain("- c `flux-system/app` (./app)");
    expect(md.stdout).not.toContain("❌");
    const fast = JSON.parse(run("--format", "json").stdout);
    const full = JSON.parse(run("--format", "json", "--full").stdout);
    expect(fast.suspended).toEqual([{ cluster: "c", id: "flux-system/app", path: "./app" }]);
    expect({ ...fast, changedOnly: undefined }).toEqual({ ...full, changedOnly: undefined });
  });

  it("beside real differences, still listed; one suspended at one side only is a change, not listed", () => {
    const r = made(
      fixture({
        "web/cm.yaml": cm("2").replace("name: a", "name: w"),
        "clusters/c/app.yaml": fluxKs("app", "./app"),
      }),
    );
    const out = slipway(["diff", r.dir, "--base", "HEAD~1", "--head", "HEAD", "--format", "json"]);
    expect(out.code).toBe(1);
    const report = JSON.parse(out.stdout);
    expect(report.suspended).toEqual([]);
    const ks = report.clusters[0].kustomizations.map((k: { id: string }) => k.id);
    expect(ks).toEqual(expect.arrayContaining(["flux-system/app", "flux-system/web"]));
    const still = made(fixture({ "web/cm.yaml": cm("2").replace("name: a", "name: w") }));
    const text = slipway(["diff", still.dir, "--base", "HEAD~1", "--head", "HEAD"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("Kustomization flux-system/web (web): 1 changed");
    expect(text.stdout).toContain("\nSuspended at both revisions, not compared");
    expect(text.stdout).toContain("  - c flux-system/app (./app)\n");
  });
});

describe.runIf(requiresChromium())("diff --format html: the suspended Kustomizations are on the page", () => {
  it("shows them in their own section", async () => {
    const r = made(fixture());
    const out = slipway(["diff", r.dir, "--base", "HEAD~1", "--head", "HEAD", "--format", "html"]);
    expect(out.code).toBe(0);
    const file = path.join(r.dir, "..", "diff-suspended.html");
    writeFileSync(file, out.stdout);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(file).href);
      const section = page.getByTestId("suspended");
      await section.waitFor();
      expect(await section.textContent()).toContain("c flux-system/app");
      expect(await page.locator(".diff p.muted").last().textContent()).toContain(
        "No differences in what Flux applies",
      );
    } finally {
      await browser.close();
    }
  }, 60_000);
});
