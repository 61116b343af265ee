/** The source line of a path in a fast tree, as ../parse.ts's lineOfPath finds it in a `yaml` node tree. */
import type { FastNode, FastPair } from "./nodes.js";

/** The key's line for a map entry, the item's first line for a sequence entry. */
export function fastLineOf(root: FastNode, path: ReadonlyArray<string | number>): number | undefined {
  let node: FastNode | undefined = root;
  let line: number | undefined = root.line;
  for (const seg of path) {
    while (node?.kind === "alias") node = node.target;
    if (node === undefined) return undefined;
    if (node.kind === "seq" && typeof seg === "number") {
      node = node.items[seg];
      line = node?.line;
    } else if (node.kind === "map") {
      const key = String(seg);
      const pair: FastPair | undefined = node.pairs.find((p) => p.key.text === key);
      if (!pair) return undefined;
      node = pair.value;
      line = pair.key.line;
    } else {
      return undefined;
    }
  }
  return line;
}
