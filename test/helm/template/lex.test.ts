import { describe, expect, it } from "vitest";
import { ItemType, Lexer } from "../../../src/helm/template/lex.js";

/** Item types by name (ItemType is a const enum, which has no names at run time for tsc). */
const TYPE_NAMES = new Map<ItemType, string>([
  [ItemType.Error, "Error"],
  [ItemType.Bool, "Bool"],
  [ItemType.Char, "Char"],
  [ItemType.CharConstant, "CharConstant"],
  [ItemType.Comment, "Comment"],
  [ItemType.Complex, "Complex"],
  [ItemType.Assign, "Assign"],
  [ItemType.Declare, "Declare"],
  [ItemType.EOF, "EOF"],
  [ItemType.Field, "Field"],
  [ItemType.Identifier, "Identifier"],
  [ItemType.LeftDelim, "LeftDelim"],
  [ItemType.LeftParen, "LeftParen"],
  [ItemType.Number, "Number"],
  [ItemType.Pipe, "Pipe"],
  [ItemType.RawString, "RawString"],
  [ItemType.RightDelim, "RightDelim"],
  [ItemType.RightParen, "RightParen"],
  [ItemType.String, "String"],
  [ItemType.Text, "Text"],
  [ItemType.Variable, "Variable"],
  [ItemType.Keyword, "Keyword"],
  [ItemType.Block, "Block"],
  [ItemType.Break, "Break"],
  [ItemType.Continue, "Continue"],
  [ItemType.Dot, "Dot"],
  [ItemType.Define, "Define"],
  [ItemType.Else, "Else"],
  [ItemType.End, "End"],
  [ItemType.If, "If"],
  [ItemType.Nil, "Nil"],
  [ItemType.Range, "Range"],
  [ItemType.Template, "Template"],
  [ItemType.With, "With"],
]);

/** Every item of a text as "Type:val@pos:line", to the first error or EOF; "␣" marks a spaced item. */
function items(text: string, opts: { left?: string; right?: string; breakOK?: boolean } = {}): string[] {
  const l = new Lexer(text, opts.left ?? "", opts.right ?? "", {
    emitComment: false,
    breakOK: opts.breakOK ?? true,
    continueOK: true,
  });
  const out: string[] = [];
  for (;;) {
    const i = l.nextItem();
    out.push(`${i.spaced ? "␣" : ""}${TYPE_NAMES.get(i.typ)}:${i.val}@${i.pos}:${i.line}`);
    if (i.typ === ItemType.EOF || i.typ === ItemType.Error) return out;
  }
}

