/**
 * The render step of Helm 4.1.4 (pkg/engine/engine.go): every template of the chart and its
 * enabled subcharts is parsed into one set, then every template whose base name does not start
 * with `_` is executed with the values of its chart, and `<no value>` is removed from the output.
 *
 * - template names are `<chart>/templates/<file>`, subcharts `<parent>/charts/<name>/templates/…`;
 *   library charts contribute only their `_` files;
 * - parse (and execution) order: deepest paths first, then reverse byte order (sortTemplates),
 *   so a parent's `define` wins over a subchart's of the same name;
 * - each chart's data: `.Values` (the root's coalesced values; a subchart's own table),
 *   `.Release`, `.Capabilities`, `.Chart` (metadata as a map, with IsRoot), `.Files`,
 *   `.Subcharts` (each subchart's data), `.Template` (Name, BasePath; set before each file);
 * - `include` counts nesting per name (more than 1000 is an error); `tpl` parses its text as
 *   "gotpl" in a clone of the set (so its defines stay local) and strips `<no value>`;
 * - errors are rewritten as Helm rewrites Go's (cleanupParseError, reformatExecErrorMsg), and
 *   carry the template, line and column as data.
 *
 * Parsed sets are cached by the templates' names and texts: a chart is parsed once per process
 * and each render works on a cheap clone.
 */
import { createHash } from "node:crypto";
import type { RenderCache } from "../cache/store.js";
import { SlipwayError } from "../errors.js";
import { compareGoStrings } from "../go/compare.js";
import type { Chart, ChartFile, ChartMetadata } from "./chart.js";
import { filesObject } from "./files-object.js";
import type { CallContext, FuncMap, GoFunc } from "./funcs/types.js";
import { GoFuncError } from "./funcs/types.js";
import {
  DERIVED_PARSES,
  type ParsePersistence,
  parseStoreOf,
  persistParse,
  primePersistedParse,
} from "./persisted-parse.js";
import { chartFullPath, chartName, isLibrary, type RenderChart } from "./render-chart.js";
import { enterTextOnlyExec } from "./template/exec.js";
import { utf8Decode } from "./template/gostring.js";
import {
  GoInt,
  GoMap,
  type GoValue,
  messagePrefix,
  quote,
  type Template,
  TemplateError,
  TemplateSet,
} from "./template/index.js";
import { forgetParses } from "./template/template-set.js";
import { tplErrorMessage } from "./tpl-error.js";

/** Binds Helm's per-render functions into the function table (helm-funcs' buildFuncMap). */
export type FuncMapBuilder = (bind: { include?: GoFunc["fn"]; tpl?: GoFunc["fn"] }) => FuncMap;

export const RECURSION_MAX = 1000;
const WARN_RE = /HELM_ERR_START([\s\S]*)HELM_ERR_END/;

/** A render failure, in Helm's words, with the template place as data. */
export class RenderError extends SlipwayError {
  /** the template (chart-relative name) where the failure happened */
  readonly template?: string;
  constructor(
    message: string,
    where: { template?: string; line?: number; column?: number; cause?: unknown },
  ) {
    super(message, { file: where.template, line: where.line, column: where.column });
    this.template = where.template;
    if (where.cause !== undefined) (this as { cause?: unknown }).cause = where.cause;
  }
}

interface Renderable {
  text: string;
  vals: GoMap;
  basePath: string;
}

export interface EngineOptions {
  funcs: FuncMapBuilder;
  /** deterministic randomness for rand*, uuidv4, gen* */
  random: () => number;
  /** the clock behind `now` (ms since the epoch) */
  now: () => number;
  /** a persistent cache for parsed templates (persisted-parse.ts); none: parse in every process */
  cache?: RenderCache;
  /** when a parse goes to `cache` (persisted-parse.ts); default: at once */
  parses?: ParsePersistence;
}

