// A frozen copy of src/helm/template/parse.ts as of 8f3b384, for parser-equivalence.test.ts only: do not edit.
/**
 * The parser of Go's text/template (text/template/parse/parse.go, Go 1.25): items → trees,
 * one per file plus one per {{define}}/{{block}}. It fails exactly where Go fails, with
 * Go's text (`template: NAME:LINE: MSG`): unknown functions (the caller says which names
 * exist), undefined variables, `break`/`continue` outside `range`, unexpected tokens,
 * unclosed actions, two non-empty definitions of one name in one text.
 *
 * Like Go, a {{define}} or {{block}} body is parsed by a fresh parser sharing the lexer:
 * its own three-token lookahead, no outer variables, no enclosing range.
 */
import { parseError } from "../../../../src/helm/template/errors.js";
import type {
  ArgNode,
  BranchNode,
  CommandNode,
  ElseNode,
  EndNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  Tree,
  VariableNode,
} from "../../../../src/helm/template/node.js";
import { isEmptyTree, nodeString } from "../../../../src/helm/template/node.js";
import { readNumber } from "../../../../src/helm/template/parse-number.js";
import { quote, unquote } from "../../../../src/helm/template/quote.js";
import { bytesLeft, LEVEL_BYTES, stackLimitMessage } from "../../../../src/helm/template/stack-budget.js";
import { type Item, ItemType, itemString, Lexer } from "./lex.js";

export interface ParseOptions {
  leftDelim?: string;
  rightDelim?: string;
  /** Does a function of this name exist (the set's functions and Go's builtins)? */
  hasFunction: (name: string) => boolean;
  /** Keep {{/* comments *\/}} as nodes. */
  parseComments?: boolean;
}

/** Nesting limit for parenthesized pipelines (Go's maxStackDepth). */
const MAX_STACK_DEPTH = 10000;

/**
 * The parser's recursion, shared by a text's parser and its define/block sub-parsers: control
 * and block bodies and parenthesized pipelines, at most `max` deep (stack-budget.ts).
 */
interface Nesting {
  depth: number;
  readonly max: number;
}

class Parser {
  readonly tree: Tree;
  private lex: Lexer;
  private readonly token: Item[] = [EOF_ITEM, EOF_ITEM, EOF_ITEM];
  private peekCount = 0;
  private vars: string[] = ["$"];
  private readonly treeSet: Map<string, Tree>;
  private actionLine = 0;
  private rangeDepth = 0;
  private stackDepth = 0;
  private readonly opts: ParseOptions;
  private readonly nesting: Nesting;
  /** nesting.depth where this parser's tree starts, and the deepest level within the tree. */
  private readonly baseDepth: number;
  private maxDepth = 0;

  constructor(tree: Tree, lex: Lexer, treeSet: Map<string, Tree>, opts: ParseOptions, nesting: Nesting) {
    this.tree = tree;
    this.lex = lex;
    this.treeSet = treeSet;
    this.opts = opts;
    this.nesting = nesting;
    this.baseDepth = nesting.depth;
  }

  /**
   * Enters one more level of recursion, or fails before the stack could run out (Go's stack
   * grows, and it limits only parentheses, at MAX_STACK_DEPTH; V8's is fixed).
   */
  enter(): void {
    const depth = ++this.nesting.depth;
    if (depth > this.nesting.max) this.errorf(stackLimitMessage("blocks and parenthesized pipelines"));
    if (depth - this.baseDepth > this.maxDepth) this.maxDepth = depth - this.baseDepth;
  }

  // ---- tokens ----

  next(): Item {
    const n = this.peekCount;
    if (n > 0) {
      this.peekCount = n - 1;
      return this.token[n - 1]!;
    }
    const token = this.lex.nextItem();
    this.token[0] = token;
    return token;
  }

  backup(): void {
    this.peekCount++;
  }

  backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  peek(): Item {
    const n = this.peekCount;
    if (n > 0) return this.token[n - 1]!;
    this.peekCount = 1;
    const token = this.lex.nextItem();
    this.token[0] = token;
    return token;
  }

  // ---- errors ----

  errorf(msg: string): never {
    throw parseError(this.tree.parseName, this.token[0]!.line, msg);
  }

  expect(expected: ItemType, context: string): Item {
    const token = this.next();
    if (token.typ !== expected) this.unexpected(token, context);
    return token;
  }

  expectOneOf(a: ItemType, b: ItemType, context: string): Item {
    const token = this.next();
    if (token.typ !== a && token.typ !== b) this.unexpected(token, context);
    return token;
  }

