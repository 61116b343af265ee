/**
 * Go's strings package where its semantics differ from JavaScript's: work on UTF-8 bytes
 * (Go strings are bytes; see ../../template/gostring.ts for how they are held) and on runes
 * where Go decodes, with Go's panics.
 */
import { byteSlice, isAscii, utf8Encode, utf8Length } from "../../template/gostring.js";
import { GoFuncError } from "../types.js";
import { isDigit, isLetter, isSpace, mapRunes, runesOf, toLower, toTitle, toUpper } from "./unicode.js";

/** Code points of s with each invalid byte as its own unit (Go's `range` over a string). */
function units(s: string): string[] {
  return Array.from(s);
}

const runeOf = (u: string): number => {
  const r = u.codePointAt(0)!;
  return r >= 0xdc80 && r <= 0xdcff ? 0xfffd : r;
};

/**
 * strings.TrimSpace. By code unit, without splitting the string into runes: every white space
 * rune is one unit of the BMP, and no surrogate unit (half of a pair, a lone one, an escaped
 * invalid byte) is one, so the cut falls where a cut by runes does. Rendered manifests are
 * trimmed whole (releaseutil.SplitManifests, sortManifests), and an array of their runes cost
 * more than the rest of the trim.
 */
export function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** strings.Trim(s, cutset): leading and trailing runes found in cutset. */
export function trimCutset(s: string, cutset: string): string {
  if (s === "" || cutset === "") return s;
  const set = new Set(runesOf(cutset));
  const us = units(s);
  let a = 0;
  let b = us.length;
  while (a < b && set.has(runeOf(us[a]!))) a++;
  while (b > a && set.has(runeOf(us[b - 1]!))) b--;
  return us.slice(a, b).join("");
}

export const trimPrefix = (s: string, prefix: string): string =>
  s.startsWith(prefix) ? s.slice(prefix.length) : s;
export const trimSuffix = (s: string, suffix: string): string =>
  suffix !== "" && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s;

/** strings.ToUpper / ToLower: per-rune simple mappings; invalid bytes become U+FFFD. */
export function toUpperString(s: string): string {
  return isAscii(s) ? s.toUpperCase() : mapRunes(s, toUpper);
}
export function toLowerString(s: string): string {
  return isAscii(s) ? s.toLowerCase() : mapRunes(s, toLower);
}

/** strings.Title's word boundary (isSeparator in Go's strings.go). */
function isSeparator(r: number): boolean {
  if (r <= 0x7f) {
    if ((r >= 48 && r <= 57) || (r >= 97 && r <= 122) || (r >= 65 && r <= 90) || r === 95) return false;
    return true;
  }
  if (isLetter(r) || isDigit(r)) return false;
  return isSpace(r);
}

/** strings.Title (deprecated upstream, still what sprig's `title` calls). */
export function title(s: string): string {
  let prev = 0x20;
  return mapRunes(s, (r) => {
    const out = isSeparator(prev) ? toTitle(r) : r;
    prev = r;
    return out;
  });
}

/** strings.Repeat with Go's panics. */
export function repeat(s: string, count: bigint): string {
  if (count < 0n) throw new GoFuncError("strings: negative Repeat count");
  if (count === 0n || s === "") return "";
  const total = BigInt(utf8Length(s)) * count;
  if (total >= 1n << 63n) throw new GoFuncError("strings: Repeat output length overflow");
  if (total > 1n << 29n)
    throw new GoFuncError(`strings: Repeat output of ${total} bytes is too large to render`);
  return s.repeat(Number(count));
}

/** strings.Replace(s, old, new, -1): an empty `old` matches before every rune and at the end. */
export function replaceAll(s: string, old: string, repl: string): string {
  if (old === repl) return s;
  // String.replaceAll builds no array (indent's "\n" → "\n    " on every include's output), but
  // it reads `$` in the replacement as a pattern: such replacements go through split and join.
  if (old !== "") return repl.includes("$") ? s.split(old).join(repl) : s.replaceAll(old, repl);
  return `${repl}${units(s).join(repl)}${s === "" ? "" : repl}`;
}

/** strings.SplitN (n < 0: all). An empty separator splits into runes (invalid bytes alone). */
export function splitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (sep === "") {
    const us = units(s);
    if (n < 0 || n >= us.length) return us;
    return [...us.slice(0, n - 1), us.slice(n - 1).join("")];
  }
  const all = s.split(sep);
  if (n < 0 || n >= all.length) return all;
  return [...all.slice(0, n - 1), all.slice(n - 1).join(sep)];
}

/** `s[low:high]` on bytes (callers check bounds). */
export { byteSlice, utf8Encode, utf8Length };
