/**
 * Masking by field: a copy of a value in which every marked path holds a marker instead of
 * its content. Markers come from the run's keyed hash (src/sops/mask.ts): equal values get
 * equal markers within a run, so a diff still shows *that* a secret changed, and a marker
 * cannot be reversed. Nothing else changes: fields that are not marked stay as they are, even
 * when their text equals a secret's.
 */
import { isMap, type YamlMap, type YamlValue } from "../kustomize/types.js";
import type { SecretPaths, ValuePath } from "./paths.js";

const MARKER = /^<masked:sha256:[0-9a-f]+>$/;

/** What makes a marker of one value (a run's SecretMasker). */
export interface Marker {
  mask(value: string | number | bigint | boolean): string;
}

/** One marker for a whole value; maps and lists are hashed as their canonical JSON. */
export function markerOf(value: YamlValue, marker: Marker): YamlValue {
  if (value === null) return null;
  // A marker is no secret: masking twice gives the same output (idempotent).
  if (typeof value === "string" && MARKER.test(value)) return value;
  if (typeof value === "object") return marker.mask(`json:${canonicalJson(value)}`);
  return marker.mask(value);
}

/**
 * A copy of `value` with every marked path masked; unmarked parts are shared, not copied
 * (treat the result as read-only). Returns `value` itself when nothing is marked.
 */
export function maskValue(value: YamlValue, secrets: SecretPaths | undefined, marker: Marker): YamlValue {
  if (!secrets || secrets.isEmpty()) return value;
  return maskAt(value, [], secrets, marker);
}

function maskAt(value: YamlValue, at: ValuePath, secrets: SecretPaths, marker: Marker): YamlValue {
  if (secrets.covers(at)) return markerOf(value, marker);
  if (!secrets.touches(at)) return value;
  if (Array.isArray(value)) return value.map((v, i) => maskAt(v, [...at, i], secrets, marker));
  if (isMap(value)) {
    const out: YamlMap = {};
    for (const [k, v] of Object.entries(value)) {
      const masked = maskAt(v, [...at, k], secrets, marker);
      if (k === "__proto__")
        Object.defineProperty(out, k, { value: masked, enumerable: true, writable: true });
      else out[k] = masked;
    }
    return out;
  }
  return value;
}

function canonicalJson(v: YamlValue): string {
  if (v === null || typeof v !== "object") return JSON.stringify(typeof v === "bigint" ? v.toString() : v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k]!)}`).join(",")}}`;
}

/** Every scalar at a marked path (for last-resort checks of free text such as error messages). */
export function secretScalars(value: YamlValue, secrets: SecretPaths | undefined): string[] {
  const out: string[] = [];
  if (!secrets) return out;
  const collect = (v: YamlValue) => {
    if (v === null) return;
    if (Array.isArray(v)) v.forEach(collect);
    else if (isMap(v))
      for (const [k, x] of Object.entries(v)) {
        out.push(k);
        collect(x);
      }
    else out.push(String(v));
  };
  for (const p of secrets.paths()) {
    let cur: YamlValue | undefined = value;
    for (const seg of p) {
      if (Array.isArray(cur) && typeof seg === "number") cur = cur[seg];
      else if (isMap(cur) && typeof seg === "string") cur = cur[seg];
      else cur = undefined;
      if (cur === undefined) break;
    }
    if (cur !== undefined) collect(cur);
  }
  return out;
}

/**
 * A copy of `value` for judging the types of its secret fields without their content: every
 * scalar at a marked path is replaced by a fixed one of the same YAML type (string "", integer
 * 0, float 0.5, boolean false, null), and the keys of a marked map by `k0`, `k1`… A schema
 * check of the copy finds a secret of the wrong type (a non-numeric secret substituted into
 * `replicas`) and nothing of its value; what it says about a value (patterns, ranges, enums)
 * is about the stand-in and must be ignored. Returns `value` itself when nothing is marked.
 */
export function typedStandIn(value: YamlValue, secrets: SecretPaths | undefined): YamlValue {
  if (!secrets || secrets.isEmpty()) return value;
  const standIn = (v: YamlValue): YamlValue => {
    if (Array.isArray(v)) return v.map(standIn);
    if (isMap(v)) {
      const out: YamlMap = {};
      for (const [i, x] of Object.values(v).entries()) out[`k${i}`] = standIn(x);
      return out;
    }
    if (typeof v === "string") return "";
    if (typeof v === "bigint") return 0n;
    if (typeof v === "number") return Number.isInteger(v) ? 0 : 0.5;
    if (typeof v === "boolean") return false;
    return v;
  };
  const at = (v: YamlValue, p: ValuePath): YamlValue => {
    if (secrets.covers(p)) return standIn(v);
    if (!secrets.touches(p)) return v;
    if (Array.isArray(v)) return v.map((x, i) => at(x, [...p, i]));
    if (isMap(v)) {
      const out: YamlMap = {};
      for (const [k, x] of Object.entries(v)) {
        const y = at(x, [...p, k]);
        if (k === "__proto__") Object.defineProperty(out, k, { value: y, enumerable: true, writable: true });
        else out[k] = y;
      }
      return out;
    }
    return v;
  };
  return at(value, []);
}
