/**
 * Input values as ResourceSet templates see them. The operator stores inputs as JSON and
 * decodes them with k8s.io/apimachinery's util/json, so a whole number is an int64, any other
 * number a float64, a mapping a map[string]interface{} and a list a []interface{}.
 * (quirk kept: a YAML `2.0` is a float64 in Go; Slipway's YAML layer keeps no trace of the
 * `.0`, so it becomes an int64 here — it prints the same.)
 */
import { GoInt, GoMap, type GoValue } from "../helm/template/value.js";
import { isMap, type YamlValue } from "../kustomize/types.js";

export function goValueOf(v: YamlValue): GoValue {
  if (v === null) return null;
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return new GoInt("int64", v);
  if (typeof v === "number") return Number.isInteger(v) ? new GoInt("int64", v) : v;
  if (Array.isArray(v)) return v.map(goValueOf);
  if (isMap(v)) {
    const m = new GoMap();
    for (const [k, x] of Object.entries(v)) m.set(k, goValueOf(x));
    return m;
  }
  return null;
}
