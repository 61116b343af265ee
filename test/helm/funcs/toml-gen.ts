/**
 * Seeded TOML documents for the fromToml differential test: valid documents built from
 * random keys, scalars, arrays, inline tables, tables and arrays of tables (TOML 1.1 forms
 * included), and broken ones made from them by truncation, deletion, insertion of tricky
 * text, and duplicated lines; plus fixed edge cases no random walk finds reliably.
 */
import type { Rng } from "../../support/random.js";

const BARE_KEYS = ["a", "b", "c", "key", "x_1", "b-c", "1", "0", "A", "true", "inf"];
const QUOTED_KEYS = ['"a b"', "'lit'", '"é"', '""', '"q\\"k"', "'a.b'", '"\\u00e9"', '"tab\\t"'];

const INTS = [
  "0",
  "1",
  "-1",
  "+7",
  "42",
  "1_000",
  "9223372036854775807",
  "-9223372036854775808",
  "0xff",
  "0xDEAD_beef",
  "0o17",
  "0b1010",
  "007",
];
const FLOATS = [
  "1.5",
  "-0.0",
  "+0.5",
  "6.02e23",
  "1e-7",
  "1E6",
  "3.14_15",
  "inf",
  "-inf",
  "+inf",
  "nan",
  "-nan",
  "1e400",
  "5e-324",
  "0.1",
];
const DATES = [
  "1979-05-27T07:32:00Z",
  "1979-05-27T00:32:00.999999-07:00",
  "1979-05-27 07:32:00+05:30",
  "1979-05-27t07:32:00z",
  "1979-05-27T07:32:00",
  "1979-05-27T07:32:00.123456789123",
  "1979-05-27",
  "07:32:00",
  "00:32:00.5",
  "1979-05-27T07:32Z",
  "1979-05-27T07:32",
  "07:32",
  "2000-02-29",
];
const STRINGS = [
  '"plain"',
  '""',
  '"esc \\" \\\\ \\n \\t \\b \\f \\r"',
  '"tr1.1 \\e \\x41\\xe9"',
  '"uni \\u00e9 \\U0001F600"',
  '"héllo wörld ✓ 😀"',
  "'C:\\path\\x'",
  "''",
  '"""\nline1\nline2"""',
  '"""one \\\n   two"""',
  '"""quotes "" inside"""""',
  "'''\nraw\\n '' x'''",
  "'''x''''",
  '"""\r\ncrlf"""',
];
const BROKEN_BITS = [
  "=",
  "[",
  "]",
  "[[",
  "]]",
  "{",
  "}",
  ",",
  ".",
  '"',
  "'",
  '"""',
  "'''",
  "\\",
  "\\q",
  "\\u12",
  "\\x4",
  "\n",
  "\r\n",
  "\r",
  " ",
  "\t",
  "#",
  "\u0001",
  "\u007f",
  "\u0000",
  "é",
  "😀",
  "0x",
  "0b2",
  "+0x1",
  "1__2",
  "_1",
  "1.",
  ".5",
  "1e",
  "01",
  "+nan",
  "infx",
  "nan1",
  "tru",
  "falsey",
  "1979-13-01",
  "1979-02-30",
  "24:00:00",
  "7:32:00",
  "1979-05-27T07:32:60",
  "1979-05-27  07:32",
  "a.b",
  "a..b",
  "= =",
  "\\U0011FFFF",
  "\\uD800",
  "9223372036854775808",
  "-0x1",
  "+in",
  "nax",
  "1979-05-27T07:32:00+25:00",
];

export interface TomlCase {
  name: string;
  doc: string;
}

export class TomlGen {
  constructor(private readonly rng: Rng) {}

  key(): string {
    const r = this.rng;
    const part = () => (r.chance(0.75) ? r.pick(BARE_KEYS) : r.pick(QUOTED_KEYS));
    let k = part();
    while (r.chance(0.2)) k += `${r.pick([".", " . ", ". "])}${part()}`;
    return k;
  }

  scalar(): string {
    const r = this.rng;
    switch (r.int(5)) {
      case 0:
        return r.pick(INTS);
      case 1:
        return r.pick(FLOATS);
      case 2:
        return r.pick(["true", "false"]);
      case 3:
        return r.pick(DATES);
      default:
        return r.pick(STRINGS);
    }
  }

  value(depth = 0): string {
    const r = this.rng;
    if (depth < 3 && r.chance(0.2)) return this.array(depth + 1);
    if (depth < 3 && r.chance(0.15)) return this.inlineTable(depth + 1);
    return this.scalar();
  }

