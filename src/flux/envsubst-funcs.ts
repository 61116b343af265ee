/**
 * The string operations behind envsubst's operators. Go strings are byte strings, so lengths,
 * offsets and glob trimming work on UTF-8 bytes, exactly as fluxcd/pkg envsubst v1.7.0 does;
 * replacement is literal (not a glob), and case mapping is per code point.
 */

/** Thrown where the Go code would panic (Flux's reconcile then fails). */
export class GoPanic extends Error {
  constructor(message: string) {
    super(`runtime error: ${message}`);
    this.name = "GoPanic";
  }
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

function bytesOf(s: string): Uint8Array {
  return utf8.encode(s);
}

function textOf(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

export function byteLength(s: string): number {
  return bytesOf(s).length;
}

/** `${v:offset}` / `${v:offset:length}`; unparsable numbers leave the value unchanged. */
export function substring(value: string, offsetArg: string, lengthArg?: string): string {
  const bytes = bytesOf(value);
  const n = bytes.length;
  let pos = parseGoInt(offsetArg);
  if (pos === undefined) return value;
  if (pos < 0) pos = Math.max(0, n + pos);
  if (lengthArg === undefined) return pos < n ? textOf(bytes.subarray(pos)) : "";
  const length = parseGoInt(lengthArg);
  if (length === undefined) return value;
  const end = pos + length;
  if (end >= n) return pos < n ? textOf(bytes.subarray(pos)) : "";
  // v1.7.0 slices s[pos:pos+length] without checking a negative length.
  if (end < 0) throw new GoPanic(`slice bounds out of range [:${end}]`);
  if (end < pos) throw new GoPanic(`slice bounds out of range [${pos}:${end}]`);
  return textOf(bytes.subarray(pos, end));
}

const MAX_INT64 = 2n ** 63n - 1n;

/** strconv.Atoi: optional sign and decimal digits, within int64. */
function parseGoInt(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const big = BigInt(s);
  if (big > MAX_INT64 || big < -MAX_INT64 - 1n) return undefined;
  return Number(big);
}

export function upperFirst(s: string): string {
  const first = firstCodePoint(s);
  return first === "" ? s : mapCase(first, true) + s.slice(first.length);
}

export function lowerFirst(s: string): string {
  const first = firstCodePoint(s);
  return first === "" ? s : mapCase(first, false) + s.slice(first.length);
}

export function upperAll(s: string): string {
  return Array.from(s, (ch) => mapCase(ch, true)).join("");
}

export function lowerAll(s: string): string {
  return Array.from(s, (ch) => mapCase(ch, false)).join("");
}

function firstCodePoint(s: string): string {
  const cp = s.codePointAt(0);
  return cp === undefined ? "" : String.fromCodePoint(cp);
}

/** Go maps one rune to one rune; JavaScript's full mappings (ß → SS) are not taken. */
function mapCase(ch: string, upper: boolean): string {
  const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
  return Array.from(mapped).length === 1 ? mapped : ch;
}

/** Go's strings.Replace(s, old, new, n) with n = 1 or all (-1), including the empty `old`. */
export function replaceLiteral(s: string, old: string, replacement: string, all: boolean): string {
  if (old === "") {
    if (!all) return replacement + s;
    return replacement + Array.from(s).join(replacement) + (s === "" ? "" : replacement);
  }
  if (all) return s.split(old).join(replacement);
  const at = s.indexOf(old);
  return at < 0 ? s : s.slice(0, at) + replacement + s.slice(at + old.length);
}

export function replacePrefix(s: string, prefix: string, replacement: string): string {
  return s.startsWith(prefix) ? replacement + s.slice(prefix.length) : s;
}

export function replaceSuffix(s: string, suffix: string, replacement: string): string {
  return s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) + replacement : s;
}

/** `${v#p}` (longest=false) and `${v##p}` (longest=true). */
export function trimPrefix(s: string, pattern: string, longest: boolean): string {
  const bytes = bytesOf(s);
  const glob = compileGlob(pattern);
  if (glob === undefined) return s;
  // Prefixes are tried from the longest down to one byte; the empty prefix never counts.
  let matched = 0;
  for (let len = bytes.length; len >= 1; len--) {
    if (glob(decodeRunes(bytes.subarray(0, len)))) {
      matched = len;
      if (longest) break;
    }
  }
  return matched === 0 ? s : textOf(bytes.subarray(matched));
}

/** `${v%p}` / `${v%%p}`: envsubst reverses value and pattern (by code point) and trims a prefix. */
export function trimSuffix(s: string, pattern: string, longest: boolean): string {
  return reverseCodePoints(trimPrefix(reverseCodePoints(s), reverseCodePoints(pattern), longest));
}

function reverseCodePoints(s: string): string {
  return Array.from(s).reverse().join("");
}

/** Decodes like Go's utf8.DecodeRune: each invalid byte becomes U+FFFD on its own. */
function decodeRunes(bytes: Uint8Array): number[] {
  const runes: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const [rune, width] = decodeRune(bytes, i);
    runes.push(rune);
    i += width;
  }
  return runes;
}

