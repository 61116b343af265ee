/**
 * From rendered templates to what `helm template` prints, as Helm 4.1.4 does it
 * (pkg/release/v1/util manifest.go, manifest_sorter.go, kind_sorter.go; pkg/action/action.go
 * renderResources; pkg/cmd/template.go):
 *
 * - NOTES.txt (any template whose name ends with it) is taken out; only the root chart's is kept
 *   as the release notes;
 * - files are visited in byte order of their names, partials and blank files skipped; each is
 *   split into documents at `(?:^|\s*\n)---\s*` after TrimSpace, each document TrimSpace'd and
 *   empty ones dropped; a document's head (apiVersion, kind, metadata.name/annotations) is read
 *   through sigs.k8s.io/yaml, so a document that is not a mapping is an error;
 * - documents with a `helm.sh/hook` annotation are hooks (a name outside Helm's list drops the
 *   document), the rest manifests; both lists are stably sorted by kind in install order, unknown
 *   kinds last in byte order of the kind;
 * - output: CRDs (with --include-crds, verbatim), then manifests, each as
 *   `---\n# Source: <path>\n<text>\n`; the whole trimmed and ended by one newline; then hooks
 *   (unless --no-hooks; test hooks dropped by --skip-tests); --show-only filters that text by
 *   template path (filepath.Match); --output-dir writes files instead, as Helm does.
 */

import { SlipwayError } from "../errors.js";
import { compareGoStrings } from "../go/compare.js";
import { BadPatternError, goPathMatch } from "../go/path-match.js";
import { trimSpace } from "../go/strings.js";
import type { FastDocument } from "../yaml/fast/index.js";
import type { ChartFile } from "./chart.js";
import { keepScan } from "./manifest-scans.js";
import { type HeadsReader, readEveryHead } from "./persisted-heads.js";
import { chartFullPath, type RenderChart } from "./render-chart.js";
import { utf8Encode } from "./template/gostring.js";
import { decodeUtf16Yaml, utf16Order } from "./utf16.js";
import {
  formatFloat32G,
  LazyRawMap,
  lazyValue,
  RawInt,
  RawMap,
  type RawYaml,
  rawToGo,
  readRawYamlFull,
  readRawYamlLazy,
  YamlError,
} from "./yaml.js";

/** Helm's InstallOrder (kind_sorter.go). */
export const INSTALL_ORDER: readonly string[] = [
  "PriorityClass",
  "Namespace",
  "NetworkPolicy",
  "ResourceQuota",
  "LimitRange",
  "PodSecurityPolicy",
  "PodDisruptionBudget",
  "ServiceAccount",
  "Secret",
  "SecretList",
  "ConfigMap",
  "StorageClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleList",
  "ClusterRoleBinding",
  "ClusterRoleBindingList",
  "Role",
  "RoleList",
  "RoleBinding",
  "RoleBindingList",
  "Service",
  "DaemonSet",
  "Pod",
  "ReplicationController",
  "ReplicaSet",
  "Deployment",
  "HorizontalPodAutoscaler",
  "StatefulSet",
  "Job",
  "CronJob",
  "IngressClass",
  "Ingress",
  "APIService",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
];

const RANK = new Map(INSTALL_ORDER.map((k, i) => [k, i]));

/** Hook events Helm knows (manifest_sorter.go `events`); test-success is an old name of test. */
const HOOK_EVENTS = new Map<string, string>([
  ["pre-install", "pre-install"],
  ["post-install", "post-install"],
  ["pre-delete", "pre-delete"],
  ["post-delete", "post-delete"],
  ["pre-upgrade", "pre-upgrade"],
  ["post-upgrade", "post-upgrade"],
  ["pre-rollback", "pre-rollback"],
  ["post-rollback", "post-rollback"],
  ["test", "test"],
  ["test-success", "test"],
]);

export const HOOK_ANNOTATION = "helm.sh/hook";
export const HOOK_WEIGHT_ANNOTATION = "helm.sh/hook-weight";
export const HOOK_DELETE_ANNOTATION = "helm.sh/hook-delete-policy";
export const HOOK_OUTPUT_LOG_ANNOTATION = "helm.sh/hook-output-log-policy";

