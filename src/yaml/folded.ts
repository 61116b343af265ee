/**
 * What kubectl's kustomize makes of a folded (`>`) block scalar. kyaml turns each resource into
 * JSON by emitting its node tree with go-yaml v3 (sigs.k8s.io/yaml/goyaml.v3 at kustomize v5.5.0),
 * node styles kept, and decoding that text again. So a folded scalar is written back in folded
 * style and re-read, and v3's folded writer has a quirk (emitterc.go,
 * yaml_emitter_write_folded_scalar): the "is the next line more-indented?" check looks at the
 * start of the value instead of the next line. Hence:
 * - a value that starts with a non-blank gets an empty line before every line that follows a
 *   normal line, more-indented ones included: "a\n  b" comes back as "a\n\n  b";
 * - a value that starts with a blank gets none: "b\nc" between normal lines comes back as "b c";
 * - with `+` chomping the extra empty line after the last content line survives.
 * A value v3 cannot write as a block (trailing space, a space before a line break, control
 * characters) is written double-quoted instead and comes back unchanged.
 */
export function goFoldedText(specValue: string): string {
  if (!v3BlockAllowed(specValue)) return specValue;
  return readFolded(writeFolded(specValue), chompOf(specValue));
}

type Chomp = "strip" | "clip" | "keep";

/** go-yaml v3 `yaml_emitter_analyze_scalar`: may the value be written as a block scalar? */
export function v3BlockAllowed(v: string): boolean {
  if (v === "") return false;
  if (v.endsWith(" ")) return false;
  if (/ [\n\r\u0085\u2028\u2029]/.test(v)) return false;
  // Not printable for go-yaml (tab and "\n" are): C0/C1 controls, DEL, surrogates, U+FEFF, U+FFFE/F,
  // and every character beyond the BMP (is_printable takes no 4-byte UTF-8 sequence: an emoji).
  return !/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ud800-\udfff\ufeff\ufffe\uffff\u{10000}-\u{10ffff}]/u.test(
    v,
  );
}

/** The body lines v3's folded writer produces (indentation left out), each ending a line. */
function writeFolded(v: string): string[] {
  let k = 0;
  while (v[k] === "\n") k++;
  const startsBlank = k >= v.length || v[k] === " " || v[k] === "\t";
  const lines: string[] = [];
  let line = "";
  let breaks = true;
  let leadingSpaces = true;
  for (const c of v) {
    if (c === "\n") {
      // quirk kept: the fold check reads the value's first character, not the next line's.
      if (!breaks && !leadingSpaces && !startsBlank) {
        lines.push(line);
        line = "";
      }
      lines.push(line);
      line = "";
      breaks = true;
    } else {
      if (breaks) leadingSpaces = c === " " || c === "\t";
      line += c;
      breaks = false;
    }
  }
  if (!breaks) lines.push(line);
  return lines;
}

/** The header's chomping indicator (yaml_emitter_write_block_scalar_hints). */
function chompOf(v: string): Chomp {
  if (!v.endsWith("\n")) return "strip";
  if (v.length === 1 || v[v.length - 2] === "\n") return "keep";
  return "clip";
}

/** go-yaml v3's block scanner on folded body lines (yaml_parser_scan_block_scalar). */
function readFolded(lines: string[], chomp: Chomp): string {
  let s = "";
  let leadingBreak = "";
  let trailingBreaks = "";
  let leadingBlank = false;
  let i = 0;
  while (i < lines.length && lines[i] === "") {
    trailingBreaks += "\n";
    i++;
  }
  while (i < lines.length) {
    const line = lines[i] as string;
    const trailingBlank = line[0] === " " || line[0] === "\t";
    if (!leadingBlank && !trailingBlank && leadingBreak === "\n") {
      if (trailingBreaks === "") s += " ";
    } else {
      s += leadingBreak;
    }
    s += trailingBreaks;
    leadingBreak = "";
    trailingBreaks = "";
    leadingBlank = trailingBlank;
    s += line;
    leadingBreak = "\n";
    i++;
    while (i < lines.length && lines[i] === "") {
      trailingBreaks += "\n";
      i++;
    }
  }
  if (chomp !== "strip") s += leadingBreak;
  if (chomp === "keep") s += trailingBreaks;
  return s;
}
