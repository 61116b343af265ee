/**
 * Block scalar values where go-yaml (v2 and v3, yaml_parser_scan_block_scalar) reads otherwise
 * than the `yaml` package: where the scalar ends the input with no line break after its last line
 * (go-yaml reads no break there, whatever the chomping; the `yaml` package adds one), and where an
 * indentation indicator is given and every line is blanks (go-yaml keeps the blanks past the
 * indentation as content, `a: |1\n      \n` is "   \n"; the `yaml` package reads empty lines).
 */
import { goBlockScalarValue } from "./line-separators.js";

/**
 * The content indentation of a block scalar (its source from the header on, and its value as
 * the `yaml` package reads it): where its first line with a non-blank character starts, less the
 * spaces that line keeps in the value. Infinity when it has no such line.
 */
export function blockIndentation(source: string, value: string): number {
  const sourceLine = /^( *)[ \t]*[^\s]/m.exec(source.slice(source.search(/[\n\r\u0085\u2028\u2029]/) + 1));
  const valueLine = /^( *)[ \t]*[^\s]/m.exec(value);
  if (!sourceLine || !valueLine) return Number.POSITIVE_INFINITY;
  return (sourceLine[1] as string).length - (valueLine[1] as string).length;
}

/**
 * The value of a block scalar (`range` its node's range in `src`, `text` the `yaml` package's
 * value) as go-yaml reads it when the scalar's last line ends `src` with no line break: no final
 * break, unless that line is blanks no deeper than the indentation (an empty line, not content).
 */
export function blockValueAtEnd(
  range: readonly number[] | null | undefined,
  src: string,
  text: string,
): string {
  const end = range?.[1];
  if (end === undefined || end < src.length || /[\n\r]$/.test(src) || !text.endsWith("\n")) return text;
  const body = src.slice(range?.[0] ?? 0, end);
  const lastLine = body.slice(Math.max(body.lastIndexOf("\n"), body.lastIndexOf("\r")) + 1);
  if (lastLine.trim() === "" && lastLine.length <= blockIndentation(body, text)) return text;
  return text.slice(0, -1);
}

/**
 * go-yaml's value of a block scalar with an indentation indicator whose lines hold nothing but
 * blanks (`range` its node's range in `src`, `text` the `yaml` package's value); undefined for
 * any other, or where the indentation of its parent is not on the header's line.
 */
export function blanksOnlyBlockValue(
  range: readonly number[] | null | undefined,
  src: string,
  text: string,
): string | undefined {
  const from = range?.[0];
  if (from === undefined || range?.[1] === undefined) return undefined;
  const digit = /^[|>][-+]?([1-9])/.exec(src.slice(from, from + 3))?.[1];
  if (digit === undefined || /\S/.test(text)) return undefined;
  const parent = parentIndentation(src, from);
  if (parent === undefined) return undefined;
  return goBlockScalarValue(src.slice(from, range[1]), Math.max(parent, 0) + Number(digit));
}

/**
 * go-yaml's indentation level at a block scalar's header (`at`), read from the header's line:
 * the column of the key it is the value of, else of the `-` before it, -1 after a `---` at the
 * top; undefined when its line tells neither (the header alone on its line).
 */
function parentIndentation(src: string, at: number): number | undefined {
  const lineStart = Math.max(src.lastIndexOf("\n", at - 1), src.lastIndexOf("\r", at - 1)) + 1;
  const before = src.slice(lineStart, at);
  if (/^--- +(?:[!&]\S* +)*$/.test(before)) return -1;
  const m = /^( *)((?:- +)*)(.*)$/.exec(before);
  if (!m) return undefined;
  const [, spaces = "", dashes = "", rest = ""] = m;
  if (/^(?:[!&]\S* +)*$/.test(rest))
    return dashes === "" ? undefined : spaces.length + dashes.lastIndexOf("-");
  // a key (`a: `, `? `, `: `) and the header after it
  return /^(?:[?:] |.*: )/.test(rest) ? spaces.length + dashes.length : undefined;
}
