/**
 * Masterminds/goutils v1.1.1, the helpers behind sprig's abbrev, abbrevboth, initials, wrap,
 * wrapWith, swapcase, untitle and nospace. Several work on bytes where they look like they
 * work on characters; those quirks are kept (quirk kept: Initials and DeleteWhiteSpace treat
 * each UTF-8 byte as a Latin-1 rune, so non-ASCII text comes out as mojibake, as in Helm).
 */
import { byteSlice, utf8Decode, utf8Encode, utf8Length } from "../../template/gostring.js";
import { GoFuncError } from "../types.js";
import { fromRunes, isLower, isSpace, isTitle, isUpper, runesOf, toLower, toTitle } from "./unicode.js";

/** AbbreviateFull(str, offset, maxWidth); the error results sprig ignores come back as "". */
export function abbreviateFull(str: string, offset: number, maxWidth: number): string {
  if (str === "") return "";
  if (maxWidth < 4) return "";
  const len = utf8Length(str);
  if (len <= maxWidth) return str;
  if (offset > len) offset = len;
  if (len - offset < maxWidth - 3) offset = len - (maxWidth - 3);
  const marker = "...";
  if (offset <= 4) return byteSlice(str, 0, maxWidth - 3) + marker;
  if (maxWidth < 7) return "";
  if (offset + maxWidth - 3 < len)
    return marker + abbreviateFull(byteSlice(str, offset, len), 0, maxWidth - 3);
  return marker + byteSlice(str, len - (maxWidth - 3), len);
}

/** Initials: the first byte of each whitespace-separated word, each byte taken as a rune. */
export function initials(str: string): string {
  if (str === "") return str;
  const out: number[] = [];
  let lastWasGap = true;
  for (const b of utf8Encode(str)) {
    if (isSpace(b)) lastWasGap = true;
    else if (lastWasGap) {
      out.push(b);
      lastWasGap = false;
    }
  }
  return fromRunes(out);
}

/** DeleteWhiteSpace: byte-wise; returns the input untouched when nothing was removed. */
export function deleteWhiteSpace(str: string): string {
  if (str === "") return str;
  const bytes = utf8Encode(str);
  const kept = Array.from(bytes).filter((b) => !isSpace(b));
  if (kept.length === bytes.length) return str;
  return fromRunes(kept);
}

/** Uncapitalize: lower-cases the first rune of each whitespace-separated word. */
export function uncapitalize(str: string): string {
  if (str === "") return str;
  const rs = runesOf(str);
  let next = true;
  for (let i = 0; i < rs.length; i++) {
    if (isSpace(rs[i]!)) next = true;
    else if (next) {
      rs[i] = toLower(rs[i]!);
      next = false;
    }
  }
  return fromRunes(rs);
}

/** SwapCase: upper/title → lower; lower → title after whitespace (or at the start), else upper. */
export function swapCase(str: string): string {
  if (str === "") return str;
  const rs = runesOf(str);
  let whitespace = true;
  for (let i = 0; i < rs.length; i++) {
    const c = rs[i]!;
    if (isUpper(c) || isTitle(c)) {
      rs[i] = toLower(c);
      whitespace = false;
    } else if (isLower(c)) {
      rs[i] = whitespace ? toTitle(c) : toUpperRune(c);
      whitespace = false;
    } else {
      whitespace = isSpace(c);
    }
  }
  return fromRunes(rs);
}

import { toUpper as toUpperRune } from "./unicode.js";

/** The longest result wrap and wrapWith build: the limit strings.Repeat has (go/strings.ts). */
const MAX_WRAP_BYTES = 1 << 29;

/**
 * WrapCustom(str, wrapLength, newLineStr, wrapLongWords), on bytes as upstream. `name` is the
 * template function, for the error. The separator is written at every break, so the result can
 * be far larger than `str` (a 40-byte separator after each of 15 million words: 600 MB): the
 * breaks are found once to size the result, which is refused past MAX_WRAP_BYTES, then once to
 * write it into one buffer (a JavaScript array of bytes ended the process past V8's largest array).
 */
export function wrapCustom(
  str: string,
  wrapLength: number,
  newLine: string,
  wrapLongWords: boolean,
  name = "wrap",
): string {
  if (str === "") return "";
  if (newLine === "") newLine = "\n";
  if (wrapLength < 1) wrapLength = 1;
  const b = utf8Encode(str);
  const nl = utf8Encode(newLine);
  let size = 0;
  wrapBreaks(b, wrapLength, wrapLongWords, (from, to, brk) => {
    size += to - from + (brk ? nl.length : 0);
  });
  if (size > MAX_WRAP_BYTES) throw new GoFuncError(`${name}: output of ${size} bytes is too large to render`);
  const out = new Uint8Array(size);
  let at = 0;
  wrapBreaks(b, wrapLength, wrapLongWords, (from, to, brk) => {
    out.set(b.subarray(from, to), at);
    at += to - from;
    if (brk) {
      out.set(nl, at);
      at += nl.length;
    }
  });
  return utf8Decode(out);
}

/** WrapCustom's loop: each piece of `b` it writes, and whether a newline follows it. */
function wrapBreaks(
  b: Uint8Array,
  wrapLength: number,
  wrapLongWords: boolean,
  piece: (from: number, to: number, brk: boolean) => void,
): void {
  const len = b.length;
  let offset = 0;
  while (len - offset > wrapLength) {
    if (b[offset] === 0x20) {
      offset++;
      continue;
    }
    const end = wrapLength + offset + 1;
    let spaceAt = lastIndexOfSpace(b, offset, end);
    if (spaceAt >= offset) {
      piece(offset, spaceAt, true);
      offset = spaceAt + 1;
    } else if (wrapLongWords) {
      piece(offset, wrapLength + offset, true);
      offset += wrapLength;
    } else {
      const e = wrapLength + offset;
      const index = b.indexOf(0x20, e);
      if (index === -1) {
        piece(offset, len, false);
        offset = len;
      } else {
        spaceAt = index;
        piece(offset, spaceAt, true);
        offset = spaceAt + 1;
      }
    }
  }
  piece(offset, len, false);
}

/** strings.LastIndex(str[from:to], " ") + from, i.e. from-1 when absent. */
function lastIndexOfSpace(b: Uint8Array, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (b[i] === 0x20) return i;
  return from - 1;
}
