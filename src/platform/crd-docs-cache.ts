/**
 * The documents of a chart's crds/ files, parsed once per chart content and kept between runs
 * (issue 16): a release that applies a chart's CRDs takes these objects instead of parsing the
 * files' YAML. kube-prometheus-stack's crds/ are 4.7 MB of YAML, ~95 ms to parse in a cold
 * process; its entry's JSON reads in a fraction of that.
 *
 * One entry per chart identity: for each crds/ file that parsed (where it sits in the chart: the
 * dependency indexes down to its chart, then its name), the documents that are maps, in the
 * value codec's JSON (src/cache/value-codec.ts: lossless for the value model). A chart is
 * loaded the same way from the same content, so a file found at the same place with the same
 * name is the same file; a file the entry does not name is parsed as before. An entry that does
 * not read as this shape is a miss, as a damaged or foreign one already is (src/cache/store.ts).
 * A release's render cache entry names the documents it applies from here (release-cache.ts
 * StoredCrds) instead of holding them again.
 */
import type { RenderCache } from "../cache/store.js";
import { decoderOf, encodedText, JsonText } from "../cache/value-codec.js";
import type { Chart } from "../helm/chart.js";
import { isMap, type KObject } from "../kustomize/types.js";

export const CHART_CRD_DOCS_UNIT = "chart-crd-docs";

/** A crds/ file of a chart tree: where it sits (crdFileAt), its bytes and its documents. */
export interface CrdFileDocs {
  at: string;
  data: Uint8Array;
  docs: KObject[];
}

/** `<dependency index>/…/<dependency index>:<file name>`: a file's place in a loaded chart. */
export function crdFileAt(deps: readonly number[], name: string): string {
  return `${deps.join("/")}:${name}`;
}

/** Each crds/ file of `chart` and its subcharts (its place, bytes and name), depth first. */
export function eachCrdFile(chart: Chart, visit: (at: string, data: Uint8Array, name: string) => void): void {
  const walk = (c: Chart, deps: number[]) => {
    for (const f of c.files) if (f.name.startsWith("crds/")) visit(crdFileAt(deps, f.name), f.data, f.name);
    for (const [i, d] of c.dependencies.entries()) walk(d, [...deps, i]);
  };
  walk(chart, []);
}

/**
 * Stores the documents of `files`; called before any of them is handed to a release (which
 * adds labels to them), so the entry holds them as parsed.
 */
export function writeCrdDocs(store: RenderCache, identity: string, files: readonly CrdFileDocs[]): void {
  if (files.length === 0) return;
  // `{"files":[{"at":…,"docs":[…],"plain":true?},…]}` as parts: each file's text is made once,
  // not joined into one string of megabytes (release-cache.ts writes renders the same way).
  const parts = ['{"files":['];
  files.forEach((f, i) => {
    const { text, plain } = encodedText(f.docs);
    parts.push(
      asciiJson(`${i === 0 ? "" : ","}{"at":${JSON.stringify(f.at)},"docs":`),
      asciiJson(text),
      plain ? ',"plain":true}' : "}",
    );
  });
  parts.push("]}");
  store.put(store.key(CHART_CRD_DOCS_UNIT, identity), new JsonText(parts));
}

const NON_ASCII = /[\u0080-\uffff]/;
const EACH_NON_ASCII = /[\u0080-\uffff]/g;

/**
 * JSON text with every character past ASCII written as its `\uXXXX` escape (the same value to
 * JSON.parse). The entry is read by every run that applies the chart's CRDs and written once:
 * kube-prometheus-stack's 2.5 MB hold four such characters, which made the reader's UTF-8
 * decoding build a two-byte string of it (~6 ms; ~1.5 ms for ASCII).
 */
function asciiJson(json: string): string {
  if (!NON_ASCII.test(json)) return json;
  return json.replace(EACH_NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * The stored documents of `chart`'s crds/ files, each with its place and its bytes (the chart's
 * own arrays, which a render's CrdFiles carry); empty when the store holds no entry that reads.
 */
export function readCrdDocs(store: RenderCache, identity: string, chart: Chart): CrdFileDocs[] {
  const byPlace = readCrdDocsByPlace(store, identity);
  if (byPlace === undefined) return [];
  // A place twice in the chart (a tar may hold a path twice) names neither file.
  const seen = new Map<string, Uint8Array | null>();
  eachCrdFile(chart, (at, data) => seen.set(at, seen.has(at) ? null : data));
  const out: CrdFileDocs[] = [];
  for (const [at, data] of seen) {
    const docs = byPlace.get(at);
    if (data !== null && docs !== undefined) out.push({ at, data, docs });
  }
  return out;
}

/**
 * The stored documents of a chart's crds/ files by place (crdFileAt), objects of the caller's
 * own; undefined when the store holds no entry that reads. A place the entry names twice is in
 * neither.
 */
export function readCrdDocsByPlace(store: RenderCache, identity: string): Map<string, KObject[]> | undefined {
  const body = store.get(store.key(CHART_CRD_DOCS_UNIT, identity)) as { files?: unknown } | undefined;
  if (!isMap(body as never) || !Array.isArray(body!.files)) return undefined;
  const decode = decoderOf(body);
  const byPlace = new Map<string, KObject[] | null>();
  try {
    for (const e of body!.files as unknown[]) {
      const f = e as { at?: unknown; docs?: unknown; plain?: unknown };
      if (typeof f.at !== "string" || !Array.isArray(f.docs)) return undefined;
      const docs = f.plain === true ? (f.docs as KObject[]) : (decode(f.docs) as KObject[]);
      if (!docs.every((d) => isMap(d))) return undefined;
      byPlace.set(f.at, byPlace.has(f.at) ? null : docs);
    }
  } catch {
    return undefined;
  }
  const out = new Map<string, KObject[]>();
  for (const [at, docs] of byPlace) if (docs !== null) out.set(at, docs);
  return out;
}
