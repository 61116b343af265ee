import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/env.js";

/**
 * The check result cache (src/check/result-cache.ts) is keyed by what a run reads; the
 * environment is read in these places only, each reviewed for what it means to a cached check.
 * A new `process.env` read fails this test until it is reviewed here: either it cannot change a
 * check's outcome, or it must become part of the key (src/check/run.ts).
 */
const REVIEWED: Record<string, { reads: number; why: string }> = {
  "src/cache/index.ts": { reads: 1, why: "SLIPWAY_NO_CACHE: whether the cache is used at all" },
  "src/cache/location.ts": {
    reads: 2,
    why: "SLIPWAY_CACHE_DIR, XDG_CACHE_HOME, HOME: where the chart cache is; its answers are in the entry's chart trace",
  },
  "src/charts/credentials.ts": { reads: 1, why: "registry credentials: `charts pull` only" },
  "src/cli/charts-progress.ts": { reads: 1, why: "CI: progress display only" },
  "src/cli/check.ts": { reads: 2, why: "NO_COLOR, TERM: report colour, applied after the cache" },
  "src/cli/main.ts": {
    reads: 2,
    why: "--cache-dir into SLIPWAY_CACHE_DIR (see cache/location.ts); GITHUB_ACTIONS: how lines are printed, not what",
  },
  "src/cli/helm.ts": {
    reads: 1,
    why: "HELM_NAMESPACE: `helm template`'s default namespace (in its printed-output key), never check's",
  },
  "src/cli/progress.ts": { reads: 1, why: "CI: progress display only" },
  "src/cli/secrets/edit.ts": { reads: 1, why: "EDITOR: `secrets edit` only" },
  "src/fs/git.ts": {
    reads: 6,
    why: "git object directories, the git timeout and any GIT_* variable (then git resolves revisions): revisions (diff, report), never check's working tree",
  },
  "src/fs/git-config-guard.ts": {
    reads: 1,
    why: "GIT_CONFIG_COUNT and the rest of the environment, extended for the git commands that list a diff's changed files: revisions (diff, report), never check's working tree",
  },
  "src/helm/pool/index.ts": { reads: 1, why: "worker count: output never depends on the number of workers" },
  "src/sops/identities.ts": {
    reads: 2,
    why: "SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, XDG_CONFIG_HOME, HOME: the age identities, keyed by their digest",
  },
  "src/startup/bundle-loader.ts": { reads: 1, why: "NODE_OPTIONS: the V8 code cache of Slipway's own code" },
  "src/startup/start.ts": { reads: 1, why: "the cache flags, before the command loads" },
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const abs = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(abs) : e.name.endsWith(".ts") ? [abs] : [];
  });
}

describe("the environment a check reads is reviewed for the result cache", () => {
  it("every process.env read in src/ is in the reviewed list", () => {
    const found: Record<string, number> = {};
    for (const file of sourceFiles(path.join(repoRoot, "src"))) {
      const n = readFileSync(file, "utf8").split("process.env").length - 1;
      if (n > 0) found[path.relative(repoRoot, file).split(path.sep).join("/")] = n;
    }
    const reviewed = Object.fromEntries(Object.entries(REVIEWED).map(([f, r]) => [f, r.reads]));
    expect(found).toEqual(reviewed);
  });

  // The result cache is not keyed by the local time zone (src/check/result-cache.ts): nothing a
  // check computes may read it. Date's local-time methods and Intl's default zone read it; the
  // Intl formats of src/helm/funcs/go/zone.ts name their zone, and no render is given a
  // `localZone` (charts render Go's time.Local as UTC). A new read fails this test until it is
  // reviewed: either it cannot change a check's outcome, or the zone must join the key.
  it("nothing in src/ reads the local time zone", () => {
    const localTime =
      /\.(getHours|getMinutes|getSeconds|getMilliseconds|getDate|getDay|getMonth|getFullYear|getYear|getTimezoneOffset|setHours|setMinutes|setSeconds|setDate|setMonth|setFullYear|toLocaleString|toLocaleDateString|toLocaleTimeString|toTimeString|toDateString)\(|Intl\.DateTimeFormat\(|resolvedOptions\(\)\.timeZone|\blocalZone\s*:/g;
    const found: Record<string, string[]> = {};
    for (const file of sourceFiles(path.join(repoRoot, "src"))) {
      const hits = readFileSync(file, "utf8").match(localTime);
      if (hits) found[path.relative(repoRoot, file).split(path.sep).join("/")] = hits;
    }
    expect(found).toEqual({
      // new Intl.DateTimeFormat("en-US", { timeZone: ianaName, … }) and { timeZone: name }:
      // named zones (`date` with a zone argument, `toDate` layouts), never the local one.
      "src/helm/funcs/go/zone.ts": [
        "Intl.DateTimeFormat(",
        "Intl.DateTimeFormat(",
        "Intl.DateTimeFormat(",
        "resolvedOptions().timeZone",
      ],
    });
    const zone = readFileSync(path.join(repoRoot, "src/helm/funcs/go/zone.ts"), "utf8");
    const formats = zone.match(/new Intl\.DateTimeFormat\([^)]*\)/gs) ?? [];
    expect(formats.length).toBeGreaterThan(0);
    for (const f of formats) expect(f).toMatch(/timeZone: (ianaName|name)\b/);
  });
});
