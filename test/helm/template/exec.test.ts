import { describe, expect, it } from "vitest";
import { type CallContext, GoFuncError } from "../../../src/helm/funcs/types.js";
import {
  GoMap,
  type GoObject,
  type GoValue,
  NO_FIELD,
  TemplateSet,
} from "../../../src/helm/template/index.js";
import { renderSimpleChart, renderTemplate } from "./support.js";

// Every expectation below was printed by Helm v4.1.4 (`helm template`) for the same template
// and values: outputs as the template produced them (through `include`, so `<no value>` is
// still there), errors as Helm reports them.
const VALUES =
  "s: hello\nnum: 3\nf: 1.5\nbig: 1000000\nb: true\nz: 0\nnul: null\nl: [1, two, null]\nm: {a: 1, b: x}\ne: []\nem: {}\nnested: {x: {q: [1, 2]}}\n";

const OUTPUTS: Array<[string, string]> = [
  [
    "{{ .Values.s }}|{{ .Values.num }}|{{ .Values.f }}|{{ .Values.big }}|{{ .Values.b }}|{{ .Values.nul }}|{{ .Values.l }}|{{ .Values.m }}",
    "hello|3|1.5|1e+06|true|<no value>|[1 two <nil>]|map[a:1 b:x]",
  ],
  [
    "{{ .Values.missing }}|{{ .Values.nested.x.q }}|{{ .Values.nested.nope }}|{{ .Values.em.x }}",
    "<no value>|[1 2]|<no value>|<no value>",
  ],
  [
    "{{ $x := .Values.missing }}{{ $x.foo }}|{{ (.Values.missing).foo }}|{{ $x }}",
    "<no value>|<no value>|<no value>",
  ],
  [
    '{{ printf "%v" .Values.missing }}|{{ printf "%T" .Values.nul }}|{{ print .Values.nul }}|{{ printf "%v" $.Values.nul }}',
    "<nil>|<nil>|<nil>|<nil>",
  ],
  [
    "{{ range $i, $v := .Values.l }}[{{ $i }}={{ $v }}]{{ end }}|{{ range .Values.m }}{{ . }},{{ end }}|{{ range $k, $v := .Values.m }}{{ $k }}:{{ $v }};{{ end }}",
    "[0=1][1=two][2=<no value>]|1,x,|a:1;b:x;",
  ],
  [
    "{{ range .Values.e }}x{{ else }}empty{{ end }}|{{ range .Values.nul }}x{{ else }}nil{{ end }}|{{ range .Values.missing }}x{{ else }}missing{{ end }}|{{ range .Values.em }}x{{ else }}emptymap{{ end }}",
    "empty|nil|missing|emptymap",
  ],
  [
    "{{ $x := 0 }}{{ range $x = .Values.m }}{{ end }}[{{ $x }}]{{ $i := 9 }}{{ $v := 9 }}{{ range $i, $v = .Values.l }}{{ end }}[{{ $i }} {{ $v }}]",
    "[x][2 <no value>]",
  ],
  [
    "{{ with $v := .Values.s }}{{ $v }}-{{ . }}{{ end }}|{{ with .Values.nul }}x{{ else }}y{{ end }}|{{ with .Values.z }}x{{ else with .Values.e }}e{{ else with .Values.s }}{{ . }}{{ end }}",
    "hello-hello|y|hello",
  ],
  [
    "{{ $a := 1 }}{{ if true }}{{ $a = 2 }}{{ $b := 3 }}{{ end }}{{ $a }}{{ range .Values.l }}{{ $a = . }}{{ end }}[{{ $a }}]",
    "2[<no value>]",
  ],
  [
    '{{ eq .Values.s "hello" }} {{ eq .Values.num 3.0 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 1.5 }} {{ ne .Values.s "x" }} {{ eq (int64 3) 3 }} {{ eq (len "ab") 2 }} {{ lt "B" "a" }} {{ lt "é" "z" }}',
    "true true true true true true true true true true false",
  ],
  [
    '{{ and .Values.s .Values.num }}|{{ or .Values.z .Values.nul }}|{{ and .Values.b .Values.nul }}|{{ or .Values.e .Values.em .Values.z }}|{{ and 1 }}|{{ "x" | and true }}|{{ "x" | or false }}',
    "3|<no value>|<no value>|0|1|x|x",
  ],
  [
    '{{ not .Values.e }} {{ not .Values.m }} {{ not .Values.nul }} {{ not .Values.missing }} {{ not "" }}',
    "true false true true true",
  ],
  [
    '{{ index .Values.l 1 }} {{ index .Values.m "a" }} {{ index .Values.nested "x" "q" 0 }} {{ index "abc" 1 }} [{{ index .Values.m "zz" }}] {{ index .Values.l }} {{ printf "%T" (index "abc" 0) }}',
    "two 1 1 98 [<no value>] [1 two <nil>] uint8",
  ],
  [
    '{{ len .Values.s }} {{ len .Values.l }} {{ len .Values.m }} {{ len "héllo" }} {{ printf "%T" (len "") }}',
    "5 3 2 6 int",
  ],
  [
    '{{ print 1 2 "a" "b" 3 nil }}|{{ println "x" .Values.num }}|{{ printf "%s=%v" "k" .Values.l }}|{{ print }}|{{ print .Values.missing }}',
    "1 2ab3 <nil>|x 3\n|k=[1 two <nil>]||<nil>",
  ],
  [
    '{{ html "<a>" .Values.missing }}|{{ js "a\'b" 1 }}|{{ urlquery "a b" "c" }}|{{ html }}|{{ html .Values.nul }}',
    "&lt;a&gt;&lt;no value&gt;|a\\'b1|a+bc||&lt;no value&gt;",
  ],
  [
    '{{ (dict "a" (dict "b" 5)).a.b }}|{{ (list 1 2) | len }}|{{ "x" | printf "%s-%s" "a" }}|{{ 3 | printf "%d" }}|{{ .Values.l | len | printf "%d items" }}',
    "5|2|a-x|3|3 items",
  ],
  [
    "{{ range .Values.l }}<{{ . }}>{{ end }}|{{ range .Values.nested.x.q }}{{ $.Values.s }}{{ . }}{{ end }}",
    "<1><two><<no value>>|hello1hello2",
  ],
  [
    '{{ define "t1" }}[{{ . }}]{{ end }}{{ template "t1" .Values.s }}{{ template "t1" }}{{ template "t1" .Values.nul }}{{ template "t1" .Values.l }}',
    "[hello][<no value>][<no value>][[1 two <nil>]]",
  ],
  ['{{ block "b1" .Values.num }}default {{ . }}{{ end }}|{{ template "b1" 7 }}', "default 3|default 7"],
  [
    "{{ 0x10 }} {{ 1e2 }} {{ 'a' }} {{ -0 }} {{ 1_0 }} {{ 0b11 }} {{ 0o7 }} {{ 07 }} {{ 1.0 }} {{ .5 }} {{ 0x1p4 }} {{ -1.5e-3 }} {{ '\\n' }} {{ '\\x41' }} {{ '\\u00e9' }}",
    "16 100 97 0 10 3 7 7 1 0.5 16 -0.0015 10 65 233",
  ],
  [
    '{{ printf "%T %T %T %T %T" 1 1.0 \'a\' 0x10 1e3 }}|{{ printf "%v" 1i }}|{{ 2i }}|{{ 1+2i }}',
    "int float64 int int float64|(0+1i)|(0+2i)|(1+2i)",
  ],
  [
    '{{ range $i := 3 }}{{ $i }}{{ end }}|{{ range 0 }}x{{ else }}none{{ end }}|{{ range (int64 2) }}{{ printf "%T" . }}{{ end }}|{{ range -2 }}x{{ else }}neg{{ end }}',
    "012|none|int64int64|neg",
  ],
  [
    "{{ range $i := 5 }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if eq $i 3 }}{{ break }}{{ end }}{{ $i }}{{ end }}|{{ range $i := 3 }}{{ range $j := 3 }}{{ if eq $j 1 }}{{ break }}{{ end }}{{ $i }}{{ $j }}{{ end }}{{ end }}",
    "02|001020",
  ],
  [
    '{{ $m := .Values.nested }}{{ $m.x.q }}|{{ index .Values "s" }}|{{ range $k, $v := .Values.nested }}{{ $k }}{{ $v.q }}{{ end }}|{{ $.Values.m.b }}',
    "[1 2]|hello|x[1 2]|x",
  ],
  [
    "{{ eq nil nil }} {{ eq .Values.nul nil }} {{ eq .Values.missing nil }} {{ eq .Values.s nil }} {{ ne .Values.nul nil }} {{ eq .Values.e nil }}",
    "true true true false false false",
  ],
  [
    '{{ if and (eq .Values.s "hello") (gt .Values.num 2.0) }}yes{{ end }}|{{ if or .Values.z (not .Values.b) }}no{{ else }}else{{ end }}',
    "yes|else",
  ],
  [
    'a  {{- "b" -}}  c {{- /* x */ -}} d\t{{- 1 }}{{ 2 -}}\t\n e\n{{ "tab\\there" }}|{{ `raw\\t"x"` }}|{{ "\\u00e9\\x41\\101" }}|{{ printf "%q" "\\xff" }}|{{ len "\\xff" }}',
    'abcd12e\ntab\there|raw\\t"x"|éAA|"\\xff"|1',
  ],
  [
    '{{ .Values.l }}{{ .Values.e }}{{ .Values.em }}{{ .Values.nested }}|{{ printf "%v" .Values }}',
    "[1 two <nil>][]map[]map[x:map[q:[1 2]]]|map[b:true big:1e+06 e:[] em:map[] f:1.5 l:[1 two <nil>] m:map[a:1 b:x] nested:map[x:map[q:[1 2]]] nul:<nil> num:3 s:hello z:0]",
  ],
  [
    '{{ $v := list 1 2 3 }}{{ $v }} {{ index $v 2 }} {{ len $v }} {{ printf "%T" $v }}|{{ $d := dict "k" "v" }}{{ $d.k }} {{ $d.missing }}',
    "[1 2 3] 3 3 []interface {}|v <no value>",
  ],
  [
    '{{ with $x := "a" }}{{ $x }}{{ end }}|{{ range $i, $e := list "x" "y" }}{{ $i }}{{ $e }}{{ end }}|{{ range $e := list "p" }}{{ $e }}{{ end }}',
    "a|0x1y|p",
  ],
];