/** What Helm reads of a document (util.SimpleHead). */
export interface ManifestHead {
  apiVersion: string;
  kind: string;
  /** null when the document has no metadata */
  metadata: { name: string; annotations: Map<string, string> | null } | null;
}

export interface Manifest {
  /** the template it came from, e.g. `mychart/templates/deployment.yaml` */
  path: string;
  /** the document's text, exactly as rendered (trimmed) */
  content: string;
  head: ManifestHead;
}

export interface Hook extends Manifest {
  name: string;
  kind: string;
  events: string[];
  weight: number;
  deletePolicies: string[];
  outputLogPolicies: string[];
}

export interface CrdFile {
  /** `<chart full path>/crds/<file>` */
  path: string;
  content: string;
  /** the file's bytes, when it is a chart file (content is their UTF-8 text) */
  data?: Uint8Array;
}

export class ManifestError extends SlipwayError {}

/** Go's regexp \s: [\t\n\f\r ]. */
function isRegexpSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}

/**
 * regexp.Split(s, -1) with SplitManifests' separator `(?:^|\s*\n)---\s*`, scanned by hand: the
 * regular expression retries its `\s*` from every position of an indentation run, which made
 * splitting a large rendered file quadratic in its indentation. A match is "---" at offset 0, or
 * a "\n---" together with the whitespace run before it (never reaching back into the previous
 * match), then the whitespace after it.
 */
function splitAtSeparators(s: string): string[] {
  if (s.length === 0) return [""];
  const out: string[] = [];
  let beg = 0;
  let from = 0;
  for (;;) {
    let start: number;
    let dashes: number;
    if (from === 0 && s.startsWith("---")) {
      start = 0;
      dashes = 0;
    } else {
      const nl = s.indexOf("\n---", from);
      if (nl === -1) break;
      start = nl;
      while (start > from && isRegexpSpace(s.charCodeAt(start - 1))) start--;
      dashes = nl + 1;
    }
    let end = dashes + 3;
    while (end < s.length && isRegexpSpace(s.charCodeAt(end))) end++;
    if (end !== 0) out.push(s.slice(beg, start));
    beg = end;
    from = end;
  }
  out.push(s.slice(beg));
  return out;
}

/** releaseutil.SplitManifests: the documents of a rendered file, in order. */
export function splitManifests(text: string): string[] {
  const docs: string[] = [];
  for (const d of splitAtSeparators(trimSpace(text))) {
    if (d === "") continue;
    docs.push(trimSpace(d));
  }
  return docs;
}

/** A head field's value: a mapping of a lazily read document stays unread. */
type HeadValue = RawYaml | LazyRawMap;

function jsonKind(v: HeadValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "string";
  if (typeof v === "number" || v instanceof RawInt) return "number";
  return Array.isArray(v) ? "array" : "object";
}

function headError(v: HeadValue, field: string, goType: string): never {
  throw new Error(
    `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go ${field === "" ? "value" : `struct field ${field}`} of type ${goType}`,
  );
}

function headString(v: HeadValue, field: string): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof RawInt) return v.value.toString();
  if (typeof v === "number") return formatFloat32G(v);
  return headError(v, field, "string");
}

function keyText(k: RawYaml): string {
  return typeof k === "string" ? k : headString(k, "");
}

/** Field lookup as encoding/json does: exact name first, then case-insensitive. */
function fieldOf(m: RawMap | LazyRawMap, name: string): HeadValue | undefined {
  let folded: RawMap["entries"][number][1] | LazyRawMap["entries"][number][1] | undefined;
  for (const [k, v] of m.entries) {
    const key = keyText(k);
    if (key === name) return entryValue(m, v);
    if (folded === undefined && key.toLowerCase() === name.toLowerCase()) folded = v;
  }
  return folded === undefined ? undefined : entryValue(m, folded);
}

