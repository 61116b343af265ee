/**
 * The fast reader's documents (src/yaml/fast) of rendered manifests, kept from the read of their
 * heads (sortManifests) for the one reader that parses the same documents again: a HelmRelease's
 * objects (src/platform/helmreleases.ts). Both readers start from the same neutral tree and
 * resolve it with their own rules, so the scan, about half of each read (~20 ms of a cold check
 * of bjw-s home-ops on the slowed machine), is done once.
 *
 * Kept only for renders that ask (RenderOptions.keepScans), by the Manifest or Hook object, and
 * taken once, so a tree lives from the sort to the release's objects and no longer.
 */
import type { FastDocument, FastNode } from "../yaml/fast/index.js";
import type { Manifest } from "./manifests.js";

const scans = new WeakMap<Manifest, readonly FastDocument[]>();

export function keepScan(item: Manifest, docs: readonly FastDocument[]): void {
  scans.set(item, docs);
}

/**
 * The kept documents of `item` when they are those of `text` (its content, or its content with
 * a line break after it, as post-renderers read it); undefined otherwise or when none were kept.
 * The fast reader reads line by line, so a final line break changes only a block scalar running
 * to the end of the text (without one it keeps no line break); such a text is scanned again.
 */
export function takeScan(item: Manifest, text: string): readonly FastDocument[] | undefined {
  const docs = scans.get(item);
  if (docs === undefined) return undefined;
  scans.delete(item);
  if (text === item.content) return docs;
  if (text !== `${item.content}\n` || endsInBlockScalar(docs)) return undefined;
  return docs;
}

/** Whether the last node read (the last leaf of the last document) is a block scalar. */
function endsInBlockScalar(docs: readonly FastDocument[]): boolean {
  let node: FastNode | null | undefined = docs[docs.length - 1]?.root;
  while (node) {
    switch (node.kind) {
      case "scalar":
        return node.style === "literal" || node.style === "folded";
      case "map":
        node = node.pairs[node.pairs.length - 1]?.value;
        break;
      case "seq":
        node = node.items[node.items.length - 1];
        break;
      default:
        // An alias names a node read before it: the alias ends the text.
        return false;
    }
  }
  return false;
}
