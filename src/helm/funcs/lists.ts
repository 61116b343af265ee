/**
 * sprig v3.3.0's list functions (list.go, plus until/untilStep/seq from numeric.go and
 * join/sortAlpha/toStrings from strings.go). Any slice is accepted where sprig uses reflect;
 * the non-`must` forms panic, which text/template reports the same way as the error.
 * quirk kept: `reflect.TypeOf(nil).Kind()` panics, so `first nil` fails with a nil dereference.
 */
import { sortGoStrings } from "../../go/compare.js";
import { GoInt, type GoValue, sliceOf } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { strval, toInt } from "./go/cast.js";
import { nilDereference, runtimeError } from "./go/panic.js";
import { deepEqual, isEmpty, isList, kindName, listElems, sliceElemType, underlying } from "./go/reflect.js";
import { GoFuncError } from "./types.js";

type Int = GoInt;

/** The elements of a slice argument, or sprig's "Cannot VERB on type KIND" error. */
function elems(list: GoValue, what: string): GoValue[] {
  list = underlying(list);
  if (list === null || list === undefined) throw nilDereference();
  if (!isList(list)) throw new GoFuncError(`${what} ${kindName(list)}`);
  return listElems(list);
}

const iface = (xs: GoValue[]): GoValue[] => xs;

function chunk(size: bigint, list: GoValue): GoValue {
  const l = elems(list, "Cannot chunk type");
  const s = Number(size);
  // Go computes this in float64 and converts NaN/±Inf to int64's minimum.
  let cs = Math.floor((l.length - 1) / s) + 1;
  if (!Number.isFinite(cs)) cs = Number.MIN_SAFE_INTEGER;
  if (cs < 0) throw runtimeError("makeslice: len out of range");
  const out: GoValue[] = [];
  for (let i = 0; i < cs; i++) {
    let clen = s;
    if (i === cs - 1) {
      clen = Math.floor(l.length % s);
      if (Number.isNaN(clen) || clen === 0) clen = s;
    }
    if (clen < 0) throw runtimeError("makeslice: len out of range");
    const part: GoValue[] = [];
    for (let j = 0; j < clen; j++) {
      const ix = i * s + j;
      if (ix >= l.length) throw runtimeError(`reflect: slice index out of range`);
      part.push(l[ix]!);
    }
    out.push(part);
  }
  return sliceOf(out, "[]interface {}");
}

function slice(list: GoValue, indices: GoValue[]): GoValue {
  list = underlying(list);
  if (list === null || list === undefined) throw nilDereference();
  if (!isList(list)) throw new GoFuncError(`list should be type of slice or array but ${kindName(list)}`);
  const l = list.length;
  if (l === 0) return null;
  const start = indices.length > 0 ? Number(toInt(indices[0]!)) : 0;
  const end = indices.length < 2 ? l : Number(toInt(indices[1]!));
  if (start < 0 || end < start || end > l) {
    // reflect.Value.Slice's panic (a string, so no "runtime error:" prefix).
    throw new GoFuncError("reflect.Value.Slice: slice index out of bounds");
  }
  if (list instanceof Uint8Array) return list.slice(start, end);
  return sliceOf(list.slice(start, end), sliceElemType(list));
}

/**
 * The longest list until, untilStep and seq build. The count comes from the chart (often from a
 * pull request): Helm builds whatever memory allows (`until 300000000` took it 14 GB), while
 * Slipway's ~70 bytes an element ran out of heap and ended the whole process, naming no file.
 * Real charts count replicas, ports and shards: far below a million.
 */
export const MAX_LIST_ELEMENTS = 1 << 20;

/**
 * The longest list concat builds. Its elements are shared, not made (8 bytes each: 64 MB, a
 * template output's limit), but a list concatenated with itself thirty times (`$x = concat $x
 * $x`) reached V8's largest array, a fatal error no catch sees: the process ended with a native
 * stack trace, no file named and no report.
 */
export const MAX_CONCAT_ELEMENTS = 1 << 23;

function checkListLength(name: string, count: bigint | number, limit = MAX_LIST_ELEMENTS): void {
  if (count > limit)
    throw new GoFuncError(
      `${name}: a list of ${count} elements is more than Slipway's limit of ${limit} (Helm builds it)`,
    );
}

/** sprig's untilStep (`name`: the template function called, for the error). */
export function untilStep(start: bigint, stop: bigint, step: bigint, name = "untilStep"): GoInt[] {
  const v: GoInt[] = [];
  const count =
    stop < start
      ? step >= 0n
        ? 0n
        : (start - stop - step - 1n) / -step
      : step <= 0n
        ? 0n
        : (stop - start + step - 1n) / step;
  checkListLength(name, count);
  if (stop < start) {
    if (step >= 0n) return v;
    for (let i = start; i > stop; i += step) v.push(new GoInt("int", i));
    return v;
  }
  if (step <= 0n) return v;
  for (let i = start; i < stop; i += step) v.push(new GoInt("int", i));
  return v;
}

const intSlice = (xs: GoInt[]): GoValue => sliceOf(xs, "int");