/** .Chart: chart.Metadata as Helm 4's structToMap makes it, plus IsRoot. */
export function chartMetadataMap(md: ChartMetadata, isRoot: boolean): GoMap {
  const strings = (xs: string[]): GoValue[] => [...xs];
  const annotations = new GoMap(md.annotations ? [...md.annotations] : [], "map[string]string");
  return new GoMap([
    ["Name", md.name],
    ["Home", md.home],
    ["Sources", strings(md.sources)],
    ["Version", md.version],
    ["Description", md.description],
    ["Keywords", strings(md.keywords)],
    [
      "Maintainers",
      md.maintainers.map((m) =>
        m
          ? new GoMap([
              ["Name", m.name],
              ["Email", m.email],
              ["URL", m.url],
            ])
          : null,
      ),
    ],
    ["Icon", md.icon],
    ["APIVersion", md.apiVersion],
    ["Condition", md.condition],
    ["Tags", md.tags],
    ["AppVersion", md.appVersion],
    ["Deprecated", md.deprecated],
    ["Annotations", annotations],
    ["KubeVersion", md.kubeVersion],
    [
      "Dependencies",
      md.dependencies.map((d) =>
        d
          ? new GoMap([
              ["Name", d.name],
              ["Version", d.version],
              ["Repository", d.repository],
              ["Condition", d.condition],
              ["Tags", strings(d.tags)],
              ["Enabled", d.enabled],
              ["ImportValues", [...d.importValues]],
              ["Alias", d.alias],
            ])
          : null,
      ),
    ],
    ["Type", md.type],
    ["IsRoot", isRoot],
  ]);
}

/** recAllTpls: the templates of a chart tree with the data each one sees. */
function collectTemplates(chart: RenderChart, parentVals: GoMap, out: Map<string, Renderable>): GoMap {
  const subcharts = new GoMap();
  const isRoot = chart.parent === undefined;
  const next = new GoMap(
    [
      ["Chart", chartMetadataMap(chart.metadata, isRoot)],
      ["Files", filesObject(chart.chart.files)],
      ["Release", parentVals.get("Release") ?? null],
      ["Capabilities", parentVals.get("Capabilities") ?? null],
      ["Values", new GoMap(null, "common.Values")],
      ["Subcharts", subcharts],
    ],
    "common.Values",
  );
  if (isRoot) {
    next.set("Values", parentVals.get("Values") ?? new GoMap(null, "common.Values"));
  } else {
    const parentValues = parentVals.get("Values");
    const own = parentValues instanceof GoMap ? parentValues.get(chartName(chart)) : undefined;
    // Values.Table returns the subchart's table as a common.Values.
    if (own instanceof GoMap) next.set("Values", new GoMap(own, "common.Values"));
  }
  for (const child of chart.dependencies) {
    subcharts.set(chartName(child), collectTemplates(child, next, out));
  }
  const fullPath = chartFullPath(chart);
  const basePath = `${fullPath}/templates`;
  for (const t of namedTemplates(chart.chart.templates, fullPath, isLibrary(chart))) {
    out.set(t.name, { text: t.text, vals: next, basePath });
  }
  return next;
}

/**
 * A loaded chart's templates by their names under a chart path, with their texts: the same at
 * every release of the chart, so joined and decoded once per path (a join and a text lookup per
 * template and release cost ~15 ms of the corpus, app-template's 64 releases of 122 templates).
 */
const templateNames = new WeakMap<readonly ChartFile[], Map<string, Array<{ name: string; text: string }>>>();

function namedTemplates(
  templates: readonly ChartFile[],
  fullPath: string,
  library: boolean,
): Array<{ name: string; text: string }> {
  let byPath = templateNames.get(templates);
  if (byPath === undefined) templateNames.set(templates, (byPath = new Map()));
  const key = `${library ? "L" : "A"}${fullPath}`;
  let named = byPath.get(key);
  if (named === undefined) {
    named = [];
    for (const t of templates) {
      if (library && !baseName(t.name).startsWith("_")) continue;
      named.push({ name: joinPath(fullPath, t.name), text: templateText(t) });
    }
    byPath.set(key, named);
  }
  return named;
}

const textCache = new WeakMap<ChartFile, string>();

function templateText(f: ChartFile): string {
  let t = textCache.get(f);
  if (t === undefined) textCache.set(f, (t = utf8Decode(f.data)));
  return t;
}

function baseName(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? p : p.slice(i + 1);
}

/** An empty, "." or ".." segment: what path.Join would clean. */
const UNCLEAN_SEGMENT = /(?:^|\/)\.{0,2}(?:\/|$)/;

