/**
 * YAML files are UTF-8 text. go-yaml's reader (readerc.go, yaml_parser_update_buffer) refuses a
 * file that is not valid UTF-8, so kubectl fails the build; Node's `toString("utf8")` would
 * quietly put U+FFFD in its place. Errors name the file, line and column, with go-yaml's words.
 */
import { SlipwayError } from "../errors.js";
import { unsplitFirstDocumentText } from "./kyaml-stream.js";

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const utf16le = new TextDecoder("utf-16le", { fatal: true, ignoreBOM: true });
const utf16be = new TextDecoder("utf-16be", { fatal: true, ignoreBOM: true });

/**
 * The text of a YAML file's bytes; throws SlipwayError at the first byte that is not UTF-8.
 * A UTF-16 byte order mark at the start makes it UTF-16, little or big endian, as go-yaml reads
 * it (yaml_parser_determine_encoding): Windows editors save YAML so (evankanderson's
 * operator-part2.yaml), and kubectl builds it.
 */
export function decodeYamlText(bytes: Uint8Array, file: string): string {
  const le = bytes[0] === 0xff && bytes[1] === 0xfe;
  if (le || (bytes[0] === 0xfe && bytes[1] === 0xff)) return decodeUtf16(bytes, le, file);
  try {
    return strict.decode(bytes);
  } catch (e) {
    // Valid UTF-8 that makes a longer string than V8 holds: a size problem, not an encoding one.
    if ((e as NodeJS.ErrnoException).code === "ERR_STRING_TOO_LONG")
      throw new SlipwayError(
        `file is too large: ${bytes.length} bytes; its text is longer than the longest string Slipway can hold (512 MiB)`,
        { file },
      );
    const bad = firstInvalid(bytes);
    const before = bytes.subarray(0, bad.at);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < before.length; i++) {
      if (before[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const column = Buffer.from(bytes.subarray(lineStart, bad.at)).toString("utf8").length + 1;
    throw new SlipwayError(`${bad.reason} (the file is not valid UTF-8)`, { file, line, column });
  }
}

/** go-yaml's reader's words (readerc.go) for the first bytes of `bytes` that are not UTF-8. */
export function invalidUtf8Reason(bytes: Uint8Array): string {
  return firstInvalid(bytes).reason;
}

function firstInvalid(b: Uint8Array): { at: number; reason: string } {
  for (let i = 0; i < b.length; ) {
    const c = b[i] as number;
    const width =
      c < 0x80 ? 1 : (c & 0xe0) === 0xc0 ? 2 : (c & 0xf0) === 0xe0 ? 3 : (c & 0xf8) === 0xf0 ? 4 : 0;
    if (width === 0) return { at: i, reason: "invalid leading UTF-8 octet" };
    if (i + width > b.length) return { at: i, reason: "incomplete UTF-8 octet sequence" };
    let value = width === 1 ? c : c & (0xff >> (width + 1));
    for (let k = 1; k < width; k++) {
      const t = b[i + k] as number;
      if ((t & 0xc0) !== 0x80) return { at: i, reason: "invalid trailing UTF-8 octet" };
      value = (value << 6) | (t & 0x3f);
    }
    const minimum = [0, 0, 0x80, 0x800, 0x10000][width] as number;
    if (value < minimum) return { at: i, reason: "invalid length of a UTF-8 sequence" };
    if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff)
      return { at: i, reason: "invalid Unicode character" };
    i += width;
  }
  return { at: b.length, reason: "invalid UTF-8" };
}

/** UTF-16 text (the byte order mark kept, as the UTF-8 path keeps it), in go-yaml's words when it is not. */
function decodeUtf16(bytes: Uint8Array, le: boolean, file: string): string {
  if (bytes.length % 2 !== 0) throw new SlipwayError("incomplete UTF-16 character", { file });
  let text: string;
  try {
    text = (le ? utf16le : utf16be).decode(bytes);
  } catch {
    throw new SlipwayError("incomplete UTF-16 surrogate pair (the file is not valid UTF-16)", { file });
  }
  // kyaml splits documents in the bytes, never in UTF-16: only the first document is read.
  return unsplitFirstDocumentText(text.startsWith("\ufeff") ? text.slice(1) : text, file);
}
