import { SlipwayError } from "../errors.js";
import { type Gvk, gvkSelected } from "./resid.js";
import { isMap, type YamlMap, type YamlValue } from "./types.js";

/**
 * A field spec says where a kind of field lives in objects of some kinds
 * (kustomize's `types.FieldSpec`): e.g. `spec/template/metadata/labels` of Deployments.
 */
export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
}

export type Container = YamlMap | YamlValue[];

/** Splits `a/b\/c/d[]` into `["a", "b/c", "d[]"]`. */
export function splitFieldPath(path: string): string[] {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]!;
    if (ch === "\\" && path[i + 1] === "/") {
      cur += "/";
      i++;
    } else if (ch === "/") {
      parts.push(cur);
      cur = "";
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts.filter((p) => p !== "");
}

const pathCache = new Map<string, string[]>();
function cachedSplit(path: string): string[] {
  let p = pathCache.get(path);
  if (!p) {
    p = splitFieldPath(path);
    pathCache.set(path, p);
  }
  return p;
}

export function fieldSpecSelects(fs: FieldSpec, gvk: Gvk): boolean {
  return gvkSelected(gvk, fs);
}

export interface VisitOptions {
  /** Create missing fields along the path (the field spec's `create`). */
  create?: boolean;
  /** What to create for a missing last field: a map (labels) or a scalar slot (names). */
  createLeaf?: "map" | "scalar";
  /** Used in error messages. */
  describe?: string;
}

/**
 * Calls `fn(parent, key)` for every place `path` reaches in `root`, descending into every
 * element of sequences met on the way, as kustomize's fieldspec filter does.
 * `parent[key]` may be undefined only when created as a scalar slot.
 */
export function visitFieldPath(
  root: YamlMap,
  path: string,
  opts: VisitOptions,
  fn: (parent: Container, key: string | number) => void,
): void {
  walk(root, cachedSplit(path), 0, opts, fn);
}

function walk(
  node: YamlValue,
  parts: string[],
  i: number,
  opts: VisitOptions,
  fn: (parent: Container, key: string | number) => void,
): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const el of node) walk(el, parts, i, opts, fn);
    return;
  }
  if (!isMap(node)) {
    throw new SlipwayError(
      `expected sequence or mapping node at '${parts.slice(0, i).join("/")}'${opts.describe ? ` of ${opts.describe}` : ""}`,
    );
  }
  let name = parts[i]!;
  const isSeq = name.endsWith("[]");
  if (isSeq) name = name.slice(0, -2);
  const last = i === parts.length - 1;
  let value = node[name];
  if (value === undefined) {
    if (!opts.create || isSeq) return;
    if (last) {
      if (opts.createLeaf === "map") node[name] = {};
      fn(node, name);
      return;
    }
    value = {};
    node[name] = value;
  } else if (value === null && opts.create && !isSeq && !last) {
    value = {};
    node[name] = value;
  } else if (value === null && isSeq) {
    // kustomize turns a null field that the path says is a sequence into an empty one.
    node[name] = [];
    return;
  }
  if (last) {
    if (value === null && opts.create && opts.createLeaf === "map") node[name] = {};
    fn(node, name);
    return;
  }
  walk(value, parts, i + 1, opts, fn);
}

/** Reads the value at a simple `a/b/c` or `a.b.c` path (no sequences), or undefined. */
export function getPath(root: YamlValue, parts: string[]): YamlValue | undefined {
  let cur: YamlValue | undefined = root;
  for (const p of parts) {
    if (!isMap(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}
