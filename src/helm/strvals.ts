/**
 * `--set`, `--set-string`, `--set-file`, `--set-json` and `--set-literal`, ported from Helm 4.1.4
 * pkg/strvals (parser.go, literal_parser.go):
 *
 * - `a.b=1,c[0]=x,d={x,y}`: dots nest (at most 30 levels), `[N]` indexes lists (at most 65536),
 *   `{a,b}` is a list, `\` escapes the next character, a later key overwrites an earlier one;
 * - `--set` types a value: `true`/`false`/`null` (any case), `0`, and integers not starting with
 *   0 become bool/nil/int64; everything else stays a string; `--set-string` keeps strings;
 * - `--set-json` parses each value as JSON (numbers float64); `--set-file` reads the value as a
 *   path; `--set-literal` takes everything after the first `=` verbatim.
 *
 * Errors carry Helm's wording. Values are Go values: maps are GoMaps, --set ints GoInt int64.
 */
import { GoInt, GoMap, type GoValue } from "./template/value.js";

const MAX_INDEX = 65536;
const MAX_NESTED_NAME_LEVEL = 30;

export class StrvalsError extends Error {}

class EOF extends Error {}
const eof = new EOF("EOF");
class NotList extends Error {}
const notList = new NotList("not a list");

type RuneReader = (rs: string) => GoValue;

/** A rune scanner over a string (Go's bytes.Buffer ReadRune/UnreadRune). */
class Scanner {
  private readonly runes: string[];
  pos = 0;
  constructor(text: string) {
    this.runes = [...text];
  }
  read(): string | undefined {
    return this.pos < this.runes.length ? this.runes[this.pos++] : undefined;
  }
  unread(): void {
    this.pos--;
  }
  rest(): string {
    return this.runes.slice(this.pos).join("");
  }
  skip(n: number): void {
    this.pos += n;
  }
}

/** runesUntil: text up to a stop rune (`\` escapes); `last` undefined at EOF. */
function runesUntil(sc: Scanner, stop: string, escapes = true): { v: string; last: string | undefined } {
  let v = "";
  for (;;) {
    const r = sc.read();
    if (r === undefined) return { v, last: undefined };
    if (stop.includes(r)) return { v, last: r };
    if (r === "\\" && escapes) {
      const next = sc.read();
      if (next === undefined) return { v, last: undefined };
      v += next;
      continue;
    }
    v += r;
  }
}

/** strvals.typedVal */
export function typedVal(val: string, stringsOnly: boolean): GoValue {
  if (stringsOnly) return val;
  const lower = val.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  if (lower === "null") return null;
  if (val === "0") return new GoInt("int64", 0n);
  if (val.length !== 0 && val[0] !== "0" && /^[+-]?[0-9]+$/.test(val)) {
    const n = BigInt(val);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return new GoInt("int64", n);
  }
  return val;
}

function goTypeOf(v: GoValue): string {
  if (v === null || v === undefined) return "nil";
  if (v instanceof GoMap) return "map[string]interface {}";
  if (Array.isArray(v)) return "[]interface {}";
  if (v instanceof GoInt) return v.kind;
  if (typeof v === "number") return "float64";
  return typeof v === "boolean" ? "bool" : "string";
}

function asList(v: GoValue): GoValue[] {
  if (Array.isArray(v)) return v;
  throw new StrvalsError(
    `unable to parse key: interface conversion: interface {} is ${goTypeOf(v)}, not []interface {}`,
  );
}

function asMap(v: GoValue): GoMap {
  if (v instanceof GoMap) return v;
  throw new StrvalsError(
    `unable to parse key: interface conversion: interface {} is ${goTypeOf(v)}, not map[string]interface {}`,
  );
}

function set(data: GoMap, key: string, val: GoValue): void {
  if (key.length === 0) return;
  data.set(key, val);
}

function setIndex(list: GoValue[], index: number, val: GoValue): GoValue[] {
  if (index < 0) throw new StrvalsError(`negative ${index} index not allowed`);
  if (index > MAX_INDEX) {
    throw new StrvalsError(`index of ${index} is greater than maximum supported index of ${MAX_INDEX}`);
  }
  if (list.length <= index) {
    const grown: GoValue[] = [...list];
    while (grown.length <= index) grown.push(null);
    list = grown;
  }
  list[index] = val;
  return list;
}

