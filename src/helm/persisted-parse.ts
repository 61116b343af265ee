/**
 * A chart's parsed templates kept in the persistent cache (src/cache/store.ts), so that a fresh
 * process renders a chart it has parsed before without lexing and parsing its templates again:
 * in a new process V8 runs the parser uncompiled, and kube-prometheus-stack's 1.6 MB of templates
 * took ~200 ms to parse against ~40 ms once warm.
 *
 * One entry per parsed set: the template names and texts in parse order, with the code identity
 * the store folds into every key, name it; the body holds each text's trees and the function
 * names the text uses, in tree-codec.ts's binary encoding. The store's seal makes a damaged or
 * foreign entry a miss; an entry that decodes to nonsense is a miss too, and a text whose
 * functions the set lacks is parsed again (and fails as Helm fails). Failed parses are never
 * stored. A cache that keeps no bytes (no getBytes/putBytes) keeps no parses.
 */
import { createHash } from "node:crypto";
import type { RenderCache } from "../cache/store.js";
import type { TemplateSet } from "./template/template-set.js";
import { decodeParses, encodeParses, type ParsedText, TreeDecodeError } from "./template/tree-codec.js";

const UNIT = "helm-parse";
/** 3: tree-codec's binary encoding with list extents (2: without; 1 was JSON arrays). */
const FORMAT = 3;

/** The store key of a parse of these (name, text) pairs into `set`. */
function parseKey(store: RenderCache, set: TemplateSet, files: readonly (readonly [string, string])[]) {
  const h = createHash("sha256").update(`${FORMAT}\0${set.breakOK() ? 1 : 0}\0`);
  for (const [name, text] of files) h.update(`${name}\0${text.length}\0`).update(text).update("\0");
  return store.key(UNIT, h.digest("hex"));
}

/**
 * Primes `set` with the persisted parse of `files`, when the store has one. Returns a function
 * that persists the set's parse of the files after they parsed (a no-op after a hit).
 */
export function primePersistedParse(
  store: RenderCache,
  set: TemplateSet,
  files: readonly (readonly [string, string])[],
): () => void {
  if (store.getBytes === undefined || store.putBytes === undefined) return () => {};
  const key = parseKey(store, set, files);
  const body = store.getBytes(key);
  if (body !== undefined && prime(set, files, body)) return () => {};
  return () => {
    const parses: ParsedText[] = [];
    for (const [name, text] of files) {
      const parsed = set.parsedText(name, text);
      if (parsed === undefined) return;
      parses.push(parsed);
    }
    const bytes = encodeParses(parses);
    if (bytes !== undefined) store.putBytes?.(key, bytes);
  };
}

function prime(set: TemplateSet, files: readonly (readonly [string, string])[], body: Uint8Array): boolean {
  let decoded: ParsedText[];
  try {
    decoded = decodeParses(
      body,
      files.map(([, text]) => text),
    );
  } catch (e) {
    if (e instanceof TreeDecodeError) return false;
    throw e;
  }
  for (let i = 0; i < files.length; i++) set.primeParse(files[i]![0], files[i]![1], decoded[i]!);
  return true;
}
