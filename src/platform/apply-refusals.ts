/**
 * What kustomize-controller refuses before it applies anything of a Kustomization
 * (fluxcd/kustomize-controller internal/controller/kustomization_controller.go, `apply`): a
 * `v1` Secret that still has a top-level `sops` key (`decryptor.IsEncryptedSecret`), unless it
 * is annotated `kustomize.toolkit.fluxcd.io/decrypt: disabled` (compared case-insensitively,
 * `IsDecryptionDisabled`). Without `spec.decryption` nothing removes that key, so the whole
 * Kustomization fails and nothing of it is applied. Other encrypted kinds are not refused.
 */

import { isMap, type KObject } from "../kustomize/types.js";
import { metaString } from "./flux-objects.js";
import type { PlatformError, RenderedResource } from "./model.js";

const DECRYPT_ANNOTATION = "kustomize.toolkit.fluxcd.io/decrypt";

/** kustomize-controller's refusal for the first encrypted Secret it would apply, if any. */
export function encryptedSecretRefusal(resources: RenderedResource[]): PlatformError | undefined {
  const r = resources.find((x) => isEncryptedSecret(x.object) && !decryptionDisabled(x.object));
  if (r === undefined) return undefined;
  // FmtUnstructured (fluxcd/pkg ssa/utils): kind/namespace/name, the namespace only when set.
  const namespace = metaString(r.object, "namespace");
  const id = ["Secret", ...(namespace ? [namespace] : []), metaString(r.object, "name")].join("/");
  return {
    code: "SOPS_DECRYPTION_MISSING",
    message: `${id} is SOPS encrypted, configuring decryption is required for this secret to be reconciled (the Flux Kustomization has no spec.decryption, so kustomize-controller applies none of its objects)`,
    ...(r.source ? { file: r.source.file, line: r.source.line } : {}),
  };
}

function isEncryptedSecret(obj: KObject): boolean {
  // unstructured.NestedFieldNoCopy finds the key whatever its value, null included.
  return obj.kind === "Secret" && obj.apiVersion === "v1" && Object.hasOwn(obj, "sops");
}

function decryptionDisabled(obj: KObject): boolean {
  const md = isMap(obj.metadata) ? obj.metadata : undefined;
  const ann = md && isMap(md.annotations) ? md.annotations : undefined;
  const v = ann?.[DECRYPT_ANNOTATION];
  return typeof v === "string" && v.toLowerCase() === "disabled";
}
