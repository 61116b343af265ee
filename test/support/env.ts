import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Suites that need kubectl or ../shared skip with a reason on a user's fresh clone, and fail
 * loudly in CI (CI=true), where both are required.
 */
export const inCI = process.env.CI === "true" || process.env.CI === "1";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const sharedDir = path.resolve(repoRoot, process.env.SLIPWAY_SHARED ?? "../shared");

export const kubectlPath = process.env.KUBECTL ?? "/usr/bin/kubectl";

function kubectlWorks(): boolean {
  if (!existsSync(kubectlPath)) return false;
  try {
    execFileSync(kubectlPath, ["version", "--client"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export const hasKubectl = kubectlWorks();
export const hasShared = existsSync(path.join(sharedDir, "conformance"));

/**
 * Returns true when the suite can run. Otherwise prints why it is skipped, or throws in CI.
 * Use as `describe.runIf(requires("kubectl"))(...)`.
 */
export function requires(...needs: Array<"kubectl" | "shared">): boolean {
  const missing: string[] = [];
  if (needs.includes("kubectl") && !hasKubectl) missing.push(`kubectl (looked at ${kubectlPath})`);
  if (needs.includes("shared") && !hasShared) missing.push(`../shared (looked at ${sharedDir})`);
  if (missing.length === 0) return true;
  const msg = `missing ${missing.join(" and ")}`;
  if (inCI) throw new Error(`CI requires ${msg}`);
  process.stderr.write(`[skipped] suite needs ${msg}; set CI=true to make this an error\n`);
  return false;
}
