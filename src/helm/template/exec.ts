/**
 * Execution of parsed templates with Go's rules (text/template/exec.go, Go 1.25):
 * nodes × data × functions → text.
 *
 * Values follow ./value.ts. Two kinds of "nothing" are kept apart as Go keeps them:
 * `undefined` is an invalid reflect.Value (a missing key under missingkey=default, the
 * result of a pipeline that produced a nil interface), `null` is a nil interface read out
 * of a map or slice. They print differently, and `.a.b` on a nil interface is Go's
 * "nil pointer evaluating interface {}.b" while on an invalid value it is just invalid.
 * Whether a value came out of an interface (is "boxed") also decides the type Go names
 * in "can't evaluate field X in type interface {}"; it is tracked for dot, variables and
 * field chains.
 *
 * Arguments are checked and converted per the callee's Go parameter types, as evalArg and
 * validateType do: literals convert to the parameter's kind, values must have exactly the
 * parameter's type. Errors carry Go's exact text and the failing node's place.
 */
import type { CallContext, FuncMap, GoFunc } from "../funcs/types.js";
import { GoFuncError } from "../funcs/types.js";
import { mapElemType, underlying } from "./builtins.js";
import { TemplateError } from "./errors.js";
import { formatValue } from "./fmt.js";
import type {
  ActionNode,
  ArgNode,
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  Tree,
  VariableNode,
} from "./node.js";
import { errorContext, nodeString } from "./node.js";
import { quote } from "./quote.js";
import {
  NESTED_EXEC_BYTES,
  nestingBytes,
  running,
  stackBudget,
  stackLimitMessage,
  TEMPLATE_CALL_BYTES,
} from "./stack-budget.js";
import {
  canBeNil,
  elemTypeOf,
  GoInt,
  GoMap,
  type GoMethod,
  type GoObject,
  type GoValue,
  goInt,
  goTypeName,
  type IntKind,
  isGoObject,
  isInterfaceType,
  isTrue,
  MAP_TYPE,
  NO_FIELD,
  zeroValue,
} from "./value.js";

export type MissingKey = "default" | "invalid" | "zero" | "error";

/** Go's maxExecDepth: nesting of {{template}} calls. */
export const MAX_EXEC_DEPTH = 100000;

/**
 * Differs because: Go has no output limit, but a runaway template (say a recursive define
 * printing a loop at every level) would exhaust memory; one execution's output is capped
 * far above anything a chart produces, so it fails as an error instead.
 */
export const MAX_OUTPUT = 64 << 20;

/**
 * Differs because: Go has no such limit. Steps are range rounds and template calls
 * ({{template}}, include, tpl) of one top-level execution; a chart's template takes thousands.
 * A loop of 10^11 rounds, or a template calling itself twice per level 40 levels deep, grows
 * neither the output nor the stack, and ran until killed (Helm runs it for hours). The limit
 * is a few seconds of work.
 */
export const MAX_STEPS = 1 << 25;

/** The steps left to the execution running now; nested ones (include, tpl) share it. */
let activeSteps: { left: number } | undefined;

/** What exec needs from the template set. */
export interface ExecEnv {
  lookupTemplate(name: string): Tree | undefined;
  /** A function by name and whether it is one of Go's builtins (set functions win). */
  lookupFunction(name: string): { fn: GoFunc; builtin: boolean } | undefined;
  missingKey: MissingKey;
}

/** The "no final argument" marker of a pipeline's first command (Go's missingVal). */
const MISSING: unique symbol = Symbol("missing");
type Final = GoValue | typeof MISSING;

const BREAK = { control: "break" };
const CONTINUE = { control: "continue" };

const INT_KIND_NAMES = new Set(["int", "int8", "int16", "int32", "int64"]);
const UINT_KIND_NAMES = new Set(["uint", "uint8", "uint16", "uint32", "uint64", "uintptr"]);

interface Variable {
  name: string;
  value: GoValue;
  boxed: boolean;
}

/** The value of a parse-time constant in a context without a type (exec.go idealConstant). */
function complexValue(re: number, im: number): GoObject {
  const text = `(${formatValue(re)}${im >= 0 || Number.isNaN(im) ? "+" : ""}${formatValue(im)}i)`;
  return {
    goType: "complex128",
    goKind: "complex128",
    field: () => NO_FIELD,
    method: () => undefined,
    goString: () => text,
  };
}

