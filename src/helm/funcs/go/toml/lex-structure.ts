/**
 * BurntSushi/toml v1.6.0's lexer states for the structure of a document (lex.go): top-level
 * items, table headers, keys, arrays, inline tables (TOML 1.1: newlines and a trailing comma
 * allowed) and comments. Scalars are in lex-scalars.ts. Each state reads what it needs and
 * returns the next; `push`/`pop` resume the enclosing construct after a value or comment.
 */

import { isLetter } from "../unicode.js";
import {
  lexBool,
  lexDecimalNumberStart,
  lexMultilineRawString,
  lexMultilineString,
  lexNumberOrDateStart,
  lexRawString,
  lexString,
} from "./lex-scalars.js";
import { EOF, isBareKeyChar, isDigit, isNL, isWhitespace, type Lexer, q, type State } from "./lexer.js";

const ch = (s: string): number => s.charCodeAt(0);
const HASH = ch("#");
const LBRACK = ch("[");
const RBRACK = ch("]");
const LBRACE = ch("{");
const RBRACE = ch("}");
const DOT = ch(".");
const EQ = ch("=");
const COMMA = ch(",");
const DQUOTE = ch('"');
const SQUOTE = ch("'");

function skipTo(lx: Lexer, next: State): State {
  lx.ignore();
  return next;
}

export function lexTop(lx: Lexer): State | null {
  const r = lx.next();
  if (isWhitespace(r) || isNL(r)) return skipTo(lx, lexTop);
  switch (r) {
    case HASH:
      lx.push(lexTop);
      return lexCommentStart;
    case LBRACK:
      return lexTableStart;
    case EOF:
      if (lx.pos > lx.start) return lx.errorf("unexpected EOF");
      lx.emit("EOF");
      return null;
  }
  // Only a key can start here.
  lx.backup();
  lx.push(lexTopEnd);
  return lexKeyStart;
}

/** After a top-level value or table header: only whitespace, a comment, a newline or EOF. */
function lexTopEnd(lx: Lexer): State | null {
  const r = lx.next();
  if (r === HASH) {
    lx.push(lexTop);
    return lexCommentStart;
  }
  if (isWhitespace(r)) return lexTopEnd;
  if (isNL(r)) {
    lx.ignore();
    return lexTop;
  }
  if (r === EOF) {
    lx.emit("EOF");
    return null;
  }
  return lx.errorf(
    `expected a top-level item to end with a newline, comment, or EOF, but got ${q(r)} instead`,
  );
}

/** After "[": a table header, or "[[" an array-of-tables header. */
function lexTableStart(lx: Lexer): State | null {
  if (lx.peek() === LBRACK) {
    lx.next();
    lx.emit("ArrayTableStart");
    lx.push(lexArrayTableEnd);
  } else {
    lx.emit("TableStart");
    lx.push(lexTableEnd);
  }
  return lexTableNameStart;
}

function lexTableEnd(lx: Lexer): State | null {
  lx.emit("TableEnd");
  return lexTopEnd;
}

function lexArrayTableEnd(lx: Lexer): State | null {
  const r = lx.next();
  if (r !== RBRACK) {
    return lx.errorf(`expected end of table array name delimiter ']', but got ${q(r)} instead`);
  }
  lx.emit("ArrayTableEnd");
  return lexTopEnd;
}

function lexTableNameStart(lx: Lexer): State | null {
  lx.skip(isWhitespace);
  const r = lx.peek();
  if (r === RBRACK || r === EOF) {
    return lx.errorf("unexpected end of table name (table names cannot be empty)");
  }
  if (r === DOT) return lx.errorf("unexpected table separator (table names cannot be empty)");
  if (r === DQUOTE || r === SQUOTE) {
    lx.ignore();
    lx.push(lexTableNameEnd);
    return lexQuotedName;
  }
  lx.push(lexTableNameEnd);
  return lexBareName;
}

