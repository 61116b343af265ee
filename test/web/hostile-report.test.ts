/// <reference lib="dom" />
/**
 * `slipway report --html` of a repository whose names, annotations, values and file names carry
 * HTML and script (`</script>` inside the embedded JSON, an `onerror` in a file name, a
 * dependsOn target that is markup): opened in chromium and walked through every view, no
 * script of the repository's runs (a trap on `window.__pwned` counts each attempt), the
 * markup shows as text, and no secret value — SOPS-decrypted with the demo keys, or a plain
 * Secret's stringData — is anywhere in the file.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, requiresChromium } from "../support/browser.js";
import { demoKeyFiles, demoPlaintexts, platformDir } from "../support/demo-secrets.js";
import { repoRoot } from "../support/env.js";

const cli = path.join(repoRoot, "bin/slipway.js");
const PAYLOAD = `</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`;
const EVIL_FILE = "<img src=x onerror=window.__pwned=3>.yaml";
const PLAIN_SECRET = "PLAINTEXT-TOKEN-QX7";

function hostileRepo(dir: string): void {
  cpSync(platformDir, dir, { recursive: true });
  const overlay = path.join(dir, "apps/backend/overlays/staging");
  writeFileSync(
    path.join(overlay, EVIL_FILE),
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: evil-cm
  namespace: backend
  annotations:
    evil/html: '${PAYLOAD}'
    evil/js: "javascript:window.__pwned=4"
data:
  payload: '${PAYLOAD}'
  "key</script>": "\\u2028<!--"
`,
  );
  writeFileSync(
    path.join(overlay, "evil-secret.yaml"),
    `apiVersion: v1
kind: Secret
metadata:
  name: evil-secret
  namespace: backend
  annotations:
    note: '${PAYLOAD}'
stringData:
  token: ${PLAIN_SECRET}
`,
  );
  const k = path.join(overlay, "kustomization.yaml");
  writeFileSync(
    k,
    readFileSync(k, "utf8").replace(
      "resources:\n  - ../../base\n",
      `resources:\n  - ../../base\n  - "${EVIL_FILE}"\n  - evil-secret.yaml\n`,
    ),
  );
  writeFileSync(
    path.join(dir, "clusters/staging/apps/evil.yaml"),
    `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: evil-ks
  namespace: flux-system
  annotations:
    evil: '</script><script>window.__pwned=6</script>'
spec:
  interval: 10m
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  path: ./apps/backend/overlays/staging
  dependsOn:
    - name: '"><img src=x onerror=window.__pwned=5>'
    - name: '</script><script>window.__pwned=7</script>'
`,
  );
  const apps = path.join(dir, "clusters/staging/apps/kustomization.yaml");
  writeFileSync(
    apps,
    readFileSync(apps, "utf8").replace("  - verify.yaml\n", "  - verify.yaml\n  - evil.yaml\n"),
  );
}

describe.runIf(requiresChromium())("report --html of a repository with hostile names and values", () => {
  let root: string;
  let html: string;
  let report: string;
  let browser: BrowserContext;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "slipway-hostile-"));
    const dir = path.join(root, "platform");
    hostileRepo(dir);
    report = path.join(root, "report.html");
    try {
      execFileSync(
        process.execPath,
        [cli, "report", dir, "--html", report, "--age-key-file", demoKeyFiles[0]!, "--no-cache"],
        { stdio: "ignore", env: { ...process.env, SOPS_AGE_KEY_FILE: "", SOPS_AGE_KEY: "" } },
      );
    } catch (e) {
      // exit 1: written, with error findings (the hostile names are invalid); anything else fails
      if ((e as { status?: number }).status !== 1) throw e;
    }
    html = readFileSync(report, "utf8");
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("holds no secret value: decrypted SOPS values, a plain Secret's stringData", async () => {
    expect(html).toContain("evil-secret");
    for (const s of [...(await demoPlaintexts()), PLAIN_SECRET, Buffer.from(PLAIN_SECRET).toString("base64")])
      expect(html.includes(s), s.slice(0, 4)).toBe(false);
  });

  it("runs none of the repository's script in any view, and shows the markup as text", async () => {
    const page = await browser.newPage();
    const attempts: string[] = [];
    page.on("dialog", (d) => {
      attempts.push(`dialog ${d.message()}`);
      void d.dismiss();
    });
    page.on("console", (m) => {
      if (m.text().startsWith("PWNED")) attempts.push(m.text());
    });
    await page.addInitScript(() => {
      Object.defineProperty(window, "__pwned", {
        set(v) {
          console.log(`PWNED ${v}`);
        },
        get: () => undefined,
      });
    });
    const base = pathToFileURL(report).href;
    const source = (f: string) => `#/source?file=${encodeURIComponent(f)}`;
    let text = "";
    for (const route of [
      "#/",
      "#/graph/staging",
      "#/findings",
      "#/env",
      "#/diff",
      "#/secrets",
      source(`apps/backend/overlays/staging/${EVIL_FILE}`),
      source("apps/backend/overlays/staging/evil-secret.yaml"),
      source("clusters/staging/apps/evil.yaml"),
    ]) {
      await page.goto(`${base}${route}`);
      await page.locator("main").first().waitFor();
      await page.waitForTimeout(200);
      if (route === "#/graph/staging") {
        for (const id of ["Kustomization/flux-system/evil-ks", "Kustomization/flux-system/backend"]) {
          await page.locator(`[data-node-id="${id}"]`).click();
          await page.getByTestId("node-panel").locator(".objects li").first().waitFor();
          text += await page.evaluate(() => document.body.innerText);
        }
      }
      text += await page.evaluate(() => document.body.innerText);
      expect(await page.evaluate(() => document.querySelectorAll("img, iframe, object, embed").length)).toBe(
        0,
      );
    }
    expect(attempts).toEqual([]);
    expect(text).toContain("window.__pwned=1");
    expect(text).toContain("onerror=window.__pwned=5");
    expect(text).not.toContain(PLAIN_SECRET);
    await page.close();
  }, 120_000);
});
