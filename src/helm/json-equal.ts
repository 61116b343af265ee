/**
 * Equality of JSON values as jsonschema v6 compares them for `enum`, `const` and `uniqueItems`:
 * lists item by item, objects by their own keys, whatever the keys are called.
 *
 * ajv compares with fast-deep-equal, which reads `constructor`, `valueOf` and `toString` from the
 * values: on values with such keys (a values.yaml may have any) it threw "a.toString is not a
 * function", and `{constructor: {}}` never equalled `{constructor: {}}`. useJsonEqualInAjv puts
 * this function in its place.
 */
import { createRequire } from "node:module";

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a && b && typeof a === "object" && typeof b === "object") {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a)) {
      const bb = b as unknown[];
      if (a.length !== bb.length) return false;
      for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], bb[i])) return false;
      return true;
    }
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.hasOwn(b, k)) return false;
    for (const k of ka)
      if (!jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    return true;
  }
  return Number.isNaN(a) && Number.isNaN(b);
}

const require = createRequire(import.meta.url);

/**
 * Makes ajv's runtime `equal` (ajv/dist/runtime/equal, which ajv's enum, const and uniqueItems
 * call, compiled or standalone) jsonEqual. Its `code` stays ajv's, so standalone code still
 * requires that module, which now holds jsonEqual. Only Slipway's values.schema.json validation
 * uses ajv in this process.
 */
export function useJsonEqualInAjv(): void {
  const m = require("ajv/dist/runtime/equal.js") as {
    default: ((a: unknown, b: unknown) => boolean) & { code?: string };
  };
  if (m.default === ajvEqual) return;
  ajvEqual.code = m.default.code ?? 'require("ajv/dist/runtime/equal").default';
  m.default = ajvEqual;
}

const ajvEqual: ((a: unknown, b: unknown) => boolean) & { code?: string } = (a, b) => jsonEqual(a, b);