function lexTableNameEnd(lx: Lexer): State | null {
  lx.skip(isWhitespace);
  const r = lx.next();
  if (r === DOT) {
    lx.ignore();
    return lexTableNameStart;
  }
  if (r === RBRACK) return lx.pop();
  return lx.errorf(`expected '.' or ']' to end table name, but got ${q(r)} instead`);
}

/** One bare part of a key or table name; it may be empty (the next state then complains). */
function lexBareName(lx: Lexer): State | null {
  if (isBareKeyChar(lx.next())) return lexBareName;
  lx.backup();
  lx.emit("Text");
  return lx.pop();
}

/** One quoted part of a key or table name, starting at its quote. */
function lexQuotedName(lx: Lexer): State | null {
  const r = lx.next();
  if (r === DQUOTE) {
    lx.ignore();
    return lexString;
  }
  if (r === SQUOTE) {
    lx.ignore();
    return lexRawString;
  }
  if (isWhitespace(r)) return skipTo(lx, lexValue);
  if (r === EOF) return lx.errorf("unexpected EOF; expected value");
  return lx.errorf(`expected value but found ${q(r)} instead`);
}

/** A key, all its dotted parts, up to and including "=". */
export function lexKeyStart(lx: Lexer): State | null {
  lx.skip(isWhitespace);
  const r = lx.peek();
  if (r === EQ || r === EOF) return lx.errorf("unexpected '=': key name appears blank");
  if (r === DOT) return lx.errorf("unexpected '.': keys cannot start with a '.'");
  if (r === DQUOTE || r === SQUOTE) lx.ignore();
  lx.emit("KeyStart");
  return lexKeyNameStart;
}

function lexKeyNameStart(lx: Lexer): State | null {
  lx.skip(isWhitespace);
  const r = lx.peek();
  if (r === DQUOTE || r === SQUOTE) {
    lx.ignore();
    lx.push(lexKeyEnd);
    return lexQuotedName;
  }
  if (r === EQ || r === EOF) return lx.errorf("unexpected '='");
  if (r === DOT) return lx.errorf("unexpected '.'");
  lx.push(lexKeyEnd);
  return lexBareName;
}

function lexKeyEnd(lx: Lexer): State | null {
  lx.skip(isWhitespace);
  const r = lx.next();
  if (isWhitespace(r)) return skipTo(lx, lexKeyEnd);
  if (r === EOF) return lx.errorf("unexpected EOF; expected key separator '='");
  if (r === DOT) {
    lx.ignore();
    return lexKeyNameStart;
  }
  if (r === EQ) {
    lx.emit("KeyEnd");
    return skipTo(lx, lexValue);
  }
  const message = `expected '.' or '=', but got ${q(r)} instead`;
  return r === 0x0a ? lx.errorPrevLine(message) : lx.errorf(message);
}

/** Any value; whitespace before it is skipped, a newline is not. Pops when the value is done. */
export function lexValue(lx: Lexer): State | null {
  const r = lx.next();
  if (isWhitespace(r)) return skipTo(lx, lexValue);
  if (isDigit(r)) {
    lx.backup();
    return lexNumberOrDateStart;
  }
  switch (r) {
    case LBRACK:
      lx.ignore();
      lx.emit("Array");
      return lexArrayValue;
    case LBRACE:
      lx.ignore();
      lx.emit("InlineTableStart");
      return lexInlineTableValue;
    case DQUOTE:
      if (lx.accept(DQUOTE)) {
        if (lx.accept(DQUOTE)) {
          lx.ignore();
          return lexMultilineString;
        }
        lx.backup();
      }
      lx.ignore();
      return lexString;
    case SQUOTE:
      if (lx.accept(SQUOTE)) {
        if (lx.accept(SQUOTE)) {
          lx.ignore();
          return lexMultilineRawString;
        }
        lx.backup();
      }
      lx.ignore();
      return lexRawString;
    case DOT:
      return lx.errorf("floats must start with a digit, not '.'");
    case ch("i"):
    case ch("n"):
      // "inf" or "nan" (quirk kept: any i/n followed by "nf" or "an" is lexed as a float).
      if ((lx.accept(ch("n")) && lx.accept(ch("f"))) || (lx.accept(ch("a")) && lx.accept(ch("n")))) {
        lx.emit("Float");
        return lx.pop();
      }
      break;
    case ch("-"):
    case ch("+"):
      return lexDecimalNumberStart;
  }
  if (isLetter(r)) {
    // Word-like: lexBool accepts true/false and reports anything else as a bad value.
    lx.backup();
    return lexBool;
  }
  if (r === EOF) return lx.errorf("unexpected EOF; expected value");
  if (r === 0x0a) return lx.errorPrevLine(`expected value but found ${q(r)} instead`);
  return lx.errorf(`expected value but found ${q(r)} instead`);
}

