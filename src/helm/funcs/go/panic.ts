/**
 * Go runtime panics as text/template reports them. A function that panics is recovered by
 * text/template's safeCall and reported as `error calling NAME: <panic value>`, so a Go
 * runtime error (`runtime error: slice bounds out of range [:5] with length 3`), a failed
 * type assertion or a `panic(err)` in sprig becomes a GoFuncError with the same text.
 */
import { type GoValue, goTypeName } from "../../template/value.js";
import { GoFuncError } from "../types.js";

export function runtimeError(message: string): GoFuncError {
  return new GoFuncError(`runtime error: ${message}`);
}

export const nilDereference = (): GoFuncError =>
  runtimeError("invalid memory address or nil pointer dereference");

/**
 * Bounds check of `s[low:high]` on a string or slice of length `len` (Go checks high
 * against the length first, then low against high). Throws Go's message, else returns.
 */
export function checkSliceBounds(low: number, high: number, len: number, capacity = len): void {
  if (high < 0) throw runtimeError(`slice bounds out of range [:${high}]`);
  if (high > capacity) {
    const what = capacity === len ? "length" : "capacity";
    throw runtimeError(`slice bounds out of range [:${high}] with ${what} ${capacity}`);
  }
  if (low < 0) throw runtimeError(`slice bounds out of range [${low}:]`);
  if (low > high) throw runtimeError(`slice bounds out of range [${low}:${high}]`);
}

/** `x.(T)` on an interface{} holding `v` that is not a T. */
export function typeAssertionError(v: GoValue, want: string): GoFuncError {
  const got = v === null || v === undefined ? "nil" : goTypeName(v);
  return new GoFuncError(`interface conversion: interface {} is ${got}, not ${want}`);
}

/** `reflect.TypeOf(x).Kind()` with x nil: sprig's list functions do this first. */
export function kindOfOrPanic(v: GoValue): void {
  if (v === null || v === undefined) throw nilDereference();
}
