/**
 * Parsed template trees as bytes and back, so that a chart's parse can be kept in the persistent
 * cache: a fresh process decodes kube-prometheus-stack's trees (1.6 MB of template text, ~100k
 * nodes) in one pass over 32-bit words instead of running the lexer and parser, which V8 has not
 * compiled yet in a new process (~200 ms cold against ~40 ms warm).
 *
 * Layout (native byte order; the first word tells a reader of the other order to refuse it):
 *
 *     word 0        MAGIC
 *     word 1        n: UTF-8 bytes of the string table, a JSON array of strings (then padded to 4)
 *     words …       per parse: functions (count, string indices), trees (count, each: name,
 *                   parseName, leftDelim, rightDelim as string indices, then the root node)
 *
 * A node is one word of its kind (low 5 bits) and position, then its fields in the order of the
 * encoder's switch; lists
 * are a count and their items; strings are indices into the table, so a field name used 5,000
 * times is decoded once. A list node (LIST) is its count, the number of words its items take,
 * then the items: a tree's root and the body of an if, range or with are decoded when first
 * walked (LazyListNode), since a render walks about half of a chart's bodies (kube-prometheus-stack:
 * 13,700 of 29,600 statements) and decoding the rest cost ~20 ms and its garbage in a fresh
 * process, and runs only some of its trees (the defines of disabled features, the templates of
 * disabled subcharts are never executed). The tree a node belongs to (`tr`) and the tree's text are not stored:
 * every node of a tree points to that tree (the encoder checks it), and the text is the file's,
 * which the caller has (a text node that is the file's text at its position is stored as its
 * length). An earlier encoding of nested JSON arrays cost a JSON.parse that built every node
 * twice (~95 ms and most of a fresh process's garbage collection for kube-prometheus-stack).
 *
 * Decoded nodes are built with the parser's property order (parse.ts), so they share its object
 * shapes and exec sees no new ones but LazyListNode's. Data that is not an encoding (a word out of
 * range, an index past the table, a count past the end) throws TreeDecodeError: the caller parses
 * instead. Inside a root or a body decoded later only its extent is checked up front; its own
 * checks run when it is decoded and throw TreeDecodeError from there. The persistent store hands over only
 * bytes its seal (AES-GCM, keyed by the inputs and the code identity) authenticates, that is
 * bytes this build encoded, and the encoder refuses trees nested deeper than the decoder reads:
 * such an error would be a bug of this module.
 */
import type {
  ArgNode,
  BranchNode,
  CommandNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  Tree,
  VariableNode,
} from "./node.js";

/** One text's parse: its trees in parse order and the function names the text uses. */
export interface ParsedText {
  trees: Map<string, Tree>;
  functions: string[];
}

/** Written in native order: read back in the other order it is 0x04_03_5e_53, which is refused. */
const MAGIC = 0x535e0304;

const LIST = 0;
const TEXT = 1;
const COMMENT = 2;
const ACTION = 3;
const PIPE = 4;
const COMMAND = 5;
const IDENTIFIER = 6;
const VARIABLE = 7;
const DOT = 8;
const NIL = 9;
const FIELD = 10;
const CHAIN = 11;
const BOOL = 12;
const NUMBER = 13;
const STRING = 14;
const IF = 15;
const RANGE = 16;
const WITH = 17;
const BREAK = 18;
const CONTINUE = 19;
const TEMPLATE = 20;

const BRANCH_KIND = { if: IF, range: RANGE, with: WITH } as const;

/**
 * A node's kind and position share its first word (kind in the low bits): a word less for each
 * of a large chart's ~100k nodes to read, decrypt and decode. Texts are far shorter than 64 MB.
 */
const KIND_BITS = 5;
const MAX_POS = (1 << (31 - KIND_BITS)) - 1;
const KIND_MASK = (1 << KIND_BITS) - 1;

/** Text nodes: the file's own bytes at the node's position (a length follows), or a string. */
const TEXT_SLICE = 0;
const TEXT_STRING = 1;

/**
 * String nodes: the quoted literal is the file's own bytes at the node's position (its length
 * follows) and the text is inside its quotes (STRING_SLICE) or from the table (STRING_SLICE_TEXT),
 * or both are from the table (STRING_TABLE). kube-prometheus-stack's Grafana dashboards are raw
 * string literals: kept as strings, twice each (quoted and not), they were 0.9 MB of a 1.07 MB
 * string table, most of the entry a fresh process reads, decrypts and JSON-parses.
 */
const STRING_TABLE = 0;
const STRING_SLICE = 1;
const STRING_SLICE_TEXT = 2;

