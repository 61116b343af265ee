import { type FieldSpec, fieldSpecSelects, visitFieldPath } from "../fieldspec.js";
import { gvkSelected } from "../resid.js";
import type { ResMap } from "../resmap.js";
import { appended } from "../resource.js";

/** Kinds whose names kustomize never prefixes: renaming them breaks the API server's contract. */
const skipped = [
  { kind: "CustomResourceDefinition" },
  { group: "apiregistration.k8s.io", kind: "APIService" },
  { kind: "Namespace" },
];

/** kustomize's PrefixSuffixTransformer (namePrefix / nameSuffix). */
export function applyPrefixSuffix(
  resources: ResMap,
  prefix: string,
  suffix: string,
  fieldSpecs: FieldSpec[],
): void {
  for (const r of resources.resources()) {
    const org = r.orgId();
    if (skipped.some((s) => gvkSelected(org, s))) continue;
    for (const fs of fieldSpecs) {
      if (!fieldSpecSelects(fs, org)) continue;
      if (fs.path === "metadata/name") {
        r.prefixes = appended(r.prefixes, prefix);
        r.suffixes = appended(r.suffixes, suffix);
        if (prefix !== "" || suffix !== "") r.storePreviousId();
      }
      visitFieldPath(r.obj, fs.path, { create: false }, (parent, key) => {
        const p = parent as Record<string | number, unknown>;
        const v = p[key];
        if (typeof v === "string") p[key] = `${prefix}${v}${suffix}`;
      });
    }
  }
}
