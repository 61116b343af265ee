/**
 * Edits of YAML files that change only the bytes they mean to change. The `yaml` package's
 * concrete syntax tree (eemeli/yaml: `Parser` in src/parse/parser.ts, `CST.visit`,
 * `CST.setScalarValue` in src/parse/cst-scalar.ts, `CST.stringify`) keeps every source token
 * — comments, indentation, quoting, key order, document markers — so a file is printed back
 * from its own tokens with only the edited scalar re-written. Nothing is re-serialised from
 * values, which is what `kustomize edit` and most YAML libraries do and what loses comments.
 *
 * Paths are the keys and indexes from a document's root to a node, as in parseYamlDocuments'
 * values. Aliases and merge keys are not followed: an edit through them would change every
 * place that shares the anchor, so such nodes are reported as not editable.
 */
import { Composer, CST, LineCounter, Parser } from "yaml";
import { SlipwayError } from "../errors.js";
import { v2ReadsAsNonString } from "./emit.js";
import { resolvePlain } from "./resolve.js";

export type CstPath = ReadonlyArray<string | number>;

/** A value a scalar edit writes: strings stay strings (quoted when plain would read otherwise). */
export type ScalarValue = string | number | boolean;

type ScalarToken = CST.FlowScalar | CST.BlockScalar;
type Collection = CST.BlockMap | CST.BlockSequence | CST.FlowCollection;

export interface ScalarNode {
  /** Document index (0-based) among the file's documents. */
  doc: number;
  path: CstPath;
  /** The scalar's value as text (escapes and folding resolved). */
  value: string;
  /**
   * What the scalar means (YAML 1.2 core, as go-yaml v3 reads it): a quoted or block scalar
   * is a string; a plain one may be a number, boolean or null.
   */
  typed: ScalarValue | null;
  /** PLAIN, QUOTE_DOUBLE, QUOTE_SINGLE, BLOCK_LITERAL or BLOCK_FOLDED. */
  type: string;
  /** 1-based line and column of the value. */
  line: number;
  column: number;
  /** Offsets of the value's own bytes (a block scalar's from its header), end exclusive. */
  range: [number, number];
  /** Text of the comment on the value's line, without `#` and leading space (`{"$imagepolicy": ...}`). */
  comment?: string;
  /** The value carries a tag (`!!str 1.0`). */
  tagged: boolean;
  /**
   * The anchor (`&name`) of the scalar or of a collection around it: every alias of that
   * anchor reads the edited value too.
   */
  anchor?: string;
}

export type FoundNode =
  | ({ kind: "scalar" } & ScalarNode)
  | { kind: "map" | "seq"; doc: number; path: CstPath; line: number; column: number }
  | { kind: "alias"; doc: number; path: CstPath; line: number; column: number }
  | { kind: "empty"; doc: number; path: CstPath; line: number; column: number };

/** One parsed YAML stream whose scalars can be edited in place. */
export class YamlCst {
  private readonly tokens: CST.Token[];
  private readonly docs: CST.Document[];
  private readonly lines = new LineCounter();

  constructor(
    readonly text: string,
    readonly file = "<input>",
  ) {
    this.tokens = [...new Parser(this.lines.addNewLine).parse(text)];
    this.docs = this.tokens.filter((t): t is CST.Document => t.type === "document");
    for (const d of new Composer().compose(this.tokens)) {
      const error = d.errors[0];
      if (error) {
        const pos = this.lines.linePos(error.pos[0]);
        throw new SlipwayError(error.message.split("\n")[0]!, { file, line: pos.line, column: pos.col });
      }
    }
  }

  get documentCount(): number {
    return this.docs.length;
  }

  /** 1-based line where each document's content starts (undefined for an empty document). */
  contentLines(): Array<number | undefined> {
    return this.docs.map((d) => (d.value ? this.lines.linePos(d.value.offset).line : undefined));
  }

  /** The document whose content starts at or before `line` (1-based) and runs past it. */
  documentAtLine(line: number): number | undefined {
    let found: number | undefined;
    for (const [i, d] of this.docs.entries()) {
      const start = this.lines.linePos(d.offset).line;
      if (start <= line) found = i;
    }
    return found;
  }