/**
 * Nodes nested deeper are refused rather than risking a stack overflow: the parse that made them
 * is parsed again (real templates nest a few dozen deep; the parser allows 10,000 parentheses).
 */
const MAX_DEPTH = 2_000;

/** A node the encoder cannot keep (a node of another tree): the parse is not cached. */
class NotEncodable extends Error {}

class Writer {
  words = new Int32Array(1 << 16);
  length = 0;
  /** nesting of the node being encoded: deeper than the decoder reads is not encodable */
  depth = 0;
  private readonly strings = new Map<string, number>();

  word(x: number): void {
    if (this.length === this.words.length) {
      const grown = new Int32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    this.words[this.length++] = x;
  }

  string(s: string): void {
    let i = this.strings.get(s);
    if (i === undefined) {
      i = this.strings.size;
      this.strings.set(s, i);
    }
    this.word(i);
  }

  /** A node's first word: its kind in the low 5 bits, its position above. */
  head(kind: number, pos: number): void {
    if (pos < 0 || pos > MAX_POS) throw new NotEncodable();
    this.word(kind | (pos << KIND_BITS));
  }

  stringList(xs: readonly string[]): void {
    this.word(xs.length);
    for (const x of xs) this.string(x);
  }

  /** The string table, then the words. */
  bytes(): Uint8Array {
    const table = Buffer.from(JSON.stringify([...this.strings.keys()]), "utf8");
    const padded = (table.length + 3) & ~3;
    const out = new Uint8Array(8 + padded + this.length * 4);
    const head = new Int32Array(out.buffer, 0, 2);
    head[0] = MAGIC;
    head[1] = table.length;
    out.set(table, 8);
    out.set(new Uint8Array(this.words.buffer, 0, this.length * 4), 8 + padded);
    return out;
  }
}

/** The parses of a set's texts, or undefined when one cannot be encoded faithfully. */
export function encodeParses(parses: readonly ParsedText[]): Uint8Array | undefined {
  const w = new Writer();
  try {
    w.word(parses.length);
    for (const { trees, functions } of parses) {
      w.stringList(functions);
      w.word(trees.size);
      for (const [name, tree] of trees) {
        w.string(name);
        w.string(tree.parseName);
        w.string(tree.leftDelim);
        w.string(tree.rightDelim);
        w.word(tree.nestingBytes);
        encodeNode(w, tree.root, tree);
      }
    }
  } catch (e) {
    if (e instanceof NotEncodable) return undefined;
    throw e;
  }
  return w.bytes();
}

/** -0, NaN and ±Infinity as text; String of any other double reads back as that double. */
function floatText(x: number): string {
  return Object.is(x, -0) ? "-0" : String(x);
}

function encodeList(w: Writer, xs: readonly Node[], tr: Tree): void {
  w.word(xs.length);
  for (const x of xs) encodeNode(w, x, tr);
}

/** A LIST node's fields: its count, the words its items take, its items. */
function encodeListBody(w: Writer, xs: readonly Node[], tr: Tree): void {
  w.word(xs.length);
  const spanAt = w.length;
  w.word(0);
  for (const x of xs) encodeNode(w, x, tr);
  w.words[spanAt] = w.length - spanAt - 1;
}

/** A node that may be absent: 0, or 1 and the node. */
function encodeOptional(w: Writer, n: Node | null, tr: Tree): void {
  if (n === null) w.word(0);
  else {
    w.word(1);
    encodeNode(w, n, tr);
  }
}

function encodeNode(w: Writer, n: Node, tr: Tree): void {
  if (n.tr !== tr || ++w.depth > MAX_DEPTH) throw new NotEncodable();
  encodeFields(w, n, tr);
  w.depth--;
}

function encodeFields(w: Writer, n: Node, tr: Tree): void {
  switch (n.type) {
    case "list":
      w.head(LIST, n.pos);
      encodeListBody(w, n.nodes, tr);
      return;
    case "text":
      w.head(TEXT, n.pos);
      // Most text is the file's own bytes at the node's position: kept as a length.
      if (tr.text.startsWith(n.text, n.pos)) {
        w.word(TEXT_SLICE);
        w.word(n.text.length);
      } else {
        w.word(TEXT_STRING);
        w.string(n.text);
      }
      return;
    case "comment":
      w.head(COMMENT, n.pos);
      w.string(n.text);
      return;
    case "action":
      w.head(ACTION, n.pos);
      w.word(n.line);
      encodeNode(w, n.pipe, tr);
      return;
    case "pipe":
      w.head(PIPE, n.pos);
      w.word(n.line);
      w.word(n.isAssign ? 1 : 0);
      encodeList(w, n.decl, tr);
      encodeList(w, n.cmds, tr);
      return;
    case "command":
      w.head(COMMAND, n.pos);
      encodeList(w, n.args, tr);
      return;
    case "identifier":
      w.head(IDENTIFIER, n.pos);
      w.string(n.ident);
      return;
    case "variable":
      w.head(VARIABLE, n.pos);
      w.stringList(n.ident);
      return;
    case "dot":
      w.head(DOT, n.pos);
      return;
    case "nil":
      w.head(NIL, n.pos);
      return;
    case "field":
      w.head(FIELD, n.pos);
      w.stringList(n.ident);
      return;
    case "chain":
      w.head(CHAIN, n.pos);
      encodeNode(w, n.node, tr);
      w.stringList(n.field);
      return;
    case "bool":
      w.head(BOOL, n.pos);
      w.word(n.value ? 1 : 0);
      return;
    case "number":
      w.head(NUMBER, n.pos);
      w.string(n.text);
      w.word((n.isInt ? 1 : 0) | (n.isUint ? 2 : 0) | (n.isFloat ? 4 : 0) | (n.isComplex ? 8 : 0));
      w.string(n.int64.toString());
      w.string(n.uint64.toString());
      w.string(floatText(n.float64));
      w.string(floatText(n.complex[0]));
      w.string(floatText(n.complex[1]));
      return;
    case "string":
      w.head(STRING, n.pos);
      if (n.quoted.length < 2 || !tr.text.startsWith(n.quoted, n.pos)) {
        w.word(STRING_TABLE);
        w.string(n.quoted);
        w.string(n.text);
      } else if (n.quoted.length - 2 === n.text.length && n.quoted.startsWith(n.text, 1)) {
        w.word(STRING_SLICE);
        w.word(n.quoted.length);
      } else {
        w.word(STRING_SLICE_TEXT);
        w.word(n.quoted.length);
        w.string(n.text);
      }
      return;
    case "if":
    case "range":
    case "with":
      w.head(BRANCH_KIND[n.type], n.pos);
      w.word(n.line);
      encodeNode(w, n.pipe, tr);
      encodeNode(w, n.list, tr);
      encodeOptional(w, n.elseList, tr);
      return;
    case "break":
      w.head(BREAK, n.pos);
      w.word(n.line);
      return;
    case "continue":
      w.head(CONTINUE, n.pos);
      w.word(n.line);
      return;
    case "template":
      w.head(TEMPLATE, n.pos);
      w.word(n.line);
      w.string(n.name);
      encodeOptional(w, n.pipe, tr);
      return;
    default:
      // end and else never stay in a finished tree.
      throw new NotEncodable();
  }
}

/** Thrown for data that is not an encoding of trees (the caller parses the text instead). */
export class TreeDecodeError extends Error {}

/**
 * The parses encodeParses encoded, over the texts they were parsed from (one per parse, in
 * order). Throws TreeDecodeError on bad data, or when the count of parses is not the count of texts.
 */
export function decodeParses(bytes: Uint8Array, texts: readonly string[]): ParsedText[] {
  if (bytes.length < 8 || bytes.length % 4 !== 0) throw new TreeDecodeError("not an encoding of trees");
  // Int32Array needs an aligned offset; Buffers cut from Node's pool may not have one.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const head = new Int32Array(aligned.buffer, aligned.byteOffset, 2);
  if (head[0] !== MAGIC) throw new TreeDecodeError("not an encoding of trees (or of another byte order)");
  const tableBytes = head[1]!;
  const wordsAt = 8 + ((tableBytes + 3) & ~3);
  if (tableBytes < 0 || wordsAt > aligned.length) throw new TreeDecodeError("string table past the end");
  let table: unknown;
  try {
    table = JSON.parse(Buffer.from(aligned.buffer, aligned.byteOffset + 8, tableBytes).toString("utf8"));
  } catch {
    throw new TreeDecodeError("bad string table");
  }
  if (!Array.isArray(table)) throw new TreeDecodeError("bad string table");
  for (const s of table) if (typeof s !== "string") throw new TreeDecodeError("bad string table");
  const words = new Int32Array(aligned.buffer, aligned.byteOffset + wordsAt, (aligned.length - wordsAt) / 4);
  const r = new Reader(words, table as string[]);
  const count = r.count();
  if (count !== texts.length) throw new TreeDecodeError("parses and texts differ in number");
  const out: ParsedText[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const functions = r.strings();
    const treeCount = r.count();
    const trees = new Map<string, Tree>();
    for (let t = 0; t < treeCount; t++) {
      const name = r.string();
      const parseName = r.string();
      const leftDelim = r.string();
      const rightDelim = r.string();
      const nestingBytes = r.word();
      if (nestingBytes < 0) throw new TreeDecodeError("bad nesting");
      const tree = { name, parseName, text: texts[i]!, leftDelim, rightDelim, nestingBytes } as Tree;
      r.tr = tree;
      tree.root = r.listNode();
      trees.set(name, tree);
    }
    out[i] = { trees, functions };
  }
  if (!r.atEnd()) throw new TreeDecodeError("data after the last parse");
  return out;
}

/**
 * The body of an if, range or with from a persisted parse, decoded at the first read of `nodes`
 * (walking it, printing it, testing it empty). Encoded like any list; a parsed body is a plain
 * ListNode, so exec's walk sees two shapes of list.
 */
class LazyListNode implements ListNode {
  readonly type = "list";
  private decoded: Node[] | undefined = undefined;

