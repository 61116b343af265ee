/**
 * Go's encoding/json Unmarshal into interface{}, map[string]interface{} or []interface{}
 * (Go 1.25): the whole input is first checked by the scanner, whose messages we reproduce
 * ("invalid character 'b' looking for beginning of object key string", "unexpected end of
 * JSON input"); then a top-level kind that does not fit the target is Go's
 * UnmarshalTypeError ("json: cannot unmarshal array into Go value of type …").
 * Numbers become float64, objects map[string]interface {} (a later duplicate key wins).
 */
import { utf8Decode, utf8Encode } from "../../template/gostring.js";
import { quote } from "../../template/quote.js";
import { GoMap, type GoValue } from "../../template/value.js";

export class JsonSyntaxError extends Error {}
export class JsonTypeError extends Error {}

function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const s = quote(String.fromCharCode(c));
  return `'${s.slice(1, -1)}'`;
}

/** `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`: escape letter → byte. */
const SIMPLE_ESCAPES = new Map([
  [0x22, 0x22],
  [0x5c, 0x5c],
  [0x2f, 0x2f],
  [0x62, 8],
  [0x66, 12],
  [0x6e, 10],
  [0x72, 13],
  [0x74, 9],
]);

/** encoding/json's scanner refuses deeper nesting (maxNestingDepth). */
const GO_MAX_DEPTH = 10000;
/**
 * Slipway's own limit: every later step (conversion, toJson, toYaml, printing) recurses per
 * level, and a few thousand levels exhaust the stack; no chart needs more than a few dozen.
 */
export const MAX_JSON_DEPTH = 512;

/** A recursive-descent reader over the UTF-8 bytes, with the scanner's error contexts. */
class Reader {
  i = 0;
  private depth = 0;
  /** Go checks the syntax of the whole input first, so a type error is raised only after. */
  typeError: JsonTypeError | undefined;
  constructor(readonly b: Uint8Array) {}

  /**
   * At the end of input Go's scanner steps once more with a space (scanner.eof): inside a
   * token (a literal, a number, an escape) that space is the invalid character.
   */
  fail(context: string, inToken = false): never {
    if (this.i >= this.b.length) {
      if (inToken) throw new JsonSyntaxError(`invalid character ' ' ${context}`);
      throw new JsonSyntaxError("unexpected end of JSON input");
    }
    throw new JsonSyntaxError(`invalid character ${quoteChar(this.b[this.i]!)} ${context}`);
  }

  ws(): void {
    while (this.i < this.b.length) {
      const c = this.b[this.i]!;
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.i++;
    }
  }

  value(): GoValue {
    this.ws();
    const c = this.b[this.i];
    switch (c) {
      case 0x7b:
        return this.object();
      case 0x5b:
        return this.array();
      case 0x22:
        return this.string();
      case 0x74:
        return this.literal("true", true);
      case 0x66:
        return this.literal("false", false);
      case 0x6e:
        return this.literal("null", null);
    }
    if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return this.number();
    return this.fail("looking for beginning of value");
  }

  literal(word: string, v: GoValue): GoValue {
    this.i++;
    for (let k = 1; k < word.length; k++) {
      if (this.b[this.i] !== word.charCodeAt(k))
        this.fail(`in literal ${word} (expecting ${quoteChar(word.charCodeAt(k))})`, true);
      this.i++;
    }
    return v;
  }

  number(): number | null {
    const start = this.i;
    const digit = () => this.i < this.b.length && this.b[this.i]! >= 0x30 && this.b[this.i]! <= 0x39;
    if (this.b[this.i] === 0x2d) {
      this.i++;
      if (!digit()) this.fail("in numeric literal", true);
    }
    if (this.b[this.i] === 0x30) this.i++;
    else while (digit()) this.i++;
    if (this.b[this.i] === 0x2e) {
      this.i++;
      if (!digit()) this.fail("after decimal point in numeric literal", true);
      while (digit()) this.i++;
    }
    if (this.b[this.i] === 0x65 || this.b[this.i] === 0x45) {
      this.i++;
      if (this.b[this.i] === 0x2b || this.b[this.i] === 0x2d) this.i++;
      if (!digit()) this.fail("in exponent of numeric literal", true);
      while (digit()) this.i++;
    }
    // latin1: the literal is ASCII; not fromCharCode(...bytes), whose arguments overflow the
    // stack for a literal of a few hundred thousand digits.
    const text = Buffer.from(this.b.buffer, this.b.byteOffset + start, this.i - start).toString("latin1");
    const f = Number(text);
    if (!Number.isFinite(f)) {
      this.typeError ??= new JsonTypeError(
        `json: cannot unmarshal number ${text} into Go value of type float64`,
      );
      return null;
    }
    return f;
  }

