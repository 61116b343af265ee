/** The YAML layer of the kustomize engine: read like kustomize, print like kubectl. */

export { withoutDocumentBoms, withoutStreamBom } from "./bom.js";
export {
  clearAnalysedScalars,
  type EmitOptions,
  emitYaml,
  emitYamlStream,
  serialisationRefuses,
  v2ReadsAsNonString,
} from "./emit.js";
export { isLineTree, type LineTree, lineOfTree } from "./fast/line-tree.js";
export { endBeforeNodeMessage, type FirstDocument, firstDocumentOf } from "./first-document.js";
export { compareKeys, goYamlKeyLess, sortKeys } from "./keysort.js";
export { toJsonCompatible } from "./normalize.js";
export { formatGoFloatG, formatNumber } from "./numbers.js";
export {
  type LineTreeDocument,
  type ParsedDocument,
  type ParseOptions,
  type PositionedDocument,
  parseYaml,
  parseYamlDocuments,
  parseYamlDocumentsFull,
  parseYamlDocumentsWithLineTrees,
  parseYamlDocumentsWithPositions,
  type YamlPath,
} from "./parse.js";
export { decodeYamlText } from "./utf8.js";
