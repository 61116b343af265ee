/**
 * BurntSushi/toml v1.6.0's lexer states for scalar values (lex.go): the four string forms
 * and their escapes (TOML 1.1 adds \e and \xHH), numbers and date-times (lexed loosely; the
 * parser validates them, scalars.ts) and booleans. Each pops the enclosing state when done.
 */
import { quote } from "../../../template/quote.js";
import { isLetter } from "../unicode.js";
import { c, EOF, isBinary, isDigit, isHex, isNL, isOctal, type Lexer, q, type State } from "./lexer.js";

const ch = (s: string): number => s.charCodeAt(0);
const DQUOTE = ch('"');
const SQUOTE = ch("'");
const BACKSLASH = ch("\\");

/** Inside "…", after the opening quote. */
export function lexString(lx: Lexer): State | null {
  const r = lx.next();
  if (r === EOF) return lx.errorf(`unexpected EOF; expected '"'`);
  if (isNL(r)) return lx.errorPrevLine("strings cannot contain newlines");
  if (r === BACKSLASH) {
    lx.push(lexString);
    return lexStringEscape;
  }
  if (r === DQUOTE) {
    lx.backup();
    if (lx.esc) {
      lx.esc = false;
      lx.emit("StringEsc");
    } else {
      lx.emit("String");
    }
    lx.next();
    lx.ignore();
    return lx.pop();
  }
  return lexString;
}

/** Inside """…""", after the opening quotes; up to five quotes may end the string. */
export function lexMultilineString(lx: Lexer): State | null {
  const r = lx.next();
  if (r === EOF) return lx.errorf(`unexpected EOF; expected '"""'`);
  if (r === BACKSLASH) return lexMultilineStringEscape;
  if (r !== DQUOTE) return lexMultilineString;
  if (lx.accept(DQUOTE)) {
    if (lx.accept(DQUOTE)) {
      if (lx.peek() === DQUOTE) {
        // Six quotes in a row are too many; an escaped quote before five is not.
        if (lx.currentEndsWith(`"""""`) && !lx.currentEndsWith(`\\"""""`)) {
          return lx.errorf(`unexpected '""""""'`);
        }
        lx.backup();
        lx.backup();
        return lexMultilineString;
      }
      lx.backup();
      lx.backup();
      lx.backup();
      lx.esc = false;
      lx.emit("MultilineString");
      lx.next();
      lx.next();
      lx.next();
      lx.ignore();
      return lx.pop();
    }
    lx.backup();
  }
  return lexMultilineString;
}

/** Inside '…': no escapes. */
export function lexRawString(lx: Lexer): State | null {
  const r = lx.next();
  if (r === EOF) return lx.errorf(`unexpected EOF; expected "'"`);
  if (isNL(r)) return lx.errorPrevLine("strings cannot contain newlines");
  if (r === SQUOTE) {
    lx.backup();
    lx.emit("RawString");
    lx.next();
    lx.ignore();
    return lx.pop();
  }
  return lexRawString;
}

/** Inside '''…'''. */
export function lexMultilineRawString(lx: Lexer): State | null {
  const r = lx.next();
  if (r === EOF) return lx.errorf(`unexpected EOF; expected "'''"`);
  if (r !== SQUOTE) return lexMultilineRawString;
  if (lx.accept(SQUOTE)) {
    if (lx.accept(SQUOTE)) {
      if (lx.peek() === SQUOTE) {
        if (lx.currentEndsWith("'''''")) return lx.errorf(`unexpected "''''''"`);
        lx.backup();
        lx.backup();
        return lexMultilineRawString;
      }
      lx.backup();
      lx.backup();
      lx.backup();
      lx.emit("RawMultilineString");
      lx.next();
      lx.next();
      lx.next();
      lx.ignore();
      return lx.pop();
    }
    lx.backup();
  }
  return lexMultilineRawString;
}

/** After "\" in """…""": a line-ending backslash, or an ordinary escape. */
function lexMultilineStringEscape(lx: Lexer): State | null {
  if (isNL(lx.next())) return lexMultilineString;
  lx.backup();
  lx.push(lexMultilineString);
  return lexStringEscape(lx);
}

/** After "\": the escape letter (space and tab too: the parser rejects them later). */
function lexStringEscape(lx: Lexer): State | null {
  lx.esc = true;
  const r = lx.next();
  switch (String.fromCodePoint(r)) {
    case "e":
    case "b":
    case "t":
    case "n":
    case "f":
    case "r":
    case '"':
    case " ":
    case "\t":
    case "\\":
      return lx.pop();
    case "x":
      return hexDigits(2, "two", "x");
    case "u":
      return hexDigits(4, "four", "u");
    case "U":
      return hexDigits(8, "eight", "U");
  }
  return lx.error(`invalid escape in string '\\${c(r)}'`);
}

function hexDigits(n: number, count: string, letter: string): State {
  return (lx) => {
    for (let i = 0; i < n; i++) {
      if (!isHex(lx.next())) {
        return lx.errorf(
          `expected ${count} hexadecimal digits after '\\${letter}', but got ${quote(lx.current())} instead`,
        );
      }
    }
    return lx.pop();
  };
}