  string(): string {
    this.i++; // opening quote
    const out: number[] = [];
    for (;;) {
      if (this.i >= this.b.length) this.fail("in string literal");
      const c = this.b[this.i]!;
      if (c === 0x22) {
        this.i++;
        break;
      }
      if (c < 0x20) this.fail("in string literal");
      if (c !== 0x5c) {
        out.push(c);
        this.i++;
        continue;
      }
      this.i++;
      const e = this.b[this.i];
      const simple = e === undefined ? undefined : SIMPLE_ESCAPES.get(e);
      if (simple !== undefined) {
        out.push(simple);
        this.i++;
        continue;
      }
      if (e !== 0x75) this.fail("in string escape code", true);
      this.i++;
      let r = this.hex4();
      if (r >= 0xd800 && r < 0xdc00) {
        // A surrogate pair when a low surrogate escape follows; otherwise U+FFFD.
        const save = this.i;
        if (this.b[this.i] === 0x5c && this.b[this.i + 1] === 0x75) {
          this.i += 2;
          const lo = this.hex4();
          if (lo >= 0xdc00 && lo < 0xe000) r = 0x10000 + ((r - 0xd800) << 10) + (lo - 0xdc00);
          else {
            this.i = save;
            r = 0xfffd;
          }
        } else r = 0xfffd;
      } else if (r >= 0xdc00 && r < 0xe000) r = 0xfffd;
      for (const x of utf8Encode(String.fromCodePoint(r))) out.push(x);
    }
    // Invalid UTF-8 in a JSON string decodes to U+FFFD per bad byte.
    return utf8Decode(Uint8Array.from(out)).replace(/[\udc80-\udcff]/g, "\ufffd");
  }

  hex4(): number {
    let r = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.b[this.i];
      const d = c === undefined ? -1 : parseInt(String.fromCharCode(c), 16);
      if (Number.isNaN(d) || d < 0) this.fail("in \\u hexadecimal character escape", true);
      r = r * 16 + d;
      this.i++;
    }
    return r;
  }

  /** Entering an object or array at this.i. */
  nest(): void {
    if (++this.depth <= MAX_JSON_DEPTH) return;
    // Go checks the whole input's syntax first: past its own limit, its error.
    let depth = this.depth;
    for (let j = this.i + 1; j < this.b.length && depth <= GO_MAX_DEPTH; j++) {
      const c = this.b[j];
      if (c === 0x5b || c === 0x7b) depth++;
      else if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      if (depth > GO_MAX_DEPTH) {
        this.i = j;
        throw new JsonSyntaxError(`invalid character ${quoteChar(c!)} exceeded max depth`);
      }
    }
    throw new JsonSyntaxError(
      `json: nesting deeper than ${MAX_JSON_DEPTH} levels (Slipway's limit; encoding/json allows ${GO_MAX_DEPTH})`,
    );
  }

  object(): GoMap {
    this.nest();
    this.i++;
    const m = new GoMap();
    this.ws();
    if (this.b[this.i] === 0x7d) {
      this.i++;
      this.depth--;
      return m;
    }
    for (;;) {
      this.ws();
      if (this.b[this.i] !== 0x22) this.fail("looking for beginning of object key string");
      const key = this.string();
      this.ws();
      if (this.b[this.i] !== 0x3a) this.fail("after object key");
      this.i++;
      m.set(key, this.value());
      this.ws();
      const c = this.b[this.i];
      if (c === 0x2c) {
        this.i++;
        continue;
      }
      if (c === 0x7d) {
        this.i++;
        this.depth--;
        return m;
      }
      this.fail("after object key:value pair");
    }
  }

  array(): GoValue[] {
    this.nest();
    this.i++;
    const a: GoValue[] = [];
    this.ws();
    if (this.b[this.i] === 0x5d) {
      this.i++;
      this.depth--;
      return a;
    }
    for (;;) {
      a.push(this.value());
      this.ws();
      const c = this.b[this.i];
      if (c === 0x2c) {
        this.i++;
        continue;
      }
      if (c === 0x5d) {
        this.i++;
        this.depth--;
        return a;
      }
      this.fail("after array element");
    }
  }
}

/**
 * Decodes JSON text as Go would into interface{}. Syntax errors throw JsonSyntaxError (Go
 * decodes nothing then); a number out of float64 range is reported with the value (Go keeps
 * decoding, leaves nil there and returns the first such error).
 */
export function decodeJson(text: string): { value: GoValue; typeError?: JsonTypeError } {
  const r = new Reader(utf8Encode(text));
  const value = r.value();
  r.ws();
  if (r.i < r.b.length) r.fail("after top-level value");
  return { value, typeError: r.typeError };
}

/** json.Unmarshal into interface{}: the value, or Go's error. */
export function parseJson(text: string): GoValue {
  const { value, typeError } = decodeJson(text);
  if (typeError) throw typeError;
  return value;
}

function kindOf(v: GoValue): string {
  if (v instanceof GoMap) return "object";
  if (Array.isArray(v)) return "array";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  return "bool";
}

/**
 * json.Unmarshal into a map[string]interface{}: the decoded map (null leaves a nil map, an
 * empty one here) and the error Go returns with it, if any.
 */
export function unmarshalObject(text: string): { value: GoMap; error?: string } {
  const { value, typeError } = decodeJson(text);
  if (value === null) return { value: new GoMap() };
  if (!(value instanceof GoMap)) {
    return {
      value: new GoMap(),
      error: `json: cannot unmarshal ${kindOf(value)} into Go value of type map[string]interface {}`,
    };
  }
  return { value, error: typeError?.message };
}

/** json.Unmarshal into a []interface{}. */
export function unmarshalArray(text: string): { value: GoValue[]; error?: string } {
  const { value, typeError } = decodeJson(text);
  if (value === null) return { value: [] };
  if (!Array.isArray(value)) {
    return {
      value: [],
      error: `json: cannot unmarshal ${kindOf(value)} into Go value of type []interface {}`,
    };
  }
  return { value, error: typeError?.message };
}
