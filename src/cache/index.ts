/**
 * The persistent render cache (issue 16): rendered units kept between runs under the cache
 * directory the chart cache uses, content-addressed and tied to the running code, so a second
 * run on an unchanged repository (and CI on a pull request) reuses what did not change and
 * never sees a stale result. See store.ts for the layout and what makes an entry trusted.
 *
 * Opt out with `--no-cache` on any command or SLIPWAY_NO_CACHE=1.
 */
import { defaultCacheDir } from "../charts/cache.js";
import { DiskRenderCache, type RenderCache } from "./store.js";

export { codeIdentity } from "./code-identity.js";
export {
  cacheUsage,
  DiskRenderCache,
  type RenderCache,
  type RenderCacheStats,
  removeRenders,
  rendersDir,
} from "./store.js";
export { decodeValue, encodeValue } from "./value-codec.js";

/** True when the environment turns the render cache off (SLIPWAY_NO_CACHE set and not "0"/"false"/""). */
export function cacheDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.SLIPWAY_NO_CACHE;
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/** The render cache under the default cache directory, unless the environment turns it off. */
export function defaultRenderCache(env: NodeJS.ProcessEnv = process.env): RenderCache | undefined {
  return cacheDisabled(env) ? undefined : new DiskRenderCache(defaultCacheDir(env));
}
