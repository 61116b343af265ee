/**
 * Reading YAML the way kustomize v5.5.0 reads a resource file. The `yaml` package does the
 * parsing (failsafe schema: every scalar is text); this module then gives each scalar the
 * value kustomize would end up printing: go-yaml v3 resolution, the JSON round trip
 * (timestamps become RFC 3339 strings), merge keys, alias expansion with go-yaml's
 * alias-bomb guard, and the same failures (duplicate keys, non-string keys, .inf/.nan).
 */

import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { SlipwayError } from "../errors.js";
import type { YamlMap, YamlValue } from "../kustomize/types.js";
import { blanksOnlyBlockValue } from "./block-blanks.js";
import { blockValueAtEnd } from "./block-scalar-end.js";
import { withoutStreamBom } from "./bom.js";
import { GO_YAML_FORBIDDEN } from "./char-guard.js";
import { isEmptyNull, markEmptyNull } from "./empty-null.js";
import {
  type FastDocument,
  type FastNode,
  fastLineOf,
  isBail,
  kyamlValue,
  readsToEnd,
  scanFastYamlEach,
} from "./fast/index.js";
import { foldedQuoted } from "./fast/inline.js";
import { type LineTree, lineTreeOf } from "./fast/line-tree.js";
import { goFoldedText, v3BlockAllowed } from "./folded.js";
import { jsonKey, setKey } from "./json-key.js";
import { goYamlFirstDocumentText, kyamlReadableText } from "./kyaml-stream.js";
import { parseAllDocumentsWithin } from "./limits.js";
import { goSeparatedValue, hasLineSeparator } from "./line-separators.js";
import { goFloatName } from "./numbers.js";
import { indentQuotedContinuation, movedOffsets } from "./quoted-indent.js";
import { type Resolved, ResolveError, resolvePlain, resolvePlainV2, resolveTagged } from "./resolve.js";
import { markScalarText } from "./scalar-text.js";

export interface ParsedDocument {
  value: YamlValue;
  /** 1-based line where the document's content starts */
  line: number;
}

export type YamlPath = ReadonlyArray<string | number>;

export interface PositionedDocument extends ParsedDocument {
  /** 1-based line of the entry at `path` (the key's line for map entries), if it exists. */
  lineOf(path: YamlPath): number | undefined;
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]|\\U0000[dD][89a-fA-F]/;
const MERGE_TAG = "tag:yaml.org,2002:merge";
const STR_TAG = "tag:yaml.org,2002:str";

function isEmptyPlainKey(node: Node): boolean {
  return isScalar(node) && !node.tag && node.type === "PLAIN" && scalarText(node) === "";
}

const ALIAS_RATIO_RANGE_LOW = 400_000;
const ALIAS_RATIO_RANGE_HIGH = 4_000_000;

/** go-yaml v3's tolerance for alias expansion, as a share of all decoded nodes. */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= ALIAS_RATIO_RANGE_LOW) return 0.99;
  if (decodeCount >= ALIAS_RATIO_RANGE_HIGH) return 0.1;
  return (
    0.99 - (0.89 * (decodeCount - ALIAS_RATIO_RANGE_LOW)) / (ALIAS_RATIO_RANGE_HIGH - ALIAS_RATIO_RANGE_LOW)
  );
}

/**
 * The entries of a mapping whose plain key a later entry repeats. go-yaml v2 lets the later one
 * win before sigs.k8s.io/yaml hands the map to json.Marshal, so a value only an earlier entry
 * holds (`.inf`, which JSON cannot carry) is no error there.
 */
function shadowedPairs(pairs: Pair<Node | null, Node | null>[]): Set<Pair> | undefined {
  const last = new Map<string, Pair>();
  let shadowed: Set<Pair> | undefined;
  for (const pair of pairs) {
    const k = pair.key;
    if (k === null || !isScalar(k) || k.tag) continue;
    const text = scalarText(k);
    const before = last.get(text);
    if (before !== undefined) (shadowed ??= new Set()).add(before);
    last.set(text, pair);
  }
  return shadowed;
}

