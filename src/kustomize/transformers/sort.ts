import { SlipwayError } from "../../errors.js";
import { defaultLegacyOrder, type Gvk, kindRanker } from "../resid.js";
import type { Resource } from "../resource.js";
import { isMap, type YamlValue } from "../types.js";

export type SortOrder = { order: "fifo" } | { order: "legacy"; orderFirst: string[]; orderLast: string[] };

/** Reads `sortOptions` (kustomize's SortOptions) with its validation messages. */
export function readSortOptions(v: YamlValue | undefined, file?: string): SortOrder {
  const legacy: SortOrder = { order: "legacy", ...defaultOrders() };
  if (v === undefined || v === null) return legacy;
  if (!isMap(v)) throw new SlipwayError("sortOptions must be a map", { file });
  const order = v.order;
  const lso = v.legacySortOptions;
  if (order !== "fifo" && order !== "legacy") {
    throw new SlipwayError("the field 'sortOptions.order' must be one of [fifo, legacy]", { file });
  }
  if (order === "fifo") {
    if (lso !== undefined && lso !== null) {
      throw new SlipwayError(
        "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
        { file },
      );
    }
    return { order: "fifo" };
  }
  if (isMap(lso)) {
    const strs = (x: YamlValue | undefined) => (Array.isArray(x) ? x.map((s) => String(s)) : []);
    return { order: "legacy", orderFirst: strs(lso.orderFirst), orderLast: strs(lso.orderLast) };
  }
  return legacy;
}

function defaultOrders() {
  return { orderFirst: defaultLegacyOrder.first, orderLast: defaultLegacyOrder.last };
}

/** kustomize's legacy order: kinds ranked by the order lists, then by gvk string, then namespace and name. */
export function sortResources(resources: Resource[], order: SortOrder): Resource[] {
  if (order.order === "fifo") return resources;
  const rank = kindRanker(order.orderFirst, order.orderLast);
  const keyed = resources.map((r) => {
    const id = r.curId();
    return {
      r,
      kind: id.kind,
      group: id.group,
      rank: rank(id.kind),
      gvk: gvkSortString(id),
      id: `${id.namespace || "~X"}|${id.name || "~N"}`,
    };
  });
  keyed.sort((a, b) => {
    if (a.gvk !== b.gvk) {
      if (a.rank !== b.rank) return a.rank - b.rank;
      // kustomize puts the core Namespace after other groups' Namespace kinds.
      const desc = a.kind === "Namespace" && b.kind === "Namespace" && (a.group === "" || b.group === "");
      return a.gvk < b.gvk !== desc ? -1 : 1;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return keyed.map((k) => k.r);
}

function gvkSortString(gvk: Gvk): string {
  return `${gvk.group || "~G"}_${gvk.version || "~V"}_${gvk.kind || "~K"}`;
}
