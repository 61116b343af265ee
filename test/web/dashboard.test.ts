/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The dashboard as a person uses it: `slipway serve` on a copy of the example platform,
 * driven in chromium. The graph shows every node, a click opens a node's details, the
 * keyboard alone gets there and back, an edit on disk reaches the open page by itself, the
 * static report opens from file:// with no network and shows the same counts, and the page
 * holds at 1280×800 and on a narrow window with readable contrast. Screenshots go to
 * test-artifacts/ (gitignored).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphNodes, loadPlatform } from "../../src/platform/index.js";
import { artifactsDir, launchChromium, requiresChromium } from "../support/browser.js";
import { platformDir } from "../support/demo-secrets.js";
import { repoRoot } from "../support/env.js";

const cli = path.join(repoRoot, "bin/slipway.js");
const shots = path.join(artifactsDir, "screenshots");

describe.runIf(requiresChromium())("dashboard in a browser", () => {
  let dir: string;
  let serve: ChildProcess;
  let url: string;
  let browser: BrowserContext;
  let page: Page;
  const expected = { kustomizations: 0, helmReleases: 0, objects: 0, devNodes: 0 };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    dir = path.join(mkdtempSync(path.join(tmpdir(), "slipway-web-")), "platform");
    cpSync(platformDir, dir, { recursive: true });
    const platform = loadPlatform(dir);
    for (const c of platform.clusters) {
      expected.kustomizations += c.kustomizations.length;
      expected.helmReleases += c.helmReleases.length;
      expected.objects += c.kustomizations.reduce((n, k) => n + k.resources.length, 0);
    }
    expected.devNodes = graphNodes(platform, ["dev"]).length;
    serve = spawn(process.execPath, [cli, "serve", dir, "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SOPS_AGE_KEY_FILE: "", SOPS_AGE_KEY: "" },
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      serve.stdout!.on("data", (c) => {
        out += c;
        const m = /Slipway dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      serve.on("exit", (code) => reject(new Error(`slipway serve exited with ${code}`)));
    });
    for (;;) {
      const status = (await (await fetch(`${url}api/status`)).json()) as { generation: number };
      if (status.generation >= 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await launchChromium();
    page = await browser.newPage();
    page.on("pageerror", (e) => {
      throw e;
    });
  });

  afterAll(async () => {
    await browser?.close();
    serve?.kill("SIGTERM");
  });

  it("overview: the counts of the Platform", async () => {
    await page.goto(url);
    const card = (label: string) => page.locator(`[data-card="${label}"] .card-value`).textContent();
    expect(Number(await card("Flux Kustomizations"))).toBe(expected.kustomizations);
    expect(Number(await card("HelmReleases"))).toBe(expected.helmReleases);
    expect(Number(await card("Objects rendered"))).toBe(expected.objects);
    expect(await page.locator(".status").getAttribute("data-state")).toBe("fresh");
    await page.screenshot({ path: path.join(shots, "overview.png") });
  });

  it("graph: every node drawn, a click opens its details with its rendered objects", async () => {
    await page.goto(`${url}#/graph/dev`);
    await page.locator("svg.graph g.node").first().waitFor();
    expect(await page.locator("svg.graph g.node:not(.missing)").count()).toBe(expected.devNodes);
    expect(await page.locator("path.edge.critical").count()).toBeGreaterThan(0);
    await page.locator('[data-node-id="Kustomization/flux-system/backend"]').click();
    const panel = page.getByTestId("node-panel");
    await expect.poll(() => panel.locator("h2").textContent()).toContain("flux-system/backend");
    await panel.locator(".objects li").first().waitFor();
    expect(await panel.locator(".objects li").count()).toBeGreaterThan(3);
    expect(await panel.textContent()).toContain("clusters/dev/apps/backend.yaml");
    await page.screenshot({ path: path.join(shots, "graph.png") });
    // The source link opens the file, highlighted, at the line.
    await panel.locator("a.src").first().click();
    await page.locator(".code tr.focus").waitFor();
    expect(await page.locator(".code .hljs-attr").count()).toBeGreaterThan(3);
    await page.screenshot({ path: path.join(shots, "source.png") });
  });

  it("keyboard: number keys switch views, Tab reaches a node, arrows follow edges, Enter opens, Escape closes", async () => {
    await page.goto(url);
    await page.locator("main h1").waitFor();
    await page.keyboard.press("2");
    await expect.poll(() => page.evaluate(() => location.hash)).toBe("#/graph");
    await page.locator("svg.graph g.node").first().waitFor();
    let focused = "";
    for (let i = 0; i < 40 && !focused; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.getAttribute("data-node-id") ?? "");
    }
    expect(focused).toMatch(/^(Kustomization|HelmRelease)\//);
    await page.keyboard.press("ArrowRight");
    const activeNode = () => page.evaluate(() => document.activeElement?.getAttribute("data-node-id") ?? "");
    await expect.poll(activeNode).not.toBe(focused);
    const next = await activeNode();
    expect(next).not.toBe("");
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.getByTestId("node-panel").locator("h2").textContent())
      .toContain(next.split("/").slice(1).join("/"));
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByTestId("node-panel").count()).toBe(0);
    await expect.poll(activeNode).toBe(next);
  });

  it("watch: an edit on disk reaches the open page by itself", async () => {
    await page.goto(`${url}#/graph/staging`);
    await page.locator("svg.graph g.node").first().waitFor();
    const generation = Number(await page.locator(".status").getAttribute("data-generation"));
    const file = path.join(dir, "apps/backend/overlays/staging/kustomization.yaml");
    const started = performance.now();
    writeFileSync(file, `${readFileSync(file, "utf8")}\ncommonAnnotations:\n  edited: "by the test"\n`);
    await page.waitForFunction(
      (g) => Number(document.querySelector(".status")?.getAttribute("data-generation")) > g,
      generation,
      { timeout: 60_000 },
    );
    const latency = performance.now() - started;
    await page.locator('g.node.changed[data-node-id="Kustomization/flux-system/backend"]').waitFor();
    const status = (await (await fetch(`${url}api/status`)).json()) as { lastRenderMs: number };
    process.stdout.write(
      `[dashboard] edit → page updated in ${Math.round(latency)} ms (server render ${status.lastRenderMs} ms)\n`,
    );
    writeFileSync(
      path.join(artifactsDir, "watch-latency.json"),
      JSON.stringify({ latencyMs: latency, ...status }),
    );
    await page.screenshot({ path: path.join(shots, "graph-after-edit.png") });
  });

  it("the other views: findings link to sources, environments, secrets", async () => {
    await page.goto(`${url}#/findings`);
    await page.locator(".finding").first().waitFor();
    await page.screenshot({ path: path.join(shots, "findings.png") });
    await page.goto(`${url}#/env`);
    expect(await page.getByTestId("matrix").locator("tbody tr").count()).toBeGreaterThan(10);
    // No chart cache here: the matrix names the releases whose chart objects it does not hold.
    const leftOut = page.getByTestId("matrix-not-compared");
    expect(await leftOut.textContent()).toContain(
      "HelmRelease traefik/traefik (dev, staging, production): chart not rendered",
    );
    // Behind one summary line, so the matrix stays in view.
    expect(await leftOut.locator("details").getAttribute("open")).toBeNull();
    await page.getByTestId("diff-report").waitFor();
    await page.screenshot({ path: path.join(shots, "environments.png") });
    await page.goto(`${url}#/secrets`);
    expect(await page.locator("main").textContent()).toContain("cluster-secrets.sops.yaml");
    await page.screenshot({ path: path.join(shots, "secrets.png") });
  });

  it("narrow window and contrast: nothing wider than the window, text at least 4.5:1 in both schemes", async () => {
    const narrow = await browser.newPage();
    await narrow.setViewportSize({ width: 390, height: 800 });
    for (const hash of ["", "#/graph/dev", "#/findings", "#/env"]) {
      await narrow.goto(`${url}${hash}`);
      await narrow.locator("main h1").waitFor();
      const overflow = await narrow.evaluate(() => {
        const wide = [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
          .map((e) => `${e.tagName}.${e.getAttribute("class")}`);
        return { fits: document.documentElement.scrollWidth <= innerWidth + 1, wide: wide.slice(0, 5) };
      });
      expect(overflow.fits, `${hash}: ${overflow.wide.join(", ")}`).toBe(true);
    }
    await narrow.goto(url);
    await narrow.screenshot({ path: path.join(shots, "overview-narrow.png") });
    for (const colorScheme of ["dark", "light"] as const) {
      await narrow.emulateMedia({ colorScheme });
      const worst = await narrow.evaluate(contrastOfText);
      expect(worst.ratio, `${colorScheme}: ${worst.text}`).toBeGreaterThanOrEqual(4.5);
    }
    await narrow.close();
  });

  it("report --html: opens from file:// with no network and shows the same counts and details", async () => {
    const out = path.join(path.dirname(dir), "report.html");
    execFileSync(process.execPath, [cli, "report", dir, "--html", out], { stdio: "ignore" });
    const offline = await browser.newPage();
    const requests: string[] = [];
    offline.on("request", (r) => {
      if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url());
    });
    await offline.goto(`${pathToFileURL(out).href}#/graph/dev`);
    await offline.locator("svg.graph g.node").first().waitFor();
    expect(await offline.locator("svg.graph g.node:not(.missing)").count()).toBe(expected.devNodes);
    await offline.locator('[data-node-id="Kustomization/flux-system/frontend"]').click();
    await offline.getByTestId("node-panel").locator(".objects li").first().waitFor();
    await offline.goto(`${pathToFileURL(out).href}#/`);
    const card = (label: string) => offline.locator(`[data-card="${label}"] .card-value`).textContent();
    expect(Number(await card("Flux Kustomizations"))).toBe(expected.kustomizations);
    expect(Number(await card("Objects rendered"))).toBe(expected.objects);
    expect(await offline.locator(".status").getAttribute("data-state")).toBe("static");
    await offline.screenshot({ path: path.join(shots, "report.png") });
    expect(requests).toEqual([]);
    await offline.close();
  });

  // Last: it leaves the staging backend rendered in part for good.
  it("a Kustomization rendered without its remote resource says 'rendered in part', not 'rendered'", async () => {
    await page.goto(url);
    await page.locator(".status[data-generation]").waitFor();
    const generation = Number(await page.locator(".status").getAttribute("data-generation"));
    const file = path.join(dir, "apps/backend/overlays/staging/kustomization.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "resources:\n",
        "resources:\n  - https://raw.githubusercontent.com/example/repo/main/extra.yaml\n",
      ),
    );
    await page.waitForFunction(
      (g) => Number(document.querySelector(".status")?.getAttribute("data-generation")) > g,
      generation,
      { timeout: 60_000 },
    );
    const row = page.locator('section[data-cluster="staging"] tr', { hasText: "flux-system/backend" });
    expect(await row.locator(".pill.st-partial").textContent()).toBe("rendered in part");
    expect(Number(await page.locator('[data-card="Rendered in part"] .card-value').textContent())).toBe(1);
    await page.goto(`${url}#/graph/staging`);
    await page.locator('g.node.st-partial[data-node-id="Kustomization/flux-system/backend"]').waitFor();
  });

  it("a dependsOn target an unrendered HelmRelease may make: a warning that it may exist, not an error that it does not", async () => {
    await page.goto(`${url}#/graph/dev`);
    await page.locator(".status[data-generation]").waitFor();
    const generation = Number(await page.locator(".status").getAttribute("data-generation"));
    const file = path.join(dir, "clusters/dev/apps/backend.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "  dependsOn:\n",
        "  dependsOn:\n    - name: traefik-dashboard\n      namespace: traefik\n",
      ),
    );
    await page.waitForFunction(
      (g) => Number(document.querySelector(".status")?.getAttribute("data-generation")) > g,
      generation,
      { timeout: 60_000 },
    );
    const warn = page.locator(".banner.warn", { hasText: "Slipway did not find" });
    await warn.waitFor();
    expect(await warn.textContent()).toContain(
      "Kustomization/flux-system/backend → Kustomization traefik/traefik-dashboard (HelmRelease traefik/traefik, which Slipway does not render, may make it)",
    );
    expect(await page.locator(".banner.error", { hasText: "missing dependsOn target" }).count()).toBe(0);
    const node = page.locator(
      'g.node.missing[data-node-id="missing:Kustomization/traefik/traefik-dashboard"]',
    );
    expect(await node.locator("text.sub").textContent()).toBe("not found: may exist");
  });
});

/** The lowest contrast ratio between any visible text and the background behind it. */
function contrastOfText(): { ratio: number; text: string } {
  const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
  const lum = ([r, g, b]: number[]) => {
    const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
  };
  const background = (el: Element | null): number[] => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3]! > 0.5)) return c.slice(0, 3);
    }
    return parse(getComputedStyle(document.body).backgroundColor).slice(0, 3);
  };
  let worst = { ratio: 21, text: "" };
  for (const el of document.querySelectorAll("main *, header *")) {
    if (!(el instanceof HTMLElement) || el instanceof SVGElement) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim() !== "");
    if (!own || el.offsetParent === null) continue;
    const a = lum(parse(getComputedStyle(el).color));
    const b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < worst.ratio) worst = { ratio, text: el.textContent!.trim().slice(0, 60) };
  }
  return worst;
}
