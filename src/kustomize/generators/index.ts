export {
  type GeneratorArgs,
  type GeneratorBehavior,
  type GeneratorOptions,
  generatorBehavior,
  mergeGeneratorOptions,
  type SecretArgs,
} from "./args.js";
export { wrappedBase64 } from "./base64.js";
export { parseEnvFile } from "./envfile.js";
export { type GeneratedObject, generateConfigMap, generateSecret } from "./generate.js";
export { hashInput, nameHash } from "./hash.js";
export type { KvPair } from "./kv-pair.js";
export { mergedNeedsHash, mergeGenerated } from "./merge.js";
export { type LoadRestrictor, noLoadRestrictor, rootOnlyLoadRestrictor } from "./restrictor.js";
export { loadKvPairs, parseFileSource, parseLiteralSource, stripMatchingQuotes } from "./sources.js";
export { plainScalarIsNotString } from "./yaml-key.js";