  constructor(
    readonly pos: number,
    readonly tr: Tree,
    private readonly source: Reader,
    /** index of the first item's first word */
    private readonly start: number,
    /** index past the last item's last word */
    private readonly end: number,
    private readonly count: number,
  ) {}

  get nodes(): Node[] {
    if (this.decoded === undefined)
      this.decoded = this.source.itemsAt(this.start, this.end, this.count, this.tr);
    return this.decoded;
  }
}

class Reader {
  private i = 0;
  private depth = 0;
  tr!: Tree;

  constructor(
    private readonly words: Int32Array,
    private readonly table: readonly string[],
  ) {}

  /** A list's word count: the index its items end at, checked to be in the data. */
  private span(): number {
    const n = this.word();
    if (n < 0 || n > this.words.length - this.i) throw new TreeDecodeError("bad list extent");
    return this.i + n;
  }

  private items(n: number): Node[] {
    const out: Node[] = new Array(n);
    for (let k = 0; k < n; k++) out[k] = this.node();
    return out;
  }

  /** A LazyListNode's items (from a reader of its own, so nesting is counted from the body). */
  itemsAt(start: number, end: number, count: number, tr: Tree): Node[] {
    const r = new Reader(this.words, this.table);
    r.i = start;
    r.tr = tr;
    const items = r.items(count);
    if (r.i !== end) throw new TreeDecodeError("a list's items do not take the words it says");
    return items;
  }

