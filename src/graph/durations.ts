import { SlipwayError } from "../errors.js";
import { isMap, type YamlValue } from "../kustomize/types.js";
import type { GraphNodeInput } from "./model.js";

/**
 * A durations file (`slipway graph --durations FILE`), once parsed from YAML or JSON: a map
 * from node to duration. Keys, most specific first: the node id (`Kustomization/ns/name`),
 * `namespace/name`, or a bare `name`. Values are numbers (any unit) or Go-style durations
 * (`90s`, `5m`, `1h30m`), which count in seconds.
 */
export type DurationTable = Record<string, number>;

const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:h|m|s|ms))+$/;
const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

export function parseDurationTable(value: YamlValue, file?: string): DurationTable {
  if (value === null) return {};
  if (!isMap(value)) throw new SlipwayError("a durations file must be a map from node to duration", { file });
  const table: DurationTable = {};
  for (const [key, raw] of Object.entries(value)) {
    const seconds =
      typeof raw === "number" ? raw : typeof raw === "string" ? parseGoDuration(raw) : undefined;
    if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
      throw new SlipwayError(
        `duration of ${key} must be a non-negative number or a duration like 90s, 5m, 1h30m; got ${JSON.stringify(raw)}`,
        { file },
      );
    }
    table[key] = seconds;
  }
  return table;
}

function parseGoDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (!GO_DURATION.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(amount) * UNIT_SECONDS[unit!]!;
  }
  return total;
}

export interface AppliedDurations {
  nodes: GraphNodeInput[];
  /** Keys that matched no node (likely typos), sorted. */
  unused: string[];
}

/** Sets each node's duration from the table; nodes without an entry keep theirs (or the default). */
export function applyDurations(nodes: readonly GraphNodeInput[], table: DurationTable): AppliedDurations {
  const used = new Set<string>();
  const out = nodes.map((node) => {
    for (const key of [node.id, `${node.namespace}/${node.name}`, node.name]) {
      if (Object.hasOwn(table, key)) {
        used.add(key);
        return { ...node, duration: table[key] };
      }
    }
    return node;
  });
  const unused = Object.keys(table)
    .filter((k) => !used.has(k))
    .sort();
  return { nodes: out, unused };
}
