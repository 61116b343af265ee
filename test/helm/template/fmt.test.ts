// biome-ignore-all lint/suspicious/noApproximativeNumericConstant: operands of the printf cases run through Helm
import { describe, expect, it } from "vitest";
import { formatValue, sprint, sprintf, sprintln } from "../../../src/helm/template/fmt.js";
import { formatFloat } from "../../../src/helm/template/ftoa.js";
import { utf8Decode } from "../../../src/helm/template/gostring.js";
import {
  fromJsonValue,
  GoInt,
  GoMap,
  type GoObject,
  type GoValue,
  NO_FIELD,
  sliceOf,
} from "../../../src/helm/template/value.js";

const i = (n: number | bigint) => new GoInt("int", n);

// Format, operands, and what Helm v4.1.4 (Go 1.25) printed for `printf FORMAT OPERANDS`
// (template literals: 1 is an int, 1.0 a float64, 'x' an int rune).
const PRINTF: Array<[string, ...GoValue[]]> = [
  ["%05s", "ab", "000ab"],
  ["%-05d", i(42), "42   "],
  ["%08x", "hi", "00006869"],
  ["%x", i(-255), "-ff"],
  ["%#x", i(-255), "-0xff"],
  ["%+.3e", 12345.678, "+1.235e+04"],
  ["% d", i(5), " 5"],
  ["%6.2f", -3.14159, " -3.14"],
  ["%06.2f", -3.14159, "-03.14"],
  ["%+06.2f", 3.14159, "+03.14"],
  ["%#g", 1.0, "1.00000"],
  ["%#.3g", 1.0, "1.00"],
  ["%#e", 1.0, "1.000000e+00"],
  ["%#f", 1.0, "1.000000"],
  ["%#.0f", 1.0, "1."],
  ["%#.0e", 1.0, "1.e+00"],
  ["%#v", 1.0, "1"],
  ["%#v", i(1), "1"],
  ["%#v", "x", '"x"'],
  ["%#v", true, "true"],
  ["%.0f", 0.5, "0"],
  ["%.0f", 1.5, "2"],
  ["%.2f", 0.125, "0.12"],
  ["%.2f", 0.375, "0.38"],
  ["%.1e", 0.25, "2.5e-01"],
  ["%.3g", 0.0001234, "0.000123"],
  ["%g", 1e-5, "1e-05"],
  ["%g", 0.0001, "0.0001"],
  ["%g", 123456.0, "123456"],
  ["%g", 1234567.0, "1.234567e+06"],
  ["%G", 1e100, "1E+100"],
  ["%e", 0.0, "0.000000e+00"],
  ["%g", -0.0, "-0"],
  ["%v", 5e-324, "5e-324"],
  ["%v", 1.7976931348623157e308, "1.7976931348623157e+308"],
  ["%.20f", 0.1, "0.10000000000000000555"],
  ["%.30e", 0.1, "1.000000000000000055511151231258e-01"],
  ["%b", 1.0, "4503599627370496p-52"],
  ["%X", 3.75, "0X1.EP+01"],
  ["%.2x", 3.75, "0x1.e0p+01"],
  ["%#.3x", 1.0, "0x1.000p+00"],
  ["%10.3q", "abcdef", '     "abc"'],
  ["%+q", "héllo", '"h\\u00e9llo"'],
  ["%#q", "back`tick", '"back`tick"'],
  ["%#q", "plain", "`plain`"],
  ["%q", "\u0000 😀", '"\\x00\\x7f\\u00a0😀"'],
  ["%x", "héllo", "68c3a96c6c6f"],
  ["% X", "hi", "68 69"],
  ["%# x", "hi", "0x68 0x69"],
  ["%c", i(0x110000), "�"],
  ["%c", i(0xd800), "�"],
  ["%q", i(0xd800), "'�'"],
  ["%U", i(-1), "U+FFFFFFFFFFFFFFFF"],
  ["%#U", i(0x1f600), "U+1F600 '😀'"],
  ["%.6U", i(65), "U+000041"],
  ["%*d", i(5), i(42), "   42"],
  ["%-*d", i(5), i(42), "42   "],
  ["%*d", i(-5), i(42), "42   "],
  ["%.*f", i(2), 3.14159, "3.14"],
  ["%.*f", i(-2), 3.14159, "%!(BADPREC)3.141590"],
  ["%*d", 1.5, i(42), "%!(BADWIDTH)42"],
  ["%[2]d %[1]d", i(1), i(2), "2 1"],
  ["%[3]d", i(1), i(2), "%!d(BADINDEX)"],
  ["%[2]*[1]d", i(12), i(5), "   12"],
  ["%d %d %[1]d", i(1), i(2), "1 2 1"],
  ["%[1]d %d", i(1), i(2), "1 2"],
  ["%.[2]d", i(1), i(2), "2"],
  ["%[0]d", i(1), "%!d(BADINDEX)"],
  ["%[x]d", i(1), "%!d(BADINDEX)"],
  ["%", "%!(NOVERB)"],
  ["%-", i(1), "%!(NOVERB)%!(EXTRA int=1)"],
  ["%.s", "abc", ""],
  ["%.0d", i(0), ""],
  ["%5.0d", i(0), "     "],
  ["%t", i(1), "%!t(int=1)"],
  ["%s", true, "%!s(bool=true)"],
  ["%v %v", null, i(1), "<nil> 1"],
  ["%d", null, "%!d(<nil>)"],
  ["%T", null, "<nil>"],
  ["%5T", i(1), "  int"],
  ["%5v", null, "<nil>"],
  ["%o %O %#o", i(-8), i(-8), i(0), "-10 -0o10 0"],
  ["%#b", i(5), "0b101"],
  ["%c", i(233), "é"],
  ["%q", i(233), "'é'"],
  ["%+q", i(233), "'\\u00e9'"],
  ["%5c", i(65), "    A"],
  ["%-5c|", i(65), "A    |"],
  ["%08.3f", -1.0, "-001.000"],
  ["%+.0e", 0.0, "+0e+00"],
  ["%x", 255.0, "0x1.fep+07"],
  ["%5t", true, " true"],
  ["%-8v|", "ab", "ab      |"],
  ["%z", "s", "%!z(string=s)"],
  ["%!", "%!!(MISSING)"],
  ["%é", i(1), "%!é(int=1)"],
  ["%w", i(1), "%!w(int=1)"],
  ["%.3s", "héllo", "hél"],
  ["%5.1s|", "é", "    é|"],
  ["%3d|%-3d|%03d", i(-1), i(-1), i(-1), " -1|-1 |-01"],
  ["% 05d", i(42), " 0042"],
  ["%+05d", i(42), "+0042"],
  ["%.3d", i(-7), "-007"],
  ["%010.3d", i(7), "       007"],
  ["%v", i(9223372036854775807n), "9223372036854775807"],
  ["%f", 1e21, "1000000000000000000000.000000"],
  ["%.3f", 1e22, "10000000000000000000000.000"],
  ["%g", 100000.0, "100000"],
  ["%g", 1000000.0, "1e+06"],
  ["%.10g", 1234567.0, "1234567"],
  ["%.2g", 99.9, "1e+02"],
  ["%.1g", 0.95, "0.9"],
  ["%e", 1e-310, "1.000000e-310"],
  ["%.17g", 0.1, "0.10000000000000001"],
  ["%v", 0.30000000000000004, "0.30000000000000004"],
  ["%6.2v", 3.14159, "   3.1"],
  ["%v", i(120), "120"],
  ["%08q", "a", '00000"a"'],
  ["%-08d|", i(5), "5       |"],
];

