/**
 * Field-level difference of two versions of one object: maps key by key, lists item by item
 * matched by merge key (see merge-keys.ts). Each change carries a path a person can read and
 * grep for: `spec.template.spec.containers[name=app].image`.
 */
import { isMap, type YamlValue } from "../kustomize/types.js";
import { type ListMatch, listMatch, lookup } from "./merge-keys.js";

export interface FieldChange {
  path: string;
  change: "added" | "removed" | "changed";
  old?: YamlValue;
  new?: YamlValue;
}

export interface DiffOptions {
  /**
   * Scalars compare equal when their normalised text is equal (environment comparison maps
   * `staging-db` and `production-db` to one name). Also applied to list keys.
   */
  normalize?: (s: string) => string;
}

export function diffValues(a: YamlValue, b: YamlValue, opts: DiffOptions = {}, at = ""): FieldChange[] {
  const out: FieldChange[] = [];
  walk(a, b, at, "", opts, out);
  return out;
}

function walk(a: YamlValue, b: YamlValue, at: string, field: string, opts: DiffOptions, out: FieldChange[]) {
  if (isMap(a) && isMap(b)) {
    const keys = [...Object.keys(a)];
    for (const k of Object.keys(b)) if (!(k in a)) keys.push(k);
    for (const k of keys) {
      const p = joinKey(at, k);
      if (!(k in b)) out.push({ path: p, change: "removed", old: a[k]! });
      else if (!(k in a)) out.push({ path: p, change: "added", new: b[k]! });
      else walk(a[k]!, b[k]!, p, k, opts, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    diffList(a, b, at, field, opts, out);
    return;
  }
  if (!sameValue(a, b, opts)) out.push({ path: at, change: "changed", old: a, new: b });
}

function diffList(
  a: YamlValue[],
  b: YamlValue[],
  at: string,
  field: string,
  opts: DiffOptions,
  out: FieldChange[],
) {
  const match = listMatch(field, a, b);
  if (match.by === "position") {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const p = `${at}[${i}]`;
      if (i >= b.length) out.push({ path: p, change: "removed", old: a[i]! });
      else if (i >= a.length) out.push({ path: p, change: "added", new: b[i]! });
      else walk(a[i]!, b[i]!, p, "", opts, out);
    }
    return;
  }
  const keyOf = (item: YamlValue) => itemKey(item, match, opts);
  const remaining = new Map<string, YamlValue[]>();
  for (const item of b) {
    const k = keyOf(item);
    const list = remaining.get(k);
    if (list) list.push(item);
    else remaining.set(k, [item]);
  }
  for (const item of a) {
    const k = keyOf(item);
    const p = `${at}[${label(item, match)}]`;
    const twin = remaining.get(k)?.shift();
    if (twin === undefined) out.push({ path: p, change: "removed", old: item });
    else if (match.by === "keys") walk(item, twin, p, "", opts, out);
  }
  for (const item of b) {
    const k = keyOf(item);
    const left = remaining.get(k);
    if (left?.[0] === item) {
      left.shift();
      out.push({ path: `${at}[${label(item, match)}]`, change: "added", new: item });
    }
  }
}

function itemKey(item: YamlValue, match: ListMatch, opts: DiffOptions): string {
  if (match.by === "keys") {
    return JSON.stringify(
      match.fields.map((f) => {
        const v = lookup(item, f) ?? match.defaults?.[f] ?? null;
        return typeof v === "string" && opts.normalize ? opts.normalize(v) : scalarText(v);
      }),
    );
  }
  return canonical(item, opts);
}

function label(item: YamlValue, match: ListMatch): string {
  if (match.by === "keys") {
    const parts: string[] = [];
    for (const f of match.fields) {
      const v = lookup(item, f);
      if (v !== undefined) parts.push(`${f}=${scalarText(v)}`);
    }
    return parts.join(",");
  }
  return `=${compact(item)}`;
}

/** A stable text for a value, independent of key order. */
function canonical(v: YamlValue, opts: DiffOptions): string {
  if (Array.isArray(v)) return `[${v.map((x) => canonical(x, opts)).join(",")}]`;
  if (isMap(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k]!, opts)}`)
      .join(",")}}`;
  }
  if (typeof v === "string") return JSON.stringify(opts.normalize ? opts.normalize(v) : v);
  return scalarText(v);
}

function sameValue(a: YamlValue, b: YamlValue, opts: DiffOptions): boolean {
  if (typeof a === "string" && typeof b === "string" && opts.normalize) {
    return opts.normalize(a) === opts.normalize(b);
  }
  if (typeof a !== typeof b) return false;
  if (typeof a === "object") return canonical(a, opts) === canonical(b, opts);
  return a === b;
}

function scalarText(v: YamlValue | undefined): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "object") return compact(v);
  return String(v);
}

/** One-line JSON (bigints as numbers) for values shown inline. */
export function compact(v: YamlValue | undefined): string {
  if (v === undefined) return "";
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x)) ?? "";
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `a.b`, or `a["app.kubernetes.io/name"]` for keys that are not plain words. */
export function joinKey(at: string, key: string): string {
  if (PLAIN_KEY.test(key)) return at === "" ? key : `${at}.${key}`;
  return `${at}[${JSON.stringify(key)}]`;
}