  /** The node at `path` in document `doc`, or undefined when the path does not exist. */
  find(doc: number, path: CstPath): FoundNode | undefined {
    const hit = this.locate(doc, path);
    if (!hit) return undefined;
    const { token } = hit;
    // A collection or an empty value is reported at its key, where a person looks for it.
    const keyOffset = hit.item?.key?.offset;
    const at = token && (isScalarToken(token) || keyOffset === undefined) ? token.offset : keyOffset;
    const pos = this.lines.linePos(at ?? hit.item?.start[0]?.offset ?? 0);
    const base = { doc, path, line: pos.line, column: pos.col };
    if (!token) return { kind: "empty", ...base };
    if (token.type === "alias") return { kind: "alias", ...base };
    if (token.type === "block-map") return { kind: "map", ...base };
    if (token.type === "block-seq") return { kind: "seq", ...base };
    if (token.type === "flow-collection")
      return { kind: token.start.source === "{" ? "map" : "seq", ...base };
    const s = scalarInfo(token as ScalarToken, hasTag(hit.props));
    if (!s) return undefined;
    const anchor = hit.anchor ?? anchorOf(hit.props);
    return { kind: "scalar", ...base, ...s, tagged: hasTag(hit.props), ...(anchor ? { anchor } : {}) };
  }

  /**
   * The path of the scalar an alias at `path` reads (`image: *app` → where `&app` is set): the
   * last anchor of that name before the alias, as YAML resolves it. Undefined when `path` is not
   * an alias of a scalar. Editing that scalar changes every alias of it.
   */
  aliasTarget(doc: number, path: CstPath): CstPath | undefined {
    const token = this.locate(doc, path)?.token;
    const d = this.docs[doc];
    if (token?.type !== "alias" || !d?.value) return undefined;
    const name = token.source.slice(1);
    let found: CstPath | undefined;
    walk(d.value, [], d.start, undefined, (t, p, props) => {
      if (t.offset < token.offset && anchorOf(props) === name) found = p;
    });
    return found;
  }

  /** Every scalar value (not keys) of every document, in source order. */
  *scalars(): Generator<ScalarNode> {
    for (const [doc, d] of this.docs.entries()) {
      if (!d.value) continue;
      const out: ScalarNode[] = [];
      walk(d.value, [], d.start, undefined, (token, path, props, anchor) => {
        const s = scalarInfo(token, hasTag(props));
        if (!s) return;
        const pos = this.lines.linePos(token.offset);
        const node: ScalarNode = { doc, path, line: pos.line, column: pos.col, ...s, tagged: hasTag(props) };
        if (anchor) node.anchor = anchor;
        out.push(node);
      });
      yield* out;
    }
  }

  /**
   * Sets the scalar at `path` to `value`, keeping its quoting style where the value allows,
   * its line comment and everything around it. Throws when the path is not a scalar.
   */
  set(doc: number, path: CstPath, value: ScalarValue): void {
    const hit = this.locate(doc, path);
    const where = `${this.file}: ${formatPath(path)}`;
    if (!hit) throw new SlipwayError(`${where}: no such field`, { file: this.file });
    const token = hit.token;
    if (!token || !isScalarToken(token)) {
      const what = !token ? "empty" : (token.type as string) === "alias" ? "an alias" : "not a scalar";
      throw new SlipwayError(`${where}: is ${what}; only scalars can be set`, { file: this.file });
    }
    const tagged = hasTag(hit.props);
    const current = scalarInfo(token, tagged)!;
    // A no-op keeps the bytes (`1.0` stays `1.0` when set to the number 1).
    if (current.typed === value || (tagged && current.value === String(value))) return;
    const text = String(value);
    const type = styleFor(current.type, value, tagged);
    const inFlow = hit.inFlow;
    CST.setScalarValue(token, text, { afterKey: hit.afterKey, inFlow, type: type as never });
  }

