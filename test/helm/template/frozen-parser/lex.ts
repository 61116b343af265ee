// A frozen copy of src/helm/template/lex.ts as of 8f3b384, for parser-equivalence.test.ts only: do not edit.
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
import { utf8Length } from "../../../../src/helm/template/gostring.js";
import { isPrint, quote } from "../../../../src/helm/template/quote.js";

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

type StateFn = ((l: Lexer) => StateFn) | null;

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

export class Lexer {
  readonly name: string;
  input: string;
  readonly leftDelim: string;
  readonly rightDelim: string;
  /** rightDelim's first code unit, which actionFastPath compares at every item of an action. */
  private readonly rightDelim0: number;
  pos = 0;
  start = 0;
  atEOF = false;
  parenDepth = 0;
  line = 1;
  startLine = 1;
  item: Item = { typ: ItemType.EOF, pos: 0, val: "EOF", line: 1, spaced: false };
  /** Spaces were skipped since the last item (the next item's `spaced`). */
  spaced = false;
  insideAction = false;
  options: LexOptions = { emitComment: false, breakOK: true, continueOK: true };

  constructor(name: string, input: string, left: string, right: string) {
    this.name = name;
    this.input = input;
    this.leftDelim = left || DEFAULT_LEFT_DELIM;
    this.rightDelim = right || DEFAULT_RIGHT_DELIM;
    this.rightDelim0 = this.rightDelim.charCodeAt(0);
  }