const ERRORS: Array<[string, string]> = [
  [
    "{{ .Values.s.foo }}",
    'Error: chart/templates/t.yaml:1:10\n  executing "chart/templates/t.yaml" at <.Values.s.foo>:\n    can\'t evaluate field foo in type interface {}',
  ],
  [
    "{{ $x := .Values.s }}{{ $x.foo }}",
    'Error: chart/templates/t.yaml:1:26\n  executing "chart/templates/t.yaml" at <$x.foo>:\n    can\'t evaluate field foo in type string',
  ],
  [
    "{{ upper .Values.missing }}",
    'Error: chart/templates/t.yaml:1:16\n  executing "chart/templates/t.yaml" at <.Values.missing>:\n    wrong type for value; expected string; got interface {}',
  ],
  [
    "{{ .Values.missing | upper }}",
    'Error: chart/templates/t.yaml:1:21\n  executing "chart/templates/t.yaml" at <upper>:\n    invalid value; expected string',
  ],
  [
    "{{ upper 3 }}",
    'Error: chart/templates/t.yaml:1:9\n  executing "chart/templates/t.yaml" at <3>:\n    expected string; found 3',
  ],
  [
    "{{ printf }}",
    'Error: chart/templates/t.yaml:1:3\n  executing "chart/templates/t.yaml" at <printf>:\n    wrong number of args for printf: want at least 1 got 0',
  ],
  [
    "{{ len 3 }}",
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <len 3>: error calling len: len of type int',
  ],
  [
    "{{ index .Values.m 1 }}",
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <index .Values.m 1>: error calling index: value has type int; should be string',
  ],
  [
    '{{ index .Values.l "a" }}',
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <index .Values.l "a">: error calling index: cannot index slice/array with type string',
  ],
  [
    "{{ eq .Values.m .Values.l }}",
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <eq .Values.m .Values.l>: error calling eq: non-comparable types map[a:%!s(float64=1) b:x]: map[string]interface {}, []interface {}: [1 two <nil>]',
  ],
  [
    "{{ lt .Values.s 1 }}",
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <lt .Values.s 1>: error calling lt: incompatible types for comparison: string and int',
  ],
  [
    "{{ lt true false }}",
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <lt true false>: error calling lt: invalid type for comparison',
  ],
  [
    "{{ 1 2 }}",
    'Error: chart/templates/t.yaml:1:3\n  executing "chart/templates/t.yaml" at <1>:\n    can\'t give argument to non-function 1',
  ],
  [
    "{{ nil }}",
    'Error: chart/templates/t.yaml:1:3\n  executing "chart/templates/t.yaml" at <nil>:\n    nil is not a command',
  ],
  [
    "{{ .Values.s 1 }}",
    'Error: chart/templates/t.yaml:1:10\n  executing "chart/templates/t.yaml" at <.Values.s>:\n    s is not a method but has arguments',
  ],
  [
    "{{ $x := 1 }}{{ $x 2 }}",
    'Error: chart/templates/t.yaml:1:16\n  executing "chart/templates/t.yaml" at <$x>:\n    can\'t give argument to non-function $x',
  ],
  [
    "{{ range 1.5 }}{{ end }}",
    'Error: chart/templates/t.yaml:1:9\n  executing "chart/templates/t.yaml" at <1.5>:\n    range can\'t iterate over 1.5',
  ],
  [
    "{{ range $a, $b := 3 }}{{ end }}",
    'Error: chart/templates/t.yaml:1:19\n  executing "chart/templates/t.yaml" at <3>:\n    can\'t use 3 to iterate over more than one variable',
  ],
  [
    "{{ 18446744073709551615 }}",
    'Error: chart/templates/t.yaml:1:3\n  executing "chart/templates/t.yaml" at <18446744073709551615>:\n    18446744073709551615 overflows int',
  ],
  [
    "{{ index nil 1 }}",
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <index nil 1>: error calling index: index of untyped nil',
  ],
  [
    "{{ .Values.nul.x }}",
    'Error: chart/templates/t.yaml:1:10\n  executing "chart/templates/t.yaml" at <.Values.nul.x>:\n    nil pointer evaluating interface {}.x',
  ],
  [
    "{{ not }}",
    'Error: chart/templates/t.yaml:1:3\n  executing "chart/templates/t.yaml" at <not>:\n    wrong number of args for not: want 1 got 0',
  ],
  [
    "{{ and }}",
    'Error: chart/templates/t.yaml:1:3\n  executing "chart/templates/t.yaml" at <and>:\n    wrong number of args for and: want at least 1 got 0',
  ],
  [
    "{{ call .Values.s }}",
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <call .Values.s>: error calling call: non-function .Values.s of type string',
  ],
  [
    "{{ 3 | not 1 }}",
    'Error: chart/templates/t.yaml:1:7\n  executing "chart/templates/t.yaml" at <not>:\n    wrong number of args for not: want 1 got 2',
  ],
  [
    '{{ "a" | len 1 }}',
    'Error: chart/templates/t.yaml:1:9\n  executing "chart/templates/t.yaml" at <len>:\n    wrong number of args for len: want 1 got 2',
  ],
  [
    "{{ index .Values.l 3 }}",
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <index .Values.l 3>: error calling index: reflect: slice index out of range',
  ],
  [
    '{{ index "abc" 3 }}',
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <index "abc" 3>: error calling index: reflect: string index out of range',
  ],
  [
    "{{ len .Values.missing }}",
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <len .Values.missing>: error calling len: len of nil pointer',
  ],
  [
    "{{ $x := .Values.missing }}{{ len $x }}",
    'Error: template: chart/templates/t.yaml:1:30: executing "chart/templates/t.yaml" at <len $x>: error calling len: reflect: call of reflect.Value.Type on zero Value',
  ],
  [
    "{{ eq .Values.num 3 }}",
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <eq .Values.num 3>: error calling eq: incompatible types for comparison: float64 and int',
  ],
  [
    "{{ eq }}",
    'Error: chart/templates/t.yaml:1:3\n  executing "chart/templates/t.yaml" at <eq>:\n    wrong number of args for eq: want at least 1 got 0',
  ],
  [
    "{{ eq 1 }}",
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <eq 1>: error calling eq: missing argument for comparison',
  ],
  [
    "{{ lt .Values.nul 1 }}",
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <lt .Values.nul 1>: error calling lt: invalid type for comparison',
  ],
  [
    "{{ index .Values.m nil }}",
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <index .Values.m nil>: error calling index: value is nil; should be of type string',
  ],
  [
    "{{ index 5 1 }}",
    'Error: template: chart/templates/t.yaml:1:3: executing "chart/templates/t.yaml" at <index 5 1>: error calling index: can\'t index item of type int',
  ],
  [
    "{{ .Values.m.a.b }}",
    'Error: chart/templates/t.yaml:1:10\n  executing "chart/templates/t.yaml" at <.Values.m.a.b>:\n    can\'t evaluate field b in type interface {}',
  ],
  [
    '{{ template "t" }}{{ define "t" }}{{ template "t" }}{{ end }}',
    'Error: chart/templates/t.yaml:1:46\n  executing "t" at <{{template "t"}}>:\n    exceeded maximum template depth (100000)',
  ],
  [
    "{{ range .Values.l }}{{ .x }}{{ end }}",
    'Error: chart/templates/t.yaml:1:24\n  executing "chart/templates/t.yaml" at <.x>:\n    can\'t evaluate field x in type interface {}',
  ],
  [
    "{{ with .Values.m }}{{ .a.b }}{{ end }}",
    'Error: chart/templates/t.yaml:1:25\n  executing "chart/templates/t.yaml" at <.a.b>:\n    can\'t evaluate field b in type interface {}',
  ],
  [
    "{{ (1).x }}",
    'Error: chart/templates/t.yaml:1:4\n  executing "chart/templates/t.yaml" at <1>:\n    can\'t evaluate field x in type int',
  ],
  [
    "{{ int64 }}",
    'Error: chart/templates/t.yaml:1:3\n  executing "chart/templates/t.yaml" at <int64>:\n    wrong number of args for int64: want 1 got 0',
  ],
  [
    '{{ . | printf "%v" | len 3 }}',
    'Error: chart/templates/t.yaml:1:21\n  executing "chart/templates/t.yaml" at <len>:\n    wrong number of args for len: want 1 got 2',
  ],
  ["{{ if }}{{ end }}", "Error: parse error at (chart/templates/t.yaml:1): missing value for if"],
  ["{{ end }}", "Error: parse error at (chart/templates/t.yaml:1): unexpected {{end}}"],
  ["{{ range .Values.l }}", "Error: parse error at (chart/templates/t.yaml:2): unexpected EOF"],
  [
    '{{ "a" | "b" }}',
    "Error: parse error at (chart/templates/t.yaml:1): non executable command in pipeline stage 2",
  ],
  ["{{ $x }}", 'Error: parse error at (chart/templates/t.yaml:1): undefined variable "$x"'],
  ["{{ $x := 1 }}{{ $y }}", 'Error: parse error at (chart/templates/t.yaml:1): undefined variable "$y"'],
  ["{{ 'ab' }}", "Error: parse error at (chart/templates/t.yaml:1): 'ab'"],
  ["{{ 08 }}", 'Error: parse error at (chart/templates/t.yaml:1): "08"'],
  ["{{ 1e400 }}", 'Error: parse error at (chart/templates/t.yaml:1): "1e400"'],
  ["{{ break }}", "Error: parse error at (chart/templates/t.yaml:1): {{break}} outside {{range}}"],
  [
    '{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}',
    'Error: parse error at (chart/templates/t.yaml:1): multiple definition of template "a"',
  ],
  ['{{ "unterminated }}', "Error: parse error at (chart/templates/t.yaml:1): unterminated quoted string"],
  ["{{/* unclosed", "Error: parse error at (chart/templates/t.yaml:1): unclosed comment"],
  ["{{ nosuch }}", 'Error: parse error at (chart/templates/t.yaml:1): function "nosuch" not defined'],
  ["{{ 1.E }}", 'Error: parse error at (chart/templates/t.yaml:1): "1.E"'],
  ["{{ (1 }}", "Error: parse error at (chart/templates/t.yaml:1): unclosed left paren"],
  ["{{ ) }}", "Error: parse error at (chart/templates/t.yaml:1): unexpected right paren"],
  ["{{ $x := }}", "Error: parse error at (chart/templates/t.yaml:1): missing value for command"],
  [
    "{{ with $x, $y := . }}{{ end }}",
    "Error: parse error at (chart/templates/t.yaml:1): too many declarations in with",
  ],
  [
    "{{ range $x, $y, $z := . }}{{ end }}",
    "Error: parse error at (chart/templates/t.yaml:1): too many declarations in range",
  ],
  ["{{ else }}", "Error: parse error at (chart/templates/t.yaml:1): unexpected {{else}}"],
  [
    "{{ if 1 }}{{ else }}{{ else }}{{ end }}",
    "Error: parse error at (chart/templates/t.yaml:1): expected end; found {{else}}",
  ],
  ["{{ 3x }}", 'Error: parse error at (chart/templates/t.yaml:1): "3x"'],
  ["{{ .Values.a-b }}", "Error: parse error at (chart/templates/t.yaml:1): bad character U+002D '-'"],
  [
    "{{ $x = 1 }}",
    'Error: chart/templates/t.yaml:1:8\n  executing "chart/templates/t.yaml" at <1>:\n    undefined variable: $x',
  ],
  [
    "{{ template .Values.s }}",
    'Error: parse error at (chart/templates/t.yaml:1): unexpected ".Values" in template clause',
  ],
  [
    '{{ define "x" }}{{ else }}{{ end }}',
    "Error: parse error at (chart/templates/t.yaml:1): unexpected {{else}} in define clause",
  ],
  [
    '{{ block "x" }}{{ end }}',
    "Error: parse error at (chart/templates/t.yaml:1): missing value for block clause",
  ],
  [
    "{{ if true }}{{ else if }}{{ end }}",
    "Error: parse error at (chart/templates/t.yaml:1): missing value for if",
  ],
  ["{{ 0x }}", 'Error: parse error at (chart/templates/t.yaml:1): "0x"'],
  ["{{ 1__0 }}", 'Error: parse error at (chart/templates/t.yaml:1): "1__0"'],
  ['{{ "\\q" }}', "Error: parse error at (chart/templates/t.yaml:1): invalid syntax"],
  ["{{ true.x }}", 'Error: parse error at (chart/templates/t.yaml:1): unexpected . after term "true"'],
  [
    "{{ with 1 }}{{ continue }}{{ end }}",
    "Error: parse error at (chart/templates/t.yaml:1): {{continue}} outside {{range}}",
  ],
  [
    "{{ range . }}{{ else }}{{ break }}{{ end }}",
    "Error: parse error at (chart/templates/t.yaml:1): {{break}} outside {{range}}",
  ],
];

