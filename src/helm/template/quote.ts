/**
 * Go's strconv quoting (strconv/quote.go, Go 1.25): `Quote`, `QuoteToASCII`, `QuoteRune`,
 * `CanBackquote` and `IsPrint`, over Go strings as held in ./gostring.ts (invalid bytes
 * escaped as lone surrogates, which quote as `\xNN`). Used by fmt's %q and by sprig's
 * `quote`-family helpers that call `%q`.
 */
import { escapedByte, utf8Decode, utf8Encode } from "./gostring.js";

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** strconv.IsPrint / unicode.IsPrint: letters, marks, numbers, punctuation, symbols and U+0020. */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (r >= 0xd800 && r <= 0xdfff) return false;
  return PRINTABLE.test(String.fromCodePoint(r));
}

const HEX = "0123456789abcdef";

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

function appendEscapedRune(r: number, quote: number, asciiOnly: boolean): string {
  if (r === quote || r === 0x5c) return `\\${String.fromCharCode(r)}`;
  if (asciiOnly) {
    if (r < 0x80 && isPrint(r)) return String.fromCharCode(r);
  } else if (isPrint(r)) {
    return String.fromCodePoint(r);
  }
  switch (r) {
    case 0x07:
      return "\\a";
    case 0x08:
      return "\\b";
    case 0x0c:
      return "\\f";
    case 0x0a:
      return "\\n";
    case 0x0d:
      return "\\r";
    case 0x09:
      return "\\t";
    case 0x0b:
      return "\\v";
  }
  if (r < 0x20 || r === 0x7f) return `\\x${HEX[r >> 4]}${HEX[r & 15]}`;
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = 0xfffd;
  if (r < 0x10000) return `\\u${hex(r, 4)}`;
  return `\\U${hex(r, 8)}`;
}

function quoteWith(s: string, quote: number, asciiOnly: boolean): string {
  let out = String.fromCharCode(quote);
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    const b = escapedByte(r);
    if (b >= 0) {
      out += `\\x${HEX[b >> 4]}${HEX[b & 15]}`;
      continue;
    }
    if (r >= 0xd800 && r <= 0xdfff) {
      // A stray surrogate is not a Go rune; Go would see the bytes of U+FFFD.
      out += asciiOnly ? "\\ufffd" : "\ufffd";
      continue;
    }
    out += appendEscapedRune(r, quote, asciiOnly);
  }
  return out + String.fromCharCode(quote);
}

/** strconv.Quote */
export function quote(s: string): string {
  return quoteWith(s, 0x22, false);
}

/** strconv.QuoteToASCII */
export function quoteToASCII(s: string): string {
  return quoteWith(s, 0x22, true);
}

function validRune(r: number): number {
  return r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff) ? 0xfffd : r;
}

/** strconv.QuoteRune (invalid runes become U+FFFD). */
export function quoteRune(r: number): string {
  return `'${appendEscapedRune(validRune(r), 0x27, false)}'`;
}

/** strconv.QuoteRuneToASCII */
export function quoteRuneToASCII(r: number): string {
  return `'${appendEscapedRune(validRune(r), 0x27, true)}'`;
}

/** strconv.CanBackquote: one line, no control characters but tab, no backquote, valid UTF-8, no BOM. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (r === 0x60 || r === 0x7f || r === 0xfeff) return false;
    if (r < 0x20 && r !== 0x09) return false;
    if (r >= 0xd800 && r <= 0xdfff) return false; // invalid byte or stray surrogate
  }
  return true;
}

/**
 * strconv.Unquote for the three Go literal forms (`"…"`, `` `…` ``, `'…'`), as the template
 * parser needs it. Returns undefined for invalid syntax (Go's ErrSyntax).
 */
export function unquote(s: string): string | undefined {
  const n = s.length;
  if (n < 2) return undefined;
  const q = s[0];
  if (q !== s[n - 1]) return undefined;
  const body = s.slice(1, n - 1);
  if (q === "`") {
    if (body.includes("`")) return undefined;
    return body.includes("\r") ? body.replaceAll("\r", "") : body;
  }
  if (q !== '"' && q !== "'") return undefined;
  if (
    q === '"' &&
    body.indexOf("\\") < 0 &&
    body.indexOf('"') < 0 &&
    body.indexOf("\n") < 0 &&
    !ESCAPED_BYTE.test(body)
  )
    return body;
  let out = "";
  let bytes = false;
  let runes = 0;
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === q || c === "\n") return undefined;
    if (c !== "\\") {
      const ch = String.fromCodePoint(body.codePointAt(i)!);
      // A byte that is not UTF-8 is utf8.RuneError to UnquoteChar: U+FFFD in the value.
      out += escapedByte(ch.charCodeAt(0)) >= 0 ? "\ufffd" : ch;
      i += ch.length;
      runes++;
      continue;
    }
    const r = unquoteChar(body, i + 1, q);
    if (!r) return undefined;
    if (r.isByte && q === '"' && r.value >= 0x80) {
      out += String.fromCharCode(0xdc00 + r.value);
      bytes = true;
    } else out += String.fromCodePoint(r.value);
    i = r.next;
    runes++;
  }
  if (q === "'" && runes !== 1) return undefined;
  // "\xc3\xa9" is the two bytes of "é": re-decode so the string is held canonically.
  return bytes ? utf8Decode(utf8Encode(out)) : out;
}

/**
 * What may be a byte that is not UTF-8, as gostring.ts holds it (U+DC80–U+DCFF); the low half
 * of some surrogate pairs too, which the character-by-character path then reads as it is.
 */
const ESCAPED_BYTE = /[\udc80-\udcff]/;

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92 };

/**
 * One escape after a backslash at `body[i-1]`, strconv.UnquoteChar rules: \a \b \f \n \r \t
 * \v \\ \' \" (only the matching quote), \xHH and \NNN octal (a byte), \uHHHH, \UHHHHHHHH.
 */
export function unquoteChar(
  body: string,
  i: number,
  q: string,
): { value: number; isByte: boolean; next: number } | undefined {
  const c = body[i];
  if (c === undefined) return undefined;
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { value: simple, isByte: false, next: i + 1 };
  if (c === "'" || c === '"')
    return c === q ? { value: c.charCodeAt(0), isByte: false, next: i + 1 } : undefined;
  if (c === "x" || c === "u" || c === "U") {
    const len = c === "x" ? 2 : c === "u" ? 4 : 8;
    const digits = body.slice(i + 1, i + 1 + len);
    if (digits.length !== len || !/^[0-9a-fA-F]+$/.test(digits)) return undefined;
    const v = Number.parseInt(digits, 16);
    if (c === "x") return { value: v, isByte: true, next: i + 1 + len };
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
    return { value: v, isByte: false, next: i + 1 + len };
  }
  if (c >= "0" && c <= "7") {
    const digits = body.slice(i, i + 3);
    if (digits.length !== 3 || !/^[0-7]{3}$/.test(digits)) return undefined;
    const v = Number.parseInt(digits, 8);
    if (v > 255) return undefined;
    return { value: v, isByte: true, next: i + 3 };
  }
  return undefined;
}
