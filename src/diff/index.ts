export { type ChangedOnlyResult, directoriesAffected, loadChangedOnly } from "./changed.js";
export { type CompareOptions, diffKustomization, type KustomizationSide, objectKey } from "./compare.js";
export { changeDangers, removalDangers } from "./danger.js";
export { compareEnvironments, environmentNormalizer, environmentTokens, findCluster } from "./env.js";
export { type DiffOptions, diffValues, type FieldChange } from "./fields.js";
export { formatJson, formatMarkdown, formatText } from "./format.js";
export { maskForDiff, maskObject, newMasker } from "./mask.js";
export {
  type EnvironmentMatrix,
  environmentMatrix,
  formatMatrixMarkdown,
  formatMatrixText,
  type LeftOut,
  leftOutOfMatrix,
  type MatrixRow,
} from "./matrix.js";
export * from "./model.js";
export { parseQuantity } from "./quantity.js";
export {
  comparePlatforms,
  diffRevisions,
  openRevisions,
  type RevisionDiffOptions,
  type RevisionDiffResult,
} from "./revision.js";
