/**
 * The fromToml decoder (BurntSushi/toml v1.6.0's parser, src/helm/funcs/go/toml/): the Go
 * values it builds and its exact error texts (line, last key, lexer/parser wording). Every
 * message below is what Helm 4.1.4 prints for the same document; toml-differential.test.ts
 * checks these documents and generated ones against the binary.
 */
import { describe, expect, it } from "vitest";
import { marshalJson } from "../../../src/helm/funcs/go/json-encode.js";
import type { GoTime } from "../../../src/helm/funcs/go/time.js";
import {
  decodeToml,
  TomlInternalError,
  TomlParseError,
  tomlZones,
} from "../../../src/helm/funcs/go/toml/decode.js";
import { MAX_NESTING } from "../../../src/helm/funcs/go/toml/parse.js";
import { fixedZone } from "../../../src/helm/funcs/go/zone.js";
import { buildFuncMap } from "../../../src/helm/funcs/index.js";
import { GoFuncError } from "../../../src/helm/funcs/types.js";
import { type GoInt, GoMap, goTypeName } from "../../../src/helm/template/value.js";

const json = (doc: string) => marshalJson(decodeToml(doc));

function errorOf(doc: string): string {
  try {
    decodeToml(doc);
  } catch (e) {
    if (e instanceof TomlParseError) return e.message;
    throw e;
  }
  return "no error";
}

describe("values", () => {
  it.each([
    [
      "integers in every base",
      "a = 1_000\nb = 0xDEAD_beef\nc = 0o17\nd = 0b101\ne = -9223372036854775808",
      '{"a":1000,"b":3735928559,"c":15,"d":5,"e":-9223372036854775808}',
    ],
    [
      "floats",
      "a = 6.02e23\nb = -0.0\nc = 3.14_15\nd = 5e-324\ne = 1e-400",
      '{"a":6.02e+23,"b":-0,"c":3.1415,"d":5e-324,"e":0}',
    ],
    ["TOML 1.1 escapes", 'a = "\\e\\x41\\u00e9\\U0001F600"', '{"a":"\\u001bAé😀"}'],
    [
      "multi-line strings",
      'a = """\nx \\\n   y"""\nb = \'\'\'\r\nraw\\n\'\'\'\nc = """q"""""',
      '{"a":"x y","b":"raw\\\\n","c":"q\\"\\""}',
    ],
    [
      "inline tables over lines, trailing comma",
      "a = {\n  b = 1, # c\n  c.d = [2,],\n}",
      '{"a":{"b":1,"c":{"d":[2]}}}',
    ],
    [
      "inline table extended later (BurntSushi allows it)",
      "a = {b = 1}\na.c = 2\n[a.d]\ne = 3",
      '{"a":{"b":1,"c":2,"d":{"e":3}}}',
    ],
    [
      "arrays of tables and sub-tables",
      "[[a]]\nx = 1\n[a.b]\ny = 2\n[[a]]\nx = 2",
      '{"a":[{"b":{"y":2},"x":1},{"x":2}]}',
    ],
    [
      "date-times in their zones",
      "a = 1979-05-27 07:32:00+05:30\nb = 1979-05-27t07:32z\nc = 1979-05-27T07:32:00.123456789999",
      '{"a":"1979-05-27T07:32:00+05:30","b":"1979-05-27T07:32:00Z","c":"1979-05-27T07:32:00.123456789Z"}',
    ],
    ["a byte order mark is skipped", "\ufeffa = 1", '{"a":1}'],
  ])("%s", (_, doc, expected) => {
    expect(json(doc)).toBe(expected);
  });

  it("decodes to Go's types: int64, float64, []map for [[x]], []interface {} for arrays", () => {
    const m = decodeToml("i = 1\nf = 1.0\nb = true\ns = 's'\narr = [{x = 1}]\n[[aot]]\n");
    expect(goTypeName(m.get("i"))).toBe("int64");
    expect((m.get("i") as GoInt).value).toBe(1n);
    expect(goTypeName(m.get("f"))).toBe("float64");
    expect(goTypeName(m.get("b"))).toBe("bool");
    expect(goTypeName(m.get("s"))).toBe("string");
    expect(goTypeName(m.get("arr"))).toBe("[]interface {}");
    expect(goTypeName(m.get("aot"))).toBe("[]map[string]interface {}");
    expect(m.get("aot")).toEqual([new GoMap()]);
  });

  it("local date-times get BurntSushi's named zones at Local's offset; offset ones time.Local", () => {
    const local = fixedZone("Local", 3600);
    const m = decodeToml(
      "a = 1979-05-27T07:32:00\nb = 1979-05-27\nc = 07:32:00\nd = 1979-05-27T07:32:00+01:00",
      tomlZones(local, 0),
    );
    const names = ["a", "b", "c", "d"].map((k) => (m.get(k) as GoTime).toString());
    expect(names).toEqual([
      "1979-05-27 07:32:00 +0100 datetime-local",
      "1979-05-27 00:00:00 +0100 date-local",
      "0000-01-01 07:32:00 +0100 time-local",
      "1979-05-27 07:32:00 +0100 Local",
    ]);
  });
});