/** sprig's seq: like GNU seq, numbers joined by spaces. */
function seq(params: Int[]): string {
  const p = params.map((x) => x.value);
  const join = (xs: GoInt[]) => xs.map((x) => x.value.toString()).join(" ");
  switch (p.length) {
    case 0:
      return "";
    case 1: {
      const end = p[0]!;
      const inc = end < 1n ? -1n : 1n;
      return join(untilStep(1n, end + inc, inc, "seq"));
    }
    case 2: {
      const [start, end] = p as [bigint, bigint];
      const step = end < start ? -1n : 1n;
      return join(untilStep(start, end + step, step, "seq"));
    }
    case 3: {
      const [start, step, end] = p as [bigint, bigint, bigint];
      let inc = 1n;
      if (end < start) {
        inc = -1n;
        if (step > 0n) return "";
      }
      return join(untilStep(start, end + inc, step, "seq"));
    }
    default:
      return "";
  }
}

/** sprig's strslice (toStrings): strings as they are, other elements through strval, nils dropped. */
export function strslice(v: GoValue): string[] {
  v = underlying(v);
  if (Array.isArray(v)) {
    return sliceOf(v.filter((x) => x !== null && x !== undefined).map(strval), "string");
  }
  if (v instanceof Uint8Array) return sliceOf(listElems(v).map(strval), "string");
  if (v === null || v === undefined) return sliceOf([], "string");
  return sliceOf([strval(v)], "string");
}

/**
 * A key equal for two scalars exactly when reflect.DeepEqual holds (same Go type, same value;
 * 0 and -0 alike), undefined for NaN (never equal, not even to itself) and for composite values.
 */
function scalarKey(x: GoValue): string | undefined {
  switch (typeof x) {
    case "string":
      return `s${x}`;
    case "boolean":
      return x ? "t" : "f";
    case "number":
      return Number.isNaN(x) ? undefined : `n${x}`;
  }
  if (x === null || x === undefined) return "z";
  if (x instanceof GoInt) return `i${x.kind}:${x.value}`;
  return undefined;
}

/**
 * sprig's uniq: the first of each set of deep-equal elements, in order. Scalars are found in a
 * set, composites by comparing with the composites kept so far: sprig's loop compares every pair,
 * and `uniq (until 1000000)` from a pull request ran for minutes.
 */
export function uniq(l: GoValue[]): GoValue[] {
  const out: GoValue[] = [];
  const seen = new Set<string>();
  const composites: GoValue[] = [];
  for (const x of l) {
    const key = scalarKey(x);
    if (key !== undefined) {
      if (seen.has(key)) continue;
      seen.add(key);
    } else if (typeof x === "number") {
      // NaN: DeepEqual(NaN, NaN) is false, so each one is kept.
    } else {
      if (composites.some((y) => deepEqual(x, y))) continue;
      composites.push(x);
    }
    out.push(x);
  }
  return out;
}

function without(l: GoValue[], omit: GoValue[]): GoValue[] {
  return l.filter((x) => !omit.some((o) => deepEqual(x, o)));
}

function has(needle: GoValue, haystack: GoValue, must: boolean): boolean {
  haystack = underlying(haystack);
  if (haystack === null || haystack === undefined) return false;
  if (!isList(haystack)) {
    const err = new GoFuncError(`Cannot find has on type ${kindName(haystack)}`);
    if (must) throw err;
    throw err;
  }
  return listElems(haystack).some((x) => deepEqual(needle, x));
}

function concat(lists: GoValue[]): GoValue {
  const parts: GoValue[][] = [];
  let count = 0;
  for (const x of lists) {
    const l = underlying(x);
    if (l === null || l === undefined) throw nilDereference();
    if (!isList(l)) throw new GoFuncError(`Cannot concat type ${kindName(l)} as list`);
    const elems = listElems(l);
    parts.push(elems);
    count += elems.length;
  }
  checkListLength("concat", count, MAX_CONCAT_ELEMENTS);
  const res: GoValue[] = [];
  // One push per element: spreading a list as arguments overflows the stack past ~120,000.
  for (const elems of parts) for (const e of elems) res.push(e);
  return res;
}

/** first/last/rest/initial and their must forms share one shape. */
function listOp(verb: string, op: (l: GoValue[]) => GoValue, result: string) {
  return goFunc(`func(list interface {}) ${result}`, (list: GoValue) =>
    op(elems(list, `Cannot find ${verb} on type`)),
  );
}

const first = (l: GoValue[]) => (l.length === 0 ? null : l[0]!);
const last = (l: GoValue[]) => (l.length === 0 ? null : l[l.length - 1]!);
const rest = (l: GoValue[]) => iface(l.length === 0 ? [] : l.slice(1));
const initial = (l: GoValue[]) => iface(l.length === 0 ? [] : l.slice(0, -1));
const reverse = (l: GoValue[]) => iface([...l].reverse());

function push(list: GoValue, v: GoValue, verb: string, atEnd: boolean): GoValue {
  const l = elems(list, `Cannot ${verb} on type`);
  return atEnd ? [...l, v] : [v, ...l];
}

