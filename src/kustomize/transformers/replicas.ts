import { SlipwayError } from "../../errors.js";
import { type FieldSpec, fieldSpecSelects, visitFieldPath } from "../fieldspec.js";
import { gvkSelected, gvkString, type ResId } from "../resid.js";
import type { ResMap } from "../resmap.js";
import { isMap, type YamlValue } from "../types.js";

/** One entry of `replicas:` (kustomize's types.Replica). */
export interface ReplicaSpec {
  name: string;
  /** an int64: a bigint beyond 2^53, which kustomize prints exactly */
  count: number | bigint;
}

/** Reads `replicas:`; `count` must be a whole number, as Go's int64 decoding requires. */
export function parseReplicas(raw: YamlValue | undefined, file?: string): ReplicaSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new SlipwayError("'replicas' must be a list", { file });
  return raw.map((entry) => {
    if (!isMap(entry)) throw new SlipwayError("each entry of 'replicas' must be a mapping", { file });
    const spec: ReplicaSpec = { name: "", count: 0 };
    for (const [k, v] of Object.entries(entry)) {
      const key = k.toLowerCase();
      if (key !== "name" && key !== "count") {
        throw new SlipwayError(`invalid Kustomization: json: unknown field "${k}"`, { file });
      }
      if (v === null) continue;
      if (key === "name") {
        if (typeof v !== "string") {
          throw new SlipwayError(
            "invalid Kustomization: json: cannot unmarshal non-string into Go struct field Replica.replicas.name of type string",
            { file },
          );
        }
        spec.name = v;
      } else {
        const n = typeof v === "bigint" ? Number(v) : v;
        if (typeof n !== "number" || !Number.isInteger(n)) {
          const what =
            typeof n === "number" ? `number ${n}` : typeof n === "string" ? "string" : "non-number";
          throw new SlipwayError(
            `invalid Kustomization: json: cannot unmarshal ${what} into Go struct field Replica.replicas.count of type int64`,
            { file },
          );
        }
        spec.count = typeof v === "bigint" ? v : n;
      }
    }
    return spec;
  });
}

/**
 * kustomize's ReplicaCountTransformer, one entry after the other: sets the replicas field
 * (creating it where the spec says so) of resources whose current or any previous name is
 * the entry's name and whose kind a replicas field spec names. An entry that matches no
 * resource is an error.
 */
export function applyReplicas(resources: ResMap, replicas: ReplicaSpec[], fieldSpecs: FieldSpec[]): void {
  for (const rep of replicas) {
    let found = false;
    for (const fs of fieldSpecs) {
      const matched = resources.byAnyId((id: ResId) => id.name === rep.name && gvkSelected(id, fs));
      if (matched.length === 0) continue;
      found = true;
      for (const r of matched) {
        if (!fieldSpecSelects(fs, r.gvk())) continue;
        visitFieldPath(
          r.obj,
          fs.path,
          { create: fs.create, createLeaf: "scalar", describe: r.idString() },
          (parent, key) => {
            (parent as Record<string | number, YamlValue>)[key] = rep.count;
          },
        );
      }
    }
    if (!found) {
      const gvks = fieldSpecs.map((fs) =>
        gvkString({ group: fs.group ?? "", version: fs.version ?? "", kind: fs.kind || "[noKind]" }),
      );
      throw new SlipwayError(
        `resource with name ${rep.name} does not match a config with the following GVK [${gvks.join(" ")}]`,
      );
    }
  }
}
