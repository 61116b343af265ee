/**
 * Whether a string decodes as a `[]byte` field does when kube-apiserver reads JSON: Go's
 * `base64.StdEncoding` (encoding/base64, non-strict), which skips every `\r` and `\n` before
 * decoding. So kustomize's own output, standard base64 cut into 70-column lines, is valid.
 * Padding is required (StdEncoding), and nothing may follow it.
 */
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isGoBase64(value: string): boolean {
  return STD_BASE64.test(value.replace(/[\r\n]/g, ""));
}