/** The scalar's text: `yaml` may have turned a tagged scalar (`!!timestamp`) into an object. */
function scalarText(node: Scalar): string {
  if (typeof node.value === "string") return node.value;
  return node.source ?? String(node.value ?? "");
}

export interface ParseOptions {
  /**
   * Later duplicate mapping keys win instead of failing: kustomize reads kustomization files
   * through sigs.k8s.io/yaml, which tolerates duplicates there (resources must not have any).
   */
  allowDuplicateKeys?: boolean;
  /**
   * Read as sigs.k8s.io/yaml.YAMLToJSON does (go-yaml v2 resolution, timestamps kept as text,
   * non-string keys turned into strings, none of kyaml's write-and-reread effects), instead of
   * as kustomize reads a resource. Flux re-reads a substituted object this way.
   */
  yamlToJson?: boolean;
  /**
   * Read as go-yaml v2's `Unmarshal` (sigs.k8s.io/yaml) reads: the first document, and nothing
   * after it, instead of each piece of the stream as kyaml reads a resource file.
   */
  firstDocumentOnly?: boolean;
}

class DocumentConverter {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly expanding = new Set<Node>();
  /**
   * metadata, metadata.annotations and metadata.labels: the values of the last two and the name
   * and namespace of the first keep their text (scalar-text.ts).
   */
  private metadata: Node | undefined;
  private annotations: Node | undefined;
  private labels: Node | undefined;
  /** Reading a value of `annotations`: kustomize prints it from its text, whatever it resolves to. */
  private inAnnotations = false;
  /**
   * Reading a value kept with its text (written): one JSON cannot hold (`.inf`) fails only if
   * it is still there when kustomize makes JSON of its object (build.ts failOnUnprintableMetadata).
   */
  private inWritten = false;
  /** The text (kyaml's node Value) of the scalar `scalar` resolved last. */
  private lastText = "";

  constructor(
    private readonly doc: Document,
    private readonly file: string,
    private readonly lines: LineCounter,
    private readonly src: string,
    private readonly separators: ReadonlyMap<number, string> | undefined,
    private readonly options: ParseOptions = {},
  ) {}

  private sourceOf(node: Node): string {
    return node.range ? this.src.slice(node.range[0], node.range[1]) : "";
  }

  fail(message: string, node: Node | null | undefined): never {
    const offset = node?.range?.[0];
    if (offset === undefined) throw new SlipwayError(message, { file: this.file });
    const pos = this.lines.linePos(offset);
    throw new SlipwayError(message, { file: this.file, line: pos.line, column: pos.col });
  }

  /**
   * kustomize reads annotations, labels, names and namespaces by their text and sets every
   * annotation again from it as a string at the end of a build (scalar-text.ts): their values
   * keep their text beside the value, and an annotation JSON cannot hold (`.inf`, a timestamp
   * out of range) is no failure.
   */
  setAnnotations(root: Node | null): void {
    if (!isMap(root) || this.options.yamlToJson) return;
    const metadata = root.get("metadata", true);
    if (!isMap(metadata)) return;
    this.metadata = metadata as Node;
    const annotations = metadata.get("annotations", true);
    if (isMap(annotations)) this.annotations = annotations as Node;
    const labels = metadata.get("labels", true);
    if (isMap(labels)) this.labels = labels as Node;
  }

