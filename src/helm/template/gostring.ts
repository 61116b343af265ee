/**
 * Go strings are byte sequences; JavaScript strings are UTF-16. A Go string is held here as
 * the JavaScript string of its UTF-8 decoding, and the bytes that are not valid UTF-8 (a
 * `substr` cut through a multi-byte character, `b64dec` of binary data) are kept as lone
 * surrogates U+DC80–U+DCFF, one per byte (Python's "surrogateescape"). Valid text never
 * contains lone surrogates, so the mapping is lossless both ways, and a string of valid
 * UTF-8 is just the ordinary JavaScript string.
 *
 * Everything that Go does per byte (`len`, `slice`, `index`, `%x`, `%.3s` on []byte,
 * `substr`, hashes) goes through `utf8Encode`, and everything per rune through code points.
 */

import { isUtf8 } from "node:buffer";

const UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });
const ESCAPE_BASE = 0xdc00; // byte b (0x80–0xFF) ↔ U+DC00 + b

/** True when every UTF-16 unit is ASCII: then bytes, runes and units coincide. */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The UTF-8 bytes of a Go string (escaped bytes restored; other lone surrogates become U+FFFD). */
export function utf8Encode(s: string): Uint8Array {
  const out = new Uint8Array(utf8Length(s));
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[j++] = c;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        out[j++] = 0xf0 | (cp >> 18);
        out[j++] = 0x80 | ((cp >> 12) & 0x3f);
        out[j++] = 0x80 | ((cp >> 6) & 0x3f);
        out[j++] = 0x80 | (cp & 0x3f);
        i++;
        continue;
      }
      if (c >= ESCAPE_BASE + 0x80 && c <= ESCAPE_BASE + 0xff) {
        out[j++] = c - ESCAPE_BASE;
        continue;
      }
      c = 0xfffd;
    }
    if (c < 0x800) {
      out[j++] = 0xc0 | (c >> 6);
      out[j++] = 0x80 | (c & 0x3f);
    } else {
      out[j++] = 0xe0 | (c >> 12);
      out[j++] = 0x80 | ((c >> 6) & 0x3f);
      out[j++] = 0x80 | (c & 0x3f);
    }
  }
  return out;
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * utf8Encode as a Buffer, for output: a string without surrogates (no escaped bytes, no
 * astral characters) is encoded natively, which gives the same bytes without a loop in
 * JavaScript over every character of a release (megabytes for kube-prometheus-stack).
 */
export function utf8Buffer(s: string): Buffer {
  return SURROGATE.test(s) ? Buffer.from(utf8Encode(s)) : Buffer.from(s, "utf8");
}

/** `len(s)` in Go: the number of UTF-8 bytes. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        n += 2; // two units → four bytes
        i++;
      } else if (c < ESCAPE_BASE + 0x80 || c > ESCAPE_BASE + 0xff) n += 2; // U+FFFD
    } else n += 2;
  }
  return n;
}

/**
 * Decodes bytes the way Go ranges over a string: each maximal valid UTF-8 sequence is a
 * rune, each byte of an invalid sequence stands alone (escaped as U+DC80+byte).
 */
export function utf8Decode(b: Uint8Array, start = 0, end = b.length): string {
  // Valid UTF-8 (no surrogate, overlong or out-of-range sequence, as Go's decoder holds too) is
  // every rune as is: the native decoder, which keeps a byte order mark (Go does).
  const view = start === 0 && end === b.length ? b : b.subarray(start, end);
  if (isUtf8(view)) return UTF8.decode(view);
  let out = "";
  let runStart = start;
  let i = start;
  // Fast path: runs of ASCII are appended in one piece.
  const flush = (to: number) => {
    if (to > runStart) out += String.fromCharCode.apply(null, Array.from(b.subarray(runStart, to)));
  };
  while (i < end) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      if (i - runStart >= 4096) {
        flush(i);
        runStart = i;
      }
      continue;
    }
    flush(i);
    const [cp, size] = decodeRune(b, i, end);
    out += cp < 0 ? String.fromCharCode(ESCAPE_BASE + c) : String.fromCodePoint(cp);
    i += size;
    runStart = i;
  }
  flush(i);
  return out;
}

/**
 * Go's utf8.DecodeRune: the rune at `i` and its width, or (-1, 1) for an invalid byte
 * (Go reports RuneError; -1 tells an invalid byte from a literal U+FFFD).
 */
export function decodeRune(b: Uint8Array, i: number, end = b.length): [number, number] {
  const c0 = b[i]!;
  if (c0 < 0x80) return [c0, 1];
  const avail = end - i;
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    if (avail >= 2 && isCont(b[i + 1]!)) return [((c0 & 0x1f) << 6) | (b[i + 1]! & 0x3f), 2];
    return [-1, 1];
  }
  if (c0 >= 0xe0 && c0 <= 0xef) {
    if (avail < 3) return [-1, 1];
    const c1 = b[i + 1]!;
    const lo = c0 === 0xe0 ? 0xa0 : 0x80;
    const hi = c0 === 0xed ? 0x9f : 0xbf;
    if (c1 < lo || c1 > hi || !isCont(b[i + 2]!)) return [-1, 1];
    return [((c0 & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (b[i + 2]! & 0x3f), 3];
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    if (avail < 4) return [-1, 1];
    const c1 = b[i + 1]!;
    const lo = c0 === 0xf0 ? 0x90 : 0x80;
    const hi = c0 === 0xf4 ? 0x8f : 0xbf;
    if (c1 < lo || c1 > hi || !isCont(b[i + 2]!) || !isCont(b[i + 3]!)) return [-1, 1];
    return [((c0 & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f), 4];
  }
  return [-1, 1];
}

function isCont(c: number): boolean {
  return (c & 0xc0) === 0x80;
}

/** An escaped invalid byte (see the module comment), as a code point; -1 otherwise. */
export function escapedByte(cp: number): number {
  return cp >= ESCAPE_BASE + 0x80 && cp <= ESCAPE_BASE + 0xff ? cp - ESCAPE_BASE : -1;
}

/** Go's utf8.RuneCountInString: runes, with each invalid byte counting as one. */
export function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** `s[start:end]` on the bytes of a Go string. */
export function byteSlice(s: string, start: number, end?: number): string {
  if (isAscii(s)) return s.slice(start, end);
  const b = utf8Encode(s);
  return utf8Decode(b, start, end ?? b.length);
}
