/**
 * The heads of a release's rendered documents (what releaseutil.SortManifests reads of each:
 * apiVersion, kind, metadata.name and annotations) kept in the persistent cache
 * (src/cache/store.ts), so that a fresh process sorting the documents a previous one sorted does
 * not read them again: reading a head is a YAML scan of the whole document (syntax errors must
 * fail as Helm fails), and kube-prometheus-stack's 660 KB of output took ~11 ms of a warm-cache
 * `helm template`, in a reader V8 has not compiled yet in a new process.
 *
 * One entry per release: keyed by the texts of its documents, in order, with the code identity
 * the store folds in; the body holds their heads as JSON. A head is a function of its text, so
 * an entry is never stale. Entries are written only after every head was read without error, so
 * a document that fails always fails as before.
 *
 * Secrets stay out, as in the output cache (src/cli/helm.ts): a document that may be a Secret
 * (its text says `kind: Secret`, spelled in any style, a false positive only costs a read) is
 * left out of the key and read every time, so neither an entry's name nor its seal is a hash of
 * a Secret's text, which a leaked cache directory would let one guess offline. An entry is not
 * written either when a document the text test let through reads as a Secret.
 */
import { createHash } from "node:crypto";
import type { RenderCache } from "../cache/store.js";
import type { ManifestHead } from "./manifests.js";

const UNIT = "helm-heads";
const FORMAT = 1;
/** Releases whose documents are smaller are read faster than an entry is opened. */
const PERSIST_MIN_TEXT = 32 * 1024;

// `kind: Secret` anywhere, block or flow style, quoted or not (the output cache's test).
const MAY_BE_SECRET = /\bkind["']?\s*:\s*["']?Secret(?![\w-])/;
const SECRET_KINDS = new Set(["Secret", "SecretList"]);

/**
 * Reads the heads of `docs` in order: `read(i)` reads the i-th (and throws the error its
 * document deserves). A reader may answer some from elsewhere; the answer is the same.
 */
export type HeadsReader = (docs: readonly string[], read: (i: number) => ManifestHead) => ManifestHead[];

export const readEveryHead: HeadsReader = (docs, read) => docs.map((_, i) => read(i));

/** The heads reader of a render with a persistent cache: readEveryHead with `store` in front of it. */
export function persistedHeadsReader(store: RenderCache): HeadsReader {
  const { getBytes, putBytes } = store;
  if (getBytes === undefined || putBytes === undefined) return readEveryHead;
  return (docs, read) => {
    const kept: number[] = [];
    let chars = 0;
    const h = createHash("sha256").update(`${FORMAT}\0`);
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i] as string;
      if (MAY_BE_SECRET.test(doc)) continue;
      kept.push(i);
      chars += doc.length;
      h.update(`${doc.length}\0`).update(doc);
    }
    if (chars < PERSIST_MIN_TEXT) return readEveryHead(docs, read);
    const key = store.key(UNIT, h.digest("hex"));
    const body = getBytes.call(store, key);
    const known = body === undefined ? undefined : decodeHeads(body, kept.length);
    const heads: ManifestHead[] = new Array(docs.length);
    if (known !== undefined) {
      kept.forEach((i, k) => {
        heads[i] = known[k] as ManifestHead;
      });
      // The documents left out, in order: the first that fails is the one a full read fails on
      // (every kept document read without error when the entry was written).
      for (let i = 0; i < docs.length; i++) if (heads[i] === undefined) heads[i] = read(i);
      return heads;
    }
    for (let i = 0; i < docs.length; i++) heads[i] = read(i);
    const keptHeads = kept.map((i) => heads[i] as ManifestHead);
    if (!keptHeads.some((x) => SECRET_KINDS.has(x.kind))) putBytes.call(store, key, encodeHeads(keptHeads));
    return heads;
  };
}

type EncodedHead = [string, string, null | [string, null | string[]]];

export function encodeHeads(heads: readonly ManifestHead[]): Uint8Array {
  const out: EncodedHead[] = heads.map((x) => [
    x.apiVersion,
    x.kind,
    x.metadata === null
      ? null
      : [x.metadata.name, x.metadata.annotations === null ? null : [...x.metadata.annotations].flat()],
  ]);
  return Buffer.from(JSON.stringify(out), "utf8");
}

/** The `count` heads an entry holds; undefined when it holds anything else (a miss). */
export function decodeHeads(bytes: Uint8Array, count: number): ManifestHead[] | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8"));
  } catch {
    return undefined;
  }
  if (!Array.isArray(raw) || raw.length !== count) return undefined;
  const heads: ManifestHead[] = [];
  for (const e of raw as unknown[]) {
    if (!Array.isArray(e) || e.length !== 3) return undefined;
    const [apiVersion, kind, md] = e as unknown[];
    if (typeof apiVersion !== "string" || typeof kind !== "string") return undefined;
    if (md === null) {
      heads.push({ apiVersion, kind, metadata: null });
      continue;
    }
    if (!Array.isArray(md) || md.length !== 2 || typeof md[0] !== "string") return undefined;
    const flat = md[1] as unknown;
    let annotations: Map<string, string> | null = null;
    if (flat !== null) {
      if (!Array.isArray(flat) || flat.length % 2 !== 0) return undefined;
      annotations = new Map();
      for (let i = 0; i < flat.length; i += 2) {
        const k = flat[i] as unknown;
        const v = flat[i + 1] as unknown;
        if (typeof k !== "string" || typeof v !== "string") return undefined;
        annotations.set(k, v);
      }
    }
    heads.push({ apiVersion, kind, metadata: { name: md[0], annotations } });
  }
  return heads;
}
