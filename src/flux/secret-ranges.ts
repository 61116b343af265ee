/**
 * Post-build substitution works on text, so a secret variable's value lands somewhere in the
 * substituted YAML. This maps the text ranges that substitution wrote from secret variables
 * back to the fields of the re-parsed object: every scalar the ranges overlap is secret, and
 * a range that touches a mapping key makes its whole mapping secret (a key cannot be masked on
 * its own).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Node, parseDocument } from "yaml";
import { SecretPaths, type ValuePath } from "../secrets/paths.js";
import { checkYamlNesting } from "../yaml/limits.js";

export function pathsInRanges(text: string, ranges: ReadonlyArray<readonly [number, number]>): SecretPaths {
  const out = new SecretPaths();
  const live = ranges.filter(([a, b]) => b > a);
  if (live.length === 0) return out;
  checkYamlNesting(text);
  const doc = parseDocument(text, { version: "1.1", uniqueKeys: false, keepSourceTokens: false });
  const hit = (node: { range?: [number, number, number] | null } | null | undefined): boolean => {
    const r = node?.range;
    if (!r) return false;
    return live.some(([a, b]) => a < r[1] && b > r[0]);
  };
  const walk = (node: Node | null | undefined, at: ValuePath): void => {
    if (!node || isAlias(node)) return;
    if (isScalar(node)) {
      if (hit(node)) out.add(at);
      return;
    }
    if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item as Node, [...at, i]);
      return;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key as Node | null;
        if (key && hit(key)) {
          out.add(at);
          return;
        }
        const name = isScalar(key) ? String(key.value ?? "") : "";
        walk(pair.value as Node | null, [...at, name]);
      }
    }
  };
  walk(doc.contents as Node | null, []);
  return out;
}
