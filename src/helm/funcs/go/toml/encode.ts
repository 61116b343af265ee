/**
 * BurntSushi/toml v1.6.0's Encoder (Indent "  ") over template values, as Helm's toToml uses
 * it: a map's plain values first then its tables, each group in key order; tables as
 * `[a.b]` indented by depth, slices of maps as `[[a]]`, maps inside other arrays inline;
 * floats always with a decimal point or exponent; nil values skipped.
 */
import { formatFloat } from "../../../template/ftoa.js";
import { assertValueDepth } from "../../../template/stack-budget.js";
import { GoInt, GoMap, type GoValue, isGoObject } from "../../../template/value.js";
import { GoFuncError } from "../../types.js";
import { formatTime, GoTime } from "../time.js";

/** An encoder error (toToml returns its text). */
export class TomlEncodeError extends Error {}

const ERR_NIL_ELEMENT = "toml: cannot encode array with nil element";
const ERR_NO_KEY = "toml: top-level values must be Go maps or structs";

type TomlType =
  | "Datetime"
  | "Integer"
  | "Float"
  | "String"
  | "Bool"
  | "Array"
  | "Hash"
  | "ArrayHash"
  | undefined;

/** Structs and named types seen through: what reflect would walk. */
function underlying(v: GoValue): GoValue | { struct: Array<[string, GoValue]> } {
  if (v instanceof GoTime) return v;
  if (isGoObject(v)) {
    if (v.fmtValue) return underlying(v.fmtValue());
    const fields: Array<[string, GoValue]> = [];
    for (const n of v.fieldNames?.() ?? []) {
      if (!/^[A-Z]/.test(n)) continue; // unexported
      fields.push([n, v.field(n) as GoValue]);
    }
    return { struct: fields };
  }
  return v;
}

function isStruct(v: unknown): v is { struct: Array<[string, GoValue]> } {
  return typeof v === "object" && v !== null && "struct" in v && !Array.isArray(v) && !(v instanceof GoMap);
}

function tomlType(raw: GoValue): TomlType {
  const v = underlying(raw);
  if (v === null || v === undefined) return undefined;
  if (isStruct(v) || v instanceof GoMap) return "Hash";
  if (typeof v === "boolean") return "Bool";
  if (typeof v === "string") return "String";
  if (typeof v === "number") return "Float";
  if (v instanceof GoInt) return "Integer";
  if (v instanceof GoTime) return "Datetime";
  if (v instanceof Uint8Array) return "Array";
  if (Array.isArray(v)) {
    if (v.length === 0) return "Array";
    let table = true;
    for (const x of v) {
      const t = tomlType(x);
      if (t === undefined) throw new TomlEncodeError(ERR_NIL_ELEMENT);
      if (t !== "Hash") table = false;
    }
    return table ? "ArrayHash" : "Array";
  }
  return "String";
}

const isTable = (t: TomlType) => t === "Hash" || t === "ArrayHash";

const BARE = /^[A-Za-z0-9_-]+$/;

function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

const keyPart = (k: string): string => (k === "" ? '""' : BARE.test(k) ? k : quoteString(k));
const keyString = (key: string[]): string => key.map(keyPart).join(".");

function floatText(f: number): string {
  if (Number.isNaN(f)) return "nan";
  if (!Number.isFinite(f)) return f < 0 ? "-inf" : "inf";
  const s = formatFloat(f, "g", -1);
  return s.includes("e") || s.includes(".") ? s : `${s}.0`;
}

/** TOML's date-time forms: BurntSushi's local zones print without an offset. */
function timeText(t: GoTime): string {
  switch (t.loc.name) {
    case "datetime-local":
      return formatTime(t, "2006-01-02T15:04:05.999999999");
    case "date-local":
      return formatTime(t, "2006-01-02");
    case "time-local":
      return formatTime(t, "15:04:05.999999999");
    default:
      return formatTime(t, "2006-01-02T15:04:05.999999999Z07:00");
  }
}

class Encoder {
  out = "";
  private written = false;

  private write(s: string): void {
    this.out += s;
    this.written = true;
  }

  private newline(): void {
    if (this.written) this.write("\n");
  }

