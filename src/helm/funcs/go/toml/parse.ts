/**
 * BurntSushi/toml v1.6.0's parser (parse.go) building what toml.Unmarshal hands a
 * map[string]interface{}: tables are maps, arrays of tables `[]map[string]interface {}`,
 * other arrays `[]interface {}`, integers int64, floats float64, date-times time.Time.
 *
 * Which redefinitions are errors follows parse.go's bookkeeping, not the TOML spec: keys
 * created implicitly (by `a.b = 1` or `[a.b]`) may be defined once more, an array key may be
 * replaced while it is implicit, and an inline table can still be extended by a later
 * `[a.c]` or `a.c = 1`, as BurntSushi allows. Errors carry the line of the item (or of the
 * last key read) and the key in scope, as ParseError does.
 */

import { quote } from "../../../template/quote.js";
import { elemTypeOf, GoMap, type GoValue, MAP_TYPE, sliceOf } from "../../../template/value.js";
import { formatKey, type KeyPath, TomlInternalError, TomlParseError } from "./errors.js";
import { lexTop } from "./lex-structure.js";
import { type Item, type ItemType, Lexer } from "./lexer.js";
import {
  decodeDatetime,
  decodeFloat,
  decodeInteger,
  type Fail,
  replaceEscapes,
  stripEscapedNewlines,
  stripFirstNewline,
  type TomlZones,
} from "./scalars.js";

type TomlType = "Hash" | "ArrayHash" | "Array" | "Primitive";

/**
 * Arrays and inline tables nested deeper than this, and keys or table names of more parts,
 * fail: Go recurses on, but the tables they build would be too deep for the printers after
 * fromToml (and a key of n parts costs n² to create).
 */
export const MAX_NESTING = 1000;

/** An array of tables (`[[a]]`), as opposed to an array value. */
const isTableArray = (v: GoValue | undefined): v is GoMap[] => Array.isArray(v) && elemTypeOf(v) === MAP_TYPE;

class Parser {
  private readonly lx: Lexer;
  /** Full key of the table in scope. */
  private context: string[] = [];
  /** Last part of the key being defined ("" between key/value pairs). */
  private currentKey = "";
  /** Line of the last key or table name read (parse.go p.pos), for structure errors. */
  private posLine = 0;
  private readonly types = new Map<string, TomlType>();
  private readonly implicits = new Set<string>();
  private depth = 0;
  readonly mapping = new GoMap();

  constructor(
    input: string,
    private readonly zones: TomlZones,
  ) {
    this.lx = new Lexer(input, lexTop);
  }

  run(): void {
    for (;;) {
      const item = this.next();
      if (item.typ === "EOF") return;
      this.topLevel(item);
    }
  }

  private fail(line: number, message: string): never {
    throw new TomlParseError(line, this.current(), message);
  }

  /** parse.go panicf: at the last key read. */
  private failHere(message: string): never {
    return this.fail(this.posLine, message);
  }

  private failAt(it: Item): Fail {
    return (message) => this.fail(it.line, message);
  }

  private next(): Item {
    const it = this.lx.nextItem();
    if (it.typ === "Error") this.fail(it.line, it.err ?? it.val);
    return it;
  }

  private nextPos(): Item {
    const it = this.next();
    this.posLine = it.line;
    return it;
  }

  private expect(typ: ItemType): Item {
    const it = this.next();
    assertType(typ, it.typ);
    return it;
  }

  private topLevel(item: Item): void {
    switch (item.typ) {
      case "CommentStart":
        this.expect("Text");
        return;
      case "TableStart":
      case "ArrayTableStart": {
        const array = item.typ === "ArrayTableStart";
        const end: ItemType = array ? "ArrayTableEnd" : "TableEnd";
        const key: string[] = [];
        let name = this.nextPos();
        for (; name.typ !== end && name.typ !== "EOF"; name = this.next()) key.push(this.keyString(name));
        assertType(end, name.typ);
        checkKeyDepth(key.length);
        this.addContext(key, array);
        this.setType("", array ? "ArrayHash" : "Hash");
        return;
      }
      case "KeyStart": {
        const outerContext = this.context;
        this.readKey();
        const valueItem = this.next();
        const [val, typ] = this.value(valueItem, false);
        this.setValue(this.currentKey, val);
        this.setType(this.currentKey, typ);
        this.context = outerContext;
        this.currentKey = "";
        return;
      }
      default:
        throw new TomlInternalError(`BUG: Unexpected type at top level: ${item.typ}`);
    }
  }

