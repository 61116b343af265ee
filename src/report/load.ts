/**
 * Loads the dashboard's data: the platform rendered with its secrets (decrypted in memory and
 * masked on the way out), checked with every rule, and turned into a snapshot. Every file is
 * read once, through a recording file system whose bytes back the source view.
 */
import * as path from "node:path";
import { runCheck } from "../check/engine.js";
import { allRules } from "../check/rules/index.js";
import { DiskFileSystem, type FileSystem } from "../fs/filesystem.js";
import { RecordingFileSystem } from "../fs/recording.js";
import type { BuildCache } from "../kustomize/target.js";
import { loadPlatformWithSecrets } from "../platform/decrypt.js";
import type { PlatformProgress } from "../platform/load.js";
import { SecretValues } from "../platform/masking.js";
import type { DashboardModel } from "./model.js";
import { DashboardSnapshot } from "./snapshot.js";

export interface DashboardLoadOptions {
  fs?: FileSystem;
  /** age identities; default: found as sops finds them. */
  identities?: readonly string[];
  clusters?: string[];
  /** Share one masker across renders so that markers stay stable (watch mode). */
  values?: SecretValues;
  /** Builds of unchanged bases, kept across renders (watch mode invalidates what changed). */
  cache?: BuildCache;
  generation?: number;
  changedFiles?: string[];
  previous?: DashboardModel;
  onProgress?: (e: PlatformProgress) => void;
  now?: () => Date;
}

export async function loadDashboard(
  repo: string,
  opts: DashboardLoadOptions = {},
): Promise<DashboardSnapshot> {
  const started = performance.now();
  const fs = new RecordingFileSystem(opts.fs ?? new DiskFileSystem());
  const values = opts.values ?? new SecretValues();
  const { platform, secrets } = await loadPlatformWithSecrets(repo, {
    fs,
    ...(opts.identities ? { identities: opts.identities } : {}),
    ...(opts.clusters ? { clusters: opts.clusters } : {}),
    ...(opts.cache ? { cache: opts.cache } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const check = runCheck(platform, {
    rules: allRules,
    readSource: (file) => {
      const abs = path.posix.isAbsolute(file) ? file : path.posix.join(platform.root, file);
      return fs.recorded(abs)?.toString("utf8");
    },
  });
  return new DashboardSnapshot({
    platform,
    secrets,
    check,
    values,
    read: (abs) => fs.recorded(abs),
    generation: opts.generation ?? 1,
    changedFiles: opts.changedFiles ?? [],
    ...(opts.previous ? { previous: opts.previous } : {}),
    renderMs: performance.now() - started,
    now: opts.now?.() ?? new Date(),
  });
}
