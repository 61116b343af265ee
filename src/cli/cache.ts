import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { cacheUsage, codeIdentity, identityMemoDir, removeRenders, rendersDir } from "../cache/index.js";
import { ChartCache, defaultCacheDir } from "../charts/cache.js";
import { chartDerivedDir } from "../charts/derived.js";
import { codeCacheRoot } from "../startup/bundle-loader.js";
import { codeCacheUsage, removeCodeCaches } from "../startup/code-cache-files.js";
import { parseCommandLine } from "./args.js";

const help = `Usage: slipway cache [info|prune|clear] [flags]

The render cache: HelmReleases rendered by earlier runs, kept under <cache-dir>/renders by the
content of everything they depend on and by the Slipway build that rendered them, so an
unchanged release is not rendered again. Chart archives (<cache-dir>/charts) are not touched
here; what a build derived from them (<cache-dir>/charts/derived: their facts, their crds/
and templates parsed) is pruned and cleared as renders are. The code cache (<cache-dir>/code:
V8's compiled chunks of the CLI) is pruned and cleared too. Every action first rewrites chart
cache entries that an older Slipway wrote with a source's credentials in the clear.

  info      entries and bytes per Slipway build (default)
  prune     remove the entries of every other Slipway build, and this build's entries that no
            run has read for --older-than DAYS (default 30); code cached for other builds
  clear     remove every entry, the whole code cache and the remembered digest of this
            build's code (<cache-dir>/identity)

Flags:
      --older-than DAYS     prune: this build's entries unread for DAYS days go (default 30)
      --cache-dir DIR       the cache (default: $SLIPWAY_CACHE_DIR, else $XDG_CACHE_HOME/slipway,
                            else ~/.cache/slipway)
  -h, --help                show this help

Any command takes --no-cache (or SLIPWAY_NO_CACHE=1) to neither read nor write it.
`;

const options = {
  "older-than": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function cacheCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine("cache", argv, options, help);
  if (typeof parsed === "number") return parsed;
  const [action = "info", ...extra] = parsed.positionals;
  if (extra.length > 0 || !["info", "prune", "clear"].includes(action)) {
    process.stderr.write(`slipway cache: expected info, prune or clear\n\n${help}`);
    return 2;
  }
  const dir = defaultCacheDir();
  const scrubbed = new ChartCache(dir, { derived: false }).scrubClearSources();
  if (scrubbed > 0)
    process.stdout.write(
      `removed the clear credentials of ${scrubbed} chart cache entr${scrubbed === 1 ? "y" : "ies"}\n`,
    );
  if (action === "info") {
    const rows = cacheUsage(dir);
    process.stdout.write(`render cache ${rendersDir(dir)} (this build: ${codeIdentity(dir).slice(0, 16)})\n`);
    if (rows.length === 0) process.stdout.write("  empty\n");
    for (const r of rows)
      process.stdout.write(
        `  ${r.code}${r.current ? " (this build)" : ""}: ${r.entries} entries, ${(r.bytes / 1024 / 1024).toFixed(1)} MiB\n`,
      );
    const derived = cacheUsage(dir, chartDerivedDir(dir)).find((r) => r.current);
    process.stdout.write(
      `chart-derived ${chartDerivedDir(dir)}: ${derived?.entries ?? 0} entries, ${((derived?.bytes ?? 0) / 1024 / 1024).toFixed(1)} MiB (this build)\n`,
    );
    const code = codeCacheUsage(dir);
    process.stdout.write(
      `code cache ${codeCacheRoot(dir)}: ${code.files} files, ${(code.bytes / 1024 / 1024).toFixed(1)} MiB\n`,
    );
    return 0;
  }
  const days = Number(parsed.values["older-than"] ?? "30");
  if (!Number.isFinite(days) || days < 0) {
    process.stderr.write("slipway cache: --older-than needs a number of days\n");
    return 2;
  }
  const removed = removeRenders(dir, action as "prune" | "clear", days);
  process.stdout.write(`removed ${removed} render cache entr${removed === 1 ? "y" : "ies"}\n`);
  const derived = removeRenders(dir, action as "prune" | "clear", days, Date.now(), chartDerivedDir(dir));
  process.stdout.write(`removed ${derived} chart-derived entr${derived === 1 ? "y" : "ies"}\n`);
  const code = removeCodeCaches(dir, action as "prune" | "clear", runningBundleDir());
  if (action === "clear") fs.rmSync(identityMemoDir(dir), { recursive: true, force: true });
  process.stdout.write(`removed ${code} code cache file${code === 1 ? "" : "s"}\n`);
  return 0;
}

/** dist/bundle when this runs from the bundle (its chunks are what the code cache holds). */
function runningBundleDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.basename(here) === "bundle" ? here : undefined;
}
