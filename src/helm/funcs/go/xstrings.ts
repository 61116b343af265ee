/**
 * huandu/xstrings v1.5.0, behind sprig's snakecase, kebabcase, camelcase (ToPascalCase since
 * sprig 3.3) and shuffle. Words are found on the UTF-8 bytes as upstream does: invalid
 * sequences (and a literal U+FFFD) are RuneError, skipped over by nextValidRune.
 */
import { decodeRune, utf8Decode, utf8Encode } from "../../template/gostring.js";
import {
  fromRunes,
  isLetter,
  isNumber,
  isPunct,
  isSpace,
  isUpper,
  runesOf,
  toLower,
  toUpper,
} from "./unicode.js";

const RUNE_ERROR = 0xfffd;

/** A UTF-8 string as bytes plus Go's DecodeRuneInString. */
class Bytes {
  constructor(
    readonly b: Uint8Array,
    readonly start = 0,
  ) {}
  get length(): number {
    return this.b.length - this.start;
  }
  from(n: number): Bytes {
    return new Bytes(this.b, this.start + n);
  }
  decode(): [number, number] {
    if (this.length === 0) return [RUNE_ERROR, 0];
    const [r, size] = decodeRune(this.b, this.start);
    return r < 0 ? [RUNE_ERROR, 1] : [r, size];
  }
  slice(n: number): Uint8Array {
    return this.b.subarray(this.start, this.start + n);
  }
}

class Out {
  bytes: number[] = [];
  writeRune(r: number): void {
    for (const x of utf8Encode(String.fromCodePoint(r))) this.bytes.push(x);
  }
  writeBytes(b: Uint8Array): void {
    for (const x of b) this.bytes.push(x);
  }
  toString(): string {
    return utf8Decode(Uint8Array.from(this.bytes));
  }
}

const isConnector = (r: number): boolean => r === 0x2d || r === 0x5f || isSpace(r);

/** A letter that is not a CJK ideograph (xstrings' isAlphabet). */
function isAlphabet(r: number): boolean {
  if (!isLetter(r)) return false;
  if (r < 0x3400) return true;
  if (r >= 0x4e00 && r <= 0x9fcc) return false;
  if (r >= 0x3400 && r <= 0x4d85) return false;
  if (r >= 0x20000 && r <= 0x2b81d) return false;
  return true;
}

/** ToPascalCase (isBig) / ToCamelCase. */
export function toCamelCase(input: string, isBig: boolean): string {
  let str = new Bytes(utf8Encode(input));
  if (str.length === 0) return "";
  const buf = new Out();
  let isFirstRuneUpper = false;
  let r0 = 0;
  let r1 = 0;
  let size = 0;
  while (str.length > 0) {
    [r0, size] = str.decode();
    str = str.from(size);
    if (!isConnector(r0)) {
      isFirstRuneUpper = isUpper(r0);
      r0 = isBig ? toUpper(r0) : toLower(r0);
      break;
    }
    buf.writeRune(r0);
  }
  if (str.length === 0) {
    if (size !== 0) buf.writeRune(r0);
    return buf.toString();
  }
  while (str.length > 0) {
    r1 = r0;
    [r0, size] = str.decode();
    str = str.from(size);
    if (isConnector(r0) && isConnector(r1)) {
      buf.writeRune(r1);
      continue;
    }
    if (isConnector(r1)) {
      isFirstRuneUpper = isUpper(r0);
      r0 = toUpper(r0);
    } else {
      if (isFirstRuneUpper) {
        if (isUpper(r0)) r0 = toLower(r0);
        else isFirstRuneUpper = false;
      }
      buf.writeRune(r1);
    }
  }
  if (isFirstRuneUpper && !isBig) r0 = toLower(r0);
  buf.writeRune(r0);
  return buf.toString();
}

enum Word {
  Invalid,
  Number,
  UpperCase,
  Alphabet,
  Connector,
  Punct,
  Other,
}

function nextValidRune(str: Bytes, prev: number): [number, number] {
  let size = 0;
  while (str.length > 0) {
    const [r, sz] = str.decode();
    size += sz;
    if (r !== RUNE_ERROR) return [r, size];
    str = str.from(sz);
  }
  return [prev, size];
}

