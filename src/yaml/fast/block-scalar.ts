/**
 * The value of a literal (`|`) or folded (`>`) block scalar from its body lines, as YAML 1.2
 * (spec 8.1) and the `yaml` package read it: leading empty lines are line feeds, folding joins
 * two normal lines with a space (or with one line feed per empty line between them), lines
 * that start with a space keep their breaks, and chomping decides the final breaks.
 */

export type Chomping = "strip" | "clip" | "keep";

/**
 * `lines` holds the body with the block's indentation removed: "" for an empty line. It runs
 * from the first line after the header to the last empty line before the block ends, and has
 * at least one non-empty line.
 */
export function blockScalarText(lines: string[], folded: boolean, chomp: Chomping): string {
  let first = 0;
  while (lines[first] === "") first++;
  let last = lines.length - 1;
  while (lines[last] === "") last--;
  let out = "\n".repeat(first);
  if (folded) {
    out += foldLines(lines, first, last);
  } else {
    for (let i = first; i <= last; i++) out += i === first ? lines[i] : `\n${lines[i]}`;
  }
  if (chomp === "strip") return out;
  if (chomp === "clip") return `${out}\n`;
  return `${out}\n${"\n".repeat(lines.length - 1 - last)}`;
}

function foldLines(lines: string[], first: number, last: number): string {
  let out = lines[first] as string;
  let prevMore = out.charCodeAt(0) === 0x20;
  let empties = 0;
  for (let i = first + 1; i <= last; i++) {
    const line = lines[i] as string;
    if (line === "") {
      empties++;
      continue;
    }
    const more = line.charCodeAt(0) === 0x20;
    if (!prevMore && !more) out += empties === 0 ? " " : "\n".repeat(empties);
    else out += "\n".repeat(empties + 1);
    out += line;
    prevMore = more;
    empties = 0;
  }
  return out;
}

/**
 * A literal block's value from its text up to its last line of text (leading empty lines
 * included as line feeds) and the number of empty lines after it: blockScalarText's answer
 * for a literal block, for a reader that joins the lines as it reads them.
 */
export function chompLiteral(text: string, trailingEmpties: number, chomp: Chomping): string {
  if (chomp === "strip") return text;
  if (chomp === "clip") return `${text}\n`;
  return `${text}\n${"\n".repeat(trailingEmpties)}`;
}
