import { type FieldSpec, fieldSpecSelects, visitFieldPath } from "../fieldspec.js";
import type { ResMap } from "../resmap.js";
import { isMap } from "../types.js";

/**
 * kustomize's LabelTransformer / AnnotationsTransformer: sets each pair in every map that the
 * field specs locate, creating maps where the spec says so.
 */
export function applyMapEntries(
  resources: ResMap,
  pairs: Record<string, string>,
  fieldSpecs: FieldSpec[],
): void {
  const keys = Object.keys(pairs);
  if (keys.length === 0) return;
  for (const r of resources.resources()) {
    const gvk = r.gvk();
    for (const fs of fieldSpecs) {
      if (!fieldSpecSelects(fs, gvk)) continue;
      visitFieldPath(
        r.obj,
        fs.path,
        { create: fs.create, createLeaf: "map", describe: r.idString() },
        (parent, key) => {
          const p = parent as Record<string | number, unknown>;
          let m = p[key];
          if (m === null || m === undefined) {
            if (!fs.create) return;
            m = {};
            p[key] = m;
          }
          if (!isMap(m)) return;
          for (const k of keys) m[k] = pairs[k]!;
        },
      );
    }
  }
}