function nextWord(str: Bytes): [Word, Uint8Array, Bytes] {
  if (str.length === 0) return [Word.Invalid, new Uint8Array(), str];
  let offset = 0;
  let remaining = str;
  let [r, size] = nextValidRune(remaining, RUNE_ERROR);
  offset += size;
  if (r === RUNE_ERROR) return [Word.Invalid, str.slice(offset), str.from(offset)];
  let wt: Word;
  const run = (pred: (x: number) => boolean) => {
    remaining = remaining.from(size);
    while (remaining.length > 0) {
      [r, size] = nextValidRune(remaining, r);
      if (!pred(r)) break;
      offset += size;
      remaining = remaining.from(size);
    }
  };
  if (isConnector(r)) {
    wt = Word.Connector;
    run(isConnector);
  } else if (isPunct(r)) {
    wt = Word.Punct;
    run(isPunct);
  } else if (isUpper(r)) {
    wt = Word.UpperCase;
    remaining = remaining.from(size);
    if (remaining.length > 0) {
      [r, size] = nextValidRune(remaining, r);
      if (isUpper(r)) {
        let prevSize = size;
        offset += size;
        remaining = remaining.from(size);
        while (remaining.length > 0) {
          [r, size] = nextValidRune(remaining, r);
          if (!isUpper(r)) break;
          prevSize = size;
          offset += size;
          remaining = remaining.from(size);
        }
        // "HTTPStatus" splits into "HTTP" and "Status": the S goes back to the remainder.
        if (remaining.length > 0 && isAlphabet(r)) {
          offset -= prevSize;
          remaining = str.from(offset);
        }
      } else if (isAlphabet(r)) {
        offset += size;
        remaining = remaining.from(size);
        while (remaining.length > 0) {
          [r, size] = nextValidRune(remaining, r);
          if (!isAlphabet(r) || isUpper(r)) break;
          offset += size;
          remaining = remaining.from(size);
        }
      }
    }
  } else if (isAlphabet(r)) {
    wt = Word.Alphabet;
    run((x) => isAlphabet(x) && !isUpper(x));
  } else if (isNumber(r)) {
    wt = Word.Number;
    run(isNumber);
  } else {
    wt = Word.Other;
    remaining = remaining.from(size);
    while (remaining.length > 0) {
      [r, size] = nextValidRune(remaining, r);
      if (size === 0 || isConnector(r) || isAlphabet(r) || isNumber(r) || isPunct(r)) break;
      offset += size;
      remaining = remaining.from(size);
    }
  }
  return [wt, str.slice(offset), remaining];
}

function lowerWord(buf: Out, wt: Word, word: Uint8Array, connector: number): void {
  if (wt !== Word.UpperCase && wt !== Word.Connector) {
    buf.writeBytes(word);
    return;
  }
  let s = new Bytes(word);
  while (s.length > 0) {
    const [r, size] = s.decode();
    s = s.from(size);
    if (isConnector(r)) buf.writeRune(connector);
    else if (isUpper(r)) buf.writeRune(toLower(r));
    else buf.writeRune(r);
  }
}

/** camelCaseToLowerCase: ToSnakeCase ('_') and ToKebabCase ('-'). */
export function camelCaseToLowerCase(input: string, connector: number): string {
  if (input === "") return "";
  const buf = new Out();
  let [wt, word, remaining] = nextWord(new Bytes(utf8Encode(input)));
  while (remaining.length > 0) {
    if (wt !== Word.Connector) lowerWord(buf, wt, word, connector);
    const prev = wt;
    const last = word;
    [wt, word, remaining] = nextWord(remaining);
    switch (prev) {
      case Word.Number:
        while (wt === Word.Alphabet || wt === Word.Number) {
          lowerWord(buf, wt, word, connector);
          [wt, word, remaining] = nextWord(remaining);
        }
        if (wt !== Word.Invalid && wt !== Word.Punct && wt !== Word.Connector) buf.writeRune(connector);
        break;
      case Word.Connector:
        lowerWord(buf, prev, last, connector);
        break;
      case Word.Punct:
        break;
      default: {
        if (wt !== Word.Number) {
          if (wt !== Word.Connector && wt !== Word.Punct) buf.writeRune(connector);
          break;
        }
        if (remaining.length === 0) break;
        const num = word;
        [wt, word, remaining] = nextWord(remaining);
        // A number is part of the previous word ("Bld4Floor" → bld4_floor) unless lower-case
        // letters follow it ("HTTP2xx" → http_2xx).
        if (wt !== Word.Alphabet) {
          lowerWord(buf, Word.Number, num, connector);
          if (wt !== Word.Connector && wt !== Word.Punct) buf.writeRune(connector);
          break;
        }
        buf.writeRune(connector);
        lowerWord(buf, Word.Number, num, connector);
        while (wt === Word.Alphabet || wt === Word.Number) {
          lowerWord(buf, wt, word, connector);
          [wt, word, remaining] = nextWord(remaining);
        }
        if (wt !== Word.Invalid && wt !== Word.Connector && wt !== Word.Punct) buf.writeRune(connector);
      }
    }
  }
  lowerWord(buf, wt, word, connector);
  return buf.toString();
}

/** Shuffle: Fisher–Yates over the runes with math/rand's Intn, here from the seeded source. */
export function shuffle(str: string, random: () => number): string {
  if (str === "") return str;
  const rs = runesOf(str);
  for (let i = rs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    if (i !== j) [rs[i], rs[j]] = [rs[j]!, rs[i]!];
  }
  return fromRunes(rs);
}
