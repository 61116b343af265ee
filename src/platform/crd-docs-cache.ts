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
      `${i === 0 ? "" : ","}{"at":${JSON.stringify(f.at)},"docs":`,
      text,
      plain ? ',"plain":true}' : "}",
    );
  });
  parts.push("]}");
  store.put(store.key(CHART_CRD_DOCS_UNIT, identity), new JsonText(parts));
}

/**
 * The stored documents of `chart`'s crds/ files by their bytes (the chart's own arrays, which a
 * render's CrdFiles carry); empty when the store holds no entry that reads.
 */
export function readCrdDocs(store: RenderCache, identity: string, chart: Chart): Map<Uint8Array, KObject[]> {
  const out = new Map<Uint8Array, KObject[]>();
  const body = store.get(store.key(CHART_CRD_DOCS_UNIT, identity)) as { files?: unknown } | undefined;
  if (!isMap(body as never) || !Array.isArray(body!.files)) return out;
  const decode = decoderOf(body);
  const byPlace = new Map<string, KObject[]>();
  try {
    for (const e of body!.files as unknown[]) {
      const f = e as { at?: unknown; docs?: unknown; plain?: unknown };
      if (typeof f.at !== "string" || !Array.isArray(f.docs)) return out;
      const docs = f.plain === true ? (f.docs as KObject[]) : (decode(f.docs) as KObject[]);
      if (!docs.every((d) => isMap(d))) return out;
      byPlace.set(f.at, docs);
    }
  } catch {
    return out;
  }
  // A place twice in the chart (a tar may hold a path twice) names neither file.
  const seen = new Map<string, Uint8Array | null>();
  eachCrdFile(chart, (at, data) => seen.set(at, seen.has(at) ? null : data));
  for (const [at, data] of seen) {
    const docs = byPlace.get(at);
    if (data !== null && docs !== undefined) out.set(data, docs);
  }
  return out;
}