  /**
   * Adds `key: value` to the block map at `path`, on its own line after the entry `after`
   * (default: the last entry), indented like its siblings.
   */
  insert(doc: number, path: CstPath, key: string, value: ScalarValue, after?: string): void {
    const hit = this.locate(doc, path);
    const where = `${this.file}: ${formatPath(path)}`;
    const map = hit?.token;
    if (map?.type !== "block-map") {
      throw (
        this.flowRefusal(doc, path, `cannot add '${key}'`) ??
        new SlipwayError(`${where}: is not a block mapping; cannot add '${key}'`, { file: this.file })
      );
    }
    if (map.items.some((it) => keyText(it.key) === key)) {
      throw new SlipwayError(`${where}: already has '${key}'`, { file: this.file });
    }
    let at = map.items.length - 1;
    if (after !== undefined) at = map.items.findLastIndex((it) => keyText(it.key) === after);
    const prev = map.items[at];
    if (!prev?.key || !prev.value || !isScalarToken(prev.value) || prev.value.type === "block-scalar") {
      throw new SlipwayError(`${where}: cannot add '${key}' after a non-scalar entry`, { file: this.file });
    }
    const column = this.lines.linePos(prev.key.offset).col - 1;
    const offset = prev.value.offset;
    const scalar = CST.createScalarToken(String(value), {
      indent: column,
      offset,
      type: styleFor("PLAIN", value, false) as never,
      end: this.breakAfter((prev.value.end ??= []), offset, column),
    });
    map.items.splice(at + 1, 0, {
      start: column > 0 ? [{ type: "space", offset, indent: 0, source: " ".repeat(column) }] : [],
      key: { type: "scalar", offset, indent: column, source: key },
      sep: [
        { type: "map-value-ind", offset, indent: column, source: ":" },
        { type: "space", offset, indent: column, source: " " },
      ],
      value: scalar,
    });
  }

  /** Adds `value` as the last item of the block sequence at `path`, on its own line. */
  append(doc: number, path: CstPath, value: ScalarValue): void {
    const seq = this.locate(doc, path)?.token;
    const where = `${this.file}: ${formatPath(path)}`;
    if (seq?.type !== "block-seq") {
      throw (
        this.flowRefusal(doc, path, `cannot add '${String(value)}'`) ??
        new SlipwayError(`${where}: is not a block sequence; cannot add '${String(value)}'`, {
          file: this.file,
        })
      );
    }
    const items = seq.items.filter((it) => it.start.some((t) => t.type === "seq-item-ind"));
    const last = items[items.length - 1];
    const dash = last?.start.find((t) => t.type === "seq-item-ind");
    if (!last?.value || !dash || !isScalarToken(last.value) || last.value.type === "block-scalar") {
      throw new SlipwayError(`${where}: cannot add after a non-scalar item`, { file: this.file });
    }
    const column = this.lines.linePos(dash.offset).col - 1;
    const gap =
      last.start.find((t, i, all) => t.type === "space" && all[i - 1]?.type === "seq-item-ind")?.source ??
      " ";
    const offset = last.value.offset;
    const scalar = CST.createScalarToken(String(value), {
      indent: column + 1 + gap.length,
      offset,
      type: styleFor("PLAIN", value, false) as never,
      end: this.breakAfter((last.value.end ??= []), offset, column),
    });
    seq.items.push({
      start: [
        ...(column > 0 ? [{ type: "space" as const, offset, indent: 0, source: " ".repeat(column) }] : []),
        { type: "seq-item-ind", offset, indent: column, source: "-" },
        { type: "space", offset, indent: column + 1, source: gap },
      ],
      value: scalar,
    });
  }

  /**
   * The line break of a new line after an entry whose trailing tokens are `end`: the entry's own
   * (`\r\n` in a CRLF file). The last entry of a file without a final newline gets the break
   * and the new line none, so that the file still ends as it did.
   */
  private breakAfter(end: CST.SourceToken[], offset: number, indent: number): CST.SourceToken[] {
    const newline = end.find((t) => t.type === "newline");
    if (newline) return [{ type: "newline", offset, indent, source: newline.source }];
    end.push({ type: "newline", offset, indent, source: this.text.includes("\r\n") ? "\r\n" : "\n" });
    return [];
  }

