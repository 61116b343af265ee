/**
 * engine-access.ts as the CLI bundle has it (scripts/build-bundle.js swaps the modules): the
 * Helm engine's chunk (`helm-engine.js`, the bundle's entry for engine-entry.ts) is loaded when a
 * render point first asks for it, synchronously, through the bundle loader and its code cache.
 * The bundle and src/startup are separate copies of the code, so the loader travels as a
 * process-wide symbol, like the package module loader (src/validate/schema/package-modules.ts).
 */
import type { HelmEngine } from "./engine-access.js";

/** Loads a chunk of the bundle (a file name in its directory) and returns its exports. */
export type ChunkLoader = (file: string) => Record<string, unknown>;

const LOADER = Symbol.for("slipway.helm-engine-chunk-loader");
/** The file name scripts/build-bundle.js gives the engine's entry chunk. */
export const ENGINE_CHUNK = "helm-engine.js";

export function setHelmEngineLoader(loader: ChunkLoader | undefined): void {
  (globalThis as { [LOADER]?: ChunkLoader })[LOADER] = loader;
}

let engine: HelmEngine | undefined;

export function helmEngine(): HelmEngine {
  if (engine) return engine;
  const loader = (globalThis as { [LOADER]?: ChunkLoader })[LOADER];
  if (!loader) throw new Error(`the Helm engine (${ENGINE_CHUNK}) cannot be loaded: no bundle loader is set`);
  engine = loader(ENGINE_CHUNK) as unknown as HelmEngine;
  return engine;
}
