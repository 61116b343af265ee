/**
 * The char-by-char jsonString (Go's appendString) that src/helm/funcs/go/json-encode.ts had
 * before its fast path: kept as the reference the property test compares the new one with.
 */
const HEX = "0123456789abcdef";

/** Go's appendString, one code point at a time. */
export function referenceJsonString(s: string, escapeHTML = true): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xdc80 && c <= 0xdcff) {
      out += "\\ufffd"; // an invalid UTF-8 byte
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += "\\\\";
        continue;
      case 0x08:
        out += "\\b";
        continue;
      case 0x0c:
        out += "\\f";
        continue;
      case 0x0a:
        out += "\\n";
        continue;
      case 0x0d:
        out += "\\r";
        continue;
      case 0x09:
        out += "\\t";
        continue;
      case 0x2028:
        out += "\\u2028";
        continue;
      case 0x2029:
        out += "\\u2029";
        continue;
    }
    if (c < 0x20 || (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) {
      out += `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      continue;
    }
    out += ch;
  }
  return `${out}"`;
}
