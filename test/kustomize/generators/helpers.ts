export { goJson as goJsonForTest } from "../../../src/kustomize/generators/go-json.js";
export * from "../../../src/kustomize/generators/index.js";