/** strconv.Atoi */
function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s))
    throw new StrvalsError(`error parsing index: strconv.Atoi: parsing "${s}": invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) {
    throw new StrvalsError(`error parsing index: strconv.Atoi: parsing "${s}": value out of range`);
  }
  return n;
}

type Mode = { kind: "typed"; reader: RuneReader } | { kind: "json" } | { kind: "literal" };

/** Reads a JSON value from the start of `text` (json.Decoder.Decode), returning it and its length. */
function decodeJsonPrefix(text: string): { value: GoValue; length: number } {
  let i = 0;
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  const start = i;
  // Scan one JSON value to find where it ends, then parse that slice.
  let depth = 0;
  let inString = false;
  for (; i < text.length; i++) {
    const c = text[i] as string;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) {
          i++;
          break;
        }
      }
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) {
        i++;
        break;
      }
    } else if (depth === 0 && (c === "," || /\s/.test(c))) break;
  }
  const slice = text.slice(start, i);
  let parsed: unknown;
  try {
    parsed = JSON.parse(slice);
  } catch (e) {
    throw new StrvalsError((e as Error).message);
  }
  return { value: jsonToGo(parsed), length: i };
}

function jsonToGo(v: unknown): GoValue {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(jsonToGo);
  if (typeof v === "object") {
    const m = new GoMap();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, jsonToGo(x));
    return m;
  }
  return v as GoValue;
}

class StrvalsParser {
  constructor(
    private readonly sc: Scanner,
    private readonly data: GoMap,
    private readonly mode: Mode,
  ) {}

  parse(): void {
    for (;;) {
      try {
        this.key(this.data, 0);
      } catch (e) {
        if (e === eof) return;
        throw e;
      }
    }
  }

  private get literal(): boolean {
    return this.mode.kind === "literal";
  }

  private emptyVal(): boolean {
    for (;;) {
      const r = this.sc.read();
      if (r === undefined) return true;
      if (r === ",") return true;
      if (!/\s/u.test(r)) {
        this.sc.unread();
        return false;
      }
    }
  }

  private readJson(): GoValue {
    const { value, length } = decodeJsonPrefix(this.sc.rest());
    this.sc.skip([...this.sc.rest().slice(0, length)].length);
    this.emptyVal();
    return value;
  }

  private key(data: GoMap, nestedNameLevel: number): void {
    const stop = this.literal ? "=[." : "=[,.";
    const { v: k, last } = runesUntil(this.sc, stop, !this.literal);
    if (last === undefined) {
      if (k.length === 0) throw eof;
      throw new StrvalsError(`key "${k}" has no value`);
    }
    if (last === "[") {
      const i = this.keyIndex();
      let list: GoValue[] = [];
      if (data.has(k)) list = asList(data.get(k) as GoValue);
      let err: unknown;
      try {
        list = this.listItem(list, i, nestedNameLevel);
      } catch (e) {
        err = e;
      }
      set(data, k, list);
      if (err) throw err;
      return;
    }
    if (last === "=") {
      if (this.mode.kind === "literal") {
        set(data, k, runesUntil(this.sc, "", false).v);
        return;
      }
      if (this.mode.kind === "json") {
        if (this.emptyVal()) {
          set(data, k, null);
          return;
        }
        set(data, k, this.readJson());
        return;
      }
      let vl: GoValue[];
      try {
        vl = this.valList();
      } catch (e) {
        if (e === eof) {
          set(data, k, "");
          throw e;
        }
        if (e !== notList) throw e;
        const rs = runesUntil(this.sc, ",").v;
        set(data, k, this.mode.reader(rs));
        return;
      }
      set(data, k, vl);
      return;
    }
    if (last === ",") {
      set(data, k, "");
      throw new StrvalsError(`key "${k}" has no value (cannot end with ,)`);
    }
    // last === "."
    nestedNameLevel++;
    if (nestedNameLevel > MAX_NESTED_NAME_LEVEL) {
      throw new StrvalsError(
        `value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`,
      );
    }
    let inner = new GoMap();
    if (data.has(k)) inner = asMap(data.get(k) as GoValue);
    let err: unknown;
    try {
      this.key(inner, nestedNameLevel);
    } catch (e) {
      err = e;
    }
    if (err === undefined && inner.size === 0) throw new StrvalsError(`key map "${k}" has no value`);
    if (inner.size !== 0) set(data, k, inner);
    if (err !== undefined) throw err;
  }

  private keyIndex(): number {
    const { v, last } = runesUntil(this.sc, "]", !this.literal);
    if (last === undefined) throw eof;
    return atoi(v);
  }

  private listItem(list: GoValue[], i: number, nestedNameLevel: number): GoValue[] {
    if (i < 0) throw new StrvalsError(`negative ${i} index not allowed`);
    const { v: k, last } = runesUntil(this.sc, "[.=", !this.literal);
    if (k.length > 0) throw new StrvalsError(`unexpected data at end of array index: "${k}"`);
    if (last === undefined) throw eof;
    if (last === "=") {
      if (this.mode.kind === "literal") return setIndex(list, i, runesUntil(this.sc, "", false).v);
      if (this.mode.kind === "json") {
        if (this.emptyVal()) return setIndex(list, i, null);
        return setIndex(list, i, this.readJson());
      }
      let vl: GoValue[];
      try {
        vl = this.valList();
      } catch (e) {
        if (e === eof) return setIndex(list, i, "");
        if (e !== notList) throw e;
        const rs = runesUntil(this.sc, ",").v;
        return setIndex(list, i, this.mode.reader(rs));
      }
      return setIndex(list, i, vl);
    }
    if (last === "[") {
      const nextI = this.keyIndex();
      let crtList: GoValue[] = [];
      if (list.length > i && list[i] !== null) crtList = asList(list[i] as GoValue);
      const list2 = this.listItem(crtList, nextI, nestedNameLevel);
      return setIndex(list, i, list2);
    }
    // last === "."
    let inner = new GoMap();
    if (list.length > i) {
      const existing = list[i];
      if (existing instanceof GoMap) inner = existing;
      else list[i] = inner;
    }
    this.key(inner, nestedNameLevel);
    return setIndex(list, i, inner);
  }

  private valList(): GoValue[] {
    const r = this.sc.read();
    if (r === undefined) throw eof;
    if (r !== "{") {
      this.sc.unread();
      throw notList;
    }
    const list: GoValue[] = [];
    const reader = this.mode.kind === "typed" ? this.mode.reader : (s: string) => s;
    for (;;) {
      const { v, last } = runesUntil(this.sc, ",}");
      if (last === undefined) throw new StrvalsError("list must terminate with '}'");
      if (last === "}") {
        const next = this.sc.read();
        if (next !== undefined && next !== ",") this.sc.unread();
        list.push(reader(v));
        return list;
      }
      list.push(reader(v));
    }
  }
}

/** strvals.ParseInto (`--set`). */
export function parseSetInto(s: string, dest: GoMap): void {
  new StrvalsParser(new Scanner(s), dest, { kind: "typed", reader: (v) => typedVal(v, false) }).parse();
}

/** strvals.ParseIntoString (`--set-string`). */
export function parseSetStringInto(s: string, dest: GoMap): void {
  new StrvalsParser(new Scanner(s), dest, { kind: "typed", reader: (v) => typedVal(v, true) }).parse();
}

/** strvals.ParseIntoFile (`--set-file`): `readFile` turns the value (a path) into the file's text. */
export function parseSetFileInto(s: string, dest: GoMap, readFile: (path: string) => string): void {
  new StrvalsParser(new Scanner(s), dest, { kind: "typed", reader: (v) => readFile(v) }).parse();
}

/** strvals.ParseJSON (`--set-json key=<json>`). */
export function parseSetJsonInto(s: string, dest: GoMap): void {
  new StrvalsParser(new Scanner(s), dest, { kind: "json" }).parse();
}

/** strvals.ParseLiteralInto (`--set-literal`). */
export function parseSetLiteralInto(s: string, dest: GoMap): void {
  new StrvalsParser(new Scanner(s), dest, { kind: "literal" }).parse();
}

/** `--set-json '{...}'`: a whole JSON object (json.Unmarshal: numbers float64). */
export function parseJsonObject(text: string): GoMap {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new StrvalsError(`failed parsing --set-json data JSON: ${text}`);
  }
  const v = jsonToGo(parsed);
  if (!(v instanceof GoMap)) throw new StrvalsError(`failed parsing --set-json data JSON: ${text}`);
  return v;
}
