/**
 * How deep the template engine may nest on the JavaScript stack, counted before it recurses.
 *
 * Go's stack grows to 1 GB, so text/template needs no such count. V8's is fixed (~984 KB unless
 * node runs with --stack-size), and running out of it is not always a catchable RangeError: when
 * V8 compiles a regexp (lazily, on its first run and again when it tiers up) with the stack
 * nearly gone, it aborts the whole process ("RegExpCompiler Allocation failed - process out of
 * memory"). So the parser and the executor must never recurse until the stack overflows and
 * catch it; they charge each level's worst-case stack bytes to a budget and fail cleanly when
 * the budget is spent, long before the stack is.
 *
 * The costs are per level, measured in node 20's interpreter (frames are largest before the JIT
 * optimizes them) and rounded up: the bytes one more level takes, found from the depths reached
 * at two stack sizes. The budget is the stack minus a reserve (a quarter of it plus 160 KB) for
 * the caller's frames, the functions called at the deepest level and error formatting: with the
 * default stack ~250 nested includes fit, with the CLI's --stack-size=3900 ~1200 (Helm's limit
 * of 1000 nested includes of one name holds), in the chart workers' 8 MB ~2600.
 */

import { ExpansionBudget, ValueLimitError } from "./expansion-budget.js";
import type { ArgNode, Node, PipeNode, Tree } from "./node.js";
import { GoMap, type GoValue } from "./value.js";

/**
 * One nesting level (a control or block body, a parenthesized pipeline) in the parser or the
 * executor (~600 and ~700 bytes measured): one cost, so a tree that parses also executes.
 */
export const LEVEL_BYTES = 840;
/** A {{template}} call, beyond the called tree's own nesting. */
export const TEMPLATE_CALL_BYTES = 1150;
/** An include or tpl: the function call and a nested execution, beyond the tree's nesting. */
export const NESTED_EXEC_BYTES = 2300;

/**
 * One level of a value walked by a function at the deepest template level (toJson, toYaml with
 * its emitter, deepCopy, merge): Go walks values of any depth (its stack grows), so a template
 * that nests dicts in a loop could otherwise overflow V8's.
 */
export const VALUE_LEVEL_BYTES = 1024;

/** V8's default stack limit on 64-bit platforms (--stack-size's default, in KB). */
const DEFAULT_STACK_KB = 984;

let stackKb: number | undefined;

/**
 * The stack this thread runs with: set by a worker thread from its resourceLimits, else node's
 * --stack-size flag (the last one given wins, as in V8), else V8's default.
 */
export function stackSizeKb(): number {
  if (stackKb === undefined) {
    stackKb = DEFAULT_STACK_KB;
    for (const arg of process.execArgv) {
      const at = arg.startsWith("--stack-size=") || arg.startsWith("--stack_size=") ? arg.indexOf("=") : -1;
      const kb = at < 0 ? Number.NaN : Number(arg.slice(at + 1));
      if (kb > 0) stackKb = kb;
    }
  }
  return stackKb;
}

/** A worker thread's stack (Node gives a worker stackSizeMb, less 192 KB it keeps for itself). */
export function setStackSizeKb(kb: number): void {
  stackKb = kb;
  budget = undefined;
}

let budget: number | undefined;

/** Bytes of stack one top-level template execution (with its includes and tpls) may use. */
export function stackBudget(): number {
  if (budget === undefined) {
    const kb = stackSizeKb();
    budget = Math.max(0, Math.floor(kb * 0.75) - 160) * 1024;
  }
  return budget;
}

/** The bytes left to the execution running now (undefined: none); includes and tpls share it. */
export const running: { left: number | undefined } = { left: undefined };

/** What a parse may use: what the running execution left (a tpl's parse), else the budget. */
export function bytesLeft(): number {
  return running.left ?? stackBudget();
}

/** How deep a value the function called now may walk: what the running execution left. */
export function valueDepthLimit(): number {
  return Math.floor(bytesLeft() / VALUE_LEVEL_BYTES);
}

/** The error of a value deeper than valueDepthLimit(). */
export function valueTooDeep(): Error {
  return new ValueLimitError(stackLimitMessage("values"));
}

/**
 * Throws valueTooDeep() when maps and lists nest deeper than valueDepthLimit(), checked with an
 * explicit stack: for walkers with several recursive paths (toToml's type tests and encoder).
 * Throws as well when the walk meets more maps and lists than `what` may (expansion-budget.ts),
 * which then bounds the walker's own.
 */
export function assertValueDepth(v: GoValue, what: string): void {
  const max = valueDepthLimit();
  const budget = new ExpansionBudget(what);
  const todo: [GoValue, number][] = [[v, 0]];
  for (let item = todo.pop(); item !== undefined; item = todo.pop()) {
    const [x, depth] = item;
    if (!(x instanceof GoMap) && !Array.isArray(x)) continue;
    if (depth > max) throw valueTooDeep();
    budget.charge();
    for (const child of x instanceof GoMap ? x.values() : x) todo.push([child, depth + 1]);
  }
}

/** The message of a spent budget, where Go (whose stack grows) would go on. */
export function stackLimitMessage(what: string): string {
  return `${what} nest deeper than Slipway allows with a ${stackSizeKb()} KB stack (Go's stack grows; the slipway command runs node with --stack-size=3900)`;
}

/**
 * How deeply the executor recurses within one tree: control bodies (an {{else if}} is one more)
 * and parenthesized pipelines. Walked with an explicit stack, once per tree.
 */
function treeNesting(tree: Tree): number {
  let max = 0;
  const todo: [Node | ArgNode | PipeNode, number][] = [[tree.root, 0]];
  const pipe = (p: PipeNode | null, depth: number): void => {
    if (p === null) return;
    for (const cmd of p.cmds) for (const arg of cmd.args) todo.push([arg, depth]);
  };
  for (let item = todo.pop(); item !== undefined; item = todo.pop()) {
    const [n, depth] = item;
    if (depth > max) max = depth;
    switch (n.type) {
      case "list":
        for (const child of n.nodes) todo.push([child, depth]);
        break;
      case "if":
      case "with":
      case "range":
        pipe(n.pipe, depth + 1);
        todo.push([n.list, depth + 1]);
        if (n.elseList !== null) todo.push([n.elseList, depth + 1]);
        break;
      case "action":
      case "template":
        pipe(n.pipe, depth);
        break;
      case "pipe":
        pipe(n, depth + 1);
        break;
      case "chain":
        todo.push([n.node, depth]);
        break;
    }
  }
  return max;
}

/**
 * The stack bytes of treeNesting(tree), kept on the tree. The parser sets it (and tree-codec.ts
 * keeps it); a tree made some other way (-1) is walked once here.
 */
export function nestingBytes(tree: Tree): number {
  if (tree.nestingBytes < 0) tree.nestingBytes = treeNesting(tree) * LEVEL_BYTES;
  return tree.nestingBytes;
}