/** An entry's value: read now when the map was read lazily. */
function entryValue(
  m: RawMap | LazyRawMap,
  v: RawMap["entries"][number][1] | LazyRawMap["entries"][number][1],
): HeadValue {
  return m instanceof LazyRawMap ? lazyValue(v as LazyRawMap["entries"][number][1]) : (v as RawYaml);
}

const isMapping = (v: HeadValue): v is RawMap | LazyRawMap => v instanceof RawMap || v instanceof LazyRawMap;

/**
 * Heads already read, by document text: releases of one chart render many identical documents
 * (a chart's CRDs, most of a release's objects when only some values differ), and reading a
 * document is the YAML parse of all of it. Only successful reads are kept (an error names the
 * file); the heads are never modified by their users. Bounded by the characters it keeps.
 */
const headsByText = new Map<string, ManifestHead>();
const MAX_HEAD_CACHE_CHARS = 32 << 20;
let headCacheChars = 0;

/** yaml.Unmarshal of a document into util.SimpleHead. */
export function readHead(doc: string, file: string, scanned?: (docs: FastDocument[]) => void): ManifestHead {
  const known = headsByText.get(doc);
  if (known !== undefined) return known;
  const head = decodeHead(doc, file, scanned);
  if (doc.length <= MAX_HEAD_CACHE_CHARS) {
    if (headCacheChars + doc.length > MAX_HEAD_CACHE_CHARS) {
      headsByText.clear();
      headCacheChars = 0;
    }
    headsByText.set(doc, head);
    headCacheChars += doc.length;
  }
  return head;
}

/**
 * The document is read lazily where the fast reader can (only the fields of the head are
 * converted; the rest is scanned, which finds the same syntax errors), else in full.
 */
function decodeHead(doc: string, file: string, scanned?: (docs: FastDocument[]) => void): ManifestHead {
  if (startsWithUtf16Mark(doc)) return decodeHead(utf16DocumentText(doc, file), file);
  if (jsonStepMayFail(doc)) {
    const raw = readRawYamlFull(doc, file);
    try {
      rawToGo(raw, file);
    } catch (e) {
      // Already worded "error converting YAML to JSON: …": not a YamlError, or it is said twice.
      throw e instanceof YamlError ? new Error(e.message) : e;
    }
    return headOf(raw);
  }
  const lazy = readRawYamlLazy(doc, scanned);
  return headOf(lazy !== undefined ? lazy : readRawYamlFull(doc, file));
}

/**
 * Whether a document's bytes start with a UTF-16 byte order mark. A template is bytes to Helm:
 * one saved as UTF-16 renders to its own bytes (text/template finds no `{{` in them), which no
 * `---` splits, and go-yaml reads them as UTF-16 (src/helm/utf16.ts); Helm prints them as they are.
 * A Go string holds those bytes, which are not UTF-8, as U+DC00+byte (template/gostring.ts).
 */
function startsWithUtf16Mark(doc: string): boolean {
  const a = doc.charCodeAt(0);
  const b = doc.charCodeAt(1);
  return (a === 0xdcff && b === 0xdcfe) || (a === 0xdcfe && b === 0xdcff);
}

/** The text go-yaml decodes from a UTF-16 document's bytes, or its reader's error. */
function utf16DocumentText(doc: string, file: string): string {
  const bytes = utf8Encode(doc);
  const decoded = decodeUtf16Yaml(bytes, utf16Order(bytes) ?? "le");
  if ("problem" in decoded) throw new YamlError(`yaml: ${decoded.problem}`, { file });
  return decoded.text;
}

/**
 * sigs.k8s.io/yaml turns the whole document into JSON before it fills SimpleHead, so a value or
 * key JSON cannot hold fails the manifest wherever it is: NaN and infinities (`.nan`, `-.inf`),
 * a null key (`? `, `: v`, `~:`, `null:`), an integer key beyond int64. Documents that may hold
 * one (a cheap textual test; false alarms only cost a full read) take the JSON step in full.
 *
 * The test is one pattern, `\.(?:nan|inf)\b|(?:^|[\n{,[])[ \t-]*(?:\?|:|~[ \t]*:|null[ \t]*:)(?:[ \t\r\n]|$)|\d{19}|…`
 * with the `i` flag, asked as four: one alternation tried at every character of every document
 * cost V8's regular expressions ~47 instructions a character (87 M for the 1.9 MB of documents a
 * cold check of bjw-s home-ops reads heads of), the four ~32 (59 M). A match of the whole is a
 * match of one part: the null key at the start of the text is its own anchored pattern, and the
 * `i` flag, which folds only ASCII letters here, is spelled out as classes.
 */
