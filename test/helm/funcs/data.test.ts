import { describe } from "vitest";
import { table } from "./table.js";

// Expected values printed by Helm 4.1.4 (`{{ EXPR | toString }}`).
describe("data", () => {
  table([
    [
      'toJson (dict "b" "<&>" "a" (list 1 1.5 nil true) "c" (int64 7))',
      '{"a":[1,1.5,null,true],"b":"\\u003c\\u0026\\u003e","c":7}',
    ],
    ['toJson "\\u2028\\b\\f\\u007f"', '"\\u2028\\b\\f"'],
    ['toJson (float64 "nan")', ""],
    ['mustToJson (float64 "inf")', "json: unsupported value: +Inf", true],
    [
      'toPrettyJson (dict "a" (list 1 (dict)) "b" (dict "c" 1))',
      '{\n  "a": [\n    1,\n    {}\n  ],\n  "b": {\n    "c": 1\n  }\n}',
    ],
    ['toRawJson (dict "a" "<&>")', '{"a":"<&>"}'],
    ['toJson (semver "1.2.3")', '"1.2.3"'],
    ["toJson 1e21", "1e+21"],
    ["toJson 1e-7", "1e-7"],
    ["toJson 0.000001", "0.000001"],
    ["toJson 100000000000000000000.0", "100000000000000000000"],
    ['fromJson "{\\"a\\":1}"', "map[a:1]"],
    [
      'fromJson "[1]"',
      "map[Error:json: cannot unmarshal array into Go value of type map[string]interface {}]",
    ],
    ['fromJson "tru"', "map[Error:invalid character ' ' in literal true (expecting 'e')]"],
    [
      'fromJson "{\\"a\\":1e400,\\"b\\":2}"',
      "map[Error:json: cannot unmarshal number 1e400 into Go value of type float64 a:<nil> b:2]",
    ],
    ['fromJsonArray "[1,\\"x\\"]"', "[1 x]"],
    ['mustFromJson "{\\"a\\":[1,2]}"', "map[a:[1 2]]"],
    ['mustFromJson "[1,"', "unexpected end of JSON input", true],
    [
      'toYaml (dict "b" (list 1 2) "a" "yes" "c" 1.5 "d" 1e21 "e" (int64 9223372036854775807))',
      'a: "yes"\nb:\n- 1\n- 2\nc: 1.5\nd: 1e+21\ne: 9223372036854775807',
    ],
    ["toYaml (list)", "[]"],
    ['toYaml "multi\\nline"', "|-\n  multi\n  line"],
    ['toYaml (float64 "nan")', ""],
    ['mustToYaml (float64 "nan")', "error marshaling into JSON: json: unsupported value: NaN", true],
    ['toYaml (b64enc "x" | b64dec)', "x"],
    ['fromYaml "a: 1\\nb: [x, y]"', "map[a:1 b:[x true]]"],
    [
      'fromYaml "- a"',
      "map[Error:error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}]",
    ],
    ['fromYamlArray "- a\\n- 1"', "[a 1]"],
    // The same text read twice: each call gets values of its own (the reading is shared).
    ['list (set (fromYaml "k: {b: 1}").k "b" 2) (fromYaml "k: {b: 1}")', "[map[b:2] map[k:map[b:1]]]"],
    ['list (append (fromYamlArray "- 1\\n- x") 3) (fromYamlArray "- 1\\n- x")', "[[1 x 3] [1 x]]"],
    [
      'fromYamlArray "a: 1"',
      "[error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}]",
    ],
    ['toYaml (fromYaml "a: 0x10\\nb: 1e3\\nc: on")', "a: 16\nb: 1000\nc: true"],
    // go-yaml v3 (toYamlPretty) counts a tab apart from other special characters: a multi-line
    // text holding one is still a literal block; toYaml (go-yaml v2) double-quotes it.
    ['toYamlPretty "  padded\\t\\n"', "|2\n    padded\t"],
    ['toYamlPretty "a\\tb\\nc"', "|-\n  a\tb\n  c"],
    ['toYamlPretty "x\\t\\n"', "|\n  x\t"],
    ['toYamlPretty "\\tlead\\nx"', "|-\n  \tlead\n  x"],
    ['toYamlPretty "a\\t\\n\\n"', "|+\n  a\t\n"],
    ['toYamlPretty " \\t\\n"', "|2\n   \t"],
    ['toYamlPretty "a \\nb"', '"a \\nb"'],
    ['toYamlPretty "tab\\there"', '"tab\\there"'],
    ['toYamlPretty "a\\tb\\n "', '"a\\tb\\n "'],
    [
      'toYamlPretty (dict "k" "a\\tb\\nc" "l" (list "p\\tq\\n" "r"))',
      "k: |-\n  a\tb\n  c\nl:\n  - |\n    p\tq\n  - r",
    ],
    ['toYaml "a\\tb\\nc"', '"a\\tb\\nc"'],
  ]);
});
