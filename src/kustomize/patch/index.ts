export {
  applyJson6902,
  classifyPatch,
  isJson6902Patch,
  type Json6902Op,
  json6902Operations,
  type PatchKind,
  parseJson6902Patch,
} from "./json6902.js";
export {
  BUILTIN_OPENAPI_VERSION,
  builtinSchemaFor,
  builtinSchemaRegistry,
  type SchemaRegistry,
  schemaFromOpenApiDocument,
  type TypeSchema,
} from "./schema.js";
export { strategicMergePatch } from "./strategic-merge.js";
