/**
 * How the items of a list are matched between two versions of an object, so that reordering
 * a list is not a change. Kubernetes' own strategic-merge keys where they exist (containers
 * by name, ports by containerPort, volumeMounts by mountPath…); lists that Kubernetes treats
 * as sets are matched by value; any other list by `name` when every item has one, else by
 * position (order matters there: `args`, `command`).
 */
import { isMap, type YamlValue } from "../kustomize/types.js";

export type ListMatch =
  | { by: "keys"; fields: string[]; defaults?: Record<string, string> }
  | { by: "value" }
  | { by: "position" };

const byName: ListMatch = { by: "keys", fields: ["name"] };

/** Keyed by the list's field name. */
const KNOWN: Record<string, ListMatch> = {
  containers: byName,
  initContainers: byName,
  ephemeralContainers: byName,
  env: byName,
  volumes: byName,
  imagePullSecrets: byName,
  volumeMounts: { by: "keys", fields: ["mountPath"] },
  volumeDevices: { by: "keys", fields: ["devicePath"] },
  volumeClaimTemplates: { by: "keys", fields: ["metadata.name"] },
  conditions: { by: "keys", fields: ["type"] },
  hostAliases: { by: "keys", fields: ["ip"] },
  tolerations: { by: "value" },
  finalizers: { by: "value" },
  accessModes: { by: "value" },
  subjects: { by: "value" },
  rules: { by: "value" },
  dependsOn: { by: "value" },
  topologySpreadConstraints: { by: "value" },
  matchExpressions: { by: "value" },
  ownerReferences: { by: "keys", fields: ["uid"] },
};

/** Chooses how to match the items of `field` (the list's key) given both versions' items. */
export function listMatch(field: string, a: YamlValue[], b: YamlValue[]): ListMatch {
  const items = [...a, ...b];
  if (field === "ports") {
    // Container ports (containerPort) or Service ports (port); the protocol defaults to TCP.
    for (const key of ["containerPort", "port"]) {
      if (items.length > 0 && items.every((i) => isMap(i) && i[key] !== undefined)) {
        return { by: "keys", fields: [key, "protocol"], defaults: { protocol: "TCP" } };
      }
    }
  }
  if (field === "rules" && items.length > 0 && items.every((i) => isMap(i) && typeof i.host === "string")) {
    return { by: "keys", fields: ["host"] }; // Ingress rules
  }
  const known = KNOWN[field];
  if (known) {
    if (known.by !== "keys" || items.every((i) => known.fields.every((f) => lookup(i, f) !== undefined)))
      return known;
    return { by: "position" };
  }
  if (items.length > 0 && items.every((i) => isMap(i) && typeof i.name === "string")) return byName;
  return { by: "position" };
}

/** `a.b.c` inside a map; undefined when any step is missing. */
export function lookup(v: YamlValue, dotted: string): YamlValue | undefined {
  let cur: YamlValue | undefined = v;
  for (const part of dotted.split(".")) {
    if (!isMap(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}