  /**
   * The parts of a key up to "=": the last becomes currentKey, the others are created as
   * implicit tables under the context, which then points at the innermost. Returns those parents.
   */
  private readKey(): string[] {
    const key: string[] = [];
    let k = this.nextPos();
    for (; k.typ !== "KeyEnd" && k.typ !== "EOF"; k = this.next()) key.push(this.keyString(k));
    assertType("KeyEnd", k.typ);
    checkKeyDepth(this.context.length + key.length);
    this.currentKey = key[key.length - 1]!;
    const parents = key.slice(0, -1);
    for (const part of parents) this.addImplicitContext([...this.context, part]);
    return parents;
  }

  private keyString(it: Item): string {
    switch (it.typ) {
      case "Text":
        return it.val;
      case "String":
      case "StringEsc":
      case "MultilineString":
      case "RawString":
      case "RawMultilineString":
        return this.value(it, false)[0] as string;
    }
    throw new TomlInternalError(`BUG: Unexpected key type: ${it.typ}`);
  }

  private value(it: Item, parentIsArray: boolean): [GoValue, TomlType] {
    switch (it.typ) {
      case "String":
      case "RawString":
        return [it.val, "Primitive"];
      case "StringEsc":
        return [replaceEscapes(it.val, this.failAt(it)), "Primitive"];
      case "MultilineString":
        return [
          replaceEscapes(stripEscapedNewlines(stripFirstNewline(it.val)), this.failAt(it)),
          "Primitive",
        ];
      case "RawMultilineString":
        return [stripFirstNewline(it.val), "Primitive"];
      case "Integer":
        return [decodeInteger(it.val, this.failAt(it)), "Primitive"];
      case "Float":
        return [decodeFloat(it.val, this.failAt(it)), "Primitive"];
      case "Bool":
        return [it.val === "true", "Primitive"];
      case "Datetime":
        return [decodeDatetime(it.val, this.zones, this.failAt(it)), "Primitive"];
      case "Array":
        return this.nested(() => [this.valueArray(), "Array"]);
      case "InlineTableStart":
        return this.nested(() => [this.valueInlineTable(parentIsArray), "Hash"]);
    }
    throw new TomlInternalError(`BUG: Unexpected value type: ${it.typ}`);
  }

