/**
 * A line-based reader for the YAML that repositories and charts are made of: block mappings
 * and sequences (compact and indentless ones included), one-line plain and quoted scalars,
 * literal and folded block scalars, one-line flow collections of scalars, comments and `---`.
 * It exists because the `yaml` package's lexer, parser and composer dominate render time; it
 * gives up (FastBail) on everything else — anchors, aliases, tags, `?` keys, directives, `...`,
 * multi-line flow or plain or quoted scalars, tabs outside block scalar text, duplicate
 * structure the full path would refuse — so that every error still comes from the full path.
 */
import { FAST_REFUSED } from "../char-guard.js";
import { blockScalarText, type Chomping, chompLiteral } from "./block-scalar.js";
import { flowCollection, isPlainStart, plainRun, quotedPart } from "./inline.js";
import {
  bail,
  type FastAlias,
  type FastDocument,
  type FastMap,
  type FastNode,
  type FastPair,
  type FastScalar,
  type FastSeq,
  readsToEnd,
} from "./nodes.js";

/** Deeper block nesting goes to the full path (the reader and converters recurse). */
const MAX_DEPTH = 128;
/** go-yaml and the `yaml` package limit implicit keys to 1024 characters. */
const MAX_KEY_LENGTH = 1000;

/** Where a node starts: after a key's `:`, after a `-`, or on a line of its own. */
type Context = "map" | "seq" | "line";

// Ends an anchor or alias name (flow indicators, `:` and tabs are left to the full path).
const ANCHOR_END = new Set([..." \t,[]{}:"].map((c) => c.charCodeAt(0)));

/** `-`, `?` or `:` and a space: plain text in a continuation line, but left to the full path. */
function looksLikeIndicator(text: string, at: number, end: number): boolean {
  const c = text.charCodeAt(at);
  if (c !== 0x2d && c !== 0x3f && c !== 0x3a) return false;
  return at + 1 === end || text.charCodeAt(at + 1) === 0x20;
}

class Scanner {
  /** start of the current line */
  private pos = 0;
  /** 1-based number of the current line */
  private line = 1;
  /** end of the current line's text (before "\n" or "\r\n") */
  private end = 0;
  /** start of the next line */
  private next = 0;
  /** leading spaces of the current content line; -1 at the end of the stream or at `---` */
  private indent = -1;
  private depth = 0;
  /** Where the last key `key` found ends: the offset after its `:`. */
  private keyNext = 0;
  /** The current document's anchors; null while the anchored node is being read. */
  private readonly anchors = new Map<string, FastNode | null>();

  constructor(private readonly text: string) {}

  /** Reads the stream, handing each document over as soon as it is read. */
  documents(onDocument: (doc: FastDocument) => void): void {
    this.load(0, 1);
    this.toContent();
    let open = false; // a `---` started a document that has no content yet
    while (this.pos < this.text.length) {
      if (this.indent === -1) {
        // at `---`: whatever follows on the line must be a comment
        const rest = this.skipSpaces(this.pos + 3);
        if (rest < this.end && !(rest > this.pos + 3 && this.text.charCodeAt(rest) === 0x23)) bail();
        if (open) onDocument({ root: null });
        open = true;
        this.advance();
        this.toContent();
        continue;
      }
      this.anchors.clear();
      const root = this.node(this.pos + this.indent, -1, "line");
      if (this.indent !== -1) bail();
      onDocument({ root });
      open = false;
    }
    if (open) onDocument({ root: null });
  }

  private load(pos: number, line: number): void {
    this.pos = pos;
    this.line = line;
    const nl = this.text.indexOf("\n", pos);
    if (nl < 0) {
      this.end = this.next = this.text.length;
    } else {
      this.next = nl + 1;
      this.end = nl > pos && this.text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
    }
  }

  private advance(): void {
    this.load(this.next, this.line + 1);
  }

  private skipSpaces(at: number): number {
    while (at < this.end && this.text.charCodeAt(at) === 0x20) at++;
    return at;
  }

