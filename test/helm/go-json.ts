import { GoInt, GoMap, type GoValue } from "../../src/helm/template/value.js";

/** A compact JSON rendering of Go values for assertions (keys sorted as Go's encoder sorts them). */
export function goJson(v: GoValue): string {
  if (v === undefined || v === null) return "null";
  if (v instanceof GoMap)
    return `{${v
      .sortedKeys()
      .map((k) => `${JSON.stringify(k)}:${goJson(v.get(k))}`)
      .join(",")}}`;
  if (Array.isArray(v)) return `[${v.map(goJson).join(",")}]`;
  if (v instanceof GoInt) return v.toString();
  if (typeof v === "number" && Object.is(v, -0)) return "-0";
  if (typeof v === "object") return JSON.stringify(String(v));
  return JSON.stringify(v);
}
