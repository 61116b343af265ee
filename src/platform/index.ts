export { buildFluxPath, type FluxBuild, secureJoin } from "./build.js";
export {
  type ChartMirror,
  type ClusterConfig,
  CONFIG_FILE,
  parseConfig,
  readConfig,
  type SlipwayConfig,
  type SourceMapping,
} from "./config.js";
export { type DiscoveredCluster, nameClusters, scanRepository } from "./discover.js";
export { graphNodes } from "./graph-nodes.js";
export { fluxKustomizationFile, mergeImages } from "./kustomization-file.js";
export {
  type DecryptionHooks,
  type LoadPlatformOptions,
  loadPlatform,
  type PlatformProgress,
} from "./load.js";
export * from "./model.js";
export { OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL, parseYaml11 } from "./postprocess.js";
