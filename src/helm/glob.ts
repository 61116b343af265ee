/**
 * The glob dialect of `.Files.Glob`, github.com/gobwas/glob with separator `/`, compiled to a
 * regular expression run on RE2 (a pattern comes from a chart: on a backtracking engine
 * `*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b` took minutes against a 60-character file name): `*` stops at
 * `/`, `**` does not, `?` is one non-separator character, `[...]`/`[!...]` classes, `{a,b}`
 * alternatives, `\` escapes. It works on code points (Go matches runes).
 *
 * Helm's other dialect, Go's `filepath.Match` (`.helmignore`, `--show-only`), is
 * src/go/path-match.ts.
 */

import { GoRegexp } from "../re2.js";

/** A class no character is in (an empty Go class). */
const NOTHING = "[^\\x{0}-\\x{10FFFF}]";

/** `^re$` on RE2. */
const anchored = (re: string): GoRegexp => GoRegexp.compile(`^(?:${re})$`);

const escapeRe = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
const escapeClass = (c: string): string => c.replace(/[\\^\][-]/g, "\\$&");

/** A character class body from position `i` (just after `[`); returns the regex class and the next index. */
function readClass(chars: string[], i: number): { re: string; next: number } | undefined {
  let negated = false;
  if (chars[i] === "!") {
    negated = true;
    i++;
  }
  let body = "";
  let count = 0;
  for (;;) {
    if (i >= chars.length) return undefined;
    const c = chars[i] as string;
    if (c === "]" && count > 0) {
      i++;
      break;
    }
    i++;
    let hi: string | undefined;
    if (chars[i] === "-" && chars[i + 1] !== "]" && chars[i + 1] !== undefined) {
      hi = chars[i + 1] as string;
      i += 2;
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
        const cls = readClass(chars, i + 1);
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
