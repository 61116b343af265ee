/**
 * sprig v3.3.0's string functions (strings.go and the string entries of functions.go).
 * Lengths and offsets are Go's: bytes of the UTF-8 encoding (substr, trunc, abbrev cut
 * through characters exactly where Helm does).
 */
import { formatValue } from "../template/fmt.js";
import { byteSlice, utf8Length } from "../template/gostring.js";
import { quote as goQuote } from "../template/quote.js";
import { type GoInt, GoMap, type GoValue, sliceOf } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { intArg, strval } from "./go/cast.js";
import {
  abbreviateFull,
  deleteWhiteSpace,
  initials,
  swapCase,
  uncapitalize,
  wrapCustom,
} from "./go/goutils.js";
import { checkSliceBounds } from "./go/panic.js";
import {
  repeat,
  replaceAll,
  splitN,
  title,
  toLowerString,
  toUpperString,
  trimCutset,
  trimPrefix,
  trimSpace,
  trimSuffix,
} from "./go/strings.js";
import { camelCaseToLowerCase, shuffle, toCamelCase } from "./go/xstrings.js";

type Int = GoInt;
const n = (i: Int): number => intArg(i);

/** sprig's substring: start < 0 means s[:end]; end < 0 or past the end means s[start:]. */
function substring(start: number, end: number, s: string): string {
  const len = utf8Length(s);
  if (start < 0) {
    checkSliceBounds(0, end, len);
    return byteSlice(s, 0, end);
  }
  if (end < 0 || end > len) {
    checkSliceBounds(start, len, len);
    return byteSlice(s, start);
  }
  checkSliceBounds(start, end, len);
  return byteSlice(s, start, end);
}

/** sprig's trunc: a negative count keeps the end of the string. */
function trunc(c: number, s: string): string {
  const len = utf8Length(s);
  if (c < 0 && len + c > 0) return byteSlice(s, len + c);
  if (c >= 0 && len > c) return byteSlice(s, 0, c);
  return s;
}

function indent(spaces: Int, v: string): string {
  const pad = repeat(" ", spaces.value);
  return pad + replaceAll(v, "\n", `\n${pad}`);
}

/** split/splitn results: map[string]string keyed _0, _1, … */
function indexedParts(parts: string[]): GoMap {
  return new GoMap(
    parts.map((p, i) => [`_${i}`, p]),
    "map[string]string",
  );
}

export const stringFuncs: FuncTable = {
  hello: goFunc("func() string", () => "Hello!"),
  abbrev: goFunc("func(width int, s string) string", (width: Int, s: string) =>
    n(width) < 4 ? s : abbreviateFull(s, 0, n(width)),
  ),
  abbrevboth: goFunc("func(left, right int, s string) string", (left: Int, right: Int, s: string) =>
    n(right) < 4 || (n(left) > 0 && n(right) < 7) ? s : abbreviateFull(s, n(left), n(right)),
  ),
  trunc: goFunc("func(c int, s string) string", (c: Int, s: string) => trunc(n(c), s)),
  trim: goFunc("func(s string) string", (s: string) => trimSpace(s)),
  upper: goFunc("func(s string) string", (s: string) => toUpperString(s)),
  lower: goFunc("func(s string) string", (s: string) => toLowerString(s)),
  title: goFunc("func(s string) string", (s: string) => title(s)),
  untitle: goFunc("func(str string) string", (s: string) => uncapitalize(s)),
  substr: goFunc("func(start, end int, s string) string", (start: Int, end: Int, s: string) =>
    substring(n(start), n(end), s),
  ),
  repeat: goFunc("func(count int, str string) string", (count: Int, str: string) => repeat(str, count.value)),
  trimall: goFunc("func(a, b string) string", (a: string, b: string) => trimCutset(b, a)),
  trimAll: goFunc("func(a, b string) string", (a: string, b: string) => trimCutset(b, a)),
  trimSuffix: goFunc("func(a, b string) string", (a: string, b: string) => trimSuffix(b, a)),
  trimPrefix: goFunc("func(a, b string) string", (a: string, b: string) => trimPrefix(b, a)),
  nospace: goFunc("func(str string) string", (s: string) => deleteWhiteSpace(s)),
  initials: goFunc("func(s string) string", (s: string) => initials(s)),
  swapcase: goFunc("func(str string) string", (s: string) => swapCase(s)),
  shuffle: goFunc(
    "func(str string) string",
    function (s: string) {
      return shuffle(s, this.random);
    },
    { hermetic: false },
  ),
  snakecase: goFunc("func(str string) string", (s: string) => camelCaseToLowerCase(s, 0x5f)),
  camelcase: goFunc("func(str string) string", (s: string) => toCamelCase(s, true)),
  kebabcase: goFunc("func(str string) string", (s: string) => camelCaseToLowerCase(s, 0x2d)),
  wrap: goFunc("func(l int, s string) string", (l: Int, s: string) => wrapCustom(s, n(l), "", false)),
  wrapWith: goFunc("func(l int, sep, str string) string", (l: Int, sep: string, s: string) =>
    wrapCustom(s, n(l), sep, true, "wrapWith"),
  ),
  contains: goFunc("func(substr string, str string) bool", (sub: string, s: string) => s.includes(sub)),
  hasPrefix: goFunc("func(substr string, str string) bool", (sub: string, s: string) => s.startsWith(sub)),
  hasSuffix: goFunc("func(substr string, str string) bool", (sub: string, s: string) => s.endsWith(sub)),
  quote: goFunc("func(str ...interface {}) string", (...str: GoValue[]) =>
    str
      .filter((s) => s !== null && s !== undefined)
      .map((s) => goQuote(strval(s)))
      .join(" "),
  ),
  squote: goFunc("func(str ...interface {}) string", (...str: GoValue[]) =>
    str
      .filter((s) => s !== null && s !== undefined)
      .map((s) => `'${formatValue(s)}'`)
      .join(" "),
  ),
  cat: goFunc("func(v ...interface {}) string", (...v: GoValue[]) =>
    v
      .filter((s) => s !== null && s !== undefined)
      .map((s) => formatValue(s))
      .join(" "),
  ),
  indent: goFunc("func(spaces int, v string) string", (spaces: Int, v: string) => indent(spaces, v)),
  nindent: goFunc("func(spaces int, v string) string", (spaces: Int, v: string) => `\n${indent(spaces, v)}`),
  replace: goFunc("func(old, new, src string) string", (o: string, nw: string, src: string) =>
    replaceAll(src, o, nw),
  ),
  plural: goFunc("func(one, many string, count int) string", (one: string, many: string, count: Int) =>
    count.value === 1n ? one : many,
  ),
  toString: goFunc("func(v interface {}) string", (v: GoValue) => strval(v)),
  split: goFunc("func(sep, orig string) map[string]string", (sep: string, orig: string) =>
    indexedParts(splitN(orig, sep, -1)),
  ),
  splitList: goFunc("func(sep, orig string) []string", (sep: string, orig: string) =>
    sliceOf(splitN(orig, sep, -1), "string"),
  ),
  splitn: goFunc(
    "func(sep string, n int, orig string) map[string]string",
    (sep: string, count: Int, orig: string) => indexedParts(splitN(orig, sep, n(count))),
  ),
};