  private nested(f: () => [GoValue, TomlType]): [GoValue, TomlType] {
    if (++this.depth > MAX_NESTING) {
      throw new TomlInternalError(
        `TOML arrays and inline tables nested more than ${MAX_NESTING} levels deep are not supported`,
      );
    }
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private valueArray(): GoValue[] {
    this.setType(this.currentKey, "Array");
    const array: GoValue[] = [];
    for (let it = this.next(); it.typ !== "ArrayEnd"; it = this.next()) {
      if (it.typ === "CommentStart") {
        this.expect("Text");
        continue;
      }
      array.push(this.value(it, true)[0]);
    }
    return array;
  }

  private valueInlineTable(parentIsArray: boolean): GoMap {
    const table = new GoMap();
    const outerContext = this.context;
    const outerKey = this.currentKey;
    this.context = [...this.context, this.currentKey];
    const tableContext = this.context;
    this.currentKey = "";
    this.addImplicit(this.context);
    this.addContext(this.context, parentIsArray);

    for (let it = this.next(); it.typ !== "InlineTableEnd"; it = this.next()) {
      if (it.typ === "CommentStart") {
        this.expect("Text");
        continue;
      }
      const parents = this.readKey();
      const [val, typ] = this.value(this.next(), false);
      this.setValue(this.currentKey, val);
      this.setType(this.currentKey, typ);

      let hash = table;
      for (const part of parents) {
        let h = hash.get(part);
        if (h === undefined) {
          h = new GoMap();
          hash.set(part, h);
        }
        if (!(h instanceof GoMap)) this.failHere(`${quoteKey(this.context)} is not a table`);
        hash = h;
      }
      hash.set(this.currentKey, val);
      this.context = tableContext;
    }
    this.context = outerContext;
    this.currentKey = outerKey;
    return table;
  }

  /**
   * Makes `key` the table in scope ([key], [[key]], an inline table or a dotted key's part):
   * missing parents become implicit tables; the last part gets a new table, or a new element
   * when it is an array of tables.
   */
  private addContext(key: KeyPath, array: boolean): void {
    let hash = this.mapping;
    const keyContext: string[] = [];
    for (const part of key.slice(0, -1)) {
      keyContext.push(part);
      if (!hash.has(part)) {
        this.addImplicit(keyContext);
        hash.set(part, new GoMap());
      }
      const t = hash.get(part);
      if (isTableArray(t)) hash = t[t.length - 1]!;
      else if (t instanceof GoMap) hash = t;
      else this.failHere(`Key '${formatKey(keyContext)}' was already created as a hash.`);
    }

    this.context = keyContext;
    const last = key[key.length - 1]!;
    if (array) {
      if (!hash.has(last)) hash.set(last, sliceOf([], MAP_TYPE));
      const tables = hash.get(last);
      if (isTableArray(tables)) tables.push(new GoMap());
      else this.failHere(`Key '${formatKey(key)}' was already created and cannot be used as an array.`);
    } else {
      this.setValue(last, new GoMap());
    }
    this.context = [...keyContext, last];
  }

  /** Sets key in the table in scope; a key defined before is an error unless it was implicit. */
  private setValue(key: string, value: GoValue): void {
    let hash = this.mapping;
    const keyContext: string[] = [];
    for (const part of this.context) {
      keyContext.push(part);
      if (!hash.has(part)) {
        throw new TomlInternalError(
          `BUG: Context for key '${formatKey(keyContext)}' has not been established.`,
        );
      }
      const t = hash.get(part);
      if (isTableArray(t)) hash = t[t.length - 1]!;
      else if (t instanceof GoMap) hash = t;
      else this.failHere(`Key '${formatKey(keyContext)}' has already been defined.`);
    }
    keyContext.push(key);

    if (hash.has(key)) {
      if (this.isArray(keyContext)) {
        if (!this.isImplicit(keyContext))
          this.failHere(`Key '${formatKey(keyContext)}' has already been defined.`);
        this.removeImplicit(keyContext);
        hash.set(key, value);
        return;
      }
      if (this.isImplicit(keyContext)) {
        this.removeImplicit(keyContext);
        return;
      }
      this.failHere(`Key '${formatKey(keyContext)}' has already been defined.`);
    }
    hash.set(key, value);
  }

  /** Records the type of key in the table in scope ("" = the table itself). */
  private setType(key: string, typ: TomlType): void {
    const keyContext = [...this.context];
    if (key.length > 0) keyContext.push(key);
    if (keyContext.length === 0) keyContext.push("");
    this.types.set(formatKey(keyContext), typ);
  }

  private addImplicit(key: KeyPath): void {
    this.implicits.add(formatKey(key));
  }

  private removeImplicit(key: KeyPath): void {
    this.implicits.delete(formatKey(key));
  }

  private isImplicit(key: KeyPath): boolean {
    return this.implicits.has(formatKey(key));
  }

  private isArray(key: KeyPath): boolean {
    return this.types.get(formatKey(key)) === "Array";
  }

  private addImplicitContext(key: KeyPath): void {
    this.addImplicit(key);
    this.addContext(key, false);
  }

  /** The key in scope, as ParseError's LastKey. */
  private current(): string {
    if (this.currentKey.length === 0) return formatKey(this.context);
    if (this.context.length === 0) return this.currentKey;
    return `${formatKey(this.context)}.${this.currentKey}`;
  }
}

function checkKeyDepth(parts: number): void {
  if (parts > MAX_NESTING) {
    throw new TomlInternalError(`TOML keys of more than ${MAX_NESTING} parts are not supported`);
  }
}

function assertType(expected: ItemType, got: ItemType): void {
  if (expected !== got) throw new TomlInternalError(`BUG: Expected '${expected}' but got '${got}'.`);
}

/** Go's %q of a Key. */
function quoteKey(key: KeyPath): string {
  return quote(formatKey(key));
}

/** Whether a NUL starts within the first `limit` bytes of the text's UTF-8 encoding. */
function hasNulInFirstBytes(text: string, limit: number): boolean {
  let bytes = 0;
  for (const ch of text) {
    if (bytes >= limit) return false;
    const cp = ch.codePointAt(0)!;
    if (cp === 0) return true;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return false;
}

/**
 * Parses a document into the map toml.Unmarshal fills; throws TomlParseError, or
 * TomlInternalError where BurntSushi would panic or the input nests too deep.
 */
export function parseToml(input: string, zones: TomlZones): GoMap {
  // A UTF-8 byte order mark is skipped; NUL bytes at the start mean UTF-16 (parse.go parse).
  const text = input.startsWith("\ufeff") ? input.slice(1) : input;
  if (hasNulInFirstBytes(text, 6)) {
    throw new TomlParseError(
      1,
      "",
      "files cannot contain NULL bytes; probably using UTF-16; TOML files must be UTF-8",
    );
  }
  const p = new Parser(text, zones);
  p.run();
  return p.mapping;
}