  /** Moves to the next line with content (skipping blank and comment lines), or to `---`. */
  private toContent(): void {
    const text = this.text;
    for (; this.pos < text.length; this.advance()) {
      const at = this.skipSpaces(this.pos);
      if (at === this.end) continue;
      const c = text.charCodeAt(at);
      if (c === 0x23) continue;
      if (c === 0x09) bail();
      if (at === this.pos && (c === 0x2d || c === 0x2e || c === 0x25) && this.isMarker(c)) {
        this.indent = -1;
        return;
      }
      this.indent = at - this.pos;
      return;
    }
    this.indent = -1;
  }

  /** `---` (the only marker read here) at the start of the line; `...` and `%` bail. */
  private isMarker(c: number): boolean {
    if (c === 0x25) bail();
    const t = this.text;
    const p = this.pos;
    if (t.charCodeAt(p + 1) !== c || t.charCodeAt(p + 2) !== c) return false;
    const after = p + 3 === this.end ? 0x20 : t.charCodeAt(p + 3);
    if (after !== 0x20 && after !== 0x09) return false;
    if (c === 0x2e) bail();
    return true;
  }

  /** True when `-` at `at` starts a sequence entry. */
  private isEntry(at: number): boolean {
    return (
      this.text.charCodeAt(at) === 0x2d && (at + 1 === this.end || this.text.charCodeAt(at + 1) === 0x20)
    );
  }

  /** A node that starts at `at` on the current line (its column is its indentation). */
  private node(at: number, parentIndent: number, context: Context): FastNode {
    if (this.isEntry(at)) return this.sequence(at);
    const key = this.key(at);
    if (key) return this.mapping(at, key);
    return this.inlineValue(at, parentIndent, context);
  }

