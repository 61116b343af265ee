/** Typed fingerprints of template values, for cache keys (render caches of releases and of `helm template`). */
import { elemTypeOf, GoInt, GoMap, type GoValue } from "./template/value.js";

/**
 * A stable, typed text of a template value: Go types matter to templates (`int` vs `float64`
 * vs `string`, a map's named type, a typed slice), so two values with the same JSON but
 * different types never share a key. Undefined for values with no such text (Go objects).
 */
export function fingerprint(v: GoValue): string | undefined {
  const parts: string[] = [];
  const walk = (x: GoValue): boolean => {
    if (x === undefined) parts.push("u");
    else if (x === null) parts.push("n");
    else if (typeof x === "boolean") parts.push(x ? "T" : "F");
    else if (typeof x === "string") parts.push(`s${JSON.stringify(x)}`);
    else if (typeof x === "number") parts.push(`d${Object.is(x, -0) ? "-0" : String(x)}`);
    else if (x instanceof GoInt) parts.push(`i${x.kind}:${x.value}`);
    else if (x instanceof GoMap) {
      parts.push(`m${JSON.stringify(x.goType)}{`);
      for (const [k, y] of x) {
        parts.push(JSON.stringify(k), ":");
        if (!walk(y)) return false;
      }
      parts.push("}");
    } else if (Array.isArray(x)) {
      parts.push(`a${JSON.stringify(elemTypeOf(x))}[`);
      for (const y of x) if (!walk(y)) return false;
      parts.push("]");
    } else if (x instanceof Uint8Array) parts.push(`b${Buffer.from(x).toString("hex")}`);
    else return false;
    parts.push(",");
    return true;
  };
  return walk(v) ? parts.join("") : undefined;
}
