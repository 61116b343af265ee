/**
 * Parser for the `${…}` dialect of fluxcd/pkg envsubst v1.7.0 (a fork of drone/envsubst), the
 * language of Flux `postBuild` substitution. The grammar is small but irregular; every quirk
 * below is pinned by ../shared/flux/vectors/pkg-envsubst (outputs captured from the real code):
 *
 * - Outside expressions only `$$` is an escape (→ `$`); `$name` and `\` are plain text.
 * - A name is one or more Unicode letters, digits or `_` (it may start with a digit).
 * - Every argument is ONE segment (a run of text or one nested `${…}`), except a default
 *   (`${v:=a${b}c}`), which collects segments up to the first `}`.
 * - Replace arguments (`${v/p/r}`) honour `$$`, `\/` and `\\`; no other argument has escapes.
 * - Parse errors fail the whole text, even in non-strict mode.
 */

/** A template is a sequence of literal text and expressions. */
export type Segment = string | Expression;

export interface Expression {
  /** Variable name. */
  name: string;
  /**
   * The operator as written: "" (plain), ":=", ":-", ":?", ":+", "=", ":" (substring),
   * "#" / "##" / "%" / "%%" (trim; "#" without args is the length form `${#v}`),
   * "/" / "//" / "/#" / "/%" (replace), and up to two of "^" / "," (case).
   */
  op: string;
  args: Segment[];
  /** Offset of the `$` that opens the expression, in UTF-16 units of the parsed text. */
  start: number;
}

/** The error texts are envsubst's own, so messages match what Flux reports. */
export const PARSE_ERRORS = {
  badSubstitution: "bad substitution",
  missingClosingBrace: "missing closing brace",
  variableName: "unable to parse variable name",
  funcSubstitution: "unable to parse substitution within function",
} as const;

/**
 * How deep expressions may nest (`${a:=${b:=…}}`). envsubst's recursive descent runs on Go's
 * growing stack; this one would end in a RangeError ("Maximum call stack size exceeded", naming
 * nothing) some thousands of levels down, sooner in a render worker. Written by hand, a
 * substitution nests a few levels; 256 is the YAML reader's nesting limit too.
 */
export const MAX_EXPRESSION_NESTING = 256;

/** Slipway's own limit, not an envsubst error text. */
export const NESTING_LIMIT_REASON = `substitution expressions nest more than ${MAX_EXPRESSION_NESTING} levels deep (Slipway's limit)`;

export class EnvsubstParseError extends Error {
  constructor(
    readonly reason: string,
    /** Offset (UTF-16 units) where parsing failed. */
    readonly index: number,
  ) {
    super(reason);
    this.name = "EnvsubstParseError";
  }
}

const IDENT_CHAR = /^[\p{L}\p{Nd}_]$/u;

function isIdentChar(ch: string): boolean {
  return IDENT_CHAR.test(ch);
}

const DEFAULT_AFTER_COLON = "=-?+";