  /**
   * Removes item `index` of the block sequence at `path` with its line. The only item of a
   * mapping's sequence leaves `key: []` (a key with no value would read as null).
   */
  removeItem(doc: number, path: CstPath, index: number): void {
    const hit = this.locate(doc, path);
    const seq = hit?.token;
    const where = `${this.file}: ${formatPath([...path, index])}`;
    if (seq?.type !== "block-seq")
      throw new SlipwayError(`${where}: not an item of a block sequence`, { file: this.file });
    const items = seq.items.filter((it) => it.start.some((t) => t.type === "seq-item-ind"));
    const item = items[index];
    if (!item) throw new SlipwayError(`${where}: no such item`, { file: this.file });
    if (item.value && !isScalarToken(item.value))
      throw new SlipwayError(`${where}: only scalar items can be removed`, { file: this.file });
    if (items.length === 1) {
      const entry = hit!.item;
      const colon = entry?.sep?.find((t) => t.type === "map-value-ind");
      if (!entry || !colon || seq.items.length !== 1)
        throw new SlipwayError(`${where}: cannot remove the only item`, { file: this.file });
      const last = item.value && "end" in item.value ? (item.value.end ?? []) : [];
      const newline = last.filter((t) => t.type === "newline").slice(-1);
      entry.sep = [colon, { type: "space", offset: colon.offset + 1, indent: colon.indent, source: " " }];
      entry.value = {
        type: "flow-collection",
        offset: seq.offset,
        indent: seq.indent,
        start: { type: "flow-seq-start", offset: seq.offset, indent: seq.indent, source: "[" },
        items: [],
        end: [{ type: "flow-seq-end", offset: seq.offset + 1, indent: seq.indent, source: "]" }, ...newline],
      };
      return;
    }
    if (index === 0) {
      // The first item carries its line's indentation; the next one takes it over.
      const next = items[1]!;
      next.start = [
        ...item.start.filter((t) => t.type === "space" && t === item.start[0]),
        ...next.start.filter((t) => !(t.type === "space" && t === next.start[0])),
      ];
    }
    seq.items.splice(seq.items.indexOf(item), 1);
  }

  /** Removes the entry `path` (a key of a block map, not its first one) with its line. */
  remove(doc: number, path: CstPath): void {
    const parent = this.locate(doc, path.slice(0, -1))?.token;
    const where = `${this.file}: ${formatPath(path)}`;
    const key = String(path[path.length - 1]);
    if (parent?.type !== "block-map") {
      throw new SlipwayError(`${where}: not an entry of a block mapping`, { file: this.file });
    }
    const i = parent.items.findLastIndex((it) => keyText(it.key) === key);
    if (i < 0) throw new SlipwayError(`${where}: no such field`, { file: this.file });
    // The first entry carries the line's indentation (or the `- `) of its parent.
    if (i === 0)
      throw new SlipwayError(`${where}: cannot remove the first entry of a mapping`, { file: this.file });
    const item = parent.items[i]!;
    const value = item.value;
    if (value && !isScalarToken(value)) {
      throw new SlipwayError(`${where}: only scalar entries can be removed`, { file: this.file });
    }
    parent.items.splice(i, 1);
  }

  /** The edited text: every token printed back as it was, edited scalars as set. */
  toString(): string {
    return this.tokens.map((t) => CST.stringify(t)).join("");
  }

  /**
   * Why a line cannot be added at `path` when it is in flow style (`images: [{name: app}]`): a
   * new entry there would mean re-writing the collection, its comments and quoting, so the
   * person is told which one to write in block style, at its line. The outermost flow
   * collection is named: a block mapping cannot stand inside a flow one.
   */
  private flowRefusal(doc: number, path: CstPath, what: string): SlipwayError | undefined {
    for (let i = 0; i <= path.length; i++) {
      const token = this.locate(doc, path.slice(0, i))?.token;
      if (token?.type !== "flow-collection") continue;
      const pos = this.lines.linePos(token.offset);
      const name = i === 0 ? "the document" : formatPath(path.slice(0, i));
      return new SlipwayError(
        `${name} is written in flow style; ${what} to ${formatPath(path)}: write ${name} in block style (a '- ' line per item, a 'key: value' line per field) and run again`,
        { file: this.file, line: pos.line, column: pos.col },
      );
    }
    return undefined;
  }