  unexpected(token: Item, context: string): never {
    if (token.typ === ItemType.Error) {
      let extra = "";
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.tree.parseName}:${this.actionLine}`;
        if (token.val.endsWith(" action")) extra = extra.slice(" in action".length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  // ---- nodes ----

  newList(pos: number): ListNode {
    return { type: "list", nodes: [], pos: pos, tr: this.tree };
  }

  newVariable(pos: number, ident: string): VariableNode {
    return { type: "variable", ident: ident.split("."), pos: pos, tr: this.tree };
  }

  // ---- grammar ----

  /** Top level: text, actions and {{define}}s to EOF. */
  parse(): void {
    this.tree.root = this.newList(this.peek().pos);
    while (this.peek().typ !== ItemType.EOF) {
      if (this.peek().typ === ItemType.LeftDelim) {
        const delim = this.next();
        if (this.next().typ === ItemType.Define) {
          const sub = this.subParser("definition");
          sub.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === "end" || n.type === "else") this.errorf(`unexpected ${nodeString(n)}`);
      this.tree.root.nodes.push(n);
    }
  }

  /** A parser for a define/block body: same lexer and tree set, fresh state. */
  subParser(name: string): Parser {
    const t = newTree(name, this.tree.parseName, this.tree.text, this.tree.leftDelim, this.tree.rightDelim);
    return new Parser(t, this.lex, this.treeSet, this.opts, this.nesting);
  }

  parseDefinition(): void {
    const context = "define clause";
    const name = this.expectOneOf(ItemType.String, ItemType.RawString, context);
    const unquoted = unquote(name.val);
    if (unquoted === undefined) this.errorf("invalid syntax");
    this.tree.name = unquoted;
    this.expect(ItemType.RightDelim, context);
    const [list, end] = this.itemList();
    this.tree.root = list;
    if (end.type !== "end") this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add();
  }

  /** Adds the tree to the set; two non-empty definitions of a name in one parse are an error. */
  add(): void {
    // What the executor will nest within the tree: the levels the parser entered (same units).
    this.tree.nestingBytes = this.maxDepth * LEVEL_BYTES;
    const existing = this.treeSet.get(this.tree.name);
    if (existing === undefined || isEmptyTree(existing.root)) {
      this.treeSet.set(this.tree.name, this.tree);
      return;
    }
    if (!isEmptyTree(this.tree.root))
      this.errorf(`template: multiple definition of template ${quote(this.tree.name)}`);
  }

  /** textOrAction* up to {{end}} or {{else}}, returned separately. */
  itemList(): [ListNode, EndNode | ElseNode] {
    const list = this.newList(this.peek().pos);
    while (this.peek().typ !== ItemType.EOF) {
      const n = this.textOrAction();
      if (n.type === "end" || n.type === "else") return [list, n];
      list.nodes.push(n);
    }
    this.errorf("unexpected EOF");
  }

  textOrAction(): Node {
    const token = this.next();
    switch (token.typ) {
      case ItemType.Text:
        return { type: "text", text: token.val, pos: token.pos, tr: this.tree };
      case ItemType.LeftDelim:
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      case ItemType.Comment:
        return { type: "comment", text: token.val, pos: token.pos, tr: this.tree };
      default:
        this.unexpected(token, "input");
    }
  }

  action(): Node {
    const token = this.next();
    switch (token.typ) {
      case ItemType.Block:
        return this.blockControl();
      case ItemType.Break:
        return this.breakOrContinue("break", token);
      case ItemType.Continue:
        return this.breakOrContinue("continue", token);
      case ItemType.Else:
        return this.elseControl();
      case ItemType.End:
        return { type: "end", pos: this.expect(ItemType.RightDelim, "end").pos, tr: this.tree };
      case ItemType.If:
        return this.parseControl("if");
      case ItemType.Range:
        return this.parseControl("range");
      case ItemType.Template:
        return this.templateControl();
      case ItemType.With:
        return this.parseControl("with");
    }
    this.backup();
    const t = this.peek();
    // Variables are not popped: they persist until "end".
    return {
      type: "action",
      line: t.line,
      pipe: this.pipeline("command", ItemType.RightDelim),
      pos: t.pos,
      tr: this.tree,
    };
  }

  breakOrContinue(kind: "break" | "continue", token: Item): Node {
    const next = this.next();
    if (next.typ !== ItemType.RightDelim) this.unexpected(next, `{{${kind}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${kind}}} outside {{range}}`);
    return { type: kind, line: token.line, pos: token.pos, tr: this.tree };
  }

  pipeline(context: string, end: ItemType): PipeNode {
    const token = this.peek();
    const pipe: PipeNode = {
      type: "pipe",
      line: token.line,
      isAssign: false,
      decl: [],
      cmds: [],
      pos: token.pos,
      tr: this.tree,
    };
    // Declarations or assignments?
    for (;;) {
      const v = this.peek();
      if (v.typ !== ItemType.Variable) break;
      this.next();
      const next = this.peek();
      if (next.typ === ItemType.Assign || next.typ === ItemType.Declare) {
        pipe.isAssign = next.typ === ItemType.Assign;
        this.next();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
      } else if (next.typ === ItemType.Char && next.val === ",") {
        this.next();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === "range" && pipe.decl.length < 2) {
          const p = this.peek().typ;
          if (p === ItemType.Variable || p === ItemType.RightDelim || p === ItemType.RightParen) continue;
          this.errorf("range can only initialize variables");
        }
        this.errorf(`too many declarations in ${context}`);
      } else {
        // The item after the variable keeps its `spaced`: Go pushes back the space item too.
        this.backup2(v);
      }
      break;
    }
    for (;;) {
      const token = this.next();
      switch (token.typ) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case ItemType.Bool:
        case ItemType.CharConstant:
        case ItemType.Complex:
        case ItemType.Dot:
        case ItemType.Field:
        case ItemType.Identifier:
        case ItemType.Number:
        case ItemType.Nil:
        case ItemType.RawString:
        case ItemType.String:
        case ItemType.Variable:
        case ItemType.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    for (let i = 1; i < pipe.cmds.length; i++) {
      switch (pipe.cmds[i]!.args[0]!.type) {
        case "bool":
        case "dot":
        case "nil":
        case "number":
        case "string":
          this.errorf(`non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  parseControl(context: "if" | "range" | "with"): BranchNode {
    const mark = this.vars.length;
    this.enter();
    try {
      const pipe = this.pipeline(context, ItemType.RightDelim);
      if (context === "range") this.rangeDepth++;
      const [list, first] = this.itemList();
      let next = first;
      if (context === "range") this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.type === "else") {
        // {{else if …}} and {{else with …}} are {{else}}{{if …}}…{{end}}{{end}} with the
        // inner {{end}} shared: parse the inner control, which consumes the one {{end}}.
        if (context === "if" && this.peek().typ === ItemType.If) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.parseControl("if"));
        } else if (context === "with" && this.peek().typ === ItemType.With) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.parseControl("with"));
        } else {
          [elseList, next] = this.itemList();
          if (next.type !== "end") this.errorf(`expected end; found ${nodeString(next)}`);
        }
      }
      return { type: context, line: pipe.line, pipe, list, elseList, pos: pipe.pos, tr: this.tree };
    } finally {
      this.vars.length = mark;
      this.nesting.depth--;
    }
  }

  elseControl(): ElseNode {
    const peek = this.peek();
    // {{else if …}} / {{else with …}}: return the else, leaving the keyword pending.
    if (peek.typ === ItemType.If || peek.typ === ItemType.With) {
      return { type: "else", line: peek.line, pos: peek.pos, tr: this.tree };
    }
    const token = this.expect(ItemType.RightDelim, "else");
    return { type: "else", line: token.line, pos: token.pos, tr: this.tree };
  }

  blockControl(): TemplateNode {
    const context = "block clause";
    const token = this.next();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, ItemType.RightDelim);
    const block = this.subParser(name);
    this.enter();
    const [list, end] = block.itemList();
    this.nesting.depth--;
    block.tree.root = list;
    if (end.type !== "end") this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    block.add();
    return { type: "template", line: token.line, name, pipe, pos: token.pos, tr: this.tree };
  }

  templateControl(): TemplateNode {
    const context = "template clause";
    const token = this.next();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.next().typ !== ItemType.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, ItemType.RightDelim);
    }
    return { type: "template", line: token.line, name, pipe, pos: token.pos, tr: this.tree };
  }

  parseTemplateName(token: Item, context: string): string {
    if (token.typ === ItemType.String || token.typ === ItemType.RawString) {
      const s = unquote(token.val);
      if (s === undefined) this.errorf("invalid syntax");
      return s;
    }
    this.unexpected(token, context);
  }

  /** operand (space operand)* up to a pipe symbol or the end of the action. */
  command(): CommandNode {
    const cmd: CommandNode = { type: "command", args: [], pos: this.peek().pos, tr: this.tree };
    for (;;) {
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.spaced) {
        // Go's itemSpace here: consumed (the flag), then the item after it is read again.
        token.spaced = false;
        this.backup();
        continue;
      }
      if (token.typ === ItemType.RightDelim || token.typ === ItemType.RightParen) this.backup();
      else if (token.typ !== ItemType.Pipe) this.unexpected(token, "operand");
      break;
    }
    if (cmd.args.length === 0) this.errorf("empty command");
    return cmd;
  }

  /** term .Field* */
  operand(): ArgNode | null {
    const node = this.term();
    if (node === null) return null;
    // A field right after the term (no space between) continues it.
    const after = this.peek();
    if (after.typ === ItemType.Field && !after.spaced) {
      const chainPos = after.pos;
      const fields: string[] = [];
      for (let t = after; t.typ === ItemType.Field && !t.spaced; t = this.peek())
        fields.push(this.next().val.slice(1));
      switch (node.type) {
        case "field":
          return { type: "field", ident: [...node.ident, ...fields], pos: chainPos, tr: this.tree };
        case "variable":
          return { type: "variable", ident: [...node.ident, ...fields], pos: chainPos, tr: this.tree };
        case "bool":
        case "string":
        case "number":
        case "nil":
        case "dot":
          this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
      }
      return { type: "chain", node, field: fields, pos: chainPos, tr: this.tree };
    }
    return node;
  }

  term(): ArgNode | null {
    const token = this.next();
    switch (token.typ) {
      case ItemType.Identifier:
        if (!this.opts.hasFunction(token.val)) this.errorf(`function ${quote(token.val)} not defined`);
        return { type: "identifier", ident: token.val, pos: token.pos, tr: this.tree };
      case ItemType.Dot:
        return { type: "dot", pos: token.pos, tr: this.tree };
      case ItemType.Nil:
        return { type: "nil", pos: token.pos, tr: this.tree };
      case ItemType.Variable:
        return this.useVar(token.pos, token.val);
      case ItemType.Field:
        return { type: "field", ident: token.val.slice(1).split("."), pos: token.pos, tr: this.tree };
      case ItemType.Bool:
        return { type: "bool", value: token.val === "true", pos: token.pos, tr: this.tree };
      case ItemType.CharConstant:
      case ItemType.Complex:
      case ItemType.Number: {
        const kind =
          token.typ === ItemType.CharConstant
            ? "char"
            : token.typ === ItemType.Complex
              ? "complex"
              : "number";
        const n = readNumber(token.val, kind);
        if (typeof n === "string") this.errorf(n);
        const node: NumberNode = {
          type: "number",
          text: token.val,
          isInt: n.isInt,
          isUint: n.isUint,
          isFloat: n.isFloat,
          isComplex: n.isComplex,
          int64: n.int64,
          uint64: n.uint64,
          float64: n.float64,
          complex: n.complex,
          ideal: undefined,
          pos: token.pos,
          tr: this.tree,
        };
        return node;
      }
      case ItemType.LeftParen: {
        if (this.stackDepth >= MAX_STACK_DEPTH) this.errorf("max expression depth exceeded");
        this.enter();
        this.stackDepth++;
        try {
          return this.pipeline("parenthesized pipeline", ItemType.RightParen);
        } finally {
          this.stackDepth--;
          this.nesting.depth--;
        }
      }
      case ItemType.String:
      case ItemType.RawString: {
        const s = unquote(token.val);
        if (s === undefined) this.errorf("invalid syntax");
        return { type: "string", quoted: token.val, text: s, pos: token.pos, tr: this.tree };
      }
    }
    this.backup();
    return null;
  }

  useVar(pos: number, name: string): VariableNode {
    const v = this.newVariable(pos, name);
    if (!this.vars.includes(v.ident[0]!)) this.errorf(`undefined variable ${quote(v.ident[0]!)}`);
    return v;
  }
}

