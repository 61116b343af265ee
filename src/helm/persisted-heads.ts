/**
 * The heads of a release's rendered documents (what releaseutil.SortManifests reads of each:
 * apiVersion, kind, metadata.name and annotations) kept in the persistent cache
 * (src/cache/store.ts), so that a fresh process sorting the documents a previous one sorted does
 * not read them again: reading a head is a YAML scan of the whole document (syntax errors must
 * fail as Helm fails), and kube-prometheus-stack's 660 KB of output took ~11 ms of a warm-cache
 * `helm template`, in a reader V8 has not compiled yet in a new process.
 *
 * One entry per release, under a name the caller gives (its chart and release name): the body
 * holds each document's head beside the sha256 of its text, and a document is served the head
 * kept for its digest (a head is a function of its text, so an entry is never stale); the others
 * are read. A release whose documents differ at every run (a generated password's checksum in a
 * Deployment: kube-prometheus-stack's Grafana) still has the rest served, which an entry keyed
 * by all the texts never did. Entries are written only after every head was read without error,
 * so a document that fails always fails as before. An entry is rewritten when it served fewer
 * than 7/8 of the documents, keeping beside this run's heads up to three times as many of the
 * heads it held (another set of values rendered under the same release name is served too, not
 * rewritten in turn); a run whose documents differ at every run (`volatile`: randomness or the
 * clock unpinned) writes only when nothing was served, not for the documents that differ.
 *
 * Secrets stay out, as in the output cache (src/cli/helm.ts): a document that may be a Secret
 * (its text says `kind: Secret`, spelled in any style, a false positive only costs a read) is
 * neither digested nor kept, and read every time, so no entry holds a hash of a Secret's text,
 * which a leaked cache directory would let one guess offline. An entry is not written either
 * when a document the text test let through reads as a Secret.
 */
import { hash } from "node:crypto";
import type { RenderCache } from "../cache/store.js";
import type { ManifestHead } from "./manifests.js";

const UNIT = "helm-heads";
const FORMAT = 2;
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

/**
 * The heads reader of a render with a persistent cache: readEveryHead with `store` in front of
 * it. `release` names the entry (any text: what is served is chosen by the documents' digests);
 * `volatile`, asked once the documents are rendered: whether they may differ at the next run.
 */
export function persistedHeadsReader(
  store: RenderCache,
  release: string,
  volatile: () => boolean = () => false,
): HeadsReader {
  const { getBytes, putBytes } = store;
  if (getBytes === undefined || putBytes === undefined) return readEveryHead;
  return (docs, read) => {
    const kept: number[] = [];
    let chars = 0;
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i] as string;
      if (MAY_BE_SECRET.test(doc)) continue;
      kept.push(i);
      chars += doc.length;
    }
    if (chars < PERSIST_MIN_TEXT) return readEveryHead(docs, read);
    const digests = kept.map((i) => hash("sha256", docs[i] as string, "base64"));
    const key = store.key(UNIT, JSON.stringify([FORMAT, release]));
    const body = getBytes.call(store, key);
    const known = body === undefined ? undefined : decodeHeads(body);
    const heads: ManifestHead[] = new Array(docs.length);
    let served = 0;
    if (known !== undefined)
      kept.forEach((i, k) => {
        const head = known.get(digests[k] as string);
        if (head !== undefined) {
          heads[i] = head;
          served++;
        }
      });
    // The documents not served, in order: the first that fails is the one a full read fails on
    // (every served document read without error when its entry was written).
    for (let i = 0; i < docs.length; i++) if (heads[i] === undefined) heads[i] = read(i);
    if (volatile() ? served > 0 : served * 8 >= kept.length * 7) return heads;
    const keptHeads = kept.map((i) => heads[i] as ManifestHead);
    if (keptHeads.some((x) => SECRET_KINDS.has(x.kind))) return heads;
    const entry = new Map<string, ManifestHead>();
    for (let k = 0; k < kept.length; k++) entry.set(digests[k] as string, keptHeads[k] as ManifestHead);
    const limit = entry.size * 4;
    if (known !== undefined)
      for (const [digest, head] of known) {
        if (entry.size >= limit) break;
        if (!entry.has(digest)) entry.set(digest, head);
      }
    putBytes.call(store, key, encodeHeads([...entry.values()], [...entry.keys()]));
    return heads;
  };
}

type EncodedHead = [string, string, string, null | [string, null | string[]]];

/** The heads with the digests of their documents' texts. */
export function encodeHeads(heads: readonly ManifestHead[], digests: readonly string[]): Uint8Array {
  const out: EncodedHead[] = heads.map((x, i) => [
    digests[i] as string,
    x.apiVersion,
    x.kind,
    x.metadata === null
      ? null
      : [x.metadata.name, x.metadata.annotations === null ? null : [...x.metadata.annotations].flat()],
  ]);
  return Buffer.from(JSON.stringify(out), "utf8");
}

/** The heads an entry holds by document digest; undefined when it holds anything else (a miss). */
export function decodeHeads(bytes: Uint8Array): Map<string, ManifestHead> | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8"));
  } catch {
    return undefined;
  }
  if (!Array.isArray(raw)) return undefined;
  const heads = new Map<string, ManifestHead>();
  for (const e of raw as unknown[]) {
    if (!Array.isArray(e) || e.length !== 4) return undefined;
    const [digest, apiVersion, kind, md] = e as unknown[];
    if (typeof digest !== "string" || typeof apiVersion !== "string" || typeof kind !== "string")
      return undefined;
    if (md === null) {
      heads.set(digest, { apiVersion, kind, metadata: null });
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
    heads.set(digest, { apiVersion, kind, metadata: { name: md[0], annotations } });
  }
  return heads;
}
