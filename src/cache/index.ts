/**
 * The persistent render cache (issue 16): rendered units kept between runs under the cache
 * directory the chart cache uses, content-addressed and tied to the running code, so a second
 * run on an unchanged repository (and CI on a pull request) reuses what did not change and
 * never sees a stale result. See store.ts for the layout and what makes an entry trusted.
 *
 * Opt out with `--no-cache` on any command or SLIPWAY_NO_CACHE=1.
 */
import { cacheDisabled, defaultCacheDir } from "./location.js";
import { DiskRenderCache, type RenderCache } from "./store.js";

export { codeIdentity, identityMemoDir } from "./code-identity.js";
export { cacheDisabled, defaultCacheDir } from "./location.js";
export { flushWrites } from "./pack-writes.js";
export {
  cacheUsage,
  DiskRenderCache,
  type RenderCache,
  type RenderCacheStats,
  removeRenders,
  rendersDir,
} from "./store.js";
export { decodeValue, encodeValue } from "./value-codec.js";

/**
 * The render cache under the default cache directory, unless the environment turns it off;
 * its entries are written as one pack per unit when the run ends (pack-writes.ts), and a unit
 * directory it finds absent is not looked for again until it writes there (memoAbsentUnits).
 */
export function defaultRenderCache(env: NodeJS.ProcessEnv = process.env): RenderCache | undefined {
  return cacheDisabled(env)
    ? undefined
    : new DiskRenderCache(defaultCacheDir(env), undefined, { deferWrites: true, memoAbsentUnits: true });
}