export function parseTemplate(text: string): Segment[] {
  return new Parser(text).template();
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  template(): Segment[] {
    const out: Segment[] = [];
    while (this.i < this.src.length) {
      if (this.opensExpression()) {
        const start = this.i;
        this.i += 2;
        out.push(this.expression(start));
      } else {
        out.push(this.topLevelText());
      }
    }
    return out;
  }

  /** Literal text up to the next `${`, with `$$` → `$`. */
  private topLevelText(): string {
    let text = "";
    const { src } = this;
    while (this.i < src.length && !this.opensExpression()) {
      // Most text has no `$`: copy up to the next one in one slice.
      const dollar = src.indexOf("$", this.i + 1);
      const end = dollar < 0 ? src.length : dollar;
      if (src[this.i] === "$" && src[this.i + 1] === "$") {
        text += "$";
        this.i += 2;
      } else {
        text += src.slice(this.i, end);
        this.i = end;
      }
    }
    return text;
  }

  private opensExpression(): boolean {
    return this.src[this.i] === "$" && this.src[this.i + 1] === "{";
  }

  private fail(reason: string): never {
    throw new EnvsubstParseError(reason, this.i);
  }

  /** One full code point at the cursor ("" at the end). */
  private peekChar(at = this.i): string {
    const cp = this.src.codePointAt(at);
    return cp === undefined ? "" : String.fromCodePoint(cp);
  }

  private identifier(): string {
    const begin = this.i;
    for (let ch = this.peekChar(); ch !== "" && isIdentChar(ch); ch = this.peekChar()) this.i += ch.length;
    return this.src.slice(begin, this.i);
  }

  /** Consumes a `}` or fails with "bad substitution". */
  private closeBrace(): void {
    if (this.src[this.i] !== "}") this.fail(PARSE_ERRORS.badSubstitution);
    this.i += 1;
  }

  /** Called just after `${`. */
  private expression(start: number): Expression {
    if (this.depth >= MAX_EXPRESSION_NESTING) throw new EnvsubstParseError(NESTING_LIMIT_REASON, start);
    this.depth++;
    try {
      return this.expressionBody(start);
    } finally {
      this.depth--;
    }
  }

  private expressionBody(start: number): Expression {
    const { src } = this;
    if (src[this.i] === "#") {
      this.i += 1;
      const name = this.identifier();
      if (name === "") this.fail(PARSE_ERRORS.badSubstitution);
      this.closeBrace();
      return { name, op: "#", args: [], start };
    }
    const name = this.identifier();
    if (name === "") this.fail(PARSE_ERRORS.variableName);
    const next = src[this.i];
    switch (next) {
      case "}":
        this.i += 1;
        return { name, op: "", args: [], start };
      case ":":
        return this.colonForm(name, start);
      case "=":
        this.i += 1;
        return this.defaultForm(name, "=", start);
      case ",":
      case "^":
        return this.caseForm(name, start);
      case "/":
        return this.replaceForm(name, start);
      case "#":
      case "%":
        return this.trimForm(name, next, start);
      default:
        return this.fail(PARSE_ERRORS.missingClosingBrace);
    }
  }

  private colonForm(name: string, start: number): Expression {
    const after = this.src[this.i + 1];
    if (after !== undefined && DEFAULT_AFTER_COLON.includes(after)) {
      this.i += 2;
      return this.defaultForm(name, `:${after}`, start);
    }
    // envsubst rewinds by the byte width of the character after ':' instead of by one, so a
    // non-ASCII (or missing) character there lands before the ':' and the substring form fails.
    if (after === undefined || after.charCodeAt(0) > 0x7f) this.fail(PARSE_ERRORS.badSubstitution);
    this.i += 1;
    const args = [this.argument((ch) => ch !== ":" && ch !== "}", false)];
    if (this.src[this.i] === "}") {
      this.i += 1;
      return { name, op: ":", args, start };
    }
    if (this.src[this.i] !== ":") this.fail(PARSE_ERRORS.badSubstitution);
    while (this.src[this.i] === ":") this.i += 1;
    args.push(this.argument((ch) => ch !== "}", false));
    this.closeBrace();
    return { name, op: ":", args, start };
  }

  private defaultForm(name: string, op: string, start: number): Expression {
    const args: Segment[] = [];
    while (this.src[this.i] !== "}") args.push(this.argument((ch) => ch !== "}", false));
    this.i += 1;
    return { name, op, args, start };
  }

  private caseForm(name: string, start: number): Expression {
    const begin = this.i;
    while (this.i - begin < 2 && (this.src[this.i] === "," || this.src[this.i] === "^")) this.i += 1;
    const op = this.src.slice(begin, this.i);
    this.closeBrace();
    return { name, op, args: [], start };
  }

  private trimForm(name: string, mark: string, start: number): Expression {
    const op = this.src[this.i + 1] === mark ? mark + mark : mark;
    this.i += op.length;
    const args = [this.argument((ch) => ch !== "}", false)];
    this.closeBrace();
    return { name, op, args, start };
  }

  private replaceForm(name: string, start: number): Expression {
    const second = this.src[this.i + 1];
    const op = second === "/" || second === "#" || second === "%" ? `/${second}` : "/";
    this.i += op.length;
    const args = [this.argument((ch) => ch !== "/", true)];
    if (this.src[this.i] !== "/") this.fail(PARSE_ERRORS.badSubstitution);
    while (this.src[this.i] === "/") this.i += 1;
    if (this.src[this.i] === "}") {
      this.i += 1;
      return { name, op, args, start };
    }
    args.push(this.argument((ch) => ch !== "}", true));
    this.closeBrace();
    return { name, op, args, start };
  }

  /**
   * One argument segment: a nested expression, or text while `accepts` holds, stopping before
   * `${`. The first character must be accepted (or escaped), else the argument is missing.
   */
  private argument(accepts: (ch: string) => boolean, escapes: boolean): Segment {
    const { src } = this;
    if (this.i >= src.length) this.fail(PARSE_ERRORS.funcSubstitution);
    if (this.opensExpression()) {
      const start = this.i;
      this.i += 2;
      return this.expression(start);
    }
    let text = "";
    let first = true;
    while (this.i < src.length) {
      if (!first && this.opensExpression()) break;
      const ch = this.peekChar();
      const escaped = escapes ? this.escapedChar() : undefined;
      if (escaped !== undefined) {
        text += escaped;
        this.i += 1 + escaped.length;
      } else if (accepts(ch)) {
        text += ch;
        this.i += ch.length;
      } else if (first) {
        this.fail(PARSE_ERRORS.funcSubstitution);
      } else {
        break;
      }
      first = false;
    }
    return text;
  }

  /** `$$` → `$`, `\/` → `/`, `\\` → `\` (inside replace arguments). */
  private escapedChar(): string | undefined {
    const ch = this.src[this.i];
    const next = this.src[this.i + 1];
    if (ch === "$" && next === "$") return "$";
    if (ch === "\\" && (next === "/" || next === "\\")) return next;
    return undefined;
  }
}
