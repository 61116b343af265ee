/**
 * Secret values reach diff already masked: `comparePlatforms` and `compareEnvironments` compare
 * the masked model (src/platform/masking.ts), in which every secret field holds the run's
 * keyed-hash marker — equal values get equal markers, so a rotated value shows as a change
 * between two markers and an unchanged one as no change. What is left here is noise: an object
 * still encrypted (no key) changes its ciphertexts and MAC on every edit, so its SOPS metadata
 * becomes one marker and its `ENC[...]` values theirs.
 */

import { isMap, type KObject, type YamlMap, type YamlValue } from "../kustomize/types.js";
import { maskPlatform } from "../platform/masking.js";
import type { Platform } from "../platform/model.js";
import { createSecretMasker, type SecretMasker } from "../sops/index.js";

export type { SecretMasker };

export function newMasker(): SecretMasker {
  return createSecretMasker();
}

export function isSecret(obj: KObject): boolean {
  return obj.kind === "Secret" && (obj.apiVersion === "v1" || obj.apiVersion === undefined);
}

/** The platform as diff compares it: every secret field masked with the run's masker. */
export function maskForDiff(platform: Platform, masker: SecretMasker): Platform {
  return maskPlatform(platform, masker);
}

/** A copy of `obj` whose SOPS metadata and `ENC[...]` values (an object left encrypted) are markers. */
export function maskObject(obj: KObject, masker: SecretMasker): KObject {
  if (!isMap(obj.sops)) return obj;
  const out: YamlMap = { ...obj };
  out.sops = masker.mask(JSON.stringify(obj.sops, bigintSafe));
  return maskEncrypted(out, masker) as KObject;
}

/** SOPS-encrypted values (`ENC[...]`). */
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
