/**
 * Go's http.DetectContentType (net/http/sniff.go), which Helm 4.1.4's archive.EnsureArchive
 * names in "does not appear to be a gzipped archive; got '…'". Helm reads the first 512 bytes
 * into a zeroed 512-byte buffer and sniffs the whole buffer, so a file shorter than that
 * always has NUL bytes: binary, unless a signature matched first.
 *
 * differs because: only the signatures a mistaken chart path plausibly holds are kept (markup,
 * documents, images, archives, fonts, text); Go's audio and video patterns (mp4, webm, ogg,
 * wav, avi, aiff, midi, mp3) fall through to the text or binary answer.
 */

const HTML_TAGS = [
  "<!DOCTYPE HTML",
  "<HTML",
  "<HEAD",
  "<SCRIPT",
  "<IFRAME",
  "<H1",
  "<DIV",
  "<FONT",
  "<TABLE",
  "<A",
  "<STYLE",
  "<TITLE",
  "<B",
  "<BODY",
  "<BR",
  "<P",
  "<!--",
];

const PREFIXES: Array<[string, string]> = [
  ["%PDF-", "application/pdf"],
  ["%!PS-Adobe-", "application/postscript"],
  ["\xfe\xff", "text/plain; charset=utf-16be"],
  ["\xff\xfe", "text/plain; charset=utf-16le"],
  ["\xef\xbb\xbf", "text/plain; charset=utf-8"],
  ["\x00\x00\x01\x00", "image/x-icon"],
  ["\x00\x00\x02\x00", "image/x-icon"],
  ["BM", "image/bmp"],
  ["GIF87a", "image/gif"],
  ["GIF89a", "image/gif"],
  ["\x89PNG\x0d\x0a\x1a\x0a", "image/png"],
  ["\xff\xd8\xff", "image/jpeg"],
  ["wOFF", "font/woff"],
  ["wOF2", "font/woff2"],
  ["\x1f\x8b\x08", "application/x-gzip"],
  ["PK\x03\x04", "application/zip"],
  ["Rar!\x1a\x07\x00", "application/x-rar-compressed"],
  ["Rar!\x1a\x07\x01\x00", "application/x-rar-compressed"],
  ["\x00\x61\x73\x6d", "application/wasm"],
];

const isWhitespace = (b: number) => b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || b === 0x20;
const isTagEnd = (b: number | undefined) => b === 0x20 || b === 0x3e;
const isBinary = (b: number) =>
  b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f);

function startsWith(data: Uint8Array, at: number, sig: string, foldCase: boolean): boolean {
  if (data.length - at < sig.length) return false;
  for (let i = 0; i < sig.length; i++) {
    let b = data[at + i] as number;
    if (foldCase && b >= 0x61 && b <= 0x7a) b -= 0x20;
    if (b !== sig.charCodeAt(i)) return false;
  }
  return true;
}

/** http.DetectContentType of the 512-byte buffer Helm reads (`head` zero-padded to 512 bytes). */
export function detectContentType(head: Uint8Array): string {
  const data = new Uint8Array(512);
  data.set(head.subarray(0, 512));
  let ws = 0;
  while (ws < data.length && isWhitespace(data[ws] as number)) ws++;
  for (const tag of HTML_TAGS) {
    if (startsWith(data, ws, tag, true) && isTagEnd(data[ws + tag.length])) return "text/html; charset=utf-8";
  }
  if (startsWith(data, ws, "<?xml", false)) return "text/xml; charset=utf-8";
  for (const [sig, type] of PREFIXES) if (startsWith(data, 0, sig, false)) return type;
  if (startsWith(data, 0, "RIFF", false) && startsWith(data, 8, "WEBPVP", false)) return "image/webp";
  for (const b of data) if (isBinary(b)) return "application/octet-stream";
  return "text/plain; charset=utf-8";
}
