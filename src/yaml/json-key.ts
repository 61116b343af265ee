/** Map keys as kustomize's readers store them, shared by the full and the fast YAML paths. */
import type { YamlMap, YamlValue } from "../kustomize/types.js";
import { formatGoFloatG } from "./numbers.js";
import type { Resolved } from "./resolve.js";

/**
 * sigs.k8s.io/yaml's key conversion (convertToJSONableObject): bools and ints by their text,
 * floats as `strconv.FormatFloat(f, 'g', -1, 32)`; undefined for keys it refuses (null, uint64).
 */
export function jsonKey(r: Resolved): string | undefined {
  const v = r.value;
  if (typeof v === "boolean") return String(v);
  if (typeof v === "bigint") return v >= -(2n ** 63n) && v < 2n ** 63n ? String(v) : undefined;
  if (typeof v !== "number") return undefined;
  if (r.tag === "int") return String(v);
  if (Number.isNaN(v)) return ".nan";
  if (!Number.isFinite(v)) return v > 0 ? ".inf" : "-.inf";
  const single = Math.fround(v);
  for (let digits = 1; digits <= 9; digits++) {
    const shortest = Number(single.toPrecision(digits));
    if (Math.fround(shortest) === single) return formatGoFloatG(shortest);
  }
  return formatGoFloatG(single);
}

/** Sets `obj[key]`, as an own data property even for `__proto__`. */
export function setKey(obj: YamlMap, key: string, value: YamlValue): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}
