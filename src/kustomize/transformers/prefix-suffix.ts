import { resolvePlain } from "../../yaml/resolve.js";
import { markScalarText, writtenText } from "../../yaml/scalar-text.js";
import { type FieldSpec, fieldSpecSelects, visitFieldPath } from "../fieldspec.js";
import { gvkSelected } from "../resid.js";
import type { ResMap } from "../resmap.js";
import { appended } from "../resource.js";
import type { YamlMap, YamlValue } from "../types.js";

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
        // kyaml prefixes the node's text whatever it resolves to (`0x10` → `p-0x10`, a timestamp
        // as written), and the node keeps its plain style: the new text resolves again (`0x10` +
        // `0` is 256).
        if (v === undefined || v === null || typeof v === "object") return;
        const text = writtenText(p as YamlMap, String(key));
        if (text !== undefined) setPlain(p as YamlMap, String(key), `${prefix}${text}${suffix}`);
        else if (typeof v === "string") p[key] = `${prefix}${v}${suffix}`;
        else setPlain(p as YamlMap, String(key), `${prefix}${String(v)}${suffix}`);
      });
    }
  }
}

/** A plain scalar written as `text`: its value as kyaml resolves it, the text kept beside it. */
function setPlain(map: YamlMap, key: string, text: string): void {
  const r = resolvePlain(text, true);
  const printable = r.value !== null || r.tag === "null";
  if (typeof r.value === "number" && !Number.isFinite(r.value)) return void (map[key] = text);
  const value = printable ? (r.value as YamlValue) : text;
  map[key] = value;
  if (value !== text) markScalarText(map, key, value, text);
}