  convert(node: Node | null, depth: number, flow: boolean): YamlValue {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      this.fail("document contains excessive aliasing", node);
    }
    // A missing value (`{a}`, `{a:b}`) is an empty plain scalar; in a flow collection
    // kustomize's re-emission quotes it, so it comes back as "".
    if (node === null) return flow ? "" : null;
    if (isScalar(node)) return this.scalar(node, flow).value as YamlValue;
    if (isMap(node)) return this.mapping(node, depth, flow || Boolean(node.flow));
    if (isSeq(node)) {
      const inFlow = flow || Boolean(node.flow);
      return node.items.map((item) => this.convert(item as Node | null, depth + 1, inFlow));
    }
    if (isAlias(node)) return this.alias(node, depth, flow);
    return this.fail("unsupported YAML node", node);
  }

  private target(alias: Alias): Node {
    const target = alias.resolve(this.doc) as Node | undefined;
    if (!target) this.fail(`unknown anchor '${alias.source}' referenced`, alias);
    return target;
  }

  private alias(alias: Alias, depth: number, flow: boolean): YamlValue {
    const target = this.target(alias);
    if (this.expanding.has(target)) this.fail(`anchor '${alias.source}' value contains itself`, alias);
    this.expanding.add(target);
    this.aliasDepth++;
    try {
      return this.convert(target, depth, flow);
    } finally {
      this.aliasDepth--;
      this.expanding.delete(target);
    }
  }

  scalar(node: Scalar, flow: boolean): Resolved {
    let text = scalarText(node);
    const viaKyaml = !this.options.yamlToJson;
    const separated = this.separatedText(node, text);
    if (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") {
      this.checkBlockIndentation(node);
      text =
        separated ??
        blanksOnlyBlockValue(node.range, this.src, text) ??
        blockValueAtEnd(node.range, this.src, text);
      this.lastText = text;
      if (node.type === "BLOCK_FOLDED" && viaKyaml) text = goFoldedText(text);
      // kyaml writes the block back and reads it again; with no indentation hint (a value that
      // starts with a tab gets none), the tab then sits where go-yaml expects indentation.
      if (viaKyaml && text.startsWith("\t") && v3BlockAllowed(text))
        this.fail("found a tab character where an indentation space is expected", node);
    }
    const quoted = node.type !== "PLAIN" && node.type !== undefined;
    const flowScalar = node.type === "PLAIN" || node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
    if (separated !== undefined && flowScalar) text = separated;
    else if ((node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") && !node.tag) {
      const source = this.sourceOf(node);
      if (source.includes("\n")) text = foldedQuoted(source) ?? text;
    }
    if (flowScalar || node.type === undefined) this.lastText = text;
    let r: Resolved;
    try {
      if (node.tag) r = resolveTagged(node.tag, text, quoted);
      else if (quoted) r = { tag: "str", value: text };
      // kustomize re-emits flow collections as flow; go-yaml then quotes scalars that cannot
      // stay plain there (an empty null, a timestamp with ':'), so they come back as strings.
      // sigs.k8s.io/yaml reads the text once: an empty flow value is null there.
      else if (flow && text === "" && viaKyaml) r = { tag: "str", value: "" };
      else if (!viaKyaml) r = resolvePlainV2(text);
      else r = resolvePlain(text, !(flow && text.includes(":")));
    } catch (err) {
      if (err instanceof ResolveError) this.fail(err.message, node);
      throw err;
    }
    if (r.tag === "timestamp" && r.value === null) {
      // Printed from its text; only a JSON patch of the object would meet the failure.
      if (this.inAnnotations) return { tag: "str", value: text };
      this.fail("Time.MarshalJSON: timezone hour outside of range [0,23]", node);
    }
    if (typeof r.value === "number" && !Number.isFinite(r.value) && !this.inWritten) {
      this.fail(`json: unsupported value: ${goFloatName(r.value)} (kustomize cannot print ${text})`, node);
    }
    // go-yaml refuses escapes of UTF-16 surrogates (even as pairs); `yaml` would join them.
    if (
      node.type === "QUOTE_DOUBLE" &&
      /[\ud800-\udfff]/.test(text) &&
      SURROGATE_ESCAPE.test(this.sourceOf(node))
    ) {
      this.fail("found invalid Unicode character escape code", node);
    }
    return r;
  }

  /** The scalar's text as go-yaml builds it where its source holds a LS or PS (line-separators.ts). */
  private separatedText(node: Scalar, text: string): string | undefined {
    return this.separators && goSeparatedValue(node, text, this.src, this.separators);
  }

  /**
   * go-yaml's block scanner: while it detects the indentation (no indicator in the header),
   * and on any line indented less than that, a tab after the leading spaces is an error
   * (`yaml` would read it as content).
   */
  private checkBlockIndentation(node: Scalar): void {
    if (!node.range) return;
    const source = this.src.slice(node.range[0], node.range[1]);
    const header = /^[|>][^\n\r]*/.exec(source)?.[0] ?? "";
    if (/[1-9]/.test(header)) return;
    let indent = 0;
    for (const line of source.slice(header.length).split(/\r?\n/).slice(1)) {
      const spaces = /^ */.exec(line)?.[0].length ?? 0;
      if ((indent === 0 || spaces < indent) && line[spaces] === "\t")
        this.fail("found a tab character where an indentation space is expected", node);
      if (indent === 0 && line.trim() !== "") indent = spaces;
    }
  }

  private keyOf(keyNode: Node | null, depth: number, flow: boolean): string {
    if (keyNode !== null && isAlias(keyNode)) keyNode = this.target(keyNode);
    // kyaml keeps a key written with no text (`?` alone, `: v`) as the empty string.
    if (!this.options.yamlToJson && (keyNode === null || isEmptyPlainKey(keyNode))) return "";
    if (keyNode === null || !isScalar(keyNode)) {
      if (keyNode === null) return this.fail("mapping key is null; kustomize cannot serialise it", keyNode);
      return this.fail("mapping key is not a scalar; kustomize cannot serialise it", keyNode);
    }
    const r = this.scalar(keyNode, flow);
    const text = scalarText(keyNode);
    // YAMLToJSON writes every key as a JSON string (sigs.k8s.io/yaml convertToJSONableObject).
    if (this.options.yamlToJson) {
      if (r.tag === "str") return r.value as string;
      return jsonKey(r) ?? this.fail(`unsupported map key ${text}`, keyNode);
    }
    if (r.tag === "null") this.fail(`mapping key "${text}" is null; kustomize cannot serialise it`, keyNode);
    // go-yaml v3 decodes a mapping with a key tagged other than !!str (`!!binary eA==`, `!x k`)
    // into map[interface{}]interface{}, which kustomize cannot turn into JSON.
    if (depth > 0 && keyNode.tag !== undefined && keyNode.tag !== "!" && keyNode.tag !== STR_TAG) {
      this.fail(
        `mapping key ${text} is tagged ${keyNode.tag}, not a string: kustomize cannot serialise it`,
        keyNode,
      );
    }
    if (r.tag === "str") return r.value as string;
    // The top level of a resource decodes into map[string]interface{}: other keys keep their text.
    if (depth === 0) return text;
    return this.fail(
      `mapping key ${text} is a ${r.tag}, not a string: kustomize cannot serialise it (quote it)`,
      keyNode,
    );
  }

  /** A value written with no text (`key:`, `key: !!null`), through aliases: see empty-null.ts. */
  private isEmptyText(node: Node | null): boolean {
    for (let i = 0; node !== null && isAlias(node) && i < 100; i++) node = this.target(node);
    return node === null || (isScalar(node) && scalarText(node) === "");
  }

  private isMergeKey(key: Node | null): boolean {
    if (key === null || !isScalar(key) || key.type !== "PLAIN") return false;
    // `!!merge <<` is a merge key to go-yaml too; the yaml package leaves such a key no value.
    return (key.tag === MERGE_TAG || (!key.tag && key.value === "<<")) && scalarText(key) === "<<";
  }

  private checkDuplicates(node: YAMLMap): void {
    const seen = new Map<string, Node>();
    for (const pair of node.items as Pair<Node | null, Node | null>[]) {
      // kyaml's de-anchoring puts a copy of its anchored node in an alias's place first.
      const k =
        pair.key !== null && isAlias(pair.key) && !this.options.yamlToJson ? this.target(pair.key) : pair.key;
      if (k === null || !isScalar(k)) continue;
      const text = scalarText(k);
      if (text === "<<") continue;
      const first = seen.get(text);
      if (first) {
        const line = first.range ? this.lines.linePos(first.range[0]).line : 0;
        this.fail(`mapping key "${text}" already defined at line ${line}`, k);
      }
      seen.set(text, k);
    }
  }

  /**
   * The entry kyaml's de-anchoring (kyaml/yaml/rnode.go removeMergeTags) takes out of a mapping
   * with Clear("<<"): the first whose key reads "<<", the merge key or a quoted '<<' before it.
   * A quoted '<<' after the merge key stays a key (kubectl prints it); a merge key left behind
   * merges again in go-yaml's decoding, to no effect. Fails as kyaml fails two merge keys.
   */
  private kyamlClearedEntry(node: YAMLMap): Pair | undefined {
    const pairs = node.items as Pair<Node | null, Node | null>[];
    if (pairs.filter((p) => this.isMergeKey(p.key)).length > 1) this.fail("duplicate merge key", node);
    return pairs.find((p) => p.key !== null && isScalar(p.key) && scalarText(p.key) === "<<");
  }

  /**
   * `mergeSource`: a mapping written as a `<<` value. kyaml's de-anchoring copies its entries one
   * by one where the key is not yet set, and what go-yaml then decodes holds no such mapping: a
   * key it repeats is merged once, the first (kubectl builds `<<: {a: 1, a: 2}` as `a: 1`).
   */
  private mapping(node: YAMLMap, depth: number, flow: boolean, mergeSource = false): YamlMap {
    if (node.items.length > 1 && !this.options.allowDuplicateKeys && !mergeSource) this.checkDuplicates(node);
    const out: YamlMap = {};
    const mergeValues: Array<Node | null> = [];
    const cleared = this.options.yamlToJson ? undefined : this.kyamlClearedEntry(node);
    const shadowed =
      this.options.yamlToJson && this.options.allowDuplicateKeys && node.items.length > 1
        ? shadowedPairs(node.items as Pair<Node | null, Node | null>[])
        : undefined;
    for (const pair of node.items as Pair<Node | null, Node | null>[]) {
      if (this.isMergeKey(pair.key)) {
        mergeValues.push(pair.value);
        continue;
      }
      if (pair === cleared || shadowed?.has(pair)) continue;
      const key = this.keyOf(pair.key, depth, flow);
      // sigs.k8s.io/yaml's reading drops a quoted "<<" key too.
      if (key === "<<" && this.options.yamlToJson) continue;
      if (mergeSource && Object.hasOwn(out, key)) continue;
      const written =
        node === this.annotations ||
        node === this.labels ||
        (node === this.metadata && (key === "name" || key === "namespace"));
      const outer = this.inAnnotations;
      const outerWritten = this.inWritten;
      this.inAnnotations = node === this.annotations;
      this.inWritten = written;
      const value = this.convert(pair.value, depth + 1, flow);
      this.inAnnotations = outer;
      this.inWritten = outerWritten;
      setKey(out, key, value);
      if (written) this.markText(out, key, value, pair.value);
      if (value === null && this.isEmptyText(pair.value)) markEmptyNull(out, key);
    }
    for (const value of mergeValues) {
      if (value === null) this.fail("map merge requires map or sequence of maps as the value", node);
      this.merge(out, value, depth, flow);
    }
    return out;
  }

  /** Keeps the text of `out[key]`, read from `node`, where it is not the value's own. */
  private markText(out: YamlMap, key: string, value: YamlValue, node: Node | null): void {
    if (node !== null && isAlias(node)) node = this.target(node);
    if (node === null) {
      if (value === null) markScalarText(out, key, value, "");
      return;
    }
    // convert just resolved this scalar (or the one it aliases) last.
    if (isScalar(node) && value !== this.lastText) markScalarText(out, key, value, this.lastText);
  }

  /** `<<`: explicit keys win, and among several merged maps the first one wins. */
  private merge(out: YamlMap, value: Node, depth: number, flow: boolean): void {
    const sources = isSeq(value) ? (value.items as Node[]) : [value];
    for (const source of sources) {
      const resolved = isAlias(source) ? this.target(source) : source;
      if (!isMap(resolved)) this.fail("map merge requires map or sequence of maps as the value", source);
      const merged = isMap(source)
        ? this.mapping(source, depth, flow || Boolean(source.flow), true)
        : this.convert(source, depth, flow);
      for (const [k, v] of Object.entries(merged as YamlMap)) {
        if (Object.hasOwn(out, k)) continue;
        setKey(out, k, v);
        if (isEmptyNull(merged as YamlMap, k)) markEmptyNull(out, k);
      }
    }
  }
}