const NULL_KEY_REST = String.raw`[ \t-]*(?:\?|:|~[ \t]*:|[nN][uU][lL][lL][ \t]*:)(?:[ \t\r\n]|$)`;
const JSON_STEP_MAY_FAIL = [
  new RegExp(`^${NULL_KEY_REST}`), // a key that is null, at the start
  new RegExp(`[\\n{,[]${NULL_KEY_REST}`), // a key that is null, after a line break or a flow indicator
  /\.(?:[nN][aA][nN]|[iI][nN][fF])\b/, // a NaN or an infinity (quoted ones are false alarms)
  /\d{19}|0[xX][0-9a-fA-F]{16}|0[bB][01]{63}|0[oO]?[0-7]{21}/, // an integer beyond int64
];

/** Whether `doc` may hold what the JSON step refuses (see JSON_STEP_MAY_FAIL). */
export function jsonStepMayFail(doc: string): boolean {
  for (const re of JSON_STEP_MAY_FAIL) if (re.test(doc)) return true;
  return false;
}

function headOf(raw: HeadValue): ManifestHead {
  const head: ManifestHead = { apiVersion: "", kind: "", metadata: null };
  if (raw === null) return head;
  if (!isMapping(raw)) return headError(raw, "", "util.SimpleHead");
  head.apiVersion = headString(fieldOf(raw, "apiVersion") ?? null, "SimpleHead.apiVersion");
  head.kind = headString(fieldOf(raw, "kind") ?? null, "SimpleHead.kind");
  const md = fieldOf(raw, "metadata");
  if (md === undefined || md === null) return head;
  if (!isMapping(md))
    return headError(
      md,
      "SimpleHead.metadata",
      'struct { Name string "json:\\"name\\""; Annotations map[string]string "json:\\"annotations\\"" }',
    );
  const metadata: NonNullable<ManifestHead["metadata"]> = {
    // encoding/json names the struct holding the field: metadata's is anonymous, so "".
    name: headString(fieldOf(md, "name") ?? null, ".metadata.name"),
    annotations: null,
  };
  const ann = fieldOf(md, "annotations");
  if (ann !== undefined && ann !== null) {
    if (!isMapping(ann)) return headError(ann, ".metadata.annotations", "map[string]string");
    metadata.annotations = new Map();
    for (const [k, v] of ann.entries) {
      metadata.annotations.set(keyText(k), headString(entryValue(ann, v), ".metadata.annotations"));
    }
  }
  head.metadata = metadata;
  return head;
}

/**
 * sort.SliceStable by kind_sorter.go's lessByKind, by buckets instead of comparisons: documents
 * of a kind in InstallOrder go in its bucket, in the order given; then unknown kinds in byte
 * order of the kind, each kind's documents in the order given. Kinds whose UTF-8 encodings are
 * equal (lone surrogates encode alike) compare equal in Go, so their documents stay interleaved
 * as given. A comparison sort called lessByKind twice per comparison (two map lookups and maybe a
 * byte comparison): ~30 ms of kube-prometheus-stack's fresh render, most of its kinds unknown.
 */
