/**
 * What of a YAML stream kustomize reads, and whether go-yaml lets it: kyaml's ByteReader
 * (kustomize kyaml v0.18.1, kio/byteio_reader.go `Read`, `splitDocuments`) splits the text at
 * every line that starts with `---` (a separator with anything but a comment after it fails:
 * "invalid document separator"), and decodes each piece with its own go-yaml v3 Decoder, once:
 * - go-yaml's scanner and parser refuse some text the `yaml` package reads: in a flow collection
 *   `?` and `:` are indicators whatever follows them (`{A: ?x}`, `[:x]`, `{a: b?c}`), so such a
 *   file fails to build with kubectl ("did not find expected node content");
 * - only the first document of a piece is read: what follows a `...` (or a node less indented
 *   than the document's root) up to the next separator is never parsed, so it neither builds nor
 *   fails, except for a scanner error in the two tokens v3 scans ahead.
 *
 * `kyamlReadableText` checks each piece with the libyaml port (src/yaml/libyaml) and blanks what
 * kyaml never reads, keeping every offset, so the `yaml` package then reads what kyaml reads.
 * `goYamlFirstDocumentText` does the same for go-yaml v2's `Unmarshal`, which reads the first
 * document of the whole text (sigs.k8s.io/yaml: kustomization files, Flux's own decoding).
 */
import { SlipwayError } from "../errors.js";
import { trimSpace } from "../go/strings.js";
import { type GoYamlDocument, goYamlFirstDocument, type ScannerFindings } from "./libyaml/parser.js";
import { positionOf } from "./limits.js";

