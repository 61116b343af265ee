/**
 * Go's fmt for Go values (fmt/print.go and fmt/format.go, Go 1.25): `Sprint`, `Sprintln`,
 * `Sprintf` with every verb, flag, width, precision and argument index, and Go's in-band
 * error forms (`%!d(string=x)`, `%!s(MISSING)`, `%!(EXTRA int=2)`, `%!(BADWIDTH)`, …).
 *
 * Values are the model of ./value.ts: `null`/`undefined` are a nil interface (`<nil>`),
 * `number` is float64 (printed by strconv's shortest 'g', so 1e6 prints `1e+06`), `GoInt`
 * an integer of its kind, `GoMap` a map printed with sorted keys, arrays slices,
 * `Uint8Array` a []byte, and a `GoObject` either a Stringer/error (`goString`) or a struct.
 * Strings are Go strings as held by ./gostring.ts: `%x` and `%q` see their UTF-8 bytes,
 * widths and `%.3s` count runes.
 *
 * Differs because: Go prints pointers (`%p`, pointers nested in structs) as machine
 * addresses; we print stable made-up addresses, since real ones cannot be reproduced.
 */
import { expansionLimitMessage, MAX_EXPANDED } from "./expansion-budget.js";
import { formatFloat } from "./ftoa.js";
import { escapedByte, runeCount, utf8Decode, utf8Encode } from "./gostring.js";
import { canBackquote, isPrint, quote, quoteRune, quoteRuneToASCII, quoteToASCII } from "./quote.js";
import {
  elemTypeOf,
  GoInt,
  GoMap,
  type GoObject,
  type GoValue,
  goTypeName,
  isGoObject,
  NO_FIELD,
} from "./value.js";

const LDIGITS = "0123456789abcdefx";
const UDIGITS = "0123456789ABCDEFX";
const NONE: unique symbol = Symbol("no argument");
/** Nesting beyond this is a cycle (sprig's `set` can make one); Go would overflow its stack. */
const MAX_DEPTH = 1000;
/**
 * The longest text one value prints as: a template output's limit (exec.ts MAX_OUTPUT). A list
 * holding itself twice, forty times over (`$x = list $x $x`), is small but prints 2^40
 * elements: the process ran out of heap after two minutes and ended with a native stack trace.
 */
const MAX_PRINTED = 64 << 20;

export class FmtCycleError extends Error {}

class Printer {
  buf = "";
  widPresent = false;
  precPresent = false;
  minus = false;
  plus = false;
  sharp = false;
  space = false;
  zero = false;
  plusV = false;
  sharpV = false;
  wid = 0;
  prec = 0;
  /** The operand being printed, for `%!verb(type=value)`. */
  arg: GoValue | typeof NONE = NONE;
  erroring = false;
  reordered = false;
  goodArgNum = true;
  /**
   * The maps and lists printed so far. A list shared twice, forty times over, reaches
   * MAX_PRINTED only after ~20 s and 2 GB of string pieces; this limit is met at once.
   */
  expanded = 0;

  clearFlags(): void {
    this.widPresent = this.precPresent = this.minus = this.plus = this.sharp = false;
    this.space = this.zero = this.plusV = this.sharpV = false;
    this.wid = this.prec = 0;
  }

  // ---- padding (format.go) ----

  writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.zero && !this.minus ? "0" : " ").repeat(n);
  }

  /** Pads s (whose rune count is `runes`) to the width. */
  pad(s: string, runes?: number): void {
    if (!this.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - (runes ?? runeCount(s));
    if (!this.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  // ---- basic kinds ----

  fmtBoolean(v: boolean): void {
    this.pad(v ? "true" : "false", v ? 4 : 5);
  }

  fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.precPresent && this.prec > 4) prec = this.prec;
    let s = u.toString(16).toUpperCase();
    if (s.length < prec) s = "0".repeat(prec - s.length) + s;
    s = `U+${s}`;
    if (this.sharp && u <= 0x10ffffn && isPrint(Number(u))) s += ` '${String.fromCodePoint(Number(u))}'`;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  /** Integer in a base; `v` is the Go value (negative only for signed kinds). */
  fmtInteger(v: bigint, base: number, isSigned: boolean, verb: string, digits: string): void {
    const negative = isSigned && v < 0n;
    const u = negative ? -v : v;
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.zero;
        this.zero = false;
        this.writePadding(this.wid);
        this.zero = oldZero;
        return;
      }
    } else if (this.zero && !this.minus && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--;
    }
    let s = u < 10n && base === 10 ? String(Number(u)) : u.toString(base);
    if (digits === UDIGITS) s = s.toUpperCase();
    if (prec > s.length) s = "0".repeat(prec - s.length) + s;
    if (this.sharp) {
      if (base === 2) s = `0b${s}`;
      else if (base === 8) {
        if (s[0] !== "0") s = `0${s}`;
      } else if (base === 16) s = `0${digits[16]}${s}`;
    }
    if (verb === "O") s = `0o${s}`;
    if (negative) s = `-${s}`;
    else if (this.plus) s = `+${s}`;
    else if (this.space) s = ` ${s}`;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s, s.length);
    this.zero = oldZero;
  }

  truncateString(s: string): string {
    if (this.precPresent) {
      let n = this.prec;
      let i = 0;
      for (const ch of s) {
        if (--n < 0) return s.slice(0, i);
        i += ch.length;
      }
    }
    return s;
  }

  fmtS(s: string): void {
    this.pad(this.truncateString(s));
  }

  /** Hex of the bytes of a string or []byte (`%x`, `% x`, `%#x`). */
  fmtSbx(b: Uint8Array, digits: string): void {
    let length = b.length;
    if (this.precPresent && this.prec < length) length = this.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2;
        width += length - 1;
      } else if (this.sharp) width += 2;
    } else {
      if (this.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width);
    let out = this.sharp ? `0${digits[16]}` : "";
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) {
        out += " ";
        if (this.sharp) out += `0${digits[16]}`;
      }
      const c = b[i]!;
      out += digits[c >> 4]! + digits[c & 15]!;
    }
    this.buf += out;
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width);
  }

  fmtQ(s: string): void {
    s = this.truncateString(s);
    if (this.sharp && canBackquote(s)) {
      this.pad(`\`${s}\``);
      return;
    }
    this.pad(this.plus ? quoteToASCII(s) : quote(s));
  }

  fmtC(c: bigint): void {
    let r = c > 0x10ffffn ? 0xfffd : Number(c);
    if (r >= 0xd800 && r <= 0xdfff) r = 0xfffd;
    this.pad(String.fromCodePoint(r), 1);
  }

  fmtQc(c: bigint): void {
    const r = c > 0x10ffffn ? 0xfffd : Number(c);
    this.pad(this.plus ? quoteRuneToASCII(r) : quoteRune(r));
  }

  /** format.go fmtFloat: sign, `#`, zero padding and Inf/NaN around strconv's digits. */
  fmtFloatDigits(v: number, verb: "e" | "E" | "f" | "g" | "G" | "b" | "x" | "X", prec: number): void {
    if (this.precPresent) prec = this.prec;
    let num = formatFloat(v, verb, prec);
    if (num[0] === "-" || num[0] === "+") {
      // keep the sign
    } else num = `+${num}`;
    if (this.space && num[0] === "+" && !this.plus) num = ` ${num.slice(1)}`;
    if (num[1] === "I" || num[1] === "N") {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === "N" && !this.space && !this.plus) num = num.slice(1);
      this.pad(num, num.length);
      this.zero = oldZero;
      return;
    }
    if (this.sharp && verb !== "b") {
      let digits = 0;
      if (verb === "g" || verb === "G" || verb === "x") digits = prec === -1 ? 6 : prec;
      let tail = "";
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < num.length; i++) {
        const ch = num[i]!;
        if (ch === ".") hasDecimalPoint = true;
        else if (ch === "p" || ch === "P" || ((ch === "e" || ch === "E") && verb !== "x" && verb !== "X")) {
          tail = num.slice(i);
          num = num.slice(0, i);
          break;
        } else {
          if (ch !== "0") sawNonzeroDigit = true;
          if (sawNonzeroDigit) digits--;
        }
      }
      if (!hasDecimalPoint) {
        if (num.length === 2 && num[1] === "0") digits--;
        num += ".";
      }
      if (digits > 0) num += "0".repeat(digits);
      num += tail;
    }
    if (this.plus || num[0] !== "+") {
      if (this.zero && !this.minus && this.widPresent && this.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num, num.length);
      return;
    }
    this.pad(num.slice(1), num.length - 1);
  }

  // ---- print.go ----

  badVerb(verb: string): void {
    this.erroring = true;
    this.buf += `%!${verb}(`;
    const arg = this.arg;
    if (arg === NONE || arg === null || arg === undefined) this.buf += "<nil>";
    else {
      this.buf += `${goTypeName(arg)}=`;
      this.printArg(arg, "v");
    }
    this.buf += ")";
    this.erroring = false;
  }

  fmtBool(v: boolean, verb: string): void {
    if (verb === "t" || verb === "v") this.fmtBoolean(v);
    else this.badVerb(verb);
  }

  fmt0x64(v: bigint, leading0x: boolean): void {
    const sharp = this.sharp;
    this.sharp = leading0x;
    this.fmtInteger(v, 16, false, "v", LDIGITS);
    this.sharp = sharp;
  }

  fmtGoInt(v: bigint, isSigned: boolean, verb: string): void {
    switch (verb) {
      case "v":
        if (this.sharpV && !isSigned) this.fmt0x64(v, true);
        else this.fmtInteger(v, 10, isSigned, verb, LDIGITS);
        return;
      case "d":
        this.fmtInteger(v, 10, isSigned, verb, LDIGITS);
        return;
      case "b":
        this.fmtInteger(v, 2, isSigned, verb, LDIGITS);
        return;
      case "o":
      case "O":
        this.fmtInteger(v, 8, isSigned, verb, LDIGITS);
        return;
      case "x":
        this.fmtInteger(v, 16, isSigned, verb, LDIGITS);
        return;
      case "X":
        this.fmtInteger(v, 16, isSigned, verb, UDIGITS);
        return;
      case "c":
        this.fmtC(isSigned && v < 0n ? BigInt.asUintN(64, v) : v);
        return;
      case "q":
        this.fmtQc(isSigned && v < 0n ? BigInt.asUintN(64, v) : v);
        return;
      case "U":
        this.fmtUnicode(isSigned && v < 0n ? BigInt.asUintN(64, v) : v);
        return;
      default:
        this.badVerb(verb);
    }
  }

  fmtFloat(v: number, verb: string): void {
    switch (verb) {
      case "v":
        this.fmtFloatDigits(v, "g", -1);
        return;
      case "b":
      case "g":
      case "G":
      case "x":
      case "X":
        this.fmtFloatDigits(v, verb, -1);
        return;
      case "f":
      case "e":
      case "E":
        this.fmtFloatDigits(v, verb, 6);
        return;
      case "F":
        this.fmtFloatDigits(v, "f", 6);
        return;
      default:
        this.badVerb(verb);
    }
  }

  fmtString(v: string, verb: string): void {
    switch (verb) {
      case "v":
        if (this.sharpV) this.fmtQ(v);
        else this.fmtS(v);
        return;
      case "s":
        this.fmtS(v);
        return;
      case "x":
        this.fmtSbx(utf8Encode(v), LDIGITS);
        return;
      case "X":
        this.fmtSbx(utf8Encode(v), UDIGITS);
        return;
      case "q":
        this.fmtQ(v);
        return;
      default:
        this.badVerb(verb);
    }
  }

  fmtBytes(v: Uint8Array, verb: string, typeString: string, depth: number): void {
    switch (verb) {
      case "v":
      case "d":
        if (this.sharpV) {
          this.buf += `${typeString}{`;
          v.forEach((c, i) => {
            if (i > 0) this.buf += ", ";
            this.fmt0x64(BigInt(c), true);
          });
          this.buf += "}";
        } else {
          this.buf += "[";
          v.forEach((c, i) => {
            if (i > 0) this.buf += " ";
            this.fmtInteger(BigInt(c), 10, false, verb, LDIGITS);
          });
          this.buf += "]";
        }
        return;
      case "s":
        this.fmtS(utf8Decode(v));
        return;
      case "x":
        this.fmtSbx(v, LDIGITS);
        return;
      case "X":
        this.fmtSbx(v, UDIGITS);
        return;
      case "q":
        this.fmtQ(utf8Decode(v));
        return;
      default: {
        // Any other verb prints the bytes as a slice of uint8.
        const arg = this.arg;
        this.buf += "[";
        v.forEach((c, i) => {
          if (i > 0) this.buf += " ";
          this.arg = new GoInt("uint8", c);
          this.printValue(this.arg, verb, depth + 1);
        });
        this.buf += "]";
        this.arg = arg;
      }
    }
  }

  fmtPointer(v: GoValue, verb: string): void {
    const u = fakeAddress(v);
    if (u === 0) {
      this.badVerb(verb);
      return;
    }
    switch (verb) {
      case "v":
        if (this.sharpV) this.buf += `(${goTypeName(v)})(0x${u.toString(16)})`;
        else this.fmt0x64(BigInt(u), !this.sharp);
        return;
      case "p":
        this.fmt0x64(BigInt(u), !this.sharp);
        return;
      case "b":
      case "o":
      case "d":
      case "x":
      case "X":
        this.fmtGoInt(BigInt(u), false, verb);
        return;
      default:
        this.badVerb(verb);
    }
  }

  /** Stringer and error values print through their method for the string-ish verbs. */
  handleMethods(verb: string): boolean {
    if (this.erroring) return false;
    if (verb === "w") {
      // %w wraps errors only in Errorf; elsewhere it is a bad verb.
      this.badVerb(verb);
      return true;
    }
    const arg = this.arg;
    if (!isGoObject(arg) || !arg.goString || arg.stringerNeedsAddress || this.sharpV) return false;
    if (verb === "v" || verb === "s" || verb === "x" || verb === "X" || verb === "q") {
      this.fmtString(arg.goString(), verb);
      return true;
    }
    return false;
  }

  printArg(arg: GoValue, verb: string): void {
    this.arg = arg;
    if (arg === null || arg === undefined) {
      if (verb === "T" || verb === "v") this.pad("<nil>", 5);
      else this.badVerb(verb);
      return;
    }
    if (verb === "T") {
      this.fmtS(goTypeName(arg));
      return;
    }
    if (verb === "p") {
      this.fmtPointer(arg, "p");
      return;
    }
    switch (typeof arg) {
      case "boolean":
        this.fmtBool(arg, verb);
        return;
      case "number":
        this.fmtFloat(arg, verb);
        return;
      case "string":
        this.fmtString(arg, verb);
        return;
    }
    if (arg instanceof GoInt) {
      this.fmtGoInt(arg.value, arg.isSigned(), verb);
      return;
    }
    if (arg instanceof Uint8Array) {
      this.fmtBytes(arg, verb, "[]byte", 0);
      return;
    }
    if (!this.handleMethods(verb)) this.printValue(arg, verb, 0);
  }

  printValue(value: GoValue, verb: string, depth: number): void {
    if (depth > MAX_DEPTH) throw new FmtCycleError("value nests too deeply to print (a cycle?)");
    if (this.buf.length > MAX_PRINTED)
      throw new FmtCycleError(
        `a value printed as more than ${MAX_PRINTED} characters (Slipway's limit; a template's output has the same limit)`,
      );
    if (depth > 0 && value !== null && value !== undefined) {
      this.arg = value;
      if (this.handleMethods(verb)) return;
    }
    this.arg = value === undefined ? null : value;
    if (value === null || value === undefined) {
      // A nil inside a container is a nil interface.
      this.buf += this.sharpV ? "interface {}(nil)" : "<nil>";
      return;
    }
    switch (typeof value) {
      case "boolean":
        this.fmtBool(value, verb);
        return;
      case "number":
        this.fmtFloat(value, verb);
        return;
      case "string":
        this.fmtString(value, verb);
        return;
    }
    if (value instanceof GoInt) {
      this.fmtGoInt(value.value, value.isSigned(), verb);
      return;
    }
    if (value instanceof Uint8Array) {
      this.fmtBytes(value, verb, "[]uint8", depth);
      return;
    }
    if (value instanceof GoMap) {
      this.printMap(value, verb, depth);
      return;
    }
    if (Array.isArray(value)) {
      this.printSlice(value, verb, depth);
      return;
    }
    this.printObject(value, verb, depth);
  }

  /** Counts a map or list about to be printed (expansion-budget.ts). */
  chargeContainer(): void {
    if (++this.expanded > MAX_EXPANDED) throw new FmtCycleError(expansionLimitMessage("print"));
  }

  printMap(m: GoMap, verb: string, depth: number): void {
    this.chargeContainer();
    this.buf += this.sharpV ? `${m.goType}{` : "map[";
    let i = 0;
    for (const k of m.sortedKeys()) {
      if (i++ > 0) this.buf += this.sharpV ? ", " : " ";
      this.printValue(k, verb, depth + 1);
      this.buf += ":";
      this.printValue(m.get(k), verb, depth + 1);
    }
    this.buf += this.sharpV ? "}" : "]";
  }

  printSlice(items: GoValue[], verb: string, depth: number): void {
    this.chargeContainer();
    if (this.sharpV) {
      this.buf += `${goTypeName(items)}{`;
      items.forEach((x, i) => {
        if (i > 0) this.buf += ", ";
        this.printValue(x, verb, depth + 1);
      });
      this.buf += "}";
      return;
    }
    if ((verb === "s" || verb === "q" || verb === "x" || verb === "X") && elemTypeOf(items) === "uint8") {
      const bytes = Uint8Array.from(items, (x) => (x instanceof GoInt ? Number(x.value) : 0));
      this.fmtBytes(bytes, verb, goTypeName(items), depth);
      return;
    }
    this.buf += "[";
    items.forEach((x, i) => {
      if (i > 0) this.buf += " ";
      this.printValue(x, verb, depth + 1);
    });
    this.buf += "]";
  }

  printObject(o: GoObject, verb: string, depth: number): void {
    const underlying = o.fmtValue?.();
    if (underlying !== undefined) {
      this.printValue(underlying, verb, depth);
      return;
    }
    if (o.goKind === "ptr") {
      if (depth === 0) {
        this.buf += "&";
        this.printStruct(o, o.goType.replace(/^\*/, ""), verb, depth + 1);
      } else this.fmtPointer(o, verb);
      return;
    }
    if (o.goKind === "struct") {
      this.printStruct(o, o.goType, verb, depth);
      return;
    }
    this.buf += `?${o.goType}?`;
  }

  printStruct(o: GoObject, typeName: string, verb: string, depth: number): void {
    if (this.sharpV) this.buf += typeName;
    this.buf += "{";
    const names = o.fieldNames?.() ?? [];
    names.forEach((name, i) => {
      if (i > 0) this.buf += this.sharpV ? ", " : " ";
      if (this.plusV || this.sharpV) this.buf += `${name}:`;
      const f = o.fmtField ? o.fmtField(name) : o.field(name);
      this.printValue(f === NO_FIELD ? null : f, verb, depth + 1);
    });
    this.buf += "}";
  }

  // ---- Printf ----

  doPrintf(format: string, a: GoValue[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    this.reordered = false;
    let i = 0;
    formatLoop: while (i < end) {
      this.goodArgNum = true;
      const pct = format.indexOf("%", i);
      if (pct < 0) {
        this.buf += i === 0 ? format : format.slice(i);
        break;
      }
      if (pct > i) this.buf += format.slice(i, pct);
      i = pct + 1;

      this.clearFlags();
      simpleFormat: for (; i < end; i++) {
        const c = format[i]!;
        switch (c) {
          case "#":
            this.sharp = true;
            break;
          case "0":
            this.zero = true;
            break;
          case "+":
            this.plus = true;
            break;
          case "-":
            this.minus = true;
            break;
          case " ":
            this.space = true;
            break;
          default:
            // Fast path: a lower-case ASCII verb with nothing but flags before it.
            if (c >= "a" && c <= "z" && argNum < a.length) {
              if (c === "v" || c === "w") {
                this.sharpV = this.sharp;
                this.sharp = false;
                this.plusV = this.plus;
                this.plus = false;
              }
              this.printArg(a[argNum]!, c);
              argNum++;
              i++;
              continue formatLoop;
            }
            break simpleFormat;
        }
      }

      [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);

      if (i < end && format[i] === "*") {
        i++;
        [this.wid, this.widPresent, argNum] = intFromArg(a, argNum);
        if (!this.widPresent) this.buf += "%!(BADWIDTH)";
        if (this.wid < 0) {
          this.wid = -this.wid;
          this.minus = true;
          this.zero = false;
        }
        afterIndex = false;
      } else {
        [this.wid, this.widPresent, i] = parseNum(format, i, end);
        if (afterIndex && this.widPresent) this.goodArgNum = false;
      }

      if (i + 1 < end && format[i] === ".") {
        i++;
        if (afterIndex) this.goodArgNum = false;
        [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
        if (i < end && format[i] === "*") {
          i++;
          [this.prec, this.precPresent, argNum] = intFromArg(a, argNum);
          if (this.prec < 0) {
            this.prec = 0;
            this.precPresent = false;
          }
          if (!this.precPresent) this.buf += "%!(BADPREC)";
          afterIndex = false;
        } else {
          [this.prec, this.precPresent, i] = parseNum(format, i, end);
          if (!this.precPresent) {
            this.prec = 0;
            this.precPresent = true;
          }
        }
      }

      if (!afterIndex) [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);

      if (i >= end) {
        this.buf += "%!(NOVERB)";
        break;
      }
      const cp = format.codePointAt(i)!;
      const verb = String.fromCodePoint(cp);
      i += verb.length;
      const byte = escapedByte(cp);
      const verbText = byte >= 0 ? "\ufffd" : verb;

      if (verb === "%") this.buf += "%";
      else if (!this.goodArgNum) this.buf += `%!${verbText}(BADINDEX)`;
      else if (argNum >= a.length) this.buf += `%!${verbText}(MISSING)`;
      else {
        if (verb === "v" || verb === "w") {
          this.sharpV = this.sharp;
          this.sharp = false;
          this.plusV = this.plus;
          this.plus = false;
        }
        this.printArg(a[argNum]!, verbText);
        argNum++;
      }
    }

    if (!this.reordered && argNum < a.length) {
      this.clearFlags();
      this.buf += "%!(EXTRA ";
      a.slice(argNum).forEach((arg, k) => {
        if (k > 0) this.buf += ", ";
        if (arg === null || arg === undefined) this.buf += "<nil>";
        else {
          this.buf += `${goTypeName(arg)}=`;
          this.printArg(arg, "v");
        }
      });
      this.buf += ")";
    }
  }

  argNumber(argNum: number, format: string, i: number, numArgs: number): [number, number, boolean] {
    if (format.length <= i || format[i] !== "[") return [argNum, i, false];
    this.reordered = true;
    const [index, wid, ok] = parseArgNumber(format.slice(i));
    if (ok && index >= 0 && index < numArgs) return [index, i + wid, true];
    this.goodArgNum = false;
    return [argNum, i + wid, ok];
  }
}

function tooLarge(x: number): boolean {
  return x > 1e6 || x < -1e6;
}

function parseNum(s: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let isnum = false;
  let i = start;
  for (; i < end && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57; i++) {
    if (tooLarge(num)) return [0, false, end];
    num = num * 10 + (s.charCodeAt(i) - 48);
    isnum = true;
  }
  return [num, isnum, i];
}

function parseArgNumber(format: string): [number, number, boolean] {
  if (format.length < 3) return [0, 1, false];
  for (let i = 1; i < format.length; i++) {
    if (format[i] === "]") {
      const [width, ok, newi] = parseNum(format, 1, i);
      if (!ok || newi !== i) return [0, i + 1, false];
      return [width - 1, i + 1, true];
    }
  }
  return [0, 1, false];
}

/** `*` width/precision: the argument must be an integer (int kinds), within ±1e6. */
function intFromArg(a: GoValue[], argNum: number): [number, boolean, number] {
  if (argNum >= a.length) return [0, false, argNum];
  const v = a[argNum];
  let num = 0;
  let isInt = false;
  if (v instanceof GoInt) {
    const n = v.isSigned() ? BigInt.asIntN(64, v.value) : v.value;
    if (n >= -(2n ** 63n) && n < 2n ** 63n) {
      num = Number(n);
      isInt = true;
    }
  }
  if (tooLarge(num)) {
    num = 0;
    isInt = false;
  }
  return [num, isInt, argNum + 1];
}

const addresses = new WeakMap<object, number>();
let nextAddress = 0xc000010000;

/** A stable stand-in for a Go pointer value; 0 for values that are not pointer-like. */
function fakeAddress(v: GoValue): number {
  if (v === null || v === undefined || typeof v !== "object" || v instanceof GoInt) return 0;
  if (isGoObject(v) && v.goKind !== "ptr" && v.goKind !== "map" && v.goKind !== "func") return 0;
  let a = addresses.get(v);
  if (a === undefined) {
    a = nextAddress;
    nextAddress += 0x30;
    addresses.set(v, a);
  }
  return a;
}

// ---- the API ----

/** fmt.Sprint: operands in their %v form, a space between two operands when neither is a string. */
export function sprint(args: readonly GoValue[]): string {
  if (args.length === 1) return formatValue(args[0]);
  const p = new Printer();
  let prevString = false;
  args.forEach((arg, i) => {
    const isString = typeof arg === "string";
    if (i > 0 && !isString && !prevString) p.buf += " ";
    p.printArg(arg, "v");
    prevString = isString;
  });
  return p.buf;
}

/** fmt.Sprintln: operands in %v form separated by spaces, then a newline. */
export function sprintln(args: readonly GoValue[]): string {
  const p = new Printer();
  args.forEach((arg, i) => {
    if (i > 0) p.buf += " ";
    p.printArg(arg, "v");
  });
  return `${p.buf}\n`;
}

/** fmt.Sprintf */
export function sprintf(format: string, args: readonly GoValue[]): string {
  const p = new Printer();
  p.doPrintf(format, args as GoValue[]);
  return p.buf;
}

/** fmt's %v of one value (`fmt.Sprint(v)`); nil and "no value" print `<nil>`. */
export function formatValue(v: GoValue): string {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      return formatFloat(v, "g", -1);
    case "boolean":
      return v ? "true" : "false";
    case "undefined":
      return "<nil>";
  }
  if (v === null) return "<nil>";
  if (v instanceof GoInt) return v.value.toString();
  const p = new Printer();
  p.printArg(v, "v");
  return p.buf;
}