function throwParseError(doc: Document, file: string, lines: LineCounter): void {
  const err = doc.errors[0];
  if (!err) return;
  const pos = err.linePos?.[0] ?? lines.linePos(err.pos[0]);
  const message = err.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? "YAML error";
  throw new SlipwayError(message, { file, line: pos.line, column: pos.col });
}

function checkCharacters(text: string, file: string): void {
  const m = GO_YAML_FORBIDDEN.exec(text);
  if (!m) return;
  const before = text.slice(0, m.index);
  const line = before.split("\n").length;
  const column = m.index - before.lastIndexOf("\n");
  const cp = m[0].codePointAt(0) ?? 0;
  throw new SlipwayError(
    `control characters are not allowed (U+${cp.toString(16).toUpperCase().padStart(4, "0")})`,
    {
      file,
      line,
      column,
    },
  );
}

function isEmptyDocument(contents: Node | null): boolean {
  if (contents === null) return true;
  return isScalar(contents) && !contents.tag && contents.type === "PLAIN" && contents.source === "";
}

interface RawDocument {
  doc: Document;
  contents: Node;
  src: string;
  /**
   * ReadableText.separators (LS and PS that `src` holds line feeds for), where `src` holds any
   * LS or PS before or after the edit; undefined where it holds none.
   */
  separators: ReadonlyMap<number, string> | undefined;
}