  array(depth: number): string {
    const r = this.rng;
    const n = r.int(4);
    const items = Array.from({ length: n }, () => this.value(depth));
    const sep = r.pick([", ", ",", ",\n  ", " ,\n# c\n "]);
    const trailing = n > 0 && r.chance(0.3) ? "," : "";
    return `[${r.pick(["", " ", "\n  "])}${items.join(sep)}${trailing}${r.pick(["", " ", "\n"])}]`;
  }

  inlineTable(depth: number): string {
    const r = this.rng;
    const n = r.int(4);
    const pairs = Array.from({ length: n }, () => `${this.key()} = ${this.value(depth)}`);
    const sep = r.pick([", ", ",", ",\n  "]);
    const trailing = n > 0 && r.chance(0.25) ? "," : "";
    return `{${r.pick([" ", "", "\n  "])}${pairs.join(sep)}${trailing}${r.pick([" ", "", "\n"])}}`;
  }

  document(): string {
    const r = this.rng;
    const lines: string[] = [];
    const n = 1 + r.int(8);
    for (let i = 0; i < n; i++) {
      const k = r.int(10);
      if (k === 0) lines.push(`[${this.key()}]`);
      else if (k === 1) lines.push(`[[${this.key()}]]`);
      else if (k === 2) lines.push(r.pick(["# comment", "", "  # é comment"]));
      else lines.push(`${this.key()} = ${this.value()}${r.chance(0.1) ? " # trailing" : ""}`);
    }
    const nl = r.chance(0.15) ? "\r\n" : "\n";
    return lines.join(nl) + (r.chance(0.7) ? nl : "");
  }

  broken(doc: string): string {
    const r = this.rng;
    const at = r.int(doc.length + 1);
    switch (r.int(4)) {
      case 0:
        return doc.slice(0, at);
      case 1:
        return doc.slice(0, at) + doc.slice(at + 1 + r.int(3));
      case 2:
        return doc.slice(0, at) + r.pick(BROKEN_BITS) + doc.slice(at);
      default: {
        const lines = doc.split("\n");
        const i = r.int(lines.length);
        lines.splice(r.int(lines.length + 1), 0, lines[i]!);
        return lines.join("\n");
      }
    }
  }

  cases(valid: number, broken: number): TomlCase[] {
    const out: TomlCase[] = [];
    for (let i = 0; i < valid; i++) out.push({ name: `valid-${i}`, doc: this.document() });
    for (let i = 0; i < broken; i++) out.push({ name: `broken-${i}`, doc: this.broken(this.document()) });
    return out;
  }
}