/** The first digit of a value: a leading "0" may start a base prefix. */
export function lexNumberOrDateStart(lx: Lexer): State | null {
  if (lx.next() === ch("0")) return lexBaseNumberOrDate;
  return lexNumberOrDate;
}

function lexNumberOrDate(lx: Lexer): State | null {
  const r = lx.next();
  if (isDigit(r)) return lexNumberOrDate;
  switch (r) {
    case ch("-"):
    case ch(":"):
      return lexDatetime;
    case ch("_"):
      return lexDecimalNumber;
    case ch("."):
    case ch("e"):
    case ch("E"):
      return lexFloat;
  }
  lx.backup();
  lx.emit("Integer");
  return lx.pop();
}

const DATETIME_CHARS = new Set([..."-:Tt .Zz+"].map(ch));

/** A date-time to a first approximation; the parser checks the format. */
function lexDatetime(lx: Lexer): State | null {
  const r = lx.next();
  if (isDigit(r) || DATETIME_CHARS.has(r)) return lexDatetime;
  lx.backup();
  lx.emitTrim("Datetime");
  return lx.pop();
}

function baseInteger(isDigitOfBase: (r: number) => boolean): State {
  const state: State = (lx) => {
    const r = lx.next();
    if (isDigitOfBase(r) || r === ch("_")) return state;
    lx.backup();
    lx.emit("Integer");
    return lx.pop();
  };
  return state;
}

const lexHexInteger = baseInteger(isHex);
const lexOctalInteger = baseInteger(isOctal);
const lexBinaryInteger = baseInteger(isBinary);

function lexDecimalNumber(lx: Lexer): State | null {
  const r = lx.next();
  if (isDigit(r) || r === ch("_")) return lexDecimalNumber;
  if (r === ch(".") || r === ch("e") || r === ch("E")) return lexFloat;
  lx.backup();
  lx.emit("Integer");
  return lx.pop();
}

/** After a sign: decimal numbers, inf and nan only. */
export function lexDecimalNumberStart(lx: Lexer): State | null {
  const r = lx.next();
  switch (r) {
    case ch("i"):
      if (!lx.accept(ch("n")) || !lx.accept(ch("f"))) return lx.errorf(`invalid float: '${lx.current()}'`);
      lx.emit("Float");
      return lx.pop();
    case ch("n"):
      if (!lx.accept(ch("a")) || !lx.accept(ch("n"))) return lx.errorf(`invalid float: '${lx.current()}'`);
      lx.emit("Float");
      return lx.pop();
    case ch("0"): {
      const p = lx.peek();
      if (p === ch("b") || p === ch("o") || p === ch("x")) {
        return lx.errorf(`cannot use sign with non-decimal numbers: '${lx.current()}${c(p)}'`);
      }
      break;
    }
    case ch("."):
      return lx.errorf("floats must start with a digit, not '.'");
  }
  if (isDigit(r)) return lexDecimalNumber;
  return lx.errorf(`expected a digit but got ${q(r)}`);
}

/** After a leading "0": a base prefix, a float, a date-time or just 0. */
function lexBaseNumberOrDate(lx: Lexer): State | null {
  const r = lx.next();
  if (isDigit(r)) return lexNumberOrDate;
  switch (r) {
    case ch("_"):
      return lexDecimalNumber;
    case ch("."):
    case ch("e"):
    case ch("E"):
      return lexFloat;
    case ch("b"):
      // Quirk kept: the error is reported but lexing goes on (the parser stops at the error).
      if (!isBinary(lx.peek())) lx.errorf(`not a binary number: '${lx.current()}${c(lx.peek())}'`);
      return lexBinaryInteger;
    case ch("o"):
      if (!isOctal(lx.peek())) lx.errorf(`not an octal number: '${lx.current()}${c(lx.peek())}'`);
      return lexOctalInteger;
    case ch("x"):
      if (!isHex(lx.peek())) lx.errorf(`not a hexadecimal number: '${lx.current()}${c(lx.peek())}'`);
      return lexHexInteger;
  }
  lx.backup();
  lx.emit("Integer");
  return lx.pop();
}

const FLOAT_CHARS = new Set([..."_.-+eE"].map(ch));

/** Any run of float-like characters; the parser validates it. */
function lexFloat(lx: Lexer): State | null {
  const r = lx.next();
  if (isDigit(r) || FLOAT_CHARS.has(r)) return lexFloat;
  lx.backup();
  lx.emit("Float");
  return lx.pop();
}

/** A word: true or false, anything else is not a value. */
export function lexBool(lx: Lexer): State | null {
  let word = "";
  for (;;) {
    const r = lx.next();
    if (!isLetter(r)) {
      lx.backup();
      break;
    }
    word += c(r);
  }
  if (word === "true" || word === "false") {
    lx.emit("Bool");
    return lx.pop();
  }
  return lx.errorf(`expected value but found ${quote(word)} instead`);
}
