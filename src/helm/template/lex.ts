/**
 * The lexer of Go's text/template (text/template/parse/lex.go, Go 1.25): text → items, one
 * at a time, on demand of the parser. It knows nothing of values.
 *
 * Kept from Go: trim markers need an ASCII space beside the dash (`{{- x -}}`, so `{{-3}}`
 * is the number -3); comments must touch the delimiters (`{{/* … *\/}}`, `{{- /* … *\/ -}}`);
 * `break`/`continue` are keywords only when no function has that name; every item records
 * the line it starts on, which parse errors report.
 *
 * Differs because: spaces inside an action are not items of their own (Go's itemSpace) but a
 * flag on the item after them (`spaced`): they are a third of a chart's items, and the parser
 * asks only whether one came between two items, in the places Go's parse.go reads itemSpace.
 *
 * Differs because: positions are UTF-16 offsets into the JavaScript string, not byte
 * offsets; columns are converted to Go's byte columns where errors are reported.
 */
import { escapedByte, utf8Length } from "./gostring.js";
import { isPrint, quote } from "./quote.js";

// A const enum: tsc writes each member as its number, so the lexer's and the parser's switches
// compare small integers (V8 makes them jump tables) instead of reading a property of an enum
// object per case, which in the unoptimized code a fresh process runs is an inline-cache call.
// The bundle is built from tsc's output; vitest's per-file transform keeps an enum object.
// biome-ignore lint/suspicious/noConstEnum: see above; only tsc compiles it for the build
export const enum ItemType {
  Error,
  Bool,
  Char,
  CharConstant,
  Comment,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  String,
  Text,
  Variable,
  // Keywords come after all the rest.
  Keyword,
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

export interface Item {
  typ: ItemType;
  /** Offset of the item in the text (UTF-16 units). */
  pos: number;
  val: string;
  /** Line number (1-based) at the start of the item. */
  line: number;
  /** Did spaces precede the item inside its action (Go lexes them as an itemSpace before it)? */
  spaced: boolean;
}

const KEYWORDS: ReadonlyMap<string, ItemType> = new Map([
  [".", ItemType.Dot],
  ["block", ItemType.Block],
  ["break", ItemType.Break],
  ["continue", ItemType.Continue],
  ["define", ItemType.Define],
  ["else", ItemType.Else],
  ["end", ItemType.End],
  ["if", ItemType.If],
  ["range", ItemType.Range],
  ["nil", ItemType.Nil],
  ["template", ItemType.Template],
  ["with", ItemType.With],
]);

export const DEFAULT_LEFT_DELIM = "{{";
export const DEFAULT_RIGHT_DELIM = "}}";
const LEFT_COMMENT = "/*";
const RIGHT_COMMENT = "*/";
const EOF = -1;

export function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

/** unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' */
export function isAlphaNumeric(r: number): boolean {
  if (r < 0x80) {
    return r === 0x5f || (r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a);
  }
  if (r === EOF) return false;
  const ch = String.fromCodePoint(r);
  return LETTER.test(ch) || DIGIT.test(ch);
}

function hasLeftTrimMarker(s: string, i: number): boolean {
  return i + 1 < s.length && s.charCodeAt(i) === 0x2d && isSpace(s.charCodeAt(i + 1));
}

function hasRightTrimMarker(s: string, i: number): boolean {
  return i + 1 < s.length && isSpace(s.charCodeAt(i)) && s.charCodeAt(i + 1) === 0x2d;
}

const TRIM_MARKER_LEN = 2; // marker plus the space before or after it

/** Is the lexer at a right delimiter, and is it trim-marked (" -}}")? */
// biome-ignore lint/suspicious/noConstEnum: as ItemType's
const enum RightDelim {
  None,
  Plain,
  Trimmed,
}

type StateFn = (() => StateFn) | null;

export interface LexOptions {
  emitComment: boolean;
  breakOK: boolean;
  continueOK: boolean;
}

/** Go's %q, or %.Nq (the first N runes, quoted). */
function itemQuote(s: string, max?: number): string {
  if (max !== undefined) {
    const cps = [...s];
    if (cps.length > max) return quote(cps.slice(0, max).join(""));
  }
  return quote(s);
}

/** Go's item.String(), used in "unexpected … in …" messages. */
export function itemString(i: Item): string {
  if (i.typ === ItemType.EOF) return "EOF";
  if (i.typ === ItemType.Error) return i.val;
  if (i.typ > ItemType.Keyword) return `<${i.val}>`;
  if (utf8Length(i.val) > 10) return `${itemQuote(i.val, 10)}...`;
  return itemQuote(i.val);
}

/**
 * A lexer over one text. Its state lives in the closure of `lexer` rather than in an object's
 * fields: a fresh process lexes most of its first charts in unoptimized (baseline) code, where
 * reading or writing a field is a call to an inline-cache stub and reading a closure variable is
 * two machine loads.
 */
export class Lexer {
  /** The next item (Go's lexer.nextItem). */
  readonly nextItem: () => Item;

  constructor(input: string, left: string, right: string, options: LexOptions = DEFAULT_OPTIONS) {
    this.nextItem = lexer(input, left || DEFAULT_LEFT_DELIM, right || DEFAULT_RIGHT_DELIM, options);
  }
}

const DEFAULT_OPTIONS: LexOptions = { emitComment: false, breakOK: true, continueOK: true };

function lexer(text: string, leftDelim: string, rightDelim: string, options: LexOptions): () => Item {
  /** rightDelim's first code unit, which actionFastPath compares at every item of an action. */
  const rightDelim0 = rightDelim.charCodeAt(0);
  const { emitComment, breakOK, continueOK } = options;
  let input = text;
  let pos = 0;
  let start = 0;
  let atEOF = false;
  let parenDepth = 0;
  let line = 1;
  let startLine = 1;
  let item: Item = { typ: ItemType.EOF, pos: 0, val: "EOF", line: 1, spaced: false };
  /** Spaces were skipped since the last item (the next item's `spaced`). */
  let spaced = false;
  let insideAction = false;

  /** The next code point, or EOF. */
  function next(): number {
    const p = pos;
    if (p >= input.length) {
      atEOF = true;
      return EOF;
    }
    const c = input.charCodeAt(p);
    if (c < 0xd800 || c > 0xdbff) {
      pos = p + 1;
      if (c === 0x0a) line++;
      return c;
    }
    const r = input.codePointAt(p)!;
    pos = p + (r > 0xffff ? 2 : 1);
    return r;
  }

  function peek(): number {
    const r = next();
    backup();
    return r;
  }

  function backup(): void {
    if (!atEOF && pos > 0) {
      const lo = input.charCodeAt(pos - 1);
      const hi = pos > 1 ? input.charCodeAt(pos - 2) : 0;
      const pair = lo >= 0xdc00 && lo <= 0xdfff && hi >= 0xd800 && hi <= 0xdbff;
      pos -= pair ? 2 : 1;
      if (lo === 0x0a) line--;
    }
  }

  function thisItem(t: ItemType): Item {
    const i: Item = { typ: t, pos: start, val: input.slice(start, pos), line: startLine, spaced };
    spaced = false;
    start = pos;
    startLine = line;
    return i;
  }

  function emit(t: ItemType): StateFn {
    item = { typ: t, pos: start, val: input.slice(start, pos), line: startLine, spaced };
    spaced = false;
    start = pos;
    startLine = line;
    return null;
  }

  function emitItem(i: Item): StateFn {
    item = i;
    return null;
  }

  /** Skips the spaces from `start` to `pos` (scanned, their newlines counted): the next item is spaced. */
  function skipSpaces(): void {
    spaced = true;
    start = pos;
    startLine = line;
  }

  /** Skips pending input, counting its newlines (for text skipped without next()). */
  function ignore(): void {
    line += countNewlines(input, start, pos);
    start = pos;
    startLine = line;
  }

  /** Consumes the next rune if `valid` (ASCII) contains it. */
  function accept(valid: string): boolean {
    const r = next();
    if (r !== EOF && r < 0x80 && valid.indexOf(String.fromCharCode(r)) >= 0) return true;
    backup();
    return false;
  }

  /** Consumes a run of runes for which `valid` holds. */
  function acceptRun(valid: (r: number) => boolean): void {
    for (;;) {
      const r = next();
      if (r === EOF || !valid(r)) break;
    }
    backup();
  }

  function errorf(message: string): StateFn {
    item = { typ: ItemType.Error, pos: start, val: message, line: startLine, spaced: false };
    spaced = false;
    start = 0;
    pos = 0;
    input = "";
    return null;
  }

  function nextItem(): Item {
    let state: StateFn = insideAction ? actionFastPath() : lexText;
    while (state) state = state();
    return item;
  }

  /**
   * lexInsideAction's dispatch for the most frequent items (spaces, fields, names, strings,
   * pipes), taken only where lexInsideAction would take the same branch: not at a right
   * delimiter or a trim marker. Everything else goes through lexInsideAction.
   */
  function actionFastPath(): StateFn {
    const s = input;
    let p = pos;
    if (p + 1 >= s.length) return lexInsideAction;
    let c = s.charCodeAt(p);
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) {
      if (s.charCodeAt(p + 1) === 0x2d) return lexInsideAction;
      // lexSpace for a run that no "-" follows (which may start " -}}": lexSpace decides).
      const end = s.length;
      let newlines = c === 0x0a ? 1 : 0;
      let j = p + 1;
      for (; j < end; j++) {
        const d = s.charCodeAt(j);
        if (d === 0x0a) newlines++;
        else if (d !== 0x20 && d !== 0x09 && d !== 0x0d) break;
      }
      if (j < end && s.charCodeAt(j) === 0x2d) return lexSpace;
      pos = j;
      line += newlines;
      skipSpaces();
      // The item after the spaces, by the same dispatch.
      p = j;
      if (p + 1 >= end) return lexInsideAction;
      c = s.charCodeAt(p);
    }
    if (c === rightDelim0) return lexInsideAction;
    if (c === 0x2e) {
      const n = s.charCodeAt(p + 1);
      if (n >= 0x30 && n <= 0x39) return lexInsideAction;
      const end = terminatedWord(s, p + 1, rightDelim);
      if (end >= 0) {
        pos = end;
        return emit(end === p + 1 ? ItemType.Dot : ItemType.Field);
      }
      pos = p + 1;
      return lexField;
    }
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f) {
      const end = terminatedWord(s, p, rightDelim);
      if (end < 0) return lexIdentifier;
      // emit, with the word sliced once for the keyword check and the item.
      const word = s.slice(start, end);
      item = { typ: wordType(word), pos: start, val: word, line: startLine, spaced };
      spaced = false;
      pos = end;
      start = end;
      startLine = line;
      return null;
    }
    if (c === 0x22) {
      pos = p + 1;
      return lexQuote;
    }
    if (c === 0x24) {
      const end = terminatedWord(s, p + 1, rightDelim);
      if (end >= 0) {
        pos = end;
        return emit(ItemType.Variable);
      }
      pos = p + 1;
      return lexVariable;
    }
    if (c === 0x7c) {
      pos = p + 1;
      return emit(ItemType.Pipe);
    }
    return lexInsideAction;
  }

  /** At a right delimiter, possibly preceded by a trim marker? */
  function atRightDelim(): RightDelim {
    if (hasRightTrimMarker(input, pos) && input.startsWith(rightDelim, pos + TRIM_MARKER_LEN))
      return RightDelim.Trimmed;
    if (input.startsWith(rightDelim, pos)) return RightDelim.Plain;
    return RightDelim.None;
  }

  /** Can an identifier end here? (Breaks `.X.Y` in two; rejects `$x+2`.) */
  function atTerminator(): boolean {
    if (pos >= input.length) return true;
    const r = input.charCodeAt(pos);
    if (isSpace(r)) return true;
    switch (r) {
      case 0x2e: // .
      case 0x2c: // ,
      case 0x7c: // |
      case 0x3a: // :
      case 0x29: // )
      case 0x28: // (
        return true;
    }
    return input.startsWith(rightDelim, pos);
  }

  function scanNumber(): boolean {
    accept("+-");
    let digits = isDecimalDigit;
    if (accept("0")) {
      if (accept("xX")) digits = isHexDigit;
      else if (accept("oO")) digits = isOctalDigit;
      else if (accept("bB")) digits = isBinaryDigit;
    }
    acceptRun(digits);
    if (accept(".")) acceptRun(digits);
    if (digits === isDecimalDigit && accept("eE")) {
      accept("+-");
      acceptRun(isDecimalDigit);
    }
    if (digits === isHexDigit && accept("pP")) {
      accept("+-");
      acceptRun(isDecimalDigit);
    }
    accept("i");
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  }

  // lexText, lexLeftDelim and lexRightDelim run once per action: written with the items made in
  // place, where lex.go's shape (thisItem, ignore, emitItem) took a dozen calls. A delimiter
  // item's text is the delimiter itself: `start` is at it.

  function lexText(): StateFn {
    const s = input;
    const from = start;
    const x = s.indexOf(leftDelim, pos);
    if (x >= 0) {
      if (x > pos) {
        const trimLength = hasLeftTrimMarker(s, x + leftDelim.length) ? rightTrimLength(s, from, x) : 0;
        const end = x - trimLength;
        const endLine = line + countNewlines(s, from, end);
        const text: Item = {
          typ: ItemType.Text,
          pos: from,
          val: s.slice(from, end),
          line: startLine,
          spaced: false,
        };
        // The trimmed spaces are skipped (their newlines counted); the delimiter starts the next item.
        line = trimLength === 0 ? endLine : endLine + countNewlines(s, end, x);
        pos = x;
        start = x;
        startLine = line;
        if (end > from) {
          item = text;
          return null;
        }
      }
      return lexLeftDelim;
    }
    pos = s.length;
    if (pos > from) {
      line += countNewlines(s, from, pos);
      return emit(ItemType.Text);
    }
    return emit(ItemType.EOF);
  }

  function lexLeftDelim(): StateFn {
    const s = input;
    const delimEnd = pos + leftDelim.length;
    const trimSpace = hasLeftTrimMarker(s, delimEnd);
    const after = trimSpace ? delimEnd + TRIM_MARKER_LEN : delimEnd;
    if (s.startsWith(LEFT_COMMENT, after)) {
      pos = after;
      ignore();
      return lexComment;
    }
    item = {
      typ: ItemType.LeftDelim,
      pos: start,
      val: start === pos ? leftDelim : s.slice(start, delimEnd),
      line: startLine,
      spaced: false,
    };
    // The trim marker's space may be a newline.
    if (trimSpace && s.charCodeAt(delimEnd + 1) === 0x0a) line++;
    pos = after;
    start = after;
    startLine = line;
    insideAction = true;
    parenDepth = 0;
    return null;
  }

  function lexComment(): StateFn {
    pos += LEFT_COMMENT.length;
    const x = input.indexOf(RIGHT_COMMENT, pos);
    if (x < 0) return errorf("unclosed comment");
    pos = x + RIGHT_COMMENT.length;
    const delim = atRightDelim();
    if (delim === RightDelim.None) return errorf("comment ends before closing delimiter");
    const trimSpace = delim === RightDelim.Trimmed;
    line += countNewlines(input, start, pos);
    const i = thisItem(ItemType.Comment);
    if (trimSpace) pos += TRIM_MARKER_LEN;
    pos += rightDelim.length;
    if (trimSpace) pos += leftTrimLength(input, pos);
    ignore();
    if (emitComment) return emitItem(i);
    return lexText;
  }

  /** At a right delimiter (`start` is at it). */
  function lexRightDelim(): StateFn {
    const end = pos + rightDelim.length;
    item = {
      typ: ItemType.RightDelim,
      pos: start,
      val: start === pos ? rightDelim : input.slice(start, end),
      line: startLine,
      spaced,
    };
    spaced = false;
    pos = end;
    start = end;
    startLine = line;
    insideAction = false;
    return null;
  }

  /** At " -" and a right delimiter (`start` is at the space, which may be a newline). */
  function lexTrimmedRightDelim(): StateFn {
    const s = input;
    const markerAt = pos;
    if (markerAt !== start || s.charCodeAt(markerAt) === 0x0a) {
      pos = markerAt + TRIM_MARKER_LEN;
      ignore();
    } else {
      pos = start = markerAt + TRIM_MARKER_LEN;
    }
    const delimAt = pos;
    const end = delimAt + rightDelim.length;
    item = { typ: ItemType.RightDelim, pos: delimAt, val: rightDelim, line, spaced };
    spaced = false;
    const after = end + leftTrimLength(s, end);
    line += countNewlines(s, end, after);
    pos = after;
    start = after;
    startLine = line;
    insideAction = false;
    return null;
  }

  function lexInsideAction(): StateFn {
    const delim = atRightDelim();
    if (delim !== RightDelim.None) {
      if (parenDepth === 0) return delim === RightDelim.Trimmed ? lexTrimmedRightDelim : lexRightDelim;
      return errorf("unclosed left paren");
    }
    const r = next();
    if (r === EOF) return errorf("unclosed action");
    if (isSpace(r)) {
      backup(); // Put the space back in case we have " -}}".
      return lexSpace;
    }
    switch (r) {
      case 0x3d: // =
        return emit(ItemType.Assign);
      case 0x3a: // :
        if (next() !== 0x3d) return errorf("expected :=");
        return emit(ItemType.Declare);
      case 0x7c: // |
        return emit(ItemType.Pipe);
      case 0x22: // "
        return lexQuote;
      case 0x60: // `
        return lexRawQuote;
      case 0x24: // $
        return lexVariable;
      case 0x27: // '
        return lexChar;
      case 0x2e: // .
        // Look ahead for ".field" so that backup stays simple.
        if (pos < input.length) {
          const c = input.charCodeAt(pos);
          if (c < 0x30 || c > 0x39) return lexField;
        }
        backup();
        return lexNumber;
      case 0x28: // (
        parenDepth++;
        return emit(ItemType.LeftParen);
      case 0x29: // )
        parenDepth--;
        if (parenDepth < 0) return errorf("unexpected right paren");
        return emit(ItemType.RightParen);
    }
    if (r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
      backup();
      return lexNumber;
    }
    if (isAlphaNumeric(r)) {
      backup();
      return lexIdentifier;
    }
    if (r <= 0x7f && r >= 0x20 && r < 0x7f) return emit(ItemType.Char);
    // A byte that is not UTF-8 (held as U+DC80+byte, gostring.ts) is utf8.RuneError to Go's lexer.
    return errorf(`unrecognized character in action: ${formatRuneU(escapedByte(r) >= 0 ? 0xfffd : r)}`);
  }

  function lexSpace(): StateFn {
    // Scanned directly (not rune by rune through next/peek): spaces are the most frequent item.
    const s = input;
    let j = pos;
    let newlines = 0;
    const end = s.length;
    for (; j < end; j++) {
      const c = s.charCodeAt(j);
      if (c === 0x0a) newlines++;
      else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
    }
    const numSpaces = j - pos;
    pos = j;
    line += newlines;
    // A trim-marked closing delimiter starts with a space: leave it for lexRightDelim.
    if (hasRightTrimMarker(s, pos - 1) && s.startsWith(rightDelim, pos - 1 + TRIM_MARKER_LEN)) {
      backup();
      if (numSpaces === 1) return lexTrimmedRightDelim;
    }
    skipSpaces();
    return lexInsideAction;
  }

  function lexIdentifier(): StateFn {
    pos = scanAlphaNumeric(input, pos);
    const word = input.slice(start, pos);
    if (!atTerminator()) return errorf(`bad character ${formatRuneU(runeAt(input, pos))}`);
    return emit(wordType(word));
  }

  /** The item a word is: a keyword, a bool or an identifier. */
  function wordType(word: string): ItemType {
    const key = KEYWORDS.get(word);
    if (key !== undefined && key > ItemType.Keyword) {
      if ((key === ItemType.Break && !breakOK) || (key === ItemType.Continue && !continueOK))
        return ItemType.Identifier;
      return key;
    }
    if (word === "true" || word === "false") return ItemType.Bool;
    return ItemType.Identifier;
  }

  function lexField(): StateFn {
    return lexFieldOrVariable(ItemType.Field);
  }

  function lexVariable(): StateFn {
    if (atTerminator()) return emit(ItemType.Variable);
    return lexFieldOrVariable(ItemType.Variable);
  }

  function lexFieldOrVariable(typ: ItemType): StateFn {
    if (atTerminator()) {
      if (typ === ItemType.Variable) return emit(ItemType.Variable);
      return emit(ItemType.Dot);
    }
    pos = scanAlphaNumeric(input, pos);
    if (!atTerminator()) return errorf(`bad character ${formatRuneU(runeAt(input, pos))}`);
    return emit(typ);
  }

  function lexChar(): StateFn {
    for (;;) {
      const r = next();
      if (r === 0x5c) {
        const r2 = next();
        if (r2 !== EOF && r2 !== 0x0a) continue;
        return errorf("unterminated character constant");
      }
      if (r === EOF || r === 0x0a) return errorf("unterminated character constant");
      if (r === 0x27) break;
    }
    return emit(ItemType.CharConstant);
  }

  function lexNumber(): StateFn {
    if (!scanNumber()) return errorf(`bad number syntax: ${itemQuote(input.slice(start, pos))}`);
    const sign = peek();
    if (sign === 0x2b || sign === 0x2d) {
      // Complex: 1+2i. No spaces, must end in 'i'.
      if (!scanNumber() || input.charCodeAt(pos - 1) !== 0x69)
        return errorf(`bad number syntax: ${itemQuote(input.slice(start, pos))}`);
      return emit(ItemType.Complex);
    }
    return emit(ItemType.Number);
  }

  function lexQuote(): StateFn {
    const s = input;
    let j = pos;
    const end = s.length;
    for (;;) {
      if (j >= end) return errorf("unterminated quoted string");
      const c = s.charCodeAt(j++);
      if (c === 0x5c) {
        if (j >= end || s.charCodeAt(j) === 0x0a) return errorf("unterminated quoted string");
        j++;
      } else if (c === 0x0a) return errorf("unterminated quoted string");
      else if (c === 0x22) break;
    }
    pos = j;
    return emit(ItemType.String);
  }

  function lexRawQuote(): StateFn {
    const end = input.indexOf("`", pos);
    if (end < 0) return errorf("unterminated raw quoted string");
    line += countNewlines(input, pos, end);
    pos = end + 1;
    return emit(ItemType.RawString);
  }

  return nextItem;
}