  atEnd(): boolean {
    return this.i === this.words.length;
  }

  word(): number {
    const x = this.words[this.i++];
    if (x === undefined) throw new TreeDecodeError("data ends early");
    return x;
  }

  /** A count of items that each take at least one word: never more than the words left. */
  count(): number {
    const n = this.word();
    if (n < 0 || n > this.words.length - this.i) throw new TreeDecodeError("bad count");
    return n;
  }

  string(): string {
    const s = this.table[this.word()];
    if (s === undefined) throw new TreeDecodeError("string index out of range");
    return s;
  }

  strings(): string[] {
    const n = this.count();
    const out: string[] = new Array(n);
    for (let k = 0; k < n; k++) out[k] = this.string();
    return out;
  }

  bigint(): bigint {
    const s = this.string();
    if (s === "0") return 0n;
    if (!INTEGER.test(s)) throw new TreeDecodeError("expected an integer");
    return BigInt(s);
  }

  float(): number {
    const s = this.string();
    const x = Number(s);
    if (Number.isNaN(x) && s !== "NaN") throw new TreeDecodeError("expected a number");
    return x;
  }

  list(): Node[] {
    const n = this.count();
    const out: Node[] = new Array(n);
    for (let k = 0; k < n; k++) out[k] = this.node();
    return out;
  }

  pipe(): PipeNode {
    const n = this.node();
    if (n.type !== "pipe") throw new TreeDecodeError("expected a pipeline");
    return n;
  }

  /** A tree's root or a branch's body: its extent now, its items when first read (LazyListNode). */
  listNode(): ListNode {
    if (++this.depth > MAX_DEPTH) throw new TreeDecodeError("nodes nested too deep");
    const head = this.word();
    if ((head & KIND_MASK) !== LIST || head < 0) throw new TreeDecodeError("expected a list");
    const pos = head >> KIND_BITS;
    const count = this.count();
    const end = this.span();
    const start = this.i;
    this.i = end;
    this.depth--;
    return new LazyListNode(pos, this.tr, this, start, end, count);
  }

