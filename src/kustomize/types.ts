/** A Kubernetes object as parsed from YAML: plain JSON-like values (bigint for integers beyond 2^53). */
export type YamlValue = string | number | bigint | boolean | null | YamlValue[] | YamlMap;
export interface YamlMap {
  [key: string]: YamlValue;
}
export type KObject = YamlMap;

export function isMap(v: unknown): v is YamlMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
