import type { JsonPath } from "./types.js";

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `spec.template.spec.containers[0].image`, with odd keys quoted: `metadata.labels["app.kubernetes.io/name"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === "" ? "(root)" : out;
}

/** Short description of a value for messages: `string "3"`, `integer 3`, `object`, `array`. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return "array";
  switch (typeof v) {
    case "string": {
      const s = v.length > 60 ? `${v.slice(0, 57)}...` : v;
      return `string ${JSON.stringify(s)}`;
    }
    case "number":
      return Number.isInteger(v) ? `integer ${v}` : `number ${v}`;
    case "bigint":
      return `integer ${v}`;
    case "boolean":
      return `boolean ${v}`;
    case "object":
      return "object";
    default:
      return typeof v;
  }
}

/**
 * Turns an ajv instancePath (`/spec/containers/0`) into path segments, using the data to tell
 * array indices from map keys that look like numbers.
 */
export function pointerToPath(pointer: string, root: unknown): JsonPath {
  if (pointer === "") return [];
  const out: JsonPath = [];
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur)) {
      const i = Number(key);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(key);
      cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}
