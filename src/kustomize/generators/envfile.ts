import { SlipwayError } from "../../errors.js";
import type { KvPair } from "./kv-pair.js";

/** bufio.Scanner's default maximum token size: a longer line ends the scan. */
const MAX_LINE_BYTES = 64 * 1024;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * kustomize's env-file reader (api/kv). Per line: leading Unicode whitespace is dropped;
 * blank lines and lines starting with `#` are skipped; the text before the first `=` is the
 * key, the rest the value, kept verbatim (no quote stripping, trailing spaces kept). A line
 * with no `=` gives an empty value (kustomize v5.5.0 does not read the process environment).
 * A line whose key is empty (`=x`) is skipped. Keys are not validated (`export A`, `1A`,
 * `A B` all pass). A UTF-8 BOM is dropped from the first line only; CRLF endings are fine.
 * Invalid UTF-8 on a line is an error. Like Go's bufio.Scanner, a line of 64 KiB or more
 * silently ends the file: later lines are ignored and no error is raised.
 */
export function parseEnvFile(content: Buffer, file: string): KvPair[] {
  const pairs: KvPair[] = [];
  let start = 0;
  let lineIndex = 0;
  while (start < content.length) {
    const nl = content.indexOf(0x0a, start);
    const end = nl === -1 ? content.length : nl;
    if (end - start >= MAX_LINE_BYTES) break;
    let line = content.subarray(start, end);
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    const pair = parseLine(line, lineIndex, file);
    if (pair) pairs.push(pair);
    lineIndex++;
    if (nl === -1) break;
    start = nl + 1;
  }
  return pairs;
}

function parseLine(raw: Buffer, lineIndex: number, file: string): KvPair | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(raw);
  } catch {
    throw new SlipwayError(`line [${[...raw].join(" ")}] has invalid utf8 bytes : ${escapeBytes(raw)}`, {
      file,
      line: lineIndex + 1,
    });
  }
  if (lineIndex === 0 && raw.subarray(0, 3).equals(UTF8_BOM)) text = text.slice(1);
  text = trimLeftGoSpace(text);
  if (text === "" || text.startsWith("#")) return undefined;
  const eq = text.indexOf("=");
  const key = eq === -1 ? text : text.slice(0, eq);
  if (key === "") return undefined;
  const value = eq === -1 ? "" : text.slice(eq + 1);
  return { key, value: Buffer.from(value, "utf8") };
}

/** Go's unicode.IsSpace set (differs from JS `\s`: has U+0085, lacks U+FEFF). */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

function trimLeftGoSpace(s: string): string {
  return s.replace(GO_SPACE, "");
}

function escapeBytes(raw: Buffer): string {
  let out = "";
  for (const b of raw)
    out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
  return out;
}
