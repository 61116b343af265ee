/**
 * The two glob dialects source-watcher (fluxcd/source-watcher internal/builder) uses:
 *
 * - Go's `path.Match` (src/go/path-match.ts) walked as `io/fs.Glob` for copy sources (Overwrite
 *   and Merge): `*` and `?` never cross a `/`, and `**` is just two stars, so `dir/**` names the
 *   entries directly below `dir` (the copy then recurses into directories).
 * - bmatcuk/doublestar v4 `Match`/`Glob` for `exclude` patterns and Extract sources: `**` as a
 *   whole segment is any number of directories (`a/**` also matches `a`), `{x,y}` alternatives,
 *   classes negate with `!` or `^`.
 *
 * doublestar patterns are translated to RE2 (re2js), so a hostile pattern cannot make matching
 * slow. Both report a malformed pattern as Go's ErrBadPattern, which doublestar reuses.
 */
import { RE2JS } from "re2js";
import type { FileSystem } from "../fs/filesystem.js";
import { BadPatternError, goPathMatch } from "../go/path-match.js";

const compiled = new Map<string, RE2JS>();

function cachedRegex(key: string, build: () => string): RE2JS {
  let re = compiled.get(key);
  if (!re) {
    re = RE2JS.compile(`^(?:${build()})$`, RE2JS.DOTALL);
    if (compiled.size > 5000) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

function quoteRune(c: string): string {
  return /[A-Za-z0-9_]/.test(c) ? c : `\\x{${c.codePointAt(0)!.toString(16)}}`;
}

/**
 * A doublestar character class starting at `pattern[start]` (just after `[`), as RE2. Returns
 * the class and the index after its `]`. doublestar's grammar, not path.Match's: `!` or `^`
 * first negates; an empty class is malformed; `-` is a range only between two runes (first,
 * last, or right after a range it is literal); a reversed range matches nothing; `\` escapes
 * a rune or a range's upper bound; and a class, negated or not, may match the separator.
 */
function translateClass(pattern: string, start: number): { re: string; end: number } {
  const chars = [...pattern.slice(start)];
  let i = 0;
  let negate = false;
  if (chars[i] === "!" || chars[i] === "^") {
    negate = true;
    i++;
  }
  if (i >= chars.length || chars[i] === "]") throw new BadPatternError(pattern);
  const items: string[] = [];
  /** The rune before, when the next `-` would make a range from it. */
  let last: string | undefined;
  for (;;) {
    if (i >= chars.length) throw new BadPatternError(pattern);
    let c = chars[i++]!;
    if (c === "]") break;
    if (last !== undefined && c === "-" && i < chars.length && chars[i] !== "]") {
      if (chars[i] === "\\") i++;
      if (i >= chars.length) throw new BadPatternError(pattern);
      const hi = chars[i++]!;
      // `last` went in as a rune already: the range adds the rest (none when reversed).
      if (hi.codePointAt(0)! > last.codePointAt(0)!) items.push(`${quoteRune(last)}-${quoteRune(hi)}`);
      last = undefined;
      continue;
    }
    if (c === "\\") {
      if (i >= chars.length) throw new BadPatternError(pattern);
      c = chars[i++]!;
    }
    items.push(quoteRune(c));
    last = c;
  }
  // Never empty: a class's first element is a rune.
  const re = negate ? `[^${items.join("")}]` : `[${items.join("")}]`;
  return { re, end: start + chars.slice(0, i).join("").length };
}

/** Go's io/fs.Glob over the directory `root` (entries are root-relative, `/`-separated). */
export function goGlob(fs: FileSystem, root: string, pattern: string): string[] {
  goPathMatch(pattern, ""); // validates the whole pattern first, as fs.Glob does
  return globWithLimit(fs, root, pattern, 0);
}

const hasGoMeta = (p: string) => /[*?[\\]/.test(p);

function globWithLimit(fs: FileSystem, root: string, pattern: string, depth: number): string[] {
  if (depth > 10000) throw new BadPatternError(pattern);
  if (!hasGoMeta(pattern)) return statPath(fs, root, pattern) ? [pattern] : [];
  const slash = pattern.lastIndexOf("/");
  const dirPart = slash < 0 ? "" : pattern.slice(0, slash + 1);
  const file = pattern.slice(slash + 1);
  const dir = dirPart === "" ? "." : dirPart.slice(0, -1);
  if (!hasGoMeta(dir)) return globDir(fs, root, dir, file, []);
  if (dir === pattern) throw new BadPatternError(pattern);
  let matches: string[] = [];
  for (const d of globWithLimit(fs, root, dir, depth + 1)) matches = globDir(fs, root, d, file, matches);
  return matches;
}

/** fs.Stat on a root-relative path, which must be a valid io/fs path. */
function statPath(fs: FileSystem, root: string, rel: string): boolean {
  if (!validFsPath(rel)) return false;
  return fs.exists(joinRoot(root, rel));
}

function globDir(fs: FileSystem, root: string, dir: string, pattern: string, matches: string[]): string[] {
  if (!validFsPath(dir)) return matches;
  const abs = joinRoot(root, dir);
  if (!fs.isDirectory(abs)) return matches;
  for (const name of fs.readDir(abs)) {
    if (goPathMatch(pattern, name)) matches.push(dir === "." ? name : `${dir}/${name}`);
  }
  return matches;
}

/** io/fs.ValidPath: unrooted, no empty, `.` or `..` elements (except the lone "."). */
export function validFsPath(p: string): boolean {
  if (p === ".") return true;
  return p.split("/").every((e) => e !== "" && e !== "." && e !== "..");
}

function joinRoot(root: string, rel: string): string {
  return rel === "." ? root : root === "/" ? `/${rel}` : `${root}/${rel}`;
}

// ---- doublestar ----------------------------------------------------------------------------

/** doublestar v4 pattern as RE2. */
function translateDoublestar(pattern: string): string {
  return translateAlternative(pattern, 0, pattern.length, true).re;
}

/**
 * Translates pattern[start, end). `segmentStart`: whether `start` begins a path segment.
 * Returns the RE2 text.
 */
function translateAlternative(
  pattern: string,
  start: number,
  end: number,
  segmentStart: boolean,
): { re: string } {
  let out = "";
  let atSegmentStart = segmentStart;
  for (let i = start; i < end; ) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*" && i + 1 < end) {
        const after = i + 2;
        if (atSegmentStart && after >= end && end === pattern.length) {
          // Trailing `**` (after a separator or alone): anything, including nothing. A
          // preceding `/` is optional too (`a/**` matches `a`).
          if (out.endsWith("/")) out = `${out.slice(0, -1)}(?:/.*)?`;
          else out += ".*";
          return { re: out };
        }
        if (atSegmentStart && pattern[after] === "/") {
          // `**/`: zero or more whole directories.
          out += "(?:[^/]*/)*";
          i = after + 1;
          atSegmentStart = true;
          continue;
        }
        // Anywhere else `**` is a single star, as in bash.
        out += "[^/]*";
        i = after;
        atSegmentStart = false;
        continue;
      }
      out += "[^/]*";
      i++;
      atSegmentStart = false;
    } else if (c === "?") {
      out += "[^/]";
      i++;
      atSegmentStart = false;
    } else if (c === "[") {
      const cls = translateClass(pattern, i + 1);
      out += cls.re;
      i = cls.end;
      atSegmentStart = false;
    } else if (c === "{") {
      const close = matchingBrace(pattern, i + 1);
      if (close < 0 || close >= end) throw new BadPatternError(pattern);
      const parts = splitAlternatives(pattern, i + 1, close);
      const rest = translateAlternative(pattern, close + 1, end, false).re;
      // An alternative may change segment state (`{a/**,b}`): translate each with the rest.
      const alts = parts.map(([s, e]) => translateAlternative(pattern, s, e, atSegmentStart).re);
      out += `(?:${alts.join("|")})${rest}`;
      return { re: out };
    } else if (c === "\\") {
      if (i + 1 >= end) throw new BadPatternError(pattern);
      const cp = String.fromCodePoint(pattern.codePointAt(i + 1)!);
      out += quoteRune(cp);
      i += 1 + cp.length;
      atSegmentStart = false;
    } else {
      const cp = String.fromCodePoint(pattern.codePointAt(i)!);
      out += cp === "/" ? "/" : quoteRune(cp);
      i += cp.length;
      atSegmentStart = cp === "/";
    }
  }
  return { re: out };
}