// Digit sets of Go's number syntax; `_` separates digits.
const isDecimalDigit = (r: number) => (r >= 0x30 && r <= 0x39) || r === 0x5f;
const isHexDigit = (r: number) =>
  (r >= 0x30 && r <= 0x39) || (r >= 0x61 && r <= 0x66) || (r >= 0x41 && r <= 0x46) || r === 0x5f;
const isOctalDigit = (r: number) => (r >= 0x30 && r <= 0x37) || r === 0x5f;
const isBinaryDigit = (r: number) => r === 0x30 || r === 0x31 || r === 0x5f;

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  if (to - from < 64) {
    for (let i = from; i < to; i++) if (s.charCodeAt(i) === 0x0a) n++;
    return n;
  }
  for (let i = s.indexOf("\n", from); i >= 0 && i < to; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

function rightTrimLength(s: string, from: number, to: number): number {
  let i = to;
  while (i > from && isSpace(s.charCodeAt(i - 1))) i--;
  return to - i;
}

function leftTrimLength(s: string, from: number): number {
  let i = from;
  const end = s.length;
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  return i - from;
}

/** Go's %#U: U+0001 or U+00E9 'é'. */
export function formatRuneU(r: number): string {
  const hex = `U+${r.toString(16).toUpperCase().padStart(4, "0")}`;
  return isPrint(r) ? `${hex} '${String.fromCodePoint(r)}'` : hex;
}

/** The end of a run of letters, digits and `_` starting at i. */
function scanAlphaNumeric(input: string, i: number): number {
  const end = input.length;
  while (i < end) {
    const c = input.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0x5f || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
        i++;
        continue;
      }
      break;
    }
    const r = input.codePointAt(i)!;
    if (!isAlphaNumeric(r)) break;
    i += r > 0xffff ? 2 : 1;
  }
  return i;
}

/**
 * The end of a run of ASCII letters, digits and `_` from `i` that ends at a terminator (as
 * lexFieldOrVariable would scan it and atTerminator accept it), or -1 where the run goes on
 * with a non-ASCII character or ends at something else: lexField and lexVariable decide those.
 * One call for the most frequent items instead of their four.
 */
function terminatedWord(input: string, i: number, rightDelim: string): number {
  const end = input.length;
  let c = 0;
  for (; i < end; i++) {
    c = input.charCodeAt(i);
    if (!(c === 0x5f || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)))
      break;
  }
  if (i >= end) return i;
  switch (c) {
    case 0x20:
    case 0x09:
    case 0x0d:
    case 0x0a:
    case 0x2e: // .
    case 0x2c: // ,
    case 0x7c: // |
    case 0x3a: // :
    case 0x29: // )
    case 0x28: // (
      return i;
  }
  return c < 0x80 && input.startsWith(rightDelim, i) ? i : -1;
}

function runeAt(input: string, i: number): number {
  return i < input.length ? input.codePointAt(i)! : EOF;
}