/** After "[" or ",": the next array element; whitespace, newlines and comments skipped. */
function lexArrayValue(lx: Lexer): State | null {
  const r = lx.next();
  if (isWhitespace(r) || isNL(r)) return skipTo(lx, lexArrayValue);
  if (r === HASH) {
    lx.push(lexArrayValue);
    return lexCommentStart;
  }
  if (r === COMMA) return lx.errorf("unexpected comma");
  if (r === RBRACK) return lexArrayEnd;
  lx.backup();
  lx.push(lexArrayValueEnd);
  return lexValue;
}

function lexArrayValueEnd(lx: Lexer): State | null {
  const r = lx.next();
  if (isWhitespace(r) || isNL(r)) return skipTo(lx, lexArrayValueEnd);
  if (r === HASH) {
    lx.push(lexArrayValueEnd);
    return lexCommentStart;
  }
  if (r === COMMA) {
    lx.ignore();
    return lexArrayValue;
  }
  if (r === RBRACK) return lexArrayEnd;
  return lx.errorf(`expected a comma (',') or array terminator (']'), but got ${runeOrEOF(r)}`);
}

function lexArrayEnd(lx: Lexer): State | null {
  lx.ignore();
  lx.emit("ArrayEnd");
  return lx.pop();
}

/** After "{" or ",": the next key/value pair of an inline table. */
function lexInlineTableValue(lx: Lexer): State | null {
  const r = lx.next();
  if (isWhitespace(r) || isNL(r)) return skipTo(lx, lexInlineTableValue);
  if (r === HASH) {
    lx.push(lexInlineTableValue);
    return lexCommentStart;
  }
  if (r === COMMA) return lx.errorf("unexpected comma");
  if (r === RBRACE) return lexInlineTableEnd;
  lx.backup();
  lx.push(lexInlineTableValueEnd);
  return lexKeyStart;
}

function lexInlineTableValueEnd(lx: Lexer): State | null {
  const r = lx.next();
  if (isWhitespace(r) || isNL(r)) return skipTo(lx, lexInlineTableValueEnd);
  if (r === HASH) {
    lx.push(lexInlineTableValueEnd);
    return lexCommentStart;
  }
  if (r === COMMA) {
    lx.ignore();
    lx.skip(isWhitespace);
    // TOML 1.1: a trailing comma before "}".
    if (lx.peek() === RBRACE) return lexInlineTableValueEnd;
    return lexInlineTableValue;
  }
  if (r === RBRACE) return lexInlineTableEnd;
  return lx.errorf(`expected a comma or an inline table terminator '}', but got ${runeOrEOF(r)} instead`);
}

function runeOrEOF(r: number): string {
  return r === EOF ? "end of file" : `'${String.fromCodePoint(r)}'`;
}

function lexInlineTableEnd(lx: Lexer): State | null {
  lx.ignore();
  lx.emit("InlineTableEnd");
  return lx.pop();
}

function lexCommentStart(lx: Lexer): State | null {
  lx.ignore();
  lx.emit("CommentStart");
  return lexComment;
}

/** A comment, up to (not including) the newline; then back to the state pushed before. */
function lexComment(lx: Lexer): State | null {
  const r = lx.next();
  if (isNL(r) || r === EOF) {
    lx.backup();
    lx.emit("Text");
    return lx.pop();
  }
  return lexComment;
}