function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c0 = b[i]!;
  if (c0 < 0x80) return [c0, 1];
  const cont = (k: number) => i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
  if (c0 >= 0xc2 && c0 <= 0xdf && cont(1)) return [((c0 & 0x1f) << 6) | (b[i + 1]! & 0x3f), 2];
  if (c0 >= 0xe0 && c0 <= 0xef && cont(1) && cont(2)) {
    const r = ((c0 & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f);
    if (r >= 0x800 && (r < 0xd800 || r > 0xdfff)) return [r, 3];
  }
  if (c0 >= 0xf0 && c0 <= 0xf4 && cont(1) && cont(2) && cont(3)) {
    const r =
      ((c0 & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f);
    if (r >= 0x10000 && r <= 0x10ffff) return [r, 4];
  }
  return [0xfffd, 1];
}

type GlobTerm =
  | { kind: "star" }
  | { kind: "any" }
  | { kind: "rune"; rune: number }
  | { kind: "class"; negated: boolean; ranges: Array<[number, number]> };

/**
 * Shell glob as in Go's path.Match, except that `*` and `?` also match a slash (envsubst's
 * fork: `##` with the pattern star-slash strips up to the LAST slash of `a/b/c`). A malformed
 * pattern yields undefined: envsubst then leaves the value unchanged.
 */
export function compileGlob(pattern: string): ((name: number[]) => boolean) | undefined {
  const terms = parseGlob(Array.from(pattern, (ch) => ch.codePointAt(0)!));
  if (terms === undefined) return undefined;
  return (name) => matchTerms(terms, 0, name, 0);
}

function parseGlob(p: number[]): GlobTerm[] | undefined {
  const terms: GlobTerm[] = [];
  const BACKSLASH = 0x5c;
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (c === 0x2a) {
      // Consecutive stars match the same as one; collapsing them keeps backtracking linear.
      if (terms.at(-1)?.kind !== "star") terms.push({ kind: "star" });
      i += 1;
    } else if (c === 0x3f) {
      terms.push({ kind: "any" });
      i += 1;
    } else if (c === BACKSLASH) {
      if (i + 1 >= p.length) return undefined;
      terms.push({ kind: "rune", rune: p[i + 1]! });
      i += 2;
    } else if (c === 0x5b) {
      i += 1;
      const negated = p[i] === 0x5e;
      if (negated) i += 1;
      const ranges: Array<[number, number]> = [];
      for (;;) {
        if (i >= p.length) return undefined;
        if (p[i] === 0x5d && ranges.length > 0) {
          i += 1;
          break;
        }
        const lo = classChar(p, i);
        if (lo === undefined) return undefined;
        i = lo.next;
        let hi = lo;
        if (p[i] === 0x2d) {
          hi = classChar(p, i + 1) ?? { rune: -1, next: i };
          if (hi.rune < 0) return undefined;
          i = hi.next;
        }
        ranges.push([lo.rune, hi.rune]);
      }
      terms.push({ kind: "class", negated, ranges });
    } else {
      terms.push({ kind: "rune", rune: c });
      i += 1;
    }
  }
  return terms;
}

function classChar(p: number[], i: number): { rune: number; next: number } | undefined {
  const c = p[i];
  if (c === undefined || c === 0x2d || c === 0x5d) return undefined;
  if (c === 0x5c) {
    const escaped = p[i + 1];
    return escaped === undefined ? undefined : { rune: escaped, next: i + 2 };
  }
  return { rune: c, next: i + 1 };
}

function matchTerms(terms: GlobTerm[], t: number, name: number[], n: number): boolean {
  while (t < terms.length) {
    const term = terms[t]!;
    if (term.kind === "star") {
      for (let k = n; k <= name.length; k++) if (matchTerms(terms, t + 1, name, k)) return true;
      return false;
    }
    const r = name[n];
    if (r === undefined) return false;
    if (term.kind === "rune" && term.rune !== r) return false;
    if (term.kind === "class") {
      const inside = term.ranges.some(([lo, hi]) => r >= lo && r <= hi);
      if (inside === term.negated) return false;
    }
    t += 1;
    n += 1;
  }
  return n === name.length;
}
