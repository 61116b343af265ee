/**
 * Flux post-build variable substitution on text: the `${…}` dialect of fluxcd/pkg envsubst
 * v1.7.0, as kustomize-controller v1.9.x runs it (../shared/flux/SPEC.md §5.4).
 *
 * - `${v}`; `${v:=d}` `${v:-d}` `${v=d}` `${v:?d}` `${v:+d}` all mean "value if non-empty,
 *   else d" (not bash semantics); `${v-d}` is a parse error.
 * - `$v` is never substituted; `$$` is `$` everywhere outside expressions.
 * - Strict mode (Flux ≥ 2.9 controller default): a variable absent from `vars`, used bare or
 *   with a non-default operator, is an error naming it. Defined-but-empty is fine.
 *
 * Variable-name validation, the opt-out annotation and the YAML round trip are Flux-level
 * concerns; see postbuild.ts.
 */
import { SlipwayError } from "../errors.js";
import {
  byteLength,
  GoPanic,
  lowerAll,
  lowerFirst,
  replaceLiteral,
  replacePrefix,
  replaceSuffix,
  substring,
  trimPrefix,
  trimSuffix,
  upperAll,
  upperFirst,
} from "./envsubst-funcs.js";
import { EnvsubstParseError, type Expression, parseTemplate, type Segment } from "./envsubst-parse.js";

export interface SubstituteOptions {
  /** Undefined variables are errors (kustomize-controller ≥ 1.9 default; `flux build` default off). */
  strict: boolean;
  /** Reported as the error's file. */
  file?: string;
}

/**
 * A substitution failure. `message` is Flux's (`variable substitution failed: <reason>`);
 * `reason` is envsubst's own error text, as in ../shared/flux/vectors/pkg-envsubst.
 */
export class EnvsubstError extends SlipwayError {
  constructor(
    readonly reason: string,
    /** Offset (UTF-16 units) in the substituted text of the failing expression. */
    readonly index: number,
    /** The undefined variable, for strict-mode failures. */
    readonly variable?: string,
    /** True where envsubst itself would panic (e.g. `${v:0:-1}`). */
    readonly panic = false,
    file?: string,
  ) {
    super(`variable substitution failed: ${reason}`, { file });
    this.name = "EnvsubstError";
  }
}

/** The strict-mode error text, `%q`-quoted like Go. */
export function variableNotSetReason(name: string): string {
  return `variable not set (strict mode): ${JSON.stringify(name)}`;
}

/**
 * Expands every `${…}` in `text`. Throws EnvsubstError on parse errors (in both modes), on an
 * undefined variable in strict mode, and where envsubst would panic.
 */
export function substituteVariables(
  text: string,
  vars: Record<string, string> | ReadonlyMap<string, string>,
  opts: SubstituteOptions,
): string {
  return substituteTracked(text, vars, opts).text;
}

/**
 * `substituteVariables`, also returning where in the result each expression that involves a
 * variable of `secretVars` (as the variable, or in a nested argument) wrote its value. The
 * value may have been changed on the way (`${v:0:9}`, `${v^^}`, `${#v}`): whatever such an
 * expression produced is derived from a secret.
 */
export function substituteTracked(
  text: string,
  vars: Record<string, string> | ReadonlyMap<string, string>,
  /** `watch`: variables to report in `named` when an expression involves them. */
  opts: SubstituteOptions & {
    secretVars?: ReadonlySet<string>;
    watch?: ReadonlySet<string> | ReadonlyMap<string, unknown>;
  },
): { text: string; secretRanges: Array<[number, number]>; named?: Set<string> } {
  let template: Segment[];
  try {
    template = parseTemplate(text);
  } catch (err) {
    if (err instanceof EnvsubstParseError) {
      throw new EnvsubstError(err.reason, err.index, undefined, false, opts.file);
    }
    throw err;
  }
  const values = vars instanceof Map ? vars : new Map(Object.entries(vars));
  const evaluator = new Evaluator(values as ReadonlyMap<string, string>, opts);
  const secretVars = opts.secretVars;
  const secretRanges: Array<[number, number]> = [];
  const watch = opts.watch;
  const named = watch ? new Set<string>() : undefined;
  let out = "";
  for (const segment of template) {
    const piece = evaluator.segment(segment);
    if (secretVars && secretVars.size > 0 && typeof segment !== "string" && involves(segment, secretVars)) {
      secretRanges.push([out.length, out.length + piece.length]);
    }
    if (named && typeof segment !== "string") collectNamed(segment, watch!, named);
    out += piece;
  }
  return named ? { text: out, secretRanges, named } : { text: out, secretRanges };
}

function involves(expr: Expression, names: ReadonlySet<string>): boolean {
  return names.has(expr.name) || expr.args.some((a) => typeof a !== "string" && involves(a, names));
}

function collectNamed(expr: Expression, names: { has(name: string): boolean }, into: Set<string>): void {
  if (names.has(expr.name)) into.add(expr.name);
  for (const a of expr.args) if (typeof a !== "string") collectNamed(a, names, into);
}

/** Operators that supply their own fallback and so never fail in strict mode. */
export const DEFAULT_OPS: ReadonlySet<string> = new Set([":=", ":-", ":?", ":+", "="]);

class Evaluator {
  constructor(
    private readonly vars: ReadonlyMap<string, string>,
    private readonly opts: SubstituteOptions,
  ) {}

  segment(segment: Segment): string {
    return typeof segment === "string" ? segment : this.expression(segment);
  }

  private expression(expr: Expression): string {
    // envsubst evaluates arguments before looking the variable up, so a nested undefined
    // variable fails in strict mode even when the outer one is set.
    const args = expr.args.map((arg) => this.segment(arg));
    const defined = this.vars.has(expr.name);
    if (!defined && this.opts.strict && !DEFAULT_OPS.has(expr.op)) {
      throw new EnvsubstError(variableNotSetReason(expr.name), expr.start, expr.name, false, this.opts.file);
    }
    const value = this.vars.get(expr.name) ?? "";
    try {
      return applyOperator(expr.op, value, args);
    } catch (err) {
      if (err instanceof GoPanic)
        throw new EnvsubstError(err.message, expr.start, undefined, true, this.opts.file);
      throw err;
    }
  }
}

function applyOperator(op: string, value: string, args: string[]): string {
  switch (op) {
    case "#":
      return args.length === 0 ? String(byteLength(value)) : trimPrefix(value, args[0]!, false);
    case "##":
      return trimPrefix(value, args[0]!, true);
    case "%":
      return trimSuffix(value, args[0]!, false);
    case "%%":
      return trimSuffix(value, args[0]!, true);
    case ":":
      return substring(value, args[0]!, args[1]);
    case "^":
      return upperFirst(value);
    case "^^":
      return upperAll(value);
    case ",":
      return lowerFirst(value);
    case ",,":
      return lowerAll(value);
    case "/":
      return replaceLiteral(value, args[0]!, args[1] ?? "", false);
    case "//":
      return replaceLiteral(value, args[0]!, args[1] ?? "", true);
    // With the replacement omitted (`${v/#p/}`), prefix/suffix replacement leaves the value as is.
    case "/#":
      return args.length === 2 ? replacePrefix(value, args[0]!, args[1]!) : value;
    case "/%":
      return args.length === 2 ? replaceSuffix(value, args[0]!, args[1]!) : value;
    default:
      // "", the default operators, and odd case mixes such as `^,` (which envsubst ignores).
      return value === "" && args.length > 0 ? args.join("") : value;
  }
}