/**
 * go-yaml (libyaml's reader: `is_break`) ends a line at a carriage return that no line feed
 * follows, as YAML 1.1 does; the `yaml` package (YAML 1.2) reads it as part of the line, so
 * `x: 99<CR>` at the end of a file was the string "99\r" and `a: 1<CR>b: 2` an error, where
 * kustomize reads 99 and two keys. A line feed in its place (same length: positions hold)
 * reads as go-yaml reads; a CR-LF pair is left as it is.
 */
function loneCarriageReturnsAsBreaks(text: string): string {
  return text.includes("\r") ? text.replace(/\r(?!\n)/g, "\n") : text;
}

function parseRaw(
  text: string,
  file: string,
  options: ParseOptions = {},
): { docs: RawDocument[]; lines: LineCounter } {
  checkCharacters(text, file);
  // What go-yaml reads, and only if it lets it: each piece of the stream as kyaml splits it, or
  // the first document (before lone CRs become line feeds: kyaml splits at line feeds only).
  const bare = withoutStreamBom(text, file);
  // kyaml makes every CR-LF a line feed before it reads (lines stay; offsets are the new text's).
  const read = options.firstDocumentOnly
    ? goYamlFirstDocumentText(bare, file)
    : kyamlReadableText(bare.includes("\r\n") ? bare.replaceAll("\r\n", "\n") : bare, file);
  let src = loneCarriageReturnsAsBreaks(read.text);
  let separators = read.separators;
  let lines = new LineCounter();
  let all = parseAllList(src, lines, file);
  for (let pass = 0; pass < MAX_QUOTED_REPAIRS; pass++) {
    const repaired = indentQuotedContinuation(src, all);
    if (repaired === undefined) break;
    src = repaired.text;
    separators = movedOffsets(separators, repaired.inserted);
    lines = new LineCounter();
    all = parseAllList(src, lines, file);
  }
  const anySeparator = separators.size > 0 || hasLineSeparator(src);
  const docs: RawDocument[] = [];
  for (const doc of all) {
    throwParseError(doc, file, lines);
    const contents = doc.contents as Node | null;
    if (isEmptyDocument(contents)) continue;
    docs.push({ doc, contents: contents as Node, src, separators: anySeparator ? separators : undefined });
  }
  return { docs, lines };
}

