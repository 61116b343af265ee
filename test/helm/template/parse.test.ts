import { describe, expect, it } from "vitest";
import { TemplateError } from "../../../src/helm/template/errors.js";
import { type Node, nodeString, positionOf } from "../../../src/helm/template/node.js";
import { parseText } from "../../../src/helm/template/parse.js";
import { stackSizeKb } from "../../../src/helm/template/stack-budget.js";

const FUNCS = new Set(["printf", "len", "index", "not", "and", "eq", "list", "include"]);
const parse = (text: string, left = "", right = "") =>
  parseText("t", text, { hasFunction: (f) => FUNCS.has(f), leftDelim: left, rightDelim: right });

/** The tree printed back as Go's Node.String does, with text nodes quoted to show spacing. */
function show(n: Node): string {
  if (n.type === "text") return JSON.stringify(n.text);
  if (n.type === "list") return n.nodes.map(show).join("");
  if (n.type === "if" || n.type === "range" || n.type === "with") {
    const els = n.elseList ? `{{else}}${show(n.elseList)}` : "";
    return `{{${n.type} ${nodeString(n.pipe)}}}${show(n.list)}${els}{{end}}`;
  }
  return nodeString(n);
}

describe("parse: trees", () => {
  it.each([
    ["plain text", "some text", '"some text"'],
    ["empty", "", ""],
    ["comment only", "{{/* c */}}", ""],
    ["field chain", "{{.A.B}}", "{{.A.B}}"],
    ["pipeline spacing", '{{ .X|printf "%d" }}', '{{.X | printf "%d"}}'],
    ["declaration", "{{$x := .X | len}}{{$x}}", "{{$x := .X | len}}{{$x}}"],
    ["assignment", "{{$x := 1}}{{$x = 2}}", "{{$x := 1}}{{$x = 2}}"],
    [
      "parens and chains",
      "{{(index .M `a`).B (.C) (printf `x` | len)}}",
      "{{(index .M `a`).B (.C) (printf `x` | len)}}",
    ],
    [
      "else if chain",
      "{{if .A}}a{{else if .B}}b{{else}}c{{end}}",
      '{{if .A}}"a"{{else}}{{if .B}}"b"{{else}}"c"{{end}}{{end}}',
    ],
    [
      "else with",
      "{{with .A}}a{{else with .B}}b{{end}}",
      '{{with .A}}"a"{{else}}{{with .B}}"b"{{end}}{{end}}',
    ],
    ["range two vars", "{{range $i, $e := .L}}{{$i}}{{end}}", "{{range $i, $e := .L}}{{$i}}{{end}}"],
    ["range break", "{{range .L}}{{break}}{{continue}}{{end}}", "{{range .L}}{{break}}{{continue}}{{end}}"],
    ["template", '{{template `x` .}}{{template "y"}}', '{{template "x" .}}{{template "y"}}'],
    ["block becomes template", '{{block "b" .}}body{{end}}', '{{template "b" .}}'],
    ["trim both sides", "a \n\t{{- 3 -}}\n\t b", '"a"{{3}}"b"'],
    ["trim needs a space: negative number", "x{{-3}}y", '"x"{{-3}}"y"'],
    ["trim around comment", "a  {{- /* c */ -}}  b", '"a""b"'],
    ["trailing pipe is accepted", "{{.A |}}", "{{.A}}"],
    [
      "constants",
      "{{printf `%v` 1 -2.5 0x1F 'a' true nil \"s\"}}",
      "{{printf `%v` 1 -2.5 0x1F 'a' true nil \"s\"}}",
    ],
    ["custom delimiters", "<<.A>> {{.B}}", '{{.A}}" {{.B}}"', "<<", ">>"],
    // Spaces are flags on the item after them (lex.ts): where Go's parser reads itemSpace.
    ["a space separates operands", "{{printf `%v` .A .B}}", "{{printf `%v` .A .B}}"],
    ["no space: one field chain", "{{printf `%v` .A.B}}", "{{printf `%v` .A.B}}"],
    ["a space ends a term's chain", "{{(.A) .B}}{{(.A).B}}", "{{(.A) .B}}{{(.A).B}}"],
    [
      "variable, then an argument",
      "{{$x := 1}}{{$x .A}}{{ $x }}{{$x.A}}",
      "{{$x := 1}}{{$x .A}}{{$x}}{{$x.A}}",
    ],
    ["spaces across lines", '{{ printf\n  "%d"\n\t1 }}', '{{printf "%d" 1}}'],
    ["spaces before a trim marker", "{{ .A  -}} x", '{{.A}}"x"'],
  ])("%s", (_, text, want, left = "", right = "") => {
    const trees = parse(text, left, right);
    const got = show(trees.get("t")!.root);
    // Node.String uses the tree's delimiters; compare in the default spelling.
    expect(left ? got.replaceAll("<<", "{{").replaceAll(">>", "}}") : got).toBe(want);
  });

  it("collects defines and blocks as their own trees", () => {
    const trees = parse('{{define "a"}}A{{end}}x{{block "b" .}}B{{end}}');
    expect([...trees.keys()].sort()).toEqual(["a", "b", "t"]);
    expect(show(trees.get("a")!.root)).toBe('"A"');
    expect(trees.get("a")!.parseName).toBe("t");
  });

  it("records positions as Go reports them (line, byte column)", () => {
    const text = "é: {{ .A }}\n  {{ if .B }}x{{ end }}";
    const root = parse(text).get("t")!.root;
    const action = root.nodes[1]!;
    // An action is placed at its first word: ".A" starts 7 bytes into the line ("é" is 2 bytes).
    expect(positionOf(action.tr, action.pos)).toEqual({ line: 1, column: 7 });
    const ifNode = root.nodes[3]!;
    expect(ifNode.type).toBe("if");
    expect(positionOf(ifNode.tr, ifNode.pos)).toEqual({ line: 2, column: 8 });
  });
});

