/**
 * The two glob dialects Helm uses, compiled to regular expressions run on RE2 (a pattern comes
 * from a chart: on a backtracking engine `*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b` took minutes against a
 * 60-character file name):
 *
 * - Go's `path/filepath.Match` (`.helmignore` rules, `--show-only`): `*` and `?` stop at `/`,
 *   `[...]`/`[^...]` classes with ranges, `\` escapes; a malformed pattern is an error
 *   (`syntax error in pattern`), checked over the whole pattern as Go 1.25 does.
 * - github.com/gobwas/glob with separator `/` (`.Files.Glob`): `*` stops at `/`, `**` does not,
 *   `?` is one non-separator character, `[...]`/`[!...]` classes, `{a,b}` alternatives, `\` escapes.
 *
 * Both work on code points (Go matches runes).
 */

import { GoRegexp } from "../re2.js";

export class BadPatternError extends Error {
  constructor() {
    super("syntax error in pattern");
    this.name = "BadPatternError";
  }
}

/** A class no character is in (an empty Go class). */
const NOTHING = "[^\\x{0}-\\x{10FFFF}]";

/** `^re$` on RE2. */
const anchored = (re: string): GoRegexp => GoRegexp.compile(`^(?:${re})$`);

const escapeRe = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
const escapeClass = (c: string): string => c.replace(/[\\^\][-]/g, "\\$&");

/** A character class body from position `i` (just after `[`); returns the regex class and the next index. */
function readClass(
  chars: string[],
  i: number,
  negation: string,
  allowEscape: boolean,
): { re: string; next: number } | undefined {
  let negated = false;
  if (chars[i] === negation) {
    negated = true;
    i++;
  }
  let body = "";
  let count = 0;
  for (;;) {
    if (i >= chars.length) return undefined;
    let c = chars[i] as string;
    if (c === "]" && count > 0) {
      i++;
      break;
    }
    if (c === "-" && allowEscape) return undefined; // filepath.Match: '-' cannot start a range item
    if (c === "\\" && allowEscape) {
      i++;
      if (i >= chars.length) return undefined;
      c = chars[i] as string;
    }
    i++;
    let hi: string | undefined;
    if (chars[i] === "-" && chars[i + 1] !== "]" && chars[i + 1] !== undefined) {
      i++;
      let h = chars[i] as string;
      if (h === "\\" && allowEscape) {
        i++;
        if (i >= chars.length) return undefined;
        h = chars[i] as string;
      }
      i++;
      hi = h;
    } else if (chars[i] === "-" && allowEscape) {
      return undefined;
    }
    // An empty range (hi < lo) never matches in Go; JavaScript would refuse it.
    if (hi === undefined) body += escapeClass(c);
    else if ((hi.codePointAt(0) ?? 0) >= (c.codePointAt(0) ?? 0))
      body += `${escapeClass(c)}-${escapeClass(hi)}`;
    count++;
  }
  const cls = body === "" ? (negated ? "[^]" : "[]") : negated ? `[^${body}]` : `[${body}]`;
  return { re: cls === "[^]" ? "[\\s\\S]" : cls === "[]" ? NOTHING : cls, next: i };
}

/** Go's filepath.Match pattern as an anchored expression. Throws BadPatternError. */
export function compileGoPathPattern(pattern: string): GoRegexp {
  const chars = [...pattern];
  let re = "";
  for (let i = 0; i < chars.length; ) {
    const c = chars[i] as string;
    if (c === "*") {
      re += "[^/]*";
      i++;
    } else if (c === "?") {
      re += "[^/]";
      i++;
    } else if (c === "[") {
      const cls = readClass(chars, i + 1, "^", true);
      if (!cls) throw new BadPatternError();
      re += cls.re;
      i = cls.next;
    } else if (c === "\\") {
      if (i + 1 >= chars.length) throw new BadPatternError();
      re += escapeRe(chars[i + 1] as string);
      i += 2;
    } else {
      re += escapeRe(c);
      i++;
    }
  }
  return anchored(re);
}

const goPatternCache = new Map<string, GoRegexp | BadPatternError>();

/** Go's filepath.Match(pattern, name). Throws BadPatternError for a malformed pattern. */
export function goPathMatch(pattern: string, name: string): boolean {
  let re = goPatternCache.get(pattern);
  if (re === undefined) {
    try {
      re = compileGoPathPattern(pattern);
    } catch (e) {
      if (!(e instanceof BadPatternError)) throw e;
      re = e;
    }
    goPatternCache.set(pattern, re);
  }
  if (re instanceof BadPatternError) throw re;
  return re.test(name);
}

/** gobwas/glob.Compile(pattern, '/') as an anchored expression; undefined when gobwas would refuse the pattern. */
export function compileGobwasGlob(pattern: string): GoRegexp | undefined {
  const chars = [...pattern];
  let i = 0;
  // Parses until one of `stops` (at alternative depth > 0) or the end.
  const parse = (depth: number): string | undefined => {
    let re = "";
    while (i < chars.length) {
      const c = chars[i] as string;
      if (depth > 0 && (c === "," || c === "}")) return re;
      if (c === "*") {
        if (chars[i + 1] === "*") {
          re += "[\\s\\S]*";
          i += 2;
        } else {
          re += "[^/]*";
          i++;
        }
      } else if (c === "?") {
        re += "[^/]";
        i++;
      } else if (c === "[") {
        const cls = readClass(chars, i + 1, "!", false);
        if (!cls) return undefined;
        re += cls.re;
        i = cls.next;
      } else if (c === "{") {
        i++;
        const alts: string[] = [];
        for (;;) {
          const alt = parse(depth + 1);
          if (alt === undefined) return undefined;
          alts.push(alt);
          if (chars[i] === ",") {
            i++;
            continue;
          }
          if (chars[i] === "}") {
            i++;
            break;
          }
          return undefined;
        }
        re += `(?:${alts.join("|")})`;
      } else if (c === "\\") {
        if (i + 1 >= chars.length) return undefined;
        re += escapeRe(chars[i + 1] as string);
        i += 2;
      } else {
        re += escapeRe(c);
        i++;
      }
    }
    return depth > 0 ? undefined : re;
  };
  const re = parse(0);
  if (re === undefined) return undefined;
  return anchored(re);
}
