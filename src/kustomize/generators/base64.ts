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
