/**
 * U+2028 (LS) and U+2029 (PS) inside a scalar. go-yaml reads YAML 1.1, where both are line breaks
 * (scannerc.go is_break), but keeps each in the value as itself (read_line) where it folds a line
 * feed: a break run that starts with one is kept whole instead of becoming a space, and the blanks
 * around it go as they go around any break. The `yaml` package (YAML 1.2) reads both as content,
 * blanks included. The scanner port (libyaml/scanner.ts) makes one a line feed where go-yaml ends
 * the scalar at it; inside, the `yaml` package's node keeps the structure go-yaml reads, and these
 * functions give its value from its source as go-yaml's scanner builds it.
 */
import type { Scalar } from "yaml";
import { blockIndentation } from "./block-scalar-end.js";
import { HEX_LENGTH, SIMPLE_ESCAPES } from "./fast/inline.js";

const BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/y;

/** True when `text` holds a LS or PS. */
export function hasLineSeparator(text: string): boolean {
  return text.includes("\u2028") || text.includes("\u2029");
}

/**
 * A scalar node's value as go-yaml reads it, where its source holds a LS or PS (`text` the `yaml`
 * package's value; `src` what it read, in which `separators` were made line feeds); undefined
 * where there is none.
 */
export function goSeparatedValue(
  node: Scalar,
  text: string,
  src: string,
  separators: ReadonlyMap<number, string>,
): string | undefined {
  if (!node.range) return undefined;
  const [from, to] = node.range;
  let source = src.slice(from, to);
  for (const [at, c] of separators)
    if (at >= from && at < to) source = source.slice(0, at - from) + c + source.slice(at - from + 1);
  if (!hasLineSeparator(source)) return undefined;
  if (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED")
    return goBlockScalarValue(source, blockIndentation(source, text));
  if (node.type === "PLAIN" || node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE")
    return goFlowScalarValue(source, node.type);
  return undefined;
}

/** The break at `at` (its length) and what go-yaml puts in the value for it; undefined if none. */
function breakAt(text: string, at: number): [number, string] | undefined {
  BREAK.lastIndex = at;
  const m = BREAK.exec(text);
  if (!m) return undefined;
  const c = m[0];
  return [c.length, c === "\u2028" || c === "\u2029" ? c : "\n"];
}

const isBlank = (c: string | undefined) => c === " " || c === "\t";

/** go-yaml's join of a run of breaks: a single line feed folds to a space, LS and PS stay. */
function joined(leadingBreak: string, trailingBreaks: string): string {
  if (leadingBreak === "\n") return trailingBreaks === "" ? " " : trailingBreaks;
  return leadingBreak + trailingBreaks;
}

/**
 * The value go-yaml reads from a plain or quoted scalar's source (quotes included), or undefined
 * for an escape it does not know (the `yaml` package's reading stands then).
 * yaml_parser_scan_plain_scalar and yaml_parser_scan_flow_scalar share this folding.
 */
export function goFlowScalarValue(
  source: string,
  style: "PLAIN" | "QUOTE_SINGLE" | "QUOTE_DOUBLE",
): string | undefined {
  const quote = style === "QUOTE_DOUBLE" ? '"' : style === "QUOTE_SINGLE" ? "'" : "";
  const end = quote === "" ? source.length : source.length - 1;
  let s = "";
  let i = quote === "" ? 0 : 1;
  while (i < end) {
    // the content up to the next blank or break
    while (i < end && !isBlank(source[i]) && breakAt(source, i) === undefined) {
      const c = source[i] as string;
      if (quote === "'" && c === "'") {
        s += "'";
        i += 2;
      } else if (quote === '"' && c === "\\") {
        const escapedBreak = breakAt(source, i + 1);
        if (escapedBreak !== undefined) {
          // An escaped line break: no break of its own, the next line's joins on directly.
          i = skipBlanksAndBreaks(source, i + 1 + escapedBreak[0], end, (b) => {
            s += b;
          });
          continue;
        }
        const e = source[i + 1] as string;
        const simple = e === "\t" ? "\t" : SIMPLE_ESCAPES[e];
        if (simple !== undefined) {
          s += simple;
          i += 2;
          continue;
        }
        const n = HEX_LENGTH[e];
        if (n === undefined) return undefined;
        s += String.fromCodePoint(Number.parseInt(source.slice(i + 2, i + 2 + n), 16));
        i += 2 + n;
      } else {
        s += c;
        i++;
      }
    }
    // blanks, then breaks: blanks before a break are dropped, those after it skipped
    let whitespaces = "";
    while (i < end && isBlank(source[i])) whitespaces += source[i++];
    const first = i < end ? breakAt(source, i) : undefined;
    if (first === undefined) {
      s += whitespaces;
      continue;
    }
    let trailing = "";
    i = skipBlanksAndBreaks(source, i + first[0], end, (b) => {
      trailing += b;
    });
    s += joined(first[1], trailing);
  }
  return s;
}

function skipBlanksAndBreaks(
  source: string,
  from: number,
  end: number,
  onBreak: (b: string) => void,
): number {
  let i = from;
  for (;;) {
    while (i < end && isBlank(source[i])) i++;
    const b = i < end ? breakAt(source, i) : undefined;
    if (b === undefined) return i;
    onBreak(b[1]);
    i += b[0];
  }
}

/**
 * The value go-yaml reads from a block scalar's source (header included) whose content starts at
 * column `indent` (yaml_parser_scan_block_scalar); the end of the source ends the scalar.
 */
export function goBlockScalarValue(source: string, indent: number): string {
  const header = /^[|>]([-+1-9]*)/.exec(source)?.[1] ?? "";
  const literal = source[0] === "|";
  const chomp = header.includes("-") ? -1 : header.includes("+") ? 1 : 0;
  let i = 0;
  // the header's line, and its break
  while (i < source.length && breakAt(source, i) === undefined) i++;
  i += breakAt(source, i)?.[0] ?? 0;
  let column = 0;
  let trailing = "";
  const breaks = () => {
    for (;;) {
      column = 0;
      while (column < indent && source[i] === " ") {
        i++;
        column++;
      }
      const b = i < source.length ? breakAt(source, i) : undefined;
      if (b === undefined) return;
      trailing += b[1];
      i += b[0];
    }
  };
  breaks();
  let s = "";
  let leadingBreak = "";
  let leadingBlank = false;
  while (column === indent && i < source.length) {
    const trailingBlank = isBlank(source[i]);
    if (!literal && leadingBreak === "\n" && !leadingBlank && !trailingBlank) {
      if (trailing === "") s += " ";
    } else {
      s += leadingBreak;
    }
    s += trailing;
    trailing = "";
    leadingBlank = isBlank(source[i]);
    while (i < source.length && breakAt(source, i) === undefined) s += source[i++];
    const b = i < source.length ? breakAt(source, i) : undefined;
    leadingBreak = b?.[1] ?? "";
    i += b?.[0] ?? 0;
    breaks();
  }
  if (chomp !== -1) s += leadingBreak;
  if (chomp === 1) s += trailing;
  return s;
}
