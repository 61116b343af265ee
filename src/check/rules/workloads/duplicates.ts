/** `duplicate-object`: one object applied by two Flux Kustomizations of the same cluster. */
import type { RenderedResource } from "../../../platform/model.js";
import { applierNameOf } from "../../../platform/model.js";
import type { Rule, RuleContext } from "../../types.js";
import { describe, groupOf, kindOf, nameOf, namespaceOf } from "./objects.js";
import { applyScopes } from "./scopes.js";

function place(r: RenderedResource): string {
  const at = r.source ? ` (${r.source.file}${r.source.line > 0 ? `:${r.source.line}` : ""})` : "";
  return `${applierNameOf(r.kustomization)}${at}`;
}

function run(ctx: RuleContext): void {
  for (const scope of ctx.clusters().flatMap(applyScopes)) {
    const byObject = new Map<string, RenderedResource[]>();
    for (const k of scope.kustomizations) {
      for (const r of k.resources) {
        const key = [groupOf(r.object), kindOf(r.object), namespaceOf(r.object), nameOf(r.object)].join(
          "\u0000",
        );
        const list = byObject.get(key) ?? [];
        // Within one Kustomization kustomize itself refuses duplicates; only count each applier once.
        if (!list.some((o) => o.kustomization === r.kustomization)) list.push(r);
        byObject.set(key, list);
      }
    }
    for (const list of byObject.values()) {
      if (list.length < 2) continue;
      for (const r of list) {
        const others = list.filter((o) => o !== r).map(place);
        ctx.report({
          message: `${describe(r)} is applied by ${list.length} Flux Kustomizations of ${scope.label}: also by ${others.join(", ")}`,
          resource: r,
          path: ["metadata", "name"],
        });
      }
    }
  }
}

export const duplicateObject: Rule = {
  id: "duplicate-object",
  defaultSeverity: "error",
  description: "No object is applied by two Flux Kustomizations of the same cluster",
  help: "When two Flux Kustomizations apply the same object (same API group, kind, namespace and name), they overwrite each other on every reconciliation and pruning by one deletes the other's object. Keep each object in exactly one Flux Kustomization: move shared objects to a base applied once, or give them distinct names. Each place is reported, naming the others.",
  run,
};
