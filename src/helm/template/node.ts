/**
 * Parse-tree nodes of Go's text/template (text/template/parse/node.go, Go 1.25). Every node
 * records its position (a UTF-16 offset into its tree's text) and its tree, so execution
 * errors can name the template file, line and column without rescanning messages.
 * `nodeString` reproduces Go's Node.String(), which error messages quote (`at <.Values.x>`).
 */
import { utf8Length } from "./gostring.js";
import { quote } from "./quote.js";
import type { GoValue } from "./value.js";

/** A parsed template: one file's body or one {{define}}/{{block}}. */
export interface Tree {
  /** Name of the template (the file name, or the define's name). */
  name: string;
  /** Name of the top-level template being parsed when this tree was made (the file), for errors. */
  parseName: string;
  root: ListNode;
  /** The full text parsed (the file's), which positions index into. */
  text: string;
  leftDelim: string;
  rightDelim: string;
  /**
   * Stack bytes the executor may nest within this tree (stack-budget.ts), -1 until computed. Set
   * at creation so that every tree has one shape: exec reads trees at every template call.
   */
  nestingBytes: number;
}

interface Base {
  pos: number;
  tr: Tree;
}

export interface ListNode extends Base {
  type: "list";
  nodes: Node[];
}
export interface TextNode extends Base {
  type: "text";
  text: string;
}
export interface CommentNode extends Base {
  type: "comment";
  text: string;
}
export interface PipeNode extends Base {
  type: "pipe";
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface ActionNode extends Base {
  type: "action";
  line: number;
  pipe: PipeNode;
}
export interface CommandNode extends Base {
  type: "command";
  args: ArgNode[];
}
export interface IdentifierNode extends Base {
  type: "identifier";
  ident: string;
}
export interface VariableNode extends Base {
  type: "variable";
  /** Variable name (with `$`) followed by field names. */
  ident: string[];
}
export interface DotNode extends Base {
  type: "dot";
}
export interface NilNode extends Base {
  type: "nil";
}
export interface FieldNode extends Base {
  type: "field";
  ident: string[];
}
export interface ChainNode extends Base {
  type: "chain";
  node: ArgNode;
  field: string[];
}
export interface BoolNode extends Base {
  type: "bool";
  value: boolean;
}
export interface NumberNode extends Base {
  type: "number";
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  complex: [number, number];
  text: string;
  /** The constant as an untyped operand (exec's idealConstant), computed on first use. */
  ideal?: GoValue;
}
export interface StringNode extends Base {
  type: "string";
  quoted: string;
  text: string;
}
export interface EndNode extends Base {
  type: "end";
}
export interface ElseNode extends Base {
  type: "else";
  line: number;
}
export interface BranchNode extends Base {
  type: "if" | "range" | "with";
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface BreakNode extends Base {
  type: "break";
  line: number;
}
export interface ContinueNode extends Base {
  type: "continue";
  line: number;
}
export interface TemplateNode extends Base {
  type: "template";
  line: number;
  name: string;
  pipe: PipeNode | null;
}

/** Operands of a command. */
export type ArgNode =
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export type Node =
  | ListNode
  | TextNode
  | CommentNode
  | ActionNode
  | BranchNode
  | BreakNode
  | ContinueNode
  | TemplateNode
  | EndNode
  | ElseNode
  | CommandNode
  | ArgNode;

/** Go's Node.String(): the node as template source. */
export function nodeString(n: Node): string {
  const out: string[] = [];
  writeNode(n, out);
  return out.join("");
}

function writeNode(n: Node, out: string[]): void {
  switch (n.type) {
    case "list":
      for (const c of n.nodes) writeNode(c, out);
      return;
    case "text":
      out.push(n.text);
      return;
    case "comment":
      out.push(n.tr.leftDelim, n.text, n.tr.rightDelim);
      return;
    case "pipe":
      if (n.decl.length > 0) {
        n.decl.forEach((v, i) => {
          if (i > 0) out.push(", ");
          writeNode(v, out);
        });
        out.push(n.isAssign ? " = " : " := ");
      }
      n.cmds.forEach((c, i) => {
        if (i > 0) out.push(" | ");
        writeNode(c, out);
      });
      return;
    case "action":
      out.push(n.tr.leftDelim);
      writeNode(n.pipe, out);
      out.push(n.tr.rightDelim);
      return;
    case "command":
      n.args.forEach((a, i) => {
        if (i > 0) out.push(" ");
        if (a.type === "pipe") {
          out.push("(");
          writeNode(a, out);
          out.push(")");
        } else writeNode(a, out);
      });
      return;
    case "identifier":
      out.push(n.ident);
      return;
    case "variable":
      out.push(n.ident.join("."));
      return;
    case "dot":
      out.push(".");
      return;
    case "nil":
      out.push("nil");
      return;
    case "field":
      for (const id of n.ident) out.push(".", id);
      return;
    case "chain":
      if (n.node.type === "pipe") {
        out.push("(");
        writeNode(n.node, out);
        out.push(")");
      } else writeNode(n.node, out);
      for (const f of n.field) out.push(".", f);
      return;
    case "bool":
      out.push(n.value ? "true" : "false");
      return;
    case "number":
      out.push(n.text);
      return;
    case "string":
      out.push(n.quoted);
      return;
    case "end":
      out.push(n.tr.leftDelim, "end", n.tr.rightDelim);
      return;
    case "else":
      out.push(n.tr.leftDelim, "else", n.tr.rightDelim);
      return;
    case "if":
    case "range":
    case "with":
      out.push(n.tr.leftDelim, n.type, " ");
      writeNode(n.pipe, out);
      out.push(n.tr.rightDelim);
      writeNode(n.list, out);
      if (n.elseList) {
        out.push(n.tr.leftDelim, "else", n.tr.rightDelim);
        writeNode(n.elseList, out);
      }
      out.push(n.tr.leftDelim, "end", n.tr.rightDelim);
      return;
    case "break":
    case "continue":
      out.push(n.tr.leftDelim, n.type, n.tr.rightDelim);
      return;
    case "template":
      out.push(n.tr.leftDelim, "template ", quote(n.name));
      if (n.pipe) {
        out.push(" ");
        writeNode(n.pipe, out);
      }
      out.push(n.tr.rightDelim);
      return;
  }
}

/** parse.IsEmptyTree: only space and comments (such a body does not replace a template). */
export function isEmptyTree(n: Node | null): boolean {
  if (n === null) return true;
  switch (n.type) {
    case "comment":
      return true;
    case "list":
      return n.nodes.every(isEmptyTree);
    case "text":
      return goTrimSpace(n.text).length === 0;
    default:
      return false;
  }
}

/** bytes.TrimSpace: Unicode white space (Go's unicode.IsSpace). */
function goTrimSpace(s: string): string {
  return s
    .replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/, "")
    .replace(/[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/, "");
}

/** Line and byte column of a position, as Go's Tree.ErrorContext computes them. */
export function positionOf(tr: Tree, pos: number): { line: number; column: number } {
  const before = tr.text.slice(0, pos);
  const nl = before.lastIndexOf("\n");
  let line = 1;
  for (let i = before.indexOf("\n"); i >= 0; i = before.indexOf("\n", i + 1)) line++;
  // Go: byteNum = pos on the first line, else bytes since the newline.
  const lineStart = before.slice(nl + 1);
  return { line, column: utf8Length(lineStart) };
}

/** Go's Tree.ErrorContext: "NAME:LINE:COL" and the node's source text. */
export function errorContext(n: Node): { location: string; line: number; column: number; context: string } {
  const { line, column } = positionOf(n.tr, n.pos);
  return { location: `${n.tr.parseName}:${line}:${column}`, line, column, context: nodeString(n) };
}