function newTree(name: string, parseName: string, text: string, leftDelim: string, rightDelim: string): Tree {
  const tree = { name, parseName, text, leftDelim, rightDelim, nestingBytes: -1 } as Tree;
  tree.root = { type: "list", nodes: [], pos: 0, tr: tree };
  return tree;
}

const EOF_ITEM: Item = { typ: ItemType.EOF, pos: 0, val: "EOF", line: 0, spaced: false };

/**
 * parse.Parse: the trees defined by one text — the text's own body under `name` (always
 * present) and each {{define}}/{{block}} under its name. Throws TemplateError.
 */
export function parseText(name: string, text: string, opts: ParseOptions): Map<string, Tree> {
  const treeSet = new Map<string, Tree>();
  const left = opts.leftDelim || "{{";
  const right = opts.rightDelim || "}}";
  const lex = new Lexer(name, text, left, right);
  lex.options = {
    emitComment: opts.parseComments === true,
    breakOK: !opts.hasFunction("break"),
    continueOK: !opts.hasFunction("continue"),
  };
  const tree = newTree(name, name, text, left, right);
  // Within a tpl the parse runs on top of the executions that called it: it gets what they left.
  const nesting: Nesting = { depth: 0, max: Math.floor(bytesLeft() / LEVEL_BYTES) };
  const p = new Parser(tree, lex, treeSet, opts, nesting);
  p.parse();
  p.add();
  return treeSet;
}
