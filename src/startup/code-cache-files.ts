/**
 * The code cache's files as `slipway cache` sees them (layout in bundle-loader.ts):
 *
 *     <cache-dir>/code/<runtime>/<command>/<source sha256>.v8
 *
 * Each build of Slipway has new chunks and so new file names, and each Node version or set of
 * V8 flags a new `<runtime>`: `prune` keeps only the files of this runtime whose chunk is in the
 * running bundle, `clear` removes them all. A removed file costs one compile on the next run; so
 * do those of package modules (BundleLoader.loadPackageModule), which `prune` removes too.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { codeCacheRoot, runtimeKey } from "./bundle-loader.js";

/**
 * Every cache file (`<sha256>.v8`, or one a writer left half-written: `<sha256>.v8.<pid>.<time>.tmp`),
 * with the runtime directory it sits in. Nothing else below `code/` is ours to count or remove.
 */
function cacheFiles(cacheDir: string): Array<{ file: string; runtime: string }> {
  const root = codeCacheRoot(cacheDir);
  if (!fs.existsSync(root)) return [];
  const out: Array<{ file: string; runtime: string }> = [];
  for (const e of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !/^[0-9a-f]{64}\.v8(\.\d+\.\d+\.tmp)?$/.test(e.name)) continue;
    const file = path.join(e.parentPath, e.name);
    out.push({ file, runtime: path.relative(root, file).split(path.sep)[0]! });
  }
  return out;
}

export function codeCacheUsage(cacheDir: string): { files: number; bytes: number } {
  let bytes = 0;
  const files = cacheFiles(cacheDir);
  for (const { file } of files) bytes += fs.statSync(file).size;
  return { files: files.length, bytes };
}

/**
 * Removes cache files: `clear` all, `prune` those of other runtimes and of chunks that are not
 * in `bundleDir` (none when Slipway runs unbundled). Returns how many files went.
 */
export function removeCodeCaches(cacheDir: string, which: "prune" | "clear", bundleDir?: string): number {
  const keep = new Set<string>();
  if (which === "prune" && bundleDir !== undefined && fs.existsSync(bundleDir)) {
    for (const name of fs.readdirSync(bundleDir))
      if (name.endsWith(".js"))
        keep.add(
          `${createHash("sha256")
            .update(fs.readFileSync(path.join(bundleDir, name)))
            .digest("hex")}.v8`,
        );
  }
  const runtime = runtimeKey();
  let removed = 0;
  for (const { file, runtime: r } of cacheFiles(cacheDir)) {
    if (which === "prune" && r === runtime && keep.has(path.basename(file))) continue;
    fs.rmSync(file, { force: true });
    removed++;
  }
  if (which === "clear") removeEmptyDirectories(codeCacheRoot(cacheDir));
  return removed;
}

/** Directories left empty below `dir` (and `dir` itself) go; anything else there stays. */
function removeEmptyDirectories(dir: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) removeEmptyDirectories(path.join(dir, e.name));
  try {
    fs.rmdirSync(dir);
  } catch {
    // not empty: something that is not a cache file of ours is there
  }
}
