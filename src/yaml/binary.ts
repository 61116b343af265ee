/**
 * A `!!binary` scalar's text as go-yaml (v2 and v3) decodes it: Go's base64.StdEncoding, which
 * skips line breaks and refuses anything else outside the alphabet or its padding (Node's decoder
 * drops such characters and reads on, and takes a value without its padding).
 */
const GO_STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The decoded text, or undefined where go-yaml fails "!!binary value contains invalid base64 data". */
export function decodeGoBinary(text: string): string | undefined {
  const data = text.replace(/[\r\n]/g, "");
  return GO_STD_BASE64.test(data) ? Buffer.from(data, "base64").toString("utf8") : undefined;
}

export const INVALID_BINARY = "!!binary value contains invalid base64 data";