export function sortByKind<T>(items: T[], kindOf: (x: T) => string): T[] {
  const known: T[][] = [];
  const unknown = new Map<string, T[]>();
  for (const x of items) {
    const kind = kindOf(x);
    const rank = RANK.get(kind);
    let bucket = rank === undefined ? unknown.get(kind) : known[rank];
    if (bucket === undefined) {
      bucket = [];
      if (rank === undefined) unknown.set(kind, bucket);
      else known[rank] = bucket;
    }
    bucket.push(x);
  }
  const out: T[] = [];
  for (const bucket of known) if (bucket !== undefined) for (const x of bucket) out.push(x);
  if (unknown.size === 0) return out;
  // Stable in first-appearance order, so equal encodings keep their kinds' first order.
  const kinds = [...unknown.keys()].sort(compareGoStrings);
  for (let i = 0; i < kinds.length; ) {
    let j = i + 1;
    while (j < kinds.length && compareGoStrings(kinds[i] as string, kinds[j] as string) === 0) j++;
    if (j === i + 1) for (const x of unknown.get(kinds[i] as string) as T[]) out.push(x);
    else {
      // Several kinds equal in Go: their documents in the order given.
      const same = new Set(kinds.slice(i, j));
      for (const x of items) if (same.has(kindOf(x))) out.push(x);
    }
    i = j;
  }
  return out;
}

function splitPolicies(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(",").map((p) => p.trim().toLowerCase());
}

/** Go's strconv.Atoi, 0 on failure (calculateHookWeight). */
function hookWeight(s: string | undefined): number {
  if (s === undefined || !/^[+-]?[0-9]+$/.test(s)) return 0;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : 0;
}

export interface SortedManifests {
  manifests: Manifest[];
  hooks: Hook[];
}

/**
 * releaseutil.SortManifests over the rendered files (NOTES.txt already removed). `heads` reads
 * the documents' heads (persisted-heads.ts: through the persistent cache); by default each is read.
 * `keepScans`: the fast reader's documents of each head read go with its Manifest or Hook
 * (manifest-scans.ts).
 */
export function sortManifests(
  files: ReadonlyMap<string, string>,
  heads: HeadsReader = readEveryHead,
  keepScans = false,
): SortedManifests {
  const paths: string[] = [];
  const docs: string[] = [];
  for (const path of [...files.keys()].sort(compareGoStrings)) {
    const content = files.get(path) as string;
    const base = path.slice(path.lastIndexOf("/") + 1);
    if (base.startsWith("_")) continue;
    if (trimSpace(content) === "") continue;
    for (const m of splitManifests(content)) {
      paths.push(path);
      docs.push(m);
    }
  }
  const scans: Array<readonly FastDocument[] | undefined> = [];
  const read = (i: number): ManifestHead => {
    const path = paths[i] as string;
    try {
      return readHead(
        docs[i] as string,
        path,
        keepScans
          ? (d) => {
              scans[i] = d;
            }
          : undefined,
      );
    } catch (e) {
      const detail =
        e instanceof YamlError ? `error converting YAML to JSON: ${e.message}` : (e as Error).message;
      throw new ManifestError(`YAML parse error on ${path}: ${detail}`, {
        file: path,
        line: e instanceof YamlError ? e.line : undefined,
        column: e instanceof YamlError ? e.column : undefined,
      });
    }
  };
  const docHeads = heads(docs, read);
  const generic: Manifest[] = [];
  const hooks: Hook[] = [];
  for (let i = 0; i < docs.length; i++) {
    const path = paths[i] as string;
    const m = docs[i] as string;
    const head = docHeads[i] as ManifestHead;
    const annotations = head.metadata?.annotations;
    const hookTypes = annotations && annotations.size > 0 ? annotations.get(HOOK_ANNOTATION) : undefined;
    const scan = scans[i];
    if (hookTypes === undefined) {
      const manifest = { path, content: m, head };
      if (scan !== undefined) keepScan(manifest, scan);
      generic.push(manifest);
      continue;
    }
    const events: string[] = [];
    let unknown = false;
    for (const t of hookTypes.split(",")) {
      const e = HOOK_EVENTS.get(t.trim().toLowerCase());
      if (e === undefined) {
        unknown = true;
        break;
      }
      events.push(e);
    }
    if (unknown) continue;
    const hook: Hook = {
      path,
      content: m,
      head,
      name: head.metadata?.name ?? "",
      kind: head.kind,
      events,
      weight: hookWeight(annotations?.get(HOOK_WEIGHT_ANNOTATION)),
      deletePolicies: splitPolicies(annotations?.get(HOOK_DELETE_ANNOTATION)),
      outputLogPolicies: splitPolicies(annotations?.get(HOOK_OUTPUT_LOG_ANNOTATION)),
    };
    if (scan !== undefined) keepScan(hook, scan);
    hooks.push(hook);
  }
  return {
    manifests: sortByKind(generic, (m) => m.head.kind),
    hooks: sortByKind(hooks, (h) => h.kind),
  };
}

