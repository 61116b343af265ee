/**
 * Go's unicode package per rune: classes (IsSpace, IsUpper, IsLetter, …) and the simple
 * one-to-one case mappings behind strings.ToUpper/ToLower/Title. JavaScript's toUpperCase
 * applies full (one-to-many) mappings such as ß → SS; Go never changes the length, so a
 * mapping that would expand leaves the rune unchanged, as Go's tables do.
 */

/** unicode.IsSpace: Latin-1 spaces plus the White_Space property. */
export function isSpace(r: number): boolean {
  switch (r) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
  }
  return r >= 0x2000 && r <= 0x200a;
}

const UPPER = /^\p{Lu}$/u;
const LOWER = /^\p{Ll}$/u;
const TITLE = /^\p{Lt}$/u;
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const NUMBER = /^\p{N}$/u;
const PUNCT = /^\p{P}$/u;

const ch = (r: number): string => String.fromCodePoint(r);

export const isUpper = (r: number): boolean => (r < 0x80 ? r >= 65 && r <= 90 : UPPER.test(ch(r)));
export const isLower = (r: number): boolean => (r < 0x80 ? r >= 97 && r <= 122 : LOWER.test(ch(r)));
export const isTitle = (r: number): boolean => r >= 0x80 && TITLE.test(ch(r));
export const isLetter = (r: number): boolean => LETTER.test(ch(r));
export const isDigit = (r: number): boolean => (r < 0x80 ? r >= 48 && r <= 57 : DIGIT.test(ch(r)));
export const isNumber = (r: number): boolean => NUMBER.test(ch(r));
export const isPunct = (r: number): boolean => PUNCT.test(ch(r));

function single(mapped: string, r: number): number {
  const cp = mapped.codePointAt(0)!;
  return mapped.length === (cp > 0xffff ? 2 : 1) ? cp : r;
}

/** unicode.ToUpper (simple mapping). */
export function toUpper(r: number): number {
  if (r < 0x80) return r >= 97 && r <= 122 ? r - 32 : r;
  if (r >= 0xd800 && r <= 0xdfff) return r;
  return single(ch(r).toUpperCase(), r);
}

/** unicode.ToLower (simple mapping: İ → i, not i + combining dot). */
export function toLower(r: number): number {
  if (r < 0x80) return r >= 65 && r <= 90 ? r + 32 : r;
  if (r === 0x130) return 0x69;
  if (r >= 0xd800 && r <= 0xdfff) return r;
  return single(ch(r).toLowerCase(), r);
}

/** unicode.ToTitle: the upper case, except digraphs (ǆ → ǅ) and Georgian, whose title case is itself. */
export function toTitle(r: number): number {
  if (r >= 0x1c4 && r <= 0x1cc) return r - ((r - 0x1c4) % 3) + 1;
  if (r >= 0x1f1 && r <= 0x1f3) return 0x1f2;
  if ((r >= 0x10d0 && r <= 0x10fa) || (r >= 0x10fd && r <= 0x10ff)) return r;
  return toUpper(r);
}

/** `[]rune(s)`: code points, each invalid byte (held escaped, see gostring.ts) becoming U+FFFD. */
export function runesOf(s: string): number[] {
  const out: number[] = [];
  for (const c of s) {
    const r = c.codePointAt(0)!;
    out.push(r >= 0xdc80 && r <= 0xdcff ? 0xfffd : r);
  }
  return out;
}

export const fromRunes = (rs: number[]): string => {
  let s = "";
  for (const r of rs) s += String.fromCodePoint(r);
  return s;
};

/** strings.Map with a per-rune function. */
export const mapRunes = (s: string, f: (r: number) => number): string => fromRunes(runesOf(s).map(f));
