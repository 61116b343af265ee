/**
 * Input values as ResourceSet templates see them. The operator stores inputs as JSON and
 * decodes them with k8s.io/apimachinery's util/json (convertNumber: `json.Number.Int64()`, else
 * `Float64()`), so a whole number that fits an int64 is an int64, any other number a float64,
 * a mapping a map[string]interface{} and a list a []interface{}.
 * (quirk kept: a YAML `2.0` is a float64 in Go's YAML, but the API server's JSON stores it as
 * `2`, which util/json reads as an int64 — Slipway's YAML layer keeps no trace of the `.0`
 * either. A whole number outside the int64 range — `1e21`, `1.5e300`, 2^63 — fails Int64()
 * and stays a float64, so templates print `1e+21`, never a wrapped integer.)
 */
import { GoInt, GoMap, type GoValue } from "../helm/template/value.js";
import { isMap, type YamlValue } from "../kustomize/types.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** 2^63 as a double: the smallest whole double that no longer fits an int64. */
const TWO_63 = 2 ** 63;

export function goValueOf(v: YamlValue): GoValue {
  if (v === null) return null;
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return v >= INT64_MIN && v <= INT64_MAX ? new GoInt("int64", v) : Number(v);
  if (typeof v === "number")
    return Number.isInteger(v) && v >= -TWO_63 && v < TWO_63 ? new GoInt("int64", v) : v;
  if (Array.isArray(v)) return v.map(goValueOf);
  if (isMap(v)) {
    const m = new GoMap();
    for (const [k, x] of Object.entries(v)) m.set(k, goValueOf(x));
    return m;
  }
  return null;
}
