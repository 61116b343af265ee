/**
 * The part of a YAML stream that go-yaml v2's `Unmarshal` reads: the first document and nothing
 * after it. sigs.k8s.io/yaml decodes with it, and so do kustomize (its kustomization file,
 * api/types/kustomization.go Unmarshal) and Flux's rewrite of that file (fluxcd/pkg
 * kustomize/kustomize_generator.go). So `---\n---\nresources: [a.yaml]` is an empty
 * kustomization there (its first document is empty), not the second document's, and a syntax
 * error in a later document is never seen. Comments before the first `---` are no document.
 *
 * quirk kept: a stream whose first token is `...` (a document end with no document before it)
 * fails in go-yaml v2, whose parser then expects a node: "did not find expected node content".
 */
import { Parser } from "yaml";

export type FirstDocument =
  /** The text of the first document (with what precedes it); "" when the stream holds none. */
  | { text: string }
  /** The stream starts with `...`: the offset of that marker. */
  | { endBeforeNode: number };

/**
 * go-yaml v2's words for a stream that starts with `...` at `offset`: its parser names the
 * 0-based line of the marker, and only when it is not the first (yaml.go, parser.fail).
 */
export function endBeforeNodeMessage(text: string, offset: number): { message: string; line: number } {
  const line0 = text.slice(0, offset).split("\n").length - 1;
  const where = line0 === 0 ? "" : `line ${line0}: `;
  return { message: `yaml: ${where}did not find expected node content`, line: line0 + 1 };
}

/** A line that starts with a document marker (after a BOM): without one, the text is one document. */
const MARKER_LINE = /^\ufeff?(?:---|\.\.\.)/gm;
/** Lines that hold no content: blank or a comment. */
const NO_CONTENT = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*$/;

export function firstDocumentOf(text: string): FirstDocument {
  // Most kustomization files have no marker, or one `---` before all their content (the
  // home-operations repositories start every file with one): no parse needed to know the answer.
  MARKER_LINE.lastIndex = 0;
  const marker = MARKER_LINE.exec(text);
  if (marker === null) return { text };
  const start = marker.index;
  if (MARKER_LINE.exec(text) === null && !marker[0].endsWith(".") && NO_CONTENT.test(text.slice(0, start)))
    return { text };
  return firstDocumentByParse(text);
}

/** The answer from the parser's tokens, whatever the text (firstDocumentOf's shortcut aside). */
export function firstDocumentByParse(text: string): FirstDocument {
  // The parser is a generator: tokens past the second document's start are never lexed.
  let first: { offset: number; bare: boolean } | undefined;
  for (const token of new Parser().parse(text)) {
    if (first === undefined) {
      if (token.type === "document")
        first = { offset: token.offset, bare: token.start.length === 0 && token.value === undefined };
      continue;
    }
    if (token.type === "doc-end" && first.bare) return { endBeforeNode: token.offset };
    if (token.type === "document") return { text: text.slice(0, token.offset) };
    first.bare = false;
  }
  return { text: first === undefined ? "" : text };
}