/** Go's path.Join of a chart path and a clean relative file name. */
function joinPath(a: string, b: string): string {
  // Chart paths and template names are clean: their concatenation is the join (splitting and
  // joining every release's names cost ~15 ms of the corpus).
  const joined = `${a}/${b}`;
  if (!UNCLEAN_SEGMENT.test(joined)) return joined;
  const parts: string[] = [];
  for (const seg of `${a}/${b}`.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return parts.join("/");
}

/**
 * The "/" in a name, found by indexOf: a loop over every character runs in V8's interpreter in a
 * fresh process (~1-2 ms for kube-prometheus-stack's 264 names, ~60 characters each).
 */
const slashes = (s: string): number => {
  let n = 0;
  for (let i = s.indexOf("/"); i !== -1; i = s.indexOf("/", i + 1)) n++;
  return n;
};

/** Sorted template lists by their names in collection order: a chart's are sorted once. */
const sortedTemplates = new Map<string, string[]>();
const MAX_SORTED_TEMPLATES = 256;

/** sortTemplates: more path segments first; equal depth in reverse byte order. */
export function sortTemplates(names: Iterable<string>): string[] {
  const list = [...names];
  const key = list.join("\0");
  const hit = sortedTemplates.get(key);
  if (hit !== undefined) return [...hit];
  const depth = new Map(list.map((n) => [n, slashes(n)]));
  const sorted = list.sort((a, b) => {
    const ca = depth.get(a) as number;
    const cb = depth.get(b) as number;
    if (ca !== cb) return cb - ca;
    return compareGoStrings(b, a);
  });
  if (sortedTemplates.size >= MAX_SORTED_TEMPLATES) sortedTemplates.clear();
  sortedTemplates.set(key, [...sorted]);
  return sorted;
}

/**
 * Below this much template text a chart is parsed rather than read from the persistent cache:
 * opening, unsealing and decoding an entry costs more than parsing a small chart, even in a
 * fresh process (the conformance corpus's 170 one-file charts ran slower through the cache).
 */
const PERSIST_MIN_TEXT = 32 * 1024;

/** Parsed sets by the digest of (name, text) of every template, in parse order. */
const parsedSets = new Map<string, TemplateSet | RenderError>();
const MAX_PARSED_SETS = 64;
/** Persisting to do when a parsed set is used again (primePersistedParse's `reused`), by its key. */
const onReuse = new Map<string, () => void>();

/** Forgets every parse this process made (tests that must see a persisted parse decoded). */
export function forgetParsedTemplates(): void {
  parsedSets.clear();
  onReuse.clear();
  forgetParses();
}

function cleanupParseError(filename: string, err: TemplateError): RenderError {
  const tokens = err.message.split(": ");
  const message =
    tokens.length === 1
      ? `parse error in (${filename}): ${err.message}`
      : `parse error at (${tokens[1]}): ${tokens[tokens.length - 1]}`;
  return new RenderError(message, { template: err.template, line: err.line, column: err.column, cause: err });
}

/**
 * A number per distinct template text, so that a parsed set's key names its texts without
 * hashing them at every release (kube-prometheus-stack's are 1.6 MB). The texts are the same
 * string objects from release to release (templateText), whose hash V8 keeps. Numbers are never
 * reused, so forgetting the table cannot make two texts share a key.
 */
const textIds = new Map<string, number>();
const MAX_TEXT_IDS = 100_000;
let nextTextId = 0;

function textId(text: string): number {
  let id = textIds.get(text);
  if (id === undefined) {
    if (textIds.size >= MAX_TEXT_IDS) textIds.clear();
    id = nextTextId++;
    textIds.set(text, id);
  }
  return id;
}

/**
 * The chart's digest when it was known at load (an own data property: an archive's), so that
 * reading it hashes nothing; a digest computed on first read (a directory's files) is not asked for.
 */
function knownDigest(chart: Chart): string | undefined {
  const d = Object.getOwnPropertyDescriptor(chart, "digest");
  return d !== undefined && typeof d.value === "string" ? d.value : undefined;
}

/**
 * `chart`: the digest of the chart every template comes from, when known (persisted-parse.ts
 * names the parse by it and the template names instead of hashing every text).
 */
function parsedSet(
  keys: string[],
  templates: Map<string, Renderable>,
  funcs: FuncMap,
  cache: RenderCache | undefined,
  parses: ParsePersistence | undefined,
  chart: string | undefined,
): TemplateSet {
  let key = "";
  for (const k of keys) key += `${k}\0${textId((templates.get(k) as Renderable).text)}\0`;
  const hit = parsedSets.get(key);
  if (hit instanceof RenderError) throw hit;
  if (hit) {
    const persist = onReuse.get(key);
    if (persist !== undefined) {
      onReuse.delete(key);
      persist();
    }
    return hit;
  }
  const set = new TemplateSet(funcs, { missingKey: "zero", name: "gotpl" });
  const files = keys.map((k) => [k, (templates.get(k) as Renderable).text] as const);
  let bytes = 0;
  for (const [, text] of files) bytes += text.length;
  const persist =
    cache === undefined || bytes < PERSIST_MIN_TEXT
      ? undefined
      : primePersistedParse(cache, set, files, parses, chart);
  try {
    for (const [name, text] of files) set.parse(name, text);
    persist?.parsed?.();
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const err = cleanupParseError(e.template, e);
    parsedSets.set(key, err);
    throw err;
  }
  if (parsedSets.size >= MAX_PARSED_SETS) {
    const oldest = parsedSets.keys().next().value as string;
    parsedSets.delete(oldest);
    onReuse.delete(oldest);
  }
  parsedSets.set(key, set);
  if (persist?.reused !== undefined) onReuse.set(key, persist.reused);
  return set;
}

/**
 * Parses the templates a render of `root` parses, in its order, and stores the parse in `store`
 * under the name a render of the chart looks for, unless `store` has it (persistParse): the
 * parse `slipway charts pull` derives for a cached chart. True when it stored one. A chart whose
 * texts are too small for an entry, or whose digest is not known at load, is not parsed. Throws
 * the RenderError a render meets when a template does not parse.
 */
export function storeChartParse(root: RenderChart, funcs: FuncMapBuilder, store: RenderCache): boolean {
  const templates = new Map<string, Renderable>();
  collectTemplates(root, new GoMap(), templates);
  const files = sortTemplates(templates.keys()).map(
    (k) => [k, (templates.get(k) as Renderable).text] as const,
  );
  let bytes = 0;
  for (const [, text] of files) bytes += text.length;
  const chart = knownDigest(root.chart);
  if (bytes < PERSIST_MIN_TEXT || chart === undefined) return false;
  const set = new TemplateSet(funcs({}), { missingKey: "zero", name: "gotpl" });
  try {
    return persistParse(store, set, files, chart);
  } catch (e) {
    if (e instanceof TemplateError) throw cleanupParseError(e.template, e);
    throw e;
  }
}

interface Traceable {
  location: string;
  message: string;
  executedFunction: string;
}

/** parseTraceable's answer when the prefix it was given does not decide it. */
export const UNDECIDED: unique symbol = Symbol("undecided");

/**
 * parseTemplateExecErrorString of engine.go, on one error's text. With `whole` false, `s` is only
 * the start of the text: the answer is UNDECIDED unless that start alone decides it (every search
 * found its match inside it), so it equals the answer on the whole text.
 */
export function parseTraceable(s: string, whole = true): Traceable | undefined | typeof UNDECIDED {
  const prefix = "template: ";
  if (!whole && s.length < prefix.length + "no template ".length) return UNDECIDED;
  if (!s.startsWith(prefix)) return undefined;
  const rest = s.slice(prefix.length);
  if (rest.startsWith("no template "))
    return whole ? { location: "", message: s, executedFunction: "" } : UNDECIDED;
  const idx = rest.indexOf(": executing ");
  if (idx !== -1) {
    const after = rest.slice(idx + ": executing ".length);
    if (!whole && after.length < 1) return UNDECIDED;
    if (after.startsWith('"')) {
      const endQuote = after.indexOf('"', 1);
      if (endQuote !== -1) {
        const fn = after.slice(1, endQuote);
        const afterFunc = after.slice(endQuote + 1);
        if (!whole && afterFunc.length < " at <".length) return UNDECIDED;
        if (afterFunc.startsWith(" at <")) {
          const afterAt = afterFunc.slice(" at <".length);
          const endLoc = afterAt.indexOf(">: ");
          if (endLoc !== -1) {
            let msg = afterAt.slice(endLoc + 3);
            const cut = msg.indexOf(" template:");
            if (cut !== -1) msg = msg.slice(0, cut);
            else if (!whole) return UNDECIDED;
            return {
              location: rest.slice(0, idx),
              message: msg,
              executedFunction: `executing "${fn}" at <${afterAt.slice(0, endLoc)}>:`,
            };
          }
        }
      }
      if (!whole) return UNDECIDED;
    }
    return undefined;
  }
  if (!whole) return UNDECIDED;
  const sep = rest.lastIndexOf(": ");
  if (sep === -1) return undefined;
  let msg = rest.slice(sep + 2);
  const cut = msg.indexOf(" template:");
  if (cut !== -1) msg = msg.slice(0, cut);
  return { location: rest.slice(0, sep), message: msg, executedFunction: "" };
}

/** How much of a wrapped error's text is read first (a traceable's parts are far shorter). */
const TRACEABLE_PREFIX = 4096;

/**
 * One error of the chain as a traceable. A TemplateError that wraps another is parsed from the
 * start of its text, read longer and longer until that decides it: a recursive include nests a
 * thousand messages, and reading each one whole flattened ~50 MB of text; with a template name
 * of a few thousand characters (longer than the first read), gigabytes, until the heap ran out.
 */
function traceableOf(c: unknown): Traceable | undefined {
  if (c instanceof TemplateError && c.wrapped !== undefined) {
    for (let n = TRACEABLE_PREFIX; ; n *= 2) {
      const prefix = messagePrefix(c, n);
      const whole = prefix.length < n;
      const t = parseTraceable(prefix, whole);
      if (t !== UNDECIDED) return t as Traceable | undefined;
      if (whole) break;
    }
  }
  return parseTraceable(c instanceof Error ? c.message : String(c)) as Traceable | undefined;
}

/** The innermost template error of a chain: where the failure really is. */
function innermost(err: TemplateError): TemplateError {
  let cur: TemplateError = err;
  for (let c: unknown = err.cause; c !== undefined && c !== null; c = (c as { cause?: unknown }).cause) {
    if (c instanceof TemplateError && c.line !== undefined) cur = c;
  }
  return cur;
}

/** reformatExecErrorMsg of engine.go. */
function reformatExecError(filename: string, err: TemplateError): RenderError {
  const inner = innermost(err);
  const where = { template: inner.template, line: inner.line, column: inner.column, cause: err };
  const text = err.message;
  const first = text.indexOf(": ");
  const second = first === -1 ? -1 : text.indexOf(": ", first + 2);
  if (second === -1) return new RenderError(`execution error in (${filename}): ${text}`, where);
  const location = text.slice(first + 2, second);
  const m = WARN_RE.exec(text.slice(second + 2));
  if (m) return new RenderError(`execution error at (${location}): ${m[1]}`, where);
  const chain: Traceable[] = [];
  for (let c: unknown = err; c !== undefined && c !== null; c = (c as { cause?: unknown }).cause) {
    const t = traceableOf(c);
    if (!t) return new RenderError(text, where);
    const last = chain[chain.length - 1];
    if (
      !last ||
      last.location !== t.location ||
      last.message !== t.message ||
      last.executedFunction !== t.executedFunction
    ) {
      chain.push(t);
    }
  }
  let out = "";
  for (const t of chain) {
    if (t.location !== "") out += `${t.location}\n  `;
    if (t.executedFunction !== "") out += `${t.executedFunction}\n    `;
    if (t.message !== "") out += `${t.message}\n`;
  }
  return new RenderError(out.trim(), where);
}

/** A small, fast PRNG (sfc32) for seeded renders. */
export function seededRandom(seed: string | number): () => number {
  const h = createHash("sha256").update(String(seed)).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/**
 * Engine.Render: the rendered text of every non-partial template (NOTES.txt included), by
 * template name. `top` holds Release, Capabilities and Values (the coalesced values).
 */
export function renderTemplates(root: RenderChart, top: GoMap, opts: EngineOptions): Map<string, string> {
  const templates = new Map<string, Renderable>();
  collectTemplates(root, top, templates);
  const keys = sortTemplates(templates.keys());
  const placeholder = opts.funcs({});
  // A chart from the chart cache keeps its parse beside its archive (persisted-parse.ts).
  const beside = opts.cache === undefined ? undefined : parseStoreOf(root.chart);
  const base = parsedSet(
    keys,
    templates,
    placeholder,
    beside ?? opts.cache,
    beside === undefined ? opts.parses : DERIVED_PARSES,
    knownDigest(root.chart),
  );
  const set = base.clone();
  const includedNames = new Map<string, number>();
  const includeDecl = placeholder.get("include") as GoFunc;
  const tplDecl = placeholder.get("tpl") as GoFunc;

  const bindInclude = (target: TemplateSet): GoFunc => ({
    ...includeDecl,
    fn(this: CallContext, name: GoValue, data: GoValue): GoValue {
      const n = name as string;
      const count = includedNames.get(n) ?? 0;
      if (count > RECURSION_MAX) {
        throw new GoFuncError(
          `rendering template has a nested reference name: ${n}: unable to execute template`,
        );
      }
      includedNames.set(n, count + 1);
      try {
        return target.execute(n, data, this);
      } finally {
        // Nested includes of this name have restored the count they found: it is count + 1.
        includedNames.set(n, count);
      }
    },
  });
  const bindTpl = (parent: TemplateSet): GoFunc => ({
    ...tplDecl,
    fn(this: CallContext, text: GoValue, vals: GoValue): GoValue {
      const src = text as string;
      // No action: the output is the text (the delimiters are always Go's defaults here).
      if (src.length > 0 && !src.includes("{{") && enterTextOnlyExec(src.length))
        return src.replaceAll("<no value>", "");
      const clone = parent.clone();
      clone.addFuncs({ include: bindInclude(clone), tpl: bindTpl(clone) });
      let handle: Template;
      try {
        handle = clone.parse("gotpl", src);
      } catch (e) {
        const err = new GoFuncError(`cannot parse template ${quote(src)}: ${(e as Error).message}`);
        (err as { cause?: unknown }).cause = e;
        throw err;
      }
      let out: string;
      try {
        out = clone.execute(handle, vals, this);
      } catch (e) {
        const err = new GoFuncError(tplErrorMessage(src, (e as Error).message));
        (err as { cause?: unknown }).cause = e;
        throw err;
      }
      return out.replaceAll("<no value>", "");
    },
  });
  set.addFuncs({ include: bindInclude(set), tpl: bindTpl(set) });

  const rendered = new Map<string, string>();
  for (const filename of keys) {
    if (baseName(filename).startsWith("_")) continue;
    const r = templates.get(filename) as Renderable;
    r.vals.set(
      "Template",
      new GoMap(
        [
          ["Name", filename],
          ["BasePath", r.basePath],
        ],
        "common.Values",
      ),
    );
    const ctx: CallContext = { templateName: filename, random: opts.random, now: opts.now };
    let out: string;
    try {
      out = set.execute(filename, r.vals, ctx);
    } catch (e) {
      if (e instanceof TemplateError) throw reformatExecError(filename, e);
      throw e;
    }
    rendered.set(filename, out.replaceAll("<no value>", ""));
  }
  return rendered;
}

/** ToRenderValues' top map: Chart, Capabilities, Release (a fresh install, revision 1) and Values. */
export function renderValues(
  root: RenderChart,
  values: GoMap,
  release: { name: string; namespace: string; isUpgrade: boolean; revision?: number },
  capabilities: GoValue,
): GoMap {
  const vals = new GoMap(values, "common.Values");
  return new GoMap(
    [
      ["Chart", chartMetadataMap(root.metadata, true)],
      ["Capabilities", capabilities],
      [
        "Release",
        new GoMap([
          ["Name", release.name],
          ["Namespace", release.namespace],
          ["IsUpgrade", release.isUpgrade],
          ["IsInstall", !release.isUpgrade],
          ["Revision", new GoInt("int", release.revision ?? 1)],
          ["Service", "Helm"],
        ]),
      ],
      ["Values", vals],
    ],
    "common.Values",
  );
}
