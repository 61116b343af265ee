import { isMap, type KObject } from "../kustomize/types.js";
import { SecretPaths } from "./paths.js";

/** A core `v1` Secret. */
export function isCoreSecret(obj: KObject): boolean {
  return obj.kind === "Secret" && obj.apiVersion === "v1";
}

/**
 * The fields that are secret because of the object's kind: every value of a core Secret's
 * `data` and `stringData` (keys stay readable, as in `kubectl describe`).
 */
export function kindSecretPaths(obj: KObject): SecretPaths | undefined {
  if (!isCoreSecret(obj)) return undefined;
  const out = new SecretPaths();
  for (const field of ["data", "stringData"]) {
    const m = obj[field];
    if (isMap(m)) for (const key of Object.keys(m)) if (m[key] !== null) out.add([field, key]);
  }
  return out.isEmpty() ? undefined : out;
}