function matchingBrace(pattern: string, from: number): number {
  let depth = 1;
  for (let i = from; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}

function splitAlternatives(pattern: string, start: number, end: number): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < end; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "{") depth++;
    else if (c === "}") depth--;
    else if (c === "," && depth === 0) {
      parts.push([from, i]);
      from = i + 1;
    }
  }
  parts.push([from, end]);
  return parts;
}

/** doublestar.Match. Throws BadPatternError for a malformed pattern. */
export function doublestarMatch(pattern: string, name: string): boolean {
  return cachedRegex(`ds\0${pattern}`, () => translateDoublestar(pattern)).matches(name);
}

/** doublestar.ValidatePattern. */
export function validDoublestarPattern(pattern: string): boolean {
  try {
    doublestarMatch(pattern, ".");
    return true;
  } catch (err) {
    if (err instanceof BadPatternError) return false;
    throw err;
  }
}

/**
 * doublestar.Glob over `root`: every file or directory whose root-relative path matches,
 * in walk order ("." for the root itself when the pattern matches it).
 */
export function doublestarGlob(fs: FileSystem, root: string, pattern: string): string[] {
  doublestarMatch(pattern, "."); // throws for a bad pattern
  const out: string[] = [];
  if (doublestarMatch(pattern, ".")) out.push(".");
  const walk = (dir: string, rel: string, depth: number) => {
    if (depth > 256) return;
    for (const name of fs.readDir(dir)) {
      const abs = `${dir === "/" ? "" : dir}/${name}`;
      const r = rel === "" ? name : `${rel}/${name}`;
      if (doublestarMatch(pattern, r)) out.push(r);
      if (fs.isDirectory(abs)) walk(abs, r, depth + 1);
    }
  };
  if (fs.isDirectory(root)) walk(root, "", 0);
  return out;
}
