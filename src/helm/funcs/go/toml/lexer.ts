/**
 * The machinery of BurntSushi/toml v1.6.0's lexer (lex.go): a state machine whose states
 * (lex-structure.ts, lex-scalars.ts) read runes and emit items, run lazily as the parser asks
 * for items. The line an error reports is the lexer's line when it was emitted, so rune
 * reading, backing up (at most four runes) and the EOF rules follow lex.go exactly: an
 * error right after EOF (or a newline) is reported on the line before.
 *
 * Positions count UTF-16 units instead of bytes; only line numbers are observable.
 */
import { quoteRune } from "../../../template/quote.js";
import { TomlInternalError } from "./errors.js";

export type ItemType =
  | "Error"
  | "EOF"
  | "Text"
  | "String"
  | "StringEsc"
  | "RawString"
  | "MultilineString"
  | "RawMultilineString"
  | "Bool"
  | "Integer"
  | "Float"
  | "Datetime"
  | "Array"
  | "ArrayEnd"
  | "TableStart"
  | "TableEnd"
  | "ArrayTableStart"
  | "ArrayTableEnd"
  | "KeyStart"
  | "KeyEnd"
  | "CommentStart"
  | "InlineTableStart"
  | "InlineTableEnd";

export interface Item {
  typ: ItemType;
  val: string;
  line: number;
  /** Error items: the message. */
  err?: string;
}

export type State = (lx: Lexer) => State | null;

/** The rune next() returns at the end of input (lex.go's eof). */
export const EOF = 0;
/** utf8.RuneError, returned by next() after it reported a bad rune. */
export const RUNE_ERROR = 0xfffd;

export class Lexer {
  start = 0;
  pos = 0;
  line = 1;
  /** An escape was seen in the current basic string (emit StringEsc, not String). */
  esc = false;
  private atEOF = false;
  private readonly widths = [0, 0, 0, 0];
  private nprev = 0;
  private readonly stack: State[] = [];
  private readonly items: Item[] = [];
  private state: State | null;

  constructor(
    readonly input: string,
    first: State,
  ) {
    this.state = first;
  }

  /** The next item, running states until one is emitted. */
  nextItem(): Item {
    while (this.items.length === 0) {
      const state = this.state;
      if (state === null) throw new TomlInternalError("BUG: TOML lexer asked for an item after it stopped");
      this.state = state(this);
    }
    return this.items.shift()!;
  }

  push(state: State): void {
    this.stack.push(state);
  }

  pop(): State {
    const s = this.stack.pop();
    if (s === undefined) throw new TomlInternalError("BUG in lexer: no states to pop");
    return s;
  }

  current(): string {
    return this.input.slice(this.start, this.pos);
  }

  /** Whether the text from start to pos ends with `suffix` (current().endsWith, in O(suffix)). */
  currentEndsWith(suffix: string): boolean {
    return this.pos - this.start >= suffix.length && this.input.startsWith(suffix, this.pos - suffix.length);
  }

  emit(typ: ItemType): void {
    // Needed for multi-line strings that end in an incomplete rune (lex.go emit).
    if (this.start > this.pos) {
      this.error(`invalid UTF-8 byte: 0x${hex2(this.input.charCodeAt(this.pos))}`);
      return;
    }
    this.items.push({ typ, val: this.current(), line: this.line });
    this.start = this.pos;
  }

  emitTrim(typ: ItemType): void {
    this.items.push({ typ, val: this.current().trim(), line: this.line });
    this.start = this.pos;
  }

  next(): number {
    if (this.atEOF) throw new TomlInternalError("BUG in lexer: next called after EOF");
    const input = this.input;
    if (this.pos >= input.length) {
      this.atEOF = true;
      return EOF;
    }
    if (input.charCodeAt(this.pos) === 0x0a) this.line++;
    const w = this.widths;
    w[3] = w[2]!;
    w[2] = w[1]!;
    w[1] = w[0]!;
    if (this.nprev < 4) this.nprev++;

    let r = input.codePointAt(this.pos)!;
    const width = r > 0xffff ? 2 : 1;
    // A stray surrogate is not a Go rune; Go would have read the bytes of U+FFFD.
    if (r >= 0xd800 && r <= 0xdfff) r = RUNE_ERROR;
    const crAlone = r === 0x0d && (this.pos === input.length - 1 || input.charCodeAt(this.pos + 1) !== 0x0a);
    if (isControl(r) || crAlone) {
      this.items.push({
        typ: "Error",
        val: "",
        line: this.line,
        err: `TOML files cannot contain control characters: '0x${hex2(r)}'`,
      });
      return RUNE_ERROR;
    }
    w[0] = width;
    this.pos += width;
    return r;
  }

  ignore(): void {
    this.start = this.pos;
  }

  backup(): void {
    if (this.atEOF) {
      this.atEOF = false;
      return;
    }
    if (this.nprev < 1) throw new TomlInternalError("BUG in lexer: backed up too far");
    const w = this.widths;
    const width = w[0]!;
    w[0] = w[1]!;
    w[1] = w[2]!;
    w[2] = w[3]!;
    this.nprev--;
    this.pos -= width;
    if (this.pos < this.input.length && this.input.charCodeAt(this.pos) === 0x0a) this.line--;
  }

  accept(valid: number): boolean {
    if (this.next() === valid) return true;
    this.backup();
    return false;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  skip(pred: (r: number) => boolean): void {
    for (;;) {
      const r = this.next();
      if (pred(r)) continue;
      this.backup();
      this.ignore();
      return;
    }
  }

  /** Emits an error item and stops (lex.go error): just after EOF, on the line before. */
  error(message: string): null {
    if (this.atEOF) return this.errorPrevLine(message);
    this.items.push({ typ: "Error", val: "", line: this.line, err: message });
    return null;
  }

  /** An error reported on the previous line (for unexpected newlines and EOF). */
  errorPrevLine(message: string): null {
    this.items.push({ typ: "Error", val: "", line: this.line - 1, err: message });
    return null;
  }

  /** lex.go errorf: just after EOF, on the line before only when the input ends in "\n". */
  errorf(message: string): null {
    let line = this.line;
    if (this.atEOF && this.pos >= 1 && this.input.charCodeAt(this.pos - 1) === 0x0a) line--;
    this.items.push({ typ: "Error", val: "", line, err: message });
    return null;
  }
}

const hex2 = (n: number): string => n.toString(16).padStart(2, "0");

/** Go's %q of a rune. */
export const q = (r: number): string => quoteRune(r);

/** Go's %c of a rune. */
export const c = (r: number): string => String.fromCodePoint(r);

export const isWhitespace = (r: number): boolean => r === 0x09 || r === 0x20;
export const isNL = (r: number): boolean => r === 0x0a || r === 0x0d;
export const isDigit = (r: number): boolean => r >= 0x30 && r <= 0x39;
export const isBinary = (r: number): boolean => r === 0x30 || r === 0x31;
export const isOctal = (r: number): boolean => r >= 0x30 && r <= 0x37;
export const isHex = (r: number): boolean => isDigit(r) || ((r | 0x20) >= 0x61 && (r | 0x20) <= 0x66);
export const isBareKeyChar = (r: number): boolean =>
  (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a) || isDigit(r) || r === 0x5f || r === 0x2d;

/** Control characters but tab, CR and LF. */
function isControl(r: number): boolean {
  if (r === 0x09 || r === 0x0d || r === 0x0a) return false;
  return (r >= 0 && r <= 0x1f) || r === 0x7f;
}