class State {
  // Fields declared and set by the constructor: initializers are one more function call per
  // State, and every include and tpl makes one.
  declare readonly env: ExecEnv;
  declare out: string;
  declare node: Node | null;
  declare vars: Variable[];
  declare depth: number;
  declare tmplName: string;
  /**
   * What functions get as `this`: the caller's context, whose `templateName` this execution keeps
   * equal to `tmplName` while it runs (set on entering a template, restored on leaving).
   */
  declare readonly ctx: CallContext;
  /** Whether the value last returned by evalField came out of an interface. */
  declare lastBoxed: boolean;

  constructor(env: ExecEnv, tmplName: string, ctx: CallContext) {
    this.env = env;
    this.out = "";
    this.node = null;
    this.vars = [];
    this.depth = 0;
    this.tmplName = tmplName;
    this.ctx = ctx;
    this.lastBoxed = false;
  }

  // ---- variables ----

  push(name: string, value: GoValue, boxed = false): void {
    this.vars.push({ name, value, boxed });
  }

  pop(mark: number): void {
    // Most scopes declare nothing: storing an array's length is a call into V8's runtime even when
    // it does not change it.
    if (this.vars.length !== mark) this.vars.length = mark;
  }

  setVar(name: string, value: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) {
        v.value = value;
        v.boxed = false;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  setTopVar(n: number, value: GoValue, boxed: boolean): void {
    const v = this.vars[this.vars.length - n]!;
    v.value = value;
    v.boxed = boxed;
  }

  varValue(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) return v;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- errors ----

  /**
   * Throws Go's exec error. With `inner`, `msg` is `msgHead + inner.message` (the error
   * records the split: TemplateError.wrapped).
   */
  errorf(msg: string, cause?: unknown, msgHead?: string, inner?: Error): never {
    const name = this.tmplName;
    if (this.node === null) {
      const head = `template: ${name}: `;
      throw new TemplateError("exec", head + msg, {
        template: name,
        executing: name,
        detail: msg,
        cause,
        wrapped: inner === undefined ? undefined : { head: head + msgHead, inner },
      });
    }
    const { location, line, column, context } = errorContext(this.node);
    const head = `template: ${location}: executing ${quote(name)} at <${context}>: `;
    throw new TemplateError("exec", head + msg, {
      template: this.node.tr.parseName,
      executing: name,
      line,
      column,
      context,
      detail: msg,
      cause,
      wrapped: inner === undefined ? undefined : { head: head + msgHead, inner },
    });
  }

  // ---- walking ----

  walk(dot: GoValue, dotBoxed: boolean, node: Node): void {
    this.node = node;
    // Cases by how often a chart's templates meet them (the 59 app-template releases: actions
    // 83k, lists 47k, ifs 35k, ranges 7k, texts 6k, withs 4k): until V8 optimizes walk, each
    // case is a string comparison through a builtin call.
    switch (node.type) {
      case "action": {
        // Variables declared here persist to the end of the enclosing control structure.
        const val = this.evalPipeline(dot, dotBoxed, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case "list": {
        const nodes = node.nodes;
        for (let i = 0; i < nodes.length; i++) this.walk(dot, dotBoxed, nodes[i]!);
        return;
      }
      case "if":
      case "with":
        this.walkIfOrWith(node, dot, dotBoxed);
        return;
      case "text":
        this.out += node.text;
        if (this.out.length > MAX_OUTPUT) this.outputTooLarge();
        return;
      case "range":
        this.walkRange(dot, dotBoxed, node);
        return;
      case "template":
        this.walkTemplate(dot, dotBoxed, node);
        return;
      case "comment":
        return;
      case "break":
        throw BREAK;
      case "continue":
        throw CONTINUE;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  walkIfOrWith(node: BranchNode, dot: GoValue, dotBoxed: boolean): void {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, dotBoxed, node.pipe);
      if (truth(val)) {
        if (node.type === "with") this.walk(val, false, node.list);
        else this.walk(dot, dotBoxed, node.list);
      } else if (node.elseList) this.walk(dot, dotBoxed, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  /** Counts one step (MAX_STEPS); past the limit, the error is at `node`. */
  step(node: Node | null): void {
    const steps = activeSteps as { left: number };
    if (--steps.left < 0) {
      if (node !== null) this.node = node;
      this.errorf(
        `exceeded Slipway's limit of ${MAX_STEPS} steps (range rounds and template calls) in one template`,
      );
    }
  }

  walkRange(dot: GoValue, dotBoxed: boolean, r: BranchNode): void {
    this.node = r;
    const outer = this.vars.length;
    try {
      const val = underlying(this.evalPipeline(dot, dotBoxed, r.pipe));
      const mark = this.vars.length;
      const decl = r.pipe.decl;
      const iterate = (index: GoValue, elem: GoValue, boxed: boolean): void => {
        this.step(r);
        if (decl.length > 0) {
          if (r.pipe.isAssign) {
            // With two variables the index comes first; with one, the element.
            this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          } else this.setTopVar(1, elem, boxed);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.setTopVar(2, index, false);
        }
        try {
          this.walk(elem, boxed, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
      };
      let ran = false;
      if (val instanceof GoInt) {
        if (decl.length > 1)
          this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
        for (let i = 0n; i < val.value; i++) {
          ran = true;
          iterate(undefined, new GoInt(val.kind, i), false);
        }
      } else if (Array.isArray(val)) {
        const boxed = isInterfaceType(elemTypeOf(val));
        for (let i = 0; i < val.length; i++) {
          ran = true;
          iterate(goInt(i), val[i], boxed);
        }
      } else if (val instanceof Uint8Array) {
        for (let i = 0; i < val.length; i++) {
          ran = true;
          iterate(goInt(i), new GoInt("uint8", val[i]!), false);
        }
      } else if (val instanceof GoMap) {
        const boxed = isInterfaceType(mapElemType(val));
        const keys = val.sortedKeys();
        for (let i = 0; i < keys.length; i++) {
          ran = true;
          iterate(keys[i], val.get(keys[i]!), boxed);
        }
      } else if (val !== undefined) {
        this.errorf(`range can't iterate over ${formatValue(val)}`);
      }
      if (!ran && r.elseList) this.walk(dot, dotBoxed, r.elseList);
    } catch (e) {
      if (e !== BREAK) throw e;
    } finally {
      this.pop(outer);
    }
  }

  walkTemplate(dot: GoValue, dotBoxed: boolean, t: TemplateNode): void {
    this.node = t;
    const tmpl = this.env.lookupTemplate(t.name);
    if (tmpl === undefined) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth === MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    this.step(t);
    // Variables declared by the pipeline persist (in the caller's scope).
    const newDot = this.evalPipeline(dot, dotBoxed, t.pipe);
    // The stack ends long before Go's depth (stack-budget.ts). Only an endless recursion gets
    // this deep in a chart, and Go ends that with this error: report Go's, at Slipway's depth.
    const left = running.left as number;
    const cost = TEMPLATE_CALL_BYTES + (tmpl.nestingBytes >= 0 ? tmpl.nestingBytes : nestingBytes(tmpl));
    if (left < cost) {
      this.node = t;
      this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    }
    running.left = left - cost;
    const savedVars = this.vars;
    const savedName = this.tmplName;
    this.depth++;
    this.tmplName = t.name;
    this.ctx.templateName = t.name;
    // No dynamic scoping: the invoked template sees only $.
    this.vars = [{ name: "$", value: newDot, boxed: false }];
    try {
      this.walk(newDot, false, tmpl.root);
    } finally {
      running.left = left;
      this.depth--;
      this.vars = savedVars;
      this.tmplName = savedName;
      this.ctx.templateName = savedName;
    }
  }

  // ---- evaluation ----

  evalPipeline(dot: GoValue, dotBoxed: boolean, pipe: PipeNode | null): GoValue {
    if (pipe === null) return undefined;
    this.node = pipe;
    // Indexed loops: most of a fresh process's templates run before V8 optimizes this, and an
    // unoptimized for-of makes an iterator and a result object per step (evalPipeline was the
    // top self time of kube-prometheus-stack's render).
    let value: Final = MISSING;
    const cmds = pipe.cmds;
    for (let i = 0; i < cmds.length; i++) {
      value = this.evalCommand(dot, dotBoxed, cmds[i]!, value);
      // A nil interface{} result is dug out to the invalid value (Go: value.Elem()).
      if (value === null) value = undefined;
    }
    const v = value as GoValue;
    const decl = pipe.decl;
    for (let i = 0; i < decl.length; i++) {
      if (pipe.isAssign) this.setVar(decl[i]!.ident[0]!, v);
      else this.push(decl[i]!.ident[0]!, v);
    }
    return v;
  }

  notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING)
      this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  evalCommand(dot: GoValue, dotBoxed: boolean, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0]!;
    // Most frequent first (function calls 135k, variables 29k, fields 23k, pipelines 8k in the
    // 59 app-template releases): see walk.
    switch (first.type) {
      case "identifier": {
        // evalFunction, written out: this is every function call of a template.
        this.node = first;
        const found = this.env.lookupFunction(first.ident);
        if (found === undefined) return this.errorf(`${quote(first.ident)} is not a defined function`);
        return this.evalCall(dot, dotBoxed, found.fn, found.builtin, cmd, first.ident, cmd.args, final);
      }
      case "variable":
        return this.evalVariableNode(dot, dotBoxed, first, cmd.args, final);
      case "field":
        return this.evalFieldNode(dot, dotBoxed, first, cmd.args, final);
      case "pipe":
        // A parenthesized pipeline: its arguments are inside, so there is no final argument.
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, dotBoxed, first);
      case "chain":
        return this.evalChainNode(dot, dotBoxed, first, cmd.args, final);
    }
    this.node = first;
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case "bool":
        return first.value;
      case "dot":
        return dot;
      case "nil":
        return this.errorf("nil is not a command");
      case "number":
        return this.idealConstant(first);
      case "string":
        return first.text;
    }
    this.errorf(`can't evaluate command ${quote(nodeString(first))}`);
  }

  /** A number literal where no type is known: float if spelled like one, else int. */
  idealConstant(n: NumberNode): GoValue {
    this.node = n;
    if (n.ideal !== undefined) return n.ideal;
    let v: GoValue;
    if (n.isComplex) v = complexValue(n.complex[0], n.complex[1]);
    else if (n.isFloat && !isHexInt(n.text) && !isRuneInt(n.text) && /[.eEpP]/.test(n.text)) v = n.float64;
    else if (n.isInt) v = new GoInt("int", n.int64);
    else if (n.isUint) this.errorf(`${n.text} overflows int`);
    else return undefined;
    n.ideal = v;
    return v;
  }

  /**
   * `args` are the command's nodes (the field first), or null for a field used as an operand,
   * which Go passes as the field alone: both mean no arguments.
   */
  evalFieldNode(
    dot: GoValue,
    dotBoxed: boolean,
    field: FieldNode,
    args: ArgNode[] | null,
    final: Final,
  ): GoValue {
    this.node = field;
    return this.evalFieldChain(dot, dotBoxed, dot, dotBoxed, field, field.ident, 0, args, final);
  }

  evalChainNode(
    dot: GoValue,
    dotBoxed: boolean,
    chain: ChainNode,
    args: ArgNode[] | null,
    final: Final,
  ): GoValue {
    this.node = chain;
    if (chain.field.length === 0) this.errorf("internal error: no fields in evalChainNode");
    if (chain.node.type === "nil") this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    // (pipe).Field1.Field2: evaluate the pipeline, then the fields.
    const [base, boxed] = this.evalOperand(dot, dotBoxed, chain.node);
    return this.evalFieldChain(dot, dotBoxed, base, boxed, chain, chain.field, 0, args, final);
  }

  /** evalArg with no expected type: the operand's value and whether it is boxed. */
  evalOperand(dot: GoValue, dotBoxed: boolean, n: ArgNode): [GoValue, boolean] {
    this.node = n;
    switch (n.type) {
      case "dot":
        return [dot, dotBoxed];
      case "field": {
        const v = this.evalFieldNode(dot, dotBoxed, n, null, MISSING);
        return [v, this.lastBoxed];
      }
      case "variable": {
        const v = this.evalVariableNode(dot, dotBoxed, n, null, MISSING);
        return [v, n.ident.length === 1 ? this.varValue(n.ident[0]!).boxed : this.lastBoxed];
      }
      case "pipe":
        return [this.evalPipeline(dot, dotBoxed, n), false];
      case "identifier": {
        const fn = this.env.lookupFunction(n.ident);
        const v = this.evalFunction(dot, dotBoxed, n, n, null, MISSING);
        return [v, fn !== undefined && isInterfaceType(fn.fn.result)];
      }
      case "chain":
        return [this.evalChainNode(dot, dotBoxed, n, null, MISSING), this.lastBoxed];
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type <nil>`);
  }

  evalVariableNode(
    dot: GoValue,
    dotBoxed: boolean,
    variable: VariableNode,
    args: ArgNode[] | null,
    final: Final,
  ): GoValue {
    this.node = variable;
    const v = this.varValue(variable.ident[0]!);
    if (variable.ident.length === 1) {
      if (args !== null) this.notAFunction(args, final);
      else if (final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(variable)}`);
      return v.value;
    }
    return this.evalFieldChain(dot, dotBoxed, v.value, v.boxed, variable, variable.ident, 1, args, final);
  }

  evalFieldChain(
    dot: GoValue,
    dotBoxed: boolean,
    receiver: GoValue,
    boxed: boolean,
    node: Node,
    ident: string[],
    first: number,
    args: ArgNode[] | null,
    final: Final,
  ): GoValue {
    const n = ident.length;
    for (let i = first; i < n - 1; i++) {
      receiver = this.evalField(dot, dotBoxed, ident[i]!, node, null, MISSING, receiver, boxed);
      boxed = this.lastBoxed;
    }
    return this.evalField(dot, dotBoxed, ident[n - 1]!, node, args, final, receiver, boxed);
  }

  evalFunction(
    dot: GoValue,
    dotBoxed: boolean,
    node: IdentifierNode,
    cmd: Node,
    args: ArgNode[] | null,
    final: Final,
  ): GoValue {
    this.node = node;
    const name = node.ident;
    const found = this.env.lookupFunction(name);
    if (found === undefined) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(dot, dotBoxed, found.fn, found.builtin, cmd, name, args, final);
  }

  /** .Field or .Method args on the receiver; sets lastBoxed. */
  evalField(
    dot: GoValue,
    dotBoxed: boolean,
    fieldName: string,
    node: Node,
    args: ArgNode[] | null,
    final: Final,
    receiver: GoValue,
    boxed: boolean,
  ): GoValue {
    this.lastBoxed = false;
    if (receiver === undefined) {
      if (this.env.missingKey === "error") this.errorf(`nil data; no entry for key ${quote(fieldName)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    // The common case first: a key of a plain map (no methods, interface{} elements).
    if (receiver instanceof GoMap && receiver.goType === MAP_TYPE) {
      if ((args !== null && args.length > 1) || final !== MISSING)
        this.errorf(`${fieldName} is not a method but has arguments`);
      const result = receiver.get(fieldName);
      if (result !== undefined) {
        this.lastBoxed = true;
        return result;
      }
      switch (this.env.missingKey) {
        case "zero":
          this.lastBoxed = true;
          return null;
        case "error":
          return this.errorf(`map has no entry for key ${quote(fieldName)}`);
        default:
          return undefined;
      }
    }
    const isMap = receiver instanceof GoMap;
    const isObject = !isMap && isGoObject(receiver);
    if (isMap || isObject) {
      const method = receiver.method(fieldName);
      if (method) return this.evalCall(dot, dotBoxed, method, false, node, fieldName, args, final);
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    let map: GoValue = receiver;
    if (isObject) {
      if (receiver.fmtValue) map = receiver.fmtValue();
      else {
        const f = receiver.field(fieldName);
        if (f !== NO_FIELD) {
          if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
          this.lastBoxed = f === null;
          return f;
        }
      }
    }
    if (map instanceof GoMap) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const elem = mapElemType(map);
      this.lastBoxed = isInterfaceType(elem);
      const result = map.get(fieldName);
      if (result !== undefined) return result;
      switch (this.env.missingKey) {
        case "zero":
          return zeroValue(elem);
        case "error":
          return this.errorf(`map has no entry for key ${quote(fieldName)}`);
        default:
          this.lastBoxed = false;
          return undefined;
      }
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${boxed ? "interface {}" : goTypeName(receiver)}`);
  }

  /** Checks the arity, evaluates the arguments and calls (and/or: the deciding operand). */
  evalCall(
    dot: GoValue,
    dotBoxed: boolean,
    fun: GoFunc | GoMethod,
    isBuiltin: boolean,
    node: Node,
    name: string,
    argNodes: ArgNode[] | null,
    final: Final,
  ): GoValue {
    // argNodes[0] is the function itself; the arguments follow it.
    const nArgs = argNodes === null ? 0 : argNodes.length - 1;
    const params = fun.params;
    const variadic = fun.variadic === true;
    const numIn = nArgs + (final !== MISSING ? 1 : 0);
    let numFixed = nArgs;
    if (variadic) {
      numFixed = params.length - 1;
      if (numIn < numFixed)
        this.errorf(`wrong number of args for ${name}: want at least ${params.length - 1} got ${nArgs}`);
    } else if (numIn !== params.length) {
      this.errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`);
    }

    // and/or short-circuit: the first deciding operand is the result.
    if (isBuiltin && (name === "and" || name === "or")) {
      let v: GoValue;
      for (let k = 1; k <= nArgs; k++) {
        v = this.evalArg(dot, dotBoxed, "reflect.Value", argNodes![k]!);
        if (truth(v) === (name === "or")) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }

    const argv: GoValue[] = new Array(numIn);
    let i = 0;
    for (; i < numFixed && i < nArgs; i++)
      argv[i] = this.evalArg(dot, dotBoxed, params[i]!, argNodes![i + 1]!);
    if (variadic) {
      const elem = params[params.length - 1]!;
      for (; i < nArgs; i++) argv[i] = this.evalArg(dot, dotBoxed, elem, argNodes![i + 1]!);
    }
    if (final !== MISSING) {
      let t = params[params.length - 1]!;
      if (variadic && numIn - 1 < numFixed) t = params[numIn - 1]!;
      argv[i] = this.validateType(final, t);
    }
    if (isBuiltin && name === "call")
      return this.builtinCall(argNodes === null ? [] : argNodes.slice(1), argv, final, node);
    return this.invoke(fun, argv, node, name);
  }

  /**
   * Calls the function; its error becomes "error calling NAME: …" at the call. A string result
   * longer than MAX_OUTPUT is refused as well (differs because: Go has no such limit): strings
   * could double through printf or cat up to JavaScript's longest, and functions that walk one
   * by rune then outgrew V8's largest array, which ends the process, naming no file.
   */
  invoke(fun: GoFunc | GoMethod, argv: GoValue[], node: Node, name: string): GoValue {
    let result: GoValue;
    try {
      result = "call" in fun ? fun.call(argv) : fun.fn.apply(this.ctx, argv);
    } catch (e) {
      if (e === BREAK || e === CONTINUE) throw e;
      this.node = node;
      const head = `error calling ${name}: `;
      if (e instanceof Error) this.errorf(head + e.message, e, head, e);
      this.errorf(head + String(e), e);
    }
    if (typeof result === "string" && result.length > MAX_OUTPUT) {
      this.node = node;
      this.errorf(
        `error calling ${name}: ${name}: a result of ${result.length} characters is more than Slipway's limit of ${MAX_OUTPUT} (a template's output has the same limit)`,
      );
    }
    return result;
  }

  /** The `call` builtin: its first argument must be a function value; the model has none. */
  builtinCall(args: ArgNode[], argv: GoValue[], final: Final, node: Node): GoValue {
    const calleeName = args.length === 0 ? formatValue(final as GoValue) : nodeString(args[0]!);
    const fn = argv[0] === null ? undefined : argv[0];
    const msg = fn === undefined ? "call of nil" : `non-function ${calleeName} of type ${goTypeName(fn)}`;
    const failing: GoFunc = {
      params: [],
      result: "reflect.Value",
      fn: () => {
        throw new GoFuncError(msg);
      },
    };
    return this.invoke(failing, [], node, "call");
  }

  /** validateType: the value must be assignable to the parameter type. */
  validateType(value: GoValue, typ: string): GoValue {
    // The common cases first; the general rule below gives the same results for them.
    if (typ === "interface {}") return value === undefined ? null : value;
    if (typ === "string" && typeof value === "string") return value;
    if (typ === "reflect.Value") return value;
    // A map or []interface{} of exactly the parameter's type (dict, list and values arguments).
    if (value instanceof GoMap ? value.goType === typ : typ === "[]interface {}" && isPlainSlice(value))
      return value;
    if (value === undefined) {
      if (canBeNil(typ)) return zeroNil(typ);
      this.errorf(`invalid value; expected ${typ}`);
    }
    if (isInterfaceType(typ)) return value;
    if (value === null) this.errorf(`wrong type for value; expected ${typ}; got interface {}`);
    if (!assignable(value, typ))
      this.errorf(`wrong type for value; expected ${typ}; got ${goTypeName(value)}`);
    return value;
  }

  evalArg(dot: GoValue, dotBoxed: boolean, typ: string, n: ArgNode): GoValue {
    this.node = n;
    // Most frequent first (variables 90k, strings 70k, pipelines 33k, fields 10k in the 59
    // app-template releases): see walk.
    switch (n.type) {
      case "variable":
        // `$name` alone (most variable operands): its value, as evalVariableNode gives it.
        if (n.ident.length === 1) return this.validateType(this.varValue(n.ident[0]!).value, typ);
        return this.validateType(this.evalVariableNode(dot, dotBoxed, n, null, MISSING), typ);
      case "string":
        // The most common literal, for the two parameter types it nearly always meets; the checks
        // below give the same for them, after a dozen comparisons.
        if (typ === "string" || typ === "interface {}") return n.text;
        break;
      case "pipe":
        return this.validateType(this.evalPipeline(dot, dotBoxed, n), typ);
      case "field":
        return this.validateType(
          this.evalFieldChain(dot, dotBoxed, dot, dotBoxed, n, n.ident, 0, null, MISSING),
          typ,
        );
      case "dot":
        return this.validateType(dot, typ);
      case "nil":
        if (canBeNil(typ)) return typ === "reflect.Value" ? undefined : zeroNil(typ);
        return this.errorf(`cannot assign nil to ${typ}`);
      case "identifier":
        return this.validateType(this.evalFunction(dot, dotBoxed, n, n, null, MISSING), typ);
      case "chain":
        return this.validateType(this.evalChainNode(dot, dotBoxed, n, null, MISSING), typ);
    }
    if (typ === "bool") {
      if (n.type === "bool") return n.value;
      this.errorf(`expected bool; found ${nodeString(n)}`);
    }
    if (typ === "float64" || typ === "float32") {
      if (n.type === "number" && n.isFloat) return n.float64;
      this.errorf(`expected float; found ${nodeString(n)}`);
    }
    if (INT_KIND_NAMES.has(typ)) {
      if (n.type === "number" && n.isInt) return new GoInt(typ as IntKind, n.int64);
      this.errorf(`expected integer; found ${nodeString(n)}`);
    }
    if (UINT_KIND_NAMES.has(typ)) {
      if (n.type === "number" && n.isUint)
        return new GoInt((typ === "uintptr" ? "uint64" : typ) as IntKind, n.uint64);
      this.errorf(`expected unsigned integer; found ${nodeString(n)}`);
    }
    if (typ === "string") {
      if (n.type === "string") return n.text;
      this.errorf(`expected string; found ${nodeString(n)}`);
    }
    if (typ === "complex128" || typ === "complex64") {
      if (n.type === "number" && n.isComplex) return complexValue(n.complex[0], n.complex[1]);
      this.errorf(`expected complex; found ${nodeString(n)}`);
    }
    if (isInterfaceType(typ) || typ === "reflect.Value") {
      switch (n.type) {
        case "bool":
          return n.value;
        case "number":
          return this.idealConstant(n);
        case "string":
          return n.text;
      }
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ}`);
  }

  printValue(n: ActionNode, v: GoValue): void {
    this.node = n;
    if (v === undefined) {
      this.out += "<no value>";
      return;
    }
    // Most printed values are strings (texts made by include, toYaml, printf): as formatValue
    // prints them, without the type tests below.
    if (typeof v === "string") {
      this.out += v;
      if (this.out.length > MAX_OUTPUT) this.outputTooLarge();
      return;
    }
    if (isGoObject(v)) {
      if (v.goKind === "func" || v.goKind === "chan")
        this.errorf(`can't print ${nodeString(n)} of type ${v.goType}`);
      // printableValue takes the address of a struct whose String has a pointer receiver.
      if (v.stringerNeedsAddress && v.goString) {
        this.out += v.goString();
        return;
      }
    }
    this.out += formatValue(v);
    if (this.out.length > MAX_OUTPUT) this.outputTooLarge();
  }

  outputTooLarge(): never {
    this.errorf(`template output exceeds ${MAX_OUTPUT / (1 << 20)} MiB`);
  }
}

function isRuneInt(s: string): boolean {
  return s.length > 0 && s[0] === "'";
}

function isHexInt(s: string): boolean {
  return s.length > 2 && s[0] === "0" && (s[1] === "x" || s[1] === "X") && !/[pP]/.test(s);
}

/** Go's truth of a value (isTrue of indirectInterface). */
function truth(v: GoValue): boolean {
  if (v === null || v === undefined) return false;
  if (isGoObject(v)) {
    if (v.fmtValue) return isTrue(v.fmtValue());
    if (v.goKind === "complex128") return v.goString?.() !== "(0+0i)";
    return true;
  }
  return isTrue(v);
}

/**
 * An untyped nil converted to a nillable parameter type: a nil interface, or the nil map,
 * slice or pointer, which functions receive as null.
 */
function zeroNil(_typ: string): GoValue {
  return null;
}

const isPlainSlice = (v: GoValue): boolean => Array.isArray(v) && elemTypeOf(v) === "interface {}";

/** Go's assignability for the types this model has. */
function assignable(value: GoValue, typ: string): boolean {
  const vt = goTypeName(value);
  if (vt === typ || (typ === "[]byte" && vt === "[]uint8")) return true;
  // A named map type (common.Values) and an unnamed one with the same underlying type.
  if (value instanceof GoMap) {
    const valueNamed = !vt.startsWith("map[");
    const typNamed = !typ.startsWith("map[");
    if (valueNamed && typNamed) return false;
    return (valueNamed ? MAP_TYPE : vt) === (typNamed ? MAP_TYPE : typ);
  }
  return false;
}

/**
 * Takes the budgets of a nested execution of a text that holds no action, whose tree is that text
 * alone and whose output is the text: tpl of a plain string (bjw-s home-ops: 1,015 of its 1,028
 * tpl calls) needs neither the parse nor the walk. Charges the step and checks the stack as
 * executeTree does for such a tree (nesting 0); false when nothing is executing or a limit is
 * reached, where the caller takes the full path, which reports the limit.
 */
export function enterTextOnlyExec(textLength: number): boolean {
  const steps = activeSteps;
  const left = running.left;
  if (steps === undefined || left === undefined) return false;
  if (left < NESTED_EXEC_BYTES || steps.left <= 0 || textLength > MAX_OUTPUT) return false;
  steps.left--;
  return true;
}

/**
 * Executes a tree as template `name` (Go's Template.Execute): `$` and dot are `data`.
 * Returns the text; throws TemplateError.
 */
export function executeTree(env: ExecEnv, name: string, tree: Tree, data: GoValue, ctx: CallContext): string {
  const s = new State(env, name, ctx);
  s.push("$", data);
  const outer = activeSteps;
  const left = running.left;
  // An include or tpl runs on its caller's stack, and pays for the calls between.
  const cost =
    (left === undefined ? 0 : NESTED_EXEC_BYTES) +
    (tree.nestingBytes >= 0 ? tree.nestingBytes : nestingBytes(tree));
  const have = left ?? stackBudget();
  if (have < cost) {
    const message = stackLimitMessage("template calls (include, tpl, template) and blocks");
    // Nested: the include or tpl that called reports it, at its call.
    if (left !== undefined) throw new Error(message);
    s.errorf(message);
  }
  activeSteps = outer ?? { left: MAX_STEPS };
  running.left = have - cost;
  // The context is the caller's (include and tpl pass theirs): its name is this template's while
  // it runs, restored by the finally below. One object per render instead of a derived one per
  // context and template name: the corpus made 15,839 of them, each a hidden class of its own
  // where functions read `this`.
  const callerName = ctx.templateName;
  ctx.templateName = name;
  try {
    if (outer !== undefined) s.step(null);
    s.walk(data, false, tree.root as ListNode);
  } finally {
    activeSteps = outer;
    running.left = left;
    ctx.templateName = callerName;
  }
  return s.out;
}

export type { FuncMap };
