/**
 * The documents that finding-line placement (source-lines.ts) reads of a source file, in the
 * persistent render cache (src/cache, issue 16): each document's value, first line and line tree
 * (src/yaml/fast/line-tree.ts), keyed by the file's text (and the running code, as every entry).
 * A check after a one-file edit places its findings in the files it did not render again (a
 * HelmRelease file for each release's findings, ~70 in bjw-s home-ops) without parsing them in
 * a cold process; an edited file has other bytes, so another key: an entry is never stale.
 *
 * What is kept is what the file on disk says (never a decrypted or substituted value: placement
 * reads the repository's bytes), sealed with a key derived from those bytes (src/cache/store.ts).
 * Even so, a file with a document of kind Secret or a SOPS envelope (a top-level `sops` key) is
 * never stored: it is parsed in every run. Files the fast reader leaves to the full `yaml`
 * path (anchors with merge keys, unusual syntax) are not stored either.
 */
import type { RenderCache } from "../cache/store.js";
import { decoderOf, encodeNoting } from "../cache/value-codec.js";
import { parsedLineTreeDocuments } from "../kustomize/parsed-files.js";
import { isMap, type YamlValue } from "../kustomize/types.js";
import {
  isLineTree,
  type LineTree,
  type LineTreeDocument,
  lineOfTree,
  type PositionedDocument,
  parseYamlDocumentsWithLineTrees,
  parseYamlDocumentsWithPositions,
} from "../yaml/index.js";

export const SOURCE_LINES_UNIT = "check-source-lines";

interface CachedDocument {
  /** The value (src/cache/value-codec.ts). */
  v: unknown;
  /** `v` holds no tagged value: it is used as JSON.parse gives it. */
  j?: true;
  l: number;
  t: LineTree;
}

/**
 * parseYamlDocumentsWithPositions(text, file), through the cache: the same documents, values
 * and lines. Throws as the parse does for a text it refuses (nothing is stored then).
 */
export function sourceDocuments(cache: RenderCache, text: string, file: string): PositionedDocument[] {
  const key = cache.key(SOURCE_LINES_UNIT, text);
  if (cache.mayHold?.(SOURCE_LINES_UNIT) !== false) {
    const known = readEntry(cache.get(key));
    if (known) return known;
  }
  // The platform's load parsed most of these files already (its memo keeps the line trees).
  const parsed = parsedLineTreeDocuments(text, file) ?? parseYamlDocumentsWithLineTrees(text);
  if (parsed === undefined) return parseYamlDocumentsWithPositions(text, file);
  if (!SECRET_TEXT.test(text) && parsed.every((d) => storable(d.value))) {
    const docs: CachedDocument[] = parsed.map((d) => {
      const { encoded, plain } = encodeNoting(d.value);
      return { v: encoded, ...(plain ? { j: true as const } : {}), l: d.line, t: d.tree };
    });
    cache.put(key, { docs });
  }
  return parsed.map(positioned);
}

/**
 * A Secret written anywhere in the file (a List's item, flow style, a manifest inside Helm
 * values, a comment) or SOPS metadata at a document's top: such a file is not stored, whatever
 * its documents' kinds. `SecretStore`, `ExternalSecret` and the like are other kinds.
 */
const SECRET_TEXT = /\bkind\s*:\s*["']?Secret["']?(?![\w-])|^sops\s*:/m;

/** Not a Secret (whose data may be plaintext), not a SOPS file (ciphertext and its metadata). */
function storable(value: YamlValue): boolean {
  return !isMap(value) || (value.kind !== "Secret" && !Object.hasOwn(value, "sops"));
}

function positioned(d: LineTreeDocument): PositionedDocument {
  const tree = d.tree;
  return { value: d.value, line: d.line, lineOf: (path) => lineOfTree(tree, path) };
}

/** The documents of an entry's body, or undefined when it is not one. */
function readEntry(body: unknown): PositionedDocument[] | undefined {
  const docs = (body as { docs?: unknown } | undefined)?.docs;
  if (!Array.isArray(docs)) return undefined;
  const decode = decoderOf(body);
  const out: PositionedDocument[] = [];
  try {
    for (const d of docs as Array<Partial<CachedDocument>>) {
      if (typeof d !== "object" || d === null || typeof d.l !== "number" || !isLineTree(d.t))
        return undefined;
      const value = d.j === true ? (d.v as YamlValue) : decode(d.v);
      out.push(positioned({ value, line: d.l, tree: d.t }));
    }
  } catch {
    return undefined;
  }
  return out;
}
