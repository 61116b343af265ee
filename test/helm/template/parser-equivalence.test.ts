/**
 * The parser (src/helm/template/lex.ts, parse.ts) against a frozen copy of the parser it replaced
 * (frozen-parser/, as of Slipway 8f3b384, kept only here): for every template file of the Helm
 * conformance corpus's charts, the same trees (every field, every node's tree) and the same
 * function names asked about; for texts cut and edited around their delimiters, quotes and
 * parentheses, the same trees or the same error (message, file, line). The trees are what
 * tree-codec.ts persists and the executor walks, so any change of the parser's output fails here.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultFuncs } from "../../../src/helm/default-funcs.js";
import { BUILTINS } from "../../../src/helm/template/builtins.js";
import { TemplateError } from "../../../src/helm/template/errors.js";
import type { Tree } from "../../../src/helm/template/node.js";
import { type ParseOptions, parseText } from "../../../src/helm/template/parse.js";
import { hasShared, requires } from "../../support/env.js";
import { corpus, templateFiles } from "../corpus.js";
import { parseText as frozenParseText } from "./frozen-parser/parse.js";

const funcs = defaultFuncs({});
const allFunctions = (f: string) => funcs.has(f) || BUILTINS.has(f);

/** Trees as plain data: a node's tree as its name, numbers' bigints as text. */
function plain(x: unknown): unknown {
  if (x === null || typeof x !== "object") return typeof x === "bigint" ? `${x}n` : x;
  if (Array.isArray(x)) return x.map(plain);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) out[k] = k === "tr" ? (v as Tree).name : plain(v);
  return out;
}

type Outcome =
  | { trees: [string, unknown][]; asked: string[] }
  | { error: { message: string; template: string; line?: number; column?: number } };

function outcome(
  parse: typeof parseText,
  name: string,
  text: string,
  opts: Omit<ParseOptions, "hasFunction">,
  has = allFunctions,
): Outcome {
  const asked: string[] = [];
  try {
    const trees = parse(name, text, {
      ...opts,
      hasFunction: (f) => {
        asked.push(f);
        return has(f);
      },
    });
    return {
      trees: [...trees].map(([n, t]) => [
        n,
        plain({ ...t, root: t.root, text: t.text === text ? "<the text>" : t.text }),
      ]),
      asked,
    };
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    return { error: { message: e.message, template: e.template, line: e.line, column: e.column } };
  }
}

function expectSameParse(
  name: string,
  text: string,
  opts: Omit<ParseOptions, "hasFunction"> = {},
  has = allFunctions,
): Outcome {
  const now = outcome(parseText, name, text, opts, has);
  expect(now).toEqual(outcome(frozenParseText, name, text, opts, has));
  return now;
}

/**
 * Texts near `text` that parse differently: cut at and around each kind of token boundary, a
 * delimiter, quote or parenthesis dropped or doubled, a trim marker's space removed.
 */
function edits(text: string, spread = 4): string[] {
  const out: string[] = [];
  const marks = ["{{", "}}", '"', "`", "(", ")", "-", "$", ".", "|", ":=", "/*", "'", "\n"];
  for (const mark of marks) {
    const at: number[] = [];
    for (let i = text.indexOf(mark); i >= 0 && at.length < 40; i = text.indexOf(mark, i + 1)) at.push(i);
    // A few occurrences spread over the text.
    for (const i of [at[at.length >> 1], at[0], at[at.length - 1], at[(at.length * 3) >> 2]].slice(
      0,
      spread,
    )) {
      if (i === undefined) continue;
      out.push(text.slice(0, i));
      out.push(text.slice(0, i + 1));
      out.push(text.slice(0, i) + text.slice(i + mark.length));
      out.push(text.slice(0, i) + mark + text.slice(i));
      out.push(`${text.slice(0, i + mark.length)}\u00e9${text.slice(i + mark.length)}`);
    }
  }
  return [...new Set(out)];
}