// Words (fields, variables, names) inside actions take a shortcut past lex.go's state functions
// where the word is ASCII and ends at a terminator; every other ending must reach those functions
// and come out as Go lexes it.
describe("lex: words inside actions", () => {
  it.each([
    [
      "field chain",
      "{{.Values.a}}",
      ["LeftDelim:{{@0:1", "Field:.Values@2:1", "Field:.a@9:1", "RightDelim:}}@11:1"],
    ],
    ["dot", "{{.}}", ["LeftDelim:{{@0:1", "Dot:.@2:1", "RightDelim:}}@3:1"]],
    ["bare $", "{{$}}", ["LeftDelim:{{@0:1", "Variable:$@2:1", "RightDelim:}}@3:1"]],
    [
      "variable and field",
      "{{$x.y}}",
      ["LeftDelim:{{@0:1", "Variable:$x@2:1", "Field:.y@4:1", "RightDelim:}}@6:1"],
    ],
    ["non-ASCII letter goes on", "{{.aé}}", ["LeftDelim:{{@0:1", "Field:.aé@2:1", "RightDelim:}}@5:1"]],
    ["non-ASCII variable", "{{$é}}", ["LeftDelim:{{@0:1", "Variable:$é@2:1", "RightDelim:}}@4:1"]],
    ["identifier then non-ASCII", "{{fé}}", ["LeftDelim:{{@0:1", "Identifier:fé@2:1", "RightDelim:}}@4:1"]],
    ["bad character after a field", "{{.a-}}", ["LeftDelim:{{@0:1", "Error:bad character U+002D '-'@2:1"]],
    ["bad character after a name", "{{f+}}", ["LeftDelim:{{@0:1", "Error:bad character U+002B '+'@2:1"]],
    ["bad character after a variable", "{{$x=}}", ["LeftDelim:{{@0:1", "Error:bad character U+003D '='@2:1"]],
    [
      "keywords and bools",
      "{{if true}}{{end}}",
      [
        "LeftDelim:{{@0:1",
        "If:if@2:1",
        "␣Bool:true@5:1",
        "RightDelim:}}@9:1",
        "LeftDelim:{{@11:1",
        "End:end@13:1",
        "RightDelim:}}@16:1",
      ],
    ],
    [
      "terminators",
      "{{f .a,$b|g (.c):}}",
      [
        "LeftDelim:{{@0:1",
        "Identifier:f@2:1",
        "␣Field:.a@4:1",
        "Char:,@6:1",
        "Variable:$b@7:1",
        "Pipe:|@9:1",
        "Identifier:g@10:1",
        "␣LeftParen:(@12:1",
        "Field:.c@13:1",
        "RightParen:)@15:1",
        "Error:expected :=@16:1",
      ],
    ],
    [
      "lines",
      "{{.a\n.b\r\n$c}}",
      ["LeftDelim:{{@0:1", "Field:.a@2:1", "␣Field:.b@5:2", "␣Variable:$c@9:3", "RightDelim:}}@11:3"],
    ],
    [
      "trim marker after a word",
      "{{.a -}} x",
      ["LeftDelim:{{@0:1", "Field:.a@2:1", "RightDelim:}}@6:1", "Text:x@9:1"],
    ],
    [
      "space run before a trim marker",
      "{{ .a  -}}",
      ["LeftDelim:{{@0:1", "␣Field:.a@3:1", "␣RightDelim:}}@8:1"],
    ],
    ["spaces at the end", "{{.a \n ", ["LeftDelim:{{@0:1", "Field:.a@2:1", "Error:unclosed action@7:2"]],
  ])("%s", (_, text, expected) => {
    expect(items(text).slice(0, expected.length)).toEqual(expected);
  });

  // Delimiters and trim markers (lexText, lexLeftDelim, lexRightDelim are written out): items,
  // positions and lines as the lexer before them gave (and a 20,000-text seeded comparison).
  it.each([
    [
      "{{-\n.a\n-}}\n\nx",
      ["LeftDelim:{{@0:1", "Field:.a@4:2", "RightDelim:}}@8:3", "Text:x@12:5", "EOF:@13:5"],
    ],
    [
      "a \n {{- .a -}} \n b",
      ["Text:a@0:1", "LeftDelim:{{@4:2", "Field:.a@8:2", "RightDelim:}}@12:2", "Text:b@17:3", "EOF:@18:3"],
    ],
    [
      "{{ .a \n -}}\n{{ .b  -}}x",
      [
        "LeftDelim:{{@0:1",
        "␣Field:.a@3:1",
        "␣RightDelim:}}@9:2",
        "LeftDelim:{{@12:3",
        "␣Field:.b@15:3",
        "␣RightDelim:}}@20:3",
        "Text:x@22:3",
        "EOF:@23:3",
      ],
    ],
    ["{{- /* c */ -}}\n y", ["Text:y@17:2", "EOF:@18:2"]],
    [
      "x\n{{  -3 }}",
      ["Text:x\n@0:1", "LeftDelim:{{@2:2", "␣Number:-3@6:2", "␣RightDelim:}}@9:2", "EOF:@11:2"],
    ],
    [
      "{{ .a -}}\r\n\t z{{- \r\n .b}}",
      [
        "LeftDelim:{{@0:1",
        "␣Field:.a@3:1",
        "RightDelim:}}@7:1",
        "Text:z@13:2",
        "LeftDelim:{{@14:2",
        "␣Field:.b@21:3",
        "RightDelim:}}@23:3",
        "EOF:@25:3",
      ],
    ],
    ["{{.a\r-}}q", ["LeftDelim:{{@0:1", "Field:.a@2:1", "RightDelim:}}@6:1", "Text:q@8:1", "EOF:@9:1"]],
    ["a{{ -}}", ["Text:a@0:1", "LeftDelim:{{@1:1", "RightDelim:}}@5:1", "EOF:@7:1"]],
  ])("delimiters: %j", (text, expected) => {
    expect(items(text)).toEqual(expected);
  });

  it("ends a word at other delimiters, and not at a delimiter's first character alone", () => {
    expect(items("[[.a]]", { left: "[[", right: "]]" }).slice(1, 3)).toEqual([
      "Field:.a@2:1",
      "RightDelim:]]@4:1",
    ]);
    expect(items("[[.a]x]]", { left: "[[", right: "]]" })[1]).toBe("Error:bad character U+005D ']'@2:1");
    expect(items("<<.abc>>", { left: "<<", right: "bc>>" })[1]).toBe("Error:bad character U+003E '>'@2:1");
  });

  it("takes break for a name where a function of that name exists", () => {
    expect(items("{{break}}", { breakOK: false })[1]).toBe("Identifier:break@2:1");
    expect(items("{{break}}")[1]).toBe("Break:break@2:1");
  });
});
