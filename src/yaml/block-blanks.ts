/**
 * A block scalar with an indentation indicator whose lines are all blanks: go-yaml (v2 and v3,
 * yaml_parser_scan_block_scalar) keeps the blanks past the indentation as content (`a: |1` over
 * a line of six spaces is "   \n"); the `yaml` package reads empty lines.
 */
import { goBlockScalarValue } from "./line-separators.js";

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
