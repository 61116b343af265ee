/**
 * Parsed template trees as plain JSON arrays and back, so that a chart's parse can be kept in
 * the persistent cache: a fresh process decodes kube-prometheus-stack's trees (1.6 MB of
 * template text) with JSON.parse and one walk instead of running the lexer and parser, which
 * V8 has not compiled yet in a new process (~200 ms cold against ~40 ms warm).
 *
 * Each node is an array `[kind, pos, …fields]`; the tree a node belongs to (`tr`) and the tree's
 * text are not stored: every node of a tree points to that tree (the encoder checks it), and the
 * text is the file's, which the caller has (a text node that is the file's text at its position is
 * stored as its length). Decoded nodes are built with the parser's property
 * order (parse.ts), so they share its object shapes and exec sees no new ones.
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

/** One file's trees in parse order: [name, parseName, leftDelim, rightDelim, root]. */
export type EncodedTrees = [string, string, string, string, unknown][];

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

/** A node the encoder cannot keep (a node of another tree): the parse is not cached. */
class NotEncodable extends Error {}

/** The trees of one parsed text, or undefined when they cannot be encoded faithfully. */
export function encodeTrees(trees: Map<string, Tree>): EncodedTrees | undefined {
  const out: EncodedTrees = [];
  try {
    for (const [name, tree] of trees) {
      out.push([name, tree.parseName, tree.leftDelim, tree.rightDelim, encodeNode(tree.root, tree)]);
    }
  } catch (e) {
    if (e instanceof NotEncodable) return undefined;
    throw e;
  }
  return out;
}

/** -0, NaN and ±Infinity do not survive JSON as numbers. */
function encodeFloat(x: number): number | string {
  if (Object.is(x, -0)) return "-0"; // String(-0) is "0"
  return Number.isFinite(x) ? x : String(x);
}

function decodeFloat(x: unknown): number {
  return typeof x === "string" ? Number(x) : (x as number);
}

function encodeNode(n: Node | null, tr: Tree): unknown {
  if (n === null) return null;
  if (n.tr !== tr) throw new NotEncodable();
  const list = (xs: Node[]) => xs.map((x) => encodeNode(x, tr));
  switch (n.type) {
    case "list":
      return [LIST, n.pos, list(n.nodes)];
    case "text":
      // Most text is the file's own bytes at the node's position: kept as a length.
      return [TEXT, n.pos, tr.text.startsWith(n.text, n.pos) ? n.text.length : n.text];
    case "comment":
      return [COMMENT, n.pos, n.text];
    case "action":
      return [ACTION, n.pos, n.line, encodeNode(n.pipe, tr)];
    case "pipe":
      return [PIPE, n.pos, n.line, n.isAssign ? 1 : 0, list(n.decl), list(n.cmds)];
    case "command":
      return [COMMAND, n.pos, list(n.args)];
    case "identifier":
      return [IDENTIFIER, n.pos, n.ident];
    case "variable":
      return [VARIABLE, n.pos, n.ident];
    case "dot":
      return [DOT, n.pos];
    case "nil":
      return [NIL, n.pos];
    case "field":
      return [FIELD, n.pos, n.ident];
    case "chain":
      return [CHAIN, n.pos, encodeNode(n.node, tr), n.field];
    case "bool":
      return [BOOL, n.pos, n.value ? 1 : 0];
    case "number": {
      const flags = (n.isInt ? 1 : 0) | (n.isUint ? 2 : 0) | (n.isFloat ? 4 : 0) | (n.isComplex ? 8 : 0);
      return [
        NUMBER,
        n.pos,
        n.text,
        flags,
        n.int64.toString(),
        n.uint64.toString(),
        encodeFloat(n.float64),
        encodeFloat(n.complex[0]),
        encodeFloat(n.complex[1]),
      ];
    }
    case "string":
      return [STRING, n.pos, n.quoted, n.text];
    case "if":
    case "range":
    case "with":
      return [
        BRANCH_KIND[n.type],
        n.pos,
        n.line,
        encodeNode(n.pipe, tr),
        encodeNode(n.list, tr),
        encodeNode(n.elseList, tr),
      ];
    case "break":
      return [BREAK, n.pos, n.line];
    case "continue":
      return [CONTINUE, n.pos, n.line];
    case "template":
      return [TEMPLATE, n.pos, n.line, n.name, encodeNode(n.pipe, tr)];
    default:
      // end and else never stay in a finished tree.
      throw new NotEncodable();
  }
}

/** Thrown for data that is not an encoding of trees (the caller parses the text instead). */
export class TreeDecodeError extends Error {}

/** The trees encodeTrees encoded, over the file's text. Throws TreeDecodeError on bad data. */
export function decodeTrees(encoded: unknown, text: string): Map<string, Tree> {
  if (!Array.isArray(encoded)) throw new TreeDecodeError("not a list of trees");
  const trees = new Map<string, Tree>();
  for (const entry of encoded) {
    if (!Array.isArray(entry) || entry.length !== 5) throw new TreeDecodeError("bad tree");
    const [name, parseName, leftDelim, rightDelim, root] = entry as [string, string, string, string, unknown];
    if (typeof name !== "string" || typeof parseName !== "string") throw new TreeDecodeError("bad tree");
    if (typeof leftDelim !== "string" || typeof rightDelim !== "string")
      throw new TreeDecodeError("bad tree");
    const tree = { name, parseName, text, leftDelim, rightDelim } as Tree;
    const node = new Decoder(tree).node(root);
    if (node === null || node.type !== "list") throw new TreeDecodeError("a tree's root is not a list");
    tree.root = node;
    trees.set(name, tree);
  }
  return trees;
}

