/**
 * The contract between the template engine (src/helm/template) and the function
 * library (src/helm/funcs): a function is a Go signature plus an implementation.
 *
 * text/template checks every argument against the Go parameter type before the call
 * (exec.go evalCall/validateType): an untyped number literal converts to an int or float
 * parameter, a float64 from a values file passed to an `int` parameter is an error
 * ("wrong type for value; expected int; got float64"), nil is accepted only by
 * interface, map, slice and pointer parameters. The engine does those checks and
 * conversions from `params`, so implementations receive values already of the declared
 * type (a `GoInt` of kind "int" for an `int` parameter, a `string` for `string`, …).
 */
import type { GoValue } from "../template/value.js";

/**
 * Go type syntax as Go prints it: `string`, `int`, `int64`, `float64`, `bool`,
 * `interface {}`, `[]interface {}`, `[]string`, `map[string]interface {}`,
 * `*semver.Version`, `time.Time`, `reflect.Value`…
 */
export type GoTypeName = string;

/** What a function needs from the render it runs in (Helm's per-render closures). */
export interface CallContext {
  /**
   * Name of the template being executed (for `tpl`, `include` and error messages). The executor
   * sets it on entering a template and restores it on leaving, so the object must be writable.
   */
  templateName: string;
  /** Deterministic randomness for rand*, uuidv4, gen* (seeded per release). */
  random: () => number;
  /** The clock behind `now` and date defaults (milliseconds since the epoch). */
  now: () => number;
  /**
   * The IANA zone Go's `time.Local` stands for (`date`, `toDate`, `now`). Helm uses the
   * machine's zone; absent means UTC, so a render does not depend on where it runs.
   */
  localZone?: string;
}

export interface GoFunc {
  /** Parameter types, in order. With `variadic`, the last entry is the element type of `...T`. */
  params: GoTypeName[];
  variadic?: boolean;
  /**
   * Result type (Go's first result; a second `error` result is modelled by throwing).
   * The engine uses it where Go's static type matters, e.g. an `interface {}` result of
   * nil prints `<nil>`, a `string` result never does.
   */
  result: GoTypeName;
  /** False for functions whose result depends on randomness, time or the host (sprig's nonhermetic list). */
  hermetic?: boolean;
  fn(this: CallContext, ...args: GoValue[]): GoValue;
}

export type FuncMap = ReadonlyMap<string, GoFunc>;

/** A function's failure: the engine reports it as `error calling NAME: MESSAGE` at the call's position. */
export class GoFuncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GoFuncError";
  }
}