describe.runIf(requires("shared"))("the parser against its frozen predecessor", () => {
  // A skipped describe's body still runs to collect its tests: no ../shared, nothing to list.
  const files = hasShared ? templateFiles(path.join(corpus, "charts")) : [];

  it("finds the conformance corpus's template files", () => {
    expect(files.length).toBeGreaterThan(500);
  });

  it("gives the same trees for every template file of the conformance charts", () => {
    let trees = 0;
    for (const file of files) {
      const result = expectSameParse(path.relative(corpus, file), readFileSync(file, "utf8"));
      if ("trees" in result) trees += result.trees.length;
    }
    expect(trees).toBeGreaterThan(files.length);
  });

  it("gives the same trees or errors for texts edited around their tokens", () => {
    let errors = 0;
    // Every third file, at one place per kind of token (every file at four places takes ~90 s).
    for (const file of files.filter((_, i) => i % 3 === 0)) {
      const text = readFileSync(file, "utf8");
      if (!text.includes("{{")) continue;
      for (const edited of edits(text, 1)) if ("error" in expectSameParse("t.yaml", edited)) errors++;
    }
    expect(errors).toBeGreaterThan(1000);
  });

  it("gives the same errors for functions a set lacks, comments kept and other delimiters", () => {
    for (const file of files.slice(0, 400)) {
      const text = readFileSync(file, "utf8");
      expectSameParse("t", text, {}, (f) => f !== "include" && allFunctions(f));
      expectSameParse("t", text, { parseComments: true });
      expectSameParse("t", text, {}, (f) => f === "break" || allFunctions(f));
      expectSameParse("t", text.replaceAll("{{", "[[").replaceAll("}}", "]]"), {
        leftDelim: "[[",
        rightDelim: "]]",
      });
      expectSameParse("t", text.replaceAll("{{", "<%").replaceAll("}}", "%>"), {
        leftDelim: "<%",
        rightDelim: "%>",
      });
    }
  });

  it.each([
    [
      "numbers",
      "{{ 1 }}{{ -1.5e3 }}{{ 0x1F }}{{ 0o17 }}{{ 0b101 }}{{ 1_000 }}{{ 1+2i }}{{ 'a' }}{{ '\\n' }}{{ .5 }}{{ 1e }}",
    ],
    ["bad numbers", "{{ 0x }}{{ 1.2.3 }}{{ 9223372036854775808 }}{{ 3k }}"],
    ["unicode", 'héllo {{ .ñame }} {{ $é := 1 }}{{ $é }} 😀 {{ "😀" }} {{ .a😀 }}'],
    ["comments", "a {{/* c */}} b {{- /* d */ -}} c {{/* e */ }} {{ /* f */}}{{/* unclosed"],
    ["trim markers", "a \n {{- .A -}} \n b {{-3}} {{- 3 -}} {{ -3 }}{{\t-\t.B\t-\t}}{{-\n.C\n-}}"],
    ["parens", "{{ (1) }}{{ ((.A).B) }}{{ (.A }}"],
    ["unclosed", "{{ .A "],
    ["break outside range", "{{ break }}"],
    ["range decls", "{{ range $i, $e := .L }}{{ $i }}{{ end }}{{ range $a, $b, $c := .L }}{{ end }}"],
    ["assign", "{{ $x := 1 }}{{ $x = 2 }}{{ $y }}"],
    ["else chains", "{{ if .A }}a{{ else if .B }}b{{ else with .C }}c{{ else }}d{{ end }}"],
    ["define twice", '{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}'],
    ["define empty", '{{ define "a" }}x{{ end }}{{ define "a" }} {{/* c */}} {{ end }}'],
    ["block", '{{ block "b" . }}{{ .X }}{{ end }}{{ template "b" }}{{ template "b" .Y }}'],
    ["chain after literal", '{{ (1).X }}{{ "s".X }}{{ nil.X }}{{ $.X.Y }}{{ (.A).B.C }}'],
    ["non executable", "{{ .A | 1 }}{{ .A | .B }}"],
    ["chars", "{{ 'ab' }}{{ ',' }}{{ .A , .B }}{{ = }}{{ : }}{{ # }}{{ \u0001 }}"],
    ["raw strings", "{{ `a\nb` }} {{ .A }}\n{{ `unterminated"],
    ["quoted", '{{ "a\\"b" }}{{ "bad\\q" }}{{ "line\nbreak" }}'],
    ["keywords as fields", "{{ .if.range.end }}{{ $x := .else }}{{ true }}{{ false }}{{ nil }}"],
  ])("%s", (_, text) => {
    expectSameParse("t", text);
    for (const edited of edits(text)) expectSameParse("t", edited);
  });
});
