/**
 * The tar index of a chart archive (archive-index.ts) in a persistent store (src/cache/store.ts),
 * by the archive's sha256: the chart cache keeps one beside its archives (src/charts/derived.ts).
 * The store names entries by the code identity and seals them: an entry of another build is never
 * read, a damaged one is a miss, and an entry that does not decode or fit the stream is ignored
 * (the archive is parsed, and its index written again).
 */
import type { RenderCache } from "../cache/store.js";
import { type ArchiveIndexStore, decodeTarIndex, type TarIndex } from "./archive-index.js";

const UNIT = "helm-archive-index";
const FORMAT = 1;

export function persistedArchiveIndex(store: RenderCache, archiveSha256: string): ArchiveIndexStore {
  const key = store.key(UNIT, `${FORMAT}\0${archiveSha256}`);
  return {
    read: () => decodeTarIndex(store.get(key)),
    write: (index: TarIndex) => store.put(key, index),
  };
}
