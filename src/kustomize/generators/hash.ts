import { createHash } from "node:crypto";
import { isMap, type YamlMap, type YamlValue } from "../types.js";
import { goJson } from "./go-json.js";

/**
 * The text kustomize v5.5.0 (api/hasher) hashes for a resource.
 *
 * ConfigMap: {kind, name, data[, binaryData]}; Secret: {kind, name, type, data[, stringData]};
 * any other kind: the whole object. Labels, annotations, namespace and `immutable` never count.
 *
 * `name` is always "" in practice: kustomize looks the name up as a single top-level field
 * literally called "metadata/name", which no resource has, so the name does not affect the
 * hash (verified against kubectl). A missing field is encoded as "", a scalar as its text,
 * a map as a JSON object; binaryData/stringData only when they are maps.
 */
export function hashInput(object: YamlMap): string {
  const kind = object.kind;
  if (kind === "ConfigMap") {
    const m: YamlMap = {
      kind: "ConfigMap",
      name: field(object, "metadata/name").value,
      data: field(object, "data").value,
    };
    const binaryData = field(object, "binaryData");
    if (binaryData.isMap) m.binaryData = binaryData.value;
    return goJson(m);
  }
  if (kind === "Secret") {
    const m: YamlMap = {
      kind: "Secret",
      type: field(object, "type").value,
      name: field(object, "metadata/name").value,
      data: field(object, "data").value,
    };
    const stringData = field(object, "stringData");
    if (stringData.isMap) m.stringData = stringData.value;
    return goJson(m);
  }
  return goJson(object);
}

/**
 * kustomize's name suffix for a generated ConfigMap/Secret: sha256 of `hashInput`, first
 * 10 hex digits, with 0,1,3,a,e mapped to g,h,k,m,t. Compute it on the final object at the
 * end of the top-level build (after merges, patches and other transformers).
 */
export function nameHash(object: YamlMap): string {
  const hex = createHash("sha256").update(hashInput(object), "utf8").digest("hex");
  return hex.slice(0, 10).replace(/[013ae]/g, (c) => HEX_TO_CONSONANT[c] as string);
}

const HEX_TO_CONSONANT: Record<string, string> = { "0": "g", "1": "h", "3": "k", a: "m", e: "t" };

/**
 * How kustomize reads one top-level field: absent or null → "", a scalar → its text, a map →
 * itself, a sequence → a nil Go map (JSON null, yet still "a map" for the binaryData test).
 */
function field(object: YamlMap, key: string): { value: YamlValue; isMap: boolean } {
  if (!Object.hasOwn(object, key)) return { value: "", isMap: false };
  const v = object[key] as YamlValue;
  if (v === null) return { value: "", isMap: false };
  if (isMap(v)) return { value: v, isMap: true };
  if (Array.isArray(v)) return { value: null, isMap: true };
  return { value: String(v), isMap: false };
}