describe("sprintf (cases printed by Helm)", () => {
  it.each(PRINTF.map((c, n) => [`${c[0]} (#${n})`, c[0], c.slice(1, -1), c[c.length - 1]] as const))(
    "%s",
    (_, format, args, want) => {
      expect(sprintf(format as string, args as GoValue[])).toBe(want);
    },
  );
});

describe("composite values", () => {
  const V = fromJsonValue({
    m: { b: 2, a: 1, c: "text" },
    l: [1, "two", null, 2.5],
    s: ["a", "b c"],
    e: {},
  }) as GoMap;
  const g = (k: string) => V.get(k);
  // Each expectation was printed by Helm with the same values file.
  it.each([
    ["%v", [g("m")], "map[a:1 b:2 c:text]"],
    ["%#v", [g("m")], 'map[string]interface {}{"a":1, "b":2, "c":"text"}'],
    [
      "%d",
      [g("m")],
      "map[%!d(string=a):%!d(float64=1) %!d(string=b):%!d(float64=2) %!d(string=c):%!d(string=text)]",
    ],
    ["%s", [g("l")], "[%!s(float64=1) two <nil> %!s(float64=2.5)]"],
    ["%x", [g("l")], "[0x1p+00 74776f <nil> 0x1.4p+01]"],
    ["%q", [g("s")], '["a" "b c"]'],
    ["%#v", [g("l")], '[]interface {}{1, "two", interface {}(nil), 2.5}'],
    ["%T|%T", [g("m"), g("l")], "map[string]interface {}|[]interface {}"],
    ["%5v|", [g("l")], "[    1   two <nil>   2.5]|"],
    ["%v|%v", [g("e"), undefined], "map[]|<nil>"],
    ["%t", [g("l")], "[%!t(float64=1) %!t(string=two) <nil> %!t(float64=2.5)]"],
    ["%v", [sliceOf(["a", "b"], "string")], "[a b]"],
    ["%#v", [sliceOf(["a", "b"], "string")], '[]string{"a", "b"}'],
    ["%#v", [new GoMap([["_0", "a"]], "map[string]string")], 'map[string]string{"_0":"a"}'],
    ["%08.3v|%-8v|", [g("l"), g("s")], "[00000001 00000two <nil> 000002.5]|[a        b c     ]|"],
    ["%p", [i(1)], "%!p(int=1)"],
    [
      "%#v",
      [[i(1), "a", 2.5, null, new GoMap([["k", []]])]],
      '[]interface {}{1, "a", 2.5, interface {}(nil), map[string]interface {}{"k":[]interface {}{}}}',
    ],
  ] as Array<[string, GoValue[], string]>)("%s", (format, args, want) => {
    expect(sprintf(format, args)).toBe(want);
  });

  it("prints []byte as Go does", () => {
    const b = new Uint8Array([104, 105]);
    expect(sprintf("%v|%s|%x|%q|%#v", [b, b, b, b, b])).toBe('[104 105]|hi|6869|"hi"|[]byte{0x68, 0x69}');
  });

  it("prints Stringers through their method and structs field by field", () => {
    const version: GoObject = {
      goType: "*semver.Version",
      goKind: "ptr",
      field: () => NO_FIELD,
      method: () => undefined,
      goString: () => "1.2.3",
    };
    const caps: GoObject = {
      goType: "*chart.Capabilities",
      goKind: "ptr",
      field: (n) => (n === "KubeVersion" ? version : n === "HelmVersion" ? "v4" : NO_FIELD),
      method: () => undefined,
      fieldNames: () => ["KubeVersion", "HelmVersion"],
    };
    expect(sprintf("%v|%s|%q|%d", [version, version, version, version])).toBe('1.2.3|1.2.3|"1.2.3"|&{}');
    expect(formatValue(caps)).toBe("&{1.2.3 v4}");
    expect(sprintf("%+v", [caps])).toBe("&{KubeVersion:1.2.3 HelmVersion:v4}");
  });

  it("prints a struct whose String has a pointer receiver as a struct (fmt gets a copy)", () => {
    // Helm's common.KubeVersion: printf "%v" .Capabilities.KubeVersion → {v1.35.0 v1.35.0 1 35}
    const fields: Record<string, string> = {
      Version: "v1.35.0",
      normalizedVersion: "v1.35.0",
      Major: "1",
      Minor: "35",
    };
    const kv: GoObject = {
      goType: "common.KubeVersion",
      goKind: "struct",
      field: (n) => (n === "normalizedVersion" ? NO_FIELD : (fields[n] ?? NO_FIELD)),
      fmtField: (n) => fields[n] ?? null,
      method: () => undefined,
      goString: () => "v1.35.0",
      stringerNeedsAddress: true,
      fieldNames: () => Object.keys(fields),
    };
    expect(sprintf("%v|%s", [kv, kv])).toBe("{v1.35.0 v1.35.0 1 35}|{v1.35.0 v1.35.0 1 35}");
  });

  it("fails cleanly on a cyclic map", () => {
    const m = new GoMap();
    m.set("self", m);
    expect(() => formatValue(m)).toThrow(/nests too deeply/);
  });
});

