/**
 * A core Secret's `data` values are base64, decoded by the API server as Go's encoding/json
 * decodes a []byte: base64.StdEncoding, padding required, line breaks ignored, anything else
 * refused ("illegal base64 data at input byte N"). A common mistake is plain text under `data:`
 * (meant for `stringData:`) inside a SOPS file, where only a run with the key can see it.
 */
import { isGoStdBase64 } from "../go/base64.js";
import { isMap, type KObject } from "../kustomize/types.js";
import { isCoreSecret } from "./kinds.js";

export { isGoStdBase64 };

/**
 * The `data` keys of a core Secret whose string value the API server would refuse. An object
 * still in its SOPS envelope (not decrypted: the values are ciphertext) has none to tell.
 */
export function secretDataNotBase64(object: KObject): string[] {
  if (!isCoreSecret(object) || object.sops !== undefined || !isMap(object.data)) return [];
  return Object.entries(object.data)
    .filter(([, v]) => typeof v === "string" && !v.startsWith("ENC[") && !isGoStdBase64(v))
    .map(([k]) => k);
}
