const LINE_LENGTH = 70;

/**
 * kyaml's encoding of generated Secret values and ConfigMap binaryData: standard base64,
 * cut into 70-character lines. Once the text is 70 characters or longer every line,
 * including the last, ends with "\n" (which is why such values print as `|` block scalars).
 */
export function wrappedBase64(bytes: Buffer): string {
  const encoded = bytes.toString("base64");
  if (encoded.length < LINE_LENGTH) return encoded;
  let out = "";
  for (let i = 0; i < encoded.length; i += LINE_LENGTH) {
    out += `${encoded.slice(i, i + LINE_LENGTH)}\n`;
  }
  return out;
}

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Whether a string decodes as a `[]byte` field does when kube-apiserver reads JSON: Go's
 * `base64.StdEncoding` (encoding/base64, non-strict), which skips every `\r` and `\n` before
 * decoding. So kyaml's own output above is valid. Padding is required, nothing may follow it.
 */
export function isGoBase64(value: string): boolean {
  return STD_BASE64.test(value.replace(/[\r\n]/g, ""));
}
