/**
 * A fast reader's document reduced to what `fastLineOf` (line-of.ts) reads of it: each node's
 * line, each map's key texts and key lines, each sequence's items, each alias's target. It holds
 * no scalar values, is plain JSON (so it can be kept in the persistent cache: src/check/
 * source-lines-cache.ts) and `lineOfTree` answers every path as `fastLineOf` does on the nodes.
 */
import type { FastNode } from "./nodes.js";

/** A scalar: its line. */
export type LineTree = number | LineMap | LineSeq | LineAlias;

export interface LineMap {
  /** The node's line. */
  l: number;
  /** Key texts, in document order (a duplicate key's first entry is the one found). */
  k: string[];
  /** Each key's line. */
  kl: number[];
  /** Each value. */
  v: LineTree[];
}

export interface LineSeq {
  l: number;
  s: LineTree[];
}

export interface LineAlias {
  l: number;
  a: LineTree;
}

/** The line tree of a fast reader's node (an alias's target written out in place). */
export function lineTreeOf(node: FastNode): LineTree {
  switch (node.kind) {
    case "scalar":
      return node.line;
    case "map":
      return {
        l: node.line,
        k: node.pairs.map((p) => p.key.text),
        kl: node.pairs.map((p) => p.key.line),
        v: node.pairs.map((p) => lineTreeOf(p.value)),
      };
    case "seq":
      return { l: node.line, s: node.items.map(lineTreeOf) };
    case "alias":
      return { l: node.line, a: lineTreeOf(node.target) };
  }
}

function lineOfNode(t: LineTree | undefined): number | undefined {
  return typeof t === "number" ? t : typeof t === "object" && t !== null ? t.l : undefined;
}

/** fastLineOf (line-of.ts) over a line tree: the key's line for a map entry, the item's line for a sequence entry. */
export function lineOfTree(root: LineTree, path: ReadonlyArray<string | number>): number | undefined {
  let node: LineTree | undefined = root;
  let line: number | undefined = lineOfNode(root);
  for (const seg of path) {
    while (typeof node === "object" && node !== null && "a" in node) node = node.a;
    if (node === undefined || (typeof node !== "number" && !isLineTree(node))) return undefined;
    if (typeof node !== "number" && "s" in node && typeof seg === "number") {
      node = Number.isInteger(seg) && seg >= 0 ? node.s[seg] : undefined;
      line = lineOfNode(node);
    } else if (typeof node !== "number" && "k" in node) {
      const i = node.k.indexOf(String(seg));
      if (i < 0) return undefined;
      line = node.kl[i];
      node = node.v[i];
    } else {
      return undefined;
    }
  }
  return typeof line === "number" ? line : undefined;
}

/**
 * Whether `t` has a line tree's shape at its top (a cache entry's, checked before use: entries
 * are sealed and written by the same code, so this guards against a format change, not against
 * forgery; lineOfTree answers undefined where a node below has no such shape).
 */
export function isLineTree(t: unknown): t is LineTree {
  if (typeof t === "number") return Number.isInteger(t);
  if (typeof t !== "object" || t === null) return false;
  const o = t as Record<string, unknown>;
  if (typeof o.l !== "number") return false;
  if (Array.isArray(o.s) || (typeof o.a === "object" && o.a !== null) || typeof o.a === "number") return true;
  return (
    Array.isArray(o.k) &&
    Array.isArray(o.kl) &&
    Array.isArray(o.v) &&
    o.k.length === o.kl.length &&
    o.k.length === o.v.length
  );
}