describe("sprint and sprintln", () => {
  it.each([
    // Helm: print 1 2 "x" "y" 3 / print "a" 1 2 "b" / print 1.5 true nil / print
    [[i(1), i(2), "x", "y", i(3)], "1 2xy3"],
    [["a", i(1), i(2), "b"], "a1 2b"],
    [[1.5, true, null], "1.5 true <nil>"],
    [[], ""],
  ] as Array<[GoValue[], string]>)("%s", (args, want) => {
    expect(sprint(args)).toBe(want);
  });
  it("always separates with spaces and ends with a newline", () => {
    expect(sprintln(["x", i(1)])).toBe("x 1\n");
  });
});

describe("formatValue", () => {
  it.each([
    [3, "3"],
    [1e6, "1e+06"],
    [12345678, "1.2345678e+07"],
    [0.1, "0.1"],
    [-0, "-0"],
    [1e21, "1e+21"],
    [1e-5, "1e-05"],
    [Number.POSITIVE_INFINITY, "+Inf"],
    [Number.NaN, "NaN"],
    [i(-7), "-7"],
    [new GoInt("uint64", -1n), "18446744073709551615"],
    [null, "<nil>"],
    [undefined, "<nil>"],
    [utf8Decode(new Uint8Array([0x68, 0xc3])), utf8Decode(new Uint8Array([0x68, 0xc3]))],
  ] as Array<[GoValue, string]>)("%s → %s", (v, want) => {
    expect(formatValue(v)).toBe(want);
  });
  it("quotes invalid UTF-8 bytes as \\x escapes", () => {
    expect(
      sprintf("%q|%x", [utf8Decode(new Uint8Array([0x68, 0xc3])), utf8Decode(new Uint8Array([0xff]))]),
    ).toBe('"h\\xc3"|ff');
  });
});

describe("formatFloat (strconv.FormatFloat)", () => {
  it.each([
    [0.5, "f", 0, "0"],
    [1.5, "f", 0, "2"],
    [2.5, "f", 0, "2"],
    [0.125, "f", 2, "0.12"],
    [1e23, "g", -1, "1e+23"],
    [5e-324, "e", -1, "5e-324"],
    [123456789, "f", -1, "123456789"],
    [0.000123, "g", 2, "0.00012"],
    [100, "e", 0, "1e+02"],
  ] as const)("%d %s %d", (x, f, prec, want) => {
    expect(formatFloat(x, f, prec)).toBe(want);
  });
});
