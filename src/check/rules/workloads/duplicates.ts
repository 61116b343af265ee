/** `duplicate-object`: one object applied by two Flux Kustomizations of the same cluster. */

import type { KObject } from "../../../kustomize/types.js";
import type { RenderedResource } from "../../../platform/model.js";
import { applierNameOf } from "../../../platform/model.js";
import type { Rule, RuleContext } from "../../types.js";
import { groupByPlace, someOf } from "../places.js";
import { describe, groupOf, kindOf, nameOf, namespaceOf } from "./objects.js";
import { applyScopes } from "./scopes.js";

/**
 * Kinds whose deletion deletes what they hold: a Namespace its objects, a CRD its resources, a
 * Flux Kustomization its inventory (garbage collection), a HelmRelease its release (uninstall), a
 * ResourceSet what it generated.
 */
const CASCADING_KINDS = new Set([
  "Namespace",
  "CustomResourceDefinition",
  "Kustomization",
  "HelmRelease",
  "ResourceSet",
]);

/** Other places named in one finding. */
const MAX_NAMED = 5;

function place(r: RenderedResource): string {
  const at = r.source ? ` (${r.source.file}${r.source.line > 0 ? `:${r.source.line}` : ""})` : "";
  return `${applierNameOf(r.kustomization)}${at}`;
}

function run(ctx: RuleContext): void {
  for (const scope of ctx.clusters().flatMap(applyScopes)) {
    const byObject = new Map<string, { list: RenderedResource[]; appliers: Set<string> }>();
    for (const k of scope.kustomizations) {
      for (const r of k.resources) {
        const key = [groupOf(r.object), kindOf(r.object), namespaceOf(r.object), nameOf(r.object)].join(
          "\u0000",
        );
        let entry = byObject.get(key);
        if (!entry) byObject.set(key, (entry = { list: [], appliers: new Set() }));
        // Within one Kustomization kustomize itself refuses duplicates; only count each applier once.
        if (entry.appliers.has(r.kustomization)) continue;
        entry.appliers.add(r.kustomization);
        entry.list.push(r);
      }
    }
    for (const { list } of byObject.values()) {
      if (list.length < 2) continue;
      // One finding per place: two Kustomizations that build the same file (a folder applied by
      // its parent and by its own Kustomization) are one thing to fix there, not two findings.
      const byPlace = groupByPlace(list, (r) =>
        r.source ? `${r.source.file}\u0000${r.source.line}` : `\u0000${r.kustomization}`,
      );
      // The same object each time (labels aside: Flux's owner labels, commonMetadata): they take
      // turns owning it and nothing breaks until pruning; different objects fight on every apply.
      const same = sameApartFromLabels(list);
      // Pruning a Namespace, a CRD, a Kustomization or a HelmRelease deletes what it holds: an error.
      const cascades = CASCADING_KINDS.has(kindOf(list[0]!.object));
      for (const group of byPlace) {
        const r = group[0]!;
        const parts: string[] = [];
        if (group.length > 1) {
          const names = group.map((g) => applierNameOf(g.kustomization));
          parts.push(`${someOf(names, MAX_NAMED)} all apply it from this file`);
        }
        const others = list.filter((o) => !group.includes(o));
        if (others.length > 0) parts.push(`also by ${someOf(others.map(place), MAX_NAMED)}`);
        if (same)
          parts.push(
            `the same object each time, labels aside: they take turns owning it, and when the last one to apply it drops it, its pruning deletes it${cascades ? " and everything in it" : ""} for the others`,
          );
        ctx.report({
          message: `${describe(r)} is applied by ${list.length} Flux Kustomizations of ${scope.label}: ${parts.join("; ")}`,
          resource: r,
          path: ["metadata", "name"],
          ...(same && !cascades ? { severity: "warning" as const } : {}),
        });
      }
    }
  }
}

/** The object as JSON without metadata.labels; key order as built (equal files build equal). */
function withoutLabels(o: KObject): string {
  const meta = o.metadata;
  const bare =
    meta === null || typeof meta !== "object" || Array.isArray(meta)
      ? o
      : { ...o, metadata: { ...(meta as Record<string, unknown>), labels: undefined } };
  return JSON.stringify(bare, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
}

function sameApartFromLabels(list: RenderedResource[]): boolean {
  const first = withoutLabels(list[0]!.object);
  return list.every((r) => withoutLabels(r.object) === first);
}

export const duplicateObject: Rule = {
  id: "duplicate-object",
  defaultSeverity: "error",
  description: "No object is applied by two Flux Kustomizations of the same cluster",
  help: "When two Flux Kustomizations apply the same object (same API group, kind, namespace and name), they overwrite each other on every reconciliation and pruning by one deletes the other's object. Keep each object in exactly one Flux Kustomization: move shared objects to a base applied once, or give them distinct names. Each place (file and line) is reported once, naming up to five of the others. The same object applied each time (labels aside) is a warning, except a kind whose deletion deletes what it holds (Namespace, CRD, Flux Kustomization, HelmRelease, ResourceSet): nothing fights, but the last Kustomization to apply it deletes it for all when it prunes it.",
  run,
};
