export { type AnalyzeOptions, analyzeGraph, DEFAULT_DURATION } from "./analyze.js";
export { type CycleSteps, cycleSteps } from "./cycles.js";
export {
  type AppliedDurations,
  applyDurations,
  type DurationTable,
  parseDurationTable,
} from "./durations.js";
export {
  formatGraph,
  formatGraphDot,
  formatGraphMermaid,
  formatGraphText,
  type GraphFormat,
  type GraphJson,
  toGraphJson,
} from "./format.js";
export type * from "./model.js";
export { compareIds } from "./model.js";
export { graphNodeOf } from "./nodes.js";