  private locate(doc: number, path: CstPath): Located | undefined {
    const d = this.docs[doc];
    if (!d) return undefined;
    let token: CST.Token | undefined = d.value;
    let props: CST.SourceToken[] = d.start;
    let item: CST.CollectionItem | undefined;
    let afterKey = false;
    let inFlow = false;
    let anchor: string | undefined;
    for (const seg of path) {
      if (!token) return undefined;
      anchor ??= anchorOf(props);
      const next = child(token, seg);
      if (!next) return undefined;
      item = next.item;
      token = next.token;
      props = next.props;
      afterKey = next.afterKey;
      inFlow = inFlow || next.inFlow;
    }
    return { token, props, item, afterKey, inFlow, ...(anchor ? { anchor } : {}) };
  }
}

interface Located {
  token: CST.Token | undefined;
  /** Tokens before the value that may hold its tag and anchor. */
  props: CST.SourceToken[];
  item?: CST.CollectionItem;
  afterKey: boolean;
  inFlow: boolean;
  /** Anchor of an enclosing collection. */
  anchor?: string;
}

function anchorOf(props: CST.SourceToken[]): string | undefined {
  const a = props.find((t) => t.type === "anchor");
  return a ? a.source.slice(1) : undefined;
}

function isScalarToken(t: CST.Token): t is ScalarToken {
  return (
    t.type === "scalar" ||
    t.type === "single-quoted-scalar" ||
    t.type === "double-quoted-scalar" ||
    t.type === "block-scalar"
  );
}

type ScalarInfo = Omit<ScalarNode, "doc" | "path" | "line" | "column" | "tagged">;

function scalarInfo(token: ScalarToken, tagged: boolean): ScalarInfo | undefined {
  const r = CST.resolveAsScalar(token);
  if (!r) return undefined;
  const type = r.type ?? "PLAIN";
  const start = token.offset;
  const length = token.type === "block-scalar" ? CST.stringify(token).length : token.source.length;
  const out: ScalarInfo = {
    value: r.value,
    typed: type === "PLAIN" && !tagged ? typedPlain(r.value) : r.value,
    type,
    range: [start, start + length],
  };
  const comment = lineComment(token);
  if (comment !== undefined) out.comment = comment;
  return out;
}

function typedPlain(text: string): ScalarValue | null {
  const r = resolvePlain(text);
  switch (r.tag) {
    case "bool":
      return r.value as boolean;
    case "null":
      return null;
    case "int":
    case "float":
      return typeof r.value === "number" && Number.isSafeInteger(r.value) === Number.isInteger(r.value)
        ? r.value
        : text;
    default:
      return text;
  }
}

