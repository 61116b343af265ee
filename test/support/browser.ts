/**
 * Browser tests drive Debian's chromium with playwright-core (no browser download): skipped
 * with a printed reason where chromium is missing, required in CI. The machine has no
 * network, so chromium starts with every background service off and a fresh profile.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { BrowserContext } from "playwright-core";
import { inCI, repoRoot } from "./env.js";

export const chromiumPath = process.env.SLIPWAY_CHROMIUM ?? "/usr/bin/chromium";
export const artifactsDir = path.join(repoRoot, "test-artifacts");

export function requiresChromium(): boolean {
  if (existsSync(chromiumPath)) return true;
  const msg = `chromium (looked at ${chromiumPath}; apt-get install chromium)`;
  if (inCI) throw new Error(`CI requires ${msg}`);
  process.stderr.write(`[skipped] browser tests need ${msg}; set CI=true to make this an error\n`);
  return false;
}

export async function launchChromium(viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  const { chromium } = await import("playwright-core");
  return chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), "slipway-chromium-")), {
    executablePath: chromiumPath,
    headless: true,
    viewport,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
