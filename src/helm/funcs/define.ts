/**
 * Declaring a template function by its Go signature, so the table reads like sprig's and
 * Helm's source: `goFunc("func(count int, str string) string", impl)`. The engine checks and
 * converts arguments from the parsed parameter types (text/template's evalCall), so each
 * signature must be exactly upstream's: it decides which inputs fail before the call.
 */
import type { GoValue } from "../template/value.js";
import type { CallContext, GoFunc } from "./types.js";

/** Any implementation: parameters are typed per function, values arrive already converted. */
type Impl = (this: CallContext, ...args: never[]) => GoValue;

export interface Signature {
  params: string[];
  variadic: boolean;
  result: string;
}

/**
 * Parses `func(a, b string, n int, rest ...interface {}) (string, error)`. Parameter names
 * are optional (`func(string, interface {}) string`); a trailing `error` result is modelled
 * by throwing, so only the first result is kept.
 */
export function parseSignature(sig: string): Signature {
  const text = sig.trim();
  if (!text.startsWith("func(")) throw new Error(`bad Go signature: ${sig}`);
  let depth = 0;
  let close = -1;
  for (let i = 4; i < text.length && close < 0; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) close = i;
  }
  if (close < 0) throw new Error(`bad Go signature: ${sig}`);
  const m = [text, text.slice(5, close), text.slice(close + 1)];
  const parts = m[1]!.trim() === "" ? [] : m[1]!.split(",").map((p) => p.trim());
  const named = parts.some((p) => nameAndType(p) !== undefined);
  const params: string[] = [];
  let pending = 0; // names waiting for the type that follows them ("a, b string")
  for (const p of parts) {
    const nt = named ? nameAndType(p) : undefined;
    if (named && !nt) {
      pending++;
      continue;
    }
    const type = nt ? nt[1] : p;
    for (let i = 0; i <= pending; i++) params.push(type);
    pending = 0;
  }
  const last = params.length - 1;
  const variadic = last >= 0 && params[last]!.startsWith("...");
  if (variadic) params[last] = params[last]!.slice(3);
  let result = m[2]!.trim();
  if (result.startsWith("(")) result = result.slice(1, -1).split(",")[0]!.trim();
  if (result === "") throw new Error(`Go signature without a result: ${sig}`);
  return { params, variadic, result };
}

function nameAndType(part: string): [string, string] | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.+)$/.exec(part);
  // `interface {}` is a type, not the name "interface" followed by a type.
  if (!m || m[2]!.startsWith("{")) return undefined;
  return [m[1]!, m[2]!];
}

export function goFunc(signature: string, impl: Impl, opts: { hermetic?: boolean } = {}): GoFunc {
  const { params, variadic, result } = parseSignature(signature);
  return {
    params,
    variadic,
    result,
    hermetic: opts.hermetic ?? true,
    fn: impl as unknown as GoFunc["fn"],
  };
}

/** A family's functions, by template name. */
export type FuncTable = Record<string, GoFunc>;
