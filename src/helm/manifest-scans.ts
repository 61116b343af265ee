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
import type { FastDocument, FastMap, FastNode, FastSeq } from "../yaml/fast/index.js";
import type { Manifest } from "./manifests.js";

const scans = new WeakMap<Manifest, readonly FastDocument[]>();

export function keepScan(item: Manifest, docs: readonly FastDocument[]): void {
  scans.set(item, docs);
}

/**
 * The kept documents of `item` when they are those of `text` (its content, or its content with
 * a line break after it, as post-renderers read it); undefined otherwise or when none were kept.
 * The fast reader reads line by line, so a final line break changes only a block scalar running
 * to the end of the text: without one it keeps no line break, with one it is chomped as its
 * header says. Such a scalar's text is given the line break its header asks for
 * (withFinalLineBreak) where that is certain, else the text is scanned again.
 */
export function takeScan(item: Manifest, text: string): readonly FastDocument[] | undefined {
  const docs = scans.get(item);
  if (docs === undefined) return undefined;
  scans.delete(item);
  if (text === item.content) return docs;
  if (text !== `${item.content}\n`) return undefined;
  return endsInBlockScalar(docs) ? withFinalLineBreak(docs, item.content) : docs;
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

// After `key:` on a block scalar's header line: an optional anchor, the indicator, a chomping
// indicator (no indentation indicator: such blocks are scanned again), an optional comment.
const HEADER_REST = /^[ \t]*:[ \t]+(?:&[^ \t]+[ \t]+)?[|>]([-+]?)(?:[ \t]+#.*)?[ \t]*$/;
const KEY_PREFIX = /^ *(?:- +)*/;

/**
 * `docs`, the scan of `content` (no final line break), ending in a block scalar, as the scan of
 * `content` and a line break reads: the same tree but for that scalar, which then ends as its
 * header chomps it (strip: no line break; clip and keep: one, as the block's last line is
 * text). Undefined unless every line after the header belongs to the block (a less indented
 * line, a comment after the block, say, ends it before the text does) and the header is a plain
 * key's, with neither a tag nor an indentation indicator: then the text is scanned again.
 */
function withFinalLineBreak(docs: readonly FastDocument[], content: string): FastDocument[] | undefined {
  if (content.includes("\r")) return undefined;
  const spine: Array<FastMap | FastSeq> = [];
  let node: FastNode | null | undefined = docs[docs.length - 1]?.root;
  while (node && node.kind !== "scalar") {
    if (node.kind === "alias") return undefined;
    spine.push(node);
    node = node.kind === "map" ? node.pairs[node.pairs.length - 1]?.value : node.items[node.items.length - 1];
  }
  const parent = spine[spine.length - 1];
  if (!node || parent?.kind !== "map") return undefined;
  const key = parent.pairs[parent.pairs.length - 1]!.key;
  if (key.style !== "plain" || key.line !== node.line) return undefined;
  const lines = content.split("\n");
  const header = lines[node.line - 1];
  if (header === undefined) return undefined;
  // The key's column: after the indentation and the `- ` of sequence items it starts.
  const at = KEY_PREFIX.exec(header)![0].length;
  if (!header.startsWith(key.text, at)) return undefined;
  const rest = HEADER_REST.exec(header.slice(at + key.text.length));
  if (rest === null) return undefined;
  const strip = rest[1] === "-";
  // The block's indentation is its first line of text's; every later line is in the block.
  let indent = -1;
  for (let i = node.line; i < lines.length; i++) {
    const line = lines[i]!;
    let spaces = 0;
    while (line.charCodeAt(spaces) === 0x20) spaces++;
    if (spaces === line.length) continue;
    if (indent < 0) {
      if (spaces <= at) return undefined;
      indent = spaces;
    } else if (spaces < indent) return undefined;
  }
  const last = lines[lines.length - 1]!;
  if (indent < 0 || (last.trim() === "" && !strip)) return undefined;
  if (strip) return docs.slice();
  let value: FastNode = { ...node, text: `${node.text}\n` };
  for (let i = spine.length - 1; i >= 0; i--) {
    const n = spine[i]!;
    value =
      n.kind === "map"
        ? { ...n, pairs: [...n.pairs.slice(0, -1), { key: n.pairs[n.pairs.length - 1]!.key, value }] }
        : { ...n, items: [...n.items.slice(0, -1), value] };
  }
  return [...docs.slice(0, -1), { root: value }];
}
