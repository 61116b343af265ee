import { SlipwayError } from "../errors.js";
import { isMap, type KObject } from "../kustomize/types.js";
import { redactUrl } from "../url-credentials.js";
import { SecretPaths } from "./paths.js";

/** A core `v1` Secret. */
export function isCoreSecret(obj: KObject): boolean {
  return obj.kind === "Secret" && obj.apiVersion === "v1";
}

/** Flux sources whose `spec.url` is where they fetch from: a URL that may carry credentials. */
const URL_SOURCE_KINDS: ReadonlySet<string> = new Set(["GitRepository", "OCIRepository", "HelmRepository"]);

/**
 * The fields that are secret because of the object's kind: every value of a core Secret's
 * `data` and `stringData` (keys stay readable, as in `kubectl describe`), and a Flux source's
 * `spec.url` that carries credentials (`https://user:TOKEN@host/…`, `?private_token=…`): Flux
 * reads them from a Secret (spec.secretRef) otherwise, and printed they reach CI logs.
 */
export function kindSecretPaths(obj: KObject): SecretPaths | undefined {
  if (URL_SOURCE_KINDS.has(obj.kind as string)) return credentialedUrl(obj);
  if (!isCoreSecret(obj)) return undefined;
  const out = new SecretPaths();
  for (const field of ["data", "stringData"]) {
    const m = obj[field];
    if (isMap(m)) for (const key of Object.keys(m)) if (m[key] !== null) out.add([field, key]);
  }
  return out.isEmpty() ? undefined : out;
}

function credentialedUrl(obj: KObject): SecretPaths | undefined {
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  if (!apiVersion.startsWith("source.toolkit.fluxcd.io/") || !isMap(obj.spec)) return undefined;
  const url = obj.spec.url;
  if (typeof url !== "string" || redactUrl(url) === url) return undefined;
  const out = new SecretPaths();
  out.add(["spec", "url"]);
  return out;
}

/**
 * What names an object (apiVersion, kind, metadata.name and .namespace) is public: the API
 * server lists it to anyone who may list the kind, and Slipway prints it in every resource id.
 * A SOPS file that encrypts every value (no `encrypted_regex`) therefore still renders with a
 * readable kind, name and namespace.
 */
const IDENTITY_PATHS: ReadonlyArray<ReadonlyArray<string>> = [
  ["apiVersion"],
  ["kind"],
  ["metadata", "name"],
  ["metadata", "namespace"],
];

/**
 * An object Slipway does not render because a secret reached its identity (secretIdentityField):
 * a limit of what Slipway can show without printing the secret, not an error of the repository
 * (Flux applies it), which consumers may tell apart.
 */
export class SecretIdentityError extends SlipwayError {
  constructor(message: string, where?: { file?: string; line?: number }) {
    super(message, where);
    this.name = "SecretIdentityError";
  }
}

/** The first identity field `secrets` covers, dotted ("metadata.name"), or undefined. */
export function secretIdentityField(secrets: SecretPaths | undefined): string | undefined {
  return secrets ? IDENTITY_PATHS.find((p) => secrets.covers(p))?.join(".") : undefined;
}

/** The marks without the object's identity fields; undefined when nothing is left. */
export function withoutIdentity(secrets: SecretPaths | undefined): SecretPaths | undefined {
  if (!secrets || !IDENTITY_PATHS.some((p) => secrets.covers(p))) return secrets;
  let out = secrets;
  for (const p of IDENTITY_PATHS) if (out.covers(p)) out = out.without(p);
  return out.isEmpty() ? undefined : out;
}