/**
 * Each repair re-reads the file: a file with more under-indented quoted scalars than this gets
 * the parse's own error (go-yaml would read it).
 */
const MAX_QUOTED_REPAIRS = 32;

function parseAllList(text: string, lineCounter: LineCounter, file: string): Document[] {
  // No YAML 1.1 collection tags (`!!omap`, `!!pairs`, `!!set`): go-yaml reads each as the plain
  // collection it tags (an `!!omap` with a repeated key is a sequence, a `!!set` a mapping).
  return parseAllDocumentsWithin(
    text,
    { schema: "failsafe", uniqueKeys: false, resolveKnownTags: false },
    lineCounter,
    file,
  );
}

function convertDocument(
  raw: RawDocument,
  file: string,
  lines: LineCounter,
  options: ParseOptions = {},
): ParsedDocument | undefined {
  const converter = new DocumentConverter(raw.doc, file, lines, raw.src, raw.separators, options);
  converter.setAnnotations(raw.contents);
  const value = converter.convert(raw.contents, 0, false);
  if (value === null) return undefined;
  const line = lines.linePos(raw.contents.range?.[0] ?? 0).line;
  return { value, line };
}

/**
 * The fast reader's documents (src/yaml/fast) when the text is within its subset; undefined
 * when the full path must read it (which then also reports any error).
 */