/** Edge cases by hand: each names the rule it pins down. */
export const FIXED_CASES: TomlCase[] = [
  ["corpus case", "a ="],
  ["empty", ""],
  ["only comment", "# hi"],
  ["bom", "\ufeffa = 1\n"],
  ["nul at start", "\u0000a = 1"],
  ["nul later", "a = 1 # \u0000"],
  ["bare cr", "a = 1\r"],
  ["crlf", "a = 1\r\nb = 2\r\n"],
  ["string newline", 'a = "x\n"'],
  ["string crlf", 'a = "x\r\n"'],
  ["eof in string", 'a = "abc'],
  ["eof after newline", "a = 1\nb =\n"],
  ["eof in key", "a"],
  ["eof after key dot", "a."],
  ["blank key", "= 1"],
  ["dot key", ".a = 1"],
  ["key newline", "a\n= 1"],
  ["duplicate key", "a = 1\na = 2"],
  ["duplicate table", "[a]\n[a]"],
  ["table after dotted", "a.b = 1\n[a]\nc = 2"],
  ["dotted after table", "[a]\nb = 1\n[a.b]"],
  ["table then dotted", "[a.b]\nc = 1\n[a]\nb.d = 2"],
  ["implicit then explicit", "[a.b.c]\nx = 1\n[a]\ny = 2"],
  ["array then table", "a = []\n[a]"],
  ["array then aot", "a = [1]\n[[a]]"],
  ["aot then table", "[[a]]\n[a]"],
  ["table then aot", "[a]\n[[a]]"],
  ["aot nested", "[[a]]\nx = 1\n[a.b]\ny = 2\n[[a]]\nx = 2\n[[a.c]]\nz = 3"],
  ["inline extended by table", "a = {b = 1}\n[a.c]\nd = 2"],
  ["inline extended by dotted", "a = {b = 1}\na.c = 2"],
  ["inline dup", "a = {b = 1, b = 2}"],
  ["inline dotted", "a = {b.c = 1, b.d = 2}"],
  ["inline dotted clash", "a = {b = 1, b.c = 2}"],
  ["inline newline trailing comma", "a = {\n  b = 1,\n  c = [\n 2,\n ],\n}\n"],
  ["inline comma comma", "a = {b = 1,,}"],
  ["inline leading comma", "a = {,b = 1}"],
  ["array leading comma", "a = [,1]"],
  ["array missing comma", "a = [1 2]"],
  ["array of inline in table", "[t]\na = [{x = 1}, {x = 2, y = {z = 3}}]"],
  ["array of inline dup", "a = 1\na = [{x = 1}]"],
  ["nested array inline", "a = [[{b = 1}], [{c = 2}]]"],
  ["six quotes", 'a = """x""""""'],
  ["five quotes", 'a = """x"""""'],
  ["escaped five", 'a = """x\\""""""'],
  ["raw six", "a = '''x''''''"],
  ["bad escape", 'a = "\\q"'],
  ["escape space", 'a = "\\ x"'],
  ["escape at eof", 'a = "\\'],
  ["ml escape space no newline", 'a = """\\  x"""'],
  ["ml line ending", 'a = """a \\   \n\n   b"""'],
  ["short unicode", 'a = "\\u12"'],
  ["short hex", 'a = "\\x4g"'],
  ["surrogate", 'a = "\\uD800"'],
  ["too big rune", 'a = "\\U00110000"'],
  ["int overflow", "a = 9223372036854775808"],
  ["hex overflow", "a = 0x8000000000000000"],
  ["leading zero", "a = 012"],
  ["leading zero float", "a = 01.5"],
  ["underscore", "a = 1__0"],
  ["trailing underscore", "a = 1_"],
  ["float trailing dot", "a = 1."],
  ["float dot exp", "a = 1.e5"],
  ["float double dot", "a = 1.2.3"],
  ["float overflow", "a = 1e400"],
  ["float minus in exp", "a = 1.5-3"],
  ["sign hex", "a = +0x1"],
  ["hex bad", "a = 0xg"],
  ["bin bad", "a = 0b2"],
  ["oct bad eof", "a = 0o"],
  ["sign dot", "a = -.5"],
  ["dot float", "a = .5"],
  ["bad inf", "a = +in"],
  ["ian", "a = ian"],
  ["nnf", "a = nnf"],
  ["inn", "a = inn"],
  ["word", "a = yes"],
  ["unicode word", "a = ñandú"],
  ["bad date", "a = 1979-13-27"],
  ["feb 30", "a = 1979-02-30"],
  ["hour 24", "a = 24:00:00"],
  ["one digit hour", "a = 7:32:00"],
  ["second 60", "a = 07:32:60"],
  ["two spaces", "a = 1979-05-27  07:32:00"],
  ["offset 24", "a = 1979-05-27T07:32:00+24:00"],
  ["offset 25", "a = 1979-05-27T07:32:00+25:00"],
  ["date trailing comment", "a = 1979-05-27 # c"],
  ["time no seconds", "a = 07:32\nb = 1979-05-27T07:32"],
  ["datetime frac 12", "a = 1979-05-27T07:32:00.123456789999Z"],
  ["minus dash", "a = 1-2"],
  ["table empty", "[]"],
  ["table dot", "[.a]"],
  ["table eof", "[a"],
  ["aot unclosed", "[[a]"],
  ["table spaces", "[ a . b ]\nc = 1"],
  ["table space inside", "[a b]"],
  ["quoted table", "[ \"a.b\" . 'c' ]\nd = 1"],
  ["empty quoted key", '"" = 1\n[""]\nx = 2'],
  ["quoted key error", '"a b" = 1\n"a b" = 2'],
  ["multiline key", '"""a""" = 1'],
  ["control in comment", "a = 1 # \u0007"],
  ["del char", "a = \u007f"],
  ["tab ok", "a\t=\t1\t# t"],
  ["unicode key bare", "é = 1"],
  ["after value", "a = 1 b = 2"],
  ["after table", "[a] b = 1"],
  ["deep ok", `a = ${"[".repeat(100)}${"]".repeat(100)}`],
  ["deep inline ok", `a = ${"{b = ".repeat(60)}1${"}".repeat(60)}`],
  ["last key context", '[a."b c"]\nd = 1\ne = 1\ne = 2'],
  ["last key dotted", "x.y.z = 1\nx.y.z = 2"],
].map(([name, doc]) => ({ name: name!, doc: doc! }));
