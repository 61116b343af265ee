/**
 * Go's encoding/base64 StdEncoding, as DecodeString reads it (Go 1.22 encoding/base64/base64.go):
 * the standard alphabet, `=` padding required, `\r` and `\n` skipped anywhere, anything else
 * refused ("illegal base64 data at input byte N"). Node's Buffer.from(s, "base64") instead skips
 * characters it does not know, takes the URL alphabet and missing padding: text Go refuses.
 * Quirk kept: non-zero bits in the last character are accepted (StdEncoding is not Strict()).
 */

const STD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether Go's base64.StdEncoding.DecodeString accepts `s`. */
export function isGoStdBase64(s: string): boolean {
  const t = s.includes("\n") || s.includes("\r") ? s.replace(/[\r\n]/g, "") : s;
  return t.length % 4 === 0 && STD_BASE64.test(t);
}

/** The bytes Go's base64.StdEncoding.DecodeString gives for `s`; undefined where Go fails. */
export function decodeGoStdBase64(s: string): Buffer | undefined {
  return isGoStdBase64(s) ? Buffer.from(s, "base64") : undefined;
}
