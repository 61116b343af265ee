import { MemoryFileSystem } from "../../src/fs/filesystem.js";
import { loadPlatform, type Platform } from "../../src/platform/index.js";

/** A platform loaded from files named by repository-relative path, held in memory at /repo. */
export function loadMemoryPlatform(files: Record<string, string>): Platform {
  const root = "/repo";
  const fs = new MemoryFileSystem(
    Object.fromEntries(Object.entries(files).map(([p, t]) => [`${root}/${p}`, t])),
  );
  return loadPlatform(root, { fs });
}

/** Each cluster as [name, path, how it was discovered]. */
export const clusterRows = (p: Platform) => p.clusters.map((c) => [c.name, c.path, c.discoveredBy]);

/** Each Flux Kustomization as "cluster namespace/name status". */
export const kustomizationStatuses = (p: Platform) =>
  p.clusters.flatMap((c) => c.kustomizations.map((k) => `${c.name} ${k.id} ${k.status}`));
