/**
 * What Slipway derives from a cached chart archive (its facts, its crds/ documents parsed, its
 * tar index, its values.yaml read, its templates parsed), kept beside the archives rather than
 * in the render cache: it is a function of the archive's bytes
 * and of the code that derived it, so it stays true while the archive is cached, and a cold run
 * whose render cache was emptied (CI restoring only charts, `slipway cache clear`) still finds it.
 * `slipway charts pull` fills it for every chart it leaves in the cache (src/cli/charts-derive.ts);
 * a render fills what it finds missing.
 *
 *     charts/derived/<code>/<unit>/<name>.pack     packs, as the render cache writes them
 *
 * The store is the render cache's (src/cache/store.ts) under another root: entries are named by
 * the sha256 of the code identity, the unit and the archive's identity, and sealed, so an entry
 * of another build is never looked at, and a truncated, damaged or misplaced one is a miss.
 * `slipway cache prune` and `clear` remove them as they remove renders.
 */
import * as path from "node:path";
import { DiskRenderCache, type RenderCache } from "../cache/store.js";

/** `<cacheDir>/charts/derived`: the root of the store's code identity directories. */
export function chartDerivedDir(cacheDir: string): string {
  return path.join(cacheDir, "charts", "derived");
}

/**
 * The store of what is derived from the chart cache under `cacheDir`: written as the render
 * cache's entries are, in packs when the run ends (src/cache/pack-writes.ts). `code`: the code
 * identity naming its entries (default: the running code's).
 */
export function chartDerivedStore(cacheDir: string, code?: string): RenderCache {
  return new DiskRenderCache(cacheDir, code, { deferWrites: true, root: chartDerivedDir(cacheDir) });
}