const chart = (template: string) =>
  new Map([
    ["Chart.yaml", "apiVersion: v2\nname: chart\nversion: 0.1.0\n"],
    ["values.yaml", VALUES],
    ["templates/t.yaml", `${template}\n`],
  ]);

describe("template execution (outputs printed by Helm)", () => {
  it.each(OUTPUTS)("%s", (template, want) => {
    expect(renderTemplate(template, VALUES)).toBe(want);
  });
});

describe("template errors (messages printed by Helm)", () => {
  it.each(ERRORS)("%s", (template, want) => {
    expect(renderSimpleChart(chart(template))).toBe(want);
  });
});

describe("Go objects: fields, methods, named maps", () => {
  const kv: GoObject = {
    goType: "common.KubeVersion",
    goKind: "struct",
    field: (n) => (n === "Major" ? "1" : NO_FIELD),
    method: (n) => (n === "GitVersion" ? { params: [], call: () => "v1.35.0" } : undefined),
    goString: () => "v1.35.0",
    stringerNeedsAddress: true,
    fieldNames: () => ["Major"],
  };
  const files: GoObject = {
    goType: "engine.files",
    goKind: "map",
    field: () => NO_FIELD,
    method: (n) =>
      n === "Get"
        ? {
            params: ["string"],
            call: ([name]) => {
              if (name === "boom") throw new GoFuncError("no such file");
              return name === "a.txt" ? "A" : "";
            },
          }
        : undefined,
    fmtValue: () => new GoMap([["a.txt", new Uint8Array([65])]], "map[string][]uint8"),
  };
  const data = new GoMap([
    ["KubeVersion", kv],
    ["Files", files],
  ]);
  const run = (text: string) => {
    const set = new TemplateSet(new Map(), { missingKey: "zero" });
    try {
      set.parse("t", text);
      return set.execute("t", data, { templateName: "t", random: Math.random, now: Date.now });
    } catch (e) {
      return (e as Error).message;
    }
  };
  // Values read out of the data map (a map[string]interface {}) are interfaces, so Go names
  // that type in "can't evaluate field"; a struct's own fields are not.
  it.each([
    ["{{ .KubeVersion }}|{{ .KubeVersion.Major }}|{{ .KubeVersion.GitVersion }}", "v1.35.0|1|v1.35.0"],
    ["{{ .Files.Get `a.txt` }}|{{ .Files.missing }}|{{ printf `%T` .Files.missing }}", "A|[]|[]uint8"],
    [
      "{{ index .Files `a.txt` }}|{{ len .Files }}|{{ range $k, $v := .Files }}{{ $k }}={{ $v }}{{ end }}",
      "[65]|1|a.txt=[65]",
    ],
    [
      "{{ .Files.missing.x }}",
      'template: t:1:9: executing "t" at <.Files.missing.x>: can\'t evaluate field x in type []uint8',
    ],
    [
      "{{ .KubeVersion.Nope }}",
      'template: t:1:15: executing "t" at <.KubeVersion.Nope>: can\'t evaluate field Nope in type interface {}',
    ],
    [
      "{{ .KubeVersion.Major 1 }}",
      'template: t:1:15: executing "t" at <.KubeVersion.Major>: Major has arguments but cannot be invoked as function',
    ],
    [
      "{{ .Files.Get }}",
      'template: t:1:9: executing "t" at <.Files.Get>: wrong number of args for Get: want 1 got 0',
    ],
    ["{{ .Files.Get 1 }}", 'template: t:1:14: executing "t" at <1>: expected string; found 1'],
    [
      "{{ .Files.Get `boom` }}",
      'template: t:1:9: executing "t" at <.Files.Get>: error calling Get: no such file',
    ],
    ["{{ `x` | .Files.Get }}", ""],
  ])("%s", (text, want) => {
    expect(run(text)).toBe(want);
  });
});