  /** The next code point, or EOF. */
  next(): number {
    const input = this.input;
    const pos = this.pos;
    if (pos >= input.length) {
      this.atEOF = true;
      return EOF;
    }
    const c = input.charCodeAt(pos);
    if (c < 0xd800 || c > 0xdbff) {
      this.pos = pos + 1;
      if (c === 0x0a) this.line++;
      return c;
    }
    const r = input.codePointAt(pos)!;
    this.pos = pos + (r > 0xffff ? 2 : 1);
    return r;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const lo = this.input.charCodeAt(this.pos - 1);
      const hi = this.pos > 1 ? this.input.charCodeAt(this.pos - 2) : 0;
      const pair = lo >= 0xdc00 && lo <= 0xdfff && hi >= 0xd800 && hi <= 0xdbff;
      this.pos -= pair ? 2 : 1;
      if (lo === 0x0a) this.line--;
    }
  }

  thisItem(t: ItemType): Item {
    const start = this.start;
    const pos = this.pos;
    const i: Item = {
      typ: t,
      pos: start,
      val: this.input.slice(start, pos),
      line: this.startLine,
      spaced: this.spaced,
    };
    this.spaced = false;
    this.start = pos;
    this.startLine = this.line;
    return i;
  }

  emit(t: ItemType): StateFn {
    // thisItem and emitItem written out, fields read once: emit runs for most items, mostly in
    // baseline code in a cold process, where each call and property read is an out-of-line stub.
    const start = this.start;
    const pos = this.pos;
    this.item = {
      typ: t,
      pos: start,
      val: this.input.slice(start, pos),
      line: this.startLine,
      spaced: this.spaced,
    };
    this.spaced = false;
    this.start = pos;
    this.startLine = this.line;
    return null;
  }

  emitItem(i: Item): StateFn {
    this.item = i;
    return null;
  }

  /** Skips the spaces from `start` to `pos` (scanned, their newlines counted): the next item is spaced. */
  skipSpaces(): void {
    this.spaced = true;
    this.start = this.pos;
    this.startLine = this.line;
  }

  /** Skips pending input, counting its newlines (for text skipped without next()). */
  ignore(): void {
    this.line += countNewlines(this.input, this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  /** Consumes the next rune if `valid` (ASCII) contains it. */
  accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF && r < 0x80 && valid.indexOf(String.fromCharCode(r)) >= 0) return true;
    this.backup();
    return false;
  }

  /** Consumes a run of runes for which `valid` holds. */
  acceptRun(valid: (r: number) => boolean): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || !valid(r)) break;
    }
    this.backup();
  }

  errorf(message: string): StateFn {
    this.item = { typ: ItemType.Error, pos: this.start, val: message, line: this.startLine, spaced: false };
    this.spaced = false;
    this.start = 0;
    this.pos = 0;
    this.input = "";
    return null;
  }

  nextItem(): Item {
    let state: StateFn = this.insideAction ? this.actionFastPath() : lexText;
    while (state) state = state(this);
    return this.item;
  }

  /**
   * lexInsideAction's dispatch for the most frequent items (spaces, fields, names, strings,
   * pipes), taken only where lexInsideAction would take the same branch: not at a right
   * delimiter or a trim marker. Everything else goes through lexInsideAction.
   */
  private actionFastPath(): StateFn {
    const input = this.input;
    let pos = this.pos;
    if (pos + 1 >= input.length) return lexInsideAction;
    let c = input.charCodeAt(pos);
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) {
      if (input.charCodeAt(pos + 1) === 0x2d) return lexInsideAction;
      // lexSpace for a run that no "-" follows (which may start " -}}": lexSpace decides).
      const end = input.length;
      let newlines = c === 0x0a ? 1 : 0;
      let j = pos + 1;
      for (; j < end; j++) {
        const d = input.charCodeAt(j);
        if (d === 0x0a) newlines++;
        else if (d !== 0x20 && d !== 0x09 && d !== 0x0d) break;
      }
      if (j < end && input.charCodeAt(j) === 0x2d) return lexSpace;
      this.pos = j;
      this.line += newlines;
      this.skipSpaces();
      // The item after the spaces, by the same dispatch.
      pos = j;
      if (pos + 1 >= end) return lexInsideAction;
      c = input.charCodeAt(pos);
    }
    if (c === this.rightDelim0) return lexInsideAction;
    if (c === 0x2e) {
      const n = input.charCodeAt(pos + 1);
      if (n >= 0x30 && n <= 0x39) return lexInsideAction;
      const end = terminatedWord(input, pos + 1, this.rightDelim);
      if (end >= 0) {
        this.pos = end;
        return this.emit(end === pos + 1 ? ItemType.Dot : ItemType.Field);
      }
      this.pos = pos + 1;
      return lexField;
    }
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f) {
      const end = terminatedWord(input, pos, this.rightDelim);
      if (end < 0) return lexIdentifier;
      // emit, with the word sliced once for the keyword check and the item.
      const start = this.start;
      const word = input.slice(start, end);
      this.item = {
        typ: wordType(this, word),
        pos: start,
        val: word,
        line: this.startLine,
        spaced: this.spaced,
      };
      this.spaced = false;
      this.pos = end;
      this.start = end;
      this.startLine = this.line;
      return null;
    }
    if (c === 0x22) {
      this.pos = pos + 1;
      return lexQuote;
    }
    if (c === 0x24) {
      const end = terminatedWord(input, pos + 1, this.rightDelim);
      if (end >= 0) {
        this.pos = end;
        return this.emit(ItemType.Variable);
      }
      this.pos = pos + 1;
      return lexVariable;
    }
    if (c === 0x7c) {
      this.pos = pos + 1;
      return this.emit(ItemType.Pipe);
    }
    return lexInsideAction;
  }

  /** At a right delimiter, possibly preceded by a trim marker? */
  atRightDelim(): RightDelim {
    if (
      hasRightTrimMarker(this.input, this.pos) &&
      this.input.startsWith(this.rightDelim, this.pos + TRIM_MARKER_LEN)
    )
      return RightDelim.Trimmed;
    if (this.input.startsWith(this.rightDelim, this.pos)) return RightDelim.Plain;
    return RightDelim.None;
  }

  /** Can an identifier end here? (Breaks `.X.Y` in two; rejects `$x+2`.) */
  atTerminator(): boolean {
    const input = this.input;
    const pos = this.pos;
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
    return input.startsWith(this.rightDelim, pos);
  }

  scanNumber(): boolean {
    this.accept("+-");
    let digits = isDecimalDigit;
    if (this.accept("0")) {
      if (this.accept("xX")) digits = isHexDigit;
      else if (this.accept("oO")) digits = isOctalDigit;
      else if (this.accept("bB")) digits = isBinaryDigit;
    }
    this.acceptRun(digits);
    if (this.accept(".")) this.acceptRun(digits);
    if (digits === isDecimalDigit && this.accept("eE")) {
      this.accept("+-");
      this.acceptRun(isDecimalDigit);
    }
    if (digits === isHexDigit && this.accept("pP")) {
      this.accept("+-");
      this.acceptRun(isDecimalDigit);
    }
    this.accept("i");
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
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

// lexText, lexLeftDelim and lexRightDelim run once per action: written with the lexer's fields
// read once into locals and the items made in place, where lex.go's shape (thisItem, ignore,
// emitItem) took a dozen calls and twice the property reads, in code a fresh process runs
// unoptimized. A delimiter item's text is the delimiter itself: `start` is at it.

function lexText(l: Lexer): StateFn {
  const input = l.input;
  const start = l.start;
  const x = input.indexOf(l.leftDelim, l.pos);
  if (x >= 0) {
    if (x > l.pos) {
      const trimLength = hasLeftTrimMarker(input, x + l.leftDelim.length)
        ? rightTrimLength(input, start, x)
        : 0;
      const end = x - trimLength;
      const line = l.line + countNewlines(input, start, end);
      const item: Item = {
        typ: ItemType.Text,
        pos: start,
        val: input.slice(start, end),
        line: l.startLine,
        spaced: false,
      };
      // The trimmed spaces are skipped (their newlines counted); the delimiter starts the next item.
      l.line = trimLength === 0 ? line : line + countNewlines(input, end, x);
      l.pos = x;
      l.start = x;
      l.startLine = l.line;
      if (end > start) {
        l.item = item;
        return null;
      }
    }
    return lexLeftDelim;
  }
  l.pos = input.length;
  if (l.pos > start) {
    l.line += countNewlines(input, start, l.pos);
    return l.emit(ItemType.Text);
  }
  return l.emit(ItemType.EOF);
}

function lexLeftDelim(l: Lexer): StateFn {
  const input = l.input;
  const start = l.start;
  const delimEnd = l.pos + l.leftDelim.length;
  const trimSpace = hasLeftTrimMarker(input, delimEnd);
  const after = trimSpace ? delimEnd + TRIM_MARKER_LEN : delimEnd;
  if (input.startsWith(LEFT_COMMENT, after)) {
    l.pos = after;
    l.ignore();
    return lexComment;
  }
  l.item = {
    typ: ItemType.LeftDelim,
    pos: start,
    val: start === l.pos ? l.leftDelim : input.slice(start, delimEnd),
    line: l.startLine,
    spaced: false,
  };
  // The trim marker's space may be a newline.
  if (trimSpace && input.charCodeAt(delimEnd + 1) === 0x0a) l.line++;
  l.pos = after;
  l.start = after;
  l.startLine = l.line;
  l.insideAction = true;
  l.parenDepth = 0;
  return null;
}

function lexComment(l: Lexer): StateFn {
  l.pos += LEFT_COMMENT.length;
  const x = l.input.indexOf(RIGHT_COMMENT, l.pos);
  if (x < 0) return l.errorf("unclosed comment");
  l.pos = x + RIGHT_COMMENT.length;
  const delim = l.atRightDelim();
  if (delim === RightDelim.None) return l.errorf("comment ends before closing delimiter");
  const trimSpace = delim === RightDelim.Trimmed;
  l.line += countNewlines(l.input, l.start, l.pos);
  const i = l.thisItem(ItemType.Comment);
  if (trimSpace) l.pos += TRIM_MARKER_LEN;
  l.pos += l.rightDelim.length;
  if (trimSpace) l.pos += leftTrimLength(l.input, l.pos);
  l.ignore();
  if (l.options.emitComment) return l.emitItem(i);
  return lexText;
}

/** At a right delimiter (`start` is at it). */
function lexRightDelim(l: Lexer): StateFn {
  const start = l.start;
  const end = l.pos + l.rightDelim.length;
  l.item = {
    typ: ItemType.RightDelim,
    pos: start,
    val: start === l.pos ? l.rightDelim : l.input.slice(start, end),
    line: l.startLine,
    spaced: l.spaced,
  };
  l.spaced = false;
  l.pos = end;
  l.start = end;
  l.startLine = l.line;
  l.insideAction = false;
  return null;
}

/** At " -" and a right delimiter (`start` is at the space, which may be a newline). */
function lexTrimmedRightDelim(l: Lexer): StateFn {
  const input = l.input;
  const markerAt = l.pos;
  if (markerAt !== l.start || input.charCodeAt(markerAt) === 0x0a) {
    l.pos = markerAt + TRIM_MARKER_LEN;
    l.ignore();
  } else {
    l.pos = l.start = markerAt + TRIM_MARKER_LEN;
  }
  const delimAt = l.pos;
  const end = delimAt + l.rightDelim.length;
  l.item = { typ: ItemType.RightDelim, pos: delimAt, val: l.rightDelim, line: l.line, spaced: l.spaced };
  l.spaced = false;
  const after = end + leftTrimLength(input, end);
  l.line += countNewlines(input, end, after);
  l.pos = after;
  l.start = after;
  l.startLine = l.line;
  l.insideAction = false;
  return null;
}

function lexInsideAction(l: Lexer): StateFn {
  const delim = l.atRightDelim();
  if (delim !== RightDelim.None) {
    if (l.parenDepth === 0) return delim === RightDelim.Trimmed ? lexTrimmedRightDelim : lexRightDelim;
    return l.errorf("unclosed left paren");
  }
  const r = l.next();
  if (r === EOF) return l.errorf("unclosed action");
  if (isSpace(r)) {
    l.backup(); // Put the space back in case we have " -}}".
    return lexSpace;
  }
  switch (r) {
    case 0x3d: // =
      return l.emit(ItemType.Assign);
    case 0x3a: // :
      if (l.next() !== 0x3d) return l.errorf("expected :=");
      return l.emit(ItemType.Declare);
    case 0x7c: // |
      return l.emit(ItemType.Pipe);
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
      if (l.pos < l.input.length) {
        const c = l.input.charCodeAt(l.pos);
        if (c < 0x30 || c > 0x39) return lexField;
      }
      l.backup();
      return lexNumber;
    case 0x28: // (
      l.parenDepth++;
      return l.emit(ItemType.LeftParen);
    case 0x29: // )
      l.parenDepth--;
      if (l.parenDepth < 0) return l.errorf("unexpected right paren");
      return l.emit(ItemType.RightParen);
  }
  if (r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
    l.backup();
    return lexNumber;
  }
  if (isAlphaNumeric(r)) {
    l.backup();
    return lexIdentifier;
  }
  if (r <= 0x7f && r >= 0x20 && r < 0x7f) return l.emit(ItemType.Char);
  return l.errorf(`unrecognized character in action: ${formatRuneU(r)}`);
}

/** Go's %#U: U+0001 or U+00E9 'é'. */
export function formatRuneU(r: number): string {
  const hex = `U+${r.toString(16).toUpperCase().padStart(4, "0")}`;
  return isPrint(r) ? `${hex} '${String.fromCodePoint(r)}'` : hex;
}

function lexSpace(l: Lexer): StateFn {
  // Scanned directly (not rune by rune through next/peek): spaces are the most frequent item.
  const input = l.input;
  let j = l.pos;
  let newlines = 0;
  const end = input.length;
  for (; j < end; j++) {
    const c = input.charCodeAt(j);
    if (c === 0x0a) newlines++;
    else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
  }
  const numSpaces = j - l.pos;
  l.pos = j;
  l.line += newlines;
  // A trim-marked closing delimiter starts with a space: leave it for lexRightDelim.
  if (hasRightTrimMarker(input, l.pos - 1) && input.startsWith(l.rightDelim, l.pos - 1 + TRIM_MARKER_LEN)) {
    l.backup();
    if (numSpaces === 1) return lexTrimmedRightDelim;
  }
  l.skipSpaces();
  return lexInsideAction;
}

function lexIdentifier(l: Lexer): StateFn {
  l.pos = scanAlphaNumeric(l.input, l.pos);
  const word = l.input.slice(l.start, l.pos);
  if (!l.atTerminator()) return l.errorf(`bad character ${formatRuneU(runeAt(l.input, l.pos))}`);
  return l.emit(wordType(l, word));
}

/** The item a word is: a keyword, a bool or an identifier. */
function wordType(l: Lexer, word: string): ItemType {
  const key = KEYWORDS.get(word);
  if (key !== undefined && key > ItemType.Keyword) {
    if (
      (key === ItemType.Break && !l.options.breakOK) ||
      (key === ItemType.Continue && !l.options.continueOK)
    )
      return ItemType.Identifier;
    return key;
  }
  if (word === "true" || word === "false") return ItemType.Bool;
  return ItemType.Identifier;
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
function lexField(l: Lexer): StateFn {
  return lexFieldOrVariable(l, ItemType.Field);
}

function lexVariable(l: Lexer): StateFn {
  if (l.atTerminator()) return l.emit(ItemType.Variable);
  return lexFieldOrVariable(l, ItemType.Variable);
}

function lexFieldOrVariable(l: Lexer, typ: ItemType): StateFn {
  if (l.atTerminator()) {
    if (typ === ItemType.Variable) return l.emit(ItemType.Variable);
    return l.emit(ItemType.Dot);
  }
  l.pos = scanAlphaNumeric(l.input, l.pos);
  if (!l.atTerminator()) return l.errorf(`bad character ${formatRuneU(runeAt(l.input, l.pos))}`);
  return l.emit(typ);
}
function lexChar(l: Lexer): StateFn {
  for (;;) {
    const r = l.next();
    if (r === 0x5c) {
      const r2 = l.next();
      if (r2 !== EOF && r2 !== 0x0a) continue;
      return l.errorf("unterminated character constant");
    }
    if (r === EOF || r === 0x0a) return l.errorf("unterminated character constant");
    if (r === 0x27) break;
  }
  return l.emit(ItemType.CharConstant);
}

function lexNumber(l: Lexer): StateFn {
  if (!l.scanNumber()) return l.errorf(`bad number syntax: ${itemQuote(l.input.slice(l.start, l.pos))}`);
  const sign = l.peek();
  if (sign === 0x2b || sign === 0x2d) {
    // Complex: 1+2i. No spaces, must end in 'i'.
    if (!l.scanNumber() || l.input.charCodeAt(l.pos - 1) !== 0x69)
      return l.errorf(`bad number syntax: ${itemQuote(l.input.slice(l.start, l.pos))}`);
    return l.emit(ItemType.Complex);
  }
  return l.emit(ItemType.Number);
}

function lexQuote(l: Lexer): StateFn {
  const input = l.input;
  let j = l.pos;
  const end = input.length;
  for (;;) {
    if (j >= end) return l.errorf("unterminated quoted string");
    const c = input.charCodeAt(j++);
    if (c === 0x5c) {
      if (j >= end || input.charCodeAt(j) === 0x0a) return l.errorf("unterminated quoted string");
      j++;
    } else if (c === 0x0a) return l.errorf("unterminated quoted string");
    else if (c === 0x22) break;
  }
  l.pos = j;
  return l.emit(ItemType.String);
}
function lexRawQuote(l: Lexer): StateFn {
  const end = l.input.indexOf("`", l.pos);
  if (end < 0) return l.errorf("unterminated raw quoted string");
  l.line += countNewlines(l.input, l.pos, end);
  l.pos = end + 1;
  return l.emit(ItemType.RawString);
}
