/**
 * CEL expressions in Flux and the Flux Operator, checked offline with @marcbachmann/cel-js
 * (Flux itself runs cel-go through fluxcd/pkg runtime/cel with the strings, sets and encoders
 * extensions and optional types):
 *
 * - Kustomization / HelmRelease `spec.dependsOn[].readyExpr`: compiled with `self` and `dep` as
 *   google.protobuf.Struct (any field access is dyn) and must be of type bool — a bare
 *   `dep.status.ready` is dyn, and Flux rejects it (kustomize-controller evalReadyExpr);
 * - Kustomization `spec.healthCheckExprs[]` (`current`, `inProgress`, `failed`) and ResourceSet
 *   `spec.dependsOn[].readyExpr`: parsed only (the object's fields are the variables);
 * - evaluation where the inputs are static: an expression over objects the repository renders
 *   that reads nothing only the cluster has (status, generation) gives its answer offline.
 *
 * Syntax errors and a non-bool readyExpr are what Flux rejects (errors). A type error from
 * cel-js where cel-go may differ (cross-type numeric equality, extension functions cel-js lacks)
 * is reported as "not checked", never as an error.
 */
import { Environment, type TypeCheckResult } from "@marcbachmann/cel-js";

export type CelVerdict =
  /** Flux would accept it. */
  | { ok: true }
  /** Flux rejects it: a syntax error, or a readyExpr that is not of type bool. */
  | { ok: false; error: string }
  /** cel-js cannot tell (its type checker differs from cel-go here). */
  | { ok: "unknown"; reason: string };

export type CelEvaluation =
  | { value: boolean }
  /** It reads fields only the cluster has (status, a missing key): not decidable offline. */
  | { needsCluster: string }
  /** A result that is not a bool (Flux: "failed to evaluate CEL expression as boolean"). */
  | { error: string };

let structEnv: Environment | undefined;
let dynEnv: Environment | undefined;

/** The environment of a Kustomization/HelmRelease readyExpr: `self` and `dep`. */
function readyEnv(): Environment {
  structEnv ??= withExtensions(
    new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: true })
      .registerVariable("self", "map")
      .registerVariable("dep", "map"),
  );
  return structEnv;
}

/** Expressions over an object's top-level fields (healthCheckExprs, ResourceSet readyExpr). */
function objectEnv(): Environment {
  dynEnv ??= withExtensions(
    new Environment({
      enableOptionalTypes: true,
      homogeneousAggregateLiterals: true,
      unlistedVariablesAreDyn: true,
    }),
  );
  return dynEnv;
}

/**
 * The ext.Strings members cel-js lacks, so valid Flux expressions check. Namespaced extension
 * functions (ext.Sets `sets.*`, ext.Encoders `base64.*`, `strings.quote`) cannot be declared in
 * cel-js: expressions using them are "not type-checked offline" (see mayDifferFromCelGo).
 */
function withExtensions(env: Environment): Environment {
  const tryRegister = (sig: string, fn: (...a: never[]) => unknown) => {
    try {
      env.registerFunction(sig, fn as never);
    } catch {
      // Already built into cel-js.
    }
  };
  tryRegister("string.replace(string, string): string", ((s: string, a: string, b: string) =>
    s.split(a).join(b)) as never);
  tryRegister("string.replace(string, string, int): string", ((
    s: string,
    a: string,
    b: string,
    n: bigint,
  ) => {
    let out = s;
    let from = 0;
    for (let i = 0n; n < 0n || i < n; i++) {
      const at = out.indexOf(a, from);
      if (at < 0) break;
      out = out.slice(0, at) + b + out.slice(at + a.length);
      from = at + b.length;
    }
    return out;
  }) as never);
  return env;
}

/** Messages of cel-js type errors that cel-go (with Flux's options) may not raise. */
function mayDifferFromCelGo(message: string): boolean {
  return /no such overload|found no matching overload|Unknown variable|Unknown function|not supported/i.test(
    message,
  );
}

function verdictOf(result: TypeCheckResult, requireBool: boolean): CelVerdict {
  if (!result.valid) {
    const err = result.error as { name?: string; message?: string } | undefined;
    const message = (err?.message ?? "invalid expression").split("\n")[0]!;
    if (err?.name === "ParseError") return { ok: false, error: message };
    if (mayDifferFromCelGo(message)) return { ok: "unknown", reason: message };
    return { ok: false, error: message };
  }
  if (requireBool && result.type !== "bool") {
    return { ok: false, error: `CEL expression output type mismatch: expected bool, got ${result.type}` };
  }
  return { ok: true };
}

function check(env: Environment, expr: string, requireBool: boolean): CelVerdict {
  try {
    return verdictOf(env.check(expr), requireBool);
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split("\n")[0]!;
    return (err as { name?: string }).name === "ParseError" || /parse/i.test(message)
      ? { ok: false, error: message }
      : { ok: "unknown", reason: message };
  }
}

/** A Kustomization/HelmRelease `dependsOn[].readyExpr` (compiled, must be bool). */
export function checkReadyExpr(expr: string): CelVerdict {
  return check(readyEnv(), expr, true);
}

/** An expression over an object's fields (healthCheckExprs, ResourceSet readyExpr): parsed only, as Flux does. */
export function checkObjectExpr(expr: string): CelVerdict {
  const r = check(objectEnv(), expr, false);
  // Flux only parses these: anything but a syntax error is not held against them.
  return r.ok === false && !/parse|syntax|unexpected|expected/i.test(r.error)
    ? { ok: "unknown", reason: r.error }
    : r;
}

/** Evaluates a readyExpr with `self` and `dep` (rendered objects). */
export function evaluateReadyExpr(expr: string, self: unknown, dep: unknown): CelEvaluation {
  return evaluate(readyEnv(), expr, { self: toCel(self), dep: toCel(dep) });
}

/** Evaluates an expression over an object's top-level fields. */
export function evaluateObjectExpr(expr: string, object: Record<string, unknown>): CelEvaluation {
  const vars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(object)) vars[k] = toCel(v);
  return evaluate(objectEnv(), expr, vars);
}

/**
 * cel-js runs `matches()` on JavaScript's backtracking engine (and a built-in cannot be
 * replaced): `name.matches('^(a+)+$')` over a long name the repository writes took minutes.
 * cel-go runs it on RE2; offline, such an expression is left undecided rather than evaluated.
 */
const CALLS_MATCHES = /\bmatches\s*\(/;

function evaluate(env: Environment, expr: string, vars: Record<string, unknown>): CelEvaluation {
  if (CALLS_MATCHES.test(expr)) return { needsCluster: "matches() is not evaluated offline" };
  let value: unknown;
  try {
    value = env.evaluate(expr, vars);
  } catch (err) {
    return { needsCluster: (err instanceof Error ? err.message : String(err)).split("\n")[0]! };
  }
  if (typeof value !== "boolean") return { error: `failed to evaluate CEL expression as boolean: '${expr}'` };
  return { value };
}

/** YAML values as CEL sees JSON: integers are int (bigint here). */
function toCel(v: unknown): unknown {
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toCel);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toCel(x);
    return out;
  }
  return v;
}
