/**
 * YAML in UTF-16, as Helm 4.1.4 reads it. go-yaml v2 (readerc.go, yaml_parser_determine_encoding
 * and yaml_parser_update_buffer) takes a stream starting with the byte order mark FF FE as
 * UTF-16LE and FE FF as UTF-16BE (anything else is UTF-8), decodes it to UTF-8 and checks every
 * character as it does UTF-8's: surrogates must pair, control characters are refused, and an odd
 * byte left at the end is "incomplete UTF-16 character".
 *
 * Values files (chart values.yaml, `-f` files) reach go-yaml through k8s.io/apimachinery's
 * YAMLReader (loader.LoadValues), which cuts the bytes into lines at each 0x0A byte, drops a
 * 0x0D byte before it, and writes each line back with a 0x0A: a byte operation that knows no
 * UTF-16. A UTF-16LE file gets one byte more (its last line, the 00 after the final 0A, gains a
 * 0A), so Helm refuses every such file; UTF-16BE keeps its length when it ends with a newline.
 * No `---` line is ever found in UTF-16 bytes, so the file is one document for YAMLReader and
 * go-yaml reads only the first YAML document of it.
 *
 * Chart.yaml and other files Helm unmarshals directly take no such detour: both byte orders read.
 * Checked against the oracle (helm template with UTF-16 values.yaml, -f files and Chart.yaml).
 */

/** The UTF-16 byte order a stream's mark announces, if any. */
export function utf16Order(data: Uint8Array): "le" | "be" | undefined {
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) return "le";
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) return "be";
  return undefined;
}

/** go-yaml v2's decoding of a UTF-16 stream (mark included): the text, or the reader's error. */
export function decodeUtf16Yaml(
  data: Uint8Array,
  order: "le" | "be",
): { text: string } | { problem: string } {
  const lo = order === "le" ? 0 : 1;
  const hi = 1 - lo;
  const unit = (i: number) => data[i + lo]! + (data[i + hi]! << 8);
  const out: number[] = [];
  let i = 2;
  while (i < data.length) {
    if (data.length - i < 2) return { problem: "incomplete UTF-16 character" };
    let value = unit(i);
    let width = 2;
    if ((value & 0xfc00) === 0xdc00) return { problem: "unexpected low surrogate area" };
    if ((value & 0xfc00) === 0xd800) {
      if (data.length - i < 4) return { problem: "incomplete UTF-16 surrogate pair" };
      const next = unit(i + 2);
      if ((next & 0xfc00) !== 0xdc00) return { problem: "expected low surrogate area" };
      value = 0x10000 + ((value & 0x3ff) << 10) + (next & 0x3ff);
      width = 4;
    }
    if (!allowed(value)) return { problem: "control characters are not allowed" };
    out.push(value);
    i += width;
  }
  let text = "";
  for (let k = 0; k < out.length; k += 4096) text += String.fromCodePoint(...out.slice(k, k + 4096));
  return { text };
}

/** The characters go-yaml's reader lets through (YAML 1.1's printable set). */
function allowed(c: number): boolean {
  return (
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0d ||
    (c >= 0x20 && c <= 0x7e) ||
    c === 0x85 ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

/**
 * The bytes k8s.io/apimachinery's YAMLReader hands over for a stream in which no line starts with
 * `---` (true of UTF-16: see above): each line (bufio ReadLine: cut at 0x0A, a 0x0D before it
 * dropped) followed by 0x0A; nothing for an empty stream.
 */
export function yamlReaderBytes(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let start = 0;
  while (start < data.length) {
    const nl = data.indexOf(0x0a, start);
    let end = nl < 0 ? data.length : nl;
    if (nl >= 0 && end > start && data[end - 1] === 0x0d) end--;
    for (let k = start; k < end; k++) out.push(data[k]!);
    out.push(0x0a);
    start = nl < 0 ? data.length : nl + 1;
  }
  return Uint8Array.from(out);
}

/** Whether a line of the stream starts with `---` (YAMLReader would cut a document there). */
export function hasSeparatorLine(data: Uint8Array): boolean {
  for (let start = 0; start < data.length; ) {
    if (data[start] === 0x2d && data[start + 1] === 0x2d && data[start + 2] === 0x2d) return true;
    const nl = data.indexOf(0x0a, start);
    if (nl < 0) break;
    start = nl + 1;
  }
  return false;
}