  node(): Node {
    if (++this.depth > MAX_DEPTH) throw new TreeDecodeError("nodes nested too deep");
    const n = this.nodeAt();
    this.depth--;
    return n;
  }

  private nodeAt(): Node {
    const head = this.word();
    if (head < 0) throw new TreeDecodeError("bad position");
    const kind = head & KIND_MASK;
    const pos = head >> KIND_BITS;
    const tr = this.tr;
    switch (kind) {
      case LIST: {
        const count = this.count();
        const end = this.span();
        const nodes = this.items(count);
        if (this.i !== end) throw new TreeDecodeError("a list's items do not take the words it says");
        return { type: "list", nodes, pos, tr };
      }
      case TEXT: {
        const how = this.word();
        if (how === TEXT_STRING) return { type: "text", text: this.string(), pos, tr };
        if (how !== TEXT_SLICE) throw new TreeDecodeError("bad text node");
        const length = this.word();
        if (pos < 0 || length < 0 || pos + length > tr.text.length)
          throw new TreeDecodeError("text outside the file");
        return { type: "text", text: tr.text.slice(pos, pos + length), pos, tr };
      }
      case COMMENT:
        return { type: "comment", text: this.string(), pos, tr };
      case ACTION: {
        const line = this.word();
        return { type: "action", line, pipe: this.pipe(), pos, tr };
      }
      case PIPE: {
        const line = this.word();
        const isAssign = this.word() === 1;
        const decl = this.list() as VariableNode[];
        const cmds = this.list() as CommandNode[];
        return { type: "pipe", line, isAssign, decl, cmds, pos, tr };
      }
      case COMMAND:
        return { type: "command", args: this.list() as ArgNode[], pos, tr };
      case IDENTIFIER:
        return { type: "identifier", ident: this.string(), pos, tr };
      case VARIABLE:
        return { type: "variable", ident: this.strings(), pos, tr };
      case DOT:
        return { type: "dot", pos, tr };
      case NIL:
        return { type: "nil", pos, tr };
      case FIELD:
        return { type: "field", ident: this.strings(), pos, tr };
      case CHAIN: {
        const inner = this.node() as ArgNode;
        return { type: "chain", node: inner, field: this.strings(), pos, tr };
      }
      case BOOL:
        return { type: "bool", value: this.word() === 1, pos, tr };
      case NUMBER: {
        const text = this.string();
        const flags = this.word();
        const int64 = this.bigint();
        const uint64 = this.bigint();
        const float64 = this.float();
        const complex: [number, number] = [this.float(), this.float()];
        const node: NumberNode = {
          type: "number",
          text,
          isInt: (flags & 1) !== 0,
          isUint: (flags & 2) !== 0,
          isFloat: (flags & 4) !== 0,
          isComplex: (flags & 8) !== 0,
          int64,
          uint64,
          float64,
          complex,
          ideal: undefined,
          pos,
          tr,
        };
        return node;
      }
      case STRING: {
        const form = this.word();
        if (form === STRING_TABLE) {
          const quoted = this.string();
          return { type: "string", quoted, text: this.string(), pos, tr };
        }
        if (form !== STRING_SLICE && form !== STRING_SLICE_TEXT) throw new TreeDecodeError("bad string node");
        const length = this.word();
        if (pos < 0 || length < 2 || pos + length > tr.text.length)
          throw new TreeDecodeError("string outside the file");
        const quoted = tr.text.slice(pos, pos + length);
        const text = form === STRING_SLICE ? quoted.slice(1, -1) : this.string();
        return { type: "string", quoted, text, pos, tr };
      }
      case IF:
      case RANGE:
      case WITH: {
        const type = kind === IF ? "if" : kind === RANGE ? "range" : "with";
        const line = this.word();
        const pipe = this.pipe();
        const list = this.listNode();
        const elseList = this.optional() ? this.listNode() : null;
        const branch: BranchNode = { type, line, pipe, list, elseList, pos, tr };
        return branch;
      }
      case BREAK:
        return { type: "break", line: this.word(), pos, tr };
      case CONTINUE:
        return { type: "continue", line: this.word(), pos, tr };
      case TEMPLATE: {
        const line = this.word();
        const name = this.string();
        const pipe = this.optional() ? this.pipe() : null;
        return { type: "template", line, name, pipe, pos, tr };
      }
    }
    throw new TreeDecodeError(`unknown node kind ${kind}`);
  }

  private optional(): boolean {
    const present = this.word();
    if (present !== 0 && present !== 1) throw new TreeDecodeError("bad optional node");
    return present === 1;
  }
}

const INTEGER = /^-?\d+$/;