describe("named map types with methods (common.Values)", () => {
  class Values extends GoMap {
    override method(name: string) {
      if (name !== "Table") return undefined;
      return { params: ["string"], call: ([k]: GoValue[]) => this.get(k as string) ?? null };
    }
  }
  const run = (text: string) => {
    const set = new TemplateSet(new Map(), { missingKey: "zero" });
    const data = new GoMap([
      [
        "V",
        new Values(
          [
            ["a", "A"],
            ["Table", "shadowed"],
          ],
          "common.Values",
        ),
      ],
    ]);
    try {
      set.parse("t", text);
      return set.execute("t", data, { templateName: "t", random: Math.random, now: Date.now });
    } catch (e) {
      return (e as Error).message;
    }
  };
  it("reaches methods before keys, as Go does", () => {
    expect(run('{{ .V.Table "a" }}|{{ .V.a }}|{{ index .V "Table" }}')).toBe("A|A|shadowed");
    expect(run("{{ .V.Table }}")).toBe(
      'template: t:1:5: executing "t" at <.V.Table>: wrong number of args for Table: want 1 got 0',
    );
  });
});

describe("runaway templates fail cleanly", () => {
  const run = (text: string) => {
    const set = new TemplateSet(new Map(), { missingKey: "zero" });
    set.parse("t", text);
    try {
      return set.execute("t", null, { templateName: "t", random: Math.random, now: Date.now });
    } catch (e) {
      return (e as Error).message;
    }
  };
  it("stops a template whose output grows without bound", () => {
    const big = "x".repeat(1 << 20);
    expect(run(`{{ define "a" }}${big}{{ template "a" }}{{ end }}{{ template "a" }}`)).toMatch(
      /^template: t:1:\d+: executing "a" at <.*>: template output exceeds 64 MiB$/,
    );
  });
  // A pull request's chart runs in CI: a loop of 10^11 rounds (Helm runs it for hours) or a
  // template calling itself twice per level, 40 levels deep, produce no output and no deep
  // stack, so neither limit above stopped them.
  it("stops a loop that would run for hours, at its range", () => {
    expect(run("{{ range 100000000000 }}{{ end }}")).toBe(
      'template: t:1:9: executing "t" at <{{range 100000000000}}{{end}}>: exceeded Slipway\'s limit of 33554432 steps (range rounds and template calls) in one template',
    );
  });
  it("stops a template that calls itself twice per level", () => {
    const text =
      '{{ define "a" }}{{ if . }}{{ template "a" (slice . 1) }}{{ template "a" (slice . 1) }}{{ end }}{{ end }}' +
      `{{ template "a" "${"x".repeat(40)}" }}`;
    expect(run(text)).toMatch(/exceeded Slipway's limit of 33554432 steps/);
  });
  it("reports Go's depth error for infinite {{template}} recursion", () => {
    expect(run('{{ define "a" }}{{ template "a" }}{{ end }}{{ template "a" }}')).toBe(
      'template: t:1:28: executing "a" at <{{template "a"}}>: exceeded maximum template depth (100000)',
    );
  });
});

describe("the context functions get", () => {
  // Functions see the name of the template running them, including templates entered by
  // {{template}} and nested executions (Helm's include), and the caller's context keeps its own.
  it("names the template being executed, and is restored after each", () => {
    const ctx = { templateName: "caller", random: () => 0, now: () => 0 };
    const set = new TemplateSet(new Map(), { missingKey: "zero" });
    set.addFuncs({
      where: {
        params: [],
        result: "string",
        fn(this: CallContext): GoValue {
          return this.templateName;
        },
      },
      nested: {
        params: ["string"],
        result: "string",
        fn(this: CallContext, name: GoValue): GoValue {
          const out = set.execute(name as string, null, this);
          return `${out}>${this.templateName}`;
        },
      },
    });
    set.parse("inner", "{{ where }}");
    set.parse(
      "t",
      '{{ define "d" }}{{ where }}{{ end }}{{ where }},{{ template "d" }},{{ where }},{{ nested "inner" }},{{ where }}',
    );
    expect(set.execute("t", null, ctx)).toBe("t,d,t,inner>t,t");
    expect(ctx.templateName).toBe("caller");
  });
  it("is restored when the template fails", () => {
    const ctx = { templateName: "caller", random: () => 0, now: () => 0 };
    const set = new TemplateSet(new Map(), { missingKey: "zero" });
    set.addFuncs({
      fail: {
        params: [],
        result: "string",
        fn: () => {
          throw new GoFuncError("no");
        },
      },
    });
    set.parse("t", '{{ define "d" }}{{ fail }}{{ end }}{{ template "d" }}');
    expect(() => set.execute("t", null, ctx)).toThrow(/error calling fail: no/);
    expect(ctx.templateName).toBe("caller");
  });
});
