/**
 * Where Slipway's caches live and whether the user turned them off, shared by the chart cache,
 * the render cache and the code cache (src/startup/bundle-loader.ts). Dependency-free, because
 * bin/slipway.js reads it before any bundle chunk is loaded.
 */
import * as os from "node:os";
import * as path from "node:path";

/** $SLIPWAY_CACHE_DIR, else $XDG_CACHE_HOME/slipway, else ~/.cache/slipway. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLIPWAY_CACHE_DIR) return path.resolve(env.SLIPWAY_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(path.resolve(env.XDG_CACHE_HOME), "slipway");
  return path.join(env.HOME || os.homedir(), ".cache", "slipway");
}

/** True when the environment turns the caches off (SLIPWAY_NO_CACHE set and not "0"/"false"/""). */
export function cacheDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.SLIPWAY_NO_CACHE;
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}
