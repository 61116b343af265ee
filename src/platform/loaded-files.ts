/**
 * The repository view a platform was loaded through (src/fs/confined.ts), kept beside the
 * platform for what reads the repository after the load: the check rules read its listings and
 * the bytes the load kept instead of walking and reading the disk again (a warm check of
 * bjw-s home-ops listed every directory and read every YAML file a second time).
 *
 * Only a load of the disk registers its view (directly, through decryption's view of it, or
 * through the result cache's snapshot of it, which notes every read for the cache key), so a
 * rule reads what it read before: the repository on disk, now as the load saw it. Loads
 * through another file system (a Git revision) register none, and their readers keep reading
 * the disk as they did.
 */
import type { ConfinedFileSystem } from "../fs/confined.js";
import type { Platform } from "./model.js";

/** Bytes of files a load keeps for later readers, at most (memory stays bounded). */
export const KEPT_READ_BYTES = 32 * 1024 * 1024;

const views = new WeakMap<Platform, ConfinedFileSystem>();

export function rememberLoadedFiles(platform: Platform, view: ConfinedFileSystem): void {
  views.set(platform, view);
}

/** The view `platform` was loaded through from disk, if it was. */
export function loadedFiles(platform: Platform): ConfinedFileSystem | undefined {
  return views.get(platform);
}

/** `derived` (a masked or narrowed copy of `platform`) stands for the same files. */
export function shareLoadedFiles(platform: Platform, derived: Platform): void {
  const view = views.get(platform);
  if (view !== undefined) views.set(derived, view);
}