describe("parse: errors (Go's text and line)", () => {
  it.each([
    ["{{.A", "template: t:1: unclosed action"],
    ["{{if .A}}\n\nx", "template: t:3: unexpected EOF"],
    ["{{ .A\n}", 'template: t:2: unexpected "}" in operand'],
    ["{{ .A\n", "template: t:2: unclosed action started at t:1"],
    ["{{nosuch 1}}", 'template: t:1: function "nosuch" not defined'],
    ["{{$x}}", 'template: t:1: undefined variable "$x"'],
    ["{{with $x := 1}}{{end}}{{$x}}", 'template: t:1: undefined variable "$x"'],
    ["{{break}}", "template: t:1: {{break}} outside {{range}}"],
    ["{{range .}}{{else}}{{continue}}{{end}}", "template: t:1: {{continue}} outside {{range}}"],
    ["{{end}}", "template: t:1: unexpected {{end}}"],
    ["{{if 1}}{{else}}{{else}}{{end}}", "template: t:1: expected end; found {{else}}"],
    ["{{1 | 2}}", "template: t:1: non executable command in pipeline stage 2"],
    ["{{printf 3, 4}}", 'template: t:1: unexpected "," in operand'],
    ['{{printf "a""b"}}', 'template: t:1: unexpected "\\"b\\"" in operand'],
    ["{{.A =}}", 'template: t:1: unexpected "=" in operand'],
    ["{{ .A\n\n =}}", 'template: t:3: unexpected "=" in operand'],
    ["{{with $a, $b := 1}}{{end}}", "template: t:1: too many declarations in with"],
    ["{{range $a, $b, $c := 1}}{{end}}", "template: t:1: too many declarations in range"],
    ["{{'ab'}}", "template: t:1: malformed character constant: 'ab'"],
    ["{{08}}", 'template: t:1: integer overflow: "08"'],
    ["{{1e400}}", 'template: t:1: illegal number syntax: "1e400"'],
    ["{{1__0}}", 'template: t:1: illegal number syntax: "1__0"'],
    ["{{3x}}", 'template: t:1: bad number syntax: "3x"'],
    ["{{true.x}}", 'template: t:1: unexpected . after term "true"'],
    [
      '{{define "a"}}x{{end}}{{define "a"}}y{{end}}',
      'template: t:1: template: multiple definition of template "a"',
    ],
    ["{{template .X}}", 'template: t:1: unexpected ".X" in template clause'],
    ["{{ (1 }}", "template: t:1: unclosed left paren"],
    ["{{ ) }}", "template: t:1: unexpected right paren"],
    ["{{/* c", "template: t:1: unclosed comment"],
    ["{{/* c */ x}}", "template: t:1: comment ends before closing delimiter"],
    ['{{"\\q"}}', "template: t:1: invalid syntax"],
    ["{{.A-B}}", "template: t:1: bad character U+002D '-'"],
    ["{{ ä€ }}", "template: t:1: bad character U+20AC '€'"],
    ["{{ äö }}", 'template: t:1: function "äö" not defined'],
    ["{{ \u0001 }}", "template: t:1: unrecognized character in action: U+0001"],
  ])("%s", (text, want) => {
    let err: unknown;
    try {
      parse(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).message).toBe(want);
    expect((err as TemplateError).kind).toBe("parse");
  });
});

describe("parse: hostile nesting", () => {
  const failure = (text: string): string => {
    try {
      parse(text);
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      return (e as TemplateError).message;
    }
    return "parsed";
  };
  it("fails at Slipway's counted limit when parentheses or blocks nest deeper than the stack allows", () => {
    // Counted before recursing: a stack overflow caught here could instead abort the process
    // (V8's regexp compiler), see stack-budget.ts.
    for (const text of [
      `{{ ${"(".repeat(50000)}1${")".repeat(50000)} }}`,
      `${"{{ if 1 }}".repeat(50000)}${"{{ end }}".repeat(50000)}`,
      `{{ if 1 }}${"{{ else if 1 }}".repeat(50000)}{{ end }}`,
      `${'{{ block "b" 1 }}'.repeat(50000)}${"{{ end }}".repeat(50000)}`,
    ]) {
      expect(failure(text)).toBe(
        `template: t:1: blocks and parenthesized pipelines nest deeper than Slipway allows with a ${stackSizeKb()} KB stack (Go's stack grows; the slipway command runs node with --stack-size=3900)`,
      );
    }
    expect(failure(`{{ ${"(".repeat(500)}1${")".repeat(500)} }}`)).toBe("parsed");
  });
});
