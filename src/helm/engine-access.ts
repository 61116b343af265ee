/**
 * The Helm engine for the platform loader's render points (engine-entry.ts). The loader is
 * synchronous, so a dynamic import cannot go there: here, for dist/ and the tests, the engine is
 * a static import; the CLI bundle (scripts/build-bundle.js) puts engine-access-bundled.ts in this
 * module's place, which loads the engine's chunk on the first render only.
 */
import * as engine from "./engine-entry.js";

export type HelmEngine = typeof engine;

export function helmEngine(): HelmEngine {
  return engine;
}
