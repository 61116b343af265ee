/**
 * source-watcher offline: ArtifactGenerators compose ExternalArtifacts from the repository's
 * own sources (copy with globs, exclude, Overwrite/Merge/Extract, pathPattern), and
 * Kustomizations/HelmReleases sourced from them read the result through ArtifactFileSystem.
 */
export { ArtifactFileSystem } from "./artifact-fs.js";
export type { CopyOperation, CopyStrategy, SourceContent } from "./copy.js";
export {
  type ArtifactGeneratorSpec,
  decodeArtifactGenerator,
  type GeneratedArtifact,
  type GeneratorRun,
  GeneratorSpecError,
  isArtifactGenerator,
  runArtifactGenerator,
  SOURCE_WATCHER_GROUP,
  type SourceRef,
  type SourceResolution,
} from "./generator.js";
export { ArtifactTree } from "./tree.js";
