/**
 * go-yaml's scanner reads a quoted scalar to its closing quote whatever the indentation of its
 * continuation lines; the `yaml` package ends it at a line indented no deeper than the
 * enclosing collection ("Missing closing quote"). kubectl accepts
 *
 *     data:
 *       motd: "first line
 *       second line"
 *
 * so Slipway must too: a false render error is worse than none. The repair indents such lines
 * (only inside the scalar, which the failed parse locates exactly) to the opening quote's column.
 * It changes no value: line folding drops a continuation line's leading white space. Lines keep
 * their numbers. A document marker (`---`, `...`) at a continuation line's start is an error in
 * go-yaml too and is left for the parse to report.
 */
import { type Document, Parser } from "yaml";

const QUOTED = new Set(["double-quoted-scalar", "single-quoted-scalar"]);
/**
 * A cut right after an escaped quote (`"say \"hi\"` or `'it''`) ends in a quote, so the `yaml`
 * package takes the scalar as closed and may report nothing at all (the next line at column 0,
 * `#h"`, reads as a comment): only such a line end needs the CST looked at when the parse
 * succeeded (an empty `''` after a space is a whole scalar).
 */
const SILENT_CUT = /(\\"|\S'')\r?\n/;

/**
 * A repaired text and the spaces it gained: `[offset, count]`, the offset in the text before the
 * repair. Whoever keeps offsets into that text (line-separators.ts) moves them with
 * `movedOffsets`.
 */
export interface Indented {
  text: string;
  inserted: ReadonlyArray<readonly [number, number]>;
}

interface QuotedToken {
  type: string;
  offset: number;
  source: string;
}

/**
 * The text with a cut quoted scalar's continuation lines indented, when the parse failed and
 * go-yaml would have read on; undefined otherwise. The scalar is found in the CST, not from the
 * error: depending on where the cut falls the `yaml` package reports "Missing closing quote",
 * or (a cut after an escaped quote, `"say \"hi\"`) takes the scalar as closed and reports the
 * next line's indentation.
 */
export function indentQuotedContinuation(text: string, docs: readonly Document[]): Indented | undefined {
  if (!docs.some((d) => d.errors.length > 0) && !SILENT_CUT.test(text)) return undefined;
  const cut = quotedTokens(text)
    .filter((t) => !closesAtEnd(t.source))
    .sort((a, b) => a.offset - b.offset)[0];
  return cut === undefined ? undefined : indentScalarLines(text, cut.offset);
}

/** Every quoted scalar token of the text's CST. */
function quotedTokens(text: string): QuotedToken[] {
  const found: QuotedToken[] = [];
  const stack: unknown[] = [...new Parser().parse(text)];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const t = node as Partial<QuotedToken>;
    if (
      typeof t.type === "string" &&
      QUOTED.has(t.type) &&
      typeof t.offset === "number" &&
      typeof t.source === "string"
    )
      found.push(t as QuotedToken);
    else for (const v of Object.values(node)) if (v !== null && typeof v === "object") stack.push(v);
  }
  return found;
}

/** Whether a quoted scalar's source ends at its closing quote (and not before). */
function closesAtEnd(source: string): boolean {
  const quote = source[0];
  for (let i = 1; i < source.length; i++) {
    const c = source[i];
    if (quote === '"' && c === "\\") i++;
    else if (c === quote) {
      if (quote === "'" && source[i + 1] === "'") i++;
      else return i === source.length - 1;
    }
  }
  return false;
}

/**
 * Indents every continuation line of the quoted scalar opening at `open` to the quote's column;
 * undefined when the scalar has no closing quote, a continuation line is a document marker, or
 * no line needed it.
 */
function indentScalarLines(text: string, open: number): Indented | undefined {
  const quote = text[open];
  const column = open - (text.lastIndexOf("\n", open - 1) + 1);
  const pad = " ".repeat(column);
  const parts: string[] = [];
  const inserted: Array<[number, number]> = [];
  let from = 0;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (quote === '"' && c === "\\") {
      // An escaped character is skipped, but an escaped line break still starts a line.
      i++;
      if (text[i] === "\r" && text[i + 1] === "\n") i++;
      if (text[i] !== "\n") continue;
    } else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") {
        i++;
        continue;
      }
      if (inserted.length === 0) return undefined;
      parts.push(text.slice(from));
      return { text: parts.join(""), inserted };
    } else if (c !== "\n") continue;
    const start = i + 1;
    let indent = 0;
    while (text[start + indent] === " ") indent++;
    const first = text[start + indent];
    if (first === "\n" || first === "\r" || first === undefined || indent >= column) continue;
    if (indent === 0 && isDocumentMarker(text, start)) return undefined;
    parts.push(text.slice(from, start), pad.slice(indent));
    inserted.push([start, column - indent]);
    from = start;
  }
  return undefined;
}

function isDocumentMarker(text: string, at: number): boolean {
  const three = text.slice(at, at + 3);
  if (three !== "---" && three !== "...") return false;
  const next = text[at + 3];
  return next === undefined || next === " " || next === "\t" || next === "\n" || next === "\r";
}

/**
 * The keys of `offsets` (offsets into a text before spaces were `inserted` into it)
 * moved to where their characters are after: a character at an insertion's offset moves too.
 */
export function movedOffsets<T>(
  offsets: ReadonlyMap<number, T>,
  inserted: ReadonlyArray<readonly [number, number]>,
): Map<number, T> {
  const moved = new Map<number, T>();
  for (const [at, value] of offsets) {
    let shift = 0;
    for (const [where, count] of inserted) if (where <= at) shift += count;
    moved.set(at + shift, value);
  }
  return moved;
}