  private indent(key: string[]): string {
    return "  ".repeat(Math.max(0, key.length - 1));
  }

  encode(key: string[], raw: GoValue): void {
    const v = underlying(raw);
    if (v === null || v === undefined) return;
    if (isStruct(v) || v instanceof GoMap) {
      this.table(key, v);
      return;
    }
    if (Array.isArray(v) && tomlType(v) === "ArrayHash") {
      this.arrayOfTables(key, v);
      return;
    }
    this.keyValue(key, v, false);
  }

  private keyValue(key: string[], v: GoValue, inline: boolean): void {
    if (key.length === 0) {
      this.element(v);
      return;
    }
    this.write(`${this.indent(key)}${keyPart(key[key.length - 1]!)} = `);
    this.element(v);
    if (!inline) this.newline();
  }

  private element(raw: GoValue): void {
    const v = underlying(raw);
    if (v === null || v === undefined) throw new TomlEncodeError("toml: cannot encode a nil value");
    if (isStruct(v) || v instanceof GoMap) {
      this.mapOrStruct([], v, true);
      return;
    }
    if (v instanceof GoTime) this.write(timeText(v));
    else if (typeof v === "string") this.write(quoteString(v));
    else if (typeof v === "boolean") this.write(String(v));
    else if (typeof v === "number") this.write(floatText(v));
    else if (v instanceof GoInt) this.write(v.value.toString());
    else if (v instanceof Uint8Array || Array.isArray(v)) {
      const items: GoValue[] =
        v instanceof Uint8Array ? Array.from(v, (b) => new GoInt("uint8", BigInt(b))) : v;
      this.write("[");
      items.forEach((x, i) => {
        this.element(x);
        if (i !== items.length - 1) this.write(", ");
      });
      this.write("]");
    } else this.write(quoteString(String(v)));
  }

  private arrayOfTables(key: string[], items: GoValue[]): void {
    if (key.length === 0) throw new TomlEncodeError(ERR_NO_KEY);
    for (const item of items) {
      const t = underlying(item);
      if (t === null || t === undefined) continue;
      this.newline();
      this.write(`${this.indent(key)}[[${keyString(key)}]]`);
      this.newline();
      this.mapOrStruct(key, t as GoMap, false);
    }
  }

  private table(key: string[], v: GoMap | { struct: Array<[string, GoValue]> }): void {
    if (key.length === 1) this.newline();
    if (key.length > 0) {
      this.write(`${this.indent(key)}[${keyString(key)}]`);
      this.newline();
    }
    this.mapOrStruct(key, v, false);
  }

  private mapOrStruct(key: string[], v: GoMap | { struct: Array<[string, GoValue]> }, inline: boolean): void {
    const entries: Array<[string, GoValue]> = v instanceof GoMap ? [...v] : v.struct;
    const direct: Array<[string, GoValue]> = [];
    const sub: Array<[string, GoValue]> = [];
    for (const e of entries) (isTable(tomlType(e[1])) ? sub : direct).push(e);
    if (v instanceof GoMap) {
      const byKey = (a: [string, GoValue], b: [string, GoValue]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
      direct.sort(byKey);
      sub.sort(byKey);
    }
    const writeGroup = (group: Array<[string, GoValue]>, trailingComma: boolean) => {
      group.forEach(([k, x], i) => {
        const u = underlying(x);
        if (u === null || u === undefined) return;
        if (inline) {
          this.keyValue([k], x, true);
          if (trailingComma || i !== group.length - 1) this.write(", ");
        } else {
          this.encode([...key, k], x);
        }
      });
    };
    if (inline) this.write("{");
    writeGroup(direct, sub.length > 0);
    writeGroup(sub, false);
    if (inline) this.write("}");
  }
}

/** toml.NewEncoder(buf).Encode(v); throws TomlEncodeError with the encoder's message. */
export function encodeToml(v: GoValue): string {
  // Encode(nil) reaches reflect with an invalid value: a panic, not an encoder error.
  if (v === null || v === undefined)
    throw new GoFuncError("reflect: call of reflect.Value.Type on zero Value");
  assertValueDepth(v, "toToml");
  const enc = new Encoder();
  enc.encode([], v);
  return enc.out;
}
