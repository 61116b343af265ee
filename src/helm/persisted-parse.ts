/**
 * A chart's parsed templates kept in the persistent cache (src/cache/store.ts), so that a fresh
 * process renders a chart it has parsed before without lexing and parsing its templates again:
 * in a new process V8 runs the parser uncompiled, and kube-prometheus-stack's 1.6 MB of templates
 * took ~200 ms to parse against ~40 ms once warm.
 *
 * One entry per parsed set: the template names and texts in parse order (or the names and the
 * digest of the chart the texts come from), with the code identity the store folds into every
 * key, name it; the body holds each text's trees and the function
 * names the text uses, in tree-codec.ts's binary encoding. The store's seal makes a damaged or
 * foreign entry a miss; an entry that decodes to nonsense is a miss too, and a text whose
 * functions the set lacks is parsed again (and fails as Helm fails). Failed parses are never
 * stored. A cache that keeps no bytes (no getBytes/putBytes) keeps no parses.
 *
 * When: `helm template` stores a parse at once (its next process renders the same chart).
 * A repository's HelmReleases store a chart's parse on its second use ("second-use"): a second
 * release of the chart in the same process, or a render in a later process after a marker entry
 * said an earlier one parsed it. A later process re-renders only the releases whose inputs
 * changed, and a release cache hit parses nothing: a chart one release uses (most of a home-ops
 * repository's, kube-prometheus-stack's 1.6 MB of templates among them) may never be parsed
 * again, and encoding its trees cost a cold check of bjw-s home-ops ~30 ms of its ~60 ms
 * of parse persistence. A chart many releases use (app-template) is stored by the same run.
 *
 * Where: a chart loaded from the chart cache keeps its parse beside its archive, in the chart
 * cache's derived store (src/charts/derived.ts; keepParsesIn), where `slipway charts pull` puts
 * it (persistParse) and which a cold run with an emptied render cache still reads; any other
 * chart (a directory, `helm template ./dir`) keeps it in the render cache.
 */
import { createHash } from "node:crypto";
import type { RenderCache } from "../cache/store.js";
import type { Chart } from "./chart.js";
import type { TemplateSet } from "./template/template-set.js";
import { decodeParses, encodeParses, type ParsedText, TreeDecodeError } from "./template/tree-codec.js";

/** The cache unit of persisted parses. */
export const PARSE_UNIT = "helm-parse";
/** Markers: a process parsed these texts and did not store their parse (body: one byte). */
const SEEN_UNIT = "helm-parse-seen";
/**
 * 6: tree-codec's binary encoding with each node's kind and position in one word (5: in two;
 * 4: string literals as strings of the table, not slices of the text; 3: without each tree's
 * nesting (stack-budget.ts); 2: without list extents; 1 was JSON arrays).
 */
const FORMAT = 6;

/** When a parse is stored: at once, or on the second use of the chart (see above). */
export type ParsePersistence = "first-use" | "second-use";

/**
 * When the parse of a chart from the chart cache goes to its derived store, when `charts pull`
 * did not put it there (a cache pulled by an earlier build, `charts add`): at once. The store
 * outlives the render cache, so every later cold run takes the parse; encoding costs a third of
 * parsing, once: a cold check of bjw-s home-ops whose derived store held no parse spent 52-60 ms
 * in encodeParses and 111-132 ms parsing, and with the parse stored 13-21 ms in parsedSet in all
 * (profiles of 3 runs each). "second-use" would put the same cost on the second run and parse
 * in full there too.
 */
export const DERIVED_PARSES: ParsePersistence = "first-use";

/** What the caller does after parsing: `parsed` at once, `reused` when the set is used again. */
export interface ParsePersist {
  parsed?: () => void;
  reused?: () => void;
}

/**
 * The digest naming a parse of these (name, text) pairs into `set`. With `chart`, the digest of
 * the chart all the texts come from (Chart.digest: equal digests are equal charts, and the texts
 * are a chart's files by name), the names and that digest determine the texts: they are not
 * hashed again (kube-prometheus-stack's are 1.6 MB; a cold check of bjw-s home-ops hashed 2.9 MB
 * of template texts whose archives it had already hashed).
 */
function parseDigest(
  set: TemplateSet,
  files: readonly (readonly [string, string])[],
  chart: string | undefined,
): string {
  const h = createHash("sha256").update(`${FORMAT}\0${set.breakOK() ? 1 : 0}\0`);
  if (chart !== undefined) {
    // "chart" then the digest, where a text-named parse has a name, its length and its text: a
    // length is decimal digits and is followed by NUL, so the two forms never give one stream.
    h.update(`chart\0${chart}\0${files.length}\0`);
    for (const [name] of files) h.update(`${name}\0`);
  } else {
    for (const [name, text] of files) h.update(`${name}\0${text.length}\0`).update(text).update("\0");
  }
  return h.digest("hex");
}

/**
 * Primes `set` with the persisted parse of `files`, when the store has one. Otherwise says when
 * to persist the set's parse of the files once they parsed: `parsed` (at once), or `reused`
 * (the next use of the set in this process) after writing a marker for later processes.
 */
export function primePersistedParse(
  store: RenderCache,
  set: TemplateSet,
  files: readonly (readonly [string, string])[],
  when: ParsePersistence = "first-use",
  chart?: string,
): ParsePersist {
  if (store.getBytes === undefined || store.putBytes === undefined) return {};
  const digest = parseDigest(set, files, chart);
  const key = store.key(PARSE_UNIT, digest);
  const body = store.getBytes(key);
  if (body !== undefined && prime(set, files, body)) return {};
  const persist = persister(store, set, files, key);
  if (when === "first-use") return { parsed: persist };
  const seen = store.key(SEEN_UNIT, digest);
  if (store.getBytes(seen) !== undefined) return { parsed: persist };
  store.putBytes(seen, new Uint8Array([1]));
  return { reused: persist };
}

/**
 * Charts whose parses are kept in a store of their own rather than the render cache: a chart
 * loaded from the chart cache, whose parse is derived data of its archive (src/charts/derived.ts)
 * and so outlives the render cache. By object: the loaded chart is what a render is given.
 */
const parseStores = new WeakMap<Chart, RenderCache>();

/** Keeps the parses of `chart`'s templates in `store` (the chart cache's derived store). */
export function keepParsesIn(chart: Chart, store: RenderCache): void {
  parseStores.set(chart, store);
}

/** Where the parses of `chart`'s templates are kept, when not in the render cache. */
export function parseStoreOf(chart: Chart): RenderCache | undefined {
  return parseStores.get(chart);
}

/**
 * Parses `files` into `set` and stores the parse, unless `store` has it already (then nothing
 * is parsed or decoded): what `slipway charts pull` derives for a chart ahead of its renders.
 * True when it stored one. Throws the parser's TemplateError for a text that does not parse
 * (nothing is stored).
 */
export function persistParse(
  store: RenderCache,
  set: TemplateSet,
  files: readonly (readonly [string, string])[],
  chart: string,
): boolean {
  if (store.getBytes === undefined || store.putBytes === undefined) return false;
  const key = store.key(PARSE_UNIT, parseDigest(set, files, chart));
  if (store.getBytes(key) !== undefined) return false;
  for (const [name, text] of files) set.parse(name, text);
  persister(store, set, files, key)();
  return true;
}

function persister(
  store: RenderCache,
  set: TemplateSet,
  files: readonly (readonly [string, string])[],
  key: ReturnType<RenderCache["key"]>,
): () => void {
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
