/**
 * firstDocumentOf answers most kustomization files without parsing them (no marker, or one `---`
 * before all content). These tests hold that shortcut to the answer of the full token walk over
 * the `yaml` package's parser, on generated streams of markers, comments, blank lines and content.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstDocumentByParse as byParser, firstDocumentOf } from "../../src/yaml/first-document.js";

const contentFree = (t: string) => /^(?:[ \t]*(?:#[^\n]*)?\r?\n?)*$/.test(t);

const line = fc.constantFrom(
  "---",
  "--- # marker",
  "---x",
  "----",
  "...",
  "\ufeff---",
  "# comment",
  "  # indented comment",
  "",
  "   ",
  "resources:",
  "- a.yaml",
  "namespace: x",
  "%YAML 1.2",
  "a: |",
  "  text",
);

const stream = fc
  .record({ lines: fc.array(line, { maxLength: 8 }), crlf: fc.boolean(), end: fc.boolean() })
  .map(({ lines, crlf, end }) => lines.join(crlf ? "\r\n" : "\n") + (end ? (crlf ? "\r\n" : "\n") : ""));

describe("firstDocumentOf", () => {
  it("answers as the full token walk on generated streams", () => {
    fc.assert(
      fc.property(stream, (text) => {
        // Without a marker line the text is its own first document, as before the shortcut.
        if (!/^\ufeff?(?:---|\.\.\.)/m.test(text)) return;
        const want = byParser(text);
        const got = firstDocumentOf(text);
        // A stream without any document is "" to the walk and itself to the shortcut: both empty.
        if ("text" in want && want.text === "" && "text" in got && contentFree(got.text)) return;
        expect(got).toEqual(want);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ["one marker before the content", "---\nresources:\n- a.yaml\n", { text: "---\nresources:\n- a.yaml\n" }],
    [
      "comments before the marker",
      "# app\n\n---\nresources: []\n",
      { text: "# app\n\n---\nresources: []\n" },
    ],
    ["an empty first document", "---\n---\nresources: []\n", { text: "---\n" }],
    ["content before a second document", "a: 1\n---\nb: 2\n", { text: "a: 1\n" }],
    ["a document end first", "...\nresources: []\n", { endBeforeNode: 0 }],
  ])("%s", (_name, text, want) => {
    expect(firstDocumentOf(text)).toEqual(want);
  });
});
