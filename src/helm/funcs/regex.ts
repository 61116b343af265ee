/**
 * sprig v3.3.0's regex.go on Go's regexp (RE2 syntax and semantics, via src/go/regexp.ts).
 * The non-`must` forms compile with regexp.MustCompile, whose panic text names the pattern;
 * regexMatch alone swallows the error (false).
 */

import { GoRegexp } from "../../go/regexp.js";
import { MAX_REGEXP_SUBJECT } from "../../re2.js";
import { canBackquote, quote } from "../template/quote.js";
import type { GoInt } from "../template/value.js";
import { sliceOf } from "../template/value.js";
import { type FuncTable, goFunc } from "./define.js";
import { intArg } from "./go/cast.js";
import { GoFuncError } from "./types.js";

const cache = new Map<string, GoRegexp | Error>();

/** regexp.Compile, cached by pattern (errors too). */
function compile(pattern: string): GoRegexp {
  let re = cache.get(pattern);
  if (!re) {
    try {
      re = new GoRegexp(pattern);
    } catch (e) {
      re = new Error((e as Error).message);
    }
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, re);
  }
  if (re instanceof Error) throw new GoFuncError(re.message);
  return re;
}

/** regexp.MustCompile: the same error, in MustCompile's panic wording. */
function mustCompile(pattern: string): GoRegexp {
  try {
    return compile(pattern);
  } catch (e) {
    const q = canBackquote(pattern) ? `\`${pattern}\`` : quote(pattern);
    throw new GoFuncError(`regexp: Compile(${q}): ${(e as Error).message}`);
  }
}

function replaceAll(re: GoRegexp, src: string, repl: string, literal: boolean): string {
  let out = "";
  let last = 0;
  for (const m of re.findAllIndex(src)) {
    out += src.slice(last, m[0]);
    out += literal ? repl : re.expand(repl, src, m);
    last = m[1]!;
  }
  return out + src.slice(last);
}

/** Regexp.Split. */
function split(re: GoRegexp, s: string, n: number): string[] {
  if (n === 0) return [];
  if (re.source.length > 0 && s.length === 0) return [""];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of re.findAllIndex(s, n)) {
    if (n > 0 && out.length === n - 1) break;
    end = m[0]!;
    if (m[1] !== 0) out.push(s.slice(beg, end));
    beg = m[1]!;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/**
 * `s`, unless it is longer than src/re2.ts's MAX_REGEXP_SUBJECT (`name`: the function, for the
 * error). GoRegexp refuses it too; checking first names the function, and makes regexMatch,
 * which swallows a bad pattern, fail on too long a string whatever the pattern.
 */
function subject(name: string, s: string): string {
  if (s.length > MAX_REGEXP_SUBJECT)
    throw new GoFuncError(
      `${name}: a string of ${s.length} characters is more than Slipway's limit of ${MAX_REGEXP_SUBJECT} for regular expressions (Helm matches it)`,
    );
  return s;
}

const strs = (xs: string[]) => sliceOf(xs, "string");
const QUOTE_META = /[\\.+*?()|[\]{}^$]/g;

export const regexFuncs: FuncTable = {
  regexMatch: goFunc("func(regex string, s string) bool", (regex: string, s: string) => {
    // Too long a string is an error even here, where a bad pattern is just no match.
    subject("regexMatch", s);
    try {
      return compile(regex).matchString(s);
    } catch {
      return false;
    }
  }),
  mustRegexMatch: goFunc("func(regex string, s string) (bool, error)", (regex: string, s: string) =>
    compile(regex).matchString(subject("mustRegexMatch", s)),
  ),
  regexFindAll: goFunc("func(regex string, s string, n int) []string", (regex: string, s: string, n: GoInt) =>
    strs(mustCompile(regex).findAll(subject("regexFindAll", s), intArg(n))),
  ),
  mustRegexFindAll: goFunc(
    "func(regex string, s string, n int) ([]string, error)",
    (regex: string, s: string, n: GoInt) =>
      strs(compile(regex).findAll(subject("mustRegexFindAll", s), intArg(n))),
  ),
  regexFind: goFunc(
    "func(regex string, s string) string",
    (regex: string, s: string) => mustCompile(regex).findAll(subject("regexFind", s), 1)[0] ?? "",
  ),
  mustRegexFind: goFunc(
    "func(regex string, s string) (string, error)",
    (regex: string, s: string) => compile(regex).findAll(subject("mustRegexFind", s), 1)[0] ?? "",
  ),
  regexReplaceAll: goFunc(
    "func(regex string, s string, repl string) string",
    (regex: string, s: string, repl: string) =>
      replaceAll(mustCompile(regex), subject("regexReplaceAll", s), repl, false),
  ),
  mustRegexReplaceAll: goFunc(
    "func(regex string, s string, repl string) (string, error)",
    (regex: string, s: string, repl: string) =>
      replaceAll(compile(regex), subject("mustRegexReplaceAll", s), repl, false),
  ),
  regexReplaceAllLiteral: goFunc(
    "func(regex string, s string, repl string) string",
    (regex: string, s: string, repl: string) =>
      replaceAll(mustCompile(regex), subject("regexReplaceAllLiteral", s), repl, true),
  ),
  mustRegexReplaceAllLiteral: goFunc(
    "func(regex string, s string, repl string) (string, error)",
    (regex: string, s: string, repl: string) =>
      replaceAll(compile(regex), subject("mustRegexReplaceAllLiteral", s), repl, true),
  ),
  regexSplit: goFunc("func(regex string, s string, n int) []string", (regex: string, s: string, n: GoInt) =>
    strs(split(mustCompile(regex), subject("regexSplit", s), intArg(n))),
  ),
  mustRegexSplit: goFunc(
    "func(regex string, s string, n int) ([]string, error)",
    (regex: string, s: string, n: GoInt) =>
      strs(split(compile(regex), subject("mustRegexSplit", s), intArg(n))),
  ),
  regexQuoteMeta: goFunc("func(s string) string", (s: string) => s.replace(QUOTE_META, "\\$&")),
};
