/**
 * The one place where diff hides secret values. Every object goes through `maskObject` before
 * it is compared, so no output (text, markdown, JSON, errors) can carry a Secret's content:
 * a value becomes a keyed-hash marker, equal values get equal markers within a run, and a
 * rotated value shows as a change between two different markers.
 *
 * When rendering itself masks (src/platform/masking.ts), this is where to switch over.
 */

import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";
import { createSecretMasker, type SecretMasker } from "../sops/index.js";

export type { SecretMasker };

export function newMasker(): SecretMasker {
  return createSecretMasker();
}

export function isSecret(obj: KObject): boolean {
  return obj.kind === "Secret" && (obj.apiVersion === "v1" || obj.apiVersion === undefined);
}

/** A copy of `obj` with Secret `data`/`stringData` values and any SOPS metadata masked. */
export function maskObject(obj: KObject, masker: SecretMasker): KObject {
  const hasSops = isMap(obj.sops);
  if (!isSecret(obj) && !hasSops) return obj;
  const out: YamlMap = { ...obj };
  if (isSecret(obj)) {
    for (const field of ["data", "stringData"]) {
      const v = obj[field];
      if (isMap(v)) out[field] = maskMap(v, masker);
    }
  }
  // An undecrypted SOPS document: its ciphertexts and MAC change on every edit; one marker
  // says that they changed without printing them.
  if (hasSops) out.sops = masker.mask(JSON.stringify(obj.sops, bigintSafe));
  if (!isSecret(obj) && hasSops) return maskEncrypted(out, masker) as KObject;
  return out;
}

/**
 * Teaches the masker every Secret value of a render (and the plain text behind `data`), so
 * that `scrub` also hides them where substitution copied them into other objects.
 */
export function rememberSecrets(objects: Iterable<KObject>, masker: SecretMasker): void {
  for (const obj of objects) {
    if (!isSecret(obj)) continue;
    for (const field of ["data", "stringData"]) {
      const m = obj[field];
      if (!isMap(m)) continue;
      for (const v of Object.values(m)) {
        if (typeof v !== "string") continue;
        masker.mask(v);
        if (field === "data") masker.mask(Buffer.from(v, "base64").toString("utf8"));
      }
    }
  }
}

function maskMap(m: YamlMap, masker: SecretMasker): YamlMap {
  const out: YamlMap = {};
  for (const [k, v] of Object.entries(m)) out[k] = v === null ? null : masker.maskAll(v);
  return out;
}

/** SOPS-encrypted values (`ENC[...]`) of any other kind. */
function maskEncrypted(v: YamlValue, masker: SecretMasker): YamlValue {
  if (typeof v === "string") return v.startsWith("ENC[") ? masker.mask(v) : v;
  if (Array.isArray(v)) return v.map((x) => maskEncrypted(x, masker));
  if (isMap(v)) {
    const out: YamlMap = {};
    for (const [k, x] of Object.entries(v)) out[k] = maskEncrypted(x, masker);
    return out;
  }
  return v;
}

function bigintSafe(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}
