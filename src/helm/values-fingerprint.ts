/** Typed fingerprints of template values, for cache keys (render caches of releases and of `helm template`). */
import { elemTypeOf, GoInt, GoMap, type GoValue } from "./template/value.js";

/**
 * A stable, typed text of a template value: Go types matter to templates (`int` vs `float64`
 * vs `string`, a map's named type, a typed slice), so two values with the same JSON but
 * different types never share a key. Undefined for values with no such text (Go objects).
 */
export function fingerprint(v: GoValue): string | undefined {
  // One string grown by concatenation, maps walked with forEach: a warm changed-only diff keys
  // every release of both revisions (156 in bjw-s home-ops), and an array of parts with a
  // [key, value] pair per map entry was the run's second largest allocation.
  let out = "";
  let ok = true;
  const typeTexts = new Map<string, string>();
  const typeText = (t: string) => {
    let s = typeTexts.get(t);
    if (s === undefined) typeTexts.set(t, (s = JSON.stringify(t)));
    return s;
  };
  const entry = (y: GoValue, k: string) => {
    if (!ok) return;
    out += `${JSON.stringify(k)}:`;
    walk(y);
  };
  const walk = (x: GoValue): void => {
    if (x === undefined) out += "u";
    else if (x === null) out += "n";
    else if (typeof x === "boolean") out += x ? "T" : "F";
    else if (typeof x === "string") out += `s${JSON.stringify(x)}`;
    else if (typeof x === "number") out += `d${Object.is(x, -0) ? "-0" : String(x)}`;
    else if (x instanceof GoInt) out += `i${x.kind}:${x.value}`;
    else if (x instanceof GoMap) {
      out += `m${typeText(x.goType)}{`;
      x.forEach(entry);
      if (!ok) return;
      out += "}";
    } else if (Array.isArray(x)) {
      out += `a${typeText(elemTypeOf(x))}[`;
      for (const y of x) {
        walk(y);
        if (!ok) return;
      }
      out += "]";
    } else if (x instanceof Uint8Array) out += `b${Buffer.from(x).toString("hex")}`;
    else {
      ok = false;
      return;
    }
    out += ",";
  };
  walk(v);
  return ok ? out : undefined;
}
