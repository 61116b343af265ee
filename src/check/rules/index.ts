/**
 * Every rule of `slipway check`, in the order they run (findings are sorted afterwards, so
 * the order only matters for rules that share work). One module per family of rules.
 */
import type { Rule } from "../types.js";
import { rules as celRules } from "./cel.js";
import { rules as fluxRules } from "./flux.js";
import { rules as operatorRules } from "./operator.js";
import { rules as schemaRules } from "./schema.js";
import { rules as secretRules } from "./secrets.js";
import { rules as workloadRules } from "./workloads.js";

export const allRules: readonly Rule[] = [
  ...fluxRules,
  ...operatorRules,
  ...celRules,
  ...schemaRules,
  ...secretRules,
  ...workloadRules,
];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.id === id);
}