function fastDocuments<T>(
  text: string,
  options: ParseOptions,
  make: (value: YamlValue, root: FastNode) => T,
  scan: typeof scanFastYamlEach = scanFastYamlEach,
): T[] | undefined {
  const out: T[] = [];
  try {
    const read = scan(text, ({ root }) => {
      if (root === null) return;
      const value = kyamlValue(root, options);
      if (value !== null) out.push(make(value, root));
    });
    return read ? out : undefined;
  } catch (err) {
    if (isBail(err)) return undefined;
    throw err;
  }
}

/** parseYamlDocuments through the fast reader only: undefined where it leaves the text to the full path. */
export function parseYamlDocumentsFast(
  text: string,
  options: ParseOptions = {},
): PositionedDocument[] | undefined {
  return fastDocuments(text, options, (value, root) => ({
    value,
    line: root.line,
    lineOf: (path: YamlPath) => fastLineOf(root, path),
  }));
}

/** A positioned document whose lines are a line tree (src/yaml/fast/line-tree.ts): plain JSON, no closure. */
export interface LineTreeDocument extends ParsedDocument {
  tree: LineTree;
}

/**
 * parseYamlDocumentsWithPositions's documents with their line trees, when the fast reader reads
 * the whole text (undefined otherwise): `lineOfTree(doc.tree, path)` is the positioned
 * document's `lineOf(path)`.
 */
export function parseYamlDocumentsWithLineTrees(text: string): LineTreeDocument[] | undefined {
  return fastDocuments(text, {}, (value, root) => ({ value, line: root.line, tree: lineTreeOf(root) }));
}

/** All non-empty documents of a YAML stream, with values as kustomize would print them. */
export function parseYamlDocuments(text: string, file: string, options: ParseOptions = {}): ParsedDocument[] {
  return (
    fastDocuments(text, options, (value, root) => ({ value, line: root.line })) ??
    parseYamlDocumentsFull(text, file, options)
  );
}

/**
 * parseYamlDocuments of a text whose fast-reader documents are at hand (`scanned`: what
 * scanFastYaml(text) gave): they are read as the scan would have handed them over, without
 * scanning the text again.
 */
