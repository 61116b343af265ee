/** Schema validation of rendered Kubernetes objects: built-in kinds, Flux kinds and CRDs, offline. */
export { formatPath } from "./json-path.js";
export { nameProblem, nameRuleFor } from "./names.js";
export type {
  CrdProblem,
  JsonPath,
  SchemaIssue,
  SchemaIssueKind,
  SchemaSource,
  SchemaValidator,
  SchemaValidatorOptions,
} from "./types.js";
export { createSchemaValidator } from "./validator.js";