class Decoder {
  constructor(private readonly tr: Tree) {}

  list(xs: unknown): Node[] {
    if (!Array.isArray(xs)) throw new TreeDecodeError("bad node list");
    const out: Node[] = new Array(xs.length);
    for (let i = 0; i < xs.length; i++) {
      const n = this.node(xs[i]);
      if (n === null) throw new TreeDecodeError("null in a node list");
      out[i] = n;
    }
    return out;
  }

  strings(xs: unknown): string[] {
    if (!Array.isArray(xs)) throw new TreeDecodeError("bad names");
    for (let i = 0; i < xs.length; i++) if (typeof xs[i] !== "string") throw new TreeDecodeError("bad names");
    return xs as string[];
  }

  pipe(x: unknown): PipeNode {
    const n = this.node(x);
    if (n === null || n.type !== "pipe") throw new TreeDecodeError("expected a pipeline");
    return n;
  }

  listNode(x: unknown): ListNode {
    const n = this.node(x);
    if (n === null || n.type !== "list") throw new TreeDecodeError("expected a list");
    return n;
  }

  node(x: unknown): Node | null {
    if (x === null) return null;
    if (!Array.isArray(x) || typeof x[0] !== "number" || typeof x[1] !== "number")
      throw new TreeDecodeError("bad node");
    const pos = x[1] as number;
    const tr = this.tr;
    switch (x[0]) {
      case LIST:
        return { type: "list", nodes: this.list(x[2]), pos, tr };
      case TEXT: {
        const t = x[2];
        if (typeof t !== "number") return { type: "text", text: str(t), pos, tr };
        if (pos < 0 || pos + t > tr.text.length) throw new TreeDecodeError("text outside the file");
        return { type: "text", text: tr.text.slice(pos, pos + t), pos, tr };
      }
      case COMMENT:
        return { type: "comment", text: str(x[2]), pos, tr };
      case ACTION:
        return { type: "action", line: num(x[2]), pipe: this.pipe(x[3]), pos, tr };
      case PIPE:
        return {
          type: "pipe",
          line: num(x[2]),
          isAssign: x[3] === 1,
          decl: this.list(x[4]) as VariableNode[],
          cmds: this.list(x[5]) as CommandNode[],
          pos,
          tr,
        };
      case COMMAND:
        return { type: "command", args: this.list(x[2]) as ArgNode[], pos, tr };
      case IDENTIFIER:
        return { type: "identifier", ident: str(x[2]), pos, tr };
      case VARIABLE:
        return { type: "variable", ident: this.strings(x[2]), pos, tr };
      case DOT:
        return { type: "dot", pos, tr };
      case NIL:
        return { type: "nil", pos, tr };
      case FIELD:
        return { type: "field", ident: this.strings(x[2]), pos, tr };
      case CHAIN: {
        const inner = this.node(x[2]);
        if (inner === null) throw new TreeDecodeError("chain without an operand");
        return { type: "chain", node: inner as ArgNode, field: this.strings(x[3]), pos, tr };
      }
      case BOOL:
        return { type: "bool", value: x[2] === 1, pos, tr };
      case NUMBER: {
        const flags = num(x[3]);
        const node: NumberNode = {
          type: "number",
          text: str(x[2]),
          isInt: (flags & 1) !== 0,
          isUint: (flags & 2) !== 0,
          isFloat: (flags & 4) !== 0,
          isComplex: (flags & 8) !== 0,
          int64: bigint(x[4]),
          uint64: bigint(x[5]),
          float64: decodeFloat(x[6]),
          complex: [decodeFloat(x[7]), decodeFloat(x[8])],
          ideal: undefined,
          pos,
          tr,
        };
        return node;
      }
      case STRING:
        return { type: "string", quoted: str(x[2]), text: str(x[3]), pos, tr };
      case IF:
      case RANGE:
      case WITH: {
        const type = x[0] === IF ? "if" : x[0] === RANGE ? "range" : "with";
        const pipe = this.pipe(x[3]);
        const list = this.listNode(x[4]);
        const elseList = x[5] === null ? null : this.listNode(x[5]);
        const branch: BranchNode = { type, line: num(x[2]), pipe, list, elseList, pos, tr };
        return branch;
      }
      case BREAK:
        return { type: "break", line: num(x[2]), pos, tr };
      case CONTINUE:
        return { type: "continue", line: num(x[2]), pos, tr };
      case TEMPLATE:
        return {
          type: "template",
          line: num(x[2]),
          name: str(x[3]),
          pipe: x[4] === null ? null : this.pipe(x[4]),
          pos,
          tr,
        };
    }
    throw new TreeDecodeError(`unknown node kind ${String(x[0])}`);
  }
}

function str(x: unknown): string {
  if (typeof x !== "string") throw new TreeDecodeError("expected a string");
  return x;
}

function num(x: unknown): number {
  if (typeof x !== "number") throw new TreeDecodeError("expected a number");
  return x;
}

const INTEGER = /^-?\d+$/;

function bigint(x: unknown): bigint {
  if (x === "0") return 0n;
  if (typeof x !== "string" || !INTEGER.test(x)) throw new TreeDecodeError("expected an integer");
  return BigInt(x);
}