  /** The key at `at` when the line holds a `key:` there (the offset after its `:` in keyNext). */
  private key(at: number): FastScalar | undefined {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === 0x22 || c === 0x27) {
      const q = quotedPart(text, at + 1, this.end, c === 0x22);
      if (!q.closed || text.charCodeAt(q.next) !== 0x3a) return undefined;
      if (q.next + 1 < this.end && text.charCodeAt(q.next + 1) !== 0x20) bail();
      if (q.next - at > MAX_KEY_LENGTH) bail();
      this.keyNext = q.next + 1;
      return { kind: "scalar", style: c === 0x22 ? "double" : "single", text: q.text, line: this.line };
    }
    if (!isPlainStart(text, at, this.end)) return undefined;
    const run = plainRun(text, at, this.end);
    if (run.colon < 0) return undefined;
    if (run.colon - at > MAX_KEY_LENGTH || run.text === "") bail();
    this.keyNext = run.colon + 1;
    return { kind: "scalar", style: "plain", text: run.text, line: this.line };
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) bail();
  }

  private mapping(at: number, first: FastScalar): FastMap {
    this.enter();
    const column = at - this.pos;
    const pairs: FastPair[] = [];
    const map: FastMap = { kind: "map", pairs, line: this.line, flow: false };
    let key: FastScalar | undefined = first;
    for (;;) {
      const value = this.afterIndicator(this.keyNext, column, "map");
      pairs.push({ key, value });
      if (this.indent !== column) break;
      at = this.pos + column;
      key = this.key(at);
      if (!key) bail();
    }
    if (this.indent > column) bail();
    this.depth--;
    return map;
  }

  private sequence(at: number): FastSeq {
    this.enter();
    const column = at - this.pos;
    const items: FastNode[] = [];
    const seq: FastSeq = { kind: "seq", items, line: this.line, flow: false };
    for (;;) {
      items.push(this.afterIndicator(at + 1, column, "seq"));
      if (this.indent !== column || !this.isEntry(this.pos + column)) break;
      at = this.pos + column;
    }
    if (this.indent > column) bail();
    this.depth--;
    return seq;
  }

  /**
   * The value after a key's `:` or a sequence entry's `-` (at `at`), on this line or on the
   * following, more indented ones. Leaves the reader on the next content line.
   */
  private afterIndicator(at: number, column: number, context: "map" | "seq"): FastNode {
    const line = this.line;
    at = this.skipSpaces(at);
    if (at < this.end && this.text.charCodeAt(at) !== 0x23) {
      const c = this.text.charCodeAt(at);
      if (c === 0x26) return this.anchored(at, column, context);
      if (c === 0x2a) return this.alias(at);
      if (context === "seq") return this.node(at, column, context);
      if (this.isEntry(at)) bail();
      return this.inlineValue(at, column, context);
    }
    this.advance();
    this.toContent();
    if (this.indent > column) return this.node(this.pos + this.indent, column, "line");
    // An indentless sequence: `key:` followed by `- item` lines at the key's column.
    if (context === "map" && this.indent === column && this.isEntry(this.pos + column)) {
      return this.sequence(this.pos + column);
    }
    return { kind: "scalar", style: "plain", text: "", line };
  }

  /** The name of an anchor or alias whose `&` or `*` is at `at`, and the offset after it. */
  private anchorName(at: number): { name: string; next: number } {
    let i = at + 1;
    while (i < this.end && !ANCHOR_END.has(this.text.charCodeAt(i))) i++;
    if (i === at + 1 || (i < this.end && this.text.charCodeAt(i) !== 0x20)) bail();
    return { name: this.text.slice(at + 1, i), next: i };
  }

  /**
   * `&name` and the node it marks: a scalar or flow collection on the same line, or a block
   * node on the following, more indented lines. Anything else (a key, another property, an
   * empty node) is left to the full path.
   */
  private anchored(at: number, column: number, context: "map" | "seq"): FastNode {
    const { name, next } = this.anchorName(at);
    // An alias inside the node it names is an error the full path reports.
    this.anchors.set(name, null);
    const i = this.skipSpaces(next);
    let node: FastNode;
    if (i < this.end && this.text.charCodeAt(i) !== 0x23) {
      const c = this.text.charCodeAt(i);
      if (c === 0x26 || c === 0x2a || c === 0x21 || this.isEntry(i) || this.key(i)) bail();
      node = this.inlineValue(i, column, context);
    } else {
      this.advance();
      this.toContent();
      if (this.indent <= column) bail();
      node = this.node(this.pos + this.indent, column, "line");
    }
    this.anchors.set(name, node);
    return node;
  }

  /** `*name`, alone on the rest of its line. */
  private alias(at: number): FastAlias {
    const { name, next } = this.anchorName(at);
    const target = this.anchors.get(name);
    if (!target) bail();
    const after = this.skipSpaces(next);
    if (after < this.end && (after === next || this.text.charCodeAt(after) !== 0x23)) bail();
    const node: FastAlias = { kind: "alias", target, line: this.line };
    this.advance();
    this.toContent();
    return node;
  }

  /** A scalar or flow collection at `at`, then only a comment; moves to the next content line. */
  private inlineValue(at: number, parentIndent: number, context: Context): FastNode {
    const text = this.text;
    const c = text.charCodeAt(at);
    let node: FastNode;
    let rest: number;
    if (c === 0x7c || c === 0x3e) {
      // A block scalar on a line of its own (or at the top): left to the full path.
      if (context === "line") bail();
      return this.blockScalar(at, parentIndent);
    }
    if (c === 0x22 || c === 0x27) {
      const q = this.quotedScalar(at);
      node = q.node;
      rest = q.next;
    } else if (c === 0x5b || c === 0x7b) {
      const f = flowCollection(text, at, this.end, this.line);
      node = f.node;
      rest = f.next;
    } else {
      if (!isPlainStart(text, at, this.end)) bail();
      const run = plainRun(text, at, this.end);
      // `a: b: c` is an error; a key here was not expected.
      if (run.colon >= 0) bail();
      if (run.rest === this.end) {
        const line = this.line;
        const value = this.plainContinuation(run.text, parentIndent);
        this.toContent();
        return { kind: "scalar", style: "plain", text: value, line };
      }
      node = { kind: "scalar", style: "plain", text: run.text, line: this.line };
      rest = run.rest;
    }
    const after = this.skipSpaces(rest);
    if (after < this.end && (after === rest || text.charCodeAt(after) !== 0x23)) bail();
    this.advance();
    this.toContent();
    return node;
  }

  /**
   * A quoted scalar from `at`, over several lines if it does not close on its own (YAML 1.2
   * 7.3.1: a line break folds into a space, or into a line feed per empty line; spaces around
   * it go; after an escaped break only the empty lines count). Continuation lines may have any
   * indentation but none; tabs in them are left to the full path.
   */
  private quotedScalar(at: number): { node: FastScalar; next: number } {
    const text = this.text;
    const double = text.charCodeAt(at) === 0x22;
    const style = double ? "double" : "single";
    const line = this.line;
    let part = quotedPart(text, at + 1, this.end, double);
    if (part.closed) return { node: { kind: "scalar", style, text: part.text, line }, next: part.next };
    let value = part.text;
    let empties = 0;
    for (;;) {
      if (part.tab) bail();
      const escaped = part.escapedBreak;
      this.advance();
      if (this.pos >= text.length) bail();
      const from = this.skipSpaces(this.pos);
      if (from === this.end) {
        empties++;
        part = { text: "", closed: false, next: this.end, escapedBreak: false, tab: false };
        if (escaped) part.escapedBreak = true;
        continue;
      }
      // go-yaml reads to the closing quote whatever a continuation line's indentation (the
      // `yaml` package alone would not: src/yaml/quoted-indent.ts). At column 0 a line could be
      // `---` or `...` (an error inside quotes): left to the full path.
      if (from === this.pos) bail();
      part = quotedPart(text, from, this.end, double);
      value += escaped ? "\n".repeat(empties) : empties === 0 ? " " : "\n".repeat(empties);
      value += part.text;
      empties = 0;
      if (part.closed) {
        if (part.tab) bail();
        return { node: { kind: "scalar", style, text: value, line }, next: part.next };
      }
    }
  }

  /**
   * The lines that continue a plain scalar (more indented than its parent, YAML 1.2 7.3.3):
   * joined with a space, or with a line feed per empty line between. Stops on the first line
   * that is not one (left as the current line); a comment in or after them, or a line that
   * starts like a token, is left to the full path.
   */
  private plainContinuation(first: string, parentIndent: number): string {
    const text = this.text;
    let value = first;
    let empties = 0;
    for (this.advance(); this.pos < text.length; this.advance()) {
      const at = this.skipSpaces(this.pos);
      if (at === this.end) {
        empties++;
        continue;
      }
      const c = text.charCodeAt(at);
      if (c === 0x09) bail();
      if (at - this.pos <= parentIndent || c === 0x23) break;
      if (at === this.pos && (c === 0x2d || c === 0x2e || c === 0x25) && this.isMarker(c)) break;
      if (looksLikeIndicator(text, at, this.end)) bail();
      const run = plainRun(text, at, this.end);
      if (run.colon >= 0 || run.rest !== this.end) bail();
      value += empties === 0 ? ` ${run.text}` : "\n".repeat(empties) + run.text;
      empties = 0;
    }
    return value;
  }

  /** `|` or `>` with its indicators at `at`, then the body lines. */
  private blockScalar(at: number, parentIndent: number): FastScalar {
    const text = this.text;
    const line = this.line;
    const folded = text.charCodeAt(at) === 0x3e;
    let chomp: Chomping = "clip";
    let explicit = 0;
    let i = at + 1;
    for (let k = 0; k < 2 && i < this.end; k++, i++) {
      const c = text.charCodeAt(i);
      if (c === 0x2d && chomp === "clip") chomp = "strip";
      else if (c === 0x2b && chomp === "clip") chomp = "keep";
      else if (c >= 0x31 && c <= 0x39 && explicit === 0) explicit = c - 0x30;
      else break;
    }
    const after = this.skipSpaces(i);
    if (after < this.end && (after === i || text.charCodeAt(after) !== 0x23)) bail();
    let indent = explicit > 0 ? parentIndent + explicit : 0;
    // Folded text needs its lines; literal text is built as it is read (CRD descriptions: `|-`).
    const lines: string[] | undefined = folded ? [] : undefined;
    let literal = "";
    let empties = 0; // empty lines since the last line of text
    let contentLines = 0;
    let maxEmptySpaces = 0;
    let lastBlank = false;
    for (this.advance(); this.pos < text.length; this.advance()) {
      let spaces = 0;
      while (this.pos + spaces < this.end && text.charCodeAt(this.pos + spaces) === 0x20) spaces++;
      const blank = this.pos + spaces === this.end;
      if (blank) {
        // A line of spaces only is empty, unless it has more than the indentation (its extra
        // spaces would be text, or an error before the first line): left to the full path.
        if (indent > 0 && spaces > indent) bail();
        if (spaces > maxEmptySpaces) maxEmptySpaces = spaces;
        lines?.push("");
        empties++;
        lastBlank = true;
        continue;
      }
      if (indent === 0) {
        if (spaces <= parentIndent) break;
        if (spaces < maxEmptySpaces) bail();
        indent = spaces;
      }
      if (spaces < indent) break;
      // Tabs where go-yaml looks for indentation, or leading the text: left to the full path.
      if (text.charCodeAt(this.pos + spaces) === 0x09) bail();
      const body = text.slice(this.pos + indent, this.end);
      if (lines) {
        lines.push(body);
      } else {
        if (contentLines > 0) literal += "\n";
        if (empties > 0) literal += "\n".repeat(empties);
        literal += body;
      }
      empties = 0;
      contentLines++;
      lastBlank = false;
    }
    if (contentLines === 0) bail();
    // Trailing empty lines belong to the block only up to its last line (for keep chomping).
    // A block that runs to the end of a stream without a final line break keeps no line break
    // after its last line of text (both full paths agree): it reads as stripped. Helm's manifest
    // heads meet that on every document ending in a block (a ConfigMap's `data`), as documents
    // are cut with their trailing line break removed. Ending on a blank line (unless stripped): the
    // full path.
    if (this.pos >= text.length && text.charCodeAt(text.length - 1) !== 0x0a) {
      if (lastBlank && chomp !== "strip") bail();
      chomp = "strip";
    }
    this.toContent();
    return {
      kind: "scalar",
      style: folded ? "folded" : "literal",
      text: lines ? blockScalarText(lines, true, chomp) : chompLiteral(literal, empties, chomp),
      line,
    };
  }
}

/**
 * Hands each document of `text` to `onDocument` as it is read, and says whether the whole text
 * was within the fast reader's subset; when it was not (false), read it with the full path and
 * drop what `onDocument` made of the documents before. Converting each document as it comes
 * lets its tree go before the next is read (a 50 MB stream held every tree at once).
 */
export function scanFastYamlEach(text: string, onDocument: (doc: FastDocument) => void): boolean {
  if (FAST_REFUSED.test(text)) return false;
  // A carriage return that does not end a line.
  for (let r = text.indexOf("\r"); r >= 0; r = text.indexOf("\r", r + 1)) {
    if (text.charCodeAt(r + 1) !== 0x0a) return false;
  }
  return readsToEnd(() => new Scanner(text).documents(onDocument));
}

/**
 * The documents of `text` when it is within the fast reader's subset, else undefined (read it
 * with the full path). Cheap to call on any input: it gives up at the first unknown construct.
 */
export function scanFastYaml(text: string): FastDocument[] | undefined {
  const docs: FastDocument[] = [];
  return scanFastYamlEach(text, (doc) => docs.push(doc)) ? docs : undefined;
}