/** A separator line as splitDocuments finds it (`\n---.*\n`); the match starts at its `\n`. */
const SEPARATOR = /\n---[^\n]*\n/g;
/** What the `yaml` package reads after a `---` marker as nothing. */
const MARKER_TAIL = /^(?:[ \t\r]*|[ \t]+#.*)$/;
/** What may follow a document in a piece without being content: blanks, breaks, comments. */
const NOTHING = /^(?:[ \t\r\n]|#[^\r\n]*)*$/;

/**
 * The text the `yaml` package is to read, and where it holds a line feed for a LS or PS that
 * go-yaml reads as a line break but keeps in a scalar's value (offset → the character; see
 * line-separators.ts).
 */
export interface ReadableText {
  text: string;
  separators: ReadonlyMap<number, string>;
}

const NO_SEPARATORS: ReadonlyMap<number, string> = new Map();

/**
 * `text` with what kyaml never reads blanked out (every other character kept in place), or a
 * SlipwayError naming the file and line where go-yaml fails a piece kyaml reads.
 */
export function kyamlReadableText(text: string, file: string): ReadableText {
  const pieces: Array<[number, number]> = [];
  const unread: Array<[number, number]> = [];
  let start = 0;
  // Go's FindAllStringIndex: matches do not overlap, so of two separator lines in a row only the
  // first splits (the second starts the next piece as a document marker).
  for (const m of text.matchAll(SEPARATOR)) {
    const after = trimSpace(m[0].slice(4));
    if (after !== "" && !after.startsWith("#")) {
      throw new SlipwayError(`invalid document separator: ${trimSpace(m[0])}`, {
        file,
        ...positionOf(text, m.index + 1),
      });
    }
    // kyaml gives the piece back the line break the split took (`values[i] += "\n"`).
    pieces.push([start, m.index + 1]);
    start = m.index + m[0].length;
    // The split drops the separator line; the `yaml` package reads it as a marker only when what
    // follows `---` is blanks or a comment (not `---<NEL>` or `---#c`, which Go's TrimSpace allows).
    if (!MARKER_TAIL.test(m[0].slice(4, -1))) unread.push([m.index + 4, m.index + m[0].length - 1]);
  }
  pieces.push([start, text.length]);
  const glued: number[] = [];
  const quoted: Array<[number, number]> = [];
  const breaks: number[] = [];
  const pads: Array<[number, number]> = [];
  for (const [from, to] of pieces) {
    const piece = text.slice(from, to);
    const read = goYamlFirstDocument(piece, 2);
    const end = readEnd(read, text, from, file);
    if (!NOTHING.test(piece.slice(end))) unread.push([from + end, to]);
    if ("glued" in read) {
      for (const at of read.glued) glued.push(from + at);
      for (const [a, b] of read.quoted) quoted.push([from + a, from + b]);
      for (const at of read.breaks) breaks.push(from + at);
      for (const [at, n] of read.pads) pads.push([from + at, n]);
    }
  }
  unread.sort((a, b) => a[0] - b[0]);
  return goYamlReadableText(blanked(text, unread), { glued, quoted, breaks, pads });
}

/**
 * `text` with all after its first document blanked (offsets kept), as go-yaml v2's `Unmarshal`
 * reads it (sigs.k8s.io/yaml: kustomization files, Flux's and the operator's decoding), or a
 * SlipwayError where go-yaml fails that document.
 */
export function goYamlFirstDocumentText(text: string, file: string): ReadableText {
  const read = goYamlFirstDocument(text, 0);
  const end = readEnd(read, text, 0, file);
  const readable = NOTHING.test(text.slice(end)) ? text : blanked(text, [[end, text.length]]);
  return "glued" in read ? goYamlReadableText(readable, read) : { text: readable, separators: NO_SEPARATORS };
}

/**
 * `text` with all after its first document blanked (offsets kept), as kyaml reads a UTF-16 file:
 * splitDocuments looks for `\n---` in the bytes, which UTF-16 never holds, so the whole file is
 * one piece and its Decoder reads the first document. The rest of kyaml's reading (what go-yaml
 * refuses, `kyamlReadableText`) applies to that document afterwards.
 */
export function unsplitFirstDocumentText(text: string, file: string): string {
  const read = goYamlFirstDocument(text, 2);
  const end = readEnd(read, text, 0, file);
  return NOTHING.test(text.slice(end)) ? text : blanked(text, [[end, text.length]]);
}

/**
 * `text` edited so that the `yaml` package reads what go-yaml reads (the scanner's findings):
 * a blank where go-yaml ends a token that the `yaml` package would read on from (Scanner.glued:
 * `[?x]` → `[? x]`, `&a: 1` → `&a : 1`, `[a]#c` → `[a] #c`), single quotes around a flow plain
 * scalar it would read otherwise (Scanner.quoted: `[a:, -]` → `['a:', '-']`, the same strings),
 * `\n` for a Unicode line break between tokens (Scanner.breaks), and spaces before a flow
 * collection's line that go-yaml takes however shallow (Scanner.pads). Lines stay; columns after
 * a blank, a quote or a pad move on its line. Where a LS or PS became a line feed is kept too.
 */
export function goYamlReadableText(text: string, found: ScannerFindings): ReadableText {
  type Edit = [number, number, (s: string) => string];
  const edits: Edit[] = [
    ...found.glued.map((q): Edit => [q, q, () => " "]),
    ...found.quoted.map(([a, b]): Edit => [a, b, (s) => `'${s.replace(/'/g, "''")}'`]),
    ...found.breaks.map((q): Edit => [q, q + 1, () => "\n"]),
    ...found.pads.map(([q, n]): Edit => [q, q, () => " ".repeat(n)]),
  ];
  if (edits.length === 0) return { text, separators: NO_SEPARATORS };
  edits.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let out = "";
  let from = 0;
  const separators = new Map<number, string>();
  for (const [a, b, edit] of edits) {
    out += text.slice(from, a);
    const c = text.slice(a, b);
    if (c === "\u2028" || c === "\u2029") separators.set(out.length, c);
    out += edit(c);
    from = b;
  }
  return { text: out + text.slice(from), separators };
}

/** Where what go-yaml read of the piece at `from` ends (a `...` included), or its problem thrown. */
function readEnd(read: GoYamlDocument, text: string, from: number, file: string): number {
  if ("problem" in read) {
    throw new SlipwayError(`yaml: ${read.problem}`, { file, ...positionOf(text, from + read.at.index) });
  }
  // A `...` stays: blanked, it would be a blank line a kept (`|+`) block scalar takes in.
  return read.markerEnd ?? read.end;
}

/**
 * `text` with each range's characters made blanks, line breaks kept. A range that starts a line
 * starts with `#` instead: a comment line ends a kept (`|+`, `>+`) block scalar before it for the
 * `yaml` package, which would take blank lines in as the scalar's (go-yaml ended the document at
 * that line: `spec: >+\n%YAML 1.1\n\n` is "" to kubectl).
 */
function blanked(text: string, ranges: ReadonlyArray<[number, number]>): string {
  if (ranges.length === 0) return text;
  let out = "";
  let at = 0;
  for (const [from, to] of ranges) {
    const blanks = text.slice(from, to).replace(/[^\r\n]/g, " ");
    const startsLine = from === 0 || text[from - 1] === "\n" || text[from - 1] === "\r";
    out += text.slice(at, from) + (startsLine && blanks[0] === " " ? `#${blanks.slice(1)}` : blanks);
    at = to;
  }
  return out + text.slice(at);
}