export function parseYamlDocumentsScanned(
  text: string,
  file: string,
  scanned: readonly FastDocument[],
  options: ParseOptions = {},
): ParsedDocument[] {
  // As scanFastYamlEach ends when a document's reader bails or overflows the stack.
  const replay: typeof scanFastYamlEach = (_, onDocument) =>
    readsToEnd(() => {
      for (const doc of scanned) onDocument(doc);
    });
  return (
    fastDocuments(text, options, (value, root) => ({ value, line: root.line }), replay) ??
    parseYamlDocumentsFull(text, file, options)
  );
}

/** parseYamlDocuments through the `yaml` package only (the fast reader's oracle in tests). */
export function parseYamlDocumentsFull(
  text: string,
  file: string,
  options: ParseOptions = {},
): ParsedDocument[] {
  const { docs, lines } = parseRaw(text, file, options);
  const out: ParsedDocument[] = [];
  for (const raw of docs) {
    const parsed = convertDocument(raw, file, lines, options);
    if (parsed) out.push(parsed);
  }
  return out;
}

/** The first document of a file (null when there is none), e.g. a kustomization.yaml. */
export function parseYaml(text: string, file: string, options: ParseOptions = {}): YamlValue {
  return parseYamlDocuments(text, file, { ...options, firstDocumentOnly: true })[0]?.value ?? null;
}

/**
 * Like parseYamlDocuments, plus a lookup from a path in the value to its source line.
 * Lines are computed only when asked for.
 */
export function parseYamlDocumentsWithPositions(text: string, file: string): PositionedDocument[] {
  return parseYamlDocumentsFast(text) ?? parseYamlDocumentsWithPositionsFull(text, file);
}

/** parseYamlDocumentsWithPositions through the `yaml` package only (the fast reader's oracle in tests). */
export function parseYamlDocumentsWithPositionsFull(text: string, file: string): PositionedDocument[] {
  const { docs, lines } = parseRaw(text, file);
  const out: PositionedDocument[] = [];
  for (const raw of docs) {
    const parsed = convertDocument(raw, file, lines);
    if (!parsed) continue;
    out.push({ ...parsed, lineOf: (path) => lineOfPath(raw, lines, path) });
  }
  return out;
}

function lineOfPath(raw: RawDocument, lines: LineCounter, path: YamlPath): number | undefined {
  let node: Node | null = raw.contents;
  let offset = node.range?.[0];
  for (const seg of path) {
    node = deref(raw.doc, node);
    if (node === null) return undefined;
    if (isSeq(node) && typeof seg === "number") {
      node = ((node as YAMLSeq).items[seg] as Node | undefined) ?? null;
      offset = node?.range?.[0];
    } else if (isMap(node)) {
      const pair = findPair(raw.doc, node, String(seg));
      if (!pair) return undefined;
      node = pair.value;
      offset = (pair.key as Node | null)?.range?.[0] ?? node?.range?.[0];
    } else {
      return undefined;
    }
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

function deref(doc: Document, node: Node | null): Node | null {
  let n = node;
  for (let i = 0; n !== null && isAlias(n) && i < 100; i++) n = (n.resolve(doc) as Node | undefined) ?? null;
  return n;
}

function findPair(
  doc: Document,
  map: YAMLMap,
  key: string,
  depth = 0,
): Pair<Node | null, Node | null> | undefined {
  const pairs = map.items as Pair<Node | null, Node | null>[];
  for (const pair of pairs) {
    const k = deref(doc, pair.key);
    if (k !== null && isScalar(k) && scalarText(k) === key && !(k.value === "<<" && k.type === "PLAIN")) {
      return pair;
    }
  }
  if (depth > 20) return undefined;
  for (const pair of pairs) {
    const k = pair.key;
    if (k === null || !isScalar(k) || k.type !== "PLAIN" || k.value !== "<<") continue;
    const v = deref(doc, pair.value);
    const sources = v !== null && isSeq(v) ? (v.items as Node[]) : [v];
    for (const s of sources) {
      const m = deref(doc, s);
      if (m !== null && isMap(m)) {
        const found = findPair(doc, m, key, depth + 1);
        if (found) return found;
      }
    }
  }
  return undefined;
}
