/**
 * Where a block scalar ends the input with no line break after its last line: go-yaml (v2 and
 * v3, yaml_parser_scan_block_scalar) reads no break there, whatever the chomping; the `yaml`
 * package adds one.
 */

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