describe("errors: BurntSushi's text, line and last key", () => {
  it.each([
    ["a =", 'toml: line 1 (last key "a"): unexpected EOF; expected value'],
    ["a = 1\nb =\n", `toml: line 2 (last key "b"): expected value but found '\\n' instead`],
    [
      "\u0000a = 1",
      "toml: line 1: files cannot contain NULL bytes; probably using UTF-16; TOML files must be UTF-8",
    ],
    ["a = 1\r", `toml: line 1 (last key "a"): TOML files cannot contain control characters: '0x0d'`],
    ['a = "x\r\n"', 'toml: line 0 (last key "a"): strings cannot contain newlines'],
    ["a", "toml: line 1: unexpected EOF; expected key separator '='"],
    ["a = 1\na = 2", `toml: line 2 (last key "a"): Key 'a' has already been defined.`],
    ["[a]\nb = 1\n[a.b]", `toml: line 3 (last key "a"): Key 'a.b' has already been defined.`],
    ["a = [1]\n[[a]]", "toml: line 2: Key 'a' was already created and cannot be used as an array."],
    ["a = {b = 1, b.c = 2}", `toml: line 1 (last key "a.b.c"): Key 'a.b' has already been defined.`],
    [
      "a = [1 2]",
      `toml: line 1 (last key "a"): expected a comma (',') or array terminator (']'), but got '2'`,
    ],
    ['a = """x""""""', `toml: line 1 (last key "a"): unexpected '""""""'`],
    ['a = "\\q"', `toml: line 1 (last key "a"): invalid escape in string '\\q'`],
    ['a = "\\ x"', `toml: line 1 (last key "a"): invalid escape: '\\ '`],
    ['a = "\\uD800"', `toml: line 1 (last key "a"): Escaped character '\\uD800' is not valid UTF-8.`],
    [
      'a = "\\u12"',
      `toml: line 1 (last key "a"): expected four hexadecimal digits after '\\u', but got "\\\\u12\\"" instead`,
    ],
    ["a = 9223372036854775808", 'toml: line 1 (last key "a"): 9223372036854775808 is out of range for int64'],
    ["a = 012", 'toml: line 1 (last key "a"): Invalid integer "012": cannot have leading zeroes'],
    [
      "a = 1.e5",
      `toml: line 1 (last key "a"): Invalid float "1.e5": '.' must be followed by one or more digits`,
    ],
    ["a = 1e400", 'toml: line 1 (last key "a"): 1e400 is out of range for float64'],
    ["a = ian", 'toml: line 1 (last key "a"): Invalid float "ian": underscores must be surrounded by digits'],
    ["a = inn", 'toml: line 1 (last key "a"): expected value but found "nn" instead'],
    ["a = +0x1", `toml: line 1 (last key "a"): cannot use sign with non-decimal numbers: '+0x'`],
    ["a = 0o", `toml: line 1 (last key "a"): not an octal number: '0o\u0000'`],
    ["a = 1979-05-27  07:32", 'toml: line 1 (last key "a"): invalid datetime: "1979-05-27TT07:32"'],
    ["a = 7:32:00", 'toml: line 1 (last key "a"): invalid datetime: "7:32:00"'],
    ["a = 1979-02-30", 'toml: line 1 (last key "a"): invalid datetime: "1979-02-30"'],
    ["[a", `toml: line 1: expected '.' or ']' to end table name, but got '\\x00' instead`],
    [
      "[a] b = 1",
      `toml: line 1 (last key "a"): expected a top-level item to end with a newline, comment, or EOF, but got 'b' instead`,
    ],
    [
      '[a."b c"]\nd = 1\nd = 2',
      `toml: line 3 (last key "a.\\"b c\\".d"): Key 'a."b c".d' has already been defined.`,
    ],
    ["é = 1", "toml: line 1: expected '.' or '=', but got 'é' instead"],
  ])("%j", (doc, message) => {
    expect(errorOf(doc)).toBe(message);
  });
});

describe("hostile input", () => {
  it(`nesting up to ${MAX_NESTING} levels decodes; deeper fails clearly instead of overflowing`, () => {
    const arrays = (n: number) => `a = ${"[".repeat(n)}${"]".repeat(n)}`;
    expect(json(arrays(MAX_NESTING))).toBe(`{"a":${"[".repeat(MAX_NESTING)}${"]".repeat(MAX_NESTING)}}`);
    expect(() => decodeToml(arrays(MAX_NESTING + 1))).toThrow(TomlInternalError);
    expect(() => decodeToml(arrays(200_000))).toThrow(/nested more than 1000 levels/);
    expect(() => decodeToml(`a = ${"{b = ".repeat(5000)}1${"}".repeat(5000)}`)).toThrow(TomlInternalError);
    expect(() => decodeToml(`${"a.".repeat(100_000)}b = 1`)).toThrow(/more than 1000 parts/);
    expect(() => decodeToml(`[${"a.".repeat(100_000)}b]`)).toThrow(/more than 1000 parts/);
  });

  it("fromToml turns our limit into a failed call, not an Error key", () => {
    const fromToml = buildFuncMap().get("fromToml")!;
    const ctx = { templateName: "t", random: () => 0, now: () => 0 };
    expect(() => fromToml.fn.call(ctx, `a = ${"[".repeat(2000)}`)).toThrow(GoFuncError);
    expect((fromToml.fn.call(ctx, "a =") as GoMap).get("Error")).toBe(
      'toml: line 1 (last key "a"): unexpected EOF; expected value',
    );
  });

  it("large documents decode in one pass (a 100,000-key table, a 1 MB string)", () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `k${i} = ${i}`).join("\n");
    expect(decodeToml(keys).size).toBe(100_000);
    const big = "x\\\n ".repeat(200_000);
    expect((decodeToml(`s = """${big}"""`).get("s") as string).length).toBe(200_000);
  });
});