/** The comment on the scalar's own line (a flow scalar's `end`, a block scalar's header line). */
function lineComment(token: ScalarToken): string | undefined {
  const tokens = token.type === "block-scalar" ? token.props : (token.end ?? []);
  for (const t of tokens) {
    if (t.type === "newline") return undefined;
    if (t.type === "comment") return t.source.replace(/^#\s?/, "").trimEnd();
  }
  return undefined;
}

function hasTag(props: CST.SourceToken[]): boolean {
  return props.some((t) => t.type === "tag");
}

function isMergeKey(key: CST.Token | null | undefined): boolean {
  return !!key && key.type === "scalar" && key.source === "<<";
}

function keyText(key: CST.Token | null | undefined): string | undefined {
  if (!key || !isScalarToken(key)) return undefined;
  return CST.resolveAsScalar(key)?.value;
}

function child(
  token: CST.Token,
  seg: string | number,
):
  | {
      token: CST.Token | undefined;
      props: CST.SourceToken[];
      item: CST.CollectionItem;
      afterKey: boolean;
      inFlow: boolean;
    }
  | undefined {
  if (token.type === "block-map" || (token.type === "flow-collection" && token.start.source === "{")) {
    const items = (token as Collection).items;
    let found: CST.CollectionItem | undefined;
    // Later duplicates win, as sigs.k8s.io/yaml reads kustomization files.
    for (const it of items) if (!isMergeKey(it.key) && keyText(it.key) === String(seg)) found = it;
    if (!found) return undefined;
    return {
      token: found.value,
      props: found.sep ?? [],
      item: found,
      afterKey: token.type === "block-map",
      inFlow: token.type === "flow-collection",
    };
  }
  if (token.type === "block-seq" || (token.type === "flow-collection" && token.start.source === "[")) {
    if (typeof seg !== "number") return undefined;
    const items = (token as Collection).items.filter((it) =>
      token.type === "block-seq" ? it.start.some((t) => t.type === "seq-item-ind") : it.value || it.key,
    );
    const it = items[seg];
    if (!it || it.key) return undefined;
    return {
      token: it.value,
      props: it.start,
      item: it,
      // Continuation lines of a value in a block sequence must be indented past its `-` too.
      afterKey: token.type === "block-seq",
      inFlow: token.type === "flow-collection",
    };
  }
  return undefined;
}

function walk(
  token: CST.Token,
  path: Array<string | number>,
  props: CST.SourceToken[],
  outer: string | undefined,
  visit: (token: ScalarToken, path: CstPath, props: CST.SourceToken[], anchor: string | undefined) => void,
): void {
  const anchor = outer ?? anchorOf(props);
  if (isScalarToken(token)) {
    visit(token, path, props, anchor);
    return;
  }
  if (token.type === "block-map" || (token.type === "flow-collection" && token.start.source === "{")) {
    for (const it of (token as Collection).items) {
      if (isMergeKey(it.key)) continue;
      const k = keyText(it.key);
      if (k === undefined || !it.value) continue;
      walk(it.value, [...path, k], it.sep ?? [], anchor, visit);
    }
    return;
  }
  if (token.type === "block-seq" || (token.type === "flow-collection" && token.start.source === "[")) {
    let i = 0;
    for (const it of (token as Collection).items) {
      const counts =
        token.type === "block-seq" ? it.start.some((t) => t.type === "seq-item-ind") : it.value || it.key;
      if (!counts) continue;
      if (it.value && !it.key) walk(it.value, [...path, i], it.start, anchor, visit);
      i++;
    }
  }
}

/**
 * The quoting an edit keeps: the scalar's own style, unless the new value would then read as
 * something else. A string in a plain scalar that YAML 1.1 (sigs.k8s.io/yaml, kustomize) or
 * YAML 1.2 would read as a number, boolean, null or timestamp is double-quoted; numbers and
 * booleans are written plain.
 */
function styleFor(current: string, value: ScalarValue, tagged: boolean): string {
  if (typeof value !== "string") return "PLAIN";
  if (tagged) return current;
  if (needsQuotes(current, value)) return "QUOTE_DOUBLE";
  return current;
}

function needsQuotes(type: string, value: string): boolean {
  if (type !== "PLAIN") return false;
  // The `yaml` printer quotes what plain syntax cannot hold; what it cannot know is how
  // other readers resolve a plain scalar.
  return value === "" || v2ReadsAsNonString(value) || resolvePlain(value).tag !== "str";
}

/** `value` as a YAML scalar: plain when it reads back as the same string, else double-quoted. */
export function scalarText(value: ScalarValue): string {
  if (typeof value !== "string") return String(value);
  const plain =
    !needsQuotes("PLAIN", value) &&
    /^[^\s\-?:,[\]{}#&*!|>'"%@`][^#]*$/.test(value) &&
    !/[:#]\s|\s$/.test(value);
  return plain ? value : JSON.stringify(value);
}

export function formatPath(path: CstPath): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  return out || "(document root)";
}

export interface ScalarEdit {
  doc: number;
  path: CstPath;
  value: ScalarValue;
}

/** Applies scalar edits to one file's text; the result differs only in the edited scalars. */
export function applyScalarEdits(text: string, edits: readonly ScalarEdit[], file?: string): string {
  if (edits.length === 0) return text;
  const cst = new YamlCst(text, file);
  for (const e of edits) cst.set(e.doc, e.path, e.value);
  return cst.toString();
}