function sortAlpha(list: GoValue): string[] {
  list = underlying(list);
  if (isList(list)) return sliceOf(sortGoStrings([...strslice(list)]), "string");
  return sliceOf([strval(list)], "string");
}

export const listFuncs: FuncTable = {
  list: goFunc("func(v ...interface {}) []interface {}", (...v: GoValue[]) => v),
  tuple: goFunc("func(v ...interface {}) []interface {}", (...v: GoValue[]) => v),
  append: goFunc("func(list interface {}, v interface {}) []interface {}", (l: GoValue, v: GoValue) =>
    push(l, v, "push", true),
  ),
  push: goFunc("func(list interface {}, v interface {}) []interface {}", (l: GoValue, v: GoValue) =>
    push(l, v, "push", true),
  ),
  mustAppend: goFunc(
    "func(list interface {}, v interface {}) ([]interface {}, error)",
    (l: GoValue, v: GoValue) => push(l, v, "push", true),
  ),
  mustPush: goFunc(
    "func(list interface {}, v interface {}) ([]interface {}, error)",
    (l: GoValue, v: GoValue) => push(l, v, "push", true),
  ),
  prepend: goFunc("func(list interface {}, v interface {}) []interface {}", (l: GoValue, v: GoValue) =>
    push(l, v, "prepend", false),
  ),
  mustPrepend: goFunc(
    "func(list interface {}, v interface {}) ([]interface {}, error)",
    (l: GoValue, v: GoValue) => push(l, v, "prepend", false),
  ),
  first: listOp("first", first, "interface {}"),
  mustFirst: listOp("first", first, "(interface {}, error)"),
  last: listOp("last", last, "interface {}"),
  mustLast: listOp("last", last, "(interface {}, error)"),
  rest: listOp("rest", rest, "[]interface {}"),
  mustRest: listOp("rest", rest, "([]interface {}, error)"),
  initial: listOp("initial", initial, "[]interface {}"),
  mustInitial: listOp("initial", initial, "([]interface {}, error)"),
  reverse: listOp("reverse", reverse, "[]interface {}"),
  mustReverse: listOp("reverse", reverse, "([]interface {}, error)"),
  uniq: listOp("uniq", uniq, "[]interface {}"),
  mustUniq: listOp("uniq", uniq, "([]interface {}, error)"),
  compact: goFunc("func(list interface {}) []interface {}", (l: GoValue) =>
    elems(l, "Cannot compact on type").filter((x) => !isEmpty(x)),
  ),
  mustCompact: goFunc("func(list interface {}) ([]interface {}, error)", (l: GoValue) =>
    elems(l, "Cannot compact on type").filter((x) => !isEmpty(x)),
  ),
  without: goFunc(
    "func(list interface {}, omit ...interface {}) []interface {}",
    (l: GoValue, ...omit: GoValue[]) => without(elems(l, "Cannot find without on type"), omit),
  ),
  mustWithout: goFunc(
    "func(list interface {}, omit ...interface {}) ([]interface {}, error)",
    (l: GoValue, ...omit: GoValue[]) => without(elems(l, "Cannot find without on type"), omit),
  ),
  has: goFunc("func(needle interface {}, haystack interface {}) bool", (n: GoValue, h: GoValue) =>
    has(n, h, false),
  ),
  mustHas: goFunc(
    "func(needle interface {}, haystack interface {}) (bool, error)",
    (n: GoValue, h: GoValue) => has(n, h, true),
  ),
  slice: goFunc(
    "func(list interface {}, indices ...interface {}) interface {}",
    (l: GoValue, ...ix: GoValue[]) => slice(l, ix),
  ),
  mustSlice: goFunc(
    "func(list interface {}, indices ...interface {}) (interface {}, error)",
    (l: GoValue, ...ix: GoValue[]) => slice(l, ix),
  ),
  concat: goFunc("func(lists ...interface {}) interface {}", (...lists: GoValue[]) => concat(lists)),
  chunk: goFunc("func(size int, list interface {}) [][]interface {}", (size: Int, l: GoValue) =>
    chunk(size.value, l),
  ),
  mustChunk: goFunc("func(size int, list interface {}) ([][]interface {}, error)", (size: Int, l: GoValue) =>
    chunk(size.value, l),
  ),
  until: goFunc("func(count int) []int", (count: Int) =>
    intSlice(untilStep(0n, count.value, count.value < 0n ? -1n : 1n, "until")),
  ),
  untilStep: goFunc("func(start, stop, step int) []int", (start: Int, stop: Int, step: Int) =>
    intSlice(untilStep(start.value, stop.value, step.value)),
  ),
  seq: goFunc("func(params ...int) string", (...params: Int[]) => seq(params)),
  join: goFunc("func(sep string, v interface {}) string", (sep: string, v: GoValue) => strslice(v).join(sep)),
  sortAlpha: goFunc("func(list interface {}) []string", (l: GoValue) => sortAlpha(l)),
  toStrings: goFunc("func(v interface {}) []string", (v: GoValue) => strslice(v)),
};
