import type { YamlMap, YamlValue } from "../kustomize/types.js";
import { intValue } from "./numbers.js";

/**
 * A value built in code, made to look like one parse.ts returns: integral bigints within the
 * safe range become numbers (so equality checks work), and map keys holding `undefined` are
 * dropped. Printing does not need this (emitYaml handles numbers itself); comparing does.
 */
export function toJsonCompatible(value: unknown): YamlValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Object.is(value, -0) ? 0 : value;
    case "bigint":
      return intValue(value);
  }
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toJsonCompatible(v)));
  if (typeof value === "object") {
    const out: YamlMap = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      if (k === "__proto__") {
        Object.defineProperty(out, k, {
          value: toJsonCompatible(v),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        out[k] = toJsonCompatible(v);
      }
    }
    return out;
  }
  throw new TypeError(`cannot represent ${typeof value} as YAML`);
}