const MANIFEST_EXTENSIONS = [".yaml", ".yml", ".json"];

function hasManifestExtension(name: string): boolean {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  if (dot < 0) return false;
  return MANIFEST_EXTENSIONS.includes(base.slice(dot).toLowerCase());
}

const crdTexts = new WeakMap<ChartFile, string>();
// The loader removed one BOM from the bytes already; a CRD is printed as its bytes are.
const UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });

function crdText(f: ChartFile): string {
  let text = crdTexts.get(f);
  if (text === undefined) crdTexts.set(f, (text = UTF8.decode(f.data)));
  return text;
}

/**
 * The CrdFile of a chart file: its bytes read and its text decoded when first asked for (once per
 * file of a loaded chart); a run without --include-crds reads neither.
 */
export function chartCrdFile(path: string, f: ChartFile): CrdFile {
  return {
    path,
    get data() {
      return f.data;
    },
    get content() {
      return crdText(f);
    },
  };
}

/**
 * chart.CRDObjects: `crds/*.{yaml,yml,json}` of the chart, then of each enabled subchart. The
 * texts are decoded when read (only --include-crds prints them; kube-prometheus-stack's are
 * megabytes), once per file of a loaded chart.
 */
export function crdFiles(chart: RenderChart): CrdFile[] {
  const out: CrdFile[] = [];
  const full = chartFullPath(chart);
  for (const f of chart.chart.files as readonly ChartFile[]) {
    if (f.name.startsWith("crds/") && hasManifestExtension(f.name))
      out.push(chartCrdFile(`${full}/${f.name}`, f));
  }
  for (const d of chart.dependencies) out.push(...crdFiles(d));
  return out;
}

export const isTestHook = (h: Hook): boolean => h.events.includes("test");

const block = (path: string, content: string): string => `---\n# Source: ${path}\n${content}\n`;

export interface PrintOptions {
  includeCrds?: boolean;
  noHooks?: boolean;
  skipTests?: boolean;
  showOnly?: readonly string[];
}

export interface PrintableRelease {
  manifests: readonly Manifest[];
  hooks: readonly Hook[];
  crds: readonly CrdFile[];
}

/** The text `helm template` writes to stdout (without --output-dir). */
export function formatTemplateOutput(r: PrintableRelease, opts: PrintOptions = {}): string {
  let manifest = "";
  if (opts.includeCrds) for (const c of r.crds) manifest += block(c.path, c.content);
  for (const m of r.manifests) manifest += block(m.path, m.content);
  let out = `${trimSpace(manifest)}\n`;
  if (!opts.noHooks) {
    for (const h of r.hooks) {
      if (opts.skipTests && isTestHook(h)) continue;
      out += block(h.path, h.content);
    }
  }
  if (!opts.showOnly || opts.showOnly.length === 0) return out;
  return filterShowOnly(out, opts.showOnly);
}

const SOURCE_LINE = /# Source: [^/]+\/(.+)/;

/** --show-only: the documents whose template path (without the chart name) matches a pattern. */
export function filterShowOnly(text: string, patterns: readonly string[]): string {
  const docs = splitManifests(text);
  const picked: string[] = [];
  for (const raw of patterns) {
    const pattern = raw.replaceAll("\\", "/");
    let missing = true;
    for (const doc of docs) {
      const m = SOURCE_LINE.exec(doc);
      if (!m) continue;
      let matched: boolean;
      try {
        matched = goPathMatch(pattern, m[1] as string);
      } catch (e) {
        if (e instanceof BadPatternError) matched = false;
        else throw e;
      }
      if (!matched) continue;
      picked.push(doc);
      missing = false;
    }
    if (missing) throw new ManifestError(`could not find template ${pattern} in chart`);
  }
  return picked.map((d) => `---\n${d}\n`).join("");
}
