/**
 * The fast YAML reader: one scanner for the common subset of YAML (see scan.ts), a neutral
 * tree (nodes.ts), and kustomize's reading of that tree (kyaml.ts). Helm's reading lives with
 * Helm's YAML rules in src/helm/yaml.ts. Callers try it first and use the `yaml` package
 * path when it returns undefined or bails.
 */
export { type KyamlReadOptions, kyamlValue } from "./kyaml.js";
export { fastLineOf } from "./line-of.js";
export {
  bail,
  type FastAlias,
  type FastDocument,
  type FastMap,
  type FastNode,
  type FastPair,
  type FastScalar,
  type FastSeq,
  isBail,
  MAX_ALIASED_NODES,
  readsToEnd,
} from "./nodes.js";
export { scanFastYaml, scanFastYamlEach } from "./scan.js";
